package report

// Signature is one signature box: who signs in what role, and when.
type Signature struct {
	Role string // for example "Inspector", "Factory representative"
	Name string
	// Date is printed as given (the caller formats it).
	Date string
	// Meaning states what the signature means, for example "Approved" or
	// "Signed electronically: reviewed and approved" (21 CFR Part 11).
	Meaning string
	// Image is an optional JPEG or PNG of a handwritten signature.
	Image []byte
}

// Signatures adds a row of signature boxes (up to three per row; more wrap
// to further rows), each with the role, a space or image for the signature
// over a line, the name, the date and the meaning. Boxes never split across
// pages.
func (d *Document) Signatures(sigs []Signature) {
	const gap, signH = 5.0, 16.0
	per := min(max(len(sigs), 2), 3)
	w := (contentW - gap*float64(per-1)) / float64(per)
	role := style{size: sizeSmall, bold: true, color: colMuted}
	name := style{size: sizeBody, bold: true, color: colInk}
	small := style{size: sizeSmall, color: colMuted}
	for i := 0; i < len(sigs); i += per {
		row := sigs[i:min(i+per, len(sigs))]
		h := 0.0
		for _, s := range row {
			h = max(h, d.sigHeight(s, w-4, role, name, small, signH))
		}
		d.ensure(h + 4)
		for j, s := range row {
			x := marginX + float64(j)*(w+gap)
			d.setDraw(colRule)
			d.pdf.SetLineWidth(0.3)
			d.pdf.Rect(x, d.y, w, h, "D")
			y := d.y + 2
			y += d.textBox(s.Role, x+2, y, w-4, role, Left)
			if len(s.Image) > 0 {
				r := d.image(s.Image)
				iw, ih := w-4, signH-2
				if r.ok {
					iw, ih = fit(r.w, r.h, w-4, signH-2)
				}
				d.drawImage(r, x+2, y+signH-1-ih, iw, ih)
			}
			y += signH
			d.setDraw(colInk)
			d.pdf.SetLineWidth(0.25)
			d.pdf.Line(x+2, y, x+w-2, y)
			y += 1
			if s.Name != "" {
				y += d.textBox(s.Name, x+2, y, w-4, name, Left)
			}
			if s.Date != "" {
				y += d.textBox(s.Date, x+2, y, w-4, small, Left)
			}
			if s.Meaning != "" {
				d.textBox(s.Meaning, x+2, y, w-4, small, Left)
			}
		}
		d.y += h + 4
	}
}

func (d *Document) sigHeight(s Signature, w float64, role, name, small style, signH float64) float64 {
	h := 2 + d.measure(s.Role, w, role) + signH + 1
	if s.Name != "" {
		h += d.measure(s.Name, w, name)
	}
	if s.Date != "" {
		h += d.measure(s.Date, w, small)
	}
	if s.Meaning != "" {
		h += d.measure(s.Meaning, w, small)
	}
	return h + 2
}
