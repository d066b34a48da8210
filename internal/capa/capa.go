package capa

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// Kind says who answers the CAPA: the buyer's own staff (internal), or a
// supplier (a supplier corrective action request, SCAR).
type Kind string

const (
	KindInternal Kind = "internal"
	KindSupplier Kind = "supplier"
)

// Type is corrective (a nonconformity happened) or preventive (it could
// happen; ISO 13485 8.5.3).
type Type string

const (
	TypeCorrective Type = "corrective"
	TypePreventive Type = "preventive"
)

// Status is where a CAPA stands: open (the 8D is being worked) ->
// verifying (D0-D7 accepted; effectiveness is being proven) -> closed; a
// failed verification reopens it; it may be cancelled with a reason while
// open or verifying.
type Status string

const (
	StatusOpen      Status = "open"
	StatusVerifying Status = "verifying"
	StatusClosed    Status = "closed"
	StatusCancelled Status = "cancelled"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{StatusOpen, StatusVerifying, StatusClosed, StatusCancelled}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Active reports whether the CAPA is still being worked.
func (s Status) Active() bool { return s == StatusOpen || s == StatusVerifying }

// Stage is one discipline of the 8D.
type Stage string

const (
	D0 Stage = "D0" // prepare: emergency response
	D1 Stage = "D1" // team
	D2 Stage = "D2" // problem description
	D3 Stage = "D3" // interim containment with verification
	D4 Stage = "D4" // root cause of occurrence and of non-detection, verified
	D5 Stage = "D5" // permanent corrective actions chosen and verified
	D6 Stage = "D6" // implementation and validation, with evidence
	D7 Stage = "D7" // prevention of recurrence
	D8 Stage = "D8" // closure and recognition
)

// Stages lists the disciplines in order.
var Stages = []Stage{D0, D1, D2, D3, D4, D5, D6, D7, D8}

// Valid reports whether s is one of Stages.
func (s Stage) Valid() bool { return slices.Contains(Stages, s) }

// Index is the stage's number: 0 for D0 ... 8 for D8 (-1 if invalid).
func (s Stage) Index() int { return slices.Index(Stages, s) }

// Title is the discipline's name for people.
func (s Stage) Title() string {
	switch s {
	case D0:
		return "Emergency response"
	case D1:
		return "Team"
	case D2:
		return "Problem description"
	case D3:
		return "Interim containment"
	case D4:
		return "Root cause"
	case D5:
		return "Permanent corrective actions"
	case D6:
		return "Implementation and validation"
	case D7:
		return "Prevention of recurrence"
	case D8:
		return "Closure and recognition"
	}
	return string(s)
}

// SupplierAnswers reports whether, in a supplier corrective action
// request, the supplier answers the stage: D3 to D7. The buyer writes D0
// to D2 (the problem as the buyer saw it) and D8.
func (s Stage) SupplierAnswers() bool { return s.Index() >= 3 && s.Index() <= 7 }

// StageState is where a stage stands: open (being written) -> submitted
// (for review) -> accepted, or returned with a comment (written again and
// resubmitted).
type StageState string

const (
	StageOpen      StageState = "open"
	StageSubmitted StageState = "submitted"
	StageAccepted  StageState = "accepted"
	StageReturned  StageState = "returned"
)

// StageRecord is the state, due date and latest review of one stage. Its
// content is in the CAPA's Report.
type StageRecord struct {
	Stage         Stage      `json:"stage"`
	DueOn         qms.Date   `json:"due_on"`
	State         StageState `json:"state"`
	SubmittedAt   *time.Time `json:"submitted_at,omitempty"`
	SubmittedByID int64      `json:"submitted_by_id,omitempty"`
	SubmittedBy   string     `json:"submitted_by,omitempty"`
	ReviewedAt    *time.Time `json:"reviewed_at,omitempty"`
	ReviewedByID  int64      `json:"reviewed_by_id,omitempty"`
	ReviewedBy    string     `json:"reviewed_by,omitempty"`
	// Comment is the reviewer's comment on the latest review, which the
	// supplier sees. Internal notes are kept apart (Note).
	Comment string `json:"comment,omitempty"`
}

// Done reports whether the stage is accepted.
func (r StageRecord) Done() bool { return r.State == StageAccepted }

// Overdue reports whether the stage is not accepted after its due date.
func (r StageRecord) Overdue(today qms.Date) bool {
	return r.State != StageAccepted && !r.DueOn.IsZero() && today.After(r.DueOn)
}

// Review is one accept or return of a stage, with the comment the
// supplier sees: the stage's review history.
type Review struct {
	ID       int64      `json:"id"`
	CAPAID   int64      `json:"capa_id"`
	Stage    Stage      `json:"stage"`
	Decision StageState `json:"decision"` // accepted or returned
	Comment  string     `json:"comment"`
	ByID     int64      `json:"by_id"`
	By       string     `json:"by"`
	At       time.Time  `json:"at"`
}

// Note is an internal note of the buyer's staff on a CAPA (or one of its
// stages). Suppliers never see notes.
type Note struct {
	ID     int64     `json:"id"`
	CAPAID int64     `json:"capa_id"`
	Stage  Stage     `json:"stage,omitempty"`
	Text   string    `json:"text"`
	ByID   int64     `json:"by_id"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// SourceKind is what a CAPA answers.
type SourceKind string

const (
	SourceNCR          SourceKind = "ncr"
	SourceAuditFinding SourceKind = "audit_finding"
	SourceComplaint    SourceKind = "complaint"
)

// SourceKinds lists the kinds of sources.
var SourceKinds = []SourceKind{SourceNCR, SourceAuditFinding, SourceComplaint}

// Source is one record a CAPA answers: an NCR (by id), or an audit finding
// or complaint (by reference).
type Source struct {
	Kind  SourceKind `json:"kind"`
	NCRID int64      `json:"ncr_id,omitempty"`
	Ref   string     `json:"ref,omitempty"`
}

// Closure records how a CAPA was closed: by whom, with which electronic
// signature, on which evaluation, and whether a quality manager overrode
// the effectiveness criterion (with the reason).
type Closure struct {
	SignatureID    int64     `json:"signature_id"`
	ByID           int64     `json:"by_id"`
	By             string    `json:"by"`
	At             time.Time `json:"at"`
	Outcome        Outcome   `json:"outcome"`
	Override       bool      `json:"override,omitempty"`
	OverrideReason string    `json:"override_reason,omitempty"`
}

// CAPA is a corrective or preventive action in the 8D form.
type CAPA struct {
	ID       int64                  `json:"id"`
	Kind     Kind                   `json:"kind"`
	Type     Type                   `json:"type"`
	Status   Status                 `json:"status"`
	Title    string                 `json:"title"`
	Severity inspection.DefectClass `json:"severity"`

	SupplierID int64 `json:"supplier_id,omitempty"` // required for a supplier request
	SiteID     int64 `json:"site_id,omitempty"`
	ProductID  int64 `json:"product_id,omitempty"`
	// OwnerID and Owner are the buyer's person responsible (the SQE of a
	// supplier request).
	OwnerID  int64    `json:"owner_id"`
	Owner    string   `json:"owner"`
	OpenedOn qms.Date `json:"opened_on"`

	Sources []Source      `json:"sources"`
	Stages  []StageRecord `json:"stages"` // D0 to D8, in order
	Report  Report        `json:"report"`

	Criterion  *Criterion  `json:"criterion,omitempty"`
	Evaluation *Evaluation `json:"evaluation,omitempty"`
	Closure    *Closure    `json:"closure,omitempty"`

	StatusReason string     `json:"status_reason,omitempty"` // the reason of the last reopen or cancellation
	CreatedByID  int64      `json:"created_by_id"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
	Version      int64      `json:"version"`
}

// Number is the CAPA's number for people: CAPA-00042, or SCAR-00042 for a
// supplier request.
func (c *CAPA) Number() string {
	if c.Kind == KindSupplier {
		return fmt.Sprintf("SCAR-%05d", c.ID)
	}
	return fmt.Sprintf("CAPA-%05d", c.ID)
}

// Stage returns the record of stage s (the zero record when missing).
func (c *CAPA) Stage(s Stage) StageRecord {
	for _, r := range c.Stages {
		if r.Stage == s {
			return r
		}
	}
	return StageRecord{Stage: s, State: StageOpen}
}

// setStage replaces the record of its stage.
func (c *CAPA) setStage(r StageRecord) {
	for i := range c.Stages {
		if c.Stages[i].Stage == r.Stage {
			c.Stages[i] = r
			return
		}
	}
	c.Stages = append(c.Stages, r)
}

// OverdueStages returns the stages not accepted after their due date.
func (c *CAPA) OverdueStages(today qms.Date) []Stage {
	var out []Stage
	if !c.Status.Active() {
		return nil
	}
	for _, r := range c.Stages {
		if r.Overdue(today) {
			out = append(out, r.Stage)
		}
	}
	return out
}

// AgeDays is how many days the CAPA has been open on today (until it
// closed or was cancelled, when end is that day).
func (c *CAPA) AgeDays(today qms.Date) int {
	end := today
	switch {
	case c.ClosedAt != nil:
		end = qms.DateOf(*c.ClosedAt)
	case c.CancelledAt != nil:
		end = qms.DateOf(*c.CancelledAt)
	}
	return max(0, c.OpenedOn.DaysUntil(end))
}

// CurrentStage is the first stage not yet accepted (D8 when all are).
func (c *CAPA) CurrentStage() Stage {
	for _, s := range Stages {
		if !c.Stage(s).Done() {
			return s
		}
	}
	return D8
}

// Limits on CAPA fields; longer input is rejected, never truncated.
const (
	MaxTitleLen   = 200
	MaxNameLen    = 200
	MaxRefLen     = 100
	MaxTextLen    = 10000
	MaxShortText  = 2000
	MaxReasonLen  = 2000
	MaxSources    = 50
	MaxItems      = 50 // members, actions, whys, causes, changes
	MaxWhys       = 10
	MaxCommentLen = 4000
)

// Validate trims and checks what is given when a CAPA is opened or its
// header edited: kind, type, title, severity, supplier (required for a
// supplier request), owner, opening date and sources (a corrective action
// answers at least one NCR, audit finding or complaint). Returns an
// invalid error listing every problem.
func (c *CAPA) Validate() error {
	p := qms.Problems{}
	if c.Kind != KindInternal && c.Kind != KindSupplier {
		p.Add("kind", "must be internal or supplier")
	}
	if c.Type != TypeCorrective && c.Type != TypePreventive {
		p.Add("type", "must be corrective or preventive")
	}
	c.Title, c.Owner = strings.TrimSpace(c.Title), strings.TrimSpace(c.Owner)
	qms.CheckText(p, "title", c.Title, MaxTitleLen)
	if c.Title == "" {
		p.Add("title", "is required")
	}
	if !c.Severity.Valid() {
		p.Add("severity", "must be critical, major or minor")
	}
	for f, id := range map[string]int64{"supplier_id": c.SupplierID, "site_id": c.SiteID, "product_id": c.ProductID, "owner_id": c.OwnerID} {
		if id < 0 {
			p.Add(f, "is not an id")
		}
	}
	if c.Kind == KindSupplier && c.SupplierID == 0 {
		p.Add("supplier_id", "is required: a supplier corrective action request is addressed to a supplier")
	}
	if c.SiteID > 0 && c.SupplierID == 0 {
		p.Add("supplier_id", "is required with a site")
	}
	qms.CheckText(p, "owner", c.Owner, MaxNameLen)
	if c.OwnerID == 0 || c.Owner == "" {
		p.Add("owner_id", "is required: the buyer's person responsible")
	}
	if c.OpenedOn.IsZero() {
		p.Add("opened_on", "is required")
	}
	if c.Sources == nil {
		c.Sources = []Source{}
	}
	if len(c.Sources) > MaxSources {
		p.Add("sources", fmt.Sprintf("at most %d sources", MaxSources))
	}
	if c.Type == TypeCorrective && len(c.Sources) == 0 {
		p.Add("sources", "a corrective action answers at least one NCR, audit finding or complaint")
	}
	type key struct {
		k   SourceKind
		id  int64
		ref string
	}
	seen := map[key]bool{}
	for i := range c.Sources {
		s := &c.Sources[i]
		f := fmt.Sprintf("sources.%d.", i)
		s.Ref = strings.TrimSpace(s.Ref)
		qms.CheckText(p, f+"ref", s.Ref, MaxRefLen)
		switch s.Kind {
		case SourceNCR:
			if s.NCRID <= 0 {
				p.Add(f+"ncr_id", "is required for an NCR")
			}
			s.Ref = ""
		case SourceAuditFinding, SourceComplaint:
			if s.Ref == "" {
				p.Add(f+"ref", "is required: the finding or complaint number")
			}
			s.NCRID = 0
		default:
			p.Add(f+"kind", "must be ncr, audit_finding or complaint")
		}
		k := key{s.Kind, s.NCRID, strings.ToLower(s.Ref)}
		if seen[k] {
			p.Add(f+"kind", "is listed twice")
		}
		seen[k] = true
	}
	return p.Err()
}

// NCRIDs returns the ids of the NCRs the CAPA answers.
func (c *CAPA) NCRIDs() []int64 {
	var ids []int64
	for _, s := range c.Sources {
		if s.Kind == SourceNCR {
			ids = append(ids, s.NCRID)
		}
	}
	return ids
}

// checkLong checks a text that may span lines.
func checkLong(p qms.Problems, field, s string, max int) {
	qms.CheckText(p, field, strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(s), max)
}

// checkReason trims and checks a reason that must be given.
func checkReason(p qms.Problems, field, reason, what string) string {
	reason = strings.TrimSpace(reason)
	checkLong(p, field, reason, MaxReasonLen)
	if reason == "" {
		p.Add(field, "is required: "+what)
	}
	return reason
}

func forbidden(what string) error { return qms.Errorf(qms.KindForbidden, "your role may not %s", what) }

func names[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
