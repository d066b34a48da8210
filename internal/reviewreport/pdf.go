// Package reviewreport draws the record of a management review (ISO 9001
// 9.3) as an A4 PDF with package report: the review's details, attendees,
// every input of the pack (9.3.2) as tables, the decisions and the
// actions with their owners, due dates and status (9.3.3). CJK names and
// text print with report's CJK font.
//
// The package is pure: data in, document out. It must not import
// database/sql, net/http or internal/store.
package reviewreport

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"qms/internal/mgmtreview"
	"qms/internal/qms"
	"qms/internal/report"
)

// Input is what the report shows. Pack is the review's frozen pack, or one
// generated now for a draft (Live true: marked as such).
type Input struct {
	Review    *mgmtreview.Review
	Actions   []mgmtreview.Action
	Pack      *mgmtreview.Pack
	Live      bool
	Today     qms.Date
	Generated time.Time
}

func statusTone(s string) report.Tone {
	switch s {
	case "met", "done", "closed":
		return report.Pass
	case "not_met", "overdue":
		return report.Fail
	case "open", "draft":
		return report.Pending
	}
	return report.Plain
}

func label(s string) string { return strings.ReplaceAll(s, "_", " ") }

func num(n int64) string { return strconv.FormatInt(n, 10) }

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + " %" }

// WritePDF draws the review to w. Returns the document's first error.
func WritePDF(w io.Writer, in Input, fonts *report.Fonts) error {
	r, p := in.Review, in.Pack
	status := strings.ToUpper(string(r.Status))
	watermark := ""
	if r.Status == mgmtreview.Draft {
		watermark = "DRAFT"
	}
	d := report.New(report.Options{Fonts: fonts, Title: "Management review", Subtitle: r.Title, Number: r.Number(),
		Status: report.Badge{Text: status, Tone: statusTone(string(r.Status))}, Watermark: watermark, Generated: in.Generated,
		Footer: "ISO 9001:2015 clause 9.3 – management review record", Subject: "Management review " + r.Number()})

	d.KeyValues([]report.Field{
		{Label: "Review", Value: r.Number() + " " + r.Title},
		{Label: "Held on", Value: r.HeldOn.String()},
		{Label: "Period reviewed", Value: r.From.String() + " to " + r.To.String()},
		{Label: "Status", Value: string(r.Status), Tone: statusTone(string(r.Status))},
		{Label: "Previous review", Value: orNone(p.LastReview.String())},
		{Label: "Inputs generated", Value: p.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC") + liveNote(in.Live)},
	}, 2)

	d.Heading("Attendees")
	att := report.Table{Columns: []report.Column{{Header: "Name", Width: 2}, {Header: "Role", Width: 2}}, Empty: "No attendees recorded"}
	for _, a := range r.Attendees {
		att.Rows = append(att.Rows, report.Row(a.Name, a.Role))
	}
	d.Table(att)

	d.Heading("Inputs (9.3.2)")
	d.Subheading("a) Status of actions from previous management reviews")
	prev := report.Table{Columns: []report.Column{{Header: "Review"}, {Header: "Action", Width: 4}, {Header: "Owner", Width: 1.5}, {Header: "Due"},
		{Header: "Status"}}, Empty: "No actions from previous reviews"}
	for _, a := range p.PreviousActions {
		st := string(a.Status)
		if a.Overdue {
			st = "overdue"
		}
		desc := a.Description
		if a.Result != "" {
			desc += "\n→ " + a.Result
		}
		prev.Rows = append(prev.Rows, []report.Cell{{Text: a.Review}, {Text: desc}, {Text: a.Owner}, {Text: a.DueOn.String()}, {Text: st, Tone: statusTone(st), Bold: true}})
	}
	d.Table(prev)

	d.Subheading("b) Changes: documents made effective since the previous review")
	if !p.ChangesKnown {
		d.Note("Document control is not installed: no document changes to show.")
	} else {
		ch := report.Table{Columns: []report.Column{{Header: "Document"}, {Header: "Title", Width: 3}, {Header: "Rev."}, {Header: "Effective"},
			{Header: "Change", Width: 3}}, Empty: "No document changes"}
		for _, c := range p.Changes {
			ch.Rows = append(ch.Rows, report.Row(c.Number, c.Title, c.Revision, c.EffectiveOn.String(), c.Change))
		}
		d.Table(ch)
	}

	d.Subheading("c1) Customer satisfaction, feedback and complaints")
	c := p.Complaints
	d.KeyValues([]report.Field{{Label: "Complaints received", Value: num(c.Received)}, {Label: "Reportable", Value: num(c.Reportable)},
		{Label: "With a CAPA", Value: num(c.WithCAPA)}, {Label: "Open now", Value: num(c.Open)}}, 2)
	if r.Feedback != "" {
		d.Paragraph(r.Feedback)
	}
	if len(c.Lines) > 0 {
		ct := report.Table{Columns: []report.Column{{Header: "Complaint"}, {Header: "Received"}, {Header: "Customer", Width: 2}, {Header: "Summary", Width: 4},
			{Header: "Status"}}}
		for _, l := range c.Lines {
			sum := l.Summary
			if l.Reportable {
				sum = "[reportable] " + sum
			}
			ct.Rows = append(ct.Rows, []report.Cell{{Text: l.Number}, {Text: l.ReceivedOn.String()}, {Text: l.Customer}, {Text: sum},
				{Text: l.Status, Tone: statusTone(l.Status)}})
		}
		d.Table(ct)
	}

	d.Subheading("c2) Quality objectives")
	ot := report.Table{Columns: []report.Column{{Header: "Objective", Width: 3}, {Header: "Owner", Width: 1.5}, {Header: "Period", Width: 1.5},
		{Header: "Target"}, {Header: "Result"}, {Header: "Status"}}, Empty: "No quality objectives for the period"}
	for _, o := range p.Objectives {
		ot.Rows = append(ot.Rows, []report.Cell{{Text: o.Title}, {Text: o.Owner}, {Text: o.Period}, {Text: o.Target}, {Text: o.Value},
			{Text: label(o.Status), Tone: statusTone(o.Status), Bold: true}})
	}
	d.Table(ot)

	d.Subheading("c3) Process performance")
	if !p.ProcessesKnown {
		d.Note("The process register is not installed.")
	} else {
		pt := report.Table{Columns: []report.Column{{Header: "Process", Width: 2}, {Header: "Owner", Width: 1.5}, {Header: "KPIs", Width: 3},
			{Header: "Open risks"}}, Empty: "No processes in the register"}
		for _, l := range p.Processes {
			pt.Rows = append(pt.Rows, report.Row(l.Name, l.Owner, l.KPIs, num(l.Risks)))
		}
		d.Table(pt)
	}

	d.Subheading("c4) Nonconformities and corrective actions")
	n, k := p.NCRs, p.CAPAs
	onTime := "—"
	if k.Closed > 0 {
		onTime = pct(100 * float64(k.ClosedOnTime) / float64(k.Closed))
	}
	d.KeyValues([]report.Field{
		{Label: "NCRs opened", Value: num(n.Opened) + severities(n.BySeverity)}, {Label: "NCRs closed", Value: num(n.Closed)},
		{Label: "NCRs open now", Value: num(n.OpenNow)}, {Label: "CAPAs opened", Value: num(k.Opened)},
		{Label: "CAPAs closed", Value: num(k.Closed) + " (on time " + onTime + ")"}, {Label: "CAPAs open now", Value: num(k.OpenNow)},
		{Label: "CAPAs overdue now", Value: num(k.OverdueNow), Tone: toneIf(k.OverdueNow > 0, report.Fail)},
	}, 2)

	d.Subheading("c5) Monitoring and measurement: inspection rejection rates")
	mt := report.Table{Columns: []report.Column{{Header: "Inspection", Width: 2}, {Header: "Lots", Align: report.Right}, {Header: "Rejected", Align: report.Right},
		{Header: "Rejection rate", Align: report.Right}}, Empty: "No inspections in the period"}
	for _, l := range p.Monitoring {
		mt.Rows = append(mt.Rows, report.Row(label(l.Kind), num(l.Lots), num(l.Rejected), pct(l.Rate())))
	}
	d.Table(mt)

	d.Subheading("c6) Audit results")
	if !p.AuditsKnown {
		d.Note("Internal and supplier audits are not installed.")
	} else {
		at := report.Table{Columns: []report.Column{{Header: "Audit"}, {Header: "Title", Width: 3}, {Header: "Kind"}, {Header: "Date"}, {Header: "Score"},
			{Header: "Findings (open)"}}, Empty: "No audits in the period"}
		for _, a := range p.Audits {
			at.Rows = append(at.Rows, report.Row(a.Number, a.Title, label(a.Kind), a.Date.String(), a.Score, fmt.Sprintf("%d (%d)", a.Findings, a.OpenFindings)))
		}
		d.Table(at)
	}

	d.Subheading("c7) Performance of external providers")
	st := report.Table{Columns: []report.Column{{Header: "Supplier", Width: 3}, {Header: "Status", Width: 1.5}, {Header: "Lots", Align: report.Right},
		{Header: "Rejected", Align: report.Right}, {Header: "Acceptance", Align: report.Right}, {Header: "NCRs", Align: report.Right}}, Empty: "No supplier lots in the period"}
	for _, l := range p.Suppliers {
		st.Rows = append(st.Rows, report.Row(l.Name, label(l.Status), num(l.Lots), num(l.Rejected), pct(l.Acceptance()), num(l.NCRs)))
	}
	d.Table(st)

	d.Subheading("d) Adequacy of resources")
	d.Paragraph(orNone(r.Resources))

	d.Subheading("e) Effectiveness of actions taken to address risks and opportunities")
	if !p.RisksKnown {
		d.Note("The risk register is not installed.")
	} else {
		rt := report.Table{Columns: []report.Column{{Header: "Risk or opportunity", Width: 3}, {Header: "Kind"}, {Header: "Level"}, {Header: "Owner", Width: 1.5},
			{Header: "Review"}}, Empty: "No open risks or opportunities"}
		for _, l := range p.Risks {
			rt.Rows = append(rt.Rows, report.Row(l.Title, l.Kind, l.Level, l.Owner, l.ReviewOn))
		}
		d.Table(rt)
	}

	d.Subheading("f) Opportunities for improvement")
	d.Paragraph(orNone(r.Improvements))

	d.Heading("Outputs (9.3.3)")
	d.Subheading("Decisions")
	dt := report.Table{Columns: []report.Column{{Header: "#", Width: 0.3}, {Header: "Decision", Width: 6}}, Empty: "No decisions recorded"}
	for i, s := range r.Decisions {
		dt.Rows = append(dt.Rows, report.Row(strconv.Itoa(i+1), s))
	}
	d.Table(dt)
	d.Subheading("Actions")
	act := report.Table{Columns: []report.Column{{Header: "Action", Width: 4}, {Header: "Owner", Width: 1.5}, {Header: "Due"}, {Header: "Status"}},
		Empty: "No actions"}
	for _, a := range in.Actions {
		st := string(a.Status)
		if a.Overdue(in.Today) {
			st = "overdue"
		}
		desc := a.Description
		if a.Result != "" {
			desc += "\n→ " + a.Result
		}
		act.Rows = append(act.Rows, []report.Cell{{Text: desc}, {Text: a.Owner}, {Text: a.DueOn.String()}, {Text: st, Tone: statusTone(st), Bold: true}})
	}
	d.Table(act)
	if r.ClosedAt != nil {
		d.Note(fmt.Sprintf("Closed by %s on %s. The inputs above were frozen when the review was closed.", r.ClosedBy, r.ClosedAt.UTC().Format("2006-01-02 15:04 UTC")))
	}
	return d.Write(w)
}

func severities(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func toneIf(b bool, t report.Tone) report.Tone {
	if b {
		return t
	}
	return report.Plain
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func liveNote(live bool) string {
	if live {
		return " (live: the review is not closed)"
	}
	return ""
}
