package store

import (
	"errors"
	"fmt"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
)

// Third-party results: an agency's inspection result imported as a lot
// result feeds the switching streams like a decided inspection of qms.
// Its sampling is planned with the product's inspection plan at the
// severity in force, and each class with an AQL advances its stream
// (inspection.Advance) when the agency inspected the plan's sample.

// SwitchingOutcome says what an imported result did to the switching
// streams: the events written, or why it did not count.
type SwitchingOutcome struct {
	Events []inspection.StreamEvent `json:"events"`
	// Note says why the result did not move the streams (empty when it
	// did).
	Note string `json:"note,omitempty"`
}

// resultLabel names a third-party lot result in switching reasons.
func resultLabel(r *inspection.LotResult) string {
	s := fmt.Sprintf("third-party result %d (%s", r.ID, r.Agency)
	if r.ExternalRef != "" {
		s += " " + r.ExternalRef
	}
	return s + ")"
}

// AdvanceStreamsThirdParty applies a stored third-party lot result (its ID
// set) to the switching streams of its supplier and product, in the
// transaction that stored it. Only original lots of kinds that feed
// switching count, and only under an inspection plan: the sampling is
// planned for the lot size with the plan's standard, level and AQLs at the
// severity in force per class, and a class counts only when the agency's
// sample size is that class's sample size (a different sample is not
// judged by the plan's Ac and Re: the stream records it as skipped). The
// count compared is defective units or defects, by the plan's counting.
func (tx *Tx) AdvanceStreamsThirdParty(r *inspection.LotResult) (SwitchingOutcome, error) {
	out := SwitchingOutcome{Events: []inspection.StreamEvent{}}
	switch {
	case r.Source != inspection.SourceThirdParty || r.ID == 0:
		return out, errors.New("store: AdvanceStreamsThirdParty needs a stored third-party result")
	case !r.Kind.FeedsSwitching():
		out.Note = "not counted by the switching rules: only incoming and pre-shipment lots move the switching state"
		return out, nil
	case r.Resubmitted:
		out.Note = "a resubmitted lot after rework: judged, ignored by the switching rules"
		return out, nil
	}
	plan, err := tx.PlanFor(r.ProductID, r.SupplierID)
	if qms.ErrorKind(err) == qms.KindNotFound {
		out.Note = "no inspection plan for this product: the switching state is not changed"
		return out, nil
	}
	if err != nil {
		return out, err
	}
	sev := map[inspection.DefectClass]sampling.Severity{}
	why := map[inspection.DefectClass]string{}
	for _, c := range plan.Classes {
		if c.ZeroTolerance {
			continue
		}
		st, err := tx.stream(r.SupplierID, r.ProductID, c.Class, false)
		if err != nil {
			return out, err
		}
		cfg := sampling.SwitchConfig{Standard: plan.Standard, Level: plan.Level, AQL: c.AQL}
		s, reason, err := inspection.SeverityInForce(st, cfg, false)
		if err != nil { // discontinued: Advance records the lot as not counted
			s, reason = st.State.Severity, st.Reason
		}
		sev[c.Class], why[c.Class] = s, reason
	}
	samp, err := inspection.PlanSampling(inspection.SamplingInput{Standard: plan.Standard, Level: plan.Level, Classes: plan.Classes,
		Counting: plan.Counting, ReducedApproved: plan.ReducedApproved, Lot: r.LotSize, Severity: sev, SeverityReason: why})
	if err != nil {
		out.Note = "not counted by the switching rules: " + qms.ErrorMessage(err)
		return out, nil
	}
	label := resultLabel(r)
	pseudo := &inspection.Inspection{Kind: r.Kind, SupplierID: r.SupplierID, ProductID: r.ProductID, Sampling: samp}
	for _, cp := range samp.Classes {
		if cp.ZeroTolerance {
			continue
		}
		defective, defects := classCounts(r, cp.Class)
		found := defective
		if samp.Counting == inspection.CountDefects {
			found = defects
		}
		cr := inspection.ClassResult{Class: cp.Class, AQL: cp.AQL, Severity: cp.Severity, CodeLetter: cp.CodeLetter, SampleSize: cp.SampleSize,
			Ac: cp.Ac, Re: cp.Re, Defective: defective, Defects: defects, Found: found}
		st, err := tx.lockStream(r.SupplierID, r.ProductID, cp.Class, inspection.StreamConfig(samp, cp))
		if err != nil {
			return out, err
		}
		var next inspection.Stream
		var events []inspection.StreamEvent
		if r.SampleSize != cp.SampleSize {
			next = *st
			next.UpdatedAt = tx.Now
			events = []inspection.StreamEvent{{SupplierID: r.SupplierID, ProductID: r.ProductID, Class: cp.Class, Action: inspection.StreamSkipped,
				SeverityBefore: st.State.Severity, SeverityAfter: st.State.Severity, Discontinued: st.State.Discontinued, Found: found, State: st.State,
				Reason: fmt.Sprintf("not counted: the agency inspected %d units; the plan's %s sample at %s inspection is %d units",
					r.SampleSize, cp.Class, cp.Severity, cp.SampleSize), ByID: tx.Actor.UserID, By: tx.Actor.Name, At: tx.Now}}
		} else if next, events, err = inspection.Advance(st, pseudo, cr, tx.Actor, tx.Now); err != nil {
			return out, err
		}
		relabel := func(s string) string { return strings.ReplaceAll(s, "inspection 0", label) }
		next.Reason, next.LastInspectionID = relabel(next.Reason), st.LastInspectionID
		if err := tx.saveStream(&next); err != nil {
			return out, err
		}
		for i := range events {
			events[i].Reason = label + ": " + relabel(events[i].Reason)
			if err := tx.addStreamEvent(&events[i]); err != nil {
				return out, err
			}
			out.Events = append(out.Events, events[i])
		}
	}
	return out, nil
}

// SupplierByName returns the supplier in use whose name or Latin name is
// name, ignoring case. Returns not found, or conflict when several match.
func (tx *Tx) SupplierByName(name string) (int64, error) {
	name = strings.TrimSpace(name)
	rows, err := scanAllTx(tx, `SELECT id FROM suppliers WHERE voided_at IS NULL AND (lower(name) = lower(?) OR lower(name_latin) = lower(?)) ORDER BY id LIMIT 2`,
		[]any{name, name}, func(sc scanner, id *int64) error { return sc.Scan(id) })
	switch {
	case err != nil:
		return 0, err
	case len(rows) == 0:
		return 0, qms.Errorf(qms.KindNotFound, "no supplier is named “%s”", name)
	case len(rows) > 1:
		return 0, qms.Errorf(qms.KindConflict, "several suppliers are named “%s”: give the supplier's number", name)
	}
	return rows[0], nil
}

// classCounts returns the defective units and defects of class c.
func classCounts(r *inspection.LotResult, c inspection.DefectClass) (defective, defects int) {
	switch c {
	case inspection.Critical:
		return r.CriticalDefective, r.CriticalDefects
	case inspection.Major:
		return r.MajorDefective, r.MajorDefects
	case inspection.Minor:
		return r.MinorDefective, r.MinorDefects
	}
	return 0, 0
}

// LotResultByReport returns the id of the lot result in use imported from
// an agency's report (agency ignoring case). Returns not found.
func (tx *Tx) LotResultByReport(agency, reportNo string) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM lot_results WHERE external_ref = ? AND lower(agency) = lower(?) AND voided_at IS NULL ORDER BY id LIMIT 1`,
		strings.TrimSpace(reportNo), strings.TrimSpace(agency)).Scan(&id)
	if err != nil {
		return 0, mapError(err, "lot result")
	}
	return id, nil
}
