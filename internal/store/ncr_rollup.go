package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// The monthly roll-ups of NCRs (migration 0020): per month of detection and
// supplier (0 none, -1 all suppliers), the NCRs and units by cause category
// ('*' all causes) in ncr_months, by defect key in ncr_defect_months (with
// the descriptions of the lines in ncr_defect_labels), and the costs by
// currency in ncr_cost_months. Triggers keep them in the transaction that
// writes, voids or deletes an NCR or its defect lines; voided NCRs never
// count, as in the views. The views read them when the period is whole
// months and no product is chosen: a few thousand rows instead of every
// NCR of the period.

// rollup reports whether the roll-ups answer views of f: no product filter
// and a period of whole months (open ends allowed).
func (f NCRViewFilter) rollup() bool {
	if f.Raw || f.ProductID > 0 {
		return false
	}
	if !f.From.IsZero() && f.From.Day() != 1 {
		return false
	}
	return f.To.IsZero() || f.To.AddDate(0, 0, 1).Day() == 1
}

// rollupWhere bounds the months of a roll-up (alias its table) and
// filters by supplier.
func (f NCRViewFilter) rollupWhere(alias string) (string, []any) {
	where := []string{"1 = 1"}
	var args []any
	if !f.From.IsZero() {
		where, args = append(where, alias+"month >= ?"), append(args, month(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, alias+"month <= ?"), append(args, month(f.To))
	}
	if f.SupplierID > 0 {
		where, args = append(where, alias+"supplier_id = ?"), append(args, f.SupplierID)
	}
	return strings.Join(where, " AND "), args
}

// scope returns the condition on supplier_id: the supplier of the filter,
// or the rows over all suppliers (-1) unless each supplier is wanted.
func (f NCRViewFilter) scope(alias string, each bool) string {
	switch {
	case f.SupplierID > 0:
		return ""
	case each:
		return " AND " + alias + "supplier_id >= 0"
	default:
		return " AND " + alias + "supplier_id = -1"
	}
}

// paretoByCauseRollup answers NCRParetoByCause, or NCRParetoBySupplier
// when bySupplier, from ncr_months.
func (tx *Tx) paretoByCauseRollup(f NCRViewFilter, bySupplier bool) ([]ParetoCount, error) {
	cond, args := f.rollupWhere("m.")
	cond += f.scope("m.", bySupplier)
	if bySupplier {
		q := `SELECT CAST(m.supplier_id AS TEXT), MIN(s.name), CAST(SUM(m.ncrs) AS BIGINT), CAST(SUM(m.units) AS BIGINT)
			FROM ncr_months m LEFT JOIN suppliers s ON s.id = m.supplier_id WHERE m.cause_category = '*' AND ` + cond + `
			GROUP BY m.supplier_id HAVING SUM(m.ncrs) > 0`
		return tx.paretoCounts(q, args, supplierLabel)
	}
	q := `SELECT m.cause_category, '', CAST(SUM(m.ncrs) AS BIGINT), CAST(SUM(m.units) AS BIGINT) FROM ncr_months m
		WHERE m.cause_category <> '*' AND ` + cond + ` GROUP BY m.cause_category HAVING SUM(m.ncrs) > 0`
	return tx.paretoCounts(q, args, causeLabel)
}

// paretoByDefectRollup answers NCRParetoByDefect from ncr_defect_months,
// labelling each key with the least description among the period's lines.
func (tx *Tx) paretoByDefectRollup(f NCRViewFilter) ([]ParetoCount, error) {
	cond, args := f.rollupWhere("m.")
	cond += f.scope("m.", false)
	labels := map[string]string{}
	rows, err := tx.Query(`SELECT key, MIN(description) FROM (SELECT m.key, m.description FROM ncr_defect_labels m WHERE `+cond+`
		GROUP BY m.key, m.description HAVING SUM(m.lines) > 0) d GROUP BY key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, desc string
		if err := rows.Scan(&key, &desc); err != nil {
			return nil, err
		}
		labels[key] = desc
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	q := `SELECT m.key, '', CAST(SUM(m.ncrs) AS BIGINT), CAST(SUM(m.units) AS BIGINT) FROM ncr_defect_months m WHERE ` + cond + ` GROUP BY m.key HAVING SUM(m.ncrs) > 0`
	return tx.paretoCounts(q, args, func(key, _ string) string { return defectLabel(key, labels[key]) })
}

// ncrRollupChecks recompute each roll-up from the NCRs and their defect
// lines (the migration's backfill), keyed as the table is.
var ncrRollupChecks = []struct {
	table, stored, fresh string
	keys                 int // leading key columns
}{
	{"ncr_months", `SELECT supplier_id, month, cause_category, ncrs, units FROM ncr_months WHERE ncrs <> 0 OR units <> 0`,
		`SELECT CASE WHEN s.every = 1 THEN -1 ELSE COALESCE(n.supplier_id, 0) END, {month}, CASE WHEN c.every = 1 THEN '*' ELSE n.cause_category END,
			COUNT(*), SUM(n.quantity_affected)
		FROM ncrs n, (SELECT 0 AS every UNION ALL SELECT 1) s, (SELECT 0 AS every UNION ALL SELECT 1) c WHERE n.status <> 'voided' GROUP BY 1, 2, 3`, 3},
	{"ncr_defect_months", `SELECT supplier_id, month, key, ncrs, units FROM ncr_defect_months WHERE ncrs <> 0 OR units <> 0`,
		`SELECT CASE WHEN s.every = 1 THEN -1 ELSE COALESCE(n.supplier_id, 0) END, {month}, CASE WHEN d.code <> '' THEN d.code ELSE d.description END,
			COUNT(DISTINCT d.ncr_id), SUM(d.quantity)
		FROM ncr_defects d JOIN ncrs n ON n.id = d.ncr_id, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.status <> 'voided' GROUP BY 1, 2, 3`, 3},
	{"ncr_defect_labels", `SELECT supplier_id, month, key, description, lines FROM ncr_defect_labels WHERE lines <> 0`,
		`SELECT CASE WHEN s.every = 1 THEN -1 ELSE COALESCE(n.supplier_id, 0) END, {month}, CASE WHEN d.code <> '' THEN d.code ELSE d.description END,
			d.description, COUNT(*)
		FROM ncr_defects d JOIN ncrs n ON n.id = d.ncr_id, (SELECT 0 AS every UNION ALL SELECT 1) s WHERE n.status <> 'voided' GROUP BY 1, 2, 3, 4`, 4},
	{"ncr_cost_months", `SELECT supplier_id, month, currency, ncrs, scrap, rework, sorting, freight, other, charged_back FROM ncr_cost_months
		WHERE ncrs <> 0 OR scrap <> 0 OR rework <> 0 OR sorting <> 0 OR freight <> 0 OR other <> 0 OR charged_back <> 0`,
		`SELECT COALESCE(n.supplier_id, 0), {month}, n.currency, COUNT(*), SUM(n.cost_scrap), SUM(n.cost_rework), SUM(n.cost_sorting),
			SUM(n.cost_freight), SUM(n.cost_other), SUM(n.charged_back)
		FROM ncrs n WHERE n.status <> 'voided' AND n.currency <> '' GROUP BY 1, 2, 3`, 3},
}

// CheckNCRRollup compares the NCR roll-ups with the NCRs and their defect
// lines and returns the differences found (none when they agree), each
// naming the table, the row and the stored and recomputed values.
func (tx *Tx) CheckNCRRollup() ([]string, error) {
	monthExpr := "substr(n.detected_on, 1, 7)"
	if tx.Dialect() == Postgres {
		monthExpr = "to_char(n.detected_on, 'YYYY-MM')"
	}
	var diffs []string
	for _, c := range ncrRollupChecks {
		stored, err := tx.rollupRows(c.stored, c.keys)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.table, err)
		}
		fresh, err := tx.rollupRows(strings.ReplaceAll(c.fresh, "{month}", monthExpr), c.keys)
		if err != nil {
			return nil, fmt.Errorf("%s recomputed: %w", c.table, err)
		}
		for k, v := range fresh {
			if stored[k] != v {
				diffs = append(diffs, fmt.Sprintf("%s %s: stored %q, from the NCRs %q", c.table, k, stored[k], v))
			}
		}
		for k, v := range stored {
			if _, ok := fresh[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s %s: stored %q, no NCRs", c.table, k, v))
			}
		}
	}
	return diffs, nil
}

// rollupRows reads rows of nkeys key columns and then values into
// key → values, both as quoted text.
func (tx *Tx) rollupRows(q string, nkeys int) (map[string]string, error) {
	rows, err := tx.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = strconv.Quote(v.String)
		}
		out[strings.Join(parts[:nkeys], " ")] = strings.Join(parts[nkeys:], " ")
	}
	return out, rows.Err()
}
