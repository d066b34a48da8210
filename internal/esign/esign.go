// Package esign holds electronic signatures in the manner of 21 CFR Part
// 11: who signed (id, name, role), what the signature means (approved,
// reviewed, responsible), when, how the signer was re-authenticated, and
// the SHA-256 of the signed record's canonical content at signing. A later
// change to the record makes the signature no longer match: re-hashing the
// record's current content gives another digest (Check).
//
// The canonical content of each kind of signed record is defined here
// (content.go): an NCR disposition (the Material Review Board approval),
// a CAPA closure, a first article approval and a spec release. Each is a
// fixed set of the record's fields, encoded as JSON behind a header naming
// the format version and the record type, so the same record always hashes
// the same on every database and machine.
//
// Signing itself needs the signer's password entered again: the operations
// layer checks it (auth.Service.Reauthenticate, under sign-in throttling)
// and hands the verified actor to the store, which computes the hash in
// the signing transaction, stores the signature append-only and writes it
// to the hash-chained audit trail.
//
// The package is pure: it imports the standard library, qms and the
// domain packages of the signed records (inspection, ncr, capa, supplier). It must
// not import database/sql or net/http.
package esign

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
	"qms/internal/supplier"
)

// Meaning is what a signature means (21 CFR 11.50(a)(3)).
type Meaning string

const (
	MeaningApproved    Meaning = "approved"
	MeaningReviewed    Meaning = "reviewed"
	MeaningResponsible Meaning = "responsible" // authorship, responsibility for the content
)

// Meanings lists every meaning.
var Meanings = []Meaning{MeaningApproved, MeaningReviewed, MeaningResponsible}

// Valid reports whether m is one of Meanings.
func (m Meaning) Valid() bool { return slices.Contains(Meanings, m) }

// Label is the meaning as the manifestation prints it.
func (m Meaning) Label() string {
	switch m {
	case MeaningApproved:
		return "Approved"
	case MeaningReviewed:
		return "Reviewed"
	case MeaningResponsible:
		return "Responsible"
	}
	return string(m)
}

// RecordType is a kind of signed record: what the signature covers.
type RecordType string

const (
	NCRDisposition RecordType = "ncr_disposition" // an NCR's disposition, signed by each MRB approver
	CAPAClosure    RecordType = "capa_closure"    // a CAPA's 8D report and effectiveness at closure
	FAIApproval    RecordType = "fai_approval"    // a first article inspection's result and decision
	SpecRelease    RecordType = "spec_release"    // a spec revision's content and release reason
	// DocumentApproval is a controlled document revision's content
	// (document.ApprovalContent), signed by the approving quality manager.
	DocumentApproval RecordType = "document_approval"
	// SupplierApproval is a supplier's approval (SupplierApprovalContent),
	// signed in ISO 13485 mode by the approver.
	SupplierApproval RecordType = "supplier_approval"
)

// RecordTypes lists every record type.
var RecordTypes = []RecordType{NCRDisposition, CAPAClosure, FAIApproval, SpecRelease, DocumentApproval, SupplierApproval}

// Valid reports whether t is one of RecordTypes.
func (t RecordType) Valid() bool { return slices.Contains(RecordTypes, t) }

// EntityType is the audit entity type of the record signed: ncr, capa,
// inspection or spec.
func (t RecordType) EntityType() string {
	switch t {
	case NCRDisposition:
		return "ncr"
	case CAPAClosure:
		return "capa"
	case FAIApproval:
		return "inspection"
	case SpecRelease:
		return "spec"
	case DocumentApproval:
		return "document_revision"
	case SupplierApproval:
		return "supplier"
	}
	return ""
}

// Label is the record type's name for people.
func (t RecordType) Label() string {
	switch t {
	case NCRDisposition:
		return "NCR disposition"
	case CAPAClosure:
		return "CAPA closure"
	case FAIApproval:
		return "First article approval"
	case SpecRelease:
		return "Spec release"
	case DocumentApproval:
		return "Document approval"
	case SupplierApproval:
		return "Supplier approval"
	}
	return string(t)
}

// MethodPassword is how signers are re-authenticated: their password,
// entered again at signing.
const MethodPassword = "password"

// Signature is one electronic signature. It is never changed or deleted.
type Signature struct {
	ID          int64      `json:"id"`
	RecordType  RecordType `json:"record_type"`
	EntityType  string     `json:"entity_type"`
	EntityID    int64      `json:"entity_id"`
	Meaning     Meaning    `json:"meaning"`
	SignerID    int64      `json:"signer_id"`
	SignerName  string     `json:"signer_name"`
	SignerEmail string     `json:"signer_email,omitempty"`
	SignerRole  qms.Role   `json:"signer_role"`
	Method      string     `json:"method"`
	Comment     string     `json:"comment,omitempty"`
	// ContentHash is the hex SHA-256 of the record's canonical content at
	// signing (Canonical).
	ContentHash string    `json:"content_hash"`
	SignedAt    time.Time `json:"signed_at"`
	RequestID   string    `json:"request_id,omitempty"`
}

// Manifestation is the signature as a record shows it (21 CFR 11.50): the
// signer's printed name and role, the meaning, the date and time (UTC),
// what was signed, and the start of the content digest.
func (s *Signature) Manifestation() string {
	return fmt.Sprintf("%s — %s (%s), %s UTC — %s %s %d — SHA-256 %s",
		s.Meaning.Label(), s.SignerName, strings.ToLower(s.SignerRole.Label()), s.SignedAt.UTC().Format("2006-01-02 15:04"),
		s.RecordType.Label(), s.EntityType, s.EntityID, shortHash(s.ContentHash))
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// Matches reports whether the record's current content hash is the one
// signed.
func (s *Signature) Matches(currentHash string) bool {
	return currentHash != "" && s.ContentHash == currentHash
}

// Check is a signature with what re-hashing the record's current content
// found.
type Check struct {
	Signature   Signature `json:"signature"`
	CurrentHash string    `json:"current_hash"`
	Matches     bool      `json:"matches"`
	// Status is "valid" when the record still matches, "no longer
	// matching" when it changed after signing.
	Status string `json:"status"`
}

// Statuses of a check.
const (
	StatusValid   = "valid"
	StatusChanged = "no longer matching"
)

// CheckAgainst compares the signature with the current content hash of its
// record.
func CheckAgainst(s Signature, currentHash string) Check {
	c := Check{Signature: s, CurrentHash: currentHash, Matches: s.Matches(currentHash), Status: StatusChanged}
	if c.Matches {
		c.Status = StatusValid
	}
	return c
}

// Request is what a signer gives besides the password: the record, the
// meaning and an optional comment.
type Request struct {
	RecordType RecordType `json:"record_type"`
	EntityID   int64      `json:"entity_id"`
	Meaning    Meaning    `json:"meaning"`
	Comment    string     `json:"comment,omitempty"`
}

// MaxCommentLen bounds the comment of a signature.
const MaxCommentLen = 2000

// CheckRequest checks that actor a may sign at all and that the request is
// well formed: a signer is a real, internal user (never the system, never
// a supplier user: the signature points of qms are the buyer's), who
// re-authenticated with a password; the record type and meaning are known.
// Who may sign which record is the record's own rule (the store applies
// it). Returns forbidden or invalid.
func CheckRequest(a qms.Actor, r *Request) error {
	if a.UserID <= 0 || !qms.CanViewInternal(a) {
		return qms.Errorf(qms.KindForbidden, "only a signed-in member of the quality staff can sign electronically")
	}
	p := qms.Problems{}
	if !r.RecordType.Valid() {
		p.Add("record_type", "must be one of ncr_disposition, capa_closure, fai_approval, spec_release, document_approval, supplier_approval")
	}
	if r.EntityID <= 0 {
		p.Add("entity_id", "is required")
	}
	if !r.Meaning.Valid() {
		p.Add("meaning", "must be approved, reviewed or responsible")
	}
	r.Comment = strings.TrimSpace(r.Comment)
	qms.CheckText(p, "comment", strings.ReplaceAll(r.Comment, "\n", " "), MaxCommentLen)
	return p.Err()
}

// FormatVersion names the canonical form; it is part of every hashed
// content so that a future form cannot be confused with this one.
const FormatVersion = "qms-esign/1"

// Canonical returns the bytes a signature of a record of type t hashes:
// the format version, the record type and the content as compact JSON,
// one per line. content is one of the values content.go builds.
func Canonical(t RecordType, content any) ([]byte, error) {
	body, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("canonical %s content: %w", t, err)
	}
	var b bytes.Buffer
	b.WriteString(FormatVersion + "\n" + string(t) + "\n")
	if err := json.Compact(&b, body); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Hash returns the hex SHA-256 of the canonical content.
func Hash(t RecordType, content any) (string, error) {
	b, err := Canonical(t, content)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// New returns the signature of actor a on a record with the given content
// hash at now (after CheckRequest and the record's own rule).
func New(a qms.Actor, r Request, hash string, now time.Time, requestID string) Signature {
	return Signature{RecordType: r.RecordType, EntityType: r.RecordType.EntityType(), EntityID: r.EntityID, Meaning: r.Meaning,
		SignerID: a.UserID, SignerName: a.Name, SignerEmail: a.Email, SignerRole: a.Role, Method: MethodPassword,
		Comment: r.Comment, ContentHash: hash, SignedAt: now.UTC(), RequestID: requestID}
}

// SupplierApprovalContent is the canonical content of a supplier's
// approval: who the supplier is (name, kind, country, categories) and the
// status it was approved to with the reason. Any later change to these
// fields, or of the status, makes the signature no longer match.
func SupplierApprovalContent(s *supplier.Supplier) any {
	cats := slices.Clone(s.Categories)
	slices.Sort(cats)
	if cats == nil {
		cats = []string{}
	}
	return struct {
		SupplierID   int64    `json:"supplier_id"`
		Name         string   `json:"name"`
		NameLatin    string   `json:"name_latin"`
		Kind         string   `json:"kind"`
		Country      string   `json:"country"`
		Categories   []string `json:"categories"`
		Status       string   `json:"status"`
		StatusReason string   `json:"status_reason"`
	}{s.ID, s.Name, s.NameLatin, string(s.Kind), s.Country, cats, string(s.Status), s.StatusReason}
}
