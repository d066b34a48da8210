package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// planForm is the form that plans an inspection, as typed.
type planForm struct {
	Kind, Product, Supplier, Site, PO, OrderQty, LotSize, Produced, Packed string
	Inspector, Agency, AgencyInspector, PlannedOn, FAIPieces, Remarks      string
	Override                                                               map[string]bool
	OverrideReason                                                         map[string]string
}

func (f planForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"kind": f.Kind, "product": f.Product, "supplier": f.Supplier, "site": f.Site, "po": f.PO,
		"order_qty": f.OrderQty, "lot_size": f.LotSize, "produced": f.Produced, "packed": f.Packed, "inspector": f.Inspector,
		"agency": f.Agency, "agency_inspector": f.AgencyInspector, "planned_on": f.PlannedOn, "fai_pieces": f.FAIPieces, "remarks": f.Remarks} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func planFormFrom(v url.Values) planForm {
	f := planForm{Kind: v.Get("kind"), Product: v.Get("product"), Supplier: v.Get("supplier"), Site: v.Get("site"), PO: v.Get("po"),
		OrderQty: v.Get("order_qty"), LotSize: v.Get("lot_size"), Produced: v.Get("produced"), Packed: v.Get("packed"),
		Inspector: v.Get("inspector"), Agency: v.Get("agency"), AgencyInspector: v.Get("agency_inspector"), PlannedOn: v.Get("planned_on"),
		FAIPieces: v.Get("fai_pieces"), Remarks: v.Get("remarks"), Override: map[string]bool{}, OverrideReason: map[string]string{}}
	for _, g := range []string{inspection.GateSupplier, inspection.GateFAI} {
		f.Override[g] = v.Get("override."+g) != ""
		f.OverrideReason[g] = v.Get("override_reason." + g)
	}
	return f
}

// inspection reads the typed form into an inspection; the spec is the
// product's released revision.
func (f planForm) inspection(released map[int64]int64, me qms.Actor) (*inspection.Inspection, qms.Problems) {
	p := qms.Problems{}
	num := func(field, s string) int {
		s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			p.Add(field, "must be a whole number")
		}
		return n
	}
	in := &inspection.Inspection{Kind: inspection.Kind(f.Kind), ProductID: formInt64(p, f.Product, "product_id"),
		SupplierID: formInt64(p, f.Supplier, "supplier_id"), SiteID: formInt64(p, f.Site, "site_id"), Remarks: f.Remarks,
		Lot: inspection.Lot{PONumber: f.PO, OrderQuantity: num("order_quantity", f.OrderQty), LotSize: num("lot_size", f.LotSize),
			Produced: num("produced", f.Produced), Packed: num("packed", f.Packed)}}
	in.SpecID = released[in.ProductID]
	if in.ProductID != 0 && in.SpecID == 0 {
		p.Add("spec_id", "the product has no released spec revision: release one first")
	}
	if in.Kind == inspection.KindFirstArticle {
		in.FAIPieces = num("fai_pieces", f.FAIPieces)
	}
	switch {
	case f.Inspector == "agency":
		in.Inspector = inspection.Inspector{Agency: f.Agency, Name: f.AgencyInspector}
	case f.Inspector != "":
		id := formInt64(p, f.Inspector, "inspector.user_id")
		in.Inspector = inspection.Inspector{UserID: &id}
	default:
		id := me.UserID
		in.Inspector = inspection.Inspector{UserID: &id}
	}
	if s := strings.TrimSpace(f.PlannedOn); s != "" {
		d, err := qms.ParseDate(s)
		if err != nil {
			p.Add("planned_on", "must be a date such as 2026-03-31")
		}
		in.PlannedOn = d
	}
	return in, p
}

type inspectionNewPage struct {
	layout
	Form        planForm
	Kinds       []kindOption
	Products    []inspection.Product
	Suppliers   []supplier.Supplier
	Sites       []supplier.Site
	People      []inspectionops.Person
	Preview     *inspectionops.Preview
	Ready       bool // enough is chosen for a preview
	CanOverride bool
	Errors      map[string]string
	Problem     string
}

func (*inspectionNewPage) template() string { return "inspection_new" }

// released maps each product to its released spec revision.
func (u *UI) released(r *http.Request, productID int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if productID <= 0 {
		return out, nil
	}
	specs, err := u.insp().Specs(r.Context(), productID)
	if qms.ErrorKind(err) == qms.KindNotFound {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, s := range specs {
		if s.Status == inspection.SpecReleased {
			out[productID] = s.ID
		}
	}
	return out, nil
}

// newPage fills in the choices of the planning page and, once kind,
// product, supplier, site and lot size are chosen, the preview: the plan,
// the sampling per class at the severity in force and why, the supplier
// and first-article gates.
func (u *UI) newPage(r *http.Request, a qms.Actor, f planForm) (*inspectionNewPage, error) {
	ctx := r.Context()
	p := &inspectionNewPage{layout: layout{Title: "Plan an inspection"}, Form: f, Kinds: kindOptions(), CanOverride: qms.CanApprove(a),
		Errors: map[string]string{}}
	prods, err := u.insp().ListProducts(ctx, store.ProductFilter{Limit: store.MaxPageSize})
	if err != nil {
		return nil, err
	}
	p.Products = prods.Items
	sups, err := u.ops().ListSuppliers(ctx, store.SupplierFilter{Limit: store.MaxPageSize})
	if err != nil {
		return nil, err
	}
	p.Suppliers = sups.Items
	if id, err := strconv.ParseInt(f.Supplier, 10, 64); err == nil && id > 0 {
		sites, err := u.ops().Sites(ctx, id)
		if err != nil && qms.ErrorKind(err) != qms.KindNotFound {
			return nil, err
		}
		for _, s := range sites {
			if s.VoidedAt == nil {
				p.Sites = append(p.Sites, s)
			}
		}
		if len(p.Sites) == 1 && p.Form.Site == "" {
			p.Form.Site = strconv.FormatInt(p.Sites[0].ID, 10)
		}
	}
	if p.People, err = u.insp().Inspectors(ctx); err != nil {
		return nil, err
	}
	p.Ready = f.Kind != "" && f.Product != "" && f.Supplier != "" && p.Form.Site != "" && strings.TrimSpace(f.LotSize) != ""
	return p, nil
}

// inspectionNew is the planning page; with enough chosen it previews the
// plan (GET with the form's values).
func (u *UI) inspectionNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p, err := u.newPage(r, a, planFormFrom(r.URL.Query()))
	if err != nil {
		return err
	}
	if p.Form.PlannedOn == "" {
		p.Form.PlannedOn = qms.DateOf(nowUTC()).String()
	}
	if p.Ready {
		if err := u.preview(r, a, p); err != nil {
			return err
		}
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// preview computes the preview of the page's form, or the form's errors.
func (u *UI) preview(r *http.Request, a qms.Actor, p *inspectionNewPage) error {
	pid, _ := strconv.ParseInt(p.Form.Product, 10, 64)
	rel, err := u.released(r, pid)
	if err != nil {
		return err
	}
	in, pr := p.Form.inspection(rel, a)
	if err := pr.Err(); err != nil {
		p.Errors = qms.ErrorFields(err)
		return nil
	}
	p.Preview, err = u.insp().PreviewInspection(r.Context(), *in)
	if fields, msg, _, ok := formError(err); ok {
		p.Errors, p.Problem = fields, msg
		return nil
	}
	return err
}

// inspectionCreate plans the inspection, with gate overrides a quality
// manager gives, and opens it.
func (u *UI) inspectionCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := planFormFrom(r.PostForm)
	pid, _ := strconv.ParseInt(f.Product, 10, 64)
	rel, err := u.released(r, pid)
	if err != nil {
		return err
	}
	in, pr := f.inspection(rel, a)
	err = pr.Err()
	if err == nil {
		var overrides []inspection.GateOverride
		for _, g := range []string{inspection.GateSupplier, inspection.GateFAI} {
			if f.Override[g] {
				overrides = append(overrides, inspection.GateOverride{Gate: g, Reason: f.OverrideReason[g]})
			}
		}
		err = u.insp().PlanInspection(r.Context(), in, overrides...)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok && qms.ErrorKind(err) != qms.KindForbidden {
			return err
		}
		p, perr := u.newPage(r, a, f)
		if perr != nil {
			return perr
		}
		if p.Ready {
			if perr := u.preview(r, a, p); perr != nil {
				return perr
			}
		}
		if !ok {
			msg, code = qms.ErrorMessage(err), status(err)
		}
		for k, v := range fields {
			p.Errors[k] = v
		}
		p.Problem = msg
		u.render(w, r, code, p)
		return nil
	}
	msg := fmt.Sprintf("%s planned.", in.Kind.Label())
	if in.Sampling != nil {
		msg = fmt.Sprintf("%s planned: draw %d units.", in.Kind.Label(), in.Sampling.UnitsToDraw)
	}
	u.redirect(w, r, inspectionPath(in.ID), "success", msg)
	return nil
}
