// Package auditreport builds the report of a quality audit (internal,
// supplier, process or product): the header (auditee, criteria, scope,
// team, dates), the score with the tally of answers by grade, the result
// per checklist section, the findings with their due dates, status and the
// NCRs and CAPAs that follow them up, the full checklist with the evidence
// of every answer, the photos, and the conclusion.
//
// Build turns an audit, its questions and findings into a Report, a model
// of ready-to-print strings that the web UI's template shows as HTML and
// WritePDF draws as an A4 PDF with package report. The package is pure:
// data in, document out. It reads no clock, no database and no files; it
// must not import database/sql, net/http, internal/store or internal/blob.
package auditreport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"qms/internal/capa"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qms"
)

// FileInfo is what the report needs to know of a photo: its name and
// whether it is an image.
type FileInfo struct {
	Name  string
	Image bool
}

// Input is everything a report shows.
type Input struct {
	Audit     *qaudit.QualityAudit // required
	Questions []qaudit.Question
	Findings  []qaudit.AuditFinding
	// Files describes the photos the answers name; a photo missing here
	// prints as "not available".
	Files map[int64]FileInfo
	// HideNCRs leaves out the buyer's internal NCR links (a supplier
	// user's report).
	HideNCRs bool
	// Client is the buyer's name printed in the header, if any.
	Client string
	// Generated is when the report is generated (the caller's clock).
	Generated time.Time
}

// Tones of a value: how a grade or status is coloured.
const (
	TonePlain   = "plain"
	TonePass    = "pass"
	ToneFail    = "fail"
	TonePending = "pending"
	ToneInfo    = "info"
)

// Field is one labelled value.
type Field struct {
	Label, Value, Tone string
}

// SectionLine is the result of one section of the checklist.
type SectionLine struct {
	Section, Clauses                                  string
	Questions, Conform, Minor, Major, Other, NA, Open int
	Tone                                              string
}

// FindingLine is one finding.
type FindingLine struct {
	Number, Clause, Grade, GradeTone, Question, Evidence string
	Status, StatusTone, Due, Links, Closure              string
}

// QuestionLine is one question of the checklist with its answer.
type QuestionLine struct {
	Line                                                   int
	Clause, Section, Text, Grade, Tone, Evidence, Answered string
	Photos                                                 []string // photo references: "P3"
}

// Photo is one photo of an answer.
type Photo struct {
	Ref     string // P1, P2 ...
	FileID  int64
	Caption string
	Image   bool
}

// Report is the audit report, ready to print.
type Report struct {
	Number, Title, Subtitle string
	Status, StatusTone      string
	Draft                   bool // not issued yet
	Score, ScoreTone        string
	ScoreNote               string
	Header                  []Field
	Tally                   []Field
	Sections                []SectionLine
	Findings                []FindingLine
	Questions               []QuestionLine
	Photos                  []Photo
	Summary                 string
	Footer                  string
	Generated               time.Time
	GeneratedText           string
}

func gradeTone(g qaudit.Grade) string {
	switch g {
	case qaudit.GradeConform:
		return TonePass
	case qaudit.GradeMajor, qaudit.GradeMinor:
		return ToneFail
	case qaudit.GradeObservation, qaudit.GradeOFI:
		return TonePending
	case "":
		return ToneInfo
	}
	return TonePlain
}

// ScoreTone is the tone of a score: at least 85 passes, at least 70 is
// pending (conditional), below fails; any major nonconformity makes it
// fail whatever the score.
func ScoreTone(s qaudit.Score) string {
	switch {
	case !s.HasScore:
		return TonePlain
	case s.Major > 0 || s.Percent < 70:
		return ToneFail
	case s.Percent < 85:
		return TonePending
	}
	return TonePass
}

// FormatScore prints a score as "87.5 %" ("—" without one).
func FormatScore(s qaudit.Score) string {
	if !s.HasScore {
		return "—"
	}
	return strconv.FormatFloat(s.Percent, 'f', -1, 64) + " %"
}

func date(d interface{ String() string }, zero bool) string {
	if zero {
		return "—"
	}
	return d.String()
}

// Build makes the report of an audit.
func Build(in Input) *Report {
	a := in.Audit
	score := qaudit.ScoreOf(in.Questions)
	r := &Report{
		Number:    a.Number(),
		Title:     a.Type.Label() + " report",
		Subtitle:  a.Title,
		Status:    strings.ToUpper(a.Status.Label()),
		Draft:     !a.Status.Done(),
		Score:     FormatScore(score),
		ScoreTone: ScoreTone(score),
		Summary:   a.Summary,
		Generated: in.Generated,
	}
	if !in.Generated.IsZero() {
		r.GeneratedText = in.Generated.UTC().Format("2006-01-02 15:04 UTC")
	}
	switch {
	case a.Status.Done():
		r.StatusTone = TonePass
		if len(in.Findings) > 0 && !qaudit.AllClosed(in.Findings) {
			r.StatusTone = TonePending
		}
	case a.Status == qaudit.StatusCancelled:
		r.StatusTone = ToneFail
	default:
		r.StatusTone = ToneInfo
	}
	if r.Draft {
		r.Footer = "Draft: the report is not issued"
	} else {
		r.Footer = "Issued " + a.CompletedOn.String()
	}
	r.ScoreNote = fmt.Sprintf("%d applicable questions: %d conform, %d minor and %d major nonconformities (a major weighs %d), %d observations, %d opportunities for improvement; %d not applicable",
		score.Applicable, score.Conform, score.Minor, score.Major, qaudit.MajorWeight, score.Observation, score.OFI, score.NA)
	if score.Unanswered > 0 {
		r.ScoreNote += fmt.Sprintf("; %d not answered yet", score.Unanswered)
	}

	auditee := a.Auditee
	switch {
	case a.SupplierName != "" && auditee != "":
		auditee = a.SupplierName + " — " + auditee
	case a.SupplierName != "":
		auditee = a.SupplierName
	case a.ProcessName != "" && auditee != "":
		auditee = a.ProcessName + " — " + auditee
	case a.ProcessName != "":
		auditee = a.ProcessName
	}
	var team []string
	for _, m := range a.Team {
		team = append(team, m.Name)
	}
	dates := a.PlannedStart.String()
	if a.PlannedEnd != a.PlannedStart {
		dates += " to " + a.PlannedEnd.String()
	}
	r.Header = []Field{
		{Label: "Audit", Value: a.Number() + " — " + a.Type.Label()},
		{Label: "Auditee", Value: auditee},
		{Label: "Criteria", Value: a.Criteria},
		{Label: "Checklist", Value: a.TemplateName},
		{Label: "Scope", Value: a.Scope},
		{Label: "Planned dates", Value: dates},
		{Label: "Lead auditor", Value: a.Lead},
		{Label: "Audit team", Value: orDash(strings.Join(team, ", "))},
		{Label: "Started", Value: date(a.StartedOn, a.StartedOn.IsZero())},
		{Label: "Report issued", Value: date(a.CompletedOn, a.CompletedOn.IsZero())},
	}
	if in.Client != "" {
		r.Header = append([]Field{{Label: "Client", Value: in.Client}}, r.Header...)
	}
	r.Tally = []Field{
		{Label: "Score", Value: r.Score, Tone: r.ScoreTone},
		{Label: "Conform", Value: strconv.Itoa(score.Conform), Tone: TonePass},
		{Label: "Major nonconformities", Value: strconv.Itoa(score.Major), Tone: toneIf(score.Major > 0, ToneFail)},
		{Label: "Minor nonconformities", Value: strconv.Itoa(score.Minor), Tone: toneIf(score.Minor > 0, ToneFail)},
		{Label: "Observations", Value: strconv.Itoa(score.Observation), Tone: toneIf(score.Observation > 0, TonePending)},
		{Label: "Opportunities for improvement", Value: strconv.Itoa(score.OFI), Tone: toneIf(score.OFI > 0, TonePending)},
		{Label: "Not applicable", Value: strconv.Itoa(score.NA)},
	}

	// Sections in checklist order.
	idx := map[string]int{}
	for _, q := range in.Questions {
		i, ok := idx[q.Section]
		if !ok {
			i = len(r.Sections)
			idx[q.Section] = i
			r.Sections = append(r.Sections, SectionLine{Section: q.Section, Clauses: q.Clause})
		}
		s := &r.Sections[i]
		s.Questions++
		switch q.Grade {
		case qaudit.GradeConform:
			s.Conform++
		case qaudit.GradeMinor:
			s.Minor++
		case qaudit.GradeMajor:
			s.Major++
		case qaudit.GradeNA:
			s.NA++
		case "":
			s.Open++
		default:
			s.Other++
		}
	}
	for i := range r.Sections {
		s := &r.Sections[i]
		switch {
		case s.Major+s.Minor > 0:
			s.Tone = ToneFail
		case s.Open > 0:
			s.Tone = ToneInfo
		case s.Other > 0:
			s.Tone = TonePending
		default:
			s.Tone = TonePass
		}
	}

	for _, f := range in.Findings {
		fl := FindingLine{Number: f.Number(), Clause: f.Clause, Grade: f.Grade.Label(), GradeTone: gradeTone(f.Grade), Question: f.Question,
			Evidence: f.Evidence, Status: f.Status.Label(), Due: date(f.DueOn, f.DueOn.IsZero()), Closure: f.ClosureNote}
		switch f.Status {
		case qaudit.FindingClosed:
			fl.StatusTone = TonePass
		case qaudit.FindingOpen:
			fl.StatusTone = TonePending
			if !f.DueOn.IsZero() && !in.Generated.IsZero() && f.Overdue(qms.DateOf(in.Generated)) {
				fl.Status, fl.StatusTone = "Overdue", ToneFail
			}
		default:
			fl.StatusTone = TonePlain
		}
		var links []string
		if f.NCRID != 0 && !in.HideNCRs {
			links = append(links, ncr.Number(f.NCRID))
		}
		if f.CAPAID != 0 {
			links = append(links, (&capa.CAPA{ID: f.CAPAID, Kind: capaKind(a)}).Number())
		}
		fl.Links = orDash(strings.Join(links, ", "))
		r.Findings = append(r.Findings, fl)
	}

	for _, q := range in.Questions {
		ql := QuestionLine{Line: q.Line, Clause: q.Clause, Section: q.Section, Text: q.Text, Grade: q.Grade.Label(), Tone: gradeTone(q.Grade), Evidence: q.Evidence}
		if q.AnsweredAt != nil {
			ql.Answered = q.AnsweredBy + ", " + q.AnsweredAt.UTC().Format("2006-01-02")
		}
		for _, id := range q.Photos {
			p := Photo{Ref: "P" + strconv.Itoa(len(r.Photos)+1), FileID: id, Caption: q.Clause + " " + q.Grade.Label()}
			if fi, ok := in.Files[id]; ok {
				p.Image = fi.Image
				if fi.Name != "" {
					p.Caption += " — " + fi.Name
				}
			} else {
				p.Caption += " — not available"
			}
			r.Photos = append(r.Photos, p)
			ql.Photos = append(ql.Photos, p.Ref)
		}
		r.Questions = append(r.Questions, ql)
	}
	return r
}

func capaKind(a *qaudit.QualityAudit) capa.Kind {
	if a.Type == qaudit.TypeSupplier {
		return capa.KindSupplier
	}
	return capa.KindInternal
}

func toneIf(b bool, t string) string {
	if b {
		return t
	}
	return TonePlain
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
