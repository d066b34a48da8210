package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

const suppliersPerPage = 50

// statusTab is one status filter above the supplier list, with its count.
type statusTab struct {
	Status  supplier.Status // "" for all
	Label   string
	Count   int
	URL     string
	Current bool
}

type supplierListPage struct {
	layout
	Query      supplierQuery
	Tabs       []statusTab
	Categories []supplier.Category
	Sorts      [][2]string // value, label
	Suppliers  []supplier.Supplier
	Total      int
	Page       int
	PrevURL    string
	NextURL    string
	CSVURL     string
	CanCreate  bool
	CanImport  bool
	Errors     map[string]string
}

func (*supplierListPage) template() string { return "suppliers" }

// supplierQuery is the supplier list's filter as typed.
type supplierQuery struct {
	Q, Status, Country, Category, Sort string
}

func (q supplierQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Q, "status": q.Status, "country": q.Country, "category": q.Category, "sort": q.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

var supplierSorts = [][2]string{
	{"name", "Name A–Z"}, {"-name", "Name Z–A"}, {"country", "Country"}, {"status", "Status"},
	{"-updated", "Recently changed"}, {"updated", "Least recently changed"},
}

// parseSupplierQuery reads and checks the list filter.
func parseSupplierQuery(v url.Values) (supplierQuery, store.SupplierFilter, error) {
	q := supplierQuery{Q: strings.TrimSpace(v.Get("q")), Status: v.Get("status"), Country: strings.ToUpper(strings.TrimSpace(v.Get("country"))),
		Category: v.Get("category"), Sort: v.Get("sort")}
	p := qms.Problems{}
	qms.CheckText(p, "q", q.Q, supplier.MaxNameLen)
	qms.CheckText(p, "category", q.Category, supplier.MaxCodeLen)
	f := store.SupplierFilter{Query: q.Q, Country: q.Country, Category: q.Category, Sort: q.Sort}
	if q.Status != "" {
		if !supplier.Status(q.Status).Valid() {
			p.Add("status", "is not a supplier status")
		}
		f.Statuses = []supplier.Status{supplier.Status(q.Status)}
	}
	if q.Country != "" && (len(q.Country) != 2 || strings.Trim(q.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		p.Add("country", "must be a two-letter country code such as CN")
	}
	if q.Sort != "" && !sortKnown(q.Sort) {
		p.Add("sort", "is not a sort order of this list")
	}
	return q, f, p.Err()
}

func sortKnown(s string) bool {
	for _, o := range supplierSorts {
		if o[0] == s {
			return true
		}
	}
	return false
}

// supplierList is the list of suppliers with filters, sorting, paging and
// the counts by status. A supplier user goes to its portal.
func (u *UI) supplierList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	if !qms.CanViewInternal(a) {
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	q, f, ferr := parseSupplierQuery(r.Form)
	p := &supplierListPage{layout: layout{Title: "Suppliers"}, Query: q, Sorts: supplierSorts,
		CanCreate: qms.CanEditQualityRecords(a), CanImport: qms.CanApprove(a)}
	var err error
	if p.Categories, err = u.ops().Categories(ctx); err != nil {
		return err
	}
	counts, err := u.ops().StatusCounts(ctx)
	if err != nil {
		return err
	}
	base := q.values()
	base.Del("status")
	all := 0
	for _, n := range counts {
		all += n
	}
	p.Tabs = append(p.Tabs, statusTab{Label: "All", Count: all, URL: pageURL("/suppliers", base, 1), Current: q.Status == ""})
	for _, s := range supplier.Statuses {
		v := cloneValues(base)
		v.Set("status", string(s))
		p.Tabs = append(p.Tabs, statusTab{Status: s, Label: s.Label(), Count: counts[s], URL: pageURL("/suppliers", v, 1), Current: q.Status == string(s)})
	}
	if ferr != nil {
		p.Errors = qms.ErrorFields(ferr)
		u.render(w, r, http.StatusBadRequest, p)
		return nil
	}
	var offset int
	p.Page, offset = pageOffset(r.Form, suppliersPerPage)
	f.Offset, f.Limit = offset, suppliersPerPage
	page, err := u.ops().ListSuppliers(ctx, f)
	if err != nil {
		return err
	}
	p.Suppliers, p.Total = page.Items, page.Total
	v := q.values()
	if page.Next != 0 {
		p.NextURL = pageURL("/suppliers", v, p.Page+1)
	}
	if p.Page > 1 {
		p.PrevURL = pageURL("/suppliers", v, p.Page-1)
	}
	p.CSVURL = "/suppliers.csv"
	if len(v) > 0 {
		v.Del("sort")
		p.CSVURL += "?" + v.Encode()
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// supplierCSV downloads the suppliers matching the list's filter, with
// their sites and certificates, in the import format. A supplier user gets
// its own supplier only.
func (u *UI) supplierCSV(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	_, f, err := parseSupplierQuery(r.Form)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="suppliers.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = u.ops().Export(r.Context(), w, f)
	if err != nil {
		u.log.Error("supplier export", "err", err, "request_id", qms.RequestID(r.Context()))
	}
	return nil // the download has started; the error is logged
}

const aslPerPage = 50

type approvedPage struct {
	layout
	Category   string
	Categories []supplier.Category
	Entries    []store.ASLEntry
	Page       int
	PrevURL    string
	NextURL    string
	CSVURL     string
}

func (*approvedPage) template() string { return "approved" }

// approvedList is the approved supplier list, optionally for one product
// category.
func (u *UI) approvedList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	ctx := r.Context()
	cat := supplier.NormalizeCode(r.Form.Get("category"))
	p := &approvedPage{layout: layout{Title: "Approved supplier list"}, Category: cat}
	var err error
	if p.Categories, err = u.ops().Categories(ctx); err != nil {
		return err
	}
	var offset int
	p.Page, offset = pageOffset(r.Form, aslPerPage)
	entries, next, err := u.ops().ApprovedList(ctx, cat, offset, aslPerPage)
	if err != nil {
		return err
	}
	p.Entries = entries
	v := url.Values{}
	if cat != "" {
		v.Set("category", cat)
	}
	if next != 0 {
		p.NextURL = pageURL("/approved-suppliers", v, p.Page+1)
	}
	if p.Page > 1 {
		p.PrevURL = pageURL("/approved-suppliers", v, p.Page-1)
	}
	p.CSVURL = pageURL("/approved-suppliers.csv", v, 1)
	u.render(w, r, http.StatusOK, p)
	return nil
}

// approvedCSV downloads the approved supplier list: one row per supplier
// and certificate, expired certificates included.
func (u *UI) approvedCSV(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	ctx := r.Context()
	cat := supplier.NormalizeCode(r.Form.Get("category"))
	first, next, err := u.ops().ApprovedList(ctx, cat, 0, store.MaxPageSize)
	if err != nil {
		return err
	}
	name := "approved-suppliers.csv"
	if cat != "" {
		name = "approved-suppliers-" + cat + ".csv"
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("\xEF\xBB\xBF"))
	cw := csv.NewWriter(w)
	cw.Write([]string{"supplier_id", "supplier", "name_local", "country", "status", "status_reason", "status_changed", "categories",
		"sites", "certificate", "number", "certification_body", "expiry_date", "validity", "review"})
	entries := first
	for {
		for _, e := range entries {
			s := e.Supplier
			var sites []string
			for _, st := range e.Sites {
				sites = append(sites, st.DisplayName())
			}
			changed := ""
			if s.StatusChangedAt != nil {
				changed = s.StatusChangedAt.UTC().Format("2006-01-02")
			}
			row := []string{strconv.FormatInt(s.ID, 10), s.DisplayName(), s.Name, s.Country, s.Status.Label(), s.StatusReason, changed,
				strings.Join(s.Categories, ";"), strings.Join(sites, "; ")}
			if len(e.Certificates) == 0 {
				cw.Write(append(row, "", "", "", "", "no certificates", ""))
			}
			for _, c := range e.Certificates {
				cw.Write(append(row, c.Certificate.StandardName(), c.Certificate.Number, c.Certificate.CertificationBody,
					c.Certificate.ExpiryDate.String(), c.Status.Validity.Code, string(c.Certificate.Review)))
			}
		}
		if next == 0 {
			break
		}
		if entries, next, err = u.ops().ApprovedList(ctx, cat, int(next), store.MaxPageSize); err != nil {
			u.log.Error("approved list export", "err", err, "request_id", qms.RequestID(ctx))
			break
		}
	}
	cw.Flush()
	return nil
}
