package inspectionreport

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"qms/internal/report"
)

// readingColumns is how many readings a row of the measurements table
// shows; a characteristic with more readings continues on further rows.
const readingColumns = 4

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

func refs(rs []string) string { return strings.Join(rs, ", ") }

// WritePDF draws the report as an A4 PDF to w with fonts (report.LoadFonts;
// CJK text needs its CJK font). photos holds the JPEG or PNG data of the
// photos to draw, by file id; a photo without data prints as a labelled
// placeholder. Returns the first error of the document (report.Document).
func WritePDF(w io.Writer, r *Report, fonts *report.Fonts, photos map[int64][]byte) error {
	watermark := ""
	if r.Draft {
		watermark = strings.ToUpper(r.Status)
	}
	title := r.Title
	if r.Client != "" {
		title += " for " + r.Client
	}
	d := report.New(report.Options{
		Fonts:     fonts,
		Title:     title,
		Subtitle:  r.Subtitle,
		Number:    r.Number,
		Status:    report.Badge{Text: r.Verdict, Tone: tone(r.VerdictTone)},
		Footer:    r.Footer,
		Watermark: watermark,
		Generated: r.Generated,
		Author:    "qms",
		Subject:   r.Title + " " + r.Number,
	})
	n := 0
	heading := func(title string) {
		n++
		d.Heading(strconv.Itoa(n) + ". " + title)
	}

	// Page 1: the summary.
	d.Result("Overall inspection result", r.Verdict, tone(r.VerdictTone), r.VerdictNote)
	d.KeyValues(fields(r.Header), 2)
	if len(r.Sections) > 0 {
		d.Subheading("Summary of results")
		t := report.Table{Columns: []report.Column{{Header: "Section", Width: 2.2}, {Header: "Result", Width: 1.3, Align: report.Center}, {Header: "Remarks", Width: 4}}}
		for _, s := range r.Sections {
			t.Rows = append(t.Rows, []report.Cell{{Text: s.Label, Bold: true}, cell(s.Result, s.Tone), {Text: s.Note}})
		}
		d.Table(t)
	}
	if len(r.Classes) > 0 {
		d.Subheading("AQL result")
		d.Table(classTable(r.Classes, false))
	}
	if len(r.Reasons) > 0 && r.Verdict != "PASS" {
		d.Subheading("Findings")
		d.Paragraph("• " + strings.Join(r.Reasons, "\n• "))
	}

	if len(r.Sections) > 0 { // the summary page of a lot inspection; a first article report goes on
		d.PageBreak()
	}
	heading("Order and quantity")
	d.KeyValues(fields(r.Order), 2)

	if len(r.Sampling) > 0 {
		heading("Sampling plan and result per class")
		d.KeyValues(fields(r.Sampling), 2)
		d.Table(classTable(r.Classes, true))
		for _, c := range r.Classes {
			if c.Note != "" {
				d.Note(c.Class + ": " + c.Note)
			}
		}
	}

	if len(r.Sampling) > 0 || len(r.Defects) > 0 {
		heading("Defects found")
		t := report.Table{Empty: "No defects found", Columns: []report.Column{
			{Header: "#", Width: 0.45, Align: report.Right}, {Header: "Unit", Width: 0.55, Align: report.Right},
			{Header: "Code", Width: 0.9}, {Header: "Description", Width: 2.6}, {Header: "Class", Width: 0.9, Align: report.Center},
			{Header: "Location", Width: 1.4}, {Header: "Note", Width: 1.8}, {Header: "Photos", Width: 0.8}}}
		for _, df := range r.Defects {
			t.Rows = append(t.Rows, []report.Cell{{Text: strconv.Itoa(df.No)}, {Text: strconv.Itoa(df.Unit)}, {Text: df.Code},
				{Text: df.Description}, cell(df.Class, df.Tone), {Text: df.Location}, {Text: df.Note}, {Text: refs(df.Photos)}})
		}
		d.Table(t)
		if len(r.Summary) > 1 {
			d.Subheading("Defect summary")
			s := report.Table{Columns: []report.Column{{Header: "Code", Width: 1}, {Header: "Defect", Width: 4},
				{Header: "Critical", Width: 0.9, Align: report.Right}, {Header: "Major", Width: 0.9, Align: report.Right}, {Header: "Minor", Width: 0.9, Align: report.Right}}}
			for _, c := range r.Summary {
				s.Rows = append(s.Rows, report.Row(c.Code, c.Description, count(c.Critical), count(c.Major), count(c.Minor)))
			}
			d.Table(s)
		}
	}

	if len(r.Measure) > 0 {
		heading("Measurements")
		d.Note("Readings are given as sample unit: value. Values out of tolerance (OOT) are marked red with ✗.")
		d.Table(measureTable(r.Measure))
	}

	if len(r.Tests) > 0 {
		heading("On-site tests")
		t := report.Table{Columns: []report.Column{{Header: "#", Width: 0.35, Align: report.Right}, {Header: "Test", Width: 1.7},
			{Header: "Type", Width: 1}, {Header: "n", Width: 0.55, Align: report.Right}, {Header: "Ac/Re", Width: 0.75, Align: report.Center},
			{Header: "Tested", Width: 0.85, Align: report.Right}, {Header: "Failed", Width: 0.85, Align: report.Right},
			{Header: "Result", Width: 1, Align: report.Center}, {Header: "Details", Width: 2.4}}}
		for _, x := range r.Tests {
			det := x.Details
			if len(x.Photos) > 0 {
				det = strings.TrimSpace(det + " (" + refs(x.Photos) + ")")
			}
			t.Rows = append(t.Rows, []report.Cell{{Text: strconv.Itoa(x.No)}, {Text: x.Name}, {Text: x.Type}, {Text: strconv.Itoa(x.SampleSize)},
				{Text: fmt.Sprintf("%d / %d", x.Ac, x.Re)}, {Text: strconv.Itoa(x.Tested)}, {Text: strconv.Itoa(x.Failed)}, cell(x.Result, x.Tone), {Text: det}})
		}
		d.Table(t)
	}

	if len(r.Checks) > 0 {
		heading("Product conformity, packing and marking")
		for _, g := range r.Checks {
			d.Subheading(g.Label)
			t := report.Table{Columns: []report.Column{{Header: "#", Width: 0.4, Align: report.Right}, {Header: "Requirement", Width: 1.6},
				{Header: "Criterion", Width: 2.6}, {Header: "Result", Width: 1.1, Align: report.Center}, {Header: "Note", Width: 2.2}}}
			for _, c := range g.Lines {
				note := c.Note
				if len(c.Photos) > 0 {
					note = strings.TrimSpace(note + " (" + refs(c.Photos) + ")")
				}
				t.Rows = append(t.Rows, []report.Cell{{Text: strconv.Itoa(c.No)}, {Text: c.Name, Bold: true}, {Text: c.Requirement}, cell(c.Result, c.Tone), {Text: note}})
			}
			d.Table(t)
		}
	}

	if len(r.Container) > 0 {
		heading("Container loading")
		d.KeyValues(fields(r.Container), 2)
	}

	if len(r.FAI) > 0 {
		heading("First article results")
		t := report.Table{Columns: []report.Column{{Header: "No.", Width: 0.45, Align: report.Right}, {Header: "Characteristic", Width: 1.7},
			{Header: "Requirement", Width: 2}, {Header: "Measured / result", Width: 2}, {Header: "Gauge", Width: 1.1}, {Header: "Result", Width: 0.9, Align: report.Center}}}
		for _, f := range r.FAI {
			name := f.Name
			if f.Critical {
				name += " (critical)"
			}
			t.Rows = append(t.Rows, []report.Cell{{Text: strconv.Itoa(f.No)}, {Text: name}, {Text: f.Requirement}, {Text: f.Values}, {Text: f.Gauge}, cell(f.Result, f.Tone)})
		}
		d.Table(t)
	}

	// Photos start on their own pages, as in an agency's report (and so
	// that a heading is never left alone above a row of photos).
	if dp := r.DefectPhotos(); len(dp) > 0 {
		d.PageBreak()
		heading("Photos of findings")
		d.Photos(images(dp, photos), 3)
	}
	if gp := r.GeneralPhotos(); len(gp) > 0 {
		if len(r.DefectPhotos()) == 0 || len(r.DefectPhotos()) > 6 {
			d.PageBreak()
		}
		heading("Photos")
		d.Photos(images(gp, photos), 3)
	}

	heading("Remarks")
	if len(r.Remarks) == 0 {
		d.Note("No remarks.")
	}
	for _, rm := range r.Remarks {
		d.Paragraph(rm.Text)
		d.Note("— " + rm.By + ", " + rm.At)
	}

	if len(r.Decision) > 0 {
		heading("Decision")
		d.KeyValues(fields(r.Decision), 1)
	}
	if len(r.Amendments) > 0 {
		heading("Amendments")
		d.Note("The report above is as submitted; these amendments were added afterwards, each with its reason.")
		t := report.Table{Columns: []report.Column{{Header: "Date", Width: 1.3}, {Header: "By", Width: 1.2}, {Header: "Amendment", Width: 3}, {Header: "Reason", Width: 2.2}}}
		for _, a := range r.Amendments {
			t.Rows = append(t.Rows, report.Row(a.At, a.By, a.Text, a.Reason))
		}
		d.Table(t)
	}

	heading("Signatures")
	sigs := make([]report.Signature, len(r.Signatures))
	for i, s := range r.Signatures {
		sigs[i] = report.Signature{Role: s.Role, Name: s.Name, Date: s.Date, Meaning: s.Meaning}
	}
	d.Signatures(sigs)
	return d.Write(w)
}

func count(n int) string {
	if n == 0 {
		return "–"
	}
	return strconv.Itoa(n)
}

// classTable is the table of the classes against Ac/Re; full adds the
// plan's columns.
func classTable(cs []ClassLine, full bool) report.Table {
	t := report.Table{Columns: []report.Column{{Header: "Class", Width: 1.2}, {Header: "AQL", Width: 1.1, Align: report.Center}}}
	if full {
		t.Columns = append(t.Columns, report.Column{Header: "Severity", Width: 1.1}, report.Column{Header: "Code letter", Width: 0.9, Align: report.Center})
	}
	t.Columns = append(t.Columns, report.Column{Header: "Sample", Width: 0.8, Align: report.Right}, report.Column{Header: "Ac", Width: 0.5, Align: report.Right},
		report.Column{Header: "Re", Width: 0.5, Align: report.Right}, report.Column{Header: "Found", Width: 0.7, Align: report.Right},
		report.Column{Header: "Result", Width: 1, Align: report.Center})
	for _, c := range cs {
		row := []report.Cell{{Text: c.Class, Bold: true}, {Text: c.AQL}}
		if full {
			row = append(row, report.Cell{Text: c.Severity}, report.Cell{Text: c.CodeLetter})
		}
		found := strconv.Itoa(c.Found)
		if c.Beyond > 0 {
			found += fmt.Sprintf(" (+%d)", c.Beyond)
		}
		row = append(row, report.Cell{Text: strconv.Itoa(c.SampleSize)}, report.Cell{Text: strconv.Itoa(c.Ac)}, report.Cell{Text: strconv.Itoa(c.Re)},
			report.Cell{Text: found, Tone: tone(c.Tone), Bold: c.Tone == ToneFail}, cell(c.Result, c.Tone))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// measureTable lays the readings out in readingColumns columns, further
// rows continuing a characteristic with more readings.
func measureTable(ms []MeasurementLine) report.Table {
	t := report.Table{Columns: []report.Column{{Header: "#", Width: 0.35, Align: report.Right}, {Header: "Point of measure", Width: 1.5},
		{Header: "Specification", Width: 1.4}}}
	for i := 0; i < readingColumns; i++ {
		h := ""
		if i == 0 {
			h = "Readings"
		}
		t.Columns = append(t.Columns, report.Column{Header: h, Width: 1.2, Align: report.Right})
	}
	t.Columns = append(t.Columns, report.Column{Header: "OOT", Width: 0.6, Align: report.Right}, report.Column{Header: "Result", Width: 1.05, Align: report.Center})
	for _, m := range ms {
		name := m.Name
		if m.Critical {
			name += " (critical)"
		}
		rows := max(1, (len(m.Readings)+readingColumns-1)/readingColumns)
		for k := 0; k < rows; k++ {
			var row []report.Cell
			if k == 0 {
				row = []report.Cell{{Text: strconv.Itoa(m.No)}, {Text: name, Bold: true}, {Text: m.Requirement}}
			} else {
				row = []report.Cell{{}, {Text: "(continued)"}, {}}
			}
			for j := 0; j < readingColumns; j++ {
				i := k*readingColumns + j
				if i >= len(m.Readings) {
					row = append(row, report.Cell{})
					continue
				}
				rd := m.Readings[i]
				c := report.Cell{Text: fmt.Sprintf("%d: %s", rd.Unit, rd.Value)}
				if rd.Out {
					c = report.Cell{Text: c.Text + " ✗", Tone: report.Fail, Bold: true}
				}
				row = append(row, c)
			}
			if k == 0 {
				row = append(row, report.Cell{Text: strconv.Itoa(m.Out), Tone: outTone(m.Out)}, cell(m.Result, m.Tone))
			} else {
				row = append(row, report.Cell{}, report.Cell{})
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

func outTone(n int) report.Tone {
	if n > 0 {
		return report.Fail
	}
	return report.Plain
}

func images(ps []Photo, data map[int64][]byte) []report.Image {
	out := make([]report.Image, 0, len(ps))
	for _, p := range ps {
		img := report.Image{Caption: p.Caption}
		if p.Image {
			img.Data = data[p.FileID]
		}
		out = append(out, img)
	}
	return out
}
