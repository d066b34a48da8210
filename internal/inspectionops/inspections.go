package inspectionops

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/store"
	"qms/internal/supplier"
)

// visibleInspection reads an inspection that a may see. Returns not found
// for one that does not exist and for one of another supplier.
func visibleInspection(tx *store.Tx, a qms.Actor, id int64) (*inspection.Inspection, error) {
	in, err := tx.Inspection(id)
	return visibleTo(a, in, err)
}

// visibleTo passes on an inspection as read (and its error) if a may see
// it, and returns not found otherwise.
func visibleTo(a qms.Actor, in *inspection.Inspection, err error) (*inspection.Inspection, error) {
	if err != nil {
		return nil, hidden(err, "inspection")
	}
	if !qms.CanSeeSupplier(a, in.SupplierID) {
		return nil, notFound("inspection")
	}
	return in, nil
}

// redact removes the buyer's internal notes from an inspection shown to a
// supplier's user: why a booking gate was overridden.
func redact(a qms.Actor, in *inspection.Inspection) {
	if qms.CanViewInternal(a) {
		return
	}
	for i := range in.GateOverrides {
		in.GateOverrides[i].Reason, in.GateOverrides[i].Blocked = "", ""
	}
}

// Inspection returns an inspection the actor may see, with its sampling
// snapshot, reported result and decision. Returns not found (also for an
// inspection of another supplier, to a supplier's user).
func (s *Service) Inspection(ctx context.Context, id int64) (*inspection.Inspection, error) {
	a := actor(ctx)
	var in *inspection.Inspection
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		in, err = visibleInspection(tx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	redact(a, in)
	return in, nil
}

// Row is an inspection in a list, with the names of what it is about.
type Row struct {
	inspection.Inspection
	ProductSKU   string `json:"product_sku"`
	ProductName  string `json:"product_name"`
	SupplierName string `json:"supplier_name"`
	SiteName     string `json:"site_name"`
}

// names resolves product, supplier and site names for rows, caching them
// within one transaction.
type names struct {
	tx        *store.Tx
	products  map[int64]*inspection.Product
	suppliers map[int64]string
	sites     map[int64]string
}

func newNames(tx *store.Tx) *names {
	return &names{tx: tx, products: map[int64]*inspection.Product{}, suppliers: map[int64]string{}, sites: map[int64]string{}}
}

func (n *names) product(id int64) (*inspection.Product, error) {
	if p, ok := n.products[id]; ok {
		return p, nil
	}
	p, err := n.tx.Product(id)
	if err != nil {
		return nil, err
	}
	n.products[id] = p
	return p, nil
}

func (n *names) supplier(id int64) (string, error) {
	if s, ok := n.suppliers[id]; ok {
		return s, nil
	}
	sup, err := n.tx.Supplier(id)
	if err != nil {
		return "", err
	}
	n.suppliers[id] = sup.DisplayName()
	return n.suppliers[id], nil
}

func (n *names) site(id int64) (string, error) {
	if s, ok := n.sites[id]; ok {
		return s, nil
	}
	site, err := n.tx.Site(id)
	if err != nil {
		return "", err
	}
	n.sites[id] = site.DisplayName()
	return n.sites[id], nil
}

func (n *names) row(in inspection.Inspection) (Row, error) {
	r := Row{Inspection: in}
	p, err := n.product(in.ProductID)
	if err != nil {
		return r, err
	}
	r.ProductSKU, r.ProductName = p.SKU, p.Name
	if r.SupplierName, err = n.supplier(in.SupplierID); err != nil {
		return r, err
	}
	r.SiteName, err = n.site(in.SiteID)
	return r, err
}

// ListInspections returns one page of inspections, newest first, and the
// cursor of the next page (0 when none). A supplier's user sees only its
// own supplier's inspections, whatever the filter says. Requires a
// signed-in actor.
func (s *Service) ListInspections(ctx context.Context, f store.InspectionSearch) ([]Row, int64, error) {
	a := actor(ctx)
	if !a.Role.Valid() {
		return nil, 0, forbidden("see inspections")
	}
	if !qms.CanViewInternal(a) {
		if a.SupplierID == nil || (f.SupplierID != 0 && f.SupplierID != *a.SupplierID) {
			return []Row{}, 0, nil
		}
		f.SupplierID = *a.SupplierID
	}
	var rows []Row
	var next int64
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		items, n, err := tx.SearchInspections(f)
		if err != nil {
			return err
		}
		next = n
		nm := newNames(tx)
		rows = make([]Row, 0, len(items))
		for _, in := range items {
			redact(a, &in)
			r, err := nm.row(in)
			if err != nil {
				return err
			}
			rows = append(rows, r)
		}
		return nil
	})
	return rows, next, err
}

// View is an inspection with everything its pages and report show.
type View struct {
	Inspection *inspection.Inspection
	Product    *inspection.Product
	Spec       *inspection.Spec // the pinned revision
	Supplier   *supplier.Supplier
	Site       *supplier.Site
	Plan       *inspection.Plan // the plan it was planned under, nil when none
	// Entries are every recording entry in recording order, voids and
	// replaced entries included (inspection.LiveEntries drops them).
	Entries []inspection.Entry
	// Result is the evaluation of the entries now: the running tally while
	// recording. Once submitted, Inspection.Result is the report as
	// reported.
	Result     *inspection.Result
	Amendments []inspection.Amendment
	// Library is the defect library of the product's category (in use).
	Library []inspection.DefectCode
	// Photos are the files attached to the inspection, voided ones
	// included (check VoidedAt).
	Photos []store.File
	// Reinspections are the inspections that re-inspect this one's lot
	// after rework, oldest first (Inspection.ResubmissionOf links back).
	Reinspections []int64
	// NCRReady is set when an NCR can be raised from the inspection (a
	// failed or pending report without an NCR yet).
	NCRReady bool
	// Signatures are the electronic signatures of the inspection (a first
	// article decision), oldest first, each with whether it still matches.
	Signatures []esign.Check
}

// ReportedResult is the result the report shows: as reported once
// submitted, else the evaluation now.
func (v *View) ReportedResult() *inspection.Result {
	if v.Inspection.Result != nil {
		return v.Inspection.Result
	}
	return v.Result
}

// InspectionView returns an inspection the actor may see with its
// product, pinned spec revision, supplier, site, plan, entries, current
// evaluation, amendments, defect library, photos and re-inspections.
// Supplier users get the supplier and site without internal notes.
// Returns not found.
func (s *Service) InspectionView(ctx context.Context, id int64) (*View, error) {
	a := actor(ctx)
	v := &View{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		in, err := visibleInspection(tx, a, id)
		if err != nil {
			return err
		}
		v.Inspection = in
		if v.Product, err = tx.Product(in.ProductID); err != nil {
			return err
		}
		if v.Spec, err = tx.Spec(in.SpecID); err != nil {
			return err
		}
		if v.Supplier, err = tx.Supplier(in.SupplierID); err != nil {
			return err
		}
		if v.Site, err = tx.Site(in.SiteID); err != nil {
			return err
		}
		if in.PlanID != nil {
			if v.Plan, err = tx.Plan(*in.PlanID); err != nil {
				return err
			}
		}
		if v.Entries, err = tx.Entries(id); err != nil {
			return err
		}
		v.Result = inspection.Evaluate(in, v.Spec, v.Entries)
		if v.Amendments, err = tx.Amendments(id); err != nil {
			return err
		}
		if v.Library, err = tx.DefectCodes(v.Product.Category, false); err != nil {
			return err
		}
		if v.Photos, err = tx.FilesOf(ownerInspection, id); err != nil {
			return err
		}
		if v.Reinspections, err = tx.Reinspections(id); err != nil {
			return err
		}
		if v.Signatures, err = tx.CheckSignatures("inspection", id); err != nil {
			return err
		}
		_, err = inspection.SeedNCR(in)
		v.NCRReady = err == nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	redact(a, v.Inspection)
	if !qms.CanViewInternal(a) {
		v.Supplier.Notes, v.Site.Notes, v.Plan = "", "", nil
	}
	return v, nil
}

// Entries returns the entries of an inspection the actor may see with an
// id above after, in recording order, at most limit (store.MaxPageSize).
// Returns not found.
func (s *Service) Entries(ctx context.Context, id, after int64, limit int) ([]inspection.Entry, error) {
	a := actor(ctx)
	var out []inspection.Entry
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, id); err != nil {
			return err
		}
		var err error
		out, err = tx.EntriesAfter(id, after, limit)
		return err
	})
	return out, err
}

// Result evaluates the entries of an inspection the actor may see now:
// the running tally per class against Ac/Re, tests, measurements,
// sections and the verdict so far. Returns not found.
func (s *Service) Result(ctx context.Context, id int64) (*inspection.Result, error) {
	a := actor(ctx)
	var out *inspection.Result
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, id); err != nil {
			return err
		}
		var err error
		out, err = tx.InspectionResult(id)
		return err
	})
	return out, err
}

// ---- Planning ----

// Preview is what planning an inspection would give, computed without
// writing anything: the plan that applies, the sampling plan from the
// engine at the severity in force per class, and the booking gates.
type Preview struct {
	Product  *inspection.Product
	Spec     *inspection.Spec
	Supplier *supplier.Supplier
	Site     *supplier.Site
	Plan     *inspection.Plan // nil when the product has none
	Stage    inspection.StageRule
	// Sampling is the sampling plan a sampled kind would snapshot; nil for
	// other kinds, or with SamplingError saying why there is none.
	Sampling      *inspection.Sampling
	SamplingError string
	// Severity says, per class, the severity in force and why.
	Severity map[inspection.DefectClass]string
	// SupplierGate is the supplier approval gate for the product's
	// category and market at the site.
	SupplierGate supplier.GateResult
	// FAIGate is the first-article gate (pre-shipment inspections only).
	FAIGate *inspection.FAIGateResult
	// Blocked lists what keeps the inspection from being planned as it is:
	// a gate (which a quality manager may override), a discontinued
	// stream, a missing plan, an inspector the plan does not allow.
	Blocked []string
	// Gates names the gates that block and may be overridden (GateSupplier,
	// GateFAI).
	Gates []string
}

// PreviewInspection checks what is given for a new inspection and answers
// what planning it would give (Preview), without writing anything. Fields
// that do not bear on the plan (the PO, the inspector, remarks) may still
// be missing.
// Requires qms.CanEditQualityRecords. Returns invalid for bad or missing
// fields (including records that do not exist or do not fit together).
func (s *Service) PreviewInspection(ctx context.Context, in inspection.Inspection) (*Preview, error) {
	a := actor(ctx)
	if !qms.CanEditQualityRecords(a) {
		return nil, forbidden("plan inspections")
	}
	in.ResubmissionOf = nil
	if err := in.Validate(); err != nil {
		// What is not given yet (the PO, the inspector) does not change the
		// preview; what is wrong with the records and the lot does.
		p := qms.Problems{}
		for f, m := range qms.ErrorFields(err) {
			switch f {
			case "kind", "product_id", "spec_id", "supplier_id", "site_id", "lot_size", "order_quantity", "produced", "packed", "fai_pieces":
				p.Add(f, m)
			}
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
	}
	pv := &Preview{Severity: map[inspection.DefectClass]string{}}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		p := qms.Problems{}
		ref := func(field, what string, err error) error {
			if qms.ErrorKind(err) == qms.KindNotFound {
				p.Add(field, what+" not found")
				return nil
			}
			return err
		}
		var err error
		if pv.Product, err = tx.Product(in.ProductID); err != nil {
			if err := ref("product_id", "product", err); err != nil {
				return err
			}
		} else if pv.Product.VoidedAt != nil {
			p.Add("product_id", "this product is voided")
		}
		if pv.Spec, err = tx.Spec(in.SpecID); err != nil {
			if err := ref("spec_id", "spec revision", err); err != nil {
				return err
			}
		} else if err := inspection.CheckInspectable(pv.Spec, in.ProductID); err != nil {
			for f, m := range qms.ErrorFields(err) {
				p.Add(f, m)
			}
		}
		if pv.Supplier, err = tx.Supplier(in.SupplierID); err != nil {
			if err := ref("supplier_id", "supplier", err); err != nil {
				return err
			}
		} else if pv.Supplier.VoidedAt != nil {
			p.Add("supplier_id", "this supplier is voided")
		}
		if pv.Site, err = tx.Site(in.SiteID); err != nil {
			if err := ref("site_id", "site", err); err != nil {
				return err
			}
		} else if pv.Site.SupplierID != in.SupplierID {
			p.Add("site_id", "is a site of another supplier")
		} else if pv.Site.VoidedAt != nil {
			p.Add("site_id", "this site is voided")
		}
		if err := p.Err(); err != nil {
			return err
		}
		if pv.Supplier.Status == supplier.StatusDisqualified {
			pv.Blocked = append(pv.Blocked, pv.Supplier.DisplayName()+" is disqualified: no inspection is booked for it")
		}
		pv.Plan, err = tx.PlanFor(in.ProductID, in.SupplierID)
		switch {
		case qms.ErrorKind(err) == qms.KindNotFound:
			pv.Plan = nil
			pv.Stage = inspection.DefaultStage(in.Kind)
			if in.Kind.Sampled() {
				pv.Blocked = append(pv.Blocked, "product "+pv.Product.SKU+" has no inspection plan: a quality manager sets its standard, level and AQLs first")
			}
		case err != nil:
			return err
		default:
			pv.Stage, _ = pv.Plan.Stage(in.Kind)
			if ok, why := pv.Plan.Inspectors.Allows(in.Inspector); !ok {
				pv.Blocked = append(pv.Blocked, why)
			}
		}
		var markets []string
		if pv.Product.Market != "" {
			markets = []string{pv.Product.Market}
		}
		if pv.SupplierGate, err = tx.SupplierGate(in.SupplierID, in.SiteID, []string{pv.Product.Category}, markets); err != nil {
			return err
		}
		if err := pv.SupplierGate.Err(); err != nil {
			pv.Blocked = append(pv.Blocked, qms.ErrorMessage(err))
			pv.Gates = append(pv.Gates, inspection.GateSupplier)
		}
		if in.Kind == inspection.KindPreShipment {
			g, err := tx.FAIGate(in.ProductID, in.SiteID, in.SpecID)
			if err != nil {
				return err
			}
			pv.FAIGate = &g
			if err := g.Err(); err != nil {
				pv.Blocked = append(pv.Blocked, qms.ErrorMessage(err))
				pv.Gates = append(pv.Gates, inspection.GateFAI)
			}
		}
		if !in.Kind.Sampled() || pv.Plan == nil {
			return nil
		}
		streams, err := tx.SwitchingStreams(in.SupplierID, in.ProductID)
		if err != nil {
			return err
		}
		sev := map[inspection.DefectClass]sampling.Severity{}
		why := map[inspection.DefectClass]string{}
		for _, c := range pv.Plan.Classes {
			if c.ZeroTolerance {
				pv.Severity[c.Class] = "zero tolerance: Ac 0, Re 1 on every unit drawn"
				continue
			}
			var st *inspection.Stream
			for i := range streams {
				if streams[i].Class == c.Class {
					st = &streams[i]
				}
			}
			cfg := sampling.SwitchConfig{Standard: pv.Plan.Standard, Level: pv.Plan.Level, AQL: c.AQL}
			sv, reason, err := inspection.SeverityInForce(st, cfg, false)
			if err != nil {
				pv.Blocked = append(pv.Blocked, qms.ErrorMessage(err))
				continue
			}
			sev[c.Class], why[c.Class] = sv, reason
			pv.Severity[c.Class] = sv.String() + ": " + reason
		}
		spec := pv.Spec
		var tests []inspection.Characteristic
		for _, c := range spec.Characteristics {
			if c.Kind == inspection.CharTest {
				tests = append(tests, c)
			}
		}
		pv.Sampling, err = inspection.PlanSampling(inspection.SamplingInput{Standard: pv.Plan.Standard, Level: pv.Plan.Level,
			Classes: pv.Plan.Classes, Counting: pv.Plan.Counting, ReducedApproved: pv.Plan.ReducedApproved, Lot: in.Lot.LotSize,
			Severity: sev, SeverityReason: why, Tests: tests})
		if err != nil {
			if qms.ErrorKind(err) != qms.KindInvalid {
				return err
			}
			pv.SamplingError = qms.ErrorMessage(err)
			pv.Blocked = append(pv.Blocked, pv.SamplingError)
			pv.Sampling = nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pv, nil
}

// PlanInspection books an inspection with its sampling snapshot (see
// store.Tx.PlanInspection). Requires qms.CanEditQualityRecords; a gate
// override requires qms.CanApprove and a reason. Returns invalid,
// forbidden or conflict (a gate that blocks, a discontinued stream, no
// plan).
func (s *Service) PlanInspection(ctx context.Context, in *inspection.Inspection, overrides ...inspection.GateOverride) error {
	a := actor(ctx)
	if !qms.CanEditQualityRecords(a) {
		return forbidden("plan inspections")
	}
	if len(overrides) > 0 && !qms.CanApprove(a) {
		return forbidden("override a booking gate: a quality manager does")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.PlanInspection(in, overrides...) })
}

// UpdateInspection changes the header of an inspection before submission
// (see store.Tx.UpdateInspection). Requires qms.CanEditQualityRecords.
// Returns not found, invalid or conflict.
func (s *Service) UpdateInspection(ctx context.Context, in *inspection.Inspection, version int64, reason string) error {
	a := actor(ctx)
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, in.ID); err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("change inspections")
		}
		return tx.UpdateInspection(in, version, reason)
	})
}

// CancelInspection calls off an inspection before submission, with a
// reason. Requires qms.CanEditQualityRecords. Returns not found, invalid
// or conflict.
func (s *Service) CancelInspection(ctx context.Context, id int64, reason string, version int64) error {
	a := actor(ctx)
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, id); err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("cancel inspections")
		}
		return tx.CancelInspection(id, reason, version)
	})
}

// ---- Recording ----

// photoIDs returns the file ids an entry refers to.
func photoIDs(e *inspection.Entry) []int64 {
	switch {
	case e.Defect != nil:
		return e.Defect.Photos
	case e.Test != nil:
		return e.Test.Photos
	case e.Check != nil:
		return e.Check.Photos
	case e.FAI != nil:
		return e.FAI.Photos
	case e.Photo != nil && e.Photo.FileID > 0:
		return []int64{e.Photo.FileID}
	}
	return nil
}

// checkPhotos checks that the files an entry refers to are photos of the
// inspection: files attached to it, or the actor's own unattached uploads,
// which are attached to it now.
func checkPhotos(tx *store.Tx, inspectionID int64, ids []int64) error {
	p := qms.Problems{}
	for _, id := range ids {
		if id <= 0 {
			continue // the entry's validation names it
		}
		f, err := tx.File(id)
		switch {
		case qms.ErrorKind(err) == qms.KindNotFound:
			p.Add("photos", fmt.Sprintf("file %d not found: upload the photo to the inspection first", id))
			continue
		case err != nil:
			return err
		case f.VoidedAt != nil:
			p.Add("photos", fmt.Sprintf("file %d is voided", id))
			continue
		case f.OwnerType == ownerInspection && f.OwnerID == inspectionID:
			continue
		case f.Attached():
			p.Add("photos", fmt.Sprintf("file %d belongs to another record: upload the photo to this inspection", id))
			continue
		}
		if _, err := tx.AttachFile(id, ownerInspection, inspectionID); err != nil {
			if qms.ErrorKind(err) == qms.KindNotFound {
				p.Add("photos", fmt.Sprintf("file %d not found: upload the photo to the inspection first", id))
				continue
			}
			return err
		}
	}
	return p.Err()
}

// RecordEntry records one entry into an inspection the actor may see
// (store.Tx.RecordEntry: checked against the sampling snapshot, the pinned
// spec and the defect library, and idempotent on the entry's key: a
// resent entry returns the stored one with created false). Photos must be
// files uploaded to the inspection (or the actor's own unattached
// uploads, which it attaches). Requires qms.CanEditQualityRecords. Returns
// not found, invalid or conflict (a key reused for other content; a
// submitted, decided or cancelled inspection).
//
// The entry is checked in a read transaction first (store.Tx.CheckEntry),
// so that the write transaction, behind SQLite's single writer, only
// inserts it and its audit event (store.Tx.RecordCheckedEntry, which
// checks again if the inspection changed in between).
func (s *Service) RecordEntry(ctx context.Context, e *inspection.Entry) (created bool, err error) {
	a := actor(ctx)
	var checked *inspection.Inspection
	var stored bool
	err = s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		checked, err = tx.RecordingInspection(e.InspectionID) // shared: not modified here
		if checked, err = visibleTo(a, checked, err); err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("record inspections")
		}
		stored, err = tx.CheckEntry(checked, e)
		return err
	})
	if err != nil || stored {
		return false, err
	}
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if photos := photoIDs(e); len(photos) > 0 {
			if err := checkPhotos(tx, e.InspectionID, photos); err != nil {
				return err
			}
		}
		var err error
		created, err = tx.RecordCheckedEntry(e, checked)
		return err
	})
	return created, err
}

// ---- Submission, decision, amendments ----

// Submit submits the report of an inspection if version is still current:
// the computed verdict, or pending with a reason (inspection.CheckSubmit).
// Requires qms.CanEditQualityRecords. Returns not found, invalid or
// conflict (incomplete, not recordable, stale).
func (s *Service) Submit(ctx context.Context, id, version int64, sub inspection.Submission) (*inspection.Inspection, error) {
	a := actor(ctx)
	var out *inspection.Inspection
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, id); err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("submit inspections")
		}
		var err error
		out, err = tx.SubmitInspection(id, version, sub)
		return err
	})
	return out, err
}

// Return sends a submitted inspection back to the inspector with a
// reason. Requires qms.CanApprove. Returns not found, invalid or conflict.
func (s *Service) Return(ctx context.Context, id, version int64, reason string) error {
	a := actor(ctx)
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, id); err != nil {
			return err
		}
		if !qms.CanApprove(a) {
			return forbidden("return a submitted inspection: a quality manager does")
		}
		return tx.ReturnInspection(id, version, reason)
	})
}

// Decide records the decision on a submitted inspection if version is
// still current (store.Tx.DecideInspection: lot result, switching streams,
// and for rework the linked re-inspection, whose id is in
// Decision.ReinspectionID). A decision on a first article inspection is
// electronically signed by the quality manager in the same transaction
// (store.Tx.SignFAIDecision; meaning approved for an approval, reviewed
// for a rejection), who enters their password again: a wrong one is an
// invalid error on the field "password", counts toward sign-in throttling
// and writes nothing; other inspections ignore password. Requires
// qms.CanApprove. Returns not found, forbidden, invalid, too many
// (throttled) or conflict.
func (s *Service) Decide(ctx context.Context, id, version int64, d inspection.Decision, password string) (*inspection.Inspection, error) {
	a := actor(ctx)
	var in *inspection.Inspection
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		in, err = visibleInspection(tx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !qms.CanApprove(a) {
		return nil, forbidden("decide on inspections: a quality manager does")
	}
	signed := in.Kind == inspection.KindFirstArticle
	if signed {
		if err := ncrops.Reauthenticate(ctx, s.Auth, password); err != nil {
			return nil, err
		}
	}
	var out *inspection.Inspection
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if signed {
			meaning := esign.MeaningReviewed
			if d.Kind.Accepts() {
				meaning = esign.MeaningApproved
			}
			sig, err := tx.SignFAIDecision(id, d, meaning, d.Reason)
			if err != nil {
				return err
			}
			d.SignatureID = &sig.ID
		}
		var err error
		out, err = tx.DecideInspection(id, version, d)
		return err
	})
	return out, err
}

// Signatures returns the electronic signatures of an inspection the actor
// may see (a first article decision) with whether each still matches the
// inspection. Returns not found.
func (s *Service) Signatures(ctx context.Context, id int64) ([]esign.Check, error) {
	a := actor(ctx)
	var out []esign.Check
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, id); err != nil {
			return err
		}
		var err error
		out, err = tx.CheckSignatures("inspection", id)
		return err
	})
	return out, err
}

// Amend adds an amendment with a reason to a submitted or decided
// inspection; the report itself never changes. Requires
// qms.CanEditQualityRecords. Returns not found, invalid or conflict
// (an inspection still being recorded is edited, not amended).
func (s *Service) Amend(ctx context.Context, am *inspection.Amendment) error {
	a := actor(ctx)
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, am.InspectionID); err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("amend inspections")
		}
		return tx.AmendInspection(am)
	})
}

// Amendments returns the amendments of an inspection the actor may see,
// oldest first. Returns not found.
func (s *Service) Amendments(ctx context.Context, id int64) ([]inspection.Amendment, error) {
	a := actor(ctx)
	var out []inspection.Amendment
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, id); err != nil {
			return err
		}
		var err error
		out, err = tx.Amendments(id)
		return err
	})
	return out, err
}

// NCRSeed returns what an NCR raised from a failed or pending inspection
// starts with. Requires qms.CanEditQualityRecords. Returns not found or
// conflict (it passed, or already has an NCR).
func (s *Service) NCRSeed(ctx context.Context, id int64) (*inspection.NCRSeed, error) {
	a := actor(ctx)
	var out *inspection.NCRSeed
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		in, err := visibleInspection(tx, a, id)
		if err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("raise NCRs")
		}
		out, err = inspection.SeedNCR(in)
		return err
	})
	return out, err
}

// FAIGate answers the first-article gate for a product at a site against a
// spec revision today. Requires qms.CanViewInternal. Returns not found.
func (s *Service) FAIGate(ctx context.Context, productID, siteID, specID int64) (inspection.FAIGateResult, error) {
	if err := internal(actor(ctx), "the first-article gate"); err != nil {
		return inspection.FAIGateResult{}, err
	}
	var g inspection.FAIGateResult
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.Site(siteID); err != nil {
			return hidden(err, "site")
		}
		sp, err := tx.Spec(specID)
		if err != nil {
			return hidden(err, "spec revision")
		}
		if sp.ProductID != productID {
			return notFound("spec revision")
		}
		g, err = tx.FAIGate(productID, siteID, specID)
		return err
	})
	return g, err
}

// Person is a user who may be named as an inspection's inspector.
type Person struct {
	ID   int64    `json:"id"`
	Name string   `json:"name"`
	Role qms.Role `json:"role"`
}

// Inspectors returns the enabled internal users who may record
// inspections (inspectors, quality managers, admins), by name. Requires
// qms.CanEditQualityRecords.
func (s *Service) Inspectors(ctx context.Context) ([]Person, error) {
	if !qms.CanEditQualityRecords(actor(ctx)) {
		return nil, forbidden("plan inspections")
	}
	enabled := false
	var out []Person
	for _, r := range []qms.Role{qms.RoleInspector, qms.RoleQualityManager, qms.RoleAdmin} {
		users, _, err := s.Store.ListUsers(ctx, store.UserFilter{Role: r, Disabled: &enabled, Limit: store.MaxPageSize})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			out = append(out, Person{ID: u.ID, Name: u.Name, Role: u.Role})
		}
	}
	slices.SortFunc(out, func(a, b Person) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}
