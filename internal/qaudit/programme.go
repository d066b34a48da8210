package qaudit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// Risk is how much a programme line's subject could harm quality; it sets
// how often the subject is audited (ISO 19011 §5.3: a risk-based
// programme).
type Risk string

const (
	RiskHigh   Risk = "high"
	RiskMedium Risk = "medium"
	RiskLow    Risk = "low"
)

// Risks lists the risks from high to low.
var Risks = []Risk{RiskHigh, RiskMedium, RiskLow}

// Valid reports whether r is one of Risks.
func (r Risk) Valid() bool { return slices.Contains(Risks, r) }

// PerYear is how many audits a subject of risk r gets each year: high risk
// quarterly, medium twice a year, low yearly.
func (r Risk) PerYear() int {
	switch r {
	case RiskHigh:
		return 4
	case RiskMedium:
		return 2
	}
	return 1
}

// Frequency is the audit frequency for people.
func (r Risk) Frequency() string {
	switch r {
	case RiskHigh:
		return "quarterly"
	case RiskMedium:
		return "twice a year"
	}
	return "yearly"
}

// Subject is what a programme line audits.
type Subject string

const (
	SubjectProcess  Subject = "process"
	SubjectClause   Subject = "clause"
	SubjectSupplier Subject = "supplier"
)

// Subjects lists the subjects.
var Subjects = []Subject{SubjectProcess, SubjectClause, SubjectSupplier}

// Valid reports whether s is one of Subjects.
func (s Subject) Valid() bool { return slices.Contains(Subjects, s) }

// Programme is the audit programme of one year.
type Programme struct {
	ID         int64           `json:"id"`
	Year       int             `json:"year"`
	Title      string          `json:"title"`
	Objectives string          `json:"objectives"` // what the programme is to achieve (ISO 19011 §5.2)
	Items      []ProgrammeItem `json:"items"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	Version    int64           `json:"version"`
}

// ProgrammeItem is one line of a programme: a process, clause or supplier audited
// at the frequency of its risk.
type ProgrammeItem struct {
	ID          int64   `json:"id"`
	ProgrammeID int64   `json:"programme_id"`
	Subject     Subject `json:"subject"`
	ProcessID   int64   `json:"process_id,omitempty"`
	SupplierID  int64   `json:"supplier_id,omitempty"`
	Clause      string  `json:"clause,omitempty"`
	Name        string  `json:"name"` // the process, clause or supplier for people
	Risk        Risk    `json:"risk"`
	AuditType   Type    `json:"audit_type"`
	TemplateKey string  `json:"template_key"`
	Notes       string  `json:"notes,omitempty"`
	Slots       []Slot  `json:"slots,omitempty"` // computed when read
}

// Limits of a programme.
const (
	MinYear      = 2000
	MaxYear      = 2200
	MaxItems     = 500
	MaxClauseLen = 20
)

// Validate trims and checks a programme's header.
func (pg *Programme) Validate() error {
	p := qms.Problems{}
	if pg.Year < MinYear || pg.Year > MaxYear {
		p.Add("year", fmt.Sprintf("must be a year from %d to %d", MinYear, MaxYear))
	}
	pg.Title, pg.Objectives = strings.TrimSpace(pg.Title), strings.TrimSpace(pg.Objectives)
	if pg.Title == "" {
		pg.Title = fmt.Sprintf("Audit programme %d", pg.Year)
	}
	qms.CheckText(p, "title", pg.Title, MaxTitleLen)
	checkLong(p, "objectives", pg.Objectives, MaxTextLen)
	return p.Err()
}

// Validate trims and checks a programme line: its subject (a process, a
// clause or a supplier, by id or name), risk, audit type and checklist.
func (it *ProgrammeItem) Validate() error {
	p := qms.Problems{}
	it.Name, it.Clause, it.Notes, it.TemplateKey = strings.TrimSpace(it.Name), strings.TrimSpace(it.Clause), strings.TrimSpace(it.Notes), strings.TrimSpace(it.TemplateKey)
	if !it.Subject.Valid() {
		p.Add("subject", "must be process, clause or supplier")
	}
	if !it.Risk.Valid() {
		p.Add("risk", "must be high (audited quarterly), medium (twice a year) or low (yearly)")
	}
	if it.AuditType == "" {
		it.AuditType = TypeInternal
		if it.Subject == SubjectSupplier {
			it.AuditType = TypeSupplier
		}
	}
	if !it.AuditType.Valid() {
		p.Add("audit_type", "must be one of internal, supplier, process or product")
	}
	switch it.Subject {
	case SubjectSupplier:
		if it.SupplierID <= 0 {
			p.Add("supplier_id", "is required: the supplier audited")
		}
		if it.AuditType != TypeSupplier {
			p.Add("audit_type", "must be supplier for a supplier")
		}
	case SubjectProcess:
		if it.ProcessID <= 0 && it.Name == "" {
			p.Add("process_id", "is required: the process audited")
		}
	case SubjectClause:
		qms.CheckText(p, "clause", it.Clause, MaxClauseLen)
		if it.Clause == "" {
			p.Add("clause", "is required: the clause audited, such as 8.4")
		}
	}
	if it.Subject != SubjectSupplier && it.AuditType == TypeSupplier {
		p.Add("audit_type", "supplier audits are planned for a supplier")
	}
	qms.CheckText(p, "name", it.Name, MaxNameLen)
	checkLong(p, "notes", it.Notes, MaxReasonLen)
	if it.TemplateKey == "" {
		p.Add("template_key", "is required: the checklist to audit with")
	}
	return p.Err()
}

// SlotStatus is where one planned audit of a programme line stands.
type SlotStatus string

const (
	SlotPlanned   SlotStatus = "planned"   // not yet due, no audit scheduled
	SlotScheduled SlotStatus = "scheduled" // an audit is planned or in progress
	SlotDone      SlotStatus = "done"      // an audit's report is issued
	SlotOverdue   SlotStatus = "overdue"   // the period ended without a completed audit
)

// Slot is one audit a programme line calls for: the period it falls in and
// the audit that carries it out, if any.
type Slot struct {
	From    qms.Date   `json:"from"`
	To      qms.Date   `json:"to"` // the last day of the period
	Status  SlotStatus `json:"status"`
	AuditID int64      `json:"audit_id,omitempty"`
}

// Periods returns the periods of year in which a subject of risk r is
// audited once each: quarters, halves or the whole year.
func Periods(year int, r Risk) []Slot {
	n := r.PerYear()
	months := 12 / n
	out := make([]Slot, n)
	for i := range n {
		from := qms.NewDate(year, time.Month(1+i*months), 1)
		out[i] = Slot{From: from, To: from.AddDate(0, months, -1), Status: SlotPlanned}
	}
	return out
}

// AuditRef is what the programme needs to know of an audit.
type AuditRef struct {
	ID           int64
	PlannedStart qms.Date
	Status       Status
}

// Schedule returns the slots of a programme line in year with their
// status on today, given the audits that carry out the line (cancelled
// ones are ignored): an audit counts for the period its planned start
// falls in; a completed audit makes the slot done, a planned or running one
// scheduled; a past period without a completed audit is overdue.
func Schedule(year int, r Risk, audits []AuditRef, today qms.Date) []Slot {
	slots := Periods(year, r)
	for i := range slots {
		s := &slots[i]
		for _, a := range audits {
			if a.Status == StatusCancelled || a.PlannedStart.Before(s.From) || a.PlannedStart.After(s.To) {
				continue
			}
			switch {
			case a.Status.Done():
				s.Status, s.AuditID = SlotDone, a.ID
			case s.Status != SlotDone:
				s.Status, s.AuditID = SlotScheduled, a.ID
			}
		}
		if s.Status != SlotDone && today.After(s.To) {
			s.Status = SlotOverdue
		}
	}
	return slots
}

// Tally counts slots by status.
func Tally(items []ProgrammeItem) map[SlotStatus]int {
	out := map[SlotStatus]int{}
	for _, it := range items {
		for _, s := range it.Slots {
			out[s.Status]++
		}
	}
	return out
}
