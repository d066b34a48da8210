package ncrops

import (
	"context"

	"qms/internal/qms"
	"qms/internal/store"
)

// The read-only views over NCRs: the Pareto of NCRs by defect code, by
// supplier or by cause category, and the cost of poor quality by supplier
// and month, one total per currency (amounts in different currencies are
// never added together). Internal staff only (qms.CanViewInternal): a
// supplier user is forbidden, as for the NCR list.

// ParetoBy is what a Pareto of NCRs groups by.
type ParetoBy string

// The groupings of a Pareto of NCRs.
const (
	ByDefectCode ParetoBy = "defect_code"
	BySupplier   ParetoBy = "supplier"
	ByCause      ParetoBy = "cause" // the 6M cause category
)

// ParetoBys are the groupings, in the order pages show them.
var ParetoBys = []ParetoBy{ByDefectCode, BySupplier, ByCause}

// MaxViewYears is the longest period a view covers.
const MaxViewYears = 10

// CheckViewFilter checks the period of a view: each bound is optional,
// from must not be after to, the dates lie between the years 1900 and
// 2999 and the period spans at most MaxViewYears. Returns invalid with the
// fields "from" and "to", or nil.
func CheckViewFilter(f store.NCRViewFilter) error {
	p := qms.Problems{}
	sane := func(field string, d qms.Date) bool {
		if !d.IsZero() && (d.Year() < 1900 || d.Year() > 2999) {
			p.Add(field, "must be a date between the years 1900 and 2999, such as 2026-01-31")
			return false
		}
		return true
	}
	okFrom, okTo := sane("from", f.From), sane("to", f.To)
	if okFrom && okTo && !f.From.IsZero() && !f.To.IsZero() {
		switch {
		case f.To.Before(f.From):
			p.Add("to", "must not be before from ("+f.From.String()+"): give the last day of the period")
		case f.From.AddDate(MaxViewYears, 0, 0).Before(f.To):
			p.Add("to", "is too far from from: a view covers at most ten years")
		}
	}
	if f.SupplierID < 0 {
		p.Add("supplier_id", "must be a supplier id (1 or more), or 0 for all suppliers")
	}
	if f.ProductID < 0 {
		p.Add("product_id", "must be a product id (1 or more), or 0 for all products")
	}
	return p.Err()
}

// checkView checks the actor's permission, then the filter.
func checkView(ctx context.Context, f store.NCRViewFilter) error {
	if !qms.CanViewInternal(actor(ctx)) {
		return forbidden("see NCR views")
	}
	return CheckViewFilter(f)
}

// Pareto returns the NCRs matching f counted by the grouping by, most
// NCRs first (store.NCRParetoByDefect, NCRParetoBySupplier,
// NCRParetoByCause). Requires qms.CanViewInternal. Returns forbidden or
// invalid (an unknown grouping on the field "by", a bad period).
func (s *Service) Pareto(ctx context.Context, by ParetoBy, f store.NCRViewFilter) ([]store.ParetoCount, error) {
	if err := checkView(ctx, f); err != nil {
		return nil, err
	}
	if err := checkBy(by); err != nil {
		return nil, err
	}
	var out []store.ParetoCount
	err := s.Store.View(ctx, func(tx *store.Tx) (err error) {
		out, err = pareto(tx, by, f)
		return err
	})
	return out, err
}

// Paretos returns the Pareto of the NCRs matching f for each grouping of
// ParetoBys, read in one transaction. Requires qms.CanViewInternal.
// Returns forbidden or invalid.
func (s *Service) Paretos(ctx context.Context, f store.NCRViewFilter) (map[ParetoBy][]store.ParetoCount, error) {
	if err := checkView(ctx, f); err != nil {
		return nil, err
	}
	out := map[ParetoBy][]store.ParetoCount{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		for _, by := range ParetoBys {
			c, err := pareto(tx, by, f)
			if err != nil {
				return err
			}
			out[by] = c
		}
		return nil
	})
	return out, err
}

func checkBy(by ParetoBy) error {
	for _, b := range ParetoBys {
		if b == by {
			return nil
		}
	}
	p := qms.Problems{}
	p.Add("by", "must be defect_code, supplier or cause")
	return p.Err()
}

func pareto(tx *store.Tx, by ParetoBy, f store.NCRViewFilter) ([]store.ParetoCount, error) {
	switch by {
	case BySupplier:
		return tx.NCRParetoBySupplier(f)
	case ByCause:
		return tx.NCRParetoByCause(f)
	default:
		return tx.NCRParetoByDefect(f)
	}
}

// COPQ is the cost of poor quality over a period: the rows by supplier,
// month and currency, and one total per currency (never a sum across
// currencies).
type COPQ struct {
	Rows   []store.COPQRow
	Totals []store.COPQRow
}

// CostOfPoorQuality returns the cost of poor quality of the NCRs matching
// f by supplier, month and currency with the totals per currency
// (store.CostOfPoorQuality, store.COPQTotals). Requires
// qms.CanViewInternal. Returns forbidden or invalid.
func (s *Service) CostOfPoorQuality(ctx context.Context, f store.NCRViewFilter) (*COPQ, error) {
	if err := checkView(ctx, f); err != nil {
		return nil, err
	}
	var rows []store.COPQRow
	if err := s.Store.View(ctx, func(tx *store.Tx) (err error) { rows, err = tx.CostOfPoorQuality(f); return err }); err != nil {
		return nil, err
	}
	return &COPQ{Rows: rows, Totals: store.COPQTotals(rows)}, nil
}
