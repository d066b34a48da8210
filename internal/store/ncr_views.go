package store

import (
	"cmp"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/capa"
	"qms/internal/ncr"
	"qms/internal/qms"
)

// Views over NCRs and CAPAs for people: the Pareto counts of NCRs by
// defect code, by supplier and by cause category; the cost of poor
// quality by supplier, month and currency (amounts of different
// currencies are never added together); and the CAPA list with its ageing
// (days open, days in the current stage, overdue stages). Each is one or
// two indexed queries; the Paretos and the cost of poor quality over whole
// months without a product read the monthly roll-ups (ncr_rollup.go). The
// operations layer decides who may see what and sets the supplier of a
// supplier user.

// NCRViewFilter selects the NCRs a view counts. Voided NCRs never count.
// Zero fields do not filter; From and To bound the detection date
// (inclusive).
type NCRViewFilter struct {
	From, To   qms.Date
	SupplierID int64
	ProductID  int64
	// Raw reads the NCRs even when the monthly roll-up could answer (to
	// compare the two in tests and benchmarks).
	Raw bool
}

func (f NCRViewFilter) where(alias string) (string, []any) {
	where := []string{alias + "status <> 'voided'"}
	var args []any
	if !f.From.IsZero() {
		where, args = append(where, alias+"detected_on >= ?"), append(args, dateValue(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, alias+"detected_on <= ?"), append(args, dateValue(f.To))
	}
	if f.SupplierID > 0 {
		where, args = append(where, alias+"supplier_id = ?"), append(args, f.SupplierID)
	}
	if f.ProductID > 0 {
		where, args = append(where, alias+"product_id = ?"), append(args, f.ProductID)
	}
	return strings.Join(where, " AND "), args
}

// ParetoCount is one bar of a Pareto of NCRs: the group's key (a defect
// code, a supplier id, a cause category), its name for people, how many
// NCRs fall in it and how many units they concern (defective units of the
// code; units affected otherwise).
type ParetoCount struct {
	Key   string
	Label string
	NCRs  int
	Units int64
}

// sortPareto orders counts from the most NCRs (ties by label), as the
// chart draws them.
func sortPareto(cs []ParetoCount) {
	slices.SortStableFunc(cs, func(a, b ParetoCount) int {
		if c := cmp.Compare(b.NCRs, a.NCRs); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Label, b.Label), cmp.Compare(a.Key, b.Key))
	})
}

func (tx *Tx) paretoCounts(q string, args []any, label func(key, name string) string) ([]ParetoCount, error) {
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ParetoCount{}
	for rows.Next() {
		var c ParetoCount
		var key, name sql.NullString
		var units sql.NullInt64
		if err := rows.Scan(&key, &name, &c.NCRs, &units); err != nil {
			return nil, err
		}
		c.Key, c.Units = key.String, units.Int64
		c.Label = label(c.Key, name.String)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortPareto(out)
	return out, nil
}

// NCRParetoByDefect counts the NCRs matching f by defect code (a defect
// line without a code counts under its description), with the defective
// units of each, most NCRs first. The NCRs are selected first, so that
// their defect lines are read in NCR order (BenchmarkNCRScale).
func (tx *Tx) NCRParetoByDefect(f NCRViewFilter) ([]ParetoCount, error) {
	if f.rollup() {
		return tx.paretoByDefectRollup(f)
	}
	cond, args := f.where("n.")
	q := `SELECT CASE WHEN d.code <> '' THEN d.code ELSE d.description END, MIN(d.description), COUNT(DISTINCT d.ncr_id), SUM(d.quantity)
		FROM ncr_defects d WHERE d.ncr_id IN (SELECT n.id FROM ncrs n WHERE ` + cond + `)
		GROUP BY CASE WHEN d.code <> '' THEN d.code ELSE d.description END`
	return tx.paretoCounts(q, args, defectLabel)
}

// defectLabel names a defect key: the code and its description.
func defectLabel(key, desc string) string {
	if desc == "" || desc == key {
		return key
	}
	return key + " " + desc
}

// NCRParetoBySupplier counts the NCRs matching f by supplier (NCRs
// without one under the key "0"), with the units affected, most NCRs
// first.
func (tx *Tx) NCRParetoBySupplier(f NCRViewFilter) ([]ParetoCount, error) {
	if f.rollup() {
		return tx.paretoByCauseRollup(f, true)
	}
	cond, args := f.where("n.")
	q := `SELECT CAST(COALESCE(n.supplier_id, 0) AS TEXT), MIN(s.name), COUNT(*), SUM(n.quantity_affected)
		FROM ncrs n LEFT JOIN suppliers s ON s.id = n.supplier_id WHERE ` + cond + `
		GROUP BY COALESCE(n.supplier_id, 0)`
	return tx.paretoCounts(q, args, supplierLabel)
}

func supplierLabel(key, name string) string {
	if key == "0" {
		return "No supplier"
	}
	return name
}

// NCRParetoByCause counts the NCRs matching f by the 6M category of their
// cause (key "" while not yet known), with the units affected, most NCRs
// first.
func (tx *Tx) NCRParetoByCause(f NCRViewFilter) ([]ParetoCount, error) {
	if f.rollup() {
		return tx.paretoByCauseRollup(f, false)
	}
	cond, args := f.where("n.")
	q := `SELECT n.cause_category, '', COUNT(*), SUM(n.quantity_affected) FROM ncrs n WHERE ` + cond + ` GROUP BY n.cause_category`
	return tx.paretoCounts(q, args, causeLabel)
}

func causeLabel(key, _ string) string {
	if key == "" {
		return "Not yet known"
	}
	return ncr.Category(key).Label()
}

// COPQRow is the cost of poor quality of one supplier in one month in one
// currency: the number of NCRs with a cost, and the sums in minor units.
type COPQRow struct {
	SupplierID int64 // 0: NCRs without a supplier
	Supplier   string
	Month      string // YYYY-MM of the detection date
	ncr.Cost          // the sums; Cost.Currency is the currency
	NCRs       int
}

// Total is the row's cost of poor quality (scrap, rework, sorting,
// freight, other).
func (r COPQRow) Total() int64 { return r.Cost.Total() }

// CostOfPoorQuality returns the cost of poor quality of the NCRs matching
// f that have a cost, by supplier, month and currency, ordered by
// supplier name (NCRs without a supplier last), month and currency. Amounts in different currencies are
// kept in separate rows.
func (tx *Tx) CostOfPoorQuality(f NCRViewFilter) ([]COPQRow, error) {
	cond, args := f.where("n.")
	month := "substr(n.detected_on, 1, 7)"
	if tx.Dialect() == Postgres {
		month = "to_char(n.detected_on, 'YYYY-MM')"
	}
	if f.rollup() {
		cond, args = f.rollupWhere("n.")
		cond += " AND n.ncrs > 0"
		month = "n.month"
	}
	q := `SELECT COALESCE(n.supplier_id, 0), MIN(s.name), ` + month + `, n.currency, COUNT(*), SUM(n.cost_scrap), SUM(n.cost_rework),
		SUM(n.cost_sorting), SUM(n.cost_freight), SUM(n.cost_other), SUM(n.charged_back)
		FROM ncrs n LEFT JOIN suppliers s ON s.id = n.supplier_id WHERE ` + cond + ` AND n.currency <> ''
		GROUP BY COALESCE(n.supplier_id, 0), ` + month + `, n.currency`
	if f.rollup() {
		// The names come after, in one query: a row per supplier, month
		// and currency is already as many rows as the answer.
		q = `SELECT n.supplier_id, NULL, n.month, n.currency, n.ncrs, n.scrap, n.rework, n.sorting, n.freight, n.other, n.charged_back
			FROM ncr_cost_months n WHERE ` + cond
	}
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []COPQRow{}
	for rows.Next() {
		var r COPQRow
		var name sql.NullString
		if err := rows.Scan(&r.SupplierID, &name, &r.Month, &r.Currency, &r.NCRs, &r.Scrap, &r.Rework, &r.Sorting, &r.Freight, &r.Other, &r.ChargedBack); err != nil {
			return nil, err
		}
		r.Supplier = name.String
		if r.SupplierID == 0 {
			r.Supplier = "No supplier"
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if f.rollup() {
		if err := tx.copqSupplierNames(out); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b COPQRow) int {
		return cmp.Or(cmp.Compare(noSupplier(a), noSupplier(b)), cmp.Compare(a.Supplier, b.Supplier), cmp.Compare(a.SupplierID, b.SupplierID), cmp.Compare(a.Month, b.Month), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// copqSupplierNames sets the supplier names of rows read without them.
func (tx *Tx) copqSupplierNames(out []COPQRow) error {
	var ids []any
	seen := map[int64]bool{}
	for _, r := range out {
		if r.SupplierID > 0 && !seen[r.SupplierID] {
			seen[r.SupplierID] = true
			ids = append(ids, r.SupplierID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names := make(map[int64]string, len(ids))
	q := "SELECT id, name FROM suppliers WHERE id IN (" + placeholders(len(ids)) + ")"
	if len(ids) > 10_000 { // past the limits on placeholders: all of them
		q, ids = "SELECT id, name FROM suppliers", nil
	}
	rows, err := tx.Query(q, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range out {
		if out[i].SupplierID > 0 {
			out[i].Supplier = names[out[i].SupplierID]
		}
	}
	return nil
}

// noSupplier sorts the rows without a supplier after the others.
func noSupplier(r COPQRow) int {
	if r.SupplierID == 0 {
		return 1
	}
	return 0
}

// COPQTotals sums rows per currency, in currency order: one total per
// currency, never a sum across currencies.
func COPQTotals(rows []COPQRow) []COPQRow {
	by := map[string]*COPQRow{}
	var curs []string
	for _, r := range rows {
		t := by[r.Currency]
		if t == nil {
			t = &COPQRow{Cost: ncr.Cost{Currency: r.Currency}}
			by[r.Currency] = t
			curs = append(curs, r.Currency)
		}
		t.NCRs += r.NCRs
		t.Scrap += r.Scrap
		t.Rework += r.Rework
		t.Sorting += r.Sorting
		t.Freight += r.Freight
		t.Other += r.Other
		t.ChargedBack += r.ChargedBack
	}
	slices.Sort(curs)
	out := make([]COPQRow, len(curs))
	for i, c := range curs {
		out[i] = *by[c]
	}
	return out
}

// CAPAAgeFilter selects CAPAs for the list with ageing. Zero fields do
// not filter. Today is the day ages and overdue stages are counted on
// (the transaction's date when zero).
type CAPAAgeFilter struct {
	Status     capa.Status
	Active     bool // only open or verifying
	Kind       capa.Kind
	SupplierID int64
	OwnerID    int64
	Overdue    bool // only active CAPAs with a stage past its due date
	Today      qms.Date
	Offset     int
	Limit      int // at most MaxPageSize (default 50)
}

// CAPAAge is a CAPA header with its stages (states and due dates, no
// content) and its ageing on the filter's day.
type CAPAAge struct {
	capa.CAPA
	Supplier   string     // the supplier's name, if any
	AgeDays    int        // days open (until closed or cancelled)
	Current    capa.Stage // the first stage not yet accepted
	CurrentDue qms.Date
	StageDays  int          // days in the current stage, while active
	Overdue    []capa.Stage // stages past their due date, while active
	// OverdueDays is how many days the most overdue stage is late.
	OverdueDays int
}

// CAPAAgePage is one page of the CAPA list with ageing, oldest first:
// Total matches in all, Next the offset of the next page (0 when none).
type CAPAAgePage struct {
	Items []CAPAAge
	Total int
	Next  int
	Today qms.Date
}

// ListCAPAAgeing returns one page of the CAPAs matching f, the longest
// open first, each with its stages and ageing.
func (tx *Tx) ListCAPAAgeing(f CAPAAgeFilter) (*CAPAAgePage, error) {
	today := f.Today
	if today.IsZero() {
		today = qms.DateOf(tx.Now)
	}
	var where []string
	var args []any
	add := func(cond string, v ...any) { where, args = append(where, cond), append(args, v...) }
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Active || f.Overdue {
		add("status IN ('open', 'verifying')")
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.SupplierID > 0 {
		add("supplier_id = ?", f.SupplierID)
	}
	if f.OwnerID > 0 {
		add("owner_id = ?", f.OwnerID)
	}
	if f.Overdue {
		add("EXISTS (SELECT 1 FROM capa_stages st WHERE st.capa_id = capas.id AND st.state <> 'accepted' AND st.due_on < ?)", dateValue(today))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page := &CAPAAgePage{Items: []CAPAAge{}, Today: today}
	if err := tx.QueryRow("SELECT COUNT(*) FROM capas"+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	heads, err := scanAllTx(tx, "SELECT "+capaColumns+" FROM capas"+cond+" ORDER BY opened_on, id LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(offset), args, scanCAPA)
	if err != nil {
		return nil, err
	}
	if offset+len(heads) < page.Total {
		page.Next = offset + len(heads)
	}
	if len(heads) == 0 {
		return page, nil
	}
	ids := make([]any, len(heads))
	sups := []any{}
	for i, c := range heads {
		ids[i] = c.ID
		if c.SupplierID > 0 && !slices.Contains(sups, any(c.SupplierID)) {
			sups = append(sups, c.SupplierID)
		}
	}
	stages := map[int64][]capa.StageRecord{}
	rows, err := tx.Query("SELECT capa_id, stage, due_on, state, reviewed_at FROM capa_stages WHERE capa_id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r capa.StageRecord
		var reviewed sql.NullTime
		if err := rows.Scan(&id, &r.Stage, dateDest{&r.DueOn}, &r.State, &reviewed); err != nil {
			return nil, err
		}
		r.ReviewedAt = nullTime(reviewed)
		stages[id] = append(stages[id], r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names := map[int64]string{}
	if len(sups) > 0 {
		rows, err := tx.Query("SELECT id, name FROM suppliers WHERE id IN ("+placeholders(len(sups))+")", sups...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return nil, err
			}
			names[id] = name
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, c := range heads {
		st := stages[c.ID]
		slices.SortFunc(st, func(a, b capa.StageRecord) int { return cmp.Compare(a.Stage.Index(), b.Stage.Index()) })
		c.Stages = st
		page.Items = append(page.Items, Ageing(c, names[c.SupplierID], today))
	}
	return page, nil
}

// Ageing returns the ageing of a CAPA (with its stages) on today: days
// open, the current stage with its due date and the days in it (since the
// latest acceptance of an earlier stage, or the opening), and the overdue
// stages with how many days the most overdue one is late.
func Ageing(c capa.CAPA, supplier string, today qms.Date) CAPAAge {
	a := CAPAAge{CAPA: c, Supplier: supplier, AgeDays: c.AgeDays(today), Current: c.CurrentStage()}
	a.CurrentDue = c.Stage(a.Current).DueOn
	if !c.Status.Active() {
		return a
	}
	since := c.OpenedOn
	for _, r := range c.Stages {
		if r.Stage.Index() < a.Current.Index() && r.Done() && r.ReviewedAt != nil {
			if d := qms.DateOf(r.ReviewedAt.In(time.UTC)); d.After(since) {
				since = d
			}
		}
	}
	a.StageDays = max(0, since.DaysUntil(today))
	a.Overdue = c.OverdueStages(today)
	for _, s := range a.Overdue {
		a.OverdueDays = max(a.OverdueDays, c.Stage(s).DueOn.DaysUntil(today))
	}
	return a
}
