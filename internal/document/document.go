package document

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// Type is a kind of controlled document. The set is closed.
type Type string

const (
	TypeManual          Type = "quality_manual"
	TypeProcedure       Type = "procedure"
	TypeWorkInstruction Type = "work_instruction"
	TypeForm            Type = "form"
	TypeRecordTemplate  Type = "record_template"
	TypeExternal        Type = "external"
	TypePolicy          Type = "policy"
)

// Types lists every type in display order.
var Types = []Type{TypeManual, TypePolicy, TypeProcedure, TypeWorkInstruction, TypeForm, TypeRecordTemplate, TypeExternal}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Label is the type's name for people.
func (t Type) Label() string {
	switch t {
	case TypeManual:
		return "Quality manual"
	case TypeProcedure:
		return "Procedure"
	case TypeWorkInstruction:
		return "Work instruction"
	case TypeForm:
		return "Form"
	case TypeRecordTemplate:
		return "Record template"
	case TypeExternal:
		return "External document"
	case TypePolicy:
		return "Policy"
	}
	return string(t)
}

// Limits on the fields of documents and revisions; longer input is
// rejected, never truncated.
const (
	MaxNumberLen      = 40
	MaxTitleLen       = 300
	MaxChangeLen      = 2000
	MaxBodyLen        = 200_000
	MaxCommentLen     = 2000
	MaxReviewMonths   = 60
	DefaultReview     = 12 // months between periodic reviews
	DefaultAckDays    = 14 // days to acknowledge a new effective revision
	MaxAckDays        = 365
	MaxAckUsers       = 500
	MaxReviewers      = 20
	MaxObsoleteReason = 1000
)

var numberPattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._/-]*$`)

// Document is a controlled document: its identity, owner and the rules of
// its revisions. The text or file lives in its revisions.
type Document struct {
	ID           int64    `json:"id"`
	Number       string   `json:"number"` // unique, ignoring case: QM-001, SOP-7.5-01
	Title        string   `json:"title"`
	Type         Type     `json:"type"`
	ProcessID    *int64   `json:"process_id,omitempty"` // the owning process
	ProcessName  string   `json:"process_name,omitempty"`
	OwnerID      int64    `json:"owner_id"`
	OwnerName    string   `json:"owner_name"`
	ReviewMonths int      `json:"review_months"`           // months between periodic reviews
	NextReviewOn qms.Date `json:"next_review_on,omitzero"` // set when a revision becomes effective, and by a periodic review
	// AckRoles and AckUsers name who must read and understand each new
	// effective revision; AckDays is how long they have.
	AckRoles []qms.Role `json:"ack_roles"`
	AckUsers []int64    `json:"ack_users"`
	AckDays  int        `json:"ack_days"`
	// Effective is the revision in force (0: none yet, or obsolete).
	EffectiveRevisionID int64      `json:"effective_revision_id,omitempty"`
	EffectiveRevision   int        `json:"effective_revision,omitempty"`
	Obsolete            bool       `json:"obsolete"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
	Version             int64      `json:"version"`
	ObsoletedAt         *time.Time `json:"obsoleted_at,omitempty"`
}

// NumberKey is the form of a number that is unique: upper-case.
func NumberKey(n string) string { return strings.ToUpper(strings.TrimSpace(n)) }

// Validate checks a document's fields and trims them. The owner is
// required: a document nobody owns is not controlled.
func (d *Document) Validate() error {
	p := qms.Problems{}
	d.Number = strings.TrimSpace(d.Number)
	d.Title = strings.TrimSpace(d.Title)
	qms.CheckText(p, "number", d.Number, MaxNumberLen)
	switch {
	case d.Number == "":
		p.Add("number", "is required, such as SOP-001")
	case !numberPattern.MatchString(d.Number):
		p.Add("number", "may hold letters, digits and . _ / - only, starting with a letter or digit, such as SOP-7.5-01")
	}
	qms.CheckText(p, "title", d.Title, MaxTitleLen)
	if d.Title == "" {
		p.Add("title", "is required")
	}
	if !d.Type.Valid() {
		p.Add("type", "must be one of quality_manual, policy, procedure, work_instruction, form, record_template, external")
	}
	if d.OwnerID <= 0 {
		p.Add("owner_id", "is required: choose the person responsible for the document")
	}
	if d.ProcessID != nil && *d.ProcessID <= 0 {
		d.ProcessID = nil
	}
	if d.ReviewMonths == 0 {
		d.ReviewMonths = DefaultReview
	}
	if d.ReviewMonths < 1 || d.ReviewMonths > MaxReviewMonths {
		p.Add("review_months", "must be between 1 and 60 months")
	}
	if d.AckDays == 0 {
		d.AckDays = DefaultAckDays
	}
	if d.AckDays < 1 || d.AckDays > MaxAckDays {
		p.Add("ack_days", "must be between 1 and 365 days")
	}
	seen := map[qms.Role]bool{}
	roles := d.AckRoles[:0:0]
	for _, r := range d.AckRoles {
		switch {
		case !r.Valid() || r == qms.RoleSupplier:
			p.Add("ack_roles", "must be roles of the quality staff: admin, quality_manager, inspector, viewer, auditor")
		case !seen[r]:
			seen[r] = true
			roles = append(roles, r)
		}
	}
	d.AckRoles = roles
	slices.Sort(d.AckUsers)
	d.AckUsers = slices.Compact(d.AckUsers)
	if len(d.AckUsers) > MaxAckUsers {
		p.Add("ack_users", "may name at most 500 users; name roles instead")
	}
	for _, u := range d.AckUsers {
		if u <= 0 {
			p.Add("ack_users", "must be user ids")
		}
	}
	return p.Err()
}

// Status is where a revision is in its workflow.
type Status string

const (
	StatusDraft      Status = "draft"
	StatusInReview   Status = "in_review"
	StatusApproved   Status = "approved"
	StatusEffective  Status = "effective"
	StatusSuperseded Status = "superseded"
	StatusObsolete   Status = "obsolete"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusDraft, StatusInReview, StatusApproved, StatusEffective, StatusSuperseded, StatusObsolete}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Label is the status for people.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draft"
	case StatusInReview:
		return "In review"
	case StatusApproved:
		return "Approved"
	case StatusEffective:
		return "Effective"
	case StatusSuperseded:
		return "Superseded"
	case StatusObsolete:
		return "Obsolete"
	}
	return string(s)
}

// Withdrawn reports whether a revision in status s is no longer in force
// and must be marked as such wherever it is shown.
func (s Status) Withdrawn() bool { return s == StatusSuperseded || s == StatusObsolete }

// Revision is one revision of a document: Markdown text or a file, with
// what changed.
type Revision struct {
	ID                int64      `json:"id"`
	DocumentID        int64      `json:"document_id"`
	Revision          int        `json:"revision"` // 1, 2, 3 ... per document
	Status            Status     `json:"status"`
	ChangeDescription string     `json:"change_description"`
	Body              string     `json:"body,omitempty"`    // Markdown text; "" when the revision is a file
	FileID            *int64     `json:"file_id,omitempty"` // a PDF, DOCX or image
	FileName          string     `json:"file_name,omitempty"`
	FileSHA256        string     `json:"file_sha256,omitempty"`
	AuthorID          int64      `json:"author_id"`
	AuthorName        string     `json:"author_name"`
	Reviewers         []Reviewer `json:"reviewers"`
	SubmittedAt       *time.Time `json:"submitted_at,omitempty"`
	ApprovedAt        *time.Time `json:"approved_at,omitempty"`
	ApprovedByID      int64      `json:"approved_by_id,omitempty"`
	ApprovedBy        string     `json:"approved_by,omitempty"`
	SignatureID       *int64     `json:"signature_id,omitempty"`
	EffectiveOn       qms.Date   `json:"effective_on,omitzero"`  // set when approved revisions are scheduled; in force from this date
	WithdrawnAt       *time.Time `json:"withdrawn_at,omitempty"` // superseded or made obsolete
	ObsoleteReason    string     `json:"obsolete_reason,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	Version           int64      `json:"version"`
}

// HasContent reports whether the revision holds text or a file.
func (r *Revision) HasContent() bool { return strings.TrimSpace(r.Body) != "" || r.FileID != nil }

// CheckContent checks the editable fields of a draft revision and trims
// them: a change description, and Markdown text or a file but not both.
func (r *Revision) CheckContent() error {
	p := qms.Problems{}
	r.ChangeDescription = strings.TrimSpace(r.ChangeDescription)
	checkMultiline(p, "change_description", r.ChangeDescription, MaxChangeLen)
	if r.ChangeDescription == "" {
		p.Add("change_description", "is required: say what this revision changes (\"First issue\" for the first)")
	}
	r.Body = strings.ReplaceAll(strings.TrimRight(r.Body, " \t\r\n"), "\r\n", "\n")
	checkMultiline(p, "body", r.Body, MaxBodyLen)
	if r.Body != "" && r.FileID != nil {
		p.Add("body", "a revision holds Markdown text or a file, not both: clear the text or remove the file")
	}
	return p.Err()
}

// ReviewDecision is what a reviewer recorded.
type ReviewDecision string

const (
	ReviewPending  ReviewDecision = "pending"
	ReviewApproved ReviewDecision = "approved"
	ReviewChanges  ReviewDecision = "changes_requested"
)

// Label is the decision for people.
func (d ReviewDecision) Label() string {
	switch d {
	case ReviewPending:
		return "Not reviewed yet"
	case ReviewApproved:
		return "Reviewed: agrees"
	case ReviewChanges:
		return "Reviewed: changes requested"
	}
	return string(d)
}

// Reviewer is a named reviewer of a revision and what they recorded.
type Reviewer struct {
	UserID     int64          `json:"user_id"`
	Name       string         `json:"name"`
	Decision   ReviewDecision `json:"decision"`
	Comment    string         `json:"comment,omitempty"`
	ReviewedAt *time.Time     `json:"reviewed_at,omitempty"`
}

// Acknowledgement is a read-and-understood assignment of an effective
// revision to a user: a training record (clause 7.2).
type Acknowledgement struct {
	ID             int64      `json:"id"`
	DocumentID     int64      `json:"document_id"`
	DocumentNumber string     `json:"document_number"`
	DocumentTitle  string     `json:"document_title"`
	RevisionID     int64      `json:"revision_id"`
	Revision       int        `json:"revision"`
	UserID         int64      `json:"user_id"`
	UserName       string     `json:"user_name"`
	DueOn          qms.Date   `json:"due_on"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// Overdue reports whether the acknowledgement is still open after its due
// date on day today.
func (a *Acknowledgement) Overdue(today qms.Date) bool {
	return a.AcknowledgedAt == nil && a.DueOn.Before(today)
}

// checkMultiline is qms.CheckText for text that may hold line breaks.
func checkMultiline(p qms.Problems, field, s string, max int) {
	qms.CheckText(p, field, strings.NewReplacer("\n", " ", "\r", " ").Replace(s), max)
}
