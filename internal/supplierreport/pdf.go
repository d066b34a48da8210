package supplierreport

import (
	"io"
	"strconv"
	"strings"

	"qms/internal/report"
)

func tone(t string) report.Tone {
	switch t {
	case TonePass:
		return report.Pass
	case ToneFail:
		return report.Fail
	case TonePending:
		return report.Pending
	case ToneInfo:
		return report.Info
	}
	return report.Plain
}

func fields(fs []Field) []report.Field {
	out := make([]report.Field, len(fs))
	for i, f := range fs {
		out[i] = report.Field{Label: f.Label, Value: f.Value, Tone: tone(f.Tone)}
	}
	return out
}

func cell(text, t string) report.Cell {
	return report.Cell{Text: text, Tone: tone(t), Bold: t != TonePlain}
}

// WritePDF draws the report as an A4 PDF to w with fonts (report.LoadFonts;
// Chinese, Japanese and Korean names need its CJK font). Returns the first
// error of the document (report.Document).
func WritePDF(w io.Writer, r *Report, fonts *report.Fonts) error {
	badge := strings.ToUpper(r.Status)
	d := report.New(report.Options{
		Fonts:     fonts,
		Title:     r.Title,
		Subtitle:  r.Subtitle,
		Number:    r.Number,
		Status:    report.Badge{Text: badge, Tone: tone(r.RecommendationTone)},
		Footer:    "Internal: the buyer's assessment",
		Generated: r.Generated,
		Author:    "qms",
		Subject:   r.Title + " " + r.Number,
	})
	n := 0
	heading := func(title string) {
		n++
		d.Heading(strconv.Itoa(n) + ". " + title)
	}

	d.Result("Recommendation: "+r.Recommendation, strings.ToUpper(r.Status), tone(r.RecommendationTone), "")
	if r.DecidedBy != "" {
		d.Paragraph("Decided by " + r.DecidedBy + ": " + firstOf(r.DecisionReason, "no reason recorded"))
	} else {
		d.Note("No status decision recorded yet.")
	}
	if len(r.Attention) > 0 {
		d.Subheading("To weigh")
		d.Paragraph("• " + strings.Join(r.Attention, "\n• "))
	}

	heading("Identity")
	d.KeyValues(fields(r.Identity), 2)

	heading("Factory sites")
	st := report.Table{Empty: "No sites recorded", Columns: []report.Column{{Header: "Site", Width: 2.2}, {Header: "Address", Width: 3},
		{Header: "Country", Width: 1.05}, {Header: "Makes", Width: 1.4}, {Header: "Capacity", Width: 1.6}}}
	for _, s := range r.Sites {
		name := s.Name
		if s.NameLatin != "" && s.NameLatin != s.Name {
			name += "\n" + s.NameLatin
		}
		if s.Voided {
			name += "\n(voided)"
		}
		st.Rows = append(st.Rows, report.Row(name, s.Address, s.Country, s.Categories, s.Capacity))
	}
	d.Table(st)

	heading("Certificates, verification and red flags")
	if len(r.Certificates) == 0 {
		d.Paragraph("No certificates recorded.")
	}
	for _, c := range r.Certificates {
		d.Subheading(c.Standard + " · " + c.Number)
		d.KeyValues([]report.Field{
			{Label: "Validity", Value: c.Validity, Tone: tone(c.ValidityTone)},
			{Label: "Verification", Value: c.Verification, Tone: tone(c.VerificationTone)},
			{Label: "Certification body", Value: c.CertificationBody},
			{Label: "Accreditation body", Value: c.AccreditationBody},
			{Label: "Issued", Value: c.Issued}, {Label: "Expires", Value: c.Expires},
			{Label: "Sites covered", Value: c.Sites}, {Label: "Review", Value: c.Review},
		}, 2)
		if len(c.Flags) == 0 {
			d.Note("Red flags: none of the rules fired.")
			continue
		}
		t := report.Table{Columns: []report.Column{{Header: "Red flag", Width: 1}, {Header: "What it means", Width: 7}}}
		for _, f := range c.Flags {
			t.Rows = append(t.Rows, []report.Cell{cell(f.Severity, f.Tone), {Text: f.Message}})
		}
		d.Table(t)
	}
	d.Subheading("Certificate requirements")
	d.Result("Requirements", r.GateSummary, tone(r.GateTone), "")
	if len(r.Checks) > 0 {
		t := report.Table{Columns: []report.Column{{Header: "Requirement", Width: 2}, {Header: "Site", Width: 1.5},
			{Header: "Result", Width: 0.9, Align: report.Center}, {Header: "Detail", Width: 4}}}
		for _, c := range r.Checks {
			t.Rows = append(t.Rows, []report.Cell{{Text: c.Requirement}, {Text: c.Site}, cell(c.Result, c.Tone), {Text: c.Message}})
		}
		d.Table(t)
	}

	heading("Audits")
	at := report.Table{Empty: "No audits recorded", Columns: []report.Column{{Header: "Date", Width: 1.2}, {Header: "Audit", Width: 2.6},
		{Header: "Lead", Width: 1.3}, {Header: "Status", Width: 1.1}, {Header: "Score", Width: 0.8, Align: report.Right}, {Header: "Conclusion", Width: 2.6}}}
	for _, a := range r.Audits {
		at.Rows = append(at.Rows, report.Row(a.Date, a.Type+": "+a.Title, a.Lead, a.Status, a.Score, a.Summary))
	}
	d.Table(at)

	heading("Inspection history and rejection rate")
	d.Note("Period: " + r.Period + ". Rates count first inspections only; re-inspections after rework are listed below.")
	if len(r.Scorecard) > 0 {
		d.KeyValues(fields(r.Scorecard), 2)
	}
	if len(r.Reasons) > 0 {
		d.Paragraph("Why not tier A: " + strings.Join(r.Reasons, "; "))
	}
	if len(r.Rates) > 0 {
		t := report.Table{Columns: []report.Column{{Header: "Inspection type", Width: 2.5}, {Header: "Lots", Width: 0.8, Align: report.Right},
			{Header: "Rejected", Width: 0.9, Align: report.Right}, {Header: "Rejection rate", Width: 1.2, Align: report.Right}, {Header: "PPM", Width: 1, Align: report.Right}}}
		for _, x := range r.Rates {
			t.Rows = append(t.Rows, []report.Cell{{Text: x.Kind}, {Text: x.Lots}, {Text: x.Rejected}, cell(x.RejectionRate, x.Tone), {Text: x.PPM}})
		}
		d.Table(t)
	}
	d.Subheading("Lots inspected")
	lt := report.Table{Empty: "No lots inspected in the period", Columns: []report.Column{{Header: "Date", Width: 1.1}, {Header: "Type", Width: 1.35},
		{Header: "Product", Width: 2}, {Header: "PO", Width: 1.1}, {Header: "Lot", Width: 0.65, Align: report.Right},
		{Header: "Sample", Width: 0.85, Align: report.Right}, {Header: "Defective", Width: 1.05, Align: report.Right}, {Header: "Result", Width: 1.1, Align: report.Center}}}
	for _, l := range r.Lots {
		lt.Rows = append(lt.Rows, []report.Cell{{Text: l.Date}, {Text: l.Kind}, {Text: l.Product}, {Text: l.PO}, {Text: l.LotSize},
			{Text: l.Sample}, {Text: l.Defective}, cell(l.Verdict, l.Tone)})
	}
	d.Table(lt)
	if r.LotsNote != "" {
		d.Note(r.LotsNote)
	}

	heading("Open issues")
	for _, g := range []struct {
		title string
		lines []IssueLine
		empty string
	}{{"Nonconformance reports", r.NCRs, "No open NCRs"}, {"Corrective actions", r.CAPAs, "No open corrective actions"}} {
		d.Subheading(g.title)
		t := report.Table{Empty: g.empty, Columns: []report.Column{{Header: "Number", Width: 1.2}, {Header: "Title", Width: 4},
			{Header: "Severity", Width: 0.9}, {Header: "Status", Width: 1.1}, {Header: "Opened", Width: 1.1}}}
		for _, x := range g.lines {
			t.Rows = append(t.Rows, report.Row(x.Number, x.Title, x.Severity, x.Status, x.Opened))
		}
		d.Table(t)
	}

	heading("Decisions")
	ht := report.Table{Empty: "No decisions recorded", Columns: []report.Column{{Header: "Date", Width: 1.1}, {Header: "Decision", Width: 2.4},
		{Header: "By", Width: 1.5}, {Header: "Reason", Width: 4}}}
	for _, h := range r.History {
		ht.Rows = append(ht.Rows, report.Row(h.Date, h.Change, h.By, h.Reason))
	}
	d.Table(ht)
	return d.Write(w)
}
