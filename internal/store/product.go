package store

import (
	"database/sql"
	"strconv"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/supplier"
)

// Products and the defect library per product category. Spec revisions
// are in spec.go, inspection plans in inspection_plan.go, inspections in
// inspection.go. Every change is audited in its transaction; nothing is
// deleted: records are voided with a reason.

// Audit entity types of the inspection module.
const (
	entityProduct    = "product"
	entityDefectCode = "defect_code"
	entitySpec       = "spec"
	entityPlan       = "inspection_plan"
	entityInspection = "inspection"
	entityEntry      = "inspection_entry"
	entityAmendment  = "inspection_amendment"
	entitySwitching  = "switching_event"
	entityLotResult  = "lot_result"
)

// ---- Products ----

const productColumns = "id, sku, name, category, customer, market, description, voided_at, void_reason, created_at, updated_at, version"

func scanProduct(sc scanner, p *inspection.Product) error {
	var voided sql.NullTime
	if err := sc.Scan(&p.ID, &p.SKU, &p.Name, &p.Category, &p.Customer, &p.Market, &p.Description, &voided, &p.VoidReason,
		&p.CreatedAt, &p.UpdatedAt, &p.Version); err != nil {
		return err
	}
	p.VoidedAt = nullTime(voided)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return nil
}

func productSearchText(p *inspection.Product) string {
	return supplier.SearchText(p.SKU, p.Name, p.Customer)
}

// validateProduct validates p and checks that its category is in use.
func (tx *Tx) validateProduct(p *inspection.Product) error {
	pr, err := problemsOf(p.Validate())
	if err != nil {
		return err
	}
	if p.Category != "" {
		if err := tx.checkCategoryCodes(pr, "category", []string{p.Category}); err != nil {
			return err
		}
	}
	return pr.Err()
}

func skuConflict(err error) error {
	if err = mapError(err, "product"); qms.ErrorKind(err) == qms.KindConflict {
		return &qms.Error{Kind: qms.KindConflict, Message: "a product with this SKU already exists",
			Fields: map[string]string{"sku": "is already used by another product"}, Err: err}
	}
	return err
}

// CreateProduct validates and inserts a product, audited. Returns invalid
// (including an unknown category), or conflict when the SKU is taken
// (ignoring case).
func (tx *Tx) CreateProduct(p *inspection.Product) error {
	if err := tx.validateProduct(p); err != nil {
		return err
	}
	id, err := tx.Insert(`INSERT INTO products (sku, sku_key, name, search_text, category, customer, market, description, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, p.SKU, inspection.SKUKey(p.SKU), p.Name, productSearchText(p), p.Category, p.Customer, p.Market,
		p.Description, tx.Now, tx.Now)
	if err != nil {
		return skuConflict(err)
	}
	p.ID, p.CreatedAt, p.UpdatedAt, p.Version, p.VoidedAt, p.VoidReason = id, tx.Now, tx.Now, 1, nil, ""
	return tx.Audit(entityProduct, id, qms.ActionCreate, nil, p, "")
}

// Product returns the product with the given id, voided or not. Returns
// not found.
func (tx *Tx) Product(id int64) (*inspection.Product, error) {
	var p inspection.Product
	if err := scanProduct(tx.QueryRow("SELECT "+productColumns+" FROM products WHERE id = ?", id), &p); err != nil {
		return nil, mapError(err, "product")
	}
	return &p, nil
}

// ProductBySKU returns the product with the SKU (ignoring case). Returns
// not found.
func (tx *Tx) ProductBySKU(sku string) (*inspection.Product, error) {
	var p inspection.Product
	if err := scanProduct(tx.QueryRow("SELECT "+productColumns+" FROM products WHERE sku_key = ?", inspection.SKUKey(sku)), &p); err != nil {
		return nil, mapError(err, "product")
	}
	return &p, nil
}

// UpdateProduct changes a product if its version is still expected,
// audited with the reason. Returns not found, invalid, or conflict (stale,
// voided, SKU taken).
func (tx *Tx) UpdateProduct(p *inspection.Product, expected int64, reason string) error {
	before, err := tx.Product(p.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This product")
	}
	if err := tx.validateProduct(p); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE products SET sku = ?, sku_key = ?, name = ?, search_text = ?, category = ?, customer = ?, market = ?, description = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		p.SKU, inspection.SKUKey(p.SKU), p.Name, productSearchText(p), p.Category, p.Customer, p.Market, p.Description, tx.Now, p.ID, expected)
	if err != nil {
		return skuConflict(err)
	}
	if err := CheckVersion(res, "This product"); err != nil {
		return err
	}
	after, err := tx.Product(p.ID)
	if err != nil {
		return err
	}
	*p = *after
	return tx.Audit(entityProduct, p.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// VoidProduct voids a product with a reason, audited. Its specs,
// inspections and results stay. Returns invalid, not found or conflict.
func (tx *Tx) VoidProduct(id int64, reason string, expected int64) error {
	return voidRecord(tx, "products", entityProduct, "This product", id, expected, reason, tx.Product,
		func(r *inspection.Product) bool { return r.VoidedAt != nil })
}

// ProductFilter selects products. Zero fields do not filter.
type ProductFilter struct {
	Query         string // part of the SKU, name or customer, ignoring case and diacritics
	Category      string
	IncludeVoided bool
	Offset        int
	Limit         int // at most MaxPageSize (default 50)
}

// ProductPage is one page of products by SKU: Total matches in all, Next
// the offset of the next page (0 when this is the last).
type ProductPage struct {
	Items []inspection.Product
	Total int
	Next  int64
}

// ListProducts returns one page of the products matching f, by SKU.
func (tx *Tx) ListProducts(f ProductFilter) (*ProductPage, error) {
	var where []string
	var args []any
	if !f.IncludeVoided {
		where = append(where, "voided_at IS NULL")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where, args = append(where, `search_text LIKE ? ESCAPE '\'`), append(args, "%"+escapeLike(supplier.Fold(q))+"%")
	}
	if c := supplier.NormalizeCode(f.Category); c != "" {
		where, args = append(where, "category = ?"), append(args, c)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page := &ProductPage{Items: []inspection.Product{}}
	if err := tx.QueryRow("SELECT COUNT(*) FROM products"+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	rows, err := tx.Query("SELECT "+productColumns+" FROM products"+cond+" ORDER BY sku_key, id LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p inspection.Product
		if err := scanProduct(rows, &p); err != nil {
			return nil, err
		}
		page.Items = append(page.Items, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if offset+len(page.Items) < page.Total {
		page.Next = int64(offset + len(page.Items))
	}
	return page, nil
}

// ---- The defect library ----

const defectCodeColumns = "id, category, code, description, class, voided_at, void_reason, created_at, updated_at, version"

func scanDefectCode(sc scanner, d *inspection.DefectCode) error {
	var voided sql.NullTime
	if err := sc.Scan(&d.ID, &d.Category, &d.Code, &d.Description, &d.Class, &voided, &d.VoidReason, &d.CreatedAt, &d.UpdatedAt, &d.Version); err != nil {
		return err
	}
	d.VoidedAt = nullTime(voided)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return nil
}

// CreateDefectCode adds a code to the defect library of a category,
// audited. Returns invalid (including an unknown category), or conflict
// when the category already has the code.
func (tx *Tx) CreateDefectCode(d *inspection.DefectCode) error {
	p, err := problemsOf(d.Validate())
	if err != nil {
		return err
	}
	if d.Category != "" {
		if err := tx.checkCategoryCodes(p, "category", []string{d.Category}); err != nil {
			return err
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	id, err := tx.Insert(`INSERT INTO defect_codes (category, code, description, class, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, 1)`,
		d.Category, d.Code, d.Description, d.Class, tx.Now, tx.Now)
	if err != nil {
		if err = mapError(err, "defect code"); qms.ErrorKind(err) == qms.KindConflict {
			return &qms.Error{Kind: qms.KindConflict, Message: "the defect library of this category already has this code",
				Fields: map[string]string{"code": "is already used in this category"}, Err: err}
		}
		return err
	}
	d.ID, d.CreatedAt, d.UpdatedAt, d.Version, d.VoidedAt, d.VoidReason = id, tx.Now, tx.Now, 1, nil, ""
	return tx.Audit(entityDefectCode, id, qms.ActionCreate, nil, d, "")
}

// DefectCode returns one library entry. Returns not found.
func (tx *Tx) DefectCode(id int64) (*inspection.DefectCode, error) {
	var d inspection.DefectCode
	if err := scanDefectCode(tx.QueryRow("SELECT "+defectCodeColumns+" FROM defect_codes WHERE id = ?", id), &d); err != nil {
		return nil, mapError(err, "defect code")
	}
	return &d, nil
}

// DefectCodes returns the defect library of a category by code; voided
// entries only when asked.
func (tx *Tx) DefectCodes(category string, includeVoided bool) ([]inspection.DefectCode, error) {
	q := "SELECT " + defectCodeColumns + " FROM defect_codes WHERE category = ?"
	if !includeVoided {
		q += " AND voided_at IS NULL"
	}
	return scanAllTx(tx, q+" ORDER BY code, id", []any{supplier.NormalizeCode(category)}, scanDefectCode)
}

// UpdateDefectCode changes an entry's description and default class (not
// its category or code) if its version is still expected, audited.
// Recorded defects keep the class they were recorded with. Returns not
// found, invalid or conflict.
func (tx *Tx) UpdateDefectCode(d *inspection.DefectCode, expected int64, reason string) error {
	before, err := tx.DefectCode(d.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This defect code")
	}
	d.Category, d.Code = before.Category, before.Code
	if err := d.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE defect_codes SET description = ?, class = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		d.Description, d.Class, tx.Now, d.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This defect code"); err != nil {
		return err
	}
	after, err := tx.DefectCode(d.ID)
	if err != nil {
		return err
	}
	*d = *after
	return tx.Audit(entityDefectCode, d.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// VoidDefectCode withdraws a code from the library with a reason, audited.
// Defects recorded with it keep it. Returns invalid, not found or conflict.
func (tx *Tx) VoidDefectCode(id int64, reason string, expected int64) error {
	return voidRecord(tx, "defect_codes", entityDefectCode, "This defect code", id, expected, reason, tx.DefectCode,
		func(r *inspection.DefectCode) bool { return r.VoidedAt != nil })
}

// scanAllTx runs a query in the transaction and scans every row.
func scanAllTx[T any](tx *Tx, query string, args []any, scan func(scanner, *T) error) ([]T, error) {
	rows, err := tx.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
