package web

import (
	"bytes"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"qms/internal/chart"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/resultops"
	"qms/internal/store"
)

// Rejection rates: the lot rejection rate and PPM of decided inspections
// and imported agency results per supplier, site, product, inspection
// kind or month over a period, with the monthly trend; and a panel of the
// same for one supplier or product, which the supplier and product pages
// load (htmx) from GET /rates/panel. A supplier user sees its own
// supplier's rates only (resultops).

// ratesQuery is the filter of the rates page as typed.
type ratesQuery struct {
	Group, From, To, Kind   string
	Supplier, Site, Product string
	IncludeResubmitted      bool
}

func (q ratesQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"group": q.Group, "from": q.From, "to": q.To, "kind": q.Kind, "supplier_id": q.Supplier,
		"site_id": q.Site, "product_id": q.Product} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.IncludeResubmitted {
		v.Set("resubmitted", "1")
	}
	return v
}

// rateGroups are the groupings the page offers.
var rateGroups = []struct{ Value, Label string }{
	{resultops.GroupSupplier, "Supplier"}, {resultops.GroupSite, "Factory site"}, {resultops.GroupProduct, "Product"},
	{resultops.GroupKind, "Inspection type"}, {resultops.GroupMonth, "Month"},
}

// defaultPeriod is the last twelve whole months up to this month.
func defaultPeriod(now time.Time) (qms.Date, qms.Date) {
	today := qms.DateOf(now)
	return store.WholeMonths(today.AddDate(0, -11, 0), today)
}

// filter checks the query and returns the store filter and the group.
func (q *ratesQuery) filter(now time.Time) (store.LotResultFilter, qms.Problems) {
	p := qms.Problems{}
	f := store.LotResultFilter{IncludeResubmitted: q.IncludeResubmitted}
	if q.Group == "" {
		q.Group = resultops.GroupSupplier
	}
	if !slices.ContainsFunc(rateGroups, func(g struct{ Value, Label string }) bool { return g.Value == q.Group }) {
		p.Add("group", "choose supplier, site, product, kind or month")
		q.Group = resultops.GroupSupplier
	}
	from, to := defaultPeriod(now)
	if q.From == "" {
		q.From = from.String()
	}
	if q.To == "" {
		q.To = to.String()
	}
	var err error
	if f.From, err = qms.ParseDate(q.From); err != nil {
		p.Add("from", "must be a date such as 2026-01-01")
	}
	if f.To, err = qms.ParseDate(q.To); err != nil {
		p.Add("to", "must be a date such as 2026-12-31")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		p.Add("to", "is before from")
	}
	id := func(field, s string) int64 {
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			p.Add(field, "must be a record number")
		}
		return n
	}
	f.SupplierID, f.SiteID, f.ProductID = id("supplier_id", q.Supplier), id("site_id", q.Site), id("product_id", q.Product)
	if q.Kind != "" {
		if !inspection.Kind(q.Kind).Valid() {
			p.Add("kind", "is not an inspection type")
		}
		f.Kind = inspection.Kind(q.Kind)
	}
	return f, p
}

// rateRow is one row of the rates table.
type rateRow struct {
	resultops.Rate
	URL       string // the group's record, when it has one
	LRR       string // lot rejection rate in per cent
	PPM       string
	BarWidth  int // per cent of the widest bar
	Rejecting bool
}

func rateRows(rates []resultops.Rate, group string) []rateRow {
	out := make([]rateRow, len(rates))
	top := 0.0
	for _, r := range rates {
		top = math.Max(top, r.RejectionRate())
	}
	for i, r := range rates {
		row := rateRow{Rate: r, LRR: strconv.FormatFloat(100*r.RejectionRate(), 'f', 1, 64) + " %",
			PPM: strconv.FormatFloat(math.Round(r.PPM()), 'f', 0, 64), Rejecting: r.Rejected > 0}
		if top > 0 {
			row.BarWidth = int(math.Round(60 * r.RejectionRate() / top))
		}
		switch group {
		case resultops.GroupSupplier:
			row.URL = "/suppliers/" + r.Key
		case resultops.GroupProduct:
			row.URL = "/products/" + r.Key
		}
		out[i] = row
	}
	if group != resultops.GroupMonth && group != resultops.GroupKind {
		slices.SortStableFunc(out, func(a, b rateRow) int {
			if c := -compareFloat(a.RejectionRate(), b.RejectionRate()); c != 0 {
				return c
			}
			return b.Lots - a.Lots
		})
	}
	return out
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// trendChart charts the lot rejection rate and PPM per month of the
// period (months without lots are gaps).
func trendChart(title string, months []resultops.Rate, from, to qms.Date) template.HTML {
	var labels []string
	byMonth := map[string]resultops.Rate{}
	for _, m := range months {
		byMonth[m.Key] = m
	}
	var lrr, ppm []float64
	for d := qms.NewDate(from.Year(), from.Month(), 1); !d.After(to); d = d.AddDate(0, 1, 0) {
		key := d.String()[:7]
		labels = append(labels, key)
		if m, ok := byMonth[key]; ok && m.Lots > 0 {
			lrr, ppm = append(lrr, m.RejectionRate()), append(ppm, m.PPM())
		} else {
			lrr, ppm = append(lrr, math.NaN()), append(ppm, math.NaN())
		}
		if len(labels) > 120 {
			break
		}
	}
	c := chart.Trend(title, labels,
		chart.Series{Name: "Lot rejection rate", Kind: chart.Line, Points: chart.Values(lrr)},
		chart.Series{Name: "PPM", Kind: chart.Line, Points: chart.Values(ppm), Y2: true})
	c.Y = chart.Axis{Label: "Lots rejected", Percent: true, Min: 0, Max: math.Max(0.05, maxFinite(lrr)*1.15), Fixed: true}
	c.Y2 = &chart.Axis{Label: "PPM (defective per million inspected)", Min: 0, Max: math.Max(100, maxFinite(ppm)*1.15), Fixed: true}
	return template.HTML(c.SVG(900, 300))
}

func maxFinite(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		if !math.IsNaN(v) {
			m = math.Max(m, v)
		}
	}
	return m
}

type ratesPage struct {
	layout
	Query   ratesQuery
	Groups  []struct{ Value, Label string }
	Kinds   []inspection.Kind
	Errors  map[string]string
	Rows    []rateRow
	Total   *rateRow
	Chart   template.HTML
	Caption string
}

func (*ratesPage) template() string { return "rates" }

func (u *UI) ratesPage(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	qv := r.URL.Query()
	q := ratesQuery{Group: qv.Get("group"), From: qv.Get("from"), To: qv.Get("to"), Kind: qv.Get("kind"), Supplier: qv.Get("supplier_id"),
		Site: qv.Get("site_id"), Product: qv.Get("product_id"), IncludeResubmitted: qv.Get("resubmitted") != ""}
	f, p := q.filter(time.Now().UTC())
	page := &ratesPage{layout: layout{Title: "Rejection rates"}, Groups: rateGroups, Kinds: inspection.Kinds}
	if err := p.Err(); err != nil {
		page.Query, page.Errors = q, qms.ErrorFields(err)
		u.render(w, r, http.StatusBadRequest, page)
		return nil
	}
	ops := u.results()
	rates, err := ops.Rates(r.Context(), f, q.Group)
	if err != nil {
		return err
	}
	total, err := ops.Rates(r.Context(), f, resultops.GroupTotal)
	if err != nil {
		return err
	}
	months := rates
	if q.Group != resultops.GroupMonth {
		if months, err = ops.Rates(r.Context(), f, resultops.GroupMonth); err != nil {
			return err
		}
	}
	page.Query, page.Rows = q, rateRows(rates, q.Group)
	if len(total) == 1 {
		t := rateRows(total, resultops.GroupTotal)[0]
		page.Total = &t
	}
	page.Caption = "Monthly lot rejection rate and PPM, " + f.From.String() + " to " + f.To.String()
	page.Chart = trendChart(page.Caption, months, f.From, f.To)
	u.render(w, r, http.StatusOK, page)
	return nil
}

type ratesPanel struct {
	layout
	What  string // "supplier" or "product"
	More  string // the rates page for the record
	Kinds []rateRow
	Total *rateRow
	Chart template.HTML
}

func (*ratesPanel) template() string { return "rates_panel" }

// ratesPanel is the fragment of the supplier or product page: the last
// twelve months by inspection type, with the monthly trend.
func (u *UI) ratesPanel(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	qv := r.URL.Query()
	q := ratesQuery{Group: resultops.GroupKind, Supplier: qv.Get("supplier_id"), Product: qv.Get("product_id")}
	f, p := q.filter(time.Now().UTC())
	if err := p.Err(); err != nil || (f.SupplierID == 0) == (f.ProductID == 0) {
		return qms.Errorf(qms.KindNotFound, "There is no such panel: give a supplier_id or a product_id.")
	}
	panel := &ratesPanel{What: "supplier"}
	if f.ProductID != 0 {
		panel.What = "product"
	}
	panel.More = "/rates?" + ratesQuery{Group: resultops.GroupProduct, Supplier: q.Supplier, Product: q.Product}.values().Encode()
	if f.ProductID != 0 {
		panel.More = "/rates?" + ratesQuery{Group: resultops.GroupSupplier, Product: q.Product}.values().Encode()
	}
	ops := u.results()
	kinds, err := ops.Rates(r.Context(), f, resultops.GroupKind)
	if err != nil {
		return err
	}
	months, err := ops.Rates(r.Context(), f, resultops.GroupMonth)
	if err != nil {
		return err
	}
	total, err := ops.Rates(r.Context(), f, resultops.GroupTotal)
	if err != nil {
		return err
	}
	panel.Kinds = rateRows(kinds, resultops.GroupKind)
	if len(total) == 1 {
		t := rateRows(total, resultops.GroupTotal)[0]
		panel.Total = &t
	}
	if len(months) > 0 {
		panel.Chart = trendChart("Monthly lot rejection rate and PPM, last 12 months", months, f.From, f.To)
	}
	u.renderPanel(w, r, panel)
	return nil
}

// renderPanel writes the "content" template of a page without the
// layout, for a page that loads it into itself.
func (u *UI) renderPanel(w http.ResponseWriter, r *http.Request, p page) {
	t, ok := u.pages[p.template()]
	if !ok {
		u.log.Error("render panel", "template", p.template(), "err", errNoTemplate(p.template()))
		http.Error(w, "An internal error occurred.", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", p); err != nil {
		u.log.Error("render panel", "template", p.template(), "err", err, "request_id", qms.RequestID(r.Context()))
		http.Error(w, "An internal error occurred.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}
