package supplierreport

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"qms/internal/capa"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/scorecard"
	"qms/internal/store"
	"qms/internal/supplier"
)

// MaxLots is how many of the period's lots the report lists.
const MaxLots = 25

// CanRead reports whether a may read qualification reports: internal
// users. A supplier user may not, not even its own supplier's: the report
// is the buyer's assessment (red flags, verification records, override
// reasons, internal decisions).
func CanRead(a qms.Actor) bool { return qms.CanViewInternal(a) }

// Load reads the report of a supplier as the actor in ctx sees it, over
// the scorecard's default period (the last twelve months) on now's date.
// Returns not found for a supplier that does not exist or (for a supplier
// user) another supplier's; forbidden for a supplier user's own supplier
// and for anyone signed out.
func Load(ctx context.Context, st *store.Store, supplierID int64, now time.Time) (*Report, error) {
	in, err := LoadInput(ctx, st, supplierID, now)
	if err != nil {
		return nil, err
	}
	return Build(*in), nil
}

// LoadInput reads what Build needs (see Load for the errors).
func LoadInput(ctx context.Context, st *store.Store, supplierID int64, now time.Time) (*Input, error) {
	a, _ := qms.ActorFrom(ctx)
	if !qms.CanSeeSupplier(a, supplierID) {
		return nil, qms.Errorf(qms.KindNotFound, "supplier not found")
	}
	if !CanRead(a) {
		return nil, qms.Errorf(qms.KindForbidden, "The qualification report is the buyer's internal assessment: your role (%s) may not read it.", a.Role.Label())
	}
	in := &Input{Generated: now, Products: map[int64]string{}}
	in.From, in.To = scorecard.DefaultPeriod(qms.DateOf(now))
	err := st.View(ctx, func(tx *store.Tx) error {
		var err error
		if in.Detail, err = tx.SupplierDetail(supplierID); err != nil {
			return err
		}
		if in.Audits, err = audits(tx, supplierID); err != nil {
			return err
		}
		facts, err := tx.ScorecardFacts(supplierID, 0, in.From, in.To)
		if err != nil {
			return err
		}
		th, err := tx.ScorecardSettings()
		if err != nil {
			return err
		}
		sc := scorecard.Compute(*facts, *th)
		in.Scorecard = &sc
		lf := store.LotResultFilter{SupplierID: supplierID, From: in.From, To: in.To, IncludeResubmitted: true}
		if in.Lots, _, err = tx.LotResults(lf, 0, MaxLots); err != nil {
			return err
		}
		total, err := tx.RejectionRates(lf, store.GroupTotal)
		if err != nil {
			return err
		}
		for _, t := range total {
			in.LotsTotal += t.Lots
		}
		var ids []int64
		for _, l := range in.Lots {
			ids = append(ids, l.ProductID)
		}
		if len(ids) > 0 {
			labels, err := tx.RateLabels(store.GroupProduct, ids)
			if err != nil {
				return err
			}
			in.Products = labels
		}
		if in.NCRs, err = openNCRs(tx, supplierID); err != nil {
			return err
		}
		in.CAPAs, err = openCAPAs(tx, supplierID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if in.History, err = history(ctx, st, supplierID); err != nil {
		return nil, err
	}
	return in, nil
}

// audits returns the supplier's audits (every status), newest first, at
// most a page.
func audits(tx *store.Tx, supplierID int64) ([]qaudit.Audit, error) {
	as, _, err := tx.ListQualityAudits(store.QualityAuditFilter{SupplierID: supplierID, Limit: store.MaxPageSize})
	return as, err
}

func openNCRs(tx *store.Tx, supplierID int64) ([]ncr.NCR, error) {
	ns, _, err := tx.ListNCRs(store.NCRFilter{SupplierID: supplierID, Active: true, Limit: store.MaxPageSize})
	return ns, err
}

func openCAPAs(tx *store.Tx, supplierID int64) ([]capa.CAPA, error) {
	cs, _, err := tx.ListCAPAs(store.CAPAFilter{SupplierID: supplierID, Active: true, Limit: store.MaxPageSize})
	return cs, err
}

// history reads the supplier's creation, status changes and voiding from
// the audit trail, newest first.
func history(ctx context.Context, st *store.Store, supplierID int64) ([]Change, error) {
	events, _, err := st.ListAudit(ctx, store.AuditFilter{EntityType: "supplier", EntityID: strconv.FormatInt(supplierID, 10), Limit: store.MaxPageSize})
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, e := range events {
		if e.Action != "status" && e.Action != qms.ActionCreate && e.Action != qms.ActionVoid {
			continue
		}
		out = append(out, Change{At: e.Time, By: e.ActorName, Action: e.Action, From: statusIn(e.Before), To: statusIn(e.After), Reason: e.Reason})
	}
	sortHistory(out)
	return out, nil
}

// statusIn returns the status field of a supplier's audited JSON, or "".
func statusIn(b json.RawMessage) supplier.Status {
	var v struct {
		Status supplier.Status `json:"status"`
	}
	if len(b) == 0 || json.Unmarshal(b, &v) != nil {
		return ""
	}
	return v.Status
}
