package report

import (
	"fmt"

	"qms/internal/chart"
)

// Column is a table column.
type Column struct {
	Header string
	// Width is the column's share of the table width, relative to the
	// other columns (0 counts as 1): widths 1, 3, 1 give 20 %, 60 %, 20 %.
	Width float64
	Align Align
}

// Cell is one table cell. Text wraps within the column; '\n' breaks lines.
type Cell struct {
	Text string
	// Tone colours the cell: Pass green, Fail red, Pending amber.
	Tone Tone
	Bold bool

	label bool // a key-value label cell
}

// Row makes a row of plain cells.
func Row(texts ...string) []Cell {
	r := make([]Cell, len(texts))
	for i, t := range texts {
		r[i] = Cell{Text: t}
	}
	return r
}

// Verdict makes a cell coloured by VerdictTone(text).
func Verdict(text string) Cell {
	t := VerdictTone(text)
	return Cell{Text: text, Tone: t, Bold: t != Plain}
}

// Table is a table with a header row that repeats at the top of every page
// the table continues on. A row taller than the rest of the page moves to
// the next page whole; a row taller than a whole page is split between lines.
type Table struct {
	Columns []Column
	Rows    [][]Cell
	// NoHeader leaves the header row out.
	NoHeader bool
	// Empty is shown in a row across the table when Rows is empty
	// ("None" when not set).
	Empty string
	// Size is the font size in points (8.5 when 0).
	Size float64
}

const (
	cellPadX = 1.5
	cellPadY = 1.1
)

// Table adds a table across the content width. A row with more cells than
// there are columns is an error returned by Write.
func (d *Document) Table(t Table) {
	if len(t.Columns) == 0 {
		d.fail(fmt.Errorf("report: table without columns"))
		return
	}
	size := t.Size
	if size <= 0 {
		size = sizeTable
	}
	total := 0.0
	for _, c := range t.Columns {
		total += colWeight(c)
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = contentW * colWeight(c) / total
	}
	lh := lineHeight(size)

	// Lay out every cell's lines first.
	layout := func(cells []Cell, header bool) [][][]glyph {
		out := make([][][]glyph, len(t.Columns))
		for i := range t.Columns {
			var c Cell
			if i < len(cells) {
				c = cells[i]
			}
			bold := c.Bold || header
			out[i] = wrap(d.glyphs(c.Text, bold), size, widths[i]-2*cellPadX)
		}
		return out
	}
	var head []Cell
	var headLines [][][]glyph
	headH := 0.0
	if !t.NoHeader {
		for _, c := range t.Columns {
			head = append(head, Cell{Text: c.Header, Bold: true})
		}
		headLines = layout(head, true)
		headH = float64(maxLines(headLines))*lh + 2*cellPadY
	}
	drawHeader := func() {
		if !t.NoHeader {
			d.drawRow(t.Columns, head, headLines, widths, 0, maxLines(headLines), size, colHead)
		}
	}

	if len(t.Rows) == 0 {
		d.ensure(headH + lh + 2*cellPadY)
		drawHeader()
		empty := t.Empty
		if empty == "" {
			empty = "None"
		}
		d.drawRow([]Column{{Align: Left}}, []Cell{{Text: empty}},
			[][][]glyph{wrap(d.glyphs(empty, false), size, contentW-2*cellPadX)}, []float64{contentW}, 0, 1, size, colWhite)
		d.y += 2
		return
	}
	for ri, row := range t.Rows {
		if len(row) > len(t.Columns) {
			d.fail(fmt.Errorf("report: table row %d has %d cells for %d columns", ri+1, len(row), len(t.Columns)))
			return
		}
		lines := layout(row, false)
		n := maxLines(lines)
		bg := colWhite
		if ri%2 == 1 && !t.NoHeader {
			bg = colZebra
		}
		if ri == 0 {
			// Keep the header with the first row (or its first lines).
			d.ensure(headH + float64(min(n, 3))*lh + 2*cellPadY)
			drawHeader()
		}
		for done := 0; done < n; {
			fit := int((bodyBottom - d.y - 2*cellPadY) / lh)
			rest := n - done
			if fit >= rest {
				d.drawRow(t.Columns, row, lines, widths, done, n, size, bg)
				break
			}
			wholeFits := float64(rest)*lh+2*cellPadY <= bodyBottom-bodyTop-headH
			if fit < 1 || (done == 0 && wholeFits) {
				d.newPage()
				drawHeader()
				continue
			}
			d.drawRow(t.Columns, row, lines, widths, done, done+fit, size, bg)
			done += fit
			d.newPage()
			drawHeader()
		}
	}
	d.y += 2
}

func colWeight(c Column) float64 {
	if c.Width <= 0 {
		return 1
	}
	return c.Width
}

func maxLines(cells [][][]glyph) int {
	n := 1
	for _, l := range cells {
		n = max(n, len(l))
	}
	return n
}

// drawRow draws lines [from, to) of a row's cells at the cursor and moves
// the cursor below them.
func (d *Document) drawRow(cols []Column, cells []Cell, lines [][][]glyph, widths []float64, from, to int, size float64, bg chart.Color) {
	lh := lineHeight(size)
	h := float64(to-from)*lh + 2*cellPadY
	p := d.pdf
	p.SetLineWidth(0.2)
	d.setDraw(colRule)
	x := marginX
	for i, w := range widths {
		var c Cell
		if i < len(cells) {
			c = cells[i]
		}
		fill := bg
		st := style{size: size, bold: c.Bold, color: colInk}
		switch {
		case c.Tone != Plain:
			fill = c.Tone.tint()
			st.color = c.Tone.solid()
		case c.label:
			fill = colLabel
			st.color = colMuted
		}
		d.setFill(fill)
		p.Rect(x, d.y, w, h, "FD")
		for li := from; li < to && li < len(lines[i]); li++ {
			l := lines[i][li]
			lx := x + cellPadX
			switch cols[i].Align {
			case Center:
				lx = x + (w-width(l, size))/2
			case Right:
				lx = x + w - cellPadX - width(l, size)
			}
			d.drawLine(l, lx, d.y+cellPadY+float64(li-from)*lh+ascent(size), st)
		}
		x += w
	}
	d.y += h
}
