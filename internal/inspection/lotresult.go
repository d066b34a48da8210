package inspection

import (
	"fmt"
	"strings"
	"time"

	"qms/internal/qms"
)

// Source is where a lot result comes from.
type Source string

const (
	SourceInternal   Source = "internal"    // an inspection recorded in qms
	SourceThirdParty Source = "third_party" // an agency's result imported into qms
)

// LotResult is the outcome of one inspected lot, as the rejection rates
// and supplier scorecards count it: one row per decided inspection (or
// imported agency result) with its counts pre-aggregated, so that no query
// has to read defect records.
type LotResult struct {
	ID           int64  `json:"id"`
	InspectionID *int64 `json:"inspection_id,omitempty"`
	Source       Source `json:"source"`
	Agency       string `json:"agency,omitempty"`
	ExternalRef  string `json:"external_ref,omitempty"` // the agency's report number

	SupplierID  int64    `json:"supplier_id"`
	SiteID      int64    `json:"site_id"`
	ProductID   int64    `json:"product_id"`
	Category    string   `json:"category"`
	Kind        Kind     `json:"kind"`
	InspectedOn qms.Date `json:"inspected_on"`
	PONumber    string   `json:"po_number,omitempty"`

	LotSize    int `json:"lot_size"`
	SampleSize int `json:"sample_size"` // units inspected (0 when the kind draws no sample)
	// Per class: units whose most serious defect is of the class, and all
	// defects of the class, on the units counted for the class.
	CriticalDefective int `json:"critical_defective"`
	MajorDefective    int `json:"major_defective"`
	MinorDefective    int `json:"minor_defective"`
	CriticalDefects   int `json:"critical_defects"`
	MajorDefects      int `json:"major_defects"`
	MinorDefects      int `json:"minor_defects"`
	// DefectiveUnits counts the sample units with any defect (PPM's
	// numerator).
	DefectiveUnits int `json:"defective_units"`

	Verdict  Verdict      `json:"verdict"`
	Decision DecisionKind `json:"decision,omitempty"`
	// Rejected counts the lot as rejected in the lot rejection rate: a
	// failed verdict, or a pending one the client did not accept.
	Rejected    bool `json:"rejected"`
	Resubmitted bool `json:"resubmitted"`

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Validate trims and checks a lot result (from an inspection or an import):
// a lot of at least one unit, a sample no larger than the lot, no more
// defective units than units inspected, per-class defectives adding up to
// no more than the defective units, and no fewer defects than defectives.
// Returns an invalid error listing every problem.
func (r *LotResult) Validate() error {
	p := qms.Problems{}
	r.Agency, r.ExternalRef, r.PONumber = strings.TrimSpace(r.Agency), strings.TrimSpace(r.ExternalRef), strings.TrimSpace(r.PONumber)
	if r.Source != SourceInternal && r.Source != SourceThirdParty {
		p.Add("source", "must be internal or third_party")
	}
	if r.Source == SourceThirdParty && r.Agency == "" {
		p.Add("agency", "is required for a third-party result")
	}
	if r.Source == SourceInternal && r.InspectionID == nil {
		p.Add("inspection_id", "is required for an internal result")
	}
	qms.CheckText(p, "agency", r.Agency, MaxNameLen)
	qms.CheckText(p, "external_ref", r.ExternalRef, MaxNameLen)
	qms.CheckText(p, "po_number", r.PONumber, MaxPONumberLen)
	for f, id := range map[string]int64{"supplier_id": r.SupplierID, "site_id": r.SiteID, "product_id": r.ProductID} {
		if id <= 0 {
			p.Add(f, "is required")
		}
	}
	if !r.Kind.Valid() {
		p.Add("kind", "is not an inspection kind")
	}
	if r.InspectedOn.IsZero() {
		p.Add("inspected_on", "is required")
	}
	if r.LotSize <= 0 || r.LotSize > MaxQuantity {
		p.Add("lot_size", "must be at least 1 unit")
	}
	if r.SampleSize < 0 || r.SampleSize > r.LotSize && r.LotSize > 0 {
		p.Add("sample_size", fmt.Sprintf("must be from 0 to the lot size (%d)", r.LotSize))
	}
	counts := map[string]int{"critical_defective": r.CriticalDefective, "major_defective": r.MajorDefective, "minor_defective": r.MinorDefective,
		"critical_defects": r.CriticalDefects, "major_defects": r.MajorDefects, "minor_defects": r.MinorDefects, "defective_units": r.DefectiveUnits}
	for f, v := range counts {
		if v < 0 {
			p.Add(f, "must not be negative")
		}
	}
	if r.DefectiveUnits > r.SampleSize {
		p.Add("defective_units", fmt.Sprintf("%d defective units is more than the %d units inspected", r.DefectiveUnits, r.SampleSize))
	}
	if sum := r.CriticalDefective + r.MajorDefective + r.MinorDefective; sum > r.DefectiveUnits {
		p.Add("defective_units", fmt.Sprintf("the classes count %d defective units, more than the %d given", sum, r.DefectiveUnits))
	}
	for _, c := range []struct {
		class     string
		defective int
		defects   int
	}{{"critical", r.CriticalDefective, r.CriticalDefects}, {"major", r.MajorDefective, r.MajorDefects}, {"minor", r.MinorDefective, r.MinorDefects}} {
		if c.defects < c.defective {
			p.Add(c.class+"_defects", fmt.Sprintf("%d %s defects is fewer than the %d %s defective units", c.defects, c.class, c.defective, c.class))
		}
	}
	if r.Verdict != VerdictPass && r.Verdict != VerdictFail && r.Verdict != VerdictPending {
		p.Add("verdict", "must be pass, fail or pending")
	}
	if r.Decision != "" && r.Decision != DecideRelease && r.Decision != DecideConcession && r.Decision != DecideRework &&
		r.Decision != DecideReject && r.Decision != DecideApprove && r.Decision != DecideApproveConditional {
		p.Add("decision", "is not a decision")
	}
	r.Rejected = IsRejected(r.Verdict, r.Decision)
	return p.Err()
}

// IsRejected says whether a lot counts as rejected: it failed, or it was
// left pending and the client did not accept it.
func IsRejected(v Verdict, d DecisionKind) bool {
	return v == VerdictFail || v == VerdictPending && d != "" && !d.Accepts()
}

// LotResultOf makes the lot result of a decided inspection of a product in
// category, from the result reported at submission. The date is the day it
// was submitted.
func LotResultOf(in *Inspection, category string) LotResult {
	id := in.ID
	r := LotResult{
		InspectionID: &id, Source: SourceInternal, SupplierID: in.SupplierID, SiteID: in.SiteID, ProductID: in.ProductID,
		Category: category, Kind: in.Kind, PONumber: in.Lot.PONumber, LotSize: in.Lot.LotSize,
		Verdict: in.Verdict, Resubmitted: in.Resubmitted(),
	}
	if in.Inspector.ThirdParty() {
		r.Agency = in.Inspector.Agency
	}
	if in.SubmittedAt != nil {
		r.InspectedOn = qms.DateOf(*in.SubmittedAt)
	}
	if in.Decision != nil {
		r.Decision = in.Decision.Kind
	}
	if res := in.Result; res != nil {
		r.SampleSize, r.DefectiveUnits = res.SampleSize, res.DefectiveUnits
		for _, c := range res.Classes {
			switch c.Class {
			case Critical:
				r.CriticalDefective, r.CriticalDefects = c.Defective, c.Defects
			case Major:
				r.MajorDefective, r.MajorDefects = c.Defective, c.Defects
			case Minor:
				r.MinorDefective, r.MinorDefects = c.Defective, c.Defects
			}
		}
	}
	r.Rejected = IsRejected(r.Verdict, r.Decision)
	return r
}

// Rate is the rejection rate of a group of lots over a period.
type Rate struct {
	Key             string `json:"key"` // the group: an inspection kind, a month "2026-03", an id ...
	Lots            int    `json:"lots"`
	Rejected        int    `json:"rejected"`
	SampleUnits     int64  `json:"sample_units"`
	DefectiveUnits  int64  `json:"defective_units"`
	CriticalDefects int64  `json:"critical_defects"`
	MajorDefects    int64  `json:"major_defects"`
	MinorDefects    int64  `json:"minor_defects"`
}

// RejectionRate is the share of lots rejected (0 without lots).
func (r Rate) RejectionRate() float64 {
	if r.Lots == 0 {
		return 0
	}
	return float64(r.Rejected) / float64(r.Lots)
}

// AcceptanceRate is the share of lots accepted (LAR; 0 without lots).
func (r Rate) AcceptanceRate() float64 {
	if r.Lots == 0 {
		return 0
	}
	return 1 - r.RejectionRate()
}

// PPM is the defective units per million units inspected (0 without
// units).
func (r Rate) PPM() float64 {
	if r.SampleUnits == 0 {
		return 0
	}
	return float64(r.DefectiveUnits) * 1e6 / float64(r.SampleUnits)
}
