package inspection

import (
	"cmp"
	"fmt"

	"qms/internal/qms"
)

// FAILapseYears is how long production may pause before a new first
// article inspection is required (AS9102's two-year lapse).
const FAILapseYears = 2

// FAIRecord is a decided first article inspection of a product.
type FAIRecord struct {
	InspectionID int64        `json:"inspection_id"`
	SiteID       int64        `json:"site_id"`
	SpecID       int64        `json:"spec_id"`
	SpecRevision int          `json:"spec_revision"`
	Decision     DecisionKind `json:"decision"`
	DecidedOn    qms.Date     `json:"decided_on"`
}

// FAIGateInput is what the first-article gate looks at.
type FAIGateInput struct {
	SiteID       int64
	SpecID       int64
	SpecRevision int
	// FAIs are the decided first article inspections of the product, at
	// any site and revision.
	FAIs []FAIRecord
	// LastProduction is the latest evidence of production of the product
	// at the site (the date of its latest decided lot inspection), if any.
	LastProduction qms.Date
	Today          qms.Date
}

// FAIGateResult is the answer of the first-article gate.
type FAIGateResult struct {
	Allowed bool `json:"allowed"`
	// FAIID is the approved first article inspection that allows it.
	FAIID int64 `json:"fai_id,omitempty"`
	// Code says why: approved, none, rejected, other_revision, other_site,
	// lapsed.
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Codes of the first-article gate.
const (
	FAIApproved      = "approved"
	FAINone          = "none"
	FAIRejected      = "rejected"
	FAIOtherRevision = "other_revision"
	FAIOtherSite     = "other_site"
	FAILapsed        = "lapsed"
)

// FAIGate decides whether a pre-shipment inspection of a product at a site
// against a spec revision may be planned: a first article inspection of
// that product, site and revision must be approved (conditionally approved
// counts), and production must not have paused for more than two years
// since (the later of its approval and the last production). A new spec
// revision, a new site or a lapse requires a new FAI.
func FAIGate(in FAIGateInput) FAIGateResult {
	var best, latestHere *FAIRecord
	var otherRev, otherSite *FAIRecord
	later := func(a, b *FAIRecord) bool {
		return b == nil || cmp.Or(a.DecidedOn.Compare(b.DecidedOn), cmp.Compare(a.InspectionID, b.InspectionID)) > 0
	}
	for i := range in.FAIs {
		f := &in.FAIs[i]
		approved := f.Decision.Accepts()
		switch {
		case f.SiteID == in.SiteID && f.SpecID == in.SpecID:
			if later(f, latestHere) {
				latestHere = f
			}
			if approved && later(f, best) {
				best = f
			}
		case approved && f.SiteID == in.SiteID:
			if later(f, otherRev) {
				otherRev = f
			}
		case approved && f.SpecID == in.SpecID:
			if later(f, otherSite) {
				otherSite = f
			}
		}
	}
	if best == nil {
		r := FAIGateResult{Code: FAINone, Message: fmt.Sprintf("no approved first article inspection of spec revision %d at this site", in.SpecRevision)}
		switch {
		case latestHere != nil:
			r.Code, r.Message = FAIRejected, fmt.Sprintf("first article inspection %d of spec revision %d at this site was rejected: a new one must be approved", latestHere.InspectionID, in.SpecRevision)
		case otherRev != nil:
			r.Code, r.Message = FAIOtherRevision, fmt.Sprintf("the approved first article inspection %d at this site is for spec revision %d: spec revision %d needs a new one", otherRev.InspectionID, otherRev.SpecRevision, in.SpecRevision)
		case otherSite != nil:
			r.Code, r.Message = FAIOtherSite, fmt.Sprintf("first article inspection %d approved spec revision %d at another site: a new site needs its own", otherSite.InspectionID, in.SpecRevision)
		}
		return r
	}
	last := best.DecidedOn
	if in.LastProduction.After(last) {
		last = in.LastProduction
	}
	if in.Today.After(last.AddDate(FAILapseYears, 0, 0)) {
		return FAIGateResult{FAIID: best.InspectionID, Code: FAILapsed,
			Message: fmt.Sprintf("no production at this site since %s, more than %d years: a new first article inspection is required", last, FAILapseYears)}
	}
	return FAIGateResult{Allowed: true, FAIID: best.InspectionID, Code: FAIApproved,
		Message: fmt.Sprintf("first article inspection %d approved spec revision %d at this site on %s", best.InspectionID, in.SpecRevision, best.DecidedOn)}
}

// Err returns nil when the gate allows, or a conflict saying what is
// missing and how to proceed.
func (r FAIGateResult) Err() error {
	if r.Allowed {
		return nil
	}
	return qms.Errorf(qms.KindConflict, "a pre-shipment inspection cannot be planned yet: %s; approve a first article inspection first, or have a quality manager override the gate with a reason", r.Message)
}
