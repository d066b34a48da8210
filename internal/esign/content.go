package esign

import (
	"strings"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/ncr"
)

// The canonical content of each signed record type: the fields that the
// signature vouches for, and nothing that changes by the signing itself
// (status, times, who signed, the signature ids) or afterwards by design
// (a spec revision being superseded, containment actions and costs of an
// NCR, amendments of an inspection). Changing any field here would make
// every earlier signature of that type stop matching: add a new
// FormatVersion instead.

type ncrDefect struct {
	Code           string `json:"code"`
	Description    string `json:"description"`
	Class          string `json:"class"`
	Quantity       int    `json:"quantity"`
	Characteristic int    `json:"characteristic"`
}

type ncrLine struct {
	Kind      string `json:"kind"`
	Quantity  int    `json:"quantity"`
	Rationale string `json:"rationale"`
}

type ncrDisposition struct {
	NCR               int64       `json:"ncr"`
	Number            string      `json:"number"`
	Source            string      `json:"source"`
	Severity          string      `json:"severity"`
	SupplierID        int64       `json:"supplier_id"`
	SiteID            int64       `json:"site_id"`
	ProductID         int64       `json:"product_id"`
	SpecID            int64       `json:"spec_id"`
	InspectionID      int64       `json:"inspection_id"`
	PONumber          string      `json:"po_number"`
	LotRef            string      `json:"lot_ref"`
	ComplaintRef      string      `json:"complaint_ref"`
	Title             string      `json:"title"`
	Requirement       string      `json:"requirement"`
	Found             string      `json:"found"`
	DetectedOn        string      `json:"detected_on"`
	QuantityInspected int         `json:"quantity_inspected"`
	QuantityAffected  int         `json:"quantity_affected"`
	Defects           []ncrDefect `json:"defects"`
	Disposition       []ncrLine   `json:"disposition"`
}

// NCRDispositionContent is what an MRB approval of an NCR's disposition
// signs: the nonconformance as reported (links, requirement, finding,
// quantities, defects) and the disposition lines. Both approvers sign the
// same content; changing the disposition or the report afterwards makes
// their signatures stop matching.
func NCRDispositionContent(n *ncr.NCR) any {
	c := ncrDisposition{NCR: n.ID, Number: n.Number(), Source: string(n.Source), Severity: string(n.Severity),
		SupplierID: n.SupplierID, SiteID: n.SiteID, ProductID: n.ProductID, SpecID: n.SpecID, InspectionID: n.InspectionID,
		PONumber: n.PONumber, LotRef: n.LotRef, ComplaintRef: n.ComplaintRef, Title: n.Title, Requirement: n.Requirement, Found: n.Found,
		DetectedOn: n.DetectedOn.String(), QuantityInspected: n.QuantityInspected, QuantityAffected: n.QuantityAffected,
		Defects: []ncrDefect{}, Disposition: []ncrLine{}}
	for _, d := range n.Defects {
		c.Defects = append(c.Defects, ncrDefect{Code: d.Code, Description: d.Description, Class: string(d.Class), Quantity: d.Quantity, Characteristic: d.Characteristic})
	}
	for _, l := range n.Disposition {
		c.Disposition = append(c.Disposition, ncrLine{Kind: string(l.Kind), Quantity: l.Quantity, Rationale: l.Rationale})
	}
	return c
}

type capaEvidence struct {
	Outcome   string       `json:"outcome"`
	Inspected int64        `json:"inspected"`
	Defective int64        `json:"defective"`
	Complete  bool         `json:"complete"`
	Points    []capa.Point `json:"points"`
}

type capaClosure struct {
	CAPA           int64           `json:"capa"`
	Number         string          `json:"number"`
	Kind           string          `json:"kind"`
	Type           string          `json:"type"`
	Title          string          `json:"title"`
	Severity       string          `json:"severity"`
	SupplierID     int64           `json:"supplier_id"`
	SiteID         int64           `json:"site_id"`
	ProductID      int64           `json:"product_id"`
	Sources        []capa.Source   `json:"sources"`
	Report         capa.Report     `json:"report"`
	Criterion      *capa.Criterion `json:"criterion"`
	Evidence       *capaEvidence   `json:"evidence"`
	Override       bool            `json:"override"`
	OverrideReason string          `json:"override_reason"`
}

// CAPAClosureContent is what closing a CAPA signs: its header and sources,
// the whole 8D report, the effectiveness criterion and the evaluation it
// closes on (outcome, counts and the inspections in the window), and the
// override with its reason when a quality manager overrides the criterion
// (from c.Closure, which the closing sets before signing).
func CAPAClosureContent(c *capa.CAPA) any {
	x := capaClosure{CAPA: c.ID, Number: c.Number(), Kind: string(c.Kind), Type: string(c.Type), Title: c.Title, Severity: string(c.Severity),
		SupplierID: c.SupplierID, SiteID: c.SiteID, ProductID: c.ProductID, Sources: c.Sources, Report: c.Report, Criterion: c.Criterion}
	if x.Sources == nil {
		x.Sources = []capa.Source{}
	}
	if e := c.Evaluation; e != nil {
		x.Evidence = &capaEvidence{Outcome: string(e.Outcome), Inspected: e.Inspected, Defective: e.Defective, Complete: e.Complete, Points: e.Points}
		if x.Evidence.Points == nil {
			x.Evidence.Points = []capa.Point{}
		}
	}
	if c.Closure != nil {
		x.Override, x.OverrideReason = c.Closure.Override, c.Closure.OverrideReason
	}
	return x
}

type faiDecision struct {
	Kind       string `json:"kind"`
	Reason     string `json:"reason"`
	Conditions string `json:"conditions"`
}

type faiApproval struct {
	Inspection int64                  `json:"inspection"`
	Kind       string                 `json:"kind"`
	ProductID  int64                  `json:"product_id"`
	SpecID     int64                  `json:"spec_id"`
	SupplierID int64                  `json:"supplier_id"`
	SiteID     int64                  `json:"site_id"`
	Pieces     int                    `json:"pieces"`
	Verdict    string                 `json:"verdict"`
	Reasons    []string               `json:"reasons"`
	Rows       []inspection.FAIRow    `json:"rows"`
	Defects    []inspection.DefectRow `json:"defects"`
	Decision   faiDecision            `json:"decision"`
}

// FAIApprovalContent is what deciding a first article inspection signs:
// the inspection's identity (product, spec revision, supplier, site,
// pieces), its result as submitted (verdict, reasons, the result of every
// characteristic, the defects) and the decision (kind, reason and
// conditions, trimmed as the decision stores them). At signing, d is the
// decision about to be made; afterwards, the inspection's stored decision.
func FAIApprovalContent(in *inspection.Inspection, d inspection.Decision) any {
	x := faiApproval{Inspection: in.ID, Kind: string(in.Kind), ProductID: in.ProductID, SpecID: in.SpecID, SupplierID: in.SupplierID,
		SiteID: in.SiteID, Pieces: in.FAIPieces, Verdict: string(in.Verdict), Reasons: []string{}, Rows: []inspection.FAIRow{},
		Defects:  []inspection.DefectRow{},
		Decision: faiDecision{Kind: string(d.Kind), Reason: strings.TrimSpace(d.Reason), Conditions: strings.TrimSpace(d.Conditions)}}
	if r := in.Result; r != nil {
		if r.Reasons != nil {
			x.Reasons = r.Reasons
		}
		if r.FAI != nil {
			x.Rows = r.FAI
		}
		if r.Defects != nil {
			x.Defects = r.Defects
		}
	}
	return x
}

type specRelease struct {
	Spec            int64                       `json:"spec"`
	ProductID       int64                       `json:"product_id"`
	Revision        int                         `json:"revision"`
	Title           string                      `json:"title"`
	DrawingRef      string                      `json:"drawing_ref"`
	GoldenSampleRef string                      `json:"golden_sample_ref"`
	Notes           string                      `json:"notes"`
	Characteristics []inspection.Characteristic `json:"characteristics"`
	Reason          string                      `json:"reason"`
}

// SpecReleaseContent is what releasing a spec revision signs: the
// revision's content (title, drawing, golden sample, notes, every
// characteristic) and the release reason (trimmed as the release stores
// it). Its status (released, later superseded) is not part of it. At
// signing, r is the release about to be made; afterwards,
// inspection.Release{Reason: s.ReleaseReason}.
func SpecReleaseContent(s *inspection.Spec, r inspection.Release) any {
	x := specRelease{Spec: s.ID, ProductID: s.ProductID, Revision: s.Revision, Title: s.Title, DrawingRef: s.DrawingRef,
		GoldenSampleRef: s.GoldenSampleRef, Notes: s.Notes, Characteristics: s.Characteristics, Reason: strings.TrimSpace(r.Reason)}
	if x.Characteristics == nil {
		x.Characteristics = []inspection.Characteristic{}
	}
	return x
}
