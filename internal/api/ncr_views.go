package api

import (
	"context"
	"net/http"
	"sort"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
)

// The views over NCRs: the Pareto of NCRs by defect code, supplier or
// cause category, and the cost of poor quality by supplier, month and
// currency with one total per currency (never a sum across currencies).
// Both go through package ncrops; internal staff only (a supplier's user
// gets 403, as for the NCR list).

// NCRViewQuery is the period and filters of an NCR view.
type NCRViewQuery struct {
	From       string `query:"from" format:"date" doc:"First day of the detection dates counted, YYYY-MM-DD. Absent: no lower bound."`
	To         string `query:"to" format:"date" doc:"Last day, YYYY-MM-DD, not before from; at most ten years after it. Absent: no upper bound."`
	SupplierID int64  `query:"supplier_id" minimum:"0" doc:"Only this supplier's NCRs."`
	ProductID  int64  `query:"product_id" minimum:"0" doc:"Only this product's NCRs."`
}

func (q NCRViewQuery) filter() (store.NCRViewFilter, error) {
	f := store.NCRViewFilter{SupplierID: q.SupplierID, ProductID: q.ProductID}
	var err error
	if q.From != "" {
		if f.From, err = date("query.from", q.From); err != nil {
			return f, err
		}
	}
	if q.To != "" {
		if f.To, err = date("query.to", q.To); err != nil {
			return f, err
		}
	}
	return f, nil
}

// queryProblem turns the field errors of an invalid view request into a
// 422 problem on the query parameters; other errors pass unchanged.
func queryProblem(err error) error {
	fields := qms.ErrorFields(err)
	if qms.ErrorKind(err) != qms.KindInvalid || len(fields) == 0 {
		return err
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var ds []*huma.ErrorDetail
	for _, f := range names {
		ds = append(ds, &huma.ErrorDetail{Location: "query." + f, Message: fields[f]})
	}
	return &huma.ErrorModel{Status: http.StatusUnprocessableEntity, Title: http.StatusText(http.StatusUnprocessableEntity),
		Detail: withDetails("The request is not valid", ds), Errors: ds}
}

// ParetoBar is one bar of a Pareto of NCRs.
type ParetoBar struct {
	Key   string `json:"key" doc:"The defect code (a defect without a code: its description), the supplier id (\"0\": no supplier) or the cause category (\"\": not yet known)."`
	Label string `json:"label"`
	NCRs  int    `json:"ncrs" doc:"NCRs in the group (voided NCRs never count)."`
	Units int64  `json:"units" doc:"Defective units of the code; units affected otherwise."`
}

// NCRPareto is a Pareto of NCRs, most NCRs first.
type NCRPareto struct {
	By    string      `json:"by"`
	From  string      `json:"from,omitempty"`
	To    string      `json:"to,omitempty"`
	Items []ParetoBar `json:"items"`
}

type ncrParetoInput struct {
	By string `query:"by" required:"true" enum:"defect_code,supplier,cause" doc:"What to count the NCRs by."`
	NCRViewQuery
}

type ncrParetoOutput struct{ Body NCRPareto }

// COPQLine is the cost of poor quality of one supplier in one month in one
// currency, or a currency's total, in integer minor units.
type COPQLine struct {
	SupplierID  int64  `json:"supplier_id,omitempty" doc:"Rows: 0 for NCRs without a supplier."`
	Supplier    string `json:"supplier,omitempty"`
	Month       string `json:"month,omitempty" doc:"Rows: YYYY-MM of the detection date."`
	Currency    string `json:"currency"`
	NCRs        int    `json:"ncrs" doc:"NCRs with a cost."`
	Scrap       int64  `json:"scrap"`
	Rework      int64  `json:"rework"`
	Sorting     int64  `json:"sorting"`
	Freight     int64  `json:"freight"`
	Other       int64  `json:"other"`
	Total       int64  `json:"total" doc:"Scrap, rework, sorting, freight and other."`
	ChargedBack int64  `json:"charged_back"`
}

func copqLines(rows []store.COPQRow) []COPQLine {
	out := make([]COPQLine, len(rows))
	for i, r := range rows {
		out[i] = COPQLine{SupplierID: r.SupplierID, Supplier: r.Supplier, Month: r.Month, Currency: r.Currency, NCRs: r.NCRs, Scrap: r.Scrap,
			Rework: r.Rework, Sorting: r.Sorting, Freight: r.Freight, Other: r.Other, Total: r.Total(), ChargedBack: r.ChargedBack}
	}
	return out
}

// NCRCostOfPoorQuality is the cost of poor quality over a period.
type NCRCostOfPoorQuality struct {
	From   string     `json:"from,omitempty"`
	To     string     `json:"to,omitempty"`
	Rows   []COPQLine `json:"rows" doc:"By supplier (by name, no supplier last), month and currency."`
	Totals []COPQLine `json:"totals" doc:"One per currency, in currency order: amounts in different currencies are never added."`
}

type ncrCOPQInput struct{ NCRViewQuery }

type ncrCOPQOutput struct{ Body NCRCostOfPoorQuality }

func dateString(d qms.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func (a *API) ncrPareto(ctx context.Context, in *ncrParetoInput) (*ncrParetoOutput, error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	counts, err := a.ncrs().Pareto(ctx, ncrops.ParetoBy(in.By), f)
	if err != nil {
		return nil, queryProblem(err)
	}
	out := &ncrParetoOutput{Body: NCRPareto{By: in.By, From: dateString(f.From), To: dateString(f.To), Items: make([]ParetoBar, len(counts))}}
	for i, c := range counts {
		out.Body.Items[i] = ParetoBar{Key: c.Key, Label: c.Label, NCRs: c.NCRs, Units: c.Units}
	}
	return out, nil
}

func (a *API) ncrCOPQ(ctx context.Context, in *ncrCOPQInput) (*ncrCOPQOutput, error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	c, err := a.ncrs().CostOfPoorQuality(ctx, f)
	if err != nil {
		return nil, queryProblem(err)
	}
	return &ncrCOPQOutput{Body: NCRCostOfPoorQuality{From: dateString(f.From), To: dateString(f.To), Rows: copqLines(c.Rows), Totals: copqLines(c.Totals)}}, nil
}

func (a *API) registerNCRViews() {
	tags := []string{"NCRs"}
	Handle(a, huma.Operation{OperationID: "ncr-pareto", Method: "GET", Path: "/ncrs/pareto", Tags: tags, Summary: "Pareto of NCRs",
		Description: "NCRs counted by defect code, supplier or cause category over the detection dates from..to, most NCRs first; voided NCRs never count. " +
			"Internal staff; a supplier's user gets 403. 422 when to is before from or the period is over ten years."}, a.ncrPareto)
	Handle(a, huma.Operation{OperationID: "ncr-cost-of-poor-quality", Method: "GET", Path: "/ncrs/cost", Tags: tags, Summary: "Cost of poor quality",
		Description: "The recorded costs of the NCRs detected from..to, by supplier, month and currency, in integer minor units, with one total per currency " +
			"(amounts in different currencies are never added). Internal staff; a supplier's user gets 403. 422 when to is before from or the period is over ten years."}, a.ncrCOPQ)
}
