package resultops

import (
	"context"
	"strconv"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
)

// LotResult returns a lot result the actor may see. Returns not found
// (also for another supplier's result, to a supplier's user).
func (s *Service) LotResult(ctx context.Context, id int64) (*inspection.LotResult, error) {
	a := actor(ctx)
	var r *inspection.LotResult
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		r, err = tx.LotResult(id)
		return err
	})
	if qms.ErrorKind(err) == qms.KindNotFound || err == nil && !qms.CanSeeSupplier(a, r.SupplierID) {
		return nil, notFound("lot result")
	}
	return r, err
}

// LotResults returns one page of the lot results matching f, newest first,
// and the cursor of the next page. A supplier's user gets its own
// supplier's results only (asking for another supplier finds none).
func (s *Service) LotResults(ctx context.Context, f store.LotResultFilter, before int64, limit int) ([]inspection.LotResult, int64, error) {
	f, ok, err := scope(actor(ctx), f)
	if err != nil || !ok {
		return []inspection.LotResult{}, 0, err
	}
	var out []inspection.LotResult
	var next int64
	err = s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, next, err = tx.LotResults(f, before, limit)
		return err
	})
	if out == nil {
		out = []inspection.LotResult{}
	}
	return out, next, err
}

// VoidLotResult voids an imported third-party result with a reason,
// audited: it no longer counts in the rates (the switching events it
// caused stay in the history). Requires qms.CanApprove. Returns not found,
// forbidden, invalid or conflict.
func (s *Service) VoidLotResult(ctx context.Context, id int64, reason string) (*inspection.LotResult, error) {
	if _, err := s.LotResult(ctx, id); err != nil {
		return nil, err
	}
	if !qms.CanApprove(actor(ctx)) {
		return nil, forbidden("void lot results: a quality manager does")
	}
	var r *inspection.LotResult
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.VoidLotResult(id, reason); err != nil {
			return err
		}
		var err error
		r, err = tx.LotResult(id)
		return err
	})
	return r, err
}

// ReadLotResultFile is the read rule of the files attached to lot results
// (blob.OwnerRules.Read for OwnerLotResult): whoever may see the result.
func (s *Service) ReadLotResultFile(ctx context.Context, a qms.Actor, _ string, id int64) error {
	_, err := s.LotResult(qms.WithActor(ctx, a), id)
	return err
}

// scope restricts a filter to what a may see: a supplier's user sees its
// own supplier only. ok is false when the filter asks for another
// supplier's results, which then match nothing.
func scope(a qms.Actor, f store.LotResultFilter) (store.LotResultFilter, bool, error) {
	if !a.Role.Valid() {
		return f, false, forbidden("see inspection results")
	}
	if qms.CanViewInternal(a) {
		return f, true, nil
	}
	if a.SupplierID == nil || f.SupplierID != 0 && f.SupplierID != *a.SupplierID {
		return f, false, nil
	}
	f.SupplierID = *a.SupplierID
	return f, true, nil
}

// Groupings of the rejection rates.
const (
	GroupSupplier = store.GroupSupplier
	GroupSite     = store.GroupSite
	GroupProduct  = store.GroupProduct
	GroupKind     = store.GroupKind
	GroupMonth    = store.GroupMonth
	GroupCategory = store.GroupCategory
	GroupTotal    = store.GroupTotal
)

// Rate is the rejection rate of one group with its name.
type Rate struct {
	inspection.Rate
	// Label names the group for people: the supplier's, site's or
	// product's name, the kind's label, the month.
	Label string `json:"label"`
}

// Rates returns the lot rejection rate and PPM of the lot results matching
// f, grouped by group (a Group constant), each with its label. A
// supplier's user gets its own supplier's rates only; asking for another
// supplier's gives none. Grouped by supplier or product over whole months,
// the rates are read from the monthly roll-up (store.RejectionRatesRollup)
// when the filter allows. Returns invalid for an unknown group.
func (s *Service) Rates(ctx context.Context, f store.LotResultFilter, group string) ([]Rate, error) {
	f, ok, err := scope(actor(ctx), f)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []Rate{}, nil
	}
	var out []Rate
	err = s.Store.View(ctx, func(tx *store.Tx) error {
		rates, used, err := tx.RejectionRatesRollup(f, group)
		if err == nil && !used {
			rates, err = tx.RejectionRates(f, group)
		}
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(rates))
		for _, r := range rates {
			if id, err := strconv.ParseInt(r.Key, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		names, err := tx.RateLabels(group, ids)
		if err != nil {
			return err
		}
		out = make([]Rate, len(rates))
		for i, r := range rates {
			out[i] = Rate{Rate: r, Label: label(group, r.Key, names)}
		}
		return nil
	})
	return out, err
}

// label names a group key: a record's name (from names, by id), a
// kind's label, a month, a category code.
func label(group, key string, names map[int64]string) string {
	switch group {
	case GroupSupplier, GroupSite, GroupProduct:
		id, _ := strconv.ParseInt(key, 10, 64)
		if n, ok := names[id]; ok {
			return n
		}
		return "#" + key
	case GroupKind:
		return inspection.Kind(key).Label()
	case GroupTotal:
		return "All lots"
	}
	if key == "" {
		return "–"
	}
	return key
}
