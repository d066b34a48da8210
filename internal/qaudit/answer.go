package qaudit

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// Grade is the answer to a checklist question: the finding grades of
// ISO/IEC 17021-1 §3.12-3.13 and common audit practice (domain.md §5.2),
// and not applicable. The set is closed.
type Grade string

const (
	GradeConform     Grade = "conform"
	GradeMinor       Grade = "minor"       // minor nonconformity: an isolated lapse
	GradeMajor       Grade = "major"       // major nonconformity: the system cannot achieve its intended results
	GradeObservation Grade = "observation" // a potential nonconformity, no requirement breached yet
	GradeOFI         Grade = "ofi"         // opportunity for improvement
	GradeNA          Grade = "na"          // not applicable: left out of the score
)

// Grades lists every grade in display order.
var Grades = []Grade{GradeConform, GradeMinor, GradeMajor, GradeObservation, GradeOFI, GradeNA}

// Valid reports whether g is one of Grades.
func (g Grade) Valid() bool { return slices.Contains(Grades, g) }

// Nonconformity reports whether g is a minor or major nonconformity.
func (g Grade) Nonconformity() bool { return g == GradeMinor || g == GradeMajor }

// RaisesFinding reports whether an answer of grade g raises a finding: every
// answer but conform and not applicable.
func (g Grade) RaisesFinding() bool { return g.Valid() && g != GradeConform && g != GradeNA }

// Label is the grade's name for people.
func (g Grade) Label() string {
	switch g {
	case GradeConform:
		return "Conform"
	case GradeMinor:
		return "Minor nonconformity"
	case GradeMajor:
		return "Major nonconformity"
	case GradeObservation:
		return "Observation"
	case GradeOFI:
		return "Opportunity for improvement"
	case GradeNA:
		return "Not applicable"
	case "":
		return "Not answered"
	}
	return string(g)
}

// Question is one checklist question of an audit (copied from its
// template when the audit is planned, so later template edits never change
// it) with its answer.
type Question struct {
	Line         int        `json:"line"` // 1, 2, ... in checklist order
	Clause       string     `json:"clause"`
	Section      string     `json:"section"`
	Text         string     `json:"text"`
	Guidance     string     `json:"guidance,omitempty"` // the evidence to ask for
	Grade        Grade      `json:"grade,omitempty"`    // empty until answered
	Evidence     string     `json:"evidence,omitempty"` // what the auditor saw, heard or read
	Photos       []int64    `json:"photos"`             // file ids
	AnsweredByID int64      `json:"answered_by_id,omitempty"`
	AnsweredBy   string     `json:"answered_by,omitempty"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
}

// Answer is what an auditor records for one question.
type Answer struct {
	Grade    Grade   `json:"grade"`
	Evidence string  `json:"evidence"`
	Photos   []int64 `json:"photos"`
}

// Validate trims and checks an answer. Evidence is required for a minor
// or major nonconformity: a finding graded without evidence is refused.
// Returns an invalid error listing every problem.
func (a *Answer) Validate() error {
	p := qms.Problems{}
	a.Grade = Grade(strings.ToLower(strings.TrimSpace(string(a.Grade))))
	if !a.Grade.Valid() {
		p.Add("grade", "must be one of conform, minor, major, observation, ofi or na")
	}
	a.Evidence = strings.TrimSpace(a.Evidence)
	checkLong(p, "evidence", a.Evidence, MaxEvidenceLen)
	if a.Grade.Nonconformity() && a.Evidence == "" {
		p.Add("evidence", "is required for a nonconformity: say what was seen, which record or sample, and which requirement it breaches")
	}
	if a.Photos == nil {
		a.Photos = []int64{}
	}
	if len(a.Photos) > MaxPhotos {
		p.Add("photos", fmt.Sprintf("at most %d photos per question", MaxPhotos))
	}
	for _, id := range a.Photos {
		if id <= 0 {
			p.Add("photos", "must be file ids")
		}
	}
	return p.Err()
}

// Score summarises the answers of a checklist.
//
// The score is the share of applicable questions that conform, where a
// major nonconformity weighs three times a minor one:
//
//	score = 100 × max(0, A − minor − 3 × major) / A
//
// with A the applicable questions (answered, not N/A). Observations and
// opportunities for improvement breach no requirement and count as
// conform. Rounded to one decimal; undefined (HasScore false) while no
// applicable question is answered.
type Score struct {
	Questions   int     `json:"questions"`
	Unanswered  int     `json:"unanswered"`
	Applicable  int     `json:"applicable"`
	Conform     int     `json:"conform"`
	Minor       int     `json:"minor"`
	Major       int     `json:"major"`
	Observation int     `json:"observation"`
	OFI         int     `json:"ofi"`
	NA          int     `json:"na"`
	Percent     float64 `json:"percent"`
	HasScore    bool    `json:"has_score"`
}

// MajorWeight is how many minor nonconformities one major counts as.
const MajorWeight = 3

// ScoreOf computes the score of a checklist's answers.
func ScoreOf(qs []Question) Score {
	s := Score{Questions: len(qs)}
	for _, q := range qs {
		switch q.Grade {
		case GradeConform:
			s.Conform++
		case GradeMinor:
			s.Minor++
		case GradeMajor:
			s.Major++
		case GradeObservation:
			s.Observation++
		case GradeOFI:
			s.OFI++
		case GradeNA:
			s.NA++
		default:
			s.Unanswered++
		}
	}
	s.Applicable = s.Questions - s.Unanswered - s.NA
	if s.Applicable > 0 {
		good := max(0, s.Applicable-s.Minor-MajorWeight*s.Major)
		s.Percent = math.Round(1000*float64(good)/float64(s.Applicable)) / 10
		s.HasScore = true
	}
	return s
}

// CheckComplete checks that an audit's report may be issued: every
// question answered (N/A is an answer) and a summary written.
func CheckComplete(qs []Question, summary string) error {
	p := qms.Problems{}
	var open []string
	for _, q := range qs {
		if q.Grade == "" {
			open = append(open, q.Clause)
		}
	}
	if len(open) > 0 {
		show := open
		if len(show) > 10 {
			show = append(slices.Clone(show[:10]), "...")
		}
		p.Add("questions", fmt.Sprintf("%d question(s) are not answered yet (clauses %s); answer them, N/A where a question does not apply", len(open), strings.Join(show, ", ")))
	}
	if len(qs) == 0 {
		p.Add("questions", "the checklist has no question")
	}
	summary = strings.TrimSpace(summary)
	checkLong(p, "summary", summary, MaxTextLen)
	if summary == "" {
		p.Add("summary", "is required: the audit's conclusion for the report")
	}
	return p.Err()
}

// FindingStatus is where a finding stands: open (a nonconformity to
// answer) -> closed (its correction and corrective action verified);
// observations and opportunities for improvement are noted and need no
// action.
type FindingStatus string

const (
	FindingOpen   FindingStatus = "open"
	FindingClosed FindingStatus = "closed"
	FindingNoted  FindingStatus = "noted"
)

// Label is the status's name for people.
func (s FindingStatus) Label() string {
	switch s {
	case FindingOpen:
		return "Open"
	case FindingClosed:
		return "Closed"
	case FindingNoted:
		return "Noted (no action required)"
	}
	return string(s)
}

// AuditFinding is one answer of an issued audit report that is not conform:
// nonconformities are followed up (correction, NCR or CAPA, verification)
// until closed.
type AuditFinding struct {
	ID          int64         `json:"id"`
	AuditID     int64         `json:"audit_id"`
	Line        int           `json:"line"` // the question
	Grade       Grade         `json:"grade"`
	Clause      string        `json:"clause"`
	Question    string        `json:"question"`
	Evidence    string        `json:"evidence"`
	Status      FindingStatus `json:"status"`
	DueOn       qms.Date      `json:"due_on,omitzero"`
	NCRID       int64         `json:"ncr_id,omitempty"`
	CAPAID      int64         `json:"capa_id,omitempty"`
	ClosureNote string        `json:"closure_note,omitempty"`
	ClosedByID  int64         `json:"closed_by_id,omitempty"`
	ClosedBy    string        `json:"closed_by,omitempty"`
	ClosedAt    *time.Time    `json:"closed_at,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	Version     int64         `json:"version"`

	// Read with the finding: its audit's type and supplier.
	AuditType  Type  `json:"audit_type,omitempty"`
	SupplierID int64 `json:"supplier_id,omitempty"`
}

// Number is the finding's number for people: AF-00042. CAPAs name the
// findings they answer by it.
func (f *AuditFinding) Number() string { return FindingNumber(f.ID) }

// FindingNumber is the number for people of the finding with the given id.
func FindingNumber(id int64) string { return fmt.Sprintf("AF-%05d", id) }

// ParseFindingNumber returns the id of a finding number (AF-00042, any
// case), and false when s is not one.
func ParseFindingNumber(s string) (int64, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	digits, ok := strings.CutPrefix(s, "AF-")
	if !ok || digits == "" || len(digits) > 15 {
		return 0, false
	}
	var id int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		id = id*10 + int64(c-'0')
	}
	return id, id > 0
}

// Overdue reports whether an open finding is past its due date.
func (f *AuditFinding) Overdue(today qms.Date) bool {
	return f.Status == FindingOpen && !f.DueOn.IsZero() && today.After(f.DueOn)
}

// Days to answer a nonconformity, from the day the report is issued: a
// major one is corrected and its corrective action verified within 30
// days, a minor one within 90 (domain.md §5.2: at most 90 days).
const (
	MajorDueDays = 30
	MinorDueDays = 90
)

// FindingsOf returns the findings of an audit's answered questions when
// its report is issued on day: open nonconformities with their due dates,
// and noted observations and opportunities for improvement.
func FindingsOf(qs []Question, day qms.Date) []AuditFinding {
	var out []AuditFinding
	for _, q := range qs {
		if !q.Grade.RaisesFinding() {
			continue
		}
		f := AuditFinding{Line: q.Line, Grade: q.Grade, Clause: q.Clause, Question: q.Text, Evidence: q.Evidence, Status: FindingNoted}
		switch q.Grade {
		case GradeMajor:
			f.Status, f.DueOn = FindingOpen, day.AddDate(0, 0, MajorDueDays)
		case GradeMinor:
			f.Status, f.DueOn = FindingOpen, day.AddDate(0, 0, MinorDueDays)
		}
		out = append(out, f)
	}
	return out
}

// CheckCloseFinding checks that finding f may be closed with the
// verification note: it is open, the note says how the correction was
// verified, a major nonconformity has an NCR or CAPA, and every linked
// record named in stillOpen (their numbers) is closed.
func CheckCloseFinding(f *AuditFinding, note string, stillOpen []string) error {
	if f.Status != FindingOpen {
		return qms.Errorf(qms.KindConflict, "%s is %s; only open findings are closed", f.Number(), strings.ToLower(f.Status.Label()))
	}
	p := qms.Problems{}
	note = strings.TrimSpace(note)
	checkLong(p, "note", note, MaxReasonLen)
	if note == "" {
		p.Add("note", "is required: how the correction and corrective action were verified")
	}
	if f.Grade == GradeMajor && f.NCRID == 0 && f.CAPAID == 0 {
		p.Add("capa_id", "a major nonconformity is closed through a CAPA or NCR: raise one first")
	}
	if len(stillOpen) > 0 {
		p.Add("capa_id", strings.Join(stillOpen, " and ")+" must be closed first")
	}
	return p.Err()
}

// AllClosed reports whether no finding is still open: the audit may close.
func AllClosed(fs []AuditFinding) bool {
	for _, f := range fs {
		if f.Status == FindingOpen {
			return false
		}
	}
	return true
}
