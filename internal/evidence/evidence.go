// Package evidence provides the clause evidence map of the quality
// management system: for each subclause of ISO 9001:2015 (and, in ISO
// 13485 mode, of ISO 13485:2016) the kinds of records in qms that give
// evidence of it with their counts and links, the procedures ISO 13485
// requires to be documented matched against the procedure documents, and
// the gaps an auditor would find, flagged in plain words by rules.
//
// The package is pure: the store counts the records and gathers the
// facts; Build and Gaps decide. It must not import database/sql, net/http
// or internal/store.
package evidence

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"qms/internal/qms"
)

// Kind is a kind of record that gives evidence.
type Kind string

// The kinds of evidence records.
const (
	KindDocuments        Kind = "documents"
	KindProcesses        Kind = "processes"
	KindRisks            Kind = "risks"
	KindAcknowledgements Kind = "acknowledgements"
	KindObjectives       Kind = "objectives"
	KindReviews          Kind = "management_reviews"
	KindReviewActions    Kind = "review_actions"
	KindInternalAudits   Kind = "internal_audits"
	KindSupplierAudits   Kind = "supplier_audits"
	KindSuppliers        Kind = "suppliers"
	KindCertificates     Kind = "certificates"
	KindSpecs            Kind = "specs"
	KindInspections      Kind = "inspections"
	KindLotResults       Kind = "lot_results"
	KindNCRs             Kind = "ncrs"
	KindCAPAs            Kind = "capas"
	KindComplaints       Kind = "complaints"
	KindUsers            Kind = "users"
	KindNotifications    Kind = "notifications"
	KindSignatures       Kind = "signatures"
	KindAuditTrail       Kind = "audit_events"
)

type kindInfo struct{ label, path string }

var kinds = map[Kind]kindInfo{
	KindDocuments:        {"Controlled documents", "/documents"},
	KindProcesses:        {"Processes", "/processes"},
	KindRisks:            {"Risks and opportunities", "/risks"},
	KindAcknowledgements: {"Read-and-understood acknowledgements", "/documents"},
	KindObjectives:       {"Quality objectives", "/objectives"},
	KindReviews:          {"Management reviews", "/reviews"},
	KindReviewActions:    {"Management review actions", "/reviews"},
	KindInternalAudits:   {"Internal audits", "/audits"},
	KindSupplierAudits:   {"Supplier audits", "/audits"},
	KindSuppliers:        {"Suppliers", "/suppliers"},
	KindCertificates:     {"Supplier certificates", "/certificates/expiring"},
	KindSpecs:            {"Product specifications", "/products"},
	KindInspections:      {"Inspections", "/inspections"},
	KindLotResults:       {"Lot results", "/rates"},
	KindNCRs:             {"Nonconformance reports", "/ncrs"},
	KindCAPAs:            {"CAPAs", "/capas"},
	KindComplaints:       {"Customer complaints", "/complaints"},
	KindUsers:            {"Users and roles", "/users"},
	KindNotifications:    {"Notifications sent", "/notifications"},
	KindSignatures:       {"Electronic signatures", "/audit"},
	KindAuditTrail:       {"Audit trail events", "/audit"},
}

// Label is the kind's name for people.
func (k Kind) Label() string {
	if i, ok := kinds[k]; ok {
		return i.label
	}
	return string(k)
}

// Path is the page that lists the records of the kind.
func (k Kind) Path() string { return kinds[k].path }

// Kinds lists every kind.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Count is the number of records of a kind; Known is false when this
// installation does not hold the kind (its module is missing).
type Count struct {
	N     int64 `json:"count"`
	Known bool  `json:"known"`
}

// Item is one kind of evidence of a clause.
type Item struct {
	Kind  Kind   `json:"kind"`
	Label string `json:"label"`
	Path  string `json:"path"`
	Count int64  `json:"count"`
	Known bool   `json:"known"`
}

// Row is a clause with its evidence and the gaps found against it.
type Row struct {
	Clause   Clause `json:"clause"`
	Items    []Item `json:"items"`
	Evidence int64  `json:"evidence"` // records in all, across the kinds
	Gaps     []Gap  `json:"gaps"`
}

// Status is "gap" when a rule flags the clause, "none" when no record
// gives evidence, else "ok".
func (r Row) Status() string {
	switch {
	case len(r.Gaps) > 0:
		return "gap"
	case r.Evidence == 0:
		return "none"
	}
	return "ok"
}

// Map is the evidence map.
type Map struct {
	Today      qms.Date          `json:"today"`
	ISO13485   bool              `json:"iso13485"`
	Rows       []Row             `json:"rows"`
	Gaps       []Gap             `json:"gaps"`
	Procedures []ProcedureStatus `json:"procedures,omitempty"`
}

// Build lays out the map: the ISO 9001 clauses (and the ISO 13485 ones
// when iso13485), each with the counts of its kinds of evidence and the
// gaps of the facts that concern it.
func Build(today qms.Date, iso13485 bool, counts map[Kind]Count, f Facts, docs []ProcedureDoc) Map {
	m := Map{Today: today, ISO13485: iso13485, Gaps: Gaps(f)}
	clauses := ISO9001Clauses
	if iso13485 {
		clauses = append(slices.Clone(clauses), ISO13485Clauses...)
		m.Procedures = MatchProcedures(docs)
		if missing := Missing(m.Procedures); len(missing) > 0 && f.ProceduresKnown {
			m.Gaps = append(m.Gaps, Gap{Rule: RuleMissingProcedures, Standard: ISO13485, Clause: "4.2", Path: "/evidence#procedures",
				Text: fmt.Sprintf("%d procedure(s) that ISO 13485 requires are not documented: %s.", len(missing), list(missing, 8))})
		}
	}
	for _, c := range clauses {
		r := Row{Clause: c, Items: []Item{}, Gaps: []Gap{}}
		for _, k := range c.Evidence {
			n := counts[k]
			r.Items = append(r.Items, Item{Kind: k, Label: k.Label(), Path: k.Path(), Count: n.N, Known: n.Known})
			r.Evidence += n.N
		}
		for _, g := range m.Gaps {
			if g.Standard == c.Standard && g.Clause == c.Number {
				r.Gaps = append(r.Gaps, g)
			}
		}
		m.Rows = append(m.Rows, r)
	}
	return m
}

// ProcessAudit is a process with the date of its last internal audit
// (zero: never audited).
type ProcessAudit struct {
	Name      string
	LastAudit qms.Date
}

// Facts are what the gap rules look at. A slice or count that this
// installation cannot know (its module is missing) is left out with its
// Known flag false, and its rule says nothing.
type Facts struct {
	Today qms.Date
	// The last management review held (zero: none).
	LastReview qms.Date
	// Processes with their last internal audit; ProcessesKnown when the
	// process register and internal audits exist.
	Processes      []ProcessAudit
	ProcessesKnown bool
	// Documents past their periodic review date, by number.
	DocumentsPastReview []string
	// Read-and-understood acknowledgements past their due date.
	OverdueAcknowledgements int
	DocumentsKnown          bool
	// Approved suppliers with a certificate expired and not renewed.
	ApprovedExpired []string
	// CAPAs with a stage past its due date.
	OverdueCAPAs int
	// Objectives of the current period whose status is not met.
	ObjectivesNotMet []string
	// Management review actions past their due date.
	OverdueReviewActions int
	// ProceduresKnown when documents exist to match the ISO 13485
	// procedures against.
	ProceduresKnown bool
}

// Rule names a gap rule.
type Rule string

// The gap rules.
const (
	RuleNoReview             Rule = "no_management_review"
	RuleProcessNotAudited    Rule = "process_not_audited"
	RuleDocumentsPastReview  Rule = "documents_past_review"
	RuleOverdueAcks          Rule = "overdue_acknowledgements"
	RuleApprovedExpired      Rule = "approved_supplier_expired_certificate"
	RuleOverdueCAPAs         Rule = "overdue_capas"
	RuleObjectivesNotMet     Rule = "objectives_not_met"
	RuleOverdueReviewActions Rule = "overdue_review_actions"
	RuleMissingProcedures    Rule = "missing_procedures"
)

// Gap is a weakness an auditor would find, in plain words, against a
// clause, with the page that shows it.
type Gap struct {
	Rule     Rule     `json:"rule"`
	Standard Standard `json:"standard"`
	Clause   string   `json:"clause"`
	Text     string   `json:"text"`
	Path     string   `json:"path"`
}

// AuditInterval is how long a process may go without an internal audit,
// and the company without a management review: twelve months.
const AuditInterval = 12

// Gaps applies the gap rules to the facts, in clause order.
func Gaps(f Facts) []Gap {
	var out []Gap
	add := func(r Rule, clause, path, format string, args ...any) {
		out = append(out, Gap{Rule: r, Standard: ISO9001, Clause: clause, Path: path, Text: fmt.Sprintf(format, args...)})
	}
	limit := f.Today.AddDate(0, -AuditInterval, 0)
	if f.LastReview.IsZero() {
		add(RuleNoReview, "9.3", "/reviews", "No management review has been held.")
	} else if f.LastReview.Before(limit) {
		add(RuleNoReview, "9.3", "/reviews", "No management review in the last 12 months: the last was held on %s.", f.LastReview)
	}
	if f.ProcessesKnown {
		var never, stale []string
		for _, p := range f.Processes {
			switch {
			case p.LastAudit.IsZero():
				never = append(never, p.Name)
			case p.LastAudit.Before(limit):
				stale = append(stale, fmt.Sprintf("%s (last %s)", p.Name, p.LastAudit))
			}
		}
		if n := len(never) + len(stale); n > 0 {
			add(RuleProcessNotAudited, "9.2", "/audits", "%d process(es) without an internal audit in the last 12 months: %s.", n,
				list(append(never, stale...), 8))
		}
	}
	if f.DocumentsKnown {
		if n := len(f.DocumentsPastReview); n > 0 {
			add(RuleDocumentsPastReview, "7.5", "/documents", "%d document(s) past their periodic review date: %s.", n, list(f.DocumentsPastReview, 8))
		}
		if f.OverdueAcknowledgements > 0 {
			add(RuleOverdueAcks, "7.2", "/documents", "%d read-and-understood acknowledgement(s) are overdue.", f.OverdueAcknowledgements)
		}
	}
	if n := len(f.ApprovedExpired); n > 0 {
		add(RuleApprovedExpired, "8.4", "/certificates/expiring", "%d approved supplier(s) with an expired certificate: %s.", n, list(f.ApprovedExpired, 8))
	}
	if f.OverdueCAPAs > 0 {
		add(RuleOverdueCAPAs, "10.2", "/capas", "%d CAPA(s) have a stage past its due date.", f.OverdueCAPAs)
	}
	if n := len(f.ObjectivesNotMet); n > 0 {
		add(RuleObjectivesNotMet, "6.2", "/objectives", "%d quality objective(s) not met: %s.", n, list(f.ObjectivesNotMet, 8))
	}
	if f.OverdueReviewActions > 0 {
		add(RuleOverdueReviewActions, "9.3", "/reviews", "%d management review action(s) are past their due date.", f.OverdueReviewActions)
	}
	slices.SortStableFunc(out, func(a, b Gap) int { return cmp.Compare(clauseKey(a.Clause), clauseKey(b.Clause)) })
	return out
}

// clauseKey orders "9.3" before "10.2".
func clauseKey(c string) string {
	parts := strings.Split(c, ".")
	for i, p := range parts {
		parts[i] = strings.Repeat(" ", max(0, 3-len(p))) + p
	}
	return strings.Join(parts, ".")
}

// list joins the first n names and says how many more there are.
func list(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// ProcedureDoc is a procedure document (type procedure, not obsolete) as
// the ISO 13485 procedure check sees it.
type ProcedureDoc struct {
	ID      int64
	Number  string
	Title   string
	Clauses []string // the clauses the document says it covers, e.g. "8.2.2"
}

// ProcedureStatus is a required procedure with the documents that cover it.
type ProcedureStatus struct {
	Procedure Procedure `json:"procedure"`
	Documents []string  `json:"documents"` // numbers and titles
	Links     []int64   `json:"document_ids"`
}

// Documented reports whether a document covers the procedure.
func (p ProcedureStatus) Documented() bool { return len(p.Documents) > 0 }

// MatchProcedures matches the required ISO 13485 procedures against the
// procedure documents: a document covers a procedure when it names the
// procedure's clause (in Clauses, or "13485 <clause>" in its number or
// title), or when its title contains one of the procedure's keywords.
func MatchProcedures(docs []ProcedureDoc) []ProcedureStatus {
	out := make([]ProcedureStatus, len(RequiredProcedures))
	for i, p := range RequiredProcedures {
		out[i] = ProcedureStatus{Procedure: p, Documents: []string{}, Links: []int64{}}
		for _, d := range docs {
			if covers(d, p) {
				out[i].Documents = append(out[i].Documents, strings.TrimSpace(d.Number+" "+d.Title))
				out[i].Links = append(out[i].Links, d.ID)
			}
		}
	}
	return out
}

func covers(d ProcedureDoc, p Procedure) bool {
	if slices.Contains(d.Clauses, p.Clause) {
		return true
	}
	text := strings.ToLower(d.Number + " " + d.Title)
	if strings.Contains(text, "13485 "+p.Clause+" ") || strings.HasSuffix(text, "13485 "+p.Clause) {
		return true
	}
	title := strings.ToLower(d.Title)
	for _, k := range p.Keywords {
		if strings.Contains(title, k) {
			return true
		}
	}
	return false
}

// Missing returns "clause title" of each procedure no document covers.
func Missing(ps []ProcedureStatus) []string {
	var out []string
	for _, p := range ps {
		if !p.Documented() {
			out = append(out, p.Procedure.Clause+" "+p.Procedure.Title)
		}
	}
	return out
}
