// Package pdfstamp marks every page of a PDF with a diagonal text
// watermark, for controlled copies that are not in force.
package pdfstamp

import (
	"bytes"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Stamp returns pdf with text written diagonally across every page, large,
// red and half transparent, and again in small print along the bottom edge
// (where text extraction and screen readers find it whole). It fails when
// pdf cannot be read as a PDF.
func Stamp(pdf []byte, text string) ([]byte, error) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	for _, desc := range []string{
		"font:Helvetica, points:48, scalefactor:0.8 rel, color:0.8 0.1 0.1, opacity:0.35, rotation:45",
		"font:Helvetica-Bold, points:10, scalefactor:1 abs, color:0.8 0.1 0.1, opacity:1, rotation:0, position:bc, offset:0 6",
	} {
		wm, err := api.TextWatermark(text, desc, true, false, types.POINTS)
		if err != nil {
			return nil, fmt.Errorf("pdfstamp: watermark: %w", err)
		}
		var out bytes.Buffer
		if err := api.AddWatermarks(bytes.NewReader(pdf), &out, nil, wm, conf); err != nil {
			return nil, fmt.Errorf("pdfstamp: the file could not be read as a PDF: %w", err)
		}
		pdf = out.Bytes()
	}
	return pdf, nil
}
