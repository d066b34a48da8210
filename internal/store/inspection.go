package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/supplier"
)

// Inspections: booking (the supplier approval gate, the first-article gate,
// the plan, the sampling snapshot with the switching severity in force),
// the header before submission, submission with the verdict, the decision
// (lot result, switching streams, rework re-inspection), amendments,
// cancellation and the NCR link. Recording entries are in
// inspection_entry.go, switching streams in switching.go, lot results and
// rejection rates in lotresult.go.

// Audit actions of inspections.
const (
	actionStart   = "start"
	actionSubmit  = "submit"
	actionReturn  = "return"
	actionDecide  = "decide"
	actionCancel  = "cancel"
	actionLinkNCR = "link_ncr"
)

const inspectionColumns = `id, kind, status, product_id, spec_id, supplier_id, site_id, plan_id, plan_version, po_number, order_quantity, lot_size,
	produced, packed, inspector_user_id, inspector_name, agency, planned_on, stage, sampling, fai_pieces, resubmission_of, gate_overrides, remarks,
	started_at, submitted_at, submitted_by_id, submitted_by, verdict, computed_verdict, pending_reason, result, decision_detail, ncr_id,
	cancelled_at, cancel_reason, created_at, updated_at, version`

func scanInspection(sc scanner, in *inspection.Inspection) error {
	var plan, user, resub, ncr sql.NullInt64
	var stage, overrides string
	var samp, result, decision sql.NullString
	var started, submitted, cancelled sql.NullTime
	if err := sc.Scan(&in.ID, &in.Kind, &in.Status, &in.ProductID, &in.SpecID, &in.SupplierID, &in.SiteID, &plan, &in.PlanVersion,
		&in.Lot.PONumber, &in.Lot.OrderQuantity, &in.Lot.LotSize, &in.Lot.Produced, &in.Lot.Packed, &user, &in.Inspector.Name, &in.Inspector.Agency,
		dateDest{&in.PlannedOn}, &stage, &samp, &in.FAIPieces, &resub, &overrides, &in.Remarks, &started, &submitted, &in.SubmittedByID, &in.SubmittedBy,
		&in.Verdict, &in.ComputedVerdict, &in.PendingReason, &result, &decision, &ncr, &cancelled, &in.CancelReason,
		&in.CreatedAt, &in.UpdatedAt, &in.Version); err != nil {
		return err
	}
	in.PlanID, in.Inspector.UserID, in.ResubmissionOf, in.NCRID = nullID(plan), nullID(user), nullID(resub), nullID(ncr)
	in.StartedAt, in.SubmittedAt, in.CancelledAt = nullTime(started), nullTime(submitted), nullTime(cancelled)
	in.CreatedAt, in.UpdatedAt = in.CreatedAt.UTC(), in.UpdatedAt.UTC()
	in.Sampling, in.Result, in.Decision = nil, nil, nil
	in.GateOverrides = []inspection.GateOverride{}
	decode := func(what, s string, v any) error {
		if err := json.Unmarshal([]byte(s), v); err != nil {
			return fmt.Errorf("inspection %d %s: %w", in.ID, what, err)
		}
		return nil
	}
	if err := decode("stage", stage, &in.Stage); err != nil {
		return err
	}
	if err := decode("gate overrides", overrides, &in.GateOverrides); err != nil {
		return err
	}
	if samp.Valid {
		in.Sampling = &inspection.Sampling{}
		if err := decode("sampling", samp.String, in.Sampling); err != nil {
			return err
		}
	}
	if result.Valid {
		in.Result = &inspection.Result{}
		if err := decode("result", result.String, in.Result); err != nil {
			return err
		}
	}
	if decision.Valid {
		in.Decision = &inspection.Decision{}
		if err := decode("decision", decision.String, in.Decision); err != nil {
			return err
		}
	}
	return nil
}

// Inspection returns an inspection with its sampling snapshot, result and
// decision. Returns not found.
func (tx *Tx) Inspection(id int64) (*inspection.Inspection, error) {
	var in inspection.Inspection
	if err := scanInspection(tx.QueryRow("SELECT "+inspectionColumns+" FROM inspections WHERE id = ?", id), &in); err != nil {
		return nil, mapError(err, "inspection")
	}
	return &in, nil
}

// inspectionForUpdate reads an inspection and locks its row on PostgreSQL
// (SQLite's single writer already serialises), so that concurrent
// submissions and decisions wait for each other.
func (tx *Tx) inspectionForUpdate(id int64) (*inspection.Inspection, error) {
	q := "SELECT " + inspectionColumns + " FROM inspections WHERE id = ?"
	if tx.Dialect() == Postgres {
		q += " FOR UPDATE"
	}
	var in inspection.Inspection
	if err := scanInspection(tx.QueryRow(q, id), &in); err != nil {
		return nil, mapError(err, "inspection")
	}
	return &in, nil
}

// InspectionFilter selects inspections. Zero fields do not filter.
type InspectionFilter struct {
	ProductID  int64
	SupplierID int64
	SiteID     int64
	Kind       inspection.Kind
	Status     inspection.Status
	PONumber   string
	Before     int64 // the cursor: only inspections with a smaller id
	Limit      int   // at most MaxPageSize (default 50)
}

// ListInspections returns inspections matching f, newest first, and the
// cursor of the next page (0 when none).
func (tx *Tx) ListInspections(f InspectionFilter) ([]inspection.Inspection, int64, error) {
	var where []string
	var args []any
	for _, c := range []struct {
		col string
		v   any
		set bool
	}{
		{"product_id", f.ProductID, f.ProductID != 0}, {"supplier_id", f.SupplierID, f.SupplierID != 0}, {"site_id", f.SiteID, f.SiteID != 0},
		{"kind", f.Kind, f.Kind != ""}, {"status", f.Status, f.Status != ""}, {"po_number", strings.TrimSpace(f.PONumber), strings.TrimSpace(f.PONumber) != ""},
		{"id <", f.Before, f.Before > 0},
	} {
		if c.set {
			col := c.col
			if !strings.HasSuffix(col, "<") {
				col += " ="
			}
			where, args = append(where, col+" ?"), append(args, c.v)
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	limit := clampLimit(f.Limit)
	items, err := scanAllTx(tx, "SELECT "+inspectionColumns+" FROM inspections"+cond+" ORDER BY id DESC LIMIT "+strconv.Itoa(limit+1), args, scanInspection)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(items) > limit {
		items = items[:limit]
		next = items[limit-1].ID
	}
	return items, next, nil
}

// invalidRef turns a not-found reference into a field problem.
func invalidRef(p qms.Problems, field string, err error) error {
	if qms.ErrorKind(err) == qms.KindNotFound {
		p.Add(field, qms.ErrorMessage(err))
		return nil
	}
	return err
}

// bookingRefs are the records an inspection refers to.
type bookingRefs struct {
	product *inspection.Product
	spec    *inspection.Spec
	sup     *supplier.Supplier
	site    *supplier.Site
	plan    *inspection.Plan
}

// loadRefs checks the records an inspection refers to: an active product,
// its spec revision (released, unless keep is set for a re-inspection),
// an active supplier that is not disqualified, one of its active sites,
// an internal inspector who may record inspections or a third-party one,
// and the plan (required for sampled kinds) and whether it allows the
// inspector. Returns invalid, conflict or an internal error.
func (tx *Tx) loadRefs(in *inspection.Inspection, keepSpec bool) (*bookingRefs, error) {
	p := qms.Problems{}
	r := &bookingRefs{}
	var err error
	if r.product, err = tx.Product(in.ProductID); err != nil {
		if err := invalidRef(p, "product_id", err); err != nil {
			return nil, err
		}
	} else if r.product.VoidedAt != nil {
		p.Add("product_id", "this product is voided")
	}
	if r.spec, err = tx.Spec(in.SpecID); err != nil {
		if err := invalidRef(p, "spec_id", err); err != nil {
			return nil, err
		}
	} else if r.spec.ProductID != in.ProductID {
		p.Add("spec_id", "is a spec of another product")
	} else if !keepSpec {
		if err := inspection.CheckInspectable(r.spec, in.ProductID); err != nil {
			return nil, err
		}
	}
	if r.sup, err = tx.Supplier(in.SupplierID); err != nil {
		if err := invalidRef(p, "supplier_id", err); err != nil {
			return nil, err
		}
	}
	if r.site, err = tx.Site(in.SiteID); err != nil {
		if err := invalidRef(p, "site_id", err); err != nil {
			return nil, err
		}
	} else if r.site.SupplierID != in.SupplierID {
		p.Add("site_id", "is a site of another supplier")
	}
	if x := in.Inspector; x.UserID != nil {
		u, err := tx.User(*x.UserID)
		if err != nil {
			if err := invalidRef(p, "inspector.user_id", err); err != nil {
				return nil, err
			}
		} else if msg, err := tx.inspectorProblem(u.ID); err != nil {
			return nil, err
		} else if msg != "" {
			p.Add("inspector.user_id", msg)
		} else if x.Name == "" {
			in.Inspector.Name = u.Name
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	switch {
	case r.sup.VoidedAt != nil:
		return nil, alreadyVoided("This supplier")
	case r.site.VoidedAt != nil:
		return nil, alreadyVoided("This site")
	case r.sup.Status == supplier.StatusDisqualified:
		return nil, qms.Errorf(qms.KindConflict, "%s is disqualified: no inspection is booked for it", r.sup.DisplayName())
	}
	r.plan, err = tx.PlanFor(in.ProductID, in.SupplierID)
	switch {
	case qms.ErrorKind(err) == qms.KindNotFound:
		r.plan = nil
		if in.Kind.Sampled() {
			return nil, qms.Errorf(qms.KindConflict, "product %s has no inspection plan: a quality manager sets its standard, level and AQLs first", r.product.SKU)
		}
	case err != nil:
		return nil, err
	default:
		if ok, why := r.plan.Inspectors.Allows(in.Inspector); !ok {
			return nil, &qms.Error{Kind: qms.KindInvalid, Message: "This inspector may not inspect under the plan",
				Fields: map[string]string{"inspector": why}}
		}
	}
	return r, nil
}

// PlanInspection books an inspection, audited with its sampling snapshot.
//
// It checks the records it refers to (see the field errors), then the
// gates: the supplier approval gate (required certificates for the
// product's category and market, store.SupplierGate) for every booking,
// and, for a pre-shipment inspection, the first-article gate (an approved
// FAI for the product, site and spec revision, no two-year lapse). A gate
// that blocks is passed only with an override in overrides (a quality
// manager's, with a reason), recorded on the inspection; overrides of
// gates that do not block are not recorded. A sampled kind
// gets its sampling plan from the product's plan (the supplier x product
// plan first) with the switching severity in force per class, snapshotted:
// nothing recomputes it later. Booking is refused while acceptance
// inspection of a class is discontinued.
//
// Returns invalid, forbidden (an override by someone who may not), or
// conflict (a gate, a discontinued stream, no plan, a voided or
// disqualified supplier).
func (tx *Tx) PlanInspection(in *inspection.Inspection, overrides ...inspection.GateOverride) error {
	if in.ResubmissionOf != nil {
		return &qms.Error{Kind: qms.KindInvalid, Message: "A re-inspection is created by deciding rework on the failed inspection",
			Fields: map[string]string{"resubmission_of": "is set by a rework decision"}}
	}
	return tx.planInspection(in, overrides, false)
}

func (tx *Tx) planInspection(in *inspection.Inspection, overrides []inspection.GateOverride, resubmission bool) error {
	in.Status, in.GateOverrides, in.Sampling, in.Result, in.Decision, in.NCRID = inspection.StatusPlanned, []inspection.GateOverride{}, nil, nil, nil, nil
	in.Verdict, in.ComputedVerdict, in.PendingReason = "", "", ""
	in.StartedAt, in.SubmittedAt, in.SubmittedByID, in.SubmittedBy, in.CancelledAt, in.CancelReason = nil, nil, 0, "", nil, ""
	if err := in.Validate(); err != nil {
		return err
	}
	given := map[string]*inspection.GateOverride{}
	for i := range overrides {
		o := overrides[i]
		if err := inspection.CheckOverride(tx.Actor, &o); err != nil {
			return err
		}
		given[o.Gate] = &o
	}
	refs, err := tx.loadRefs(in, resubmission)
	if err != nil {
		return err
	}
	in.PlanID, in.PlanVersion, in.Stage = nil, 0, inspection.DefaultStage(in.Kind)
	if refs.plan != nil {
		in.PlanID, in.PlanVersion = &refs.plan.ID, refs.plan.Version
		in.Stage, _ = refs.plan.Stage(in.Kind)
	}
	pass := func(gate string, blocked error) error {
		if blocked == nil {
			return nil
		}
		o := given[gate]
		if o == nil {
			return blocked
		}
		o.Blocked, o.ByID, o.By, o.At = qms.ErrorMessage(blocked), tx.Actor.UserID, tx.Actor.Name, tx.Now
		in.GateOverrides = append(in.GateOverrides, *o)
		return nil
	}
	if !resubmission {
		var markets []string
		if refs.product.Market != "" {
			markets = []string{refs.product.Market}
		}
		g, err := tx.SupplierGate(in.SupplierID, in.SiteID, []string{refs.product.Category}, markets)
		if err != nil {
			return err
		}
		if err := pass(inspection.GateSupplier, g.Err()); err != nil {
			return err
		}
		if in.Kind == inspection.KindPreShipment {
			fg, err := tx.FAIGate(in.ProductID, in.SiteID, in.SpecID)
			if err != nil {
				return err
			}
			if err := pass(inspection.GateFAI, fg.Err()); err != nil {
				return err
			}
		}
	}
	if in.Kind.Sampled() {
		if in.Sampling, err = tx.snapshotSampling(in, refs.plan, refs.spec, resubmission); err != nil {
			return err
		}
	}
	return tx.insertInspection(in)
}

// snapshotSampling plans the sampling of a lot from the plan and the
// switching severity in force for supplier x product x class.
func (tx *Tx) snapshotSampling(in *inspection.Inspection, pl *inspection.Plan, spec *inspection.Spec, resubmission bool) (*inspection.Sampling, error) {
	sev := map[inspection.DefectClass]sampling.Severity{}
	why := map[inspection.DefectClass]string{}
	for _, c := range pl.Classes {
		if c.ZeroTolerance {
			continue
		}
		st, err := tx.stream(in.SupplierID, in.ProductID, c.Class, false)
		if err != nil {
			return nil, err
		}
		cfg := sampling.SwitchConfig{Standard: pl.Standard, Level: pl.Level, AQL: c.AQL}
		s, reason, err := inspection.SeverityInForce(st, cfg, resubmission)
		if err != nil {
			return nil, err
		}
		sev[c.Class], why[c.Class] = s, reason
	}
	return inspection.PlanSampling(inspection.SamplingInput{Standard: pl.Standard, Level: pl.Level, Classes: pl.Classes, Counting: pl.Counting,
		ReducedApproved: pl.ReducedApproved, Lot: in.Lot.LotSize, Severity: sev, SeverityReason: why, Tests: testsOf(spec)})
}

func testsOf(spec *inspection.Spec) []inspection.Characteristic {
	var out []inspection.Characteristic
	for _, c := range spec.Characteristics {
		if c.Kind == inspection.CharTest {
			out = append(out, c)
		}
	}
	return out
}

func samplingJSON(s *inspection.Sampling) any {
	if s == nil {
		return nil
	}
	return encodeJSON(s)
}

func (tx *Tx) insertInspection(in *inspection.Inspection) error {
	units := 0
	if in.Sampling != nil {
		units = in.Sampling.UnitsToDraw
	}
	id, err := tx.Insert(`INSERT INTO inspections (kind, status, product_id, spec_id, supplier_id, site_id, plan_id, plan_version, po_number,
		order_quantity, lot_size, produced, packed, inspector_user_id, inspector_name, agency, planned_on, stage, sampling, units_to_draw, fai_pieces,
		resubmission_of, gate_overrides, remarks, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		in.Kind, in.Status, in.ProductID, in.SpecID, in.SupplierID, in.SiteID, in.PlanID, in.PlanVersion, in.Lot.PONumber,
		in.Lot.OrderQuantity, in.Lot.LotSize, in.Lot.Produced, in.Lot.Packed, in.Inspector.UserID, in.Inspector.Name, in.Inspector.Agency,
		dateValue(in.PlannedOn), encodeJSON(in.Stage), samplingJSON(in.Sampling), units, in.FAIPieces, in.ResubmissionOf,
		encodeJSON(in.GateOverrides), in.Remarks, tx.Now, tx.Now)
	if err != nil {
		return err
	}
	in.ID, in.CreatedAt, in.UpdatedAt, in.Version = id, tx.Now, tx.Now, 1
	if err := tx.writeClassPlans(in, false); err != nil {
		return err
	}
	return tx.Audit(entityInspection, id, qms.ActionCreate, nil, in, "")
}

// writeClassPlans stores the key numbers of the sampling snapshot per
// class (update: the rows exist and change with a new lot size).
func (tx *Tx) writeClassPlans(in *inspection.Inspection, update bool) error {
	if in.Sampling == nil {
		return nil
	}
	for _, c := range in.Sampling.Classes {
		q := `INSERT INTO inspection_class_plans (aql, zero_tolerance, severity, code_letter, sample_size, ac, re, full_inspection, inspection_id, class)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		if update {
			q = `UPDATE inspection_class_plans SET aql = ?, zero_tolerance = ?, severity = ?, code_letter = ?, sample_size = ?, ac = ?, re = ?,
				full_inspection = ? WHERE inspection_id = ? AND class = ?`
		}
		if _, err := tx.Exec(q, c.AQL.String(), c.ZeroTolerance, c.Severity.String(), c.CodeLetter.String(), c.SampleSize, c.Ac, c.Re,
			c.FullInspection, in.ID, c.Class); err != nil {
			return err
		}
	}
	return nil
}

// ClassPlanRow is the key numbers of one class as stored beside the
// snapshot, for lists and reports that do not decode the JSON.
type ClassPlanRow struct {
	Class          inspection.DefectClass
	AQL            string
	ZeroTolerance  bool
	Severity       string
	CodeLetter     string
	SampleSize     int
	Ac, Re         int
	FullInspection bool
}

// ClassPlans returns the key numbers of an inspection's sampling per
// class, most serious first.
func (tx *Tx) ClassPlans(inspectionID int64) ([]ClassPlanRow, error) {
	rows, err := scanAllTx(tx, `SELECT class, aql, zero_tolerance, severity, code_letter, sample_size, ac, re, full_inspection
		FROM inspection_class_plans WHERE inspection_id = ?`, []any{inspectionID}, func(sc scanner, r *ClassPlanRow) error {
		return sc.Scan(&r.Class, &r.AQL, &r.ZeroTolerance, &r.Severity, &r.CodeLetter, &r.SampleSize, &r.Ac, &r.Re, &r.FullInspection)
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b ClassPlanRow) int { return b.Class.Rank() - a.Class.Rank() })
	return rows, nil
}

// FAIGate answers the first-article gate for a product at a site against a
// spec revision today: the decided FAIs of the product and its last
// production at the site (its latest lot result). Returns not found (no
// such spec).
func (tx *Tx) FAIGate(productID, siteID, specID int64) (inspection.FAIGateResult, error) {
	spec, err := tx.Spec(specID)
	if err != nil {
		return inspection.FAIGateResult{}, err
	}
	fais, err := scanAllTx(tx, `SELECT i.id, i.site_id, i.spec_id, s.revision, i.decision, i.decided_at FROM inspections i JOIN specs s ON s.id = i.spec_id
		WHERE i.product_id = ? AND i.kind = 'first_article' AND i.status = 'decided'`, []any{productID},
		func(sc scanner, f *inspection.FAIRecord) error {
			var at sql.NullTime
			if err := sc.Scan(&f.InspectionID, &f.SiteID, &f.SpecID, &f.SpecRevision, &f.Decision, &at); err != nil {
				return err
			}
			if at.Valid {
				f.DecidedOn = qms.DateOf(at.Time.UTC())
			}
			return nil
		})
	if err != nil {
		return inspection.FAIGateResult{}, err
	}
	var last qms.Date
	if err := tx.QueryRow(`SELECT MAX(inspected_on) FROM lot_results WHERE product_id = ? AND site_id = ? AND kind <> 'first_article'
		AND voided_at IS NULL`, productID, siteID).Scan(dateDest{&last}); err != nil {
		return inspection.FAIGateResult{}, err
	}
	return inspection.FAIGate(inspection.FAIGateInput{SiteID: siteID, SpecID: specID, SpecRevision: spec.Revision, FAIs: fais,
		LastProduction: last, Today: tx.today()}), nil
}

// UpdateInspection changes the header of an inspection before submission
// if its version is still expected, audited: PO and quantities,
// inspector, planned date, remarks and (FAI) pieces. The lot size changes
// only while nothing is recorded; the sampling is then planned again for
// the new lot with the same plan, classes and severities. Returns not
// found, invalid or conflict (submitted or decided, stale).
func (tx *Tx) UpdateInspection(in *inspection.Inspection, expected int64, reason string) error {
	before, err := tx.inspectionForUpdate(in.ID)
	if err != nil {
		return err
	}
	if err := inspection.CheckEditHeader(before); err != nil {
		return err
	}
	next := *before
	next.Lot, next.Inspector, next.PlannedOn, next.Remarks, next.FAIPieces = in.Lot, in.Inspector, in.PlannedOn, in.Remarks, in.FAIPieces
	if err := next.Validate(); err != nil {
		return err
	}
	if x, y := next.Inspector, before.Inspector; x.Name != y.Name || x.Agency != y.Agency || !sameUser(x.UserID, y.UserID) {
		if _, err := tx.loadRefs(&next, true); err != nil {
			return err
		}
	}
	if next.Lot.LotSize != before.Lot.LotSize && next.Sampling != nil {
		var n int
		if err := tx.QueryRow("SELECT COUNT(*) FROM inspection_entries WHERE inspection_id = ?", in.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 || before.Status != inspection.StatusPlanned {
			return &qms.Error{Kind: qms.KindConflict, Message: "The lot size cannot change once recording has started: its sampling plan is in use",
				Fields: map[string]string{"lot_size": "is fixed once units are recorded"}}
		}
		spec, err := tx.Spec(next.SpecID)
		if err != nil {
			return err
		}
		old := before.Sampling
		sev, why := map[inspection.DefectClass]sampling.Severity{}, map[inspection.DefectClass]string{}
		var classes []inspection.ClassAQL
		for _, c := range old.Classes {
			classes = append(classes, inspection.ClassAQL{Class: c.Class, AQL: c.AQL, ZeroTolerance: c.ZeroTolerance})
			if !c.ZeroTolerance {
				sev[c.Class], why[c.Class] = c.Severity, c.SeverityReason
			}
		}
		if next.Sampling, err = inspection.PlanSampling(inspection.SamplingInput{Standard: old.Standard, Level: old.Level, Classes: classes,
			Counting: old.Counting, ReducedApproved: old.ReducedApproved, Lot: next.Lot.LotSize, Severity: sev, SeverityReason: why,
			Tests: testsOf(spec)}); err != nil {
			return err
		}
		if err := tx.writeClassPlans(&next, true); err != nil {
			return err
		}
	}
	units := 0
	if next.Sampling != nil {
		units = next.Sampling.UnitsToDraw
	}
	res, err := tx.Exec(`UPDATE inspections SET po_number = ?, order_quantity = ?, lot_size = ?, produced = ?, packed = ?, inspector_user_id = ?,
		inspector_name = ?, agency = ?, planned_on = ?, remarks = ?, fai_pieces = ?, sampling = ?, units_to_draw = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`,
		next.Lot.PONumber, next.Lot.OrderQuantity, next.Lot.LotSize, next.Lot.Produced, next.Lot.Packed, next.Inspector.UserID,
		next.Inspector.Name, next.Inspector.Agency, dateValue(next.PlannedOn), next.Remarks, next.FAIPieces, samplingJSON(next.Sampling), units,
		tx.Now, in.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This inspection"); err != nil {
		return err
	}
	after, err := tx.Inspection(in.ID)
	if err != nil {
		return err
	}
	*in = *after
	return tx.Audit(entityInspection, in.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

func sameUser(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// CancelInspection calls off an inspection before submission, with a
// reason, audited. Returns forbidden, invalid, not found or conflict.
func (tx *Tx) CancelInspection(id int64, reason string, expected int64) error {
	before, err := tx.inspectionForUpdate(id)
	if err != nil {
		return err
	}
	if reason, err = inspection.CheckCancel(tx.Actor, before, reason); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE inspections SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, tx.Now, reason, tx.Now, id, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This inspection"); err != nil {
		return err
	}
	after, err := tx.Inspection(id)
	if err != nil {
		return err
	}
	return tx.Audit(entityInspection, id, actionCancel, before, after, reason)
}

// InspectionResult evaluates an inspection's recorded entries now: the
// running tally per class against Ac/Re, tests, measurements, sections and
// the verdict so far. Returns not found.
func (tx *Tx) InspectionResult(id int64) (*inspection.Result, error) {
	in, err := tx.Inspection(id)
	if err != nil {
		return nil, err
	}
	spec, err := tx.Spec(in.SpecID)
	if err != nil {
		return nil, err
	}
	entries, err := tx.Entries(id)
	if err != nil {
		return nil, err
	}
	return inspection.Evaluate(in, spec, entries), nil
}

// SubmitInspection submits the report if the inspection's version is
// still expected: its entries are evaluated and the result and verdict
// (computed, or pending with the inspector's reason) are kept as
// reported, audited. Returns forbidden, invalid, not found or conflict
// (incomplete, not recordable, stale).
func (tx *Tx) SubmitInspection(id int64, expected int64, sub inspection.Submission) (*inspection.Inspection, error) {
	before, err := tx.inspectionForUpdate(id)
	if err != nil {
		return nil, err
	}
	if before.Version != expected {
		return nil, qms.Errorf(qms.KindConflict, "This inspection was changed by someone else since you opened it; reload it and apply your change again")
	}
	res, err := tx.InspectionResult(id)
	if err != nil {
		return nil, err
	}
	verdict, err := inspection.CheckSubmit(tx.Actor, before, res, &sub)
	if err != nil {
		return nil, err
	}
	r, err := tx.Exec(`UPDATE inspections SET status = 'submitted', submitted_at = ?, submitted_by_id = ?, submitted_by = ?, verdict = ?, computed_verdict = ?,
		pending_reason = ?, result = ?, started_at = COALESCE(started_at, ?), updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		tx.Now, tx.Actor.UserID, tx.Actor.Name, verdict, res.Verdict, sub.PendingReason, encodeJSON(res), tx.Now, tx.Now, id, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(r, "This inspection"); err != nil {
		return nil, err
	}
	after, err := tx.Inspection(id)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityInspection, id, actionSubmit, before, after, sub.PendingReason)
}

// ReturnInspection sends a submitted inspection back to the inspector for
// correction, with a reason, audited; its reported verdict and result are
// cleared until it is submitted again. Returns forbidden, invalid, not
// found or conflict.
func (tx *Tx) ReturnInspection(id int64, expected int64, reason string) error {
	before, err := tx.inspectionForUpdate(id)
	if err != nil {
		return err
	}
	if reason, err = inspection.CheckReturn(tx.Actor, before, reason); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE inspections SET status = 'in_progress', submitted_at = NULL, submitted_by_id = 0, submitted_by = '', verdict = '',
		computed_verdict = '', pending_reason = '', result = NULL, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, tx.Now, id, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This inspection"); err != nil {
		return err
	}
	after, err := tx.Inspection(id)
	if err != nil {
		return err
	}
	return tx.Audit(entityInspection, id, actionReturn, before, after, reason)
}

// DecideInspection records the decision on a submitted inspection if its
// version is still expected (inspection.CheckDecision: a quality manager;
// release, concession, rework or reject; for an FAI approve, approve with
// conditions or reject), audited, and in the same transaction:
//   - writes the inspection's lot result (lotresult.go);
//   - for an original lot of a kind that feeds switching, advances the
//     switching stream of each class with an AQL and records why;
//   - for rework, books the linked re-inspection of the lot (same spec
//     revision, plan and inspector; the severity in force; ignored by the
//     switching rules; the booking gates were passed by the original) and
//     returns it in Decision.ReinspectionID.
//
// Returns forbidden, invalid, not found or conflict.
func (tx *Tx) DecideInspection(id int64, expected int64, d inspection.Decision) (*inspection.Inspection, error) {
	before, err := tx.inspectionForUpdate(id)
	if err != nil {
		return nil, err
	}
	if err := inspection.CheckDecision(tx.Actor, before, &d); err != nil {
		return nil, err
	}
	if before.Version != expected {
		return nil, qms.Errorf(qms.KindConflict, "This inspection was changed by someone else since you opened it; reload it and apply your change again")
	}
	// Issue 6: while an NCR raised from this lot is open, it is released
	// only as the NCR's disposition allows (ncr.go, CheckLotRelease).
	if d.Kind.Accepts() {
		if err := tx.CheckLotRelease(before); err != nil {
			return nil, err
		}
	}
	d.ByID, d.By, d.At, d.ReinspectionID = tx.Actor.UserID, tx.Actor.Name, tx.Now, nil
	if d.Kind == inspection.DecideRework {
		re := &inspection.Inspection{Kind: before.Kind, ProductID: before.ProductID, SpecID: before.SpecID, SupplierID: before.SupplierID,
			SiteID: before.SiteID, Lot: before.Lot, Inspector: before.Inspector, FAIPieces: before.FAIPieces, ResubmissionOf: &before.ID,
			Remarks: "Re-inspection after rework: " + d.Reason}
		if err := tx.planInspection(re, nil, true); err != nil {
			return nil, fmt.Errorf("book the re-inspection: %w", err)
		}
		d.ReinspectionID = &re.ID
	}
	res, err := tx.Exec(`UPDATE inspections SET status = 'decided', decision = ?, decision_detail = ?, decided_at = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`, d.Kind, encodeJSON(d), tx.Now, tx.Now, id, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This inspection"); err != nil {
		return nil, err
	}
	after, err := tx.Inspection(id)
	if err != nil {
		return nil, err
	}
	if err := tx.Audit(entityInspection, id, actionDecide, before, after, d.Reason); err != nil {
		return nil, err
	}
	product, err := tx.Product(after.ProductID)
	if err != nil {
		return nil, err
	}
	lr := inspection.LotResultOf(after, product.Category)
	if err := tx.InsertLotResult(&lr); err != nil {
		return nil, fmt.Errorf("write the lot result: %w", err)
	}
	if err := tx.advanceStreams(after); err != nil {
		return nil, err
	}
	return after, nil
}

// AmendInspection adds an amendment to a submitted or decided inspection,
// with a reason, audited: the report itself never changes. Returns
// forbidden, invalid, not found or conflict.
func (tx *Tx) AmendInspection(am *inspection.Amendment) error {
	in, err := tx.Inspection(am.InspectionID)
	if err != nil {
		return err
	}
	if err := inspection.CheckAmend(tx.Actor, in, am); err != nil {
		return err
	}
	am.ByID, am.By, am.At = tx.Actor.UserID, tx.Actor.Name, tx.Now
	if am.ID, err = tx.Insert(`INSERT INTO inspection_amendments (inspection_id, text, reason, by_id, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		am.InspectionID, am.Text, am.Reason, am.ByID, am.By, am.At); err != nil {
		return err
	}
	return tx.Audit(entityAmendment, am.ID, qms.ActionCreate, nil, am, am.Reason)
}

// Amendments returns the amendments of an inspection, oldest first.
func (tx *Tx) Amendments(inspectionID int64) ([]inspection.Amendment, error) {
	return scanAllTx(tx, "SELECT id, inspection_id, text, reason, by_id, by_name, created_at FROM inspection_amendments WHERE inspection_id = ? ORDER BY id",
		[]any{inspectionID}, func(sc scanner, a *inspection.Amendment) error {
			if err := sc.Scan(&a.ID, &a.InspectionID, &a.Text, &a.Reason, &a.ByID, &a.By, &a.At); err != nil {
				return err
			}
			a.At = a.At.UTC()
			return nil
		})
}

// NCRSeed returns what an NCR raised from a failed or pending inspection
// starts with (issue 6 creates the NCR and calls LinkNCR). Returns not
// found or conflict.
func (tx *Tx) NCRSeed(inspectionID int64) (*inspection.NCRSeed, error) {
	in, err := tx.Inspection(inspectionID)
	if err != nil {
		return nil, err
	}
	return inspection.SeedNCR(in)
}

// LinkNCR links the NCR raised from an inspection to it, audited (the
// inspection's content does not change). Returns forbidden, invalid, not
// found or conflict.
func (tx *Tx) LinkNCR(inspectionID, ncrID int64) error {
	before, err := tx.inspectionForUpdate(inspectionID)
	if err != nil {
		return err
	}
	if err := inspection.CheckLinkNCR(tx.Actor, before, ncrID); err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE inspections SET ncr_id = ?, updated_at = ?, version = version + 1 WHERE id = ?`, ncrID, tx.Now, inspectionID); err != nil {
		return err
	}
	after, err := tx.Inspection(inspectionID)
	if err != nil {
		return err
	}
	return tx.Audit(entityInspection, inspectionID, actionLinkNCR, before, after, "")
}
