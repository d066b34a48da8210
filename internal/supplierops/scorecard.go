package supplierops

import (
	"context"

	"qms/internal/qms"
	"qms/internal/scorecard"
	"qms/internal/store"
)

// Scorecards of suppliers and sites, and their tier thresholds.
//
// Who sees a scorecard: every internal user, of any supplier; a supplier's
// user, of its own supplier and its sites only (any other is not found).
// A scorecard is the supplier's own performance, which buyers share with
// it in business reviews; it holds counts, not the buyer's internal notes.

// Period resolves a requested period: zero dates take the default (the
// last twelve whole months up to today's month, scorecard.DefaultPeriod).
// Returns invalid for a bad period (scorecard.CheckPeriod).
func (s *Service) Period(from, to qms.Date) (qms.Date, qms.Date, error) {
	df, dt := scorecard.DefaultPeriod(qms.DateOf(s.Store.Now()))
	if from.IsZero() {
		from = df
	}
	if to.IsZero() {
		to = dt
	}
	return from, to, scorecard.CheckPeriod(from, to)
}

// SupplierScorecard returns the scorecard of a supplier over from..to
// (zero dates: the default period). Returns not found (unknown, or not
// the actor's to see) or invalid (period).
func (s *Service) SupplierScorecard(ctx context.Context, supplierID int64, from, to qms.Date) (*scorecard.Scorecard, error) {
	return s.scorecard(ctx, supplierID, 0, from, to)
}

// SiteScorecard returns the scorecard of a factory site over from..to
// (zero dates: the default period). Returns not found (unknown, or not
// the actor's to see) or invalid (period).
func (s *Service) SiteScorecard(ctx context.Context, siteID int64, from, to qms.Date) (*scorecard.Scorecard, error) {
	site, err := s.Site(ctx, siteID) // not found for another supplier's site
	if err != nil {
		return nil, err
	}
	return s.scorecard(ctx, site.SupplierID, siteID, from, to)
}

func (s *Service) scorecard(ctx context.Context, supplierID, siteID int64, from, to qms.Date) (*scorecard.Scorecard, error) {
	a := actor(ctx)
	if err := visible(a, supplierID, "supplier"); err != nil {
		return nil, err
	}
	from, to, err := s.Period(from, to)
	if err != nil {
		return nil, err
	}
	var sc scorecard.Scorecard
	err = s.Store.View(ctx, func(tx *store.Tx) error {
		f, err := tx.ScorecardFacts(supplierID, siteID, from, to)
		if err != nil {
			return err
		}
		if external(a) && f.Gate.Supplier.VoidedAt != nil {
			return notFound("supplier")
		}
		th, err := tx.ScorecardSettings()
		if err != nil {
			return err
		}
		sc = scorecard.Compute(*f, *th)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &sc, nil
}

// ScorecardSettings returns the tier thresholds. Requires
// qms.CanViewInternal.
func (s *Service) ScorecardSettings(ctx context.Context) (*scorecard.Thresholds, error) {
	var th *scorecard.Thresholds
	err := s.view(ctx, "the scorecard thresholds", func(tx *store.Tx) error {
		var err error
		th, err = tx.ScorecardSettings()
		return err
	})
	return th, err
}

// UpdateScorecardSettings changes the tier thresholds. Requires
// qms.CanManageSettings. Returns invalid or conflict (stale version).
func (s *Service) UpdateScorecardSettings(ctx context.Context, th *scorecard.Thresholds, version int64, reason string) error {
	return s.configure(ctx, "change the scorecard thresholds", func(tx *store.Tx) error {
		return tx.UpdateScorecardSettings(th, version, reason)
	})
}
