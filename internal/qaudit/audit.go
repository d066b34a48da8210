package qaudit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// Type is what an audit examines. The set is closed.
type Type string

const (
	TypeInternal Type = "internal" // first party: the buyer's own QMS (ISO 9001 9.2)
	TypeSupplier Type = "supplier" // second party: a factory or supplier (8.4, factory audit)
	TypeProcess  Type = "process"  // one of the buyer's processes in depth
	TypeProduct  Type = "product"  // a product against its specification
)

// Types lists every type in display order.
var Types = []Type{TypeInternal, TypeSupplier, TypeProcess, TypeProduct}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Label is the type's name for people.
func (t Type) Label() string {
	switch t {
	case TypeInternal:
		return "Internal audit"
	case TypeSupplier:
		return "Supplier audit"
	case TypeProcess:
		return "Process audit"
	case TypeProduct:
		return "Product audit"
	}
	return string(t)
}

// Status is where an audit stands: planned -> in progress -> completed (the
// report is issued, answers are frozen, findings are raised) -> closed
// (every finding is closed); planned or in progress audits may be
// cancelled with a reason.
type Status string

const (
	StatusPlanned    Status = "planned"
	StatusInProgress Status = "in_progress"
	StatusCompleted  Status = "completed"
	StatusClosed     Status = "closed"
	StatusCancelled  Status = "cancelled"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{StatusPlanned, StatusInProgress, StatusCompleted, StatusClosed, StatusCancelled}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Done reports whether the audit was carried out (its report is issued).
func (s Status) Done() bool { return s == StatusCompleted || s == StatusClosed }

// Label is the status's name for people.
func (s Status) Label() string {
	switch s {
	case StatusPlanned:
		return "Planned"
	case StatusInProgress:
		return "In progress"
	case StatusCompleted:
		return "Completed (report issued)"
	case StatusClosed:
		return "Closed"
	case StatusCancelled:
		return "Cancelled"
	}
	return string(s)
}

// TeamMember is a person on the audit team.
type TeamMember struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// QualityAudit is one audit: what it covers (scope, criteria, checklist), who
// audits whom, when, and where it stands. Its questions and findings are
// kept beside it.
type QualityAudit struct {
	ID              int64  `json:"id"`
	ProgrammeItemID int64  `json:"programme_item_id,omitempty"` // the programme line it carries out, if any
	Type            Type   `json:"type"`
	Status          Status `json:"status"`
	Title           string `json:"title"`
	Scope           string `json:"scope"`    // processes, sites, products and period covered
	Criteria        string `json:"criteria"` // the standard or requirements audited against
	TemplateKey     string `json:"template_key"`
	TemplateName    string `json:"template_name"`

	// Auditee: a process of the buyer (internal and process audits) or a
	// supplier and, optionally, one of its sites (supplier audits).
	ProcessID    int64  `json:"process_id,omitempty"`
	ProcessName  string `json:"process_name,omitempty"`
	SupplierID   int64  `json:"supplier_id,omitempty"`
	SiteID       int64  `json:"site_id,omitempty"`
	SupplierName string `json:"supplier_name,omitempty"` // read with the audit
	Auditee      string `json:"auditee"`                 // the people or department audited

	LeadID int64        `json:"lead_id"`
	Lead   string       `json:"lead"`
	Team   []TeamMember `json:"team"`

	PlannedStart qms.Date `json:"planned_start"`
	PlannedEnd   qms.Date `json:"planned_end"`
	StartedOn    qms.Date `json:"started_on,omitzero"`
	CompletedOn  qms.Date `json:"completed_on,omitzero"`

	Summary      string   `json:"summary,omitempty"` // the conclusion of the report
	Score        *float64 `json:"score,omitempty"`   // set when the report is issued
	StatusReason string   `json:"status_reason,omitempty"`

	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	CreatedByID int64      `json:"created_by_id"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
}

// Audit is QualityAudit. The type has its own name so that the JSON API's
// schema of an audit is not confused with the scorecard's Audit summary.
type Audit = QualityAudit

// Number is the audit's number for people: AUD-00042.
func (a *QualityAudit) Number() string { return Number(a.ID) }

// Number is the number for people of the audit with the given id.
func Number(id int64) string { return fmt.Sprintf("AUD-%05d", id) }

// Auditors returns the ids of the lead auditor and the team.
func (a *QualityAudit) Auditors() []int64 {
	ids := []int64{a.LeadID}
	for _, m := range a.Team {
		if !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// OnTeam reports whether user id is the lead auditor or on the team.
func (a *QualityAudit) OnTeam(id int64) bool { return id > 0 && slices.Contains(a.Auditors(), id) }

// Limits on audit fields; longer input is rejected, never truncated.
const (
	MaxTitleLen    = 200
	MaxNameLen     = 200
	MaxTextLen     = 10000
	MaxTeam        = 20
	MaxReasonLen   = 2000
	MaxEvidenceLen = 10000
	MaxPhotos      = 20
	MaxAuditDays   = 60
)

// Validate trims and checks what is given when an audit is planned or its
// plan changed: type, title, scope, criteria, auditee (a supplier for a
// supplier audit), lead auditor, team and dates. Returns an invalid error
// listing every problem.
func (a *QualityAudit) Validate() error {
	p := qms.Problems{}
	if !a.Type.Valid() {
		p.Add("type", "must be one of internal, supplier, process or product")
	}
	a.Title, a.Scope, a.Criteria = strings.TrimSpace(a.Title), strings.TrimSpace(a.Scope), strings.TrimSpace(a.Criteria)
	a.ProcessName, a.Auditee, a.Lead = strings.TrimSpace(a.ProcessName), strings.TrimSpace(a.Auditee), strings.TrimSpace(a.Lead)
	qms.CheckText(p, "title", a.Title, MaxTitleLen)
	if a.Title == "" {
		p.Add("title", "is required: a short name of the audit")
	}
	checkLong(p, "scope", a.Scope, MaxTextLen)
	if a.Scope == "" {
		p.Add("scope", "is required: the processes, sites, products and period the audit covers")
	}
	qms.CheckText(p, "criteria", a.Criteria, MaxTitleLen)
	if a.Criteria == "" {
		p.Add("criteria", "is required: the standard or requirements audited against, such as ISO 9001:2015")
	}
	qms.CheckText(p, "process_name", a.ProcessName, MaxNameLen)
	qms.CheckText(p, "auditee", a.Auditee, MaxNameLen)
	for f, id := range map[string]int64{"process_id": a.ProcessID, "supplier_id": a.SupplierID, "site_id": a.SiteID, "lead_id": a.LeadID} {
		if id < 0 {
			p.Add(f, "is not an id")
		}
	}
	switch a.Type {
	case TypeSupplier:
		if a.SupplierID == 0 {
			p.Add("supplier_id", "is required: a supplier audit audits a supplier")
		}
		if a.ProcessID != 0 {
			p.Add("process_id", "is for internal audits; a supplier audit names a supplier")
		}
	case TypeInternal, TypeProcess, TypeProduct:
		if a.SupplierID != 0 || a.SiteID != 0 {
			p.Add("supplier_id", "is only for supplier audits")
		}
		if a.Type == TypeProcess && a.ProcessID == 0 && a.ProcessName == "" {
			p.Add("process_id", "is required: the process audited")
		}
	}
	if a.SiteID > 0 && a.SupplierID == 0 {
		p.Add("supplier_id", "is required with a site")
	}
	if a.LeadID == 0 {
		p.Add("lead_id", "is required: the lead auditor")
	}
	if a.Team == nil {
		a.Team = []TeamMember{}
	}
	if len(a.Team) > MaxTeam {
		p.Add("team", fmt.Sprintf("at most %d auditors", MaxTeam))
	}
	seen := map[int64]bool{a.LeadID: true}
	team := a.Team[:0]
	for i, m := range a.Team {
		if m.ID <= 0 {
			p.Add(fmt.Sprintf("team.%d", i), "is not a user id")
			continue
		}
		if seen[m.ID] {
			continue // the lead auditor, or listed twice
		}
		seen[m.ID] = true
		team = append(team, m)
	}
	a.Team = team
	switch {
	case a.PlannedStart.IsZero():
		p.Add("planned_start", "is required: the first day of the audit")
	case a.PlannedEnd.IsZero():
		a.PlannedEnd = a.PlannedStart
	}
	if !a.PlannedStart.IsZero() && a.PlannedEnd.Before(a.PlannedStart) {
		p.Add("planned_end", "is before the first day of the audit")
	} else if !a.PlannedStart.IsZero() && a.PlannedStart.DaysUntil(a.PlannedEnd) > MaxAuditDays {
		p.Add("planned_end", fmt.Sprintf("is more than %d days after the first day; split the audit", MaxAuditDays))
	}
	return p.Err()
}

// CheckIndependence applies ISO 19011's independence principle: nobody
// audits their own process. processOwnerID is the owner of the audited
// process in the process register (0 when none is named or known); owner
// names the owner for the message. Returns an invalid error naming the
// auditor who may not audit.
func (a *QualityAudit) CheckIndependence(processOwnerID int64, owner string) error {
	if processOwnerID == 0 {
		return nil
	}
	process := a.ProcessName
	if process == "" {
		process = "the audited process"
	}
	if a.LeadID == processOwnerID {
		return invalid("lead_id", fmt.Sprintf("%s owns %s: nobody audits their own process; choose another lead auditor", nameOr(a.Lead, owner), process))
	}
	for i, m := range a.Team {
		if m.ID == processOwnerID {
			return invalid(fmt.Sprintf("team.%d", i), fmt.Sprintf("%s owns %s: nobody audits their own process; take them off the team", nameOr(m.Name, owner), process))
		}
	}
	return nil
}

func nameOr(s, alt string) string {
	if s != "" {
		return s
	}
	if alt != "" {
		return alt
	}
	return "this auditor"
}

// Move is a change of status.
type Move string

const (
	MoveStart    Move = "start"
	MoveComplete Move = "complete" // issue the report
	MoveClose    Move = "close"    // every finding is closed
	MoveCancel   Move = "cancel"
)

// Next returns the status after m from s, or a conflict error saying why
// the move is not possible now.
func Next(s Status, m Move) (Status, error) {
	switch {
	case m == MoveStart && s == StatusPlanned:
		return StatusInProgress, nil
	case m == MoveComplete && s == StatusInProgress:
		return StatusCompleted, nil
	case m == MoveClose && s == StatusCompleted:
		return StatusClosed, nil
	case m == MoveCancel && (s == StatusPlanned || s == StatusInProgress):
		return StatusCancelled, nil
	}
	return s, qms.Errorf(qms.KindConflict, "The audit is %s and cannot be %s", strings.ToLower(s.Label()), moveVerb(m))
}

func moveVerb(m Move) string {
	switch m {
	case MoveStart:
		return "started"
	case MoveComplete:
		return "completed"
	case MoveClose:
		return "closed"
	case MoveCancel:
		return "cancelled"
	}
	return string(m)
}

// checkLong checks a text that may span lines.
func checkLong(p qms.Problems, field, s string, max int) {
	qms.CheckText(p, field, strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(s), max)
}

// invalid is an invalid-input error about one field whose message is also
// the error's message.
func invalid(field, msg string) error {
	return &qms.Error{Kind: qms.KindInvalid, Message: msg, Fields: map[string]string{field: msg}}
}
