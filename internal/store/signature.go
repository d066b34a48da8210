package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/supplier"
)

// Electronic signatures: stored append-only (database triggers refuse
// UPDATE and DELETE), each written to the hash-chained audit trail with its
// content hash, and checked against the current content of the record it
// signed. The signing functions take the actor of the transaction as the
// signer: the operations layer re-authenticates them with their password
// (auth.Service.Reauthenticate) before it opens the transaction.

// Audit entity type and action of signatures.
const (
	entitySignature = "signature"
	actionSign      = "sign"
)

const signatureColumns = `id, record_type, entity_type, entity_id, meaning, signer_id, signer_name, signer_email, signer_role, method, comment,
	content_hash, signed_at, request_id`

func scanSignature(sc scanner, s *esign.Signature) error {
	if err := sc.Scan(&s.ID, &s.RecordType, &s.EntityType, &s.EntityID, &s.Meaning, &s.SignerID, &s.SignerName, &s.SignerEmail,
		&s.SignerRole, &s.Method, &s.Comment, &s.ContentHash, &s.SignedAt, &s.RequestID); err != nil {
		return err
	}
	s.SignedAt = s.SignedAt.UTC()
	return nil
}

// sign stores the signature of the transaction's actor over content (the
// record's canonical content, esign), and audits it. Callers apply the
// record's own rule of who may sign first.
func (tx *Tx) sign(r esign.Request, content any) (*esign.Signature, error) {
	if err := esign.CheckRequest(tx.Actor, &r); err != nil {
		return nil, err
	}
	hash, err := esign.Hash(r.RecordType, content)
	if err != nil {
		return nil, err
	}
	s := esign.New(tx.Actor, r, hash, tx.Now, tx.RequestID)
	if s.ID, err = tx.Insert(`INSERT INTO signatures (record_type, entity_type, entity_id, meaning, signer_id, signer_name, signer_email, signer_role,
		method, comment, content_hash, signed_at, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.RecordType, s.EntityType, s.EntityID, s.Meaning, s.SignerID, s.SignerName, s.SignerEmail, s.SignerRole, s.Method, s.Comment,
		s.ContentHash, s.SignedAt, s.RequestID); err != nil {
		return nil, err
	}
	return &s, tx.Audit(entitySignature, s.ID, actionSign, nil, s, s.Comment)
}

// Signature returns one signature. Returns not found.
func (tx *Tx) Signature(id int64) (*esign.Signature, error) {
	var s esign.Signature
	if err := scanSignature(tx.QueryRow("SELECT "+signatureColumns+" FROM signatures WHERE id = ?", id), &s); err != nil {
		return nil, mapError(err, "signature")
	}
	return &s, nil
}

// Signatures returns the signatures of a record (entity type ncr, capa,
// inspection or spec), oldest first.
func (tx *Tx) Signatures(entityType string, entityID int64) ([]esign.Signature, error) {
	return scanAllTx(tx, "SELECT "+signatureColumns+" FROM signatures WHERE entity_type = ? AND entity_id = ? ORDER BY id",
		[]any{entityType, entityID}, scanSignature)
}

// SignFAIDecision signs the decision about to be taken on a submitted
// first article inspection, by the actor (who may take it:
// inspection.CheckDecision), over the inspection's result and the decision
// (esign.FAIApprovalContent). The caller puts the signature's id in
// d.SignatureID and calls DecideInspection in the same transaction.
// Returns forbidden, invalid, not found or conflict.
func (tx *Tx) SignFAIDecision(inspectionID int64, d inspection.Decision, meaning esign.Meaning, comment string) (*esign.Signature, error) {
	in, err := tx.Inspection(inspectionID)
	if err != nil {
		return nil, err
	}
	if in.Kind != inspection.KindFirstArticle {
		return nil, qms.Errorf(qms.KindConflict, "inspection %d is not a first article inspection: its decision is not signed", inspectionID)
	}
	if err := inspection.CheckDecision(tx.Actor, in, &d); err != nil {
		return nil, err
	}
	return tx.sign(esign.Request{RecordType: esign.FAIApproval, EntityID: inspectionID, Meaning: meaning, Comment: comment},
		esign.FAIApprovalContent(in, d))
}

// SignSpecRelease signs the release about to be made of a draft spec
// revision, by the actor (who may release it: inspection.CheckRelease),
// over the revision's content and the release reason
// (esign.SpecReleaseContent). The caller puts the signature's id in
// r.SignatureID and calls ReleaseSpec in the same transaction. Returns
// forbidden, invalid, not found or conflict.
func (tx *Tx) SignSpecRelease(specID int64, r inspection.Release, meaning esign.Meaning, comment string) (*esign.Signature, error) {
	s, err := tx.Spec(specID)
	if err != nil {
		return nil, err
	}
	r.SignatureID = nil
	if err := inspection.CheckRelease(tx.Actor, s, &r); err != nil {
		return nil, err
	}
	return tx.sign(esign.Request{RecordType: esign.SpecRelease, EntityID: specID, Meaning: meaning, Comment: comment},
		esign.SpecReleaseContent(s, r))
}

// SignSupplierApproval signs a supplier's approval just made (call it
// after SetSupplierStatus to approved or conditionally approved, in the
// same transaction), by the actor, over the supplier's approval content
// (esign.SupplierApprovalContent). Returns invalid, forbidden, not found,
// or conflict when the supplier is not approved.
func (tx *Tx) SignSupplierApproval(supplierID int64, meaning esign.Meaning, comment string) (*esign.Signature, error) {
	sup, err := tx.Supplier(supplierID)
	if err != nil {
		return nil, err
	}
	if !supplier.NeedsGate(sup.Status) {
		return nil, qms.Errorf(qms.KindConflict, "supplier %d is not approved: only an approval is signed", supplierID)
	}
	return tx.sign(esign.Request{RecordType: esign.SupplierApproval, EntityID: supplierID, Meaning: meaning, Comment: comment},
		esign.SupplierApprovalContent(sup))
}

// ContentHash returns the hash of the current canonical content of the
// record a signature of type t over entity id covers. Returns not found
// or invalid for an unknown type.
func (tx *Tx) ContentHash(t esign.RecordType, id int64) (string, error) {
	var content any
	switch t {
	case esign.NCRDisposition:
		n, err := tx.NCR(id)
		if err != nil {
			return "", err
		}
		content = esign.NCRDispositionContent(n)
	case esign.CAPAClosure:
		c, err := tx.CAPA(id)
		if err != nil {
			return "", err
		}
		content = esign.CAPAClosureContent(c)
	case esign.FAIApproval:
		in, err := tx.Inspection(id)
		if err != nil {
			return "", err
		}
		var d inspection.Decision
		if in.Decision != nil {
			d = *in.Decision
		}
		content = esign.FAIApprovalContent(in, d)
	case esign.SpecRelease:
		s, err := tx.Spec(id)
		if err != nil {
			return "", err
		}
		content = esign.SpecReleaseContent(s, inspection.Release{Reason: s.ReleaseReason})
	case esign.DocumentApproval:
		c, err := tx.documentApprovalContent(id)
		if err != nil {
			return "", err
		}
		content = c
	case esign.SupplierApproval:
		sup, err := tx.Supplier(id)
		if err != nil {
			return "", err
		}
		content = esign.SupplierApprovalContent(sup)
	default:
		return "", qms.Errorf(qms.KindInvalid, "%q is not a kind of signed record", t)
	}
	return esign.Hash(t, content)
}

// CheckSignature re-hashes the current content of the record a signature
// signed: valid while it matches, "no longer matching" once the record
// changed. Returns not found.
func (tx *Tx) CheckSignature(id int64) (esign.Check, error) {
	s, err := tx.Signature(id)
	if err != nil {
		return esign.Check{}, err
	}
	h, err := tx.ContentHash(s.RecordType, s.EntityID)
	if err != nil {
		return esign.Check{}, err
	}
	return esign.CheckAgainst(*s, h), nil
}

// CheckSignatures checks every signature of a record, oldest first (see
// CheckSignature): the manifestations a record shows.
func (tx *Tx) CheckSignatures(entityType string, entityID int64) ([]esign.Check, error) {
	sigs, err := tx.Signatures(entityType, entityID)
	if err != nil {
		return nil, err
	}
	out := make([]esign.Check, 0, len(sigs))
	hashes := map[esign.RecordType]string{}
	for _, s := range sigs {
		h, ok := hashes[s.RecordType]
		if !ok {
			if h, err = tx.ContentHash(s.RecordType, s.EntityID); err != nil {
				return nil, err
			}
			hashes[s.RecordType] = h
		}
		out = append(out, esign.CheckAgainst(s, h))
	}
	return out, nil
}

// VerifySignatures checks that every stored signature is the one its audit
// event recorded (the event is covered by the hash chain, which
// VerifyAudit checks): same record, signer, meaning, time and content
// hash. It returns the number of signatures checked and an error naming
// the first that differs or has no event.
func (s *Store) VerifySignatures(ctx context.Context) (int, error) {
	n := 0
	err := s.View(ctx, func(tx *Tx) error {
		recorded := map[string]esign.Signature{}
		rows, err := tx.Query("SELECT entity_id, after FROM audit_events WHERE entity_type = ? AND action = ? ORDER BY seq", entitySignature, actionSign)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var after []byte
			if err := rows.Scan(&id, &after); err != nil {
				return err
			}
			var sig esign.Signature
			if err := json.Unmarshal(after, &sig); err != nil {
				return fmt.Errorf("audit event of signature %s: %w", id, err)
			}
			recorded[id] = sig
		}
		if err := rows.Err(); err != nil {
			return err
		}
		sigs, err := scanAllTx(tx, "SELECT "+signatureColumns+" FROM signatures ORDER BY id", nil, scanSignature)
		if err != nil {
			return err
		}
		for _, sig := range sigs {
			n++
			r, ok := recorded[strconv.FormatInt(sig.ID, 10)]
			switch {
			case !ok:
				return fmt.Errorf("signature %d has no audit event: it was not written by qms", sig.ID)
			case r.RecordType != sig.RecordType || r.EntityType != sig.EntityType || r.EntityID != sig.EntityID || r.Meaning != sig.Meaning ||
				r.SignerID != sig.SignerID || r.SignerName != sig.SignerName || r.ContentHash != sig.ContentHash || !r.SignedAt.Equal(sig.SignedAt):
				return fmt.Errorf("signature %d differs from its audit event: it was altered", sig.ID)
			}
		}
		return nil
	})
	return n, err
}
