package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/inspectionreport"
	"qms/internal/ncr"
	"qms/internal/ncrreport"
	"qms/internal/qms"
	"qms/internal/report"
)

// The NCR and 8D reports as HTML pages and as PDFs (package ncrreport).
// The 8D report of a supplier request is open to the supplier's users
// through capaops (the supplier's view: no sources, notes or signatures).

type ncrReportPage struct {
	layout
	R        *ncrreport.Report
	PDF      string
	Back     string
	Sections []reportSection
}

// reportSection is a section of the report with its drawings as SVG.
type reportSection struct {
	ncrreport.Section
	No     int
	Blocks []reportBlock
}

type reportBlock struct {
	ncrreport.Block
	SVG template.HTML
}

func (*ncrReportPage) template() string { return "ncr_report" }

func reportPage(rep *ncrreport.Report, pdf, back string) *ncrReportPage {
	p := &ncrReportPage{layout: layout{Title: rep.Title + " " + rep.Number}, R: rep, PDF: pdf, Back: back}
	for i, s := range rep.Sections {
		rs := reportSection{Section: s, No: i + 1}
		for _, b := range s.Blocks {
			rb := reportBlock{Block: b}
			if b.Ishikawa != nil {
				// package chart escapes every text of the SVG.
				rb.SVG = template.HTML(b.Ishikawa.SVG(900, 420))
			}
			rs.Blocks = append(rs.Blocks, rb)
		}
		p.Sections = append(p.Sections, rs)
	}
	return p
}

// ncrReportModel builds the report of an NCR the actor may see.
func (u *UI) ncrReportModel(r *http.Request, id int64) (*ncrreport.Report, error) {
	d, err := u.ncrs().Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	n := &d.NCR
	in := ncrreport.NCRInput{NCR: n, Supplier: u.supplierName(r, n.SupplierID), Product: u.productName(r, n.ProductID), Signatures: d.Signatures,
		Generated: time.Now().UTC()}
	if n.InspectionID > 0 {
		if insp, err := u.insp().Inspection(r.Context(), n.InspectionID); err == nil {
			in.Inspection = inspectionreport.Number(insp)
		}
	}
	if n.SpecID > 0 {
		if sp, err := u.insp().Spec(r.Context(), n.SpecID); err == nil {
			in.Spec = sp.Title + " rev. " + strconv.Itoa(sp.Revision)
		}
	}
	for _, c := range d.CAPAs {
		in.CAPAs = append(in.CAPAs, c.Number())
	}
	return ncrreport.BuildNCR(in), nil
}

// capaReportModel builds the 8D report of a CAPA the actor may see.
func (u *UI) capaReportModel(r *http.Request, a qms.Actor, id int64) (*ncrreport.Report, error) {
	d, err := u.capas().Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	c := d.CAPA
	in := ncrreport.CAPAInput{CAPA: c, Reviews: d.Reviews, Signatures: d.Signatures, Files: map[int64]string{}, Generated: time.Now().UTC()}
	if a.Role == qms.RoleSupplier {
		in.Supplier = u.ownSupplierName(r, a)
	} else {
		in.Supplier, in.Product = u.supplierName(r, c.SupplierID), u.productName(r, c.ProductID)
	}
	for _, f := range d.Files {
		in.Files[f.ID] = f.Name
	}
	for _, s := range c.Sources {
		if s.Kind == capa.SourceNCR {
			in.Sources = append(in.Sources, ncr.Number(s.NCRID))
		} else {
			in.Sources = append(in.Sources, strings.ReplaceAll(string(s.Kind), "_", " ")+" "+s.Ref)
		}
	}
	return ncrreport.Build8D(in), nil
}

func (u *UI) ncrReport(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := u.ncrReportModel(r, id)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, reportPage(rep, ncrPath(id)+"/report.pdf", ncrPath(id)))
	return nil
}

func (u *UI) ncrReportPDF(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := u.ncrReportModel(r, id)
	if err != nil {
		return err
	}
	return u.writeReportPDF(w, r, rep, "ncr-report-"+strconv.FormatInt(id, 10)+".pdf")
}

func (u *UI) capaReport(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := u.capaReportModel(r, a, id)
	if err != nil {
		return err
	}
	back := capaBack(a, id)
	u.render(w, r, http.StatusOK, reportPage(rep, capaPath(id)+"/report.pdf", back))
	return nil
}

func (u *UI) capaReportPDF(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := u.capaReportModel(r, a, id)
	if err != nil {
		return err
	}
	return u.writeReportPDF(w, r, rep, "8d-report-"+strconv.FormatInt(id, 10)+".pdf")
}

func (u *UI) writeReportPDF(w http.ResponseWriter, r *http.Request, rep *ncrreport.Report, name string) error {
	fonts := u.fonts
	if fonts == nil {
		var err error
		if fonts, err = report.LoadFonts("", u.log); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := ncrreport.WritePDF(&buf, rep, fonts); err != nil {
		return err
	}
	disposition := "inline"
	if v := r.URL.Query().Get("download"); v == "1" || v == "true" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", blob.ContentDisposition(disposition, name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err := buf.WriteTo(w)
	return err
}
