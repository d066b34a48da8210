package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/qms"
	"qms/internal/scorecard"
)

// Scorecards of suppliers and factory sites over a period (package
// scorecard computes them, supplierops checks who may see them): internal
// users see any supplier's; a supplier user its own supplier's and sites'
// only, any other is 404.

// ScorecardPeriod is the period of a scorecard.
type ScorecardPeriod struct {
	From string `query:"from" format:"date" doc:"First day, YYYY-MM-DD. Default: the first day of the month eleven months ago."`
	To   string `query:"to" format:"date" doc:"Last day, YYYY-MM-DD. Default: the last day of this month."`
}

// dates parses the period; empty dates take the default.
func (p ScorecardPeriod) dates() (from, to qms.Date, err error) {
	pr := qms.Problems{}
	if p.From != "" {
		if from, err = qms.ParseDate(p.From); err != nil {
			pr.Add("from", "must be a date such as 2026-01-01")
		}
	}
	if p.To != "" {
		if to, err = qms.ParseDate(p.To); err != nil {
			pr.Add("to", "must be a date such as 2026-12-31")
		}
	}
	return from, to, pr.Err()
}

type supplierScorecardInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the supplier."`
	ScorecardPeriod
}

type siteScorecardInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the site."`
	ScorecardPeriod
}

type scorecardOutput struct {
	Body scorecard.Scorecard
}

func (a *API) registerScorecards() {
	desc := "Over a period (default: the last twelve whole months): lots inspected and the lot acceptance rate (first inspections only), " +
		"the rejection rate and PPM per inspection type, PPM (defective units per million inspected), defects per class, the monthly " +
		"acceptance rate and PPM, open NCRs (and those with an overdue containment action) and open CAPAs (and those with an overdue 8D stage) " +
		"today, the certificates by derived status with the required ones not met, the latest audit score (null when none), and the tier " +
		"(A, B, C, or empty when not rated) from the configured thresholds, with the reasons it is not A. Rates are shares from 0 to 1. " +
		"Internal users see any supplier; a supplier user its own, and any other is 404."
	op := func(id, path, summary, desc string) huma.Operation {
		return huma.Operation{OperationID: id, Method: http.MethodGet, Path: path, Tags: []string{"Scorecards"}, Summary: summary,
			Description: desc, Errors: []int{http.StatusBadRequest, http.StatusNotFound}}
	}
	Handle(a, op("get-supplier-scorecard", "/suppliers/{id}/scorecard", "A supplier's scorecard", desc), a.supplierScorecard)
	Handle(a, op("get-site-scorecard", "/sites/{id}/scorecard", "A factory site's scorecard",
		desc+" Only the lots, NCRs, CAPAs and certificates of the site count."), a.siteScorecard)
}

func (a *API) supplierScorecard(ctx context.Context, in *supplierScorecardInput) (*scorecardOutput, error) {
	from, to, err := in.dates()
	if err != nil {
		return nil, err
	}
	sc, err := a.ops().SupplierScorecard(ctx, in.ID, from, to)
	if err != nil {
		return nil, err
	}
	return &scorecardOutput{Body: *sc}, nil
}

func (a *API) siteScorecard(ctx context.Context, in *siteScorecardInput) (*scorecardOutput, error) {
	from, to, err := in.dates()
	if err != nil {
		return nil, err
	}
	sc, err := a.ops().SiteScorecard(ctx, in.ID, from, to)
	if err != nil {
		return nil, err
	}
	return &scorecardOutput{Body: *sc}, nil
}
