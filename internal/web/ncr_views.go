package web

import (
	"html/template"
	"net/http"
	"time"

	"qms/internal/chart"
	"qms/internal/ncr"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// The Pareto charts of NCRs (by defect code, by supplier, by cause
// category) and the cost of poor quality by supplier and month, one total
// per currency. Both are read-only views for internal users, read through
// the operations (ncrops.Paretos, ncrops.CostOfPoorQuality), which check
// the permission and the period.

// ncrViewQuery is the period and supplier of the views as typed.
type ncrViewQuery struct {
	From, To, Supplier, By string
}

func (q ncrViewQuery) filter(now time.Time) (store.NCRViewFilter, map[string]string) {
	p := qms.Problems{}
	var f store.NCRViewFilter
	from, to := defaultPeriod(now)
	if q.From == "" {
		q.From = from.String()
	}
	if q.To == "" {
		q.To = to.String()
	}
	f.From = lineDate(p, "from", q.From)
	f.To = lineDate(p, "to", q.To)
	f.SupplierID = formInt64(p, q.Supplier, "supplier")
	if err := p.Err(); err != nil {
		return f, qms.ErrorFields(err)
	}
	return f, nil
}

// paretoChart is one Pareto with its table.
type paretoChart struct {
	ID, Title string
	SVG       template.HTML
	Counts    []store.ParetoCount
	Total     int
}

type ncrParetoPage struct {
	layout
	Query     ncrViewQuery
	Suppliers []supplier.Supplier
	Charts    []paretoChart
	Errors    map[string]string
}

func (*ncrParetoPage) template() string { return "ncr_pareto" }

// paretoTop is how many bars a Pareto shows before "Other".
const paretoTop = 15

func pareto(id, title string, counts []store.ParetoCount) paretoChart {
	items := make([]chart.Item, len(counts))
	total := 0
	for i, c := range counts {
		items[i] = chart.Item{Label: c.Label, Value: float64(c.NCRs)}
		total += c.NCRs
	}
	c := chart.Pareto(title, chart.TopItems(items, paretoTop, "Other"))
	c.ID = "pareto-" + id
	c.Y.Label = "NCRs"
	// The SVG is built by package chart, which escapes every text.
	return paretoChart{ID: id, Title: title, SVG: template.HTML(c.SVG(760, 360)), Counts: counts, Total: total}
}

func (u *UI) ncrPareto(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	v := r.URL.Query()
	q := ncrViewQuery{From: v.Get("from"), To: v.Get("to"), Supplier: v.Get("supplier")}
	f, errs := q.filter(u.account.Store.Now())
	p := &ncrParetoPage{layout: layout{Title: "NCR Pareto"}, Query: q, Errors: errs}
	p.Query.From, p.Query.To = f.From.String(), f.To.String()
	var err error
	if _, p.Suppliers, err = u.supplierNames(r); err != nil {
		return err
	}
	status := http.StatusOK
	if errs != nil {
		status = http.StatusBadRequest
	} else {
		by, err := u.ncrs().Paretos(r.Context(), f)
		switch {
		case qms.ErrorKind(err) == qms.KindInvalid:
			p.Errors, status = qms.ErrorFields(err), http.StatusBadRequest
		case err != nil:
			return err
		default:
			p.Charts = []paretoChart{pareto("defect", "NCRs by defect code", by[ncrops.ByDefectCode]), pareto("supplier", "NCRs by supplier", by[ncrops.BySupplier]),
				pareto("cause", "NCRs by cause category", by[ncrops.ByCause])}
		}
	}
	u.render(w, r, status, p)
	return nil
}

// copqLine is one row of the cost of poor quality, formatted.
type copqLine struct {
	store.COPQRow
	Scrap, Rework, Sorting, Freight, Other, Total, ChargedBack string
}

func copqLines(rows []store.COPQRow) []copqLine {
	out := make([]copqLine, len(rows))
	for i, r := range rows {
		m := func(v int64) string { return ncr.FormatMoney(v, r.Currency) }
		out[i] = copqLine{COPQRow: r, Scrap: m(r.Scrap), Rework: m(r.Rework), Sorting: m(r.Sorting), Freight: m(r.Freight), Other: m(r.Other),
			Total: m(r.Total()), ChargedBack: m(r.ChargedBack)}
	}
	return out
}

// copqCharts returns, for each currency, the Pareto of the cost of poor
// quality by supplier in major units of that currency.
func copqCharts(rows []store.COPQRow) []paretoChart {
	var out []paretoChart
	for _, t := range store.COPQTotals(rows) {
		div := 1.0
		for range ncr.CurrencyDigits(t.Currency) {
			div *= 10
		}
		by := map[string]float64{}
		var order []string
		for _, r := range rows {
			if r.Currency != t.Currency {
				continue
			}
			if _, ok := by[r.Supplier]; !ok {
				order = append(order, r.Supplier)
			}
			by[r.Supplier] += float64(r.Total()) / div
		}
		items := make([]chart.Item, len(order))
		for i, name := range order {
			items[i] = chart.Item{Label: name, Value: by[name]}
		}
		c := chart.Pareto("Cost of poor quality by supplier, "+t.Currency, chart.TopItems(items, paretoTop, "Other"))
		c.ID, c.Y.Label = "copq-"+t.Currency, "Cost ("+t.Currency+")"
		// The SVG is built by package chart, which escapes every text.
		out = append(out, paretoChart{ID: "copq-" + t.Currency, Title: c.Title, SVG: template.HTML(c.SVG(760, 340))})
	}
	return out
}

type ncrCOPQPage struct {
	layout
	Query     ncrViewQuery
	Suppliers []supplier.Supplier
	Rows      []copqLine
	Totals    []copqLine
	Charts    []paretoChart // one Pareto of cost by supplier per currency
	Errors    map[string]string
}

func (*ncrCOPQPage) template() string { return "ncr_copq" }

// ncrCOPQ shows the cost of poor quality by supplier and month with one
// total per currency: amounts of different currencies are never added.
func (u *UI) ncrCOPQ(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	v := r.URL.Query()
	q := ncrViewQuery{From: v.Get("from"), To: v.Get("to"), Supplier: v.Get("supplier")}
	f, errs := q.filter(u.account.Store.Now())
	p := &ncrCOPQPage{layout: layout{Title: "Cost of poor quality"}, Query: q, Errors: errs}
	p.Query.From, p.Query.To = f.From.String(), f.To.String()
	var err error
	if _, p.Suppliers, err = u.supplierNames(r); err != nil {
		return err
	}
	status := http.StatusOK
	if errs != nil {
		status = http.StatusBadRequest
	} else {
		c, err := u.ncrs().CostOfPoorQuality(r.Context(), f)
		switch {
		case qms.ErrorKind(err) == qms.KindInvalid:
			p.Errors, status = qms.ErrorFields(err), http.StatusBadRequest
		case err != nil:
			return err
		default:
			p.Rows, p.Totals = copqLines(c.Rows), copqLines(c.Totals)
			p.Charts = copqCharts(c.Rows)
		}
	}
	u.render(w, r, status, p)
	return nil
}
