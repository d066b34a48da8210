package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"qms/internal/qms"
	"qms/internal/supplier"
)

// Suppliers, factory sites, product categories, accreditation bodies and
// the certificate-rule settings, and the supplier lists. Certificates,
// verifications, requirements, overrides and the approval gate are in
// certificate.go. Every change is audited in its transaction; nothing is
// deleted: records are voided with a reason.

// Audit entity types and actions of the supplier module.
const (
	entitySupplier     = "supplier"
	entitySite         = "site"
	entityCategory     = "product_category"
	entityAB           = "accreditation_body"
	entitySettings     = "supplier_settings"
	actionStatusChange = "status"
)

type rowScanner interface{ Scan(...any) error }

// today is the transaction's calendar date (UTC).
func (tx *Tx) today() qms.Date { return qms.DateOf(tx.Now) }

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// problemsOf returns the field problems of an invalid error (to add more),
// or nil and the error itself when it is something else.
func problemsOf(err error) (qms.Problems, error) {
	p := qms.Problems{}
	if err == nil {
		return p, nil
	}
	var e *qms.Error
	if errors.As(err, &e) && e.Kind == qms.KindInvalid && len(e.Fields) > 0 {
		for k, v := range e.Fields {
			p[k] = v
		}
		return p, nil
	}
	return nil, err
}

// requireReason checks the reason given for voiding a record.
func requireReason(reason string) (string, error) {
	p := qms.Problems{}
	reason = strings.TrimSpace(reason)
	qms.CheckText(p, "reason", reason, supplier.MaxReasonLen)
	if reason == "" {
		p.Add("reason", "is required: say why the record is voided")
	}
	return reason, p.Err()
}

func alreadyVoided(what string) error {
	return qms.Errorf(qms.KindConflict, "%s is voided and can no longer be changed", what)
}

func encodeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs and slices are encoded
	}
	return string(b)
}

// ---- Product categories ----

const categoryColumns = "id, code, name, keywords, voided_at, void_reason, created_at, updated_at, version"

func scanCategory(sc rowScanner, c *supplier.Category) error {
	var kw string
	var voided sql.NullTime
	if err := sc.Scan(&c.ID, &c.Code, &c.Name, &kw, &voided, &c.VoidReason, &c.CreatedAt, &c.UpdatedAt, &c.Version); err != nil {
		return err
	}
	c.Keywords = []string{}
	if err := json.Unmarshal([]byte(kw), &c.Keywords); err != nil {
		return fmt.Errorf("category %d keywords: %w", c.ID, err)
	}
	c.VoidedAt = nullTime(voided)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return nil
}

// CreateCategory validates and inserts a product category, audited.
// Returns invalid, or a conflict when the code is taken.
func (tx *Tx) CreateCategory(c *supplier.Category) error {
	if err := c.Validate(); err != nil {
		return err
	}
	id, err := tx.Insert(`INSERT INTO product_categories (code, name, keywords, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)`,
		c.Code, c.Name, encodeJSON(c.Keywords), tx.Now, tx.Now)
	if err != nil {
		if err = mapError(err, "category"); qms.ErrorKind(err) == qms.KindConflict {
			return &qms.Error{Kind: qms.KindConflict, Message: "a category with this code already exists",
				Fields: map[string]string{"code": "is already used"}}
		}
		return err
	}
	c.ID, c.CreatedAt, c.UpdatedAt, c.Version, c.VoidedAt, c.VoidReason = id, tx.Now, tx.Now, 1, nil, ""
	return tx.Audit(entityCategory, id, qms.ActionCreate, nil, c, "")
}

// Category returns the category with the given id. Returns not found.
func (tx *Tx) Category(id int64) (*supplier.Category, error) {
	var c supplier.Category
	err := scanCategory(tx.QueryRow("SELECT "+categoryColumns+" FROM product_categories WHERE id = ?", id), &c)
	return &c, mapError(err, "category")
}

// Categories returns every category by code, voided ones too (marked).
func (tx *Tx) Categories() ([]supplier.Category, error) {
	rows, err := tx.Query("SELECT " + categoryColumns + " FROM product_categories ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []supplier.Category
	for rows.Next() {
		var c supplier.Category
		if err := scanCategory(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateCategory changes a category's name and keywords (not its code) if
// its version is still expected, audited. Returns not found, invalid or
// conflict.
func (tx *Tx) UpdateCategory(c *supplier.Category, expected int64, reason string) error {
	before, err := tx.Category(c.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This category")
	}
	c.Code = before.Code
	if err := c.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE product_categories SET name = ?, keywords = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		c.Name, encodeJSON(c.Keywords), tx.Now, c.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This category"); err != nil {
		return err
	}
	after, err := tx.Category(c.ID)
	if err != nil {
		return err
	}
	*c = *after
	return tx.Audit(entityCategory, c.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// VoidCategory voids a category with a reason, audited. Suppliers and
// sites keep the code; it can no longer be given to new ones.
func (tx *Tx) VoidCategory(id int64, reason string, expected int64) error {
	return voidRecord(tx, "product_categories", entityCategory, "This category", id, expected, reason, tx.Category,
		func(r *supplier.Category) bool { return r.VoidedAt != nil })
}

// checkCategoryCodes records a problem for every code that is not a
// category in use.
func (tx *Tx) checkCategoryCodes(p qms.Problems, field string, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	rows, err := tx.Query("SELECT code FROM product_categories WHERE voided_at IS NULL AND code IN ("+placeholders(len(codes))+")", stringArgs(codes)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return err
		}
		known[c] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var unknown []string
	for _, c := range codes {
		if !known[c] {
			unknown = append(unknown, "“"+c+"”")
		}
	}
	if len(unknown) > 0 {
		p.Add(field, "unknown product category "+strings.Join(unknown, ", ")+": use an existing category or create it first")
	}
	return nil
}

func stringArgs(ss []string) []any {
	args := make([]any, len(ss))
	for i, s := range ss {
		args[i] = s
	}
	return args
}

// categoriesOf returns the category codes of the given rows of a link
// table (supplier_categories or site_categories), by owner id.
func (tx *Tx) categoriesOf(table, owner string, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.Query("SELECT "+owner+", category FROM "+table+" WHERE "+owner+" IN ("+placeholders(len(ids))+") ORDER BY category", int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return nil, err
		}
		out[id] = append(out[id], c)
	}
	return out, rows.Err()
}

// setCategories replaces the category links of one owner.
func (tx *Tx) setCategories(table, owner string, id int64, codes []string) error {
	if _, err := tx.Exec("DELETE FROM "+table+" WHERE "+owner+" = ?", id); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := tx.Exec("INSERT INTO "+table+" ("+owner+", category) VALUES (?, ?)", id, c); err != nil {
			return err
		}
	}
	return nil
}

// ---- Suppliers ----

const supplierColumns = "id, name, name_latin, kind, country, address, contacts, notes, status, status_reason, status_changed_at, status_changed_by, voided_at, void_reason, created_at, updated_at, version"

func scanSupplier(sc rowScanner, s *supplier.Supplier) error {
	var contacts string
	var changed, voided sql.NullTime
	if err := sc.Scan(&s.ID, &s.Name, &s.NameLatin, &s.Kind, &s.Country, &s.Address, &contacts, &s.Notes, &s.Status, &s.StatusReason,
		&changed, &s.StatusChangedBy, &voided, &s.VoidReason, &s.CreatedAt, &s.UpdatedAt, &s.Version); err != nil {
		return err
	}
	s.Contacts = []supplier.Contact{}
	if err := json.Unmarshal([]byte(contacts), &s.Contacts); err != nil {
		return fmt.Errorf("supplier %d contacts: %w", s.ID, err)
	}
	s.Categories = []string{}
	s.StatusChangedAt, s.VoidedAt = nullTime(changed), nullTime(voided)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return nil
}

// withSupplierCategories fills in the categories of the suppliers.
func (tx *Tx) withSupplierCategories(ss []supplier.Supplier) error {
	ids := make([]int64, len(ss))
	for i := range ss {
		ids[i] = ss[i].ID
	}
	cats, err := tx.categoriesOf("supplier_categories", "supplier_id", ids)
	if err != nil {
		return err
	}
	for i := range ss {
		if c := cats[ss[i].ID]; c != nil {
			ss[i].Categories = c
		}
	}
	return nil
}

// validateSupplier validates s and checks its categories exist.
func (tx *Tx) validateSupplier(s *supplier.Supplier) error {
	p, err := problemsOf(s.Validate())
	if err != nil {
		return err
	}
	if err := tx.checkCategoryCodes(p, "categories", s.Categories); err != nil {
		return err
	}
	return p.Err()
}

// CreateSupplier validates and inserts a supplier, audited. A new supplier
// is a prospect; its status changes only through SetSupplierStatus.
// Returns invalid (including unknown categories).
func (tx *Tx) CreateSupplier(s *supplier.Supplier) error {
	if s.Status != "" && s.Status != supplier.StatusProspect {
		return &qms.Error{Kind: qms.KindInvalid, Message: "A new supplier starts as a prospect",
			Fields: map[string]string{"status": "must be prospect for a new supplier: change the status afterwards, with a reason"}}
	}
	s.Status, s.StatusReason, s.StatusChangedAt, s.StatusChangedBy = supplier.StatusProspect, "", nil, ""
	if err := tx.validateSupplier(s); err != nil {
		return err
	}
	id, err := tx.Insert(`INSERT INTO suppliers (name, name_latin, sort_key, search_text, kind, country, address, contacts, notes, status,
		created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		s.Name, s.NameLatin, supplier.SortKey(s.Name, s.NameLatin), supplier.SearchText(s.Name, s.NameLatin), s.Kind, s.Country,
		s.Address, encodeJSON(s.Contacts), s.Notes, s.Status, tx.Now, tx.Now)
	if err != nil {
		return err
	}
	if err := tx.setCategories("supplier_categories", "supplier_id", id, s.Categories); err != nil {
		return err
	}
	s.ID, s.CreatedAt, s.UpdatedAt, s.Version, s.VoidedAt, s.VoidReason = id, tx.Now, tx.Now, 1, nil, ""
	return tx.Audit(entitySupplier, id, qms.ActionCreate, nil, s, "")
}

// Supplier returns the supplier with the given id, voided or not. Returns
// not found.
func (tx *Tx) Supplier(id int64) (*supplier.Supplier, error) {
	var s supplier.Supplier
	if err := scanSupplier(tx.QueryRow("SELECT "+supplierColumns+" FROM suppliers WHERE id = ?", id), &s); err != nil {
		return nil, mapError(err, "supplier")
	}
	ss := []supplier.Supplier{s}
	if err := tx.withSupplierCategories(ss); err != nil {
		return nil, err
	}
	return &ss[0], nil
}

// UpdateSupplier changes a supplier's identity, contacts, categories and
// notes (not its status) if its version is still expected, audited with
// the reason. Returns not found, invalid, or conflict when stale or voided.
func (tx *Tx) UpdateSupplier(s *supplier.Supplier, expected int64, reason string) error {
	before, err := tx.Supplier(s.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This supplier")
	}
	s.Status = before.Status
	if err := tx.validateSupplier(s); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE suppliers SET name = ?, name_latin = ?, sort_key = ?, search_text = ?, kind = ?, country = ?, address = ?,
		contacts = ?, notes = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		s.Name, s.NameLatin, supplier.SortKey(s.Name, s.NameLatin), supplier.SearchText(s.Name, s.NameLatin), s.Kind, s.Country, s.Address,
		encodeJSON(s.Contacts), s.Notes, tx.Now, s.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This supplier"); err != nil {
		return err
	}
	if err := tx.setCategories("supplier_categories", "supplier_id", s.ID, s.Categories); err != nil {
		return err
	}
	after, err := tx.Supplier(s.ID)
	if err != nil {
		return err
	}
	*s = *after
	return tx.Audit(entitySupplier, s.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// SetSupplierStatus moves a supplier through its lifecycle, audited with
// the reason. The actor must be a quality manager or an administrator
// (qms.CanApprove); the move must be in supplier.Transitions; approving
// (approved, conditionally approved) must pass the approval gate. Returns
// forbidden, invalid (no reason), not found, or conflict (a move the
// lifecycle refuses, a blocked gate, a stale version, a voided supplier).
func (tx *Tx) SetSupplierStatus(id int64, to supplier.Status, reason string, expected int64) error {
	before, err := tx.Supplier(id)
	if err != nil {
		return err
	}
	if err := supplier.CheckTransition(tx.Actor, before.Status, to, reason); err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This supplier")
	}
	if before.Version != expected {
		return qms.Errorf(qms.KindConflict, "This supplier was changed by someone else since you opened it; reload it and apply your change again")
	}
	if supplier.NeedsGate(to) {
		g, err := tx.SupplierGate(id, 0, nil, nil)
		if err != nil {
			return err
		}
		if err := g.Err(); err != nil {
			return err
		}
	}
	reason = strings.TrimSpace(reason)
	res, err := tx.Exec(`UPDATE suppliers SET status = ?, status_reason = ?, status_changed_at = ?, status_changed_by = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`, to, reason, tx.Now, tx.Actor.Name, tx.Now, id, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This supplier"); err != nil {
		return err
	}
	after, err := tx.Supplier(id)
	if err != nil {
		return err
	}
	return tx.Audit(entitySupplier, id, actionStatusChange, before, after, reason)
}

// VoidSupplier voids a supplier with a reason, audited. Its sites and
// certificates stay as they are, and it leaves every list by default.
// Returns invalid (no reason), not found or conflict.
func (tx *Tx) VoidSupplier(id int64, reason string, expected int64) error {
	return voidRecord(tx, "suppliers", entitySupplier, "This supplier", id, expected, reason, tx.Supplier,
		func(r *supplier.Supplier) bool { return r.VoidedAt != nil })
}

// ---- Sites ----

const siteColumns = "id, supplier_id, name, name_latin, address, address_latin, country, capacity, contacts, notes, voided_at, void_reason, created_at, updated_at, version"

func scanSite(sc rowScanner, s *supplier.Site) error {
	var contacts string
	var voided sql.NullTime
	if err := sc.Scan(&s.ID, &s.SupplierID, &s.Name, &s.NameLatin, &s.Address, &s.AddressLatin, &s.Country, &s.Capacity, &contacts, &s.Notes,
		&voided, &s.VoidReason, &s.CreatedAt, &s.UpdatedAt, &s.Version); err != nil {
		return err
	}
	s.Contacts = []supplier.Contact{}
	if err := json.Unmarshal([]byte(contacts), &s.Contacts); err != nil {
		return fmt.Errorf("site %d contacts: %w", s.ID, err)
	}
	s.Categories = []string{}
	s.VoidedAt = nullTime(voided)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return nil
}

func (tx *Tx) querySites(where string, args ...any) ([]supplier.Site, error) {
	rows, err := tx.Query("SELECT "+siteColumns+" FROM sites WHERE "+where+" ORDER BY supplier_id, sort_key, id", args...)
	if err != nil {
		return nil, err
	}
	var out []supplier.Site
	for rows.Next() {
		var s supplier.Site
		if err := scanSite(rows, &s); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	cats, err := tx.categoriesOf("site_categories", "site_id", ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if c := cats[out[i].ID]; c != nil {
			out[i].Categories = c
		}
	}
	return out, nil
}

// Site returns the site with the given id, voided or not. Returns not found.
func (tx *Tx) Site(id int64) (*supplier.Site, error) {
	ss, err := tx.querySites("id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, qms.Errorf(qms.KindNotFound, "site not found")
	}
	return &ss[0], nil
}

// Sites returns the sites of a supplier by name, voided ones too (marked).
func (tx *Tx) Sites(supplierID int64) ([]supplier.Site, error) {
	return tx.querySites("supplier_id = ?", supplierID)
}

func (tx *Tx) validateSite(s *supplier.Site) error {
	p, err := problemsOf(s.Validate())
	if err != nil {
		return err
	}
	if err := tx.checkCategoryCodes(p, "categories", s.Categories); err != nil {
		return err
	}
	return p.Err()
}

// CreateSite validates and inserts a factory site of an existing, not
// voided supplier, audited. Returns invalid, not found (no such supplier)
// or conflict (voided supplier).
func (tx *Tx) CreateSite(s *supplier.Site) error {
	if err := tx.validateSite(s); err != nil {
		return err
	}
	sup, err := tx.Supplier(s.SupplierID)
	if err != nil {
		return err
	}
	if sup.VoidedAt != nil {
		return alreadyVoided("This supplier")
	}
	id, err := tx.Insert(`INSERT INTO sites (supplier_id, name, name_latin, sort_key, address, address_latin, country, capacity, contacts, notes,
		created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		s.SupplierID, s.Name, s.NameLatin, supplier.SortKey(s.Name, s.NameLatin), s.Address, s.AddressLatin, s.Country, s.Capacity,
		encodeJSON(s.Contacts), s.Notes, tx.Now, tx.Now)
	if err != nil {
		return err
	}
	if err := tx.setCategories("site_categories", "site_id", id, s.Categories); err != nil {
		return err
	}
	s.ID, s.CreatedAt, s.UpdatedAt, s.Version, s.VoidedAt, s.VoidReason = id, tx.Now, tx.Now, 1, nil, ""
	return tx.Audit(entitySite, id, qms.ActionCreate, nil, s, "")
}

// UpdateSite changes a site (not its supplier) if its version is still
// expected, audited. Returns not found, invalid or conflict.
func (tx *Tx) UpdateSite(s *supplier.Site, expected int64, reason string) error {
	before, err := tx.Site(s.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This site")
	}
	s.SupplierID = before.SupplierID
	if err := tx.validateSite(s); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE sites SET name = ?, name_latin = ?, sort_key = ?, address = ?, address_latin = ?, country = ?, capacity = ?,
		contacts = ?, notes = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		s.Name, s.NameLatin, supplier.SortKey(s.Name, s.NameLatin), s.Address, s.AddressLatin, s.Country, s.Capacity,
		encodeJSON(s.Contacts), s.Notes, tx.Now, s.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This site"); err != nil {
		return err
	}
	if err := tx.setCategories("site_categories", "site_id", s.ID, s.Categories); err != nil {
		return err
	}
	after, err := tx.Site(s.ID)
	if err != nil {
		return err
	}
	*s = *after
	return tx.Audit(entitySite, s.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// VoidSite voids a site with a reason, audited. Certificates keep their
// link to it. Returns invalid, not found or conflict.
func (tx *Tx) VoidSite(id int64, reason string, expected int64) error {
	return voidRecord(tx, "sites", entitySite, "This site", id, expected, reason, tx.Site,
		func(r *supplier.Site) bool { return r.VoidedAt != nil })
}

// ---- Settings and accreditation bodies ----

const abColumns = "id, code, name, country, recognised, aliases, note, created_at, updated_at, version"

func scanAB(sc rowScanner, a *supplier.AccreditationBody) error {
	var aliases string
	if err := sc.Scan(&a.ID, &a.Code, &a.Name, &a.Country, &a.Recognised, &aliases, &a.Note, &a.CreatedAt, &a.UpdatedAt, &a.Version); err != nil {
		return err
	}
	a.Aliases = []string{}
	if err := json.Unmarshal([]byte(aliases), &a.Aliases); err != nil {
		return fmt.Errorf("accreditation body %d aliases: %w", a.ID, err)
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return nil
}

// AccreditationBodies returns every known accreditation body by code.
func (tx *Tx) AccreditationBodies() ([]supplier.AccreditationBody, error) {
	rows, err := tx.Query("SELECT " + abColumns + " FROM accreditation_bodies ORDER BY code_key")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []supplier.AccreditationBody
	for rows.Next() {
		var a supplier.AccreditationBody
		if err := scanAB(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccreditationBody returns one accreditation body. Returns not found.
func (tx *Tx) AccreditationBody(id int64) (*supplier.AccreditationBody, error) {
	var a supplier.AccreditationBody
	err := scanAB(tx.QueryRow("SELECT "+abColumns+" FROM accreditation_bodies WHERE id = ?", id), &a)
	return &a, mapError(err, "accreditation body")
}

func abConflict(err error) error {
	if err = mapError(err, "accreditation body"); qms.ErrorKind(err) == qms.KindConflict {
		return &qms.Error{Kind: qms.KindConflict, Message: "an accreditation body with this code already exists",
			Fields: map[string]string{"code": "is already used"}}
	}
	return err
}

// CreateAccreditationBody adds an accreditation body to the list, audited.
// Returns invalid, or conflict when the code is taken.
func (tx *Tx) CreateAccreditationBody(a *supplier.AccreditationBody) error {
	if err := a.Validate(); err != nil {
		return err
	}
	id, err := tx.Insert(`INSERT INTO accreditation_bodies (code, code_key, name, country, recognised, aliases, note, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, a.Code, a.Key(), a.Name, a.Country, a.Recognised, encodeJSON(a.Aliases), a.Note, tx.Now, tx.Now)
	if err != nil {
		return abConflict(err)
	}
	a.ID, a.CreatedAt, a.UpdatedAt, a.Version = id, tx.Now, tx.Now, 1
	return tx.Audit(entityAB, id, qms.ActionCreate, nil, a, "")
}

// UpdateAccreditationBody changes an accreditation body (recognising it or
// not) if its version is still expected, audited with the reason. Returns
// not found, invalid or conflict.
func (tx *Tx) UpdateAccreditationBody(a *supplier.AccreditationBody, expected int64, reason string) error {
	before, err := tx.AccreditationBody(a.ID)
	if err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE accreditation_bodies SET code = ?, code_key = ?, name = ?, country = ?, recognised = ?, aliases = ?, note = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		a.Code, a.Key(), a.Name, a.Country, a.Recognised, encodeJSON(a.Aliases), a.Note, tx.Now, a.ID, expected)
	if err != nil {
		return abConflict(err)
	}
	if err := CheckVersion(res, "This accreditation body"); err != nil {
		return err
	}
	after, err := tx.AccreditationBody(a.ID)
	if err != nil {
		return err
	}
	*a = *after
	return tx.Audit(entityAB, a.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// SupplierSettings returns the thresholds of the certificate rules with the
// accreditation bodies.
func (tx *Tx) SupplierSettings() (*supplier.Settings, error) {
	var s supplier.Settings
	err := tx.QueryRow(`SELECT expiry_warning_days, max_validity_years, surveillance_months, verification_max_age_months, version
		FROM supplier_settings WHERE id = 1`).Scan(&s.ExpiryWarningDays, &s.MaxValidityYears, &s.SurveillanceMonths, &s.VerificationMaxAgeMonths, &s.Version)
	if err != nil {
		return nil, fmt.Errorf("read supplier settings: %w", err)
	}
	if s.AccreditationBodies, err = tx.AccreditationBodies(); err != nil {
		return nil, err
	}
	return &s, nil
}

// UpdateSupplierSettings changes the thresholds if their version is still
// expected, audited with the reason. Returns invalid or conflict.
func (tx *Tx) UpdateSupplierSettings(s *supplier.Settings, expected int64, reason string) error {
	if err := s.Validate(); err != nil {
		return err
	}
	before, err := tx.SupplierSettings()
	if err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE supplier_settings SET expiry_warning_days = ?, max_validity_years = ?, surveillance_months = ?,
		verification_max_age_months = ?, updated_at = ?, version = version + 1 WHERE id = 1 AND version = ?`,
		s.ExpiryWarningDays, s.MaxValidityYears, s.SurveillanceMonths, s.VerificationMaxAgeMonths, tx.Now, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "The supplier settings"); err != nil {
		return err
	}
	after, err := tx.SupplierSettings()
	if err != nil {
		return err
	}
	*s = *after
	return tx.Audit(entitySettings, 1, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// ---- Lists ----

// Supplier list orders (SupplierFilter.Sort). Each breaks ties by id.
const (
	SortName        = "name"     // by Latin name (A-Z)
	SortNameDesc    = "-name"    // Z-A
	SortCountry     = "country"  // by country, then name
	SortStatus      = "status"   // by status, then name
	SortUpdated     = "updated"  // least recently changed first
	SortUpdatedDesc = "-updated" // most recently changed first
)

var supplierOrders = map[string]string{
	"":              "sort_key, id",
	SortName:        "sort_key, id",
	SortNameDesc:    "sort_key DESC, id DESC",
	SortCountry:     "country, sort_key, id",
	SortStatus:      "status, sort_key, id",
	SortUpdated:     "updated_at, id",
	SortUpdatedDesc: "updated_at DESC, id DESC",
}

// SupplierFilter selects and orders suppliers. Zero fields do not filter.
type SupplierFilter struct {
	Query         string            // part of the local or Latin name, ignoring case and Vietnamese diacritics
	Statuses      []supplier.Status // any of these
	Country       string            // ISO code
	Category      string            // the supplier or one of its active sites has the category
	IncludeVoided bool
	Sort          string // one of the Sort* constants; default by name
	Offset        int    // how many to skip
	Limit         int    // page size, at most MaxPageSize (default 50)
}

// SupplierPage is one page of suppliers: Total matches in all, and Next,
// the offset of the next page (0 when this is the last).
type SupplierPage struct {
	Items []supplier.Supplier
	Total int
	Next  int64
}

// ListSuppliers returns one page of the suppliers matching f. Returns
// invalid for an unknown sort order or status.
func (tx *Tx) ListSuppliers(f SupplierFilter) (*SupplierPage, error) {
	order, ok := supplierOrders[f.Sort]
	if !ok {
		return nil, &qms.Error{Kind: qms.KindInvalid, Message: "Unknown sort order",
			Fields: map[string]string{"sort": "must be one of name, -name, country, status, updated, -updated"}}
	}
	var where []string
	var args []any
	if !f.IncludeVoided {
		where = append(where, "voided_at IS NULL")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where, args = append(where, `search_text LIKE ? ESCAPE '\'`), append(args, "%"+escapeLike(supplier.Fold(q))+"%")
	}
	if len(f.Statuses) > 0 {
		for _, st := range f.Statuses {
			if !st.Valid() {
				return nil, &qms.Error{Kind: qms.KindInvalid, Message: "Unknown status", Fields: map[string]string{"status": "“" + string(st) + "” is not a supplier status"}}
			}
			args = append(args, st)
		}
		where = append(where, "status IN ("+placeholders(len(f.Statuses))+")")
	}
	if c := strings.ToUpper(strings.TrimSpace(f.Country)); c != "" {
		where, args = append(where, "country = ?"), append(args, c)
	}
	if c := supplier.NormalizeCode(f.Category); c != "" {
		// Not correlated: the set of suppliers with the category is built once.
		where = append(where, `id IN (SELECT supplier_id FROM supplier_categories WHERE category = ?
			UNION SELECT sites.supplier_id FROM site_categories JOIN sites ON sites.id = site_categories.site_id
				WHERE site_categories.category = ? AND sites.voided_at IS NULL)`)
		args = append(args, c, c)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page := &SupplierPage{}
	if err := tx.QueryRow("SELECT COUNT(*) FROM suppliers"+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	rows, err := tx.Query("SELECT "+supplierColumns+" FROM suppliers"+cond+" ORDER BY "+order+
		" LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s supplier.Supplier
		if err := scanSupplier(rows, &s); err != nil {
			rows.Close()
			return nil, err
		}
		page.Items = append(page.Items, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := tx.withSupplierCategories(page.Items); err != nil {
		return nil, err
	}
	if offset+len(page.Items) < page.Total {
		page.Next = int64(offset + len(page.Items))
	}
	return page, nil
}

// ASLEntry is a supplier on the approved supplier list, with its active
// sites (those making the category, when the list is for one) and their
// certificates.
type ASLEntry struct {
	Supplier     supplier.Supplier
	Sites        []supplier.Site
	Certificates []CertificateView // accepted and submitted, not voided or rejected; expired ones included
}

// ApprovedSuppliers returns one page of the approved supplier list for a
// product category ("" for every category): suppliers approved,
// conditionally approved or on probation, not voided, that have the
// category themselves or at an active site, by name. Next is the offset of
// the next page (0 when none).
func (tx *Tx) ApprovedSuppliers(category string, offset, limit int) ([]ASLEntry, int64, error) {
	var statuses []supplier.Status
	for _, s := range supplier.Statuses {
		if s.OnApprovedList() {
			statuses = append(statuses, s)
		}
	}
	page, err := tx.ListSuppliers(SupplierFilter{Statuses: statuses, Category: category, Offset: offset, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	if len(page.Items) == 0 {
		return nil, 0, nil
	}
	ids := make([]int64, len(page.Items))
	for i := range page.Items {
		ids[i] = page.Items[i].ID
	}
	sites, err := tx.querySites("voided_at IS NULL AND supplier_id IN ("+placeholders(len(ids))+")", int64Args(ids)...)
	if err != nil {
		return nil, 0, err
	}
	certs, err := tx.certificateViews("c.voided_at IS NULL AND c.review <> 'rejected' AND c.supplier_id IN ("+placeholders(len(ids))+")", "", int64Args(ids)...)
	if err != nil {
		return nil, 0, err
	}
	cat := supplier.NormalizeCode(category)
	out := make([]ASLEntry, len(page.Items))
	for i, s := range page.Items {
		out[i].Supplier = s
		for _, site := range sites {
			if site.SupplierID == s.ID && (cat == "" || slices.Contains(site.Categories, cat) || len(site.Categories) == 0) {
				out[i].Sites = append(out[i].Sites, site)
			}
		}
		for _, c := range certs {
			if c.Certificate.SupplierID == s.ID {
				out[i].Certificates = append(out[i].Certificates, c)
			}
		}
	}
	return out, page.Next, nil
}
