package store

import (
	"fmt"
	"strings"
	"time"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/supplier"
)

// The monthly roll-up of lot results (lot_result_months, migration 0008):
// per supplier and per product, month, kind and whether resubmitted, the
// sums RejectionRates adds up. Triggers keep it in the transaction that
// writes or voids a lot result.

// rollupScope returns the roll-up scope that answers f grouped by group,
// and its owner filter: supplier (filter by supplier, or none) for groups
// total, kind, month and supplier; product for product. Site and category
// filters, and date bounds that are not whole months, need the lots.
func rollupScope(f LotResultFilter, group string) (scope string, owner int64, ok bool) {
	if f.SiteID != 0 || f.Category != "" {
		return "", 0, false
	}
	if !f.From.IsZero() && f.From.Day() != 1 {
		return "", 0, false
	}
	if !f.To.IsZero() && f.To.AddDate(0, 0, 1).Day() != 1 {
		return "", 0, false
	}
	switch {
	case f.SupplierID != 0 && f.ProductID != 0:
		return "", 0, false
	case f.ProductID != 0:
		scope, owner = "product", f.ProductID
	case group == GroupProduct:
		scope = "product"
		if f.SupplierID != 0 {
			return "", 0, false
		}
	default:
		scope, owner = "supplier", f.SupplierID
	}
	switch group {
	case GroupTotal, GroupKind, GroupMonth:
	case GroupSupplier:
		if scope != "supplier" {
			return "", 0, false
		}
	case GroupProduct:
		if scope != "product" {
			return "", 0, false
		}
	default:
		return "", 0, false
	}
	return scope, owner, true
}

func month(d qms.Date) string { return fmt.Sprintf("%04d-%02d", d.Year(), int(d.Month())) }

// RejectionRatesRollup answers RejectionRates(f, group) from the monthly
// roll-up when it can: f filters at most by supplier or by product, kind,
// resubmission and whole months, and group is total, kind, month,
// supplier (not with a product filter) or product (not with a supplier
// filter). used is false when it cannot; the caller then asks
// RejectionRates. The rates are the same either way.
func (tx *Tx) RejectionRatesRollup(f LotResultFilter, group string) (rates []inspection.Rate, used bool, err error) {
	scope, owner, ok := rollupScope(f, group)
	if !ok {
		return nil, false, nil
	}
	conds := []string{"scope = ?"}
	args := []any{scope}
	add := func(c string, v any) { conds, args = append(conds, c), append(args, v) }
	if owner != 0 {
		add("owner_id = ?", owner)
	}
	if !f.From.IsZero() {
		add("month >= ?", month(f.From))
	}
	if !f.To.IsZero() {
		add("month <= ?", month(f.To))
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if !f.IncludeResubmitted {
		add("resubmitted = ?", 0)
	}
	var key string
	switch group {
	case GroupTotal:
		key = "''"
	case GroupKind:
		key = "kind"
	case GroupMonth:
		key = "month"
	case GroupSupplier, GroupProduct:
		key = "owner_id"
	}
	q := fmt.Sprintf(`SELECT %s, COALESCE(SUM(lots), 0), COALESCE(SUM(rejected), 0), COALESCE(SUM(sample_units), 0), COALESCE(SUM(defective_units), 0),
		COALESCE(SUM(critical_defects), 0), COALESCE(SUM(major_defects), 0), COALESCE(SUM(minor_defects), 0) FROM lot_result_months WHERE %s`,
		key, strings.Join(conds, " AND "))
	if group != GroupTotal {
		q += " GROUP BY " + key + " HAVING SUM(lots) > 0 ORDER BY " + key
	}
	rows, err := scanAllTx(tx, q, args, func(sc scanner, r *inspection.Rate) error {
		var k any
		if err := sc.Scan(&k, &r.Lots, &r.Rejected, &r.SampleUnits, &r.DefectiveUnits, &r.CriticalDefects, &r.MajorDefects, &r.MinorDefects); err != nil {
			return err
		}
		switch v := k.(type) {
		case []byte:
			r.Key = string(v)
		case nil:
		default:
			r.Key = fmt.Sprint(v)
		}
		return nil
	})
	if err != nil {
		return nil, true, err
	}
	if group == GroupTotal && (len(rows) == 0 || rows[0].Lots == 0) {
		return []inspection.Rate{}, true, nil
	}
	return rows, true, nil
}

// monthBounds returns the first and last day of the months from..to.
func monthBounds(from, to time.Time) (qms.Date, qms.Date) {
	f := qms.NewDate(from.Year(), from.Month(), 1)
	t := qms.NewDate(to.Year(), to.Month(), 1).AddDate(0, 1, -1)
	return f, t
}

// WholeMonths returns the first day of the month of from and the last day
// of the month of to: the bounds of a period the monthly roll-up answers.
func WholeMonths(from, to qms.Date) (qms.Date, qms.Date) {
	return monthBounds(from.Time(), to.Time())
}

// RateLabels returns the names of the groups of rejection rates by
// supplier, site or product (the group keys are their ids), read in one
// query: a supplier's or site's display name, a product's SKU and name.
// Other groups get no names.
func (tx *Tx) RateLabels(group string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var q string
	switch group {
	case GroupSupplier:
		q = "SELECT id, name, name_latin FROM suppliers"
	case GroupSite:
		q = "SELECT id, name, name_latin FROM sites"
	case GroupProduct:
		q = "SELECT id, sku, name FROM products"
	default:
		return out, nil
	}
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i], marks[i] = id, "?"
	}
	rows, err := tx.Query(q+" WHERE id IN ("+strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a, b string
		if err := rows.Scan(&id, &a, &b); err != nil {
			return nil, err
		}
		if group == GroupProduct {
			out[id] = a + " " + b
		} else {
			out[id] = (&supplier.Supplier{Name: a, NameLatin: b}).DisplayName()
		}
	}
	return out, rows.Err()
}
