package auditreport

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
	return report.Cell{Text: text, Tone: tone(t), Bold: t != TonePlain && t != ""}
}

func num(n int) string {
	if n == 0 {
		return "–"
	}
	return strconv.Itoa(n)
}

// WritePDF draws the report as an A4 PDF to w with fonts (report.LoadFonts;
// CJK text needs its CJK font). photos holds the JPEG or PNG data of the
// photos to draw, by file id; a photo without data is listed only.
// Returns the first error of the document.
func WritePDF(w io.Writer, r *Report, fonts *report.Fonts, photos map[int64][]byte) error {
	watermark := ""
	if r.Draft {
		watermark = "DRAFT"
	}
	d := report.New(report.Options{
		Fonts:     fonts,
		Title:     r.Title,
		Subtitle:  r.Subtitle,
		Number:    r.Number,
		Status:    report.Badge{Text: r.Status, Tone: tone(r.StatusTone)},
		Footer:    r.Footer,
		Watermark: watermark,
		Generated: r.Generated,
		Author:    "qms",
		Subject:   r.Title + " " + r.Number,
	})
	d.Result("Audit score", r.Score, tone(r.ScoreTone), r.ScoreNote)
	d.KeyValues(fields(r.Header), 2)
	d.Subheading("Answers by grade")
	d.KeyValues(fields(r.Tally), 2)
	if r.Summary != "" {
		d.Subheading("Conclusion")
		d.Paragraph(r.Summary)
	}

	d.Heading("1. Result by section")
	st := report.Table{Columns: []report.Column{{Header: "Section", Width: 2.6}, {Header: "Questions", Width: 0.9, Align: report.Right},
		{Header: "Conform", Width: 0.9, Align: report.Right}, {Header: "Minor", Width: 0.7, Align: report.Right},
		{Header: "Major", Width: 0.7, Align: report.Right}, {Header: "Obs./OFI", Width: 0.8, Align: report.Right},
		{Header: "N/A", Width: 0.6, Align: report.Right}, {Header: "Open", Width: 0.6, Align: report.Right}}}
	for _, s := range r.Sections {
		st.Rows = append(st.Rows, []report.Cell{cell(s.Section, s.Tone), {Text: strconv.Itoa(s.Questions)}, {Text: num(s.Conform)},
			{Text: num(s.Minor)}, {Text: num(s.Major)}, {Text: num(s.Other)}, {Text: num(s.NA)}, {Text: num(s.Open)}})
	}
	d.Table(st)

	d.Heading("2. Findings")
	ft := report.Table{Empty: "No findings: every applicable question conforms", Columns: []report.Column{
		{Header: "Finding", Width: 1.1}, {Header: "Clause", Width: 0.75}, {Header: "Grade", Width: 1.45, Align: report.Center},
		{Header: "Requirement and evidence", Width: 2.75}, {Header: "Due", Width: 1.15}, {Header: "Status", Width: 1, Align: report.Center},
		{Header: "Follow-up", Width: 1.25}}}
	for _, f := range r.Findings {
		text := f.Question + "\nEvidence: " + f.Evidence
		if f.Closure != "" {
			text += "\nVerified: " + f.Closure
		}
		ft.Rows = append(ft.Rows, []report.Cell{{Text: f.Number, Bold: true}, {Text: f.Clause}, cell(f.Grade, f.GradeTone), {Text: text},
			{Text: f.Due}, cell(f.Status, f.StatusTone), {Text: f.Links}})
	}
	d.Table(ft)

	d.Heading("3. Checklist")
	qt := report.Table{Size: 7.5, Columns: []report.Column{{Header: "Clause", Width: 0.7}, {Header: "Question", Width: 3.3},
		{Header: "Answer", Width: 1.1, Align: report.Center}, {Header: "Evidence", Width: 2.6}, {Header: "Photos", Width: 0.6}}}
	for _, q := range r.Questions {
		qt.Rows = append(qt.Rows, []report.Cell{{Text: q.Clause, Bold: true}, {Text: q.Text}, cell(q.Grade, q.Tone), {Text: q.Evidence},
			{Text: strings.Join(q.Photos, ", ")}})
	}
	d.Table(qt)

	if len(r.Photos) > 0 {
		d.Heading("4. Photos")
		var imgs []report.Image
		var missing []string
		for _, p := range r.Photos {
			if data, ok := photos[p.FileID]; ok && p.Image {
				imgs = append(imgs, report.Image{Data: data, Caption: p.Ref + " " + p.Caption})
			} else {
				missing = append(missing, p.Ref+" "+p.Caption)
			}
		}
		if len(imgs) > 0 {
			d.Photos(imgs, 3)
		}
		if len(missing) > 0 {
			d.Note("Not drawn: " + strings.Join(missing, "; "))
		}
	}
	return d.Write(w)
}
