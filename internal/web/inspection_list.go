package web

import (
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

const inspectionsPerPage = 50

// inspectionQuery is the inspection list's filter as typed.
type inspectionQuery struct {
	Kind, Status, Verdict, Supplier, Product, PO, From, To string
}

func (q inspectionQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"kind": q.Kind, "status": q.Status, "verdict": q.Verdict, "supplier": q.Supplier, "product": q.Product,
		"po": q.PO, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

type inspectionListPage struct {
	layout
	Query       inspectionQuery
	Kinds       []kindOption
	Statuses    []inspection.Status
	Suppliers   []supplier.Supplier
	Products    []inspection.Product
	Inspections []inspectionops.Row
	NextURL     string
	FirstURL    string
	CanPlan     bool
	Internal    bool
	Errors      map[string]string
}

func (*inspectionListPage) template() string { return "inspections" }

// parseInspectionQuery reads and checks the list filter.
func parseInspectionQuery(v url.Values) (inspectionQuery, store.InspectionSearch, error) {
	q := inspectionQuery{Kind: v.Get("kind"), Status: v.Get("status"), Verdict: v.Get("verdict"), Supplier: v.Get("supplier"),
		Product: v.Get("product"), PO: strings.TrimSpace(v.Get("po")), From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to"))}
	p := qms.Problems{}
	f := store.InspectionSearch{InspectionFilter: store.InspectionFilter{Kind: inspection.Kind(q.Kind), Status: inspection.Status(q.Status),
		PONumber: q.PO, Limit: inspectionsPerPage}, Verdict: inspection.Verdict(q.Verdict)}
	if q.Kind != "" && !f.Kind.Valid() {
		p.Add("kind", "is not an inspection kind")
	}
	if q.Status != "" && !f.Status.Valid() {
		p.Add("status", "is not a status")
	}
	switch f.Verdict {
	case "", inspection.VerdictPass, inspection.VerdictFail, inspection.VerdictPending:
	default:
		p.Add("verdict", "must be pass, fail or pending")
	}
	qms.CheckText(p, "po", q.PO, inspection.MaxPONumberLen)
	f.SupplierID = formInt64(p, q.Supplier, "supplier")
	f.ProductID = formInt64(p, q.Product, "product")
	for _, d := range []struct {
		field string
		s     string
		dst   *qms.Date
	}{{"from", q.From, &f.From}, {"to", q.To, &f.To}} {
		if d.s == "" {
			continue
		}
		t, err := qms.ParseDate(d.s)
		if err != nil {
			p.Add(d.field, "must be a date such as 2026-03-31")
		}
		*d.dst = t
	}
	if b := v.Get("before"); b != "" {
		f.Before, _ = strconv.ParseInt(b, 10, 64)
	}
	return q, f, p.Err()
}

// inspectionList lists inspections, newest first, filtered by kind,
// status, verdict, supplier, product, PO and planned dates. A supplier's
// user sees its own supplier's inspections only.
func (u *UI) inspectionList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	ctx := r.Context()
	q, f, err := parseInspectionQuery(r.URL.Query())
	p := &inspectionListPage{layout: layout{Title: "Inspections"}, Query: q, Kinds: kindOptions(), Statuses: inspection.Statuses,
		CanPlan: qms.CanEditQualityRecords(a), Internal: qms.CanViewInternal(a), FirstURL: inspectionsURL(q.values())}
	status := http.StatusOK
	if err != nil {
		fields, _, code, ok := formError(err)
		if !ok {
			return err
		}
		p.Errors, status = fields, code
	} else {
		var next int64
		if p.Inspections, next, err = u.insp().ListInspections(ctx, f); err != nil {
			return err
		}
		if next > 0 {
			v := q.values()
			v.Set("before", strconv.FormatInt(next, 10))
			p.NextURL = "/inspections?" + v.Encode()
		}
	}
	if p.Internal {
		sups, err := u.ops().ListSuppliers(ctx, store.SupplierFilter{Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		p.Suppliers = sups.Items
		prods, err := u.insp().ListProducts(ctx, store.ProductFilter{Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		p.Products = prods.Items
	}
	u.render(w, r, status, p)
	return nil
}
