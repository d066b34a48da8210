package store

import (
	"database/sql"
	"fmt"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/supplier"
)

// Lot results: one row per decided inspection (written by
// DecideInspection) or imported third-party result, with the counts
// pre-aggregated, and the rejection-rate queries over them. The queries
// read only lot_results, through covering indexes per supplier, site,
// product and date: never the defect records.

const lotResultColumns = `id, inspection_id, source, agency, external_ref, supplier_id, site_id, product_id, category, kind, inspected_on, po_number,
	lot_size, sample_size, critical_defective, major_defective, minor_defective, critical_defects, major_defects, minor_defects, defective_units,
	verdict, decision, rejected, resubmitted, voided_at, void_reason, created_at`

func scanLotResult(sc scanner, r *inspection.LotResult) error {
	var insp sql.NullInt64
	var rejected, resubmitted int
	var voided sql.NullTime
	if err := sc.Scan(&r.ID, &insp, &r.Source, &r.Agency, &r.ExternalRef, &r.SupplierID, &r.SiteID, &r.ProductID, &r.Category, &r.Kind,
		dateDest{&r.InspectedOn}, &r.PONumber, &r.LotSize, &r.SampleSize, &r.CriticalDefective, &r.MajorDefective, &r.MinorDefective,
		&r.CriticalDefects, &r.MajorDefects, &r.MinorDefects, &r.DefectiveUnits, &r.Verdict, &r.Decision, &rejected, &resubmitted,
		&voided, &r.VoidReason, &r.CreatedAt); err != nil {
		return err
	}
	r.InspectionID, r.VoidedAt = nullID(insp), nullTime(voided)
	r.Rejected, r.Resubmitted = rejected == 1, resubmitted == 1
	r.CreatedAt = r.CreatedAt.UTC()
	return nil
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// InsertLotResult validates and stores a lot result, audited: for a
// decided inspection (DecideInspection writes it) or a third-party result
// imported for a supplier, site and product. The category is the
// product's when not given. Returns invalid (including a site of another
// supplier and unknown references) or conflict (a second result for one
// inspection).
func (tx *Tx) InsertLotResult(r *inspection.LotResult) error {
	p, err := problemsOf(r.Validate())
	if err != nil {
		return err
	}
	if r.ProductID > 0 {
		product, err := tx.Product(r.ProductID)
		if err := invalidRef(p, "product_id", err); err != nil {
			return err
		}
		if product != nil && r.Category == "" {
			r.Category = product.Category
		}
	}
	if r.SiteID > 0 {
		site, err := tx.Site(r.SiteID)
		if err := invalidRef(p, "site_id", err); err != nil {
			return err
		}
		if site != nil && site.SupplierID != r.SupplierID {
			p.Add("site_id", "is a site of another supplier")
		}
	}
	if r.SupplierID > 0 {
		if _, err := tx.Supplier(r.SupplierID); err != nil {
			if err := invalidRef(p, "supplier_id", err); err != nil {
				return err
			}
		}
	}
	r.Category = supplier.NormalizeCode(r.Category)
	if err := p.Err(); err != nil {
		return err
	}
	r.CreatedAt, r.VoidedAt, r.VoidReason = tx.Now, nil, ""
	id, err := tx.Insert(`INSERT INTO lot_results (inspection_id, source, agency, external_ref, supplier_id, site_id, product_id, category, kind,
		inspected_on, po_number, lot_size, sample_size, critical_defective, major_defective, minor_defective, critical_defects, major_defects,
		minor_defects, defective_units, verdict, decision, rejected, resubmitted, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.InspectionID, r.Source, r.Agency, r.ExternalRef, r.SupplierID, r.SiteID, r.ProductID, r.Category, r.Kind, dateValue(r.InspectedOn),
		r.PONumber, r.LotSize, r.SampleSize, r.CriticalDefective, r.MajorDefective, r.MinorDefective, r.CriticalDefects, r.MajorDefects,
		r.MinorDefects, r.DefectiveUnits, r.Verdict, r.Decision, bit(r.Rejected), bit(r.Resubmitted), r.CreatedAt)
	if err != nil {
		return mapError(err, "a lot result for this inspection")
	}
	r.ID = id
	if err := tx.Audit(entityLotResult, id, qms.ActionCreate, nil, r, ""); err != nil {
		return err
	}
	// Issue 6: evaluate the pending CAPA effectiveness criteria this
	// result bears on, as it arrives (capa.go, EvaluateCriteriaFor).
	_, err = tx.EvaluateCriteriaFor(r.SupplierID, r.ProductID)
	return err
}

// LotResult returns one lot result. Returns not found.
func (tx *Tx) LotResult(id int64) (*inspection.LotResult, error) {
	var r inspection.LotResult
	if err := scanLotResult(tx.QueryRow("SELECT "+lotResultColumns+" FROM lot_results WHERE id = ?", id), &r); err != nil {
		return nil, mapError(err, "lot result")
	}
	return &r, nil
}

// VoidLotResult voids an imported third-party result with a reason,
// audited; it no longer counts. The result of an inspection of qms is its
// decision's and is not voided. Returns invalid, not found or conflict.
func (tx *Tx) VoidLotResult(id int64, reason string) error {
	reason, err := requireReason(reason)
	if err != nil {
		return err
	}
	before, err := tx.LotResult(id)
	if err != nil {
		return err
	}
	switch {
	case before.VoidedAt != nil:
		return alreadyVoided("This lot result")
	case before.Source != inspection.SourceThirdParty:
		return qms.Errorf(qms.KindConflict, "the result of inspection %d is its decision: amend the inspection instead", *before.InspectionID)
	}
	if _, err := tx.Exec("UPDATE lot_results SET voided_at = ?, void_reason = ? WHERE id = ? AND voided_at IS NULL", tx.Now, reason, id); err != nil {
		return err
	}
	after, err := tx.LotResult(id)
	if err != nil {
		return err
	}
	return tx.Audit(entityLotResult, id, qms.ActionVoid, before, after, reason)
}

// LotResultFilter selects lot results. Zero fields do not filter; From and
// To are inclusive.
type LotResultFilter struct {
	SupplierID int64
	SiteID     int64
	ProductID  int64
	Category   string
	Kind       inspection.Kind
	From, To   qms.Date
	// IncludeResubmitted counts re-inspections after rework too; by
	// default only first inspections count (first-time lot acceptance).
	IncludeResubmitted bool
}

// where returns the filter's conditions (always on lots in use).
func (f LotResultFilter) where() (string, []any) {
	conds := []string{"voided_at IS NULL"}
	var args []any
	add := func(c string, v any) { conds, args = append(conds, c), append(args, v) }
	if f.SupplierID != 0 {
		add("supplier_id = ?", f.SupplierID)
	}
	if f.SiteID != 0 {
		add("site_id = ?", f.SiteID)
	}
	if f.ProductID != 0 {
		add("product_id = ?", f.ProductID)
	}
	if !f.From.IsZero() {
		add("inspected_on >= ?", dateValue(f.From))
	}
	if !f.To.IsZero() {
		add("inspected_on <= ?", dateValue(f.To))
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if !f.IncludeResubmitted {
		add("resubmitted = ?", 0)
	}
	if c := supplier.NormalizeCode(f.Category); c != "" {
		add("category = ?", c)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// LotResults returns the lot results matching f, newest first, at most
// limit (default 50, at most MaxPageSize), before the cursor (an id; 0 for
// the first page), and the cursor of the next page.
func (tx *Tx) LotResults(f LotResultFilter, before int64, limit int) ([]inspection.LotResult, int64, error) {
	cond, args := f.where()
	if before > 0 {
		cond, args = cond+" AND id < ?", append(args, before)
	}
	limit = clampLimit(limit)
	items, err := scanAllTx(tx, "SELECT "+lotResultColumns+" FROM lot_results"+cond+" ORDER BY id DESC LIMIT ?", append(args, limit+1), scanLotResult)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(items) > limit {
		items = items[:limit]
		next = items[limit-1].ID
	}
	return items, next, nil
}

// Rate groupings (RejectionRates' group).
const (
	GroupTotal    = ""         // one row for everything selected
	GroupKind     = "kind"     // per inspection kind
	GroupMonth    = "month"    // per calendar month, "2026-03"
	GroupSupplier = "supplier" // per supplier id
	GroupSite     = "site"     // per site id
	GroupProduct  = "product"  // per product id
	GroupCategory = "category" // per product category
)

// rateQuery builds the query of RejectionRates.
func (tx *Tx) rateQuery(f LotResultFilter, group string) (string, []any, error) {
	var key string
	switch group {
	case GroupTotal:
		key = "''"
	case GroupKind:
		key = "kind"
	case GroupMonth:
		key = "substr(inspected_on, 1, 7)"
		if tx.Dialect() == Postgres {
			key = "to_char(inspected_on, 'YYYY-MM')"
		}
	case GroupSupplier:
		key = "supplier_id"
	case GroupSite:
		key = "site_id"
	case GroupProduct:
		key = "product_id"
	case GroupCategory:
		key = "category"
	default:
		return "", nil, &qms.Error{Kind: qms.KindInvalid, Message: "Unknown grouping",
			Fields: map[string]string{"group": "must be empty, kind, month, supplier, site, product or category"}}
	}
	cond, args := f.where()
	q := fmt.Sprintf(`SELECT %s, COUNT(*), COALESCE(SUM(rejected), 0), COALESCE(SUM(sample_size), 0), COALESCE(SUM(defective_units), 0),
		COALESCE(SUM(critical_defects), 0), COALESCE(SUM(major_defects), 0), COALESCE(SUM(minor_defects), 0) FROM lot_results%s`, key, cond)
	if group != GroupTotal {
		q += " GROUP BY " + key + " ORDER BY " + key
	}
	return q, args, nil
}

// RejectionRates returns the lot rejection rate and PPM of the lots
// matching f, grouped by group (one of the Group* constants), ordered by
// the group key: lots, lots rejected (failed, or pending and not
// accepted), units inspected, defective units and defects per class. The
// queries read lot_results only, through its covering indexes per
// supplier, site, product and date (RejectionRatesPlan shows the plan).
// Returns invalid for an unknown group.
func (tx *Tx) RejectionRates(f LotResultFilter, group string) ([]inspection.Rate, error) {
	q, args, err := tx.rateQuery(f, group)
	if err != nil {
		return nil, err
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
		return nil, err
	}
	if group == GroupTotal && len(rows) == 1 && rows[0].Lots == 0 {
		return []inspection.Rate{}, nil
	}
	return rows, nil
}

// RejectionRatesPlan returns the database's query plan of
// RejectionRates(f, group), one line per step, for diagnosis and
// benchmarks. Returns invalid for an unknown group.
func (tx *Tx) RejectionRatesPlan(f LotResultFilter, group string) (string, error) {
	q, args, err := tx.rateQuery(f, group)
	if err != nil {
		return "", err
	}
	prefix := "EXPLAIN "
	if tx.Dialect() == SQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := tx.Query(prefix+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		last := vals[len(vals)-1]
		if b, ok := last.([]byte); ok {
			last = string(b)
		}
		lines = append(lines, fmt.Sprint(last))
	}
	return strings.Join(lines, "\n"), rows.Err()
}
