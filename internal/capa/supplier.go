package capa

import "slices"

// SupplierView returns a copy of c as a supplier user may see it: the
// request with its stages, the buyer's review comments, the effectiveness
// criterion and its evaluation, but none of the buyer's internal detail —
// the sources (internal NCR numbers, audit findings, complaints), the
// internal owner's id, the creator, the reason of an override and the
// internal status reasons. Internal notes are never part of a CAPA.
func SupplierView(c *CAPA) *CAPA {
	v := *c
	v.Sources = []Source{}
	v.OwnerID = 0
	v.CreatedByID, v.CreatedBy = 0, ""
	v.Stages = slices.Clone(c.Stages)
	if c.Criterion != nil {
		cr := *c.Criterion
		cr.Kinds = slices.Clone(c.Criterion.Kinds)
		v.Criterion = &cr
	}
	if c.Evaluation != nil {
		ev := *c.Evaluation
		ev.Points = slices.Clone(c.Evaluation.Points)
		v.Evaluation = &ev
	}
	if c.Closure != nil {
		cl := *c.Closure
		cl.OverrideReason = ""
		cl.ByID = 0
		v.Closure = &cl
	}
	// The reason of a cancellation or reopening is the buyer's; what the
	// supplier must change is in the stages' comments.
	v.StatusReason = ""
	return &v
}
