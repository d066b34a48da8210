package ncrreport

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

// WritePDF draws the report as an A4 PDF to w with fonts (report.LoadFonts;
// CJK text needs its CJK font), the Ishikawa diagram in vector form.
// Returns the first error of the document (report.Document).
func WritePDF(w io.Writer, r *Report, fonts *report.Fonts) error {
	d := report.New(report.Options{
		Fonts:     fonts,
		Title:     r.Title,
		Subtitle:  r.Subtitle,
		Number:    r.Number,
		Status:    report.Badge{Text: r.Status, Tone: tone(r.StatusTone)},
		Footer:    r.Footer,
		Generated: r.generated,
		Author:    "qms",
		Subject:   r.Title + " " + r.Number,
	})
	d.KeyValues(fields(r.Header), 2)
	for i, s := range r.Sections {
		d.Heading(strconv.Itoa(i+1) + ". " + s.Title)
		for _, b := range s.Blocks {
			switch {
			case b.Subheading != "":
				d.Subheading(b.Subheading)
			case len(b.Fields) > 0:
				d.KeyValues(fields(b.Fields), 1)
			case b.Table != nil:
				d.Table(table(b.Table))
			case b.Text != "":
				d.Paragraph(b.Text)
			case b.Note != "":
				d.Note(b.Note)
			case len(b.Whys) > 0:
				for _, w := range b.Whys {
					d.Subheading(w.Leg)
					var lines []string
					if w.Problem != "" {
						lines = append(lines, "Problem: "+w.Problem)
					}
					for j, y := range w.Whys {
						lines = append(lines, "Why "+strconv.Itoa(j+1)+"? "+y)
					}
					lines = append(lines, "Root cause: "+orDash(w.RootCause))
					d.Paragraph(strings.Join(lines, "\n"))
				}
			case b.Ishikawa != nil:
				d.Figure(b.Ishikawa, 85)
			}
		}
	}
	if len(r.Signatures) > 0 {
		d.Heading(strconv.Itoa(len(r.Sections)+1) + ". Electronic signatures")
		t := report.Table{Columns: []report.Column{{Header: "Meaning", Width: 1}, {Header: "Signer", Width: 1.6}, {Header: "Signed", Width: 1.4},
			{Header: "Manifestation", Width: 4}, {Header: "Record", Width: 1.2}}}
		for _, s := range r.Signatures {
			st := report.Cell{Text: s.Status, Tone: report.Pass}
			if !s.Valid {
				st.Tone = report.Fail
			}
			t.Rows = append(t.Rows, []report.Cell{{Text: s.Meaning, Bold: true}, {Text: s.Signer + "\n" + s.Role}, {Text: s.At}, {Text: s.Manifestation}, st})
		}
		d.Table(t)
	}
	return d.Write(w)
}

func table(t *Table) report.Table {
	out := report.Table{Empty: t.Empty}
	for i, c := range t.Columns {
		w := 1.0
		if i < len(t.Widths) {
			w = t.Widths[i]
		}
		out.Columns = append(out.Columns, report.Column{Header: c, Width: w})
	}
	for _, row := range t.Rows {
		cells := make([]report.Cell, len(row))
		for i, c := range row {
			cells[i] = report.Cell{Text: c.Text, Tone: tone(c.Tone)}
		}
		out.Rows = append(out.Rows, cells)
	}
	return out
}
