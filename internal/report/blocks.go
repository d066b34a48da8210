package report

// Heading starts a section: bold, in the accent colour, over a thin rule.
// It moves to a new page when fewer than 30 mm remain, so that it is not
// left alone at the bottom of a page.
func (d *Document) Heading(text string) {
	d.Space(4)
	d.ensure(30)
	st := style{size: sizeHeading, bold: true, color: colAccent}
	h := d.textBox(text, marginX, d.y, contentW, st, Left)
	d.y += h + 0.8
	d.setDraw(colRule)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(marginX, d.y, marginX+contentW, d.y)
	d.y += 2.5
}

// Subheading starts a subsection in bold body text.
func (d *Document) Subheading(text string) {
	d.Space(2)
	d.ensure(20)
	st := style{size: sizeSub, bold: true, color: colInk}
	d.y += d.textBox(text, marginX, d.y, contentW, st, Left) + 1.2
}

// Paragraph adds wrapped body text; '\n' starts a new line. A paragraph
// longer than the rest of the page continues on the next.
func (d *Document) Paragraph(text string) {
	d.paragraph(text, style{size: sizeBody, color: colInk})
}

// Note adds wrapped small grey text, for remarks and explanations.
func (d *Document) Note(text string) {
	d.paragraph(text, style{size: sizeSmall, color: colMuted})
}

func (d *Document) paragraph(text string, st style) {
	lh := lineHeight(st.size)
	for _, l := range wrap(d.glyphs(text, st.bold), st.size, contentW) {
		d.ensure(lh)
		d.drawLine(l, marginX, d.y+ascent(st.size), st)
		d.y += lh
	}
	d.y += lh * 0.5
}

// Field is one labelled value of a key-value block.
type Field struct {
	Label, Value string
	// Tone colours the value cell, for example for a verdict.
	Tone Tone
}

// KeyValues adds a block of labelled values (order details, supplier,
// dates), columns pairs per row (1 to 3; 2 when 0), labels shaded.
func (d *Document) KeyValues(fields []Field, columns int) {
	if columns <= 0 {
		columns = 2
	}
	columns = min(columns, 3)
	t := Table{NoHeader: true}
	for range columns {
		t.Columns = append(t.Columns, Column{Width: 1}, Column{Width: 1.8})
	}
	for i := 0; i < len(fields); i += columns {
		var row []Cell
		for j := i; j < i+columns; j++ {
			if j < len(fields) {
				f := fields[j]
				row = append(row, Cell{Text: f.Label, label: true}, Cell{Text: f.Value, Tone: f.Tone, Bold: f.Tone != Plain})
			} else {
				row = append(row, Cell{label: true}, Cell{})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	d.Table(t)
}

// Result adds a prominent verdict box, for example "Overall result" with
// "PASS" in green, and an optional note below it.
func (d *Document) Result(label, verdict string, tone Tone, note string) {
	const boxW = 55.0
	lst := style{size: sizeSub, bold: true, color: colInk}
	vst := style{size: 15, bold: true, color: colWhite}
	lh := d.measure(label, contentW-boxW-6, lst)
	vh := d.measure(verdict, boxW-4, vst)
	h := max(14, lh+6, vh+6)
	d.ensure(h + 4)
	p := d.pdf
	d.setFill(tone.tint())
	d.setDraw(tone.solid())
	p.SetLineWidth(0.6)
	p.Rect(marginX, d.y, contentW, h, "FD")
	d.setFill(tone.solid())
	p.Rect(marginX+contentW-boxW, d.y, boxW, h, "F")
	d.textBox(label, marginX+3, d.y+(h-lh)/2, contentW-boxW-6, lst, Left)
	d.textBox(verdict, marginX+contentW-boxW+2, d.y+(h-vh)/2+0.4, boxW-4, vst, Center)
	d.y += h + 2
	if note != "" {
		d.Note(note)
	}
}
