package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/resultops"
	"qms/internal/store"
)

// Lot results, third-party results and rejection rates. Every operation
// goes through package resultops: a supplier user sees its own supplier's
// results and rates only, and another supplier's result is 404.

// LotResult is the outcome of one inspected lot as the rejection rates and
// scorecards count it: from an inspection decided in qms, or imported
// from an agency's report.
type LotResult struct {
	ID                int64      `json:"id"`
	InspectionID      int64      `json:"inspection_id,omitempty" doc:"The inspection of qms it comes from (source internal)."`
	Source            string     `json:"source" enum:"internal,third_party"`
	Agency            string     `json:"agency,omitempty"`
	ReportNo          string     `json:"report_no,omitempty" doc:"The agency's report number."`
	SupplierID        int64      `json:"supplier_id"`
	SiteID            int64      `json:"site_id"`
	ProductID         int64      `json:"product_id"`
	Category          string     `json:"category"`
	Kind              string     `json:"kind" enum:"incoming,pre_production,in_process,pre_shipment,container_loading,first_article"`
	InspectedOn       string     `json:"inspected_on" format:"date"`
	PONumber          string     `json:"po_number,omitempty"`
	LotSize           int        `json:"lot_size"`
	SampleSize        int        `json:"sample_size"`
	CriticalDefective int        `json:"critical_defective"`
	MajorDefective    int        `json:"major_defective"`
	MinorDefective    int        `json:"minor_defective"`
	CriticalDefects   int        `json:"critical_defects"`
	MajorDefects      int        `json:"major_defects"`
	MinorDefects      int        `json:"minor_defects"`
	DefectiveUnits    int        `json:"defective_units"`
	Verdict           string     `json:"verdict" enum:"pass,fail,pending"`
	Decision          string     `json:"decision,omitempty"`
	Rejected          bool       `json:"rejected" doc:"Counted as rejected: failed, or pending and not accepted by the client."`
	Resubmitted       bool       `json:"resubmitted"`
	VoidedAt          *time.Time `json:"voided_at,omitempty"`
	VoidReason        string     `json:"void_reason,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
}

func lotResultOut(r *inspection.LotResult) LotResult {
	out := LotResult{ID: r.ID, Source: string(r.Source), Agency: r.Agency, ReportNo: r.ExternalRef, SupplierID: r.SupplierID, SiteID: r.SiteID,
		ProductID: r.ProductID, Category: r.Category, Kind: string(r.Kind), InspectedOn: r.InspectedOn.String(), PONumber: r.PONumber,
		LotSize: r.LotSize, SampleSize: r.SampleSize, CriticalDefective: r.CriticalDefective, MajorDefective: r.MajorDefective,
		MinorDefective: r.MinorDefective, CriticalDefects: r.CriticalDefects, MajorDefects: r.MajorDefects, MinorDefects: r.MinorDefects,
		DefectiveUnits: r.DefectiveUnits, Verdict: string(r.Verdict), Decision: string(r.Decision), Rejected: r.Rejected,
		Resubmitted: r.Resubmitted, VoidedAt: r.VoidedAt, VoidReason: r.VoidReason, CreatedAt: r.CreatedAt}
	if r.InspectionID != nil {
		out.InspectionID = *r.InspectionID
	}
	return out
}

// SwitchingEvent is what an imported result did to one switching stream.
type SwitchingEvent struct {
	Class          string `json:"class" enum:"critical,major,minor"`
	Action         string `json:"action" enum:"applied,ignored,skipped,restarted,resumed"`
	SeverityBefore string `json:"severity_before" enum:"normal,tightened,reduced"`
	SeverityAfter  string `json:"severity_after" enum:"normal,tightened,reduced"`
	Discontinued   bool   `json:"discontinued"`
	Found          int    `json:"found" doc:"Defective units or defects, by the plan's counting."`
	Reason         string `json:"reason"`
}

// ImportedResult is a stored third-party result and its effect on the
// switching state.
type ImportedResult struct {
	Row       int              `json:"row,omitempty" doc:"The row of the import it came from."`
	LotResult LotResult        `json:"lot_result"`
	Switching []SwitchingEvent `json:"switching" doc:"The switching streams it moved (or recorded as not counted), one event per class."`
	Note      string           `json:"switching_note,omitempty" doc:"Why it did not move the switching state, when it did not."`
}

func importedOut(im *resultops.Imported) ImportedResult {
	out := ImportedResult{Row: im.Row, LotResult: lotResultOut(&im.LotResult), Switching: []SwitchingEvent{}, Note: im.Switching.Note}
	for _, e := range im.Switching.Events {
		out.Switching = append(out.Switching, SwitchingEvent{Class: string(e.Class), Action: string(e.Action), SeverityBefore: e.SeverityBefore.String(),
			SeverityAfter: e.SeverityAfter.String(), Discontinued: e.Discontinued, Found: e.Found, Reason: e.Reason})
	}
	return out
}

// ImportRequest is a batch of third-party results: CSV text (see the qms
// inspection import help for its columns) or a list of results.
type ImportRequest struct {
	DryRun  bool                   `json:"dry_run,omitempty" doc:"Check every result against the database, report every problem, write nothing."`
	CSV     string                 `json:"csv,omitempty" maxLength:"1000000" doc:"The results as CSV text with a header row (columns as in qms inspection import)."`
	Results []resultops.ThirdParty `json:"results,omitempty" maxItems:"5000" doc:"The results as objects; give either csv or results."`
}

// ImportError is one problem of a batch, by row and column.
type ImportError struct {
	Row     int    `json:"row" doc:"The CSV row (the header is row 1), or the position in results (from 1)."`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// ImportReport says what a batch import did, or would do.
type ImportReport struct {
	Rows      int              `json:"rows" doc:"Results read."`
	Committed bool             `json:"committed" doc:"The results were stored (no problem, not a dry run)."`
	Imported  []ImportedResult `json:"imported" doc:"The results stored, or that would be on a dry run."`
	Errors    []ImportError    `json:"errors" doc:"Every problem; when there is one, nothing is stored."`
}

// Rate is the rejection rate of one group of lots.
type Rate struct {
	Key             string  `json:"key" doc:"The group: a supplier, site or product id, a kind, a month YYYY-MM, a category; empty for the total."`
	Label           string  `json:"label" doc:"The group's name for people."`
	Lots            int     `json:"lots"`
	Rejected        int     `json:"rejected"`
	RejectionRate   float64 `json:"rejection_rate" doc:"Lots rejected ÷ lots (0 to 1)."`
	SampleUnits     int64   `json:"sample_units"`
	DefectiveUnits  int64   `json:"defective_units"`
	PPM             float64 `json:"ppm" doc:"Defective units per million units inspected."`
	CriticalDefects int64   `json:"critical_defects"`
	MajorDefects    int64   `json:"major_defects"`
	MinorDefects    int64   `json:"minor_defects"`
}

// LotResultQuery selects lot results by query parameters.
type LotResultQuery struct {
	SupplierID         int64  `query:"supplier_id" minimum:"0"`
	SiteID             int64  `query:"site_id" minimum:"0"`
	ProductID          int64  `query:"product_id" minimum:"0"`
	Kind               string `query:"kind" enum:"incoming,pre_production,in_process,pre_shipment,container_loading,first_article"`
	Category           string `query:"category" maxLength:"64"`
	From               string `query:"from" format:"date" doc:"First day, YYYY-MM-DD."`
	To                 string `query:"to" format:"date" doc:"Last day, YYYY-MM-DD."`
	IncludeResubmitted bool   `query:"include_resubmitted" doc:"Count re-inspections after rework too; by default only first inspections count."`
}

func (f LotResultQuery) store() (store.LotResultFilter, error) {
	out := store.LotResultFilter{SupplierID: f.SupplierID, SiteID: f.SiteID, ProductID: f.ProductID, Kind: inspection.Kind(f.Kind),
		Category: f.Category, IncludeResubmitted: f.IncludeResubmitted}
	var err error
	if f.From != "" {
		if out.From, err = qms.ParseDate(f.From); err != nil {
			return out, Invalid("query.from", "is not a date: YYYY-MM-DD")
		}
	}
	if f.To != "" {
		if out.To, err = qms.ParseDate(f.To); err != nil {
			return out, Invalid("query.to", "is not a date: YYYY-MM-DD")
		}
	}
	if !out.From.IsZero() && !out.To.IsZero() && out.To.Before(out.From) {
		return out, Invalid("query.to", "is before from")
	}
	return out, nil
}

type listLotResultsInput struct {
	LotResultQuery
	PageParams
}
type listLotResultsOutput struct{ Body Page[LotResult] }
type lotResultOutput struct{ Body LotResult }
type createLotResultInput struct{ Body resultops.ThirdParty }
type createLotResultOutput struct {
	Location string `header:"Location"`
	Body     ImportedResult
}
type importLotResultsInput struct{ Body ImportRequest }
type importLotResultsOutput struct{ Body ImportReport }
type voidLotResultInput struct {
	RecordID
	Body struct {
		Reason string `json:"reason" minLength:"1" maxLength:"2000" doc:"Why the result no longer counts."`
	}
}
type ratesInput struct {
	Group string `query:"group" enum:"total,supplier,site,product,kind,month,category" default:"total" doc:"How the lots are grouped."`
	LotResultQuery
}
type ratesOutput struct {
	Body struct {
		Group string `json:"group"`
		Rates []Rate `json:"rates" doc:"One per group, by group key; none without lots."`
	}
}

func (a *API) results() *resultops.Service { return &resultops.Service{Store: a.store} }

func (a *API) registerLotResults() {
	tags := []string{"Lot results and rejection rates"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-lot-results", "GET", "/lot-results", "List lot results",
		"Newest first: decided inspections and imported agency results. Voided results are left out. A supplier user's list holds its own supplier's only."), a.listLotResults)
	create := op("create-lot-result", "POST", "/lot-results", "Import an agency's result",
		"One third-party inspection result (QIMA, V-Trust, SGS ...) stored as a lot result: it counts in the rejection rates and scorecards, "+
			"and an original incoming or pre-shipment lot under an inspection plan moves the switching state when the agency inspected the plan's sample. "+
			"Admins, quality managers and inspectors. A report already imported (same agency and report number) is 409.", cf)
	create.DefaultStatus = http.StatusCreated
	Handle(a, create, a.createLotResult)
	Handle(a, op("import-lot-results", "POST", "/lot-results/import", "Import agencies' results in a batch",
		"CSV text or a list of results, stored all together or not at all: any problem, or dry_run, stores nothing, and the report lists every problem by row and column. "+
			"Admins, quality managers and inspectors."), a.importLotResults)
	Handle(a, op("get-lot-result", "GET", "/lot-results/{id}", "Get a lot result", "Another supplier's result is 404 for a supplier user.", nf), a.getLotResult)
	Handle(a, op("void-lot-result", "POST", "/lot-results/{id}/void", "Void an imported result",
		"It no longer counts in the rates; the switching history keeps what it did. Quality managers and admins, with a reason. "+
			"The result of an inspection of qms is its decision and cannot be voided (409).", nf, cf), a.voidLotResult)
	Handle(a, op("get-rejection-rates", "GET", "/rejection-rates", "Rejection rates and PPM",
		"The lot rejection rate (lots rejected ÷ lots) and PPM (defective units per million inspected) of the lot results matching the filter, "+
			"grouped by supplier, site, product, inspection kind, month or category. A supplier user gets its own supplier's rates only."), a.rates)
}

func (a *API) listLotResults(ctx context.Context, in *listLotResultsInput) (*listLotResultsOutput, error) {
	f, err := in.LotResultQuery.store()
	if err != nil {
		return nil, err
	}
	before, err := in.After()
	if err != nil {
		return nil, err
	}
	items, next, err := a.results().LotResults(ctx, f, before, in.PageLimit())
	if err != nil {
		return nil, err
	}
	out := make([]LotResult, len(items))
	for i := range items {
		out[i] = lotResultOut(&items[i])
	}
	return &listLotResultsOutput{Body: NewPage(out, next)}, nil
}

func (a *API) createLotResult(ctx context.Context, in *createLotResultInput) (*createLotResultOutput, error) {
	im, err := a.results().Record(ctx, in.Body)
	if err != nil {
		return nil, err
	}
	return &createLotResultOutput{Location: Prefix + "/lot-results/" + strconv.FormatInt(im.LotResult.ID, 10), Body: importedOut(im)}, nil
}

func (a *API) importLotResults(ctx context.Context, in *importLotResultsInput) (*importLotResultsOutput, error) {
	var b *resultops.Batch
	switch {
	case in.Body.CSV != "" && len(in.Body.Results) > 0:
		return nil, Invalid("body.csv", "give either csv or results, not both")
	case in.Body.CSV != "":
		var err error
		if b, err = resultops.ParseCSV(strings.NewReader(in.Body.CSV)); err != nil {
			return nil, err
		}
	case len(in.Body.Results) > 0:
		rows := make([]resultops.Row, len(in.Body.Results))
		for i, t := range in.Body.Results {
			rows[i] = resultops.Row{Row: i + 1, Result: t}
		}
		b = resultops.CheckRows(rows)
	default:
		return nil, Invalid("body.csv", "give the results as csv text or as a list in results")
	}
	rep, err := a.results().Import(ctx, b, resultops.ImportOptions{DryRun: in.Body.DryRun})
	if err != nil {
		return nil, err
	}
	return &importLotResultsOutput{Body: reportOut(rep)}, nil
}

func reportOut(rep *resultops.ImportReport) ImportReport {
	out := ImportReport{Rows: rep.Rows, Committed: rep.Committed, Imported: []ImportedResult{}, Errors: []ImportError{}}
	for i := range rep.Imported {
		out.Imported = append(out.Imported, importedOut(&rep.Imported[i]))
	}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, ImportError{Row: e.Row, Column: e.Column, Message: e.Message})
	}
	return out
}

func (a *API) getLotResult(ctx context.Context, in *RecordID) (*lotResultOutput, error) {
	r, err := a.results().LotResult(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &lotResultOutput{Body: lotResultOut(r)}, nil
}

func (a *API) voidLotResult(ctx context.Context, in *voidLotResultInput) (*lotResultOutput, error) {
	r, err := a.results().VoidLotResult(ctx, in.ID, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &lotResultOutput{Body: lotResultOut(r)}, nil
}

func (a *API) rates(ctx context.Context, in *ratesInput) (*ratesOutput, error) {
	f, err := in.LotResultQuery.store()
	if err != nil {
		return nil, err
	}
	group := in.Group
	if group == "total" || group == "" {
		group = resultops.GroupTotal
	}
	rates, err := a.results().Rates(ctx, f, group)
	if err != nil {
		return nil, err
	}
	out := &ratesOutput{}
	out.Body.Group, out.Body.Rates = in.Group, []Rate{}
	if out.Body.Group == "" {
		out.Body.Group = "total"
	}
	for _, r := range rates {
		out.Body.Rates = append(out.Body.Rates, Rate{Key: r.Key, Label: r.Label, Lots: r.Lots, Rejected: r.Rejected, RejectionRate: r.RejectionRate(),
			SampleUnits: r.SampleUnits, DefectiveUnits: r.DefectiveUnits, PPM: r.PPM(), CriticalDefects: r.CriticalDefects,
			MajorDefects: r.MajorDefects, MinorDefects: r.MinorDefects})
	}
	return out, nil
}
