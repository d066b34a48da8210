package store

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
	"qms/internal/supplier"
)

// Certificates and test reports, their site links and verifications,
// certificate requirements, overrides, the approval gate and the
// certificate lists. Calendar dates are 'YYYY-MM-DD' TEXT on SQLite and
// DATE on PostgreSQL.

// Audit entity types and actions of certificates.
const (
	entityCertificate  = "certificate"
	entityVerification = "certificate_verification"
	entityRequirement  = "certificate_requirement"
	entityOverride     = "certificate_override"
	actionReview       = "review"
)

// dateValue is the query argument for a calendar date: NULL for no date.
func dateValue(d qms.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// dateDest scans a DATE (PostgreSQL) or 'YYYY-MM-DD' text (SQLite) column.
type dateDest struct{ d *qms.Date }

func (s dateDest) Scan(v any) error {
	var err error
	switch x := v.(type) {
	case nil:
		*s.d = qms.Date{}
	case time.Time:
		*s.d = qms.DateOf(x)
	case string:
		*s.d, err = qms.ParseDate(x)
	case []byte:
		*s.d, err = qms.ParseDate(string(x))
	default:
		err = fmt.Errorf("cannot scan %T into a date", v)
	}
	return err
}

// CertificateView is a certificate with its verifications, its supplier's
// name and its derived status on the transaction's date.
type CertificateView struct {
	Certificate   supplier.Certificate
	Verifications []supplier.Verification
	SupplierName  string
	Status        supplier.CertStatus
}

const certColumns = `c.id, c.supplier_id, c.kind, c.standard, c.standard_version, c.number, c.certification_body, c.accreditation_body,
	c.scope, c.holder_name, c.holder_address, c.issue_date, c.expiry_date, c.original_date, c.surveillance_date, c.document_ref,
	c.review, c.review_note, c.reviewed_by, c.reviewed_at, c.created_by_id, c.voided_at, c.void_reason, c.created_at, c.updated_at, c.version`

func scanCertificate(sc rowScanner, c *supplier.Certificate, extra ...any) error {
	var reviewed, voided sql.NullTime
	dest := append([]any{&c.ID, &c.SupplierID, &c.Kind, &c.Standard, &c.StandardVersion, &c.Number, &c.CertificationBody, &c.AccreditationBody,
		&c.Scope, &c.HolderName, &c.HolderAddress, dateDest{&c.IssueDate}, dateDest{&c.ExpiryDate}, dateDest{&c.OriginalDate},
		dateDest{&c.LastSurveillanceDate}, &c.DocumentRef, &c.Review, &c.ReviewNote, &c.ReviewedBy, &reviewed, &c.CreatedByID,
		&voided, &c.VoidReason, &c.CreatedAt, &c.UpdatedAt, &c.Version}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	c.ReviewedAt, c.VoidedAt = nullTime(reviewed), nullTime(voided)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.SiteIDs = []int64{}
	return nil
}

// queryCertificates runs a query selecting certColumns and the supplier's
// display name (from suppliers s), and fills in the site links.
func (tx *Tx) queryCertificates(query string, args ...any) ([]supplier.Certificate, []string, error) {
	rows, err := tx.Query(query, args...)
	if err != nil {
		return nil, nil, err
	}
	var certs []supplier.Certificate
	var names []string
	for rows.Next() {
		var c supplier.Certificate
		var name, latin string
		if err := scanCertificate(rows, &c, &name, &latin); err != nil {
			rows.Close()
			return nil, nil, err
		}
		certs = append(certs, c)
		names = append(names, (&supplier.Supplier{Name: name, NameLatin: latin}).DisplayName())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(certs) == 0 {
		return nil, nil, nil
	}
	ids := make([]int64, len(certs))
	for i := range certs {
		ids[i] = certs[i].ID
	}
	links, err := tx.Query("SELECT certificate_id, site_id FROM certificate_sites WHERE certificate_id IN ("+placeholders(len(ids))+") ORDER BY site_id", int64Args(ids)...)
	if err != nil {
		return nil, nil, err
	}
	defer links.Close()
	byID := map[int64]*supplier.Certificate{}
	for i := range certs {
		byID[certs[i].ID] = &certs[i]
	}
	for links.Next() {
		var cid, sid int64
		if err := links.Scan(&cid, &sid); err != nil {
			return nil, nil, err
		}
		byID[cid].SiteIDs = append(byID[cid].SiteIDs, sid)
	}
	return certs, names, links.Err()
}

const certFrom = " FROM certificates c JOIN suppliers s ON s.id = c.supplier_id"

// Certificate returns the certificate with the given id with the sites it
// covers, voided or not. Returns not found.
func (tx *Tx) Certificate(id int64) (*supplier.Certificate, error) {
	cs, _, err := tx.queryCertificates("SELECT "+certColumns+", s.name, s.name_latin"+certFrom+" WHERE c.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, qms.Errorf(qms.KindNotFound, "certificate not found")
	}
	return &cs[0], nil
}

// certificateViews loads the certificates selected by cond (over
// certificates c and suppliers s) and suffix (ORDER BY, LIMIT), with their
// verifications and status.
func (tx *Tx) certificateViews(cond, suffix string, args ...any) ([]CertificateView, error) {
	if suffix == "" {
		suffix = " ORDER BY c.supplier_id, c.standard_key, c.expiry_date, c.id"
	}
	certs, names, err := tx.queryCertificates("SELECT "+certColumns+", s.name, s.name_latin"+certFrom+" WHERE "+cond+suffix, args...)
	if err != nil || len(certs) == 0 {
		return nil, err
	}
	ids := make([]int64, len(certs))
	for i := range certs {
		ids[i] = certs[i].ID
	}
	vs, err := tx.verificationsOf(ids)
	if err != nil {
		return nil, err
	}
	set, err := tx.SupplierSettings()
	if err != nil {
		return nil, err
	}
	today := tx.today()
	out := make([]CertificateView, len(certs))
	for i := range certs {
		out[i] = CertificateView{Certificate: certs[i], Verifications: vs[certs[i].ID], SupplierName: names[i]}
		if out[i].Verifications == nil {
			out[i].Verifications = []supplier.Verification{}
		}
		out[i].Status = supplier.DeriveStatus(&out[i].Certificate, out[i].Verifications, today, *set)
	}
	return out, nil
}

// validateCertificate validates c on the transaction's date and checks that
// its supplier is active, that its sites are active sites of that supplier,
// and that no other certificate of the supplier has its number from the
// same certification body.
func (tx *Tx) validateCertificate(c *supplier.Certificate) error {
	p, err := problemsOf(c.Validate(tx.today()))
	if err != nil {
		return err
	}
	if c.SupplierID > 0 {
		sup, err := tx.Supplier(c.SupplierID)
		if err != nil {
			return err
		}
		if sup.VoidedAt != nil {
			return alreadyVoided("This supplier")
		}
	}
	if len(c.SiteIDs) > 0 {
		sites, err := tx.querySites("id IN ("+placeholders(len(c.SiteIDs))+")", int64Args(c.SiteIDs)...)
		if err != nil {
			return err
		}
		ok := map[int64]bool{}
		for _, s := range sites {
			ok[s.ID] = s.SupplierID == c.SupplierID && s.VoidedAt == nil
		}
		for _, id := range c.SiteIDs {
			if !ok[id] {
				p.Add("site_ids", "site "+strconv.FormatInt(id, 10)+" is not an active site of this supplier")
			}
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	var other int64
	err = tx.QueryRow(`SELECT id FROM certificates WHERE supplier_id = ? AND cb_key = ? AND number_key = ? AND id <> ?
		AND voided_at IS NULL AND review <> 'rejected'`, c.SupplierID, c.BodyKey(), c.NumberKey(), c.ID).Scan(&other)
	switch {
	case err == nil:
		return duplicateNumber(other)
	case err != sql.ErrNoRows:
		return err
	}
	return nil
}

func duplicateNumber(other int64) error {
	return &qms.Error{Kind: qms.KindConflict,
		Message: fmt.Sprintf("this supplier already has a certificate with this number from this certification body (certificate %d): update that one, or void it first", other),
		Fields:  map[string]string{"number": "is already recorded for this certification body"}}
}

// certConflict maps a unique-index violation on the number (a race the
// pre-check lost) to the same conflict.
func certConflict(err error) error {
	if qms.ErrorKind(mapError(err, "certificate")) == qms.KindConflict {
		return duplicateNumber(0)
	}
	return err
}

func (tx *Tx) linkSites(certID int64, siteIDs []int64) error {
	if _, err := tx.Exec("DELETE FROM certificate_sites WHERE certificate_id = ?", certID); err != nil {
		return err
	}
	for _, s := range siteIDs {
		if _, err := tx.Exec("INSERT INTO certificate_sites (certificate_id, site_id) VALUES (?, ?)", certID, s); err != nil {
			return err
		}
	}
	return nil
}

// CreateCertificate validates and inserts a certificate or test report with
// its site links, audited. A quality manager's entry is accepted; anyone
// else's (a supplier user's upload) is submitted for review
// (supplier.InitialReview). Returns invalid (bad dates, unknown standard,
// sites of another supplier), not found (no such supplier), or conflict (a
// voided supplier, or the same number from the same certification body).
func (tx *Tx) CreateCertificate(c *supplier.Certificate) error {
	c.ID = 0
	c.Review = supplier.InitialReview(tx.Actor)
	c.ReviewNote, c.ReviewedBy, c.ReviewedAt = "", "", nil
	if c.Review == supplier.ReviewAccepted {
		now := tx.Now
		c.ReviewedBy, c.ReviewedAt = tx.Actor.Name, &now
	}
	if err := tx.validateCertificate(c); err != nil {
		return err
	}
	id, err := tx.Insert(`INSERT INTO certificates (supplier_id, kind, standard, standard_key, standard_version, number, number_key,
		certification_body, cb_key, accreditation_body, scope, holder_name, holder_address, issue_date, expiry_date, original_date,
		surveillance_date, document_ref, review, reviewed_by, reviewed_at, created_by_id, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		c.SupplierID, c.Kind, c.Standard, supplier.StandardKey(c.Standard), c.StandardVersion, c.Number, c.NumberKey(),
		c.CertificationBody, c.BodyKey(), c.AccreditationBody, c.Scope, c.HolderName, c.HolderAddress, dateValue(c.IssueDate),
		dateValue(c.ExpiryDate), dateValue(c.OriginalDate), dateValue(c.LastSurveillanceDate), c.DocumentRef, c.Review,
		c.ReviewedBy, c.ReviewedAt, tx.Actor.UserID, tx.Now, tx.Now)
	if err != nil {
		return certConflict(err)
	}
	if err := tx.linkSites(id, c.SiteIDs); err != nil {
		return err
	}
	c.ID, c.CreatedByID, c.CreatedAt, c.UpdatedAt, c.Version, c.VoidedAt, c.VoidReason = id, tx.Actor.UserID, tx.Now, tx.Now, 1, nil, ""
	return tx.Audit(entityCertificate, id, qms.ActionCreate, nil, c, "")
}

// UpdateCertificate changes a certificate's fields and site links (not its
// supplier) if its version is still expected, audited with the reason. A
// change by anyone but a quality manager sends it back to review
// (supplier.ReviewAfterEdit). Returns not found, invalid or conflict.
func (tx *Tx) UpdateCertificate(c *supplier.Certificate, expected int64, reason string) error {
	before, err := tx.Certificate(c.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This certificate")
	}
	c.SupplierID = before.SupplierID
	c.Review = supplier.ReviewAfterEdit(tx.Actor, before.Review)
	c.ReviewNote, c.ReviewedBy, c.ReviewedAt = before.ReviewNote, before.ReviewedBy, before.ReviewedAt
	if c.Review != before.Review {
		c.ReviewNote, c.ReviewedBy, c.ReviewedAt = "", "", nil
	}
	if err := tx.validateCertificate(c); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE certificates SET kind = ?, standard = ?, standard_key = ?, standard_version = ?, number = ?, number_key = ?,
		certification_body = ?, cb_key = ?, accreditation_body = ?, scope = ?, holder_name = ?, holder_address = ?, issue_date = ?,
		expiry_date = ?, original_date = ?, surveillance_date = ?, document_ref = ?, review = ?, review_note = ?, reviewed_by = ?,
		reviewed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		c.Kind, c.Standard, supplier.StandardKey(c.Standard), c.StandardVersion, c.Number, c.NumberKey(), c.CertificationBody, c.BodyKey(),
		c.AccreditationBody, c.Scope, c.HolderName, c.HolderAddress, dateValue(c.IssueDate), dateValue(c.ExpiryDate),
		dateValue(c.OriginalDate), dateValue(c.LastSurveillanceDate), c.DocumentRef, c.Review, c.ReviewNote, c.ReviewedBy, c.ReviewedAt,
		tx.Now, c.ID, expected)
	if err != nil {
		return certConflict(err)
	}
	if err := CheckVersion(res, "This certificate"); err != nil {
		return err
	}
	if err := tx.linkSites(c.ID, c.SiteIDs); err != nil {
		return err
	}
	after, err := tx.Certificate(c.ID)
	if err != nil {
		return err
	}
	*c = *after
	return tx.Audit(entityCertificate, c.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// ReviewCertificate accepts or rejects a submitted certificate, audited
// with the note. Only a quality manager or an administrator may
// (supplier.CheckReview). Returns forbidden, invalid (a rejection without a
// note), not found or conflict (already reviewed, stale, voided).
func (tx *Tx) ReviewCertificate(id int64, to supplier.Review, note string, expected int64) error {
	before, err := tx.Certificate(id)
	if err != nil {
		return err
	}
	if err := supplier.CheckReview(tx.Actor, before.Review, to, note); err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This certificate")
	}
	note = strings.TrimSpace(note)
	res, err := tx.Exec(`UPDATE certificates SET review = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`, to, note, tx.Actor.Name, tx.Now, tx.Now, id, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This certificate"); err != nil {
		return err
	}
	after, err := tx.Certificate(id)
	if err != nil {
		return err
	}
	return tx.Audit(entityCertificate, id, actionReview, before, after, note)
}

// VoidCertificate voids a certificate with a reason, audited. A voided
// certificate counts for nothing and frees its number. Returns invalid,
// not found or conflict.
func (tx *Tx) VoidCertificate(id int64, reason string, expected int64) error {
	return voidRecord(tx, "certificates", entityCertificate, "This certificate", id, expected, reason, tx.Certificate,
		func(r *supplier.Certificate) bool { return r.VoidedAt != nil })
}

// CertificateRecords returns every certificate of a supplier (voided and
// rejected ones too) with its verifications.
func (tx *Tx) CertificateRecords(supplierID int64) ([]supplier.CertificateRecord, error) {
	certs, _, err := tx.queryCertificates("SELECT "+certColumns+", s.name, s.name_latin"+certFrom+" WHERE c.supplier_id = ? ORDER BY c.id", supplierID)
	if err != nil || len(certs) == 0 {
		return nil, err
	}
	ids := make([]int64, len(certs))
	for i := range certs {
		ids[i] = certs[i].ID
	}
	vs, err := tx.verificationsOf(ids)
	if err != nil {
		return nil, err
	}
	out := make([]supplier.CertificateRecord, len(certs))
	for i := range certs {
		out[i] = supplier.CertificateRecord{Certificate: certs[i], Verifications: vs[certs[i].ID]}
	}
	return out, nil
}

// SameNumber returns, for each number key, the certificates recorded with
// it (not voided or rejected), of any supplier.
func (tx *Tx) SameNumber(numberKeys []string) (map[string][]supplier.NumberUse, error) {
	out := map[string][]supplier.NumberUse{}
	if len(numberKeys) == 0 {
		return out, nil
	}
	rows, err := tx.Query(`SELECT c.number_key, c.id, c.supplier_id, s.name, s.name_latin, c.certification_body`+certFrom+`
		WHERE c.voided_at IS NULL AND c.review <> 'rejected' AND c.number_key IN (`+placeholders(len(numberKeys))+`) ORDER BY c.id`,
		stringArgs(numberKeys)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, name, latin string
		var u supplier.NumberUse
		if err := rows.Scan(&key, &u.CertificateID, &u.SupplierID, &name, &latin, &u.CertificationBody); err != nil {
			return nil, err
		}
		u.SupplierName = (&supplier.Supplier{Name: name, NameLatin: latin}).DisplayName()
		out[key] = append(out[key], u)
	}
	return out, rows.Err()
}

// ---- Verifications ----

const verificationColumns = "id, certificate_id, method, checked_on, checked_by_id, checked_by, result, note, evidence_ref, voided_at, void_reason, created_at"

func scanVerification(sc rowScanner, v *supplier.Verification) error {
	var voided sql.NullTime
	if err := sc.Scan(&v.ID, &v.CertificateID, &v.Method, dateDest{&v.CheckedOn}, &v.CheckedByID, &v.CheckedBy, &v.Result, &v.Note,
		&v.EvidenceRef, &voided, &v.VoidReason, &v.CreatedAt); err != nil {
		return err
	}
	v.VoidedAt = nullTime(voided)
	v.CreatedAt = v.CreatedAt.UTC()
	return nil
}

// verificationsOf returns the verifications of the certificates, oldest
// first, voided ones too.
func (tx *Tx) verificationsOf(certIDs []int64) (map[int64][]supplier.Verification, error) {
	out := map[int64][]supplier.Verification{}
	if len(certIDs) == 0 {
		return out, nil
	}
	rows, err := tx.Query("SELECT "+verificationColumns+" FROM certificate_verifications WHERE certificate_id IN ("+
		placeholders(len(certIDs))+") ORDER BY checked_on, id", int64Args(certIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v supplier.Verification
		if err := scanVerification(rows, &v); err != nil {
			return nil, err
		}
		out[v.CertificateID] = append(out[v.CertificateID], v)
	}
	return out, rows.Err()
}

// Verifications returns the verifications of a certificate, oldest first.
func (tx *Tx) Verifications(certID int64) ([]supplier.Verification, error) {
	vs, err := tx.verificationsOf([]int64{certID})
	return vs[certID], err
}

func (tx *Tx) verification(id int64) (*supplier.Verification, error) {
	var v supplier.Verification
	err := scanVerification(tx.QueryRow("SELECT "+verificationColumns+" FROM certificate_verifications WHERE id = ?", id), &v)
	return &v, mapError(err, "verification")
}

// AddVerification records a check of a certificate by the actor, audited.
// Returns invalid, not found (no such certificate) or conflict (voided).
func (tx *Tx) AddVerification(v *supplier.Verification) error {
	v.CheckedByID, v.CheckedBy = tx.Actor.UserID, tx.Actor.Name
	if err := v.Validate(tx.today()); err != nil {
		return err
	}
	c, err := tx.Certificate(v.CertificateID)
	if err != nil {
		return err
	}
	if c.VoidedAt != nil {
		return alreadyVoided("This certificate")
	}
	id, err := tx.Insert(`INSERT INTO certificate_verifications (certificate_id, method, checked_on, checked_by_id, checked_by, result, note,
		evidence_ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.CertificateID, v.Method, dateValue(v.CheckedOn), v.CheckedByID, v.CheckedBy, v.Result, v.Note, v.EvidenceRef, tx.Now)
	if err != nil {
		return err
	}
	v.ID, v.CreatedAt, v.VoidedAt, v.VoidReason = id, tx.Now, nil, ""
	return tx.Audit(entityVerification, id, qms.ActionCreate, nil, v, "")
}

// VoidVerification voids a wrong verification record with a reason,
// audited. Returns invalid, not found or conflict.
func (tx *Tx) VoidVerification(id int64, reason string) error {
	reason, err := requireReason(reason)
	if err != nil {
		return err
	}
	before, err := tx.verification(id)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This verification")
	}
	if _, err := tx.Exec("UPDATE certificate_verifications SET voided_at = ?, void_reason = ? WHERE id = ?", tx.Now, reason, id); err != nil {
		return err
	}
	after, err := tx.verification(id)
	if err != nil {
		return err
	}
	return tx.Audit(entityVerification, id, qms.ActionVoid, before, after, reason)
}

// ---- Requirements ----

const requirementColumns = "id, standard, category, market, note, voided_at, void_reason, created_at, updated_at, version"

func scanRequirement(sc rowScanner, r *supplier.Requirement) error {
	var voided sql.NullTime
	if err := sc.Scan(&r.ID, &r.Standard, &r.Category, &r.Market, &r.Note, &voided, &r.VoidReason, &r.CreatedAt, &r.UpdatedAt, &r.Version); err != nil {
		return err
	}
	r.VoidedAt = nullTime(voided)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return nil
}

// Requirements returns every certificate requirement, voided ones too.
func (tx *Tx) Requirements() ([]supplier.Requirement, error) {
	rows, err := tx.Query("SELECT " + requirementColumns + " FROM certificate_requirements ORDER BY standard_key, category, market, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []supplier.Requirement
	for rows.Next() {
		var r supplier.Requirement
		if err := scanRequirement(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Requirement returns one requirement. Returns not found.
func (tx *Tx) Requirement(id int64) (*supplier.Requirement, error) {
	var r supplier.Requirement
	err := scanRequirement(tx.QueryRow("SELECT "+requirementColumns+" FROM certificate_requirements WHERE id = ?", id), &r)
	return &r, mapError(err, "requirement")
}

// CreateRequirement adds a certificate requirement, audited. Returns
// invalid (including an unknown category) or conflict (the same rule exists).
func (tx *Tx) CreateRequirement(r *supplier.Requirement) error {
	p, err := problemsOf(r.Validate())
	if err != nil {
		return err
	}
	if r.Category != "" {
		if err := tx.checkCategoryCodes(p, "category", []string{r.Category}); err != nil {
			return err
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	id, err := tx.Insert(`INSERT INTO certificate_requirements (standard, standard_key, category, market, note, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, r.Standard, supplier.StandardKey(r.Standard), r.Category, r.Market, r.Note, tx.Now, tx.Now)
	if err != nil {
		if err = mapError(err, "requirement"); qms.ErrorKind(err) == qms.KindConflict {
			return qms.Errorf(qms.KindConflict, "this requirement already exists: %s", r.Describe())
		}
		return err
	}
	r.ID, r.CreatedAt, r.UpdatedAt, r.Version, r.VoidedAt, r.VoidReason = id, tx.Now, tx.Now, 1, nil, ""
	return tx.Audit(entityRequirement, id, qms.ActionCreate, nil, r, "")
}

// VoidRequirement ends a requirement with a reason, audited. Returns
// invalid, not found or conflict.
func (tx *Tx) VoidRequirement(id int64, reason string, expected int64) error {
	reason, err := requireReason(reason)
	if err != nil {
		return err
	}
	before, err := tx.Requirement(id)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This requirement")
	}
	res, err := tx.Exec(`UPDATE certificate_requirements SET voided_at = ?, void_reason = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, tx.Now, reason, tx.Now, id, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This requirement"); err != nil {
		return err
	}
	after, err := tx.Requirement(id)
	if err != nil {
		return err
	}
	return tx.Audit(entityRequirement, id, qms.ActionVoid, before, after, reason)
}

// ---- Overrides ----

const overrideColumns = "id, supplier_id, site_id, standard, reason, until_date, created_by_id, created_by, created_at, voided_at, void_reason"

func scanOverride(sc rowScanner, o *supplier.Override) error {
	var site sql.NullInt64
	var voided sql.NullTime
	if err := sc.Scan(&o.ID, &o.SupplierID, &site, &o.Standard, &o.Reason, dateDest{&o.Until}, &o.CreatedByID, &o.CreatedBy, &o.CreatedAt,
		&voided, &o.VoidReason); err != nil {
		return err
	}
	o.SiteID = site.Int64
	o.VoidedAt = nullTime(voided)
	o.CreatedAt = o.CreatedAt.UTC()
	return nil
}

// Overrides returns every override of a supplier, newest first, ended and
// voided ones too.
func (tx *Tx) Overrides(supplierID int64) ([]supplier.Override, error) {
	rows, err := tx.Query("SELECT "+overrideColumns+" FROM certificate_overrides WHERE supplier_id = ? ORDER BY id DESC", supplierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []supplier.Override
	for rows.Next() {
		var o supplier.Override
		if err := scanOverride(rows, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (tx *Tx) override(id int64) (*supplier.Override, error) {
	var o supplier.Override
	err := scanOverride(tx.QueryRow("SELECT "+overrideColumns+" FROM certificate_overrides WHERE id = ?", id), &o)
	return &o, mapError(err, "override")
}

// CreateOverride records a quality manager's override of a certificate
// requirement for a supplier (or one of its sites) until an end date,
// audited with its reason. Returns forbidden (not a quality manager or
// administrator), invalid, not found or conflict (voided supplier or site).
func (tx *Tx) CreateOverride(o *supplier.Override) error {
	if err := o.Validate(tx.Actor, tx.today()); err != nil {
		return err
	}
	sup, err := tx.Supplier(o.SupplierID)
	if err != nil {
		return err
	}
	if sup.VoidedAt != nil {
		return alreadyVoided("This supplier")
	}
	var site any
	if o.SiteID != 0 {
		s, err := tx.Site(o.SiteID)
		if err != nil {
			return err
		}
		if s.SupplierID != o.SupplierID {
			return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid", Fields: map[string]string{"site_id": "is not a site of this supplier"}}
		}
		if s.VoidedAt != nil {
			return alreadyVoided("This site")
		}
		site = o.SiteID
	}
	o.CreatedByID, o.CreatedBy = tx.Actor.UserID, tx.Actor.Name
	id, err := tx.Insert(`INSERT INTO certificate_overrides (supplier_id, site_id, standard, standard_key, reason, until_date, created_by_id,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.SupplierID, site, o.Standard, supplier.StandardKey(o.Standard), o.Reason, dateValue(o.Until), o.CreatedByID, o.CreatedBy, tx.Now)
	if err != nil {
		return err
	}
	o.ID, o.CreatedAt, o.VoidedAt, o.VoidReason = id, tx.Now, nil, ""
	return tx.Audit(entityOverride, id, qms.ActionCreate, nil, o, o.Reason)
}

// VoidOverride ends an override before its end date, audited with the
// reason. Returns forbidden, invalid, not found or conflict.
func (tx *Tx) VoidOverride(id int64, reason string) error {
	if err := supplier.CheckVoidOverride(tx.Actor, reason); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	before, err := tx.override(id)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This override")
	}
	if _, err := tx.Exec("UPDATE certificate_overrides SET voided_at = ?, void_reason = ? WHERE id = ?", tx.Now, reason, id); err != nil {
		return err
	}
	after, err := tx.override(id)
	if err != nil {
		return err
	}
	return tx.Audit(entityOverride, id, qms.ActionVoid, before, after, reason)
}

// ---- The gate, details and lists ----

// SupplierGateInput loads what the approval gate of a supplier looks at,
// on the transaction's date: optionally one site, some categories and
// markets (see supplier.GateInput). Returns not found.
func (tx *Tx) SupplierGateInput(supplierID, siteID int64, categories, markets []string) (*supplier.GateInput, error) {
	sup, err := tx.Supplier(supplierID)
	if err != nil {
		return nil, err
	}
	in := &supplier.GateInput{Supplier: *sup, SiteID: siteID, Categories: categories, Markets: markets, Today: tx.today()}
	if in.Sites, err = tx.Sites(supplierID); err != nil {
		return nil, err
	}
	if siteID != 0 && !slices.ContainsFunc(in.Sites, func(s supplier.Site) bool { return s.ID == siteID }) {
		return nil, qms.Errorf(qms.KindNotFound, "site not found")
	}
	if in.Certificates, err = tx.CertificateRecords(supplierID); err != nil {
		return nil, err
	}
	if in.Requirements, err = tx.Requirements(); err != nil {
		return nil, err
	}
	if in.Overrides, err = tx.Overrides(supplierID); err != nil {
		return nil, err
	}
	set, err := tx.SupplierSettings()
	if err != nil {
		return nil, err
	}
	in.Settings = *set
	return in, nil
}

// SupplierGate answers the approval gate for a supplier (and optionally a
// site, categories and markets) today: what is required, what is missing
// or expired, and what an override waives. Approval, inspection booking
// and shipment release ask it. Returns not found.
func (tx *Tx) SupplierGate(supplierID, siteID int64, categories, markets []string) (supplier.GateResult, error) {
	in, err := tx.SupplierGateInput(supplierID, siteID, categories, markets)
	if err != nil {
		return supplier.GateResult{}, err
	}
	return supplier.ApprovalGate(*in), nil
}

// flagInputs builds the red-flag input of each certificate: the sites it
// covers (active ones of its supplier) and the categories they make (the
// supplier's when they list none).
func (tx *Tx) flagInputs(sup *supplier.Supplier, sites []supplier.Site, views []CertificateView, set *supplier.Settings) ([]supplier.FlagInput, error) {
	cats, err := tx.Categories()
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, v := range views {
		if k := v.Certificate.NumberKey(); !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	same, err := tx.SameNumber(keys)
	if err != nil {
		return nil, err
	}
	out := make([]supplier.FlagInput, len(views))
	for i := range views {
		c := &views[i].Certificate
		in := supplier.FlagInput{Certificate: c, Verifications: views[i].Verifications, Supplier: sup,
			SameNumber: same[c.NumberKey()], Today: tx.today(), Settings: *set}
		var codes []string
		for _, s := range sites {
			if s.VoidedAt == nil && c.Covers(s.ID) {
				in.Sites = append(in.Sites, s)
				codes = append(codes, s.Categories...)
			}
		}
		if len(codes) == 0 {
			codes = sup.Categories
		}
		for _, code := range codes {
			if slices.ContainsFunc(in.Categories, func(c supplier.Category) bool { return c.Code == code }) {
				continue
			}
			cat := supplier.Category{Code: code, Name: code}
			for _, k := range cats {
				if k.Code == code {
					cat = k
				}
			}
			in.Categories = append(in.Categories, cat)
		}
		out[i] = in
	}
	return out, nil
}

// CertificateDetail is a certificate as its page shows it: with its
// verifications, derived status, the sites it covers and its red flags.
type CertificateDetail struct {
	CertificateView
	Supplier supplier.Supplier
	Sites    []supplier.Site // the sites it covers
	Flags    []supplier.Finding
}

// CertificateDetail returns a certificate with its status and red flags
// today. Returns not found.
func (tx *Tx) CertificateDetail(id int64) (*CertificateDetail, error) {
	views, err := tx.certificateViews("c.id = ?", "", id)
	if err != nil {
		return nil, err
	}
	if len(views) == 0 {
		return nil, qms.Errorf(qms.KindNotFound, "certificate not found")
	}
	d := &CertificateDetail{CertificateView: views[0]}
	sup, err := tx.Supplier(d.Certificate.SupplierID)
	if err != nil {
		return nil, err
	}
	d.Supplier = *sup
	sites, err := tx.Sites(sup.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range sites {
		if d.Certificate.Covers(s.ID) {
			d.Sites = append(d.Sites, s)
		}
	}
	set, err := tx.SupplierSettings()
	if err != nil {
		return nil, err
	}
	ins, err := tx.flagInputs(sup, sites, views, set)
	if err != nil {
		return nil, err
	}
	d.Flags = supplier.RedFlags(ins[0])
	return d, nil
}

// SupplierDetail is a supplier with everything its page shows: its sites,
// its certificates with status and red flags, its overrides and the
// approval gate.
type SupplierDetail struct {
	Supplier     supplier.Supplier
	Sites        []supplier.Site              // voided ones too
	Certificates []CertificateView            // not voided; expired and rejected ones included
	Flags        map[int64][]supplier.Finding // by certificate id
	Overrides    []supplier.Override
	Gate         supplier.GateResult
}

// SupplierDetail returns a supplier with its sites, certificates, red
// flags, overrides and approval gate today. Returns not found.
func (tx *Tx) SupplierDetail(id int64) (*SupplierDetail, error) {
	in, err := tx.SupplierGateInput(id, 0, nil, nil)
	if err != nil {
		return nil, err
	}
	d := &SupplierDetail{Supplier: in.Supplier, Sites: in.Sites, Overrides: in.Overrides, Gate: supplier.ApprovalGate(*in),
		Flags: map[int64][]supplier.Finding{}}
	if d.Certificates, err = tx.certificateViews("c.supplier_id = ? AND c.voided_at IS NULL", "", id); err != nil {
		return nil, err
	}
	ins, err := tx.flagInputs(&d.Supplier, d.Sites, d.Certificates, &in.Settings)
	if err != nil {
		return nil, err
	}
	for i := range ins {
		d.Flags[d.Certificates[i].Certificate.ID] = supplier.RedFlags(ins[i])
	}
	return d, nil
}

// ExpiringFilter selects certificates by expiry.
type ExpiringFilter struct {
	// Within: certificates expiring within this many days from today, and
	// every certificate already expired; 0 means the configured warning
	// period.
	Within     int
	SupplierID int64 // 0: every supplier
	Offset     int
	Limit      int // at most MaxPageSize (default 50)
}

// ExpiringPage is one page of certificates by expiry date, soonest (and
// longest expired) first.
type ExpiringPage struct {
	Items []CertificateView
	Total int
	Next  int64 // offset of the next page, 0 when none
}

// ExpiringCertificates returns the certificates, not voided or rejected, of
// active suppliers, that expire within f.Within days or have expired:
// expired certificates never drop off this list. Returns invalid for a
// negative period.
func (tx *Tx) ExpiringCertificates(f ExpiringFilter) (*ExpiringPage, error) {
	within := f.Within
	if within < 0 || within > 3660 {
		return nil, &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid", Fields: map[string]string{"within": "must be between 0 and 3660 days"}}
	}
	if within == 0 {
		set, err := tx.SupplierSettings()
		if err != nil {
			return nil, err
		}
		within = set.ExpiryWarningDays
	}
	// Voided suppliers are few: excluding them by a subquery on a partial
	// index keeps the count on the covering index certificates_live_expiry.
	cond := "c.voided_at IS NULL AND c.review <> 'rejected' AND c.expiry_date IS NOT NULL AND c.expiry_date <= ?" +
		" AND c.supplier_id NOT IN (SELECT id FROM suppliers WHERE voided_at IS NOT NULL)"
	args := []any{dateValue(tx.today().AddDate(0, 0, within))}
	if f.SupplierID != 0 {
		cond, args = cond+" AND c.supplier_id = ?", append(args, f.SupplierID)
	}
	page := &ExpiringPage{}
	if err := tx.QueryRow("SELECT COUNT(*) FROM certificates c WHERE "+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	var err error
	page.Items, err = tx.certificateViews(cond, " ORDER BY c.expiry_date, c.id LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, err
	}
	if offset+len(page.Items) < page.Total {
		page.Next = int64(offset + len(page.Items))
	}
	return page, nil
}
