package web

import (
	"net/http"
	"net/url"
	"strings"

	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

const productsPerPage = 50

type productListPage struct {
	layout
	Q, Category   string
	Categories    []supplier.Category
	Products      []inspection.Product
	Total, Page   int
	PrevURL       string
	NextURL       string
	CanCreate     bool
	IncludeVoided bool
}

func (*productListPage) template() string { return "products" }

// productList lists products by SKU, searched and filtered by category.
func (u *UI) productList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	q := r.URL.Query()
	p := &productListPage{layout: layout{Title: "Products"}, Q: strings.TrimSpace(q.Get("q")), Category: q.Get("category"),
		IncludeVoided: q.Get("voided") == "1", CanCreate: qms.CanEditQualityRecords(a)}
	pr := qms.Problems{}
	qms.CheckText(pr, "q", p.Q, inspection.MaxNameLen)
	qms.CheckText(pr, "category", p.Category, supplier.MaxCodeLen)
	if err := pr.Err(); err != nil {
		return err
	}
	var offset int
	p.Page, offset = pageOffset(q, productsPerPage)
	page, err := u.insp().ListProducts(r.Context(), store.ProductFilter{Query: p.Q, Category: p.Category, IncludeVoided: p.IncludeVoided,
		Offset: offset, Limit: productsPerPage})
	if err != nil {
		return err
	}
	p.Products, p.Total = page.Items, page.Total
	if p.Page > 1 {
		p.PrevURL = pageURL("/products", q, p.Page-1)
	}
	if page.Next > 0 {
		p.NextURL = pageURL("/products", q, p.Page+1)
	}
	if p.Categories, err = u.ops().Categories(r.Context()); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// productForm is the product form as typed.
type productForm struct {
	SKU, Name, Category, Customer, Market, Description string
}

func productFormOf(p *inspection.Product) productForm {
	return productForm{SKU: p.SKU, Name: p.Name, Category: p.Category, Customer: p.Customer, Market: p.Market, Description: p.Description}
}

type productFormPage struct {
	layout
	Product    *inspection.Product // nil for a new product
	Form       productForm
	Version    int64
	Reason     string
	Categories []supplier.Category
	Errors     map[string]string
	Problem    string
}

func (*productFormPage) template() string { return "product_form" }

func (u *UI) productFormPage(w http.ResponseWriter, r *http.Request, status int, p *productFormPage) error {
	var err error
	if p.Categories, err = u.ops().Categories(r.Context()); err != nil {
		return err
	}
	if p.Product != nil {
		p.Title = "Edit " + p.Product.SKU
	} else {
		p.Title = "New product"
	}
	u.render(w, r, status, p)
	return nil
}

func (u *UI) productNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.productFormPage(w, r, http.StatusOK, &productFormPage{})
}

func postedProduct(r *http.Request) productForm {
	f := r.PostForm
	return productForm{SKU: f.Get("sku"), Name: f.Get("name"), Category: f.Get("category"), Customer: f.Get("customer"),
		Market: f.Get("market"), Description: f.Get("description")}
}

func (f productForm) product() *inspection.Product {
	return &inspection.Product{SKU: f.SKU, Name: f.Name, Category: f.Category, Customer: f.Customer, Market: f.Market, Description: f.Description}
}

func (u *UI) productCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	form := postedProduct(r)
	p := form.product()
	if err := u.insp().CreateProduct(r.Context(), p); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.productFormPage(w, r, code, &productFormPage{Form: form, Errors: fields, Problem: msg})
	}
	u.redirect(w, r, productPath(p.ID), "success", "Product "+p.SKU+" created. Draft its spec next.")
	return nil
}

func (u *UI) productEdit(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := u.insp().Product(r.Context(), id)
	if err != nil {
		return err
	}
	return u.productFormPage(w, r, http.StatusOK, &productFormPage{Product: p, Form: productFormOf(p), Version: p.Version})
}

func (u *UI) productUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := u.insp().Product(r.Context(), id)
	if err != nil {
		return err
	}
	form := postedProduct(r)
	p := form.product()
	p.ID = id
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if err := u.insp().UpdateProduct(r.Context(), p, postedVersion(r), reason); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.productFormPage(w, r, code, &productFormPage{Product: cur, Form: form, Version: postedVersion(r), Reason: reason, Errors: fields, Problem: msg})
	}
	u.redirect(w, r, productPath(id), "success", "Product saved.")
	return nil
}

func (u *UI) productVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := u.insp().VoidProduct(r.Context(), id, r.PostForm.Get("reason"), postedVersion(r)); err != nil {
		return u.actionFailed(w, r, productPath(id), err)
	}
	u.redirect(w, r, productPath(id), "success", "The product is voided.")
	return nil
}

// streamView is a switching stream as the product and supplier pages show
// it.
type streamView struct {
	inspectionops.StreamRow
	Severity string // normal, tightened, reduced or discontinued
}

// streamTable is a list of streams: by supplier (a product's page) or by
// product (a supplier's page).
type streamTable struct {
	Streams   []streamView
	ByProduct bool
	CanResume bool
	Back      string
}

func streamViews(rows []inspectionops.StreamRow) []streamView {
	out := make([]streamView, 0, len(rows))
	for _, r := range rows {
		v := streamView{StreamRow: r, Severity: r.State.Severity.String()}
		if r.State.Discontinued {
			v.Severity = "discontinued"
		}
		out = append(out, v)
	}
	return out
}

type productPage struct {
	layout
	Product     *inspection.Product
	Category    string
	Specs       []inspection.Spec
	Plans       []planRow
	Switching   streamTable
	Inspections []inspectionops.Row
	Suppliers   []supplier.Supplier // for a supplier x product plan
	CanEdit     bool
	CanApprove  bool
	HasDraft    bool
}

func (*productPage) template() string { return "product" }

// planRow is a plan with the name of its supplier.
type planRow struct {
	inspection.Plan
	SupplierName string
}

// productShow is a product's page: details, spec revisions, inspection
// plans, the switching state per supplier and class with why, and its
// latest inspections.
func (u *UI) productShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ops := u.insp()
	p := &productPage{CanEdit: qms.CanEditQualityRecords(a), CanApprove: qms.CanApprove(a)}
	if p.Product, err = ops.Product(ctx, id); err != nil {
		return err
	}
	p.Title = p.Product.SKU + " · " + p.Product.Name
	if p.Specs, err = ops.Specs(ctx, id); err != nil {
		return err
	}
	for _, s := range p.Specs {
		p.HasDraft = p.HasDraft || s.Status == inspection.SpecDraft && s.VoidedAt == nil
	}
	plans, err := ops.Plans(ctx, id)
	if err != nil {
		return err
	}
	for _, pl := range plans {
		row := planRow{Plan: pl}
		if pl.SupplierID != nil {
			if s, err := u.ops().Supplier(ctx, *pl.SupplierID); err == nil {
				row.SupplierName = s.DisplayName()
			}
		}
		p.Plans = append(p.Plans, row)
	}
	sw, err := ops.ProductSwitching(ctx, id)
	if err != nil {
		return err
	}
	p.Switching = streamTable{Streams: streamViews(sw), CanResume: p.CanApprove, Back: productPath(id) + "#switching-state"}
	if p.Inspections, _, err = ops.ListInspections(ctx, store.InspectionSearch{InspectionFilter: store.InspectionFilter{ProductID: id, Limit: 10}}); err != nil {
		return err
	}
	if cats, err := u.ops().Categories(ctx); err == nil {
		for _, c := range cats {
			if c.Code == p.Product.Category {
				p.Category = c.Name
			}
		}
	}
	if p.CanApprove {
		page, err := u.ops().ListSuppliers(ctx, store.SupplierFilter{Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		p.Suppliers = page.Items
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// inspectionsURL returns the inspection list filtered by v.
func inspectionsURL(v url.Values) string { return pageURL("/inspections", v, 1) }
