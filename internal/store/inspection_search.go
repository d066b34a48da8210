package store

import (
	"strconv"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// InspectionSearch selects inspections for the inspection list: the fields
// of InspectionFilter, a planned date range and the reported verdict.
// Zero fields do not filter.
type InspectionSearch struct {
	InspectionFilter
	From, To qms.Date           // planned_on, inclusive
	Verdict  inspection.Verdict // the reported verdict
	// Kinds, when set, keeps only inspections of these kinds (Kind, when
	// set, must be one of them).
	Kinds []inspection.Kind
}

// SearchInspections returns the inspections matching f, newest first, and
// the cursor of the next page (0 when none): ListInspections with a
// planned date range and a verdict.
func (tx *Tx) SearchInspections(f InspectionSearch) ([]inspection.Inspection, int64, error) {
	var where []string
	var args []any
	add := func(cond string, v ...any) { where, args = append(where, cond), append(args, v...) }
	if f.ProductID != 0 {
		add("product_id = ?", f.ProductID)
	}
	if f.SupplierID != 0 {
		add("supplier_id = ?", f.SupplierID)
	}
	if f.SiteID != 0 {
		add("site_id = ?", f.SiteID)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if len(f.Kinds) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Kinds)), ", ")
		vals := make([]any, len(f.Kinds))
		for i, k := range f.Kinds {
			vals[i] = k
		}
		add("kind IN ("+marks+")", vals...)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if po := strings.TrimSpace(f.PONumber); po != "" {
		add("po_number = ?", po)
	}
	if !f.From.IsZero() {
		add("planned_on >= ?", dateValue(f.From))
	}
	if !f.To.IsZero() {
		add("planned_on <= ?", dateValue(f.To))
	}
	if f.Verdict != "" {
		add("verdict = ?", f.Verdict)
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	limit := clampLimit(f.Limit)
	items, err := scanAllTx(tx, "SELECT "+inspectionColumns+" FROM inspections"+cond+" ORDER BY id DESC LIMIT "+strconv.Itoa(limit+1), args, scanInspection)
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

// EntriesAfter returns the entries of an inspection with an id above
// after, in recording order, at most limit (at most MaxPageSize; default
// 50): what a recording tablet fetches to catch up with another
// inspector's entries.
func (tx *Tx) EntriesAfter(inspectionID, after int64, limit int) ([]inspection.Entry, error) {
	return scanAllTx(tx, "SELECT "+entryColumns+" FROM inspection_entries WHERE inspection_id = ? AND id > ? ORDER BY id LIMIT "+
		strconv.Itoa(clampLimit(limit)), []any{inspectionID, after}, scanEntry)
}

// Reinspections returns the ids of the inspections that re-inspect the lot
// of inspection id after rework, oldest first.
func (tx *Tx) Reinspections(id int64) ([]int64, error) {
	return scanAllTx(tx, "SELECT id FROM inspections WHERE resubmission_of = ? ORDER BY id", []any{id},
		func(sc scanner, v *int64) error { return sc.Scan(v) })
}
