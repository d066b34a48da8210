package store

import (
	"strconv"

	"qms/internal/supplier"
)

// Lookups and lists of supplier records that the supplier pages, the API
// and the CSV export need beyond supplier.go and certificate.go.

// Verification returns one verification record, voided or not. Returns
// not found.
func (tx *Tx) Verification(id int64) (*supplier.Verification, error) { return tx.verification(id) }

// Override returns one override, ended or voided or not. Returns not found.
func (tx *Tx) Override(id int64) (*supplier.Override, error) { return tx.override(id) }

// SupplierStatusCounts returns how many suppliers, not voided, are in each
// status (statuses without suppliers are absent).
func (tx *Tx) SupplierStatusCounts() (map[supplier.Status]int, error) {
	rows, err := tx.Query("SELECT status, COUNT(*) FROM suppliers WHERE voided_at IS NULL GROUP BY status")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[supplier.Status]int{}
	for rows.Next() {
		var s supplier.Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// CertificateFilter selects certificates for ListCertificates. Zero fields
// do not filter.
type CertificateFilter struct {
	SupplierID    int64
	Review        supplier.Review // submitted, accepted or rejected
	IncludeVoided bool
	Offset        int
	Limit         int // at most MaxPageSize (default 50)
}

// CertificatePage is one page of certificates, newest first: Total matches
// in all, and Next, the offset of the next page (0 when none).
type CertificatePage struct {
	Items []CertificateView
	Total int
	Next  int64
}

// ListCertificates returns one page of the certificates matching f, newest
// first, each with its verifications and derived status today.
func (tx *Tx) ListCertificates(f CertificateFilter) (*CertificatePage, error) {
	cond, args := "1 = 1", []any{}
	if !f.IncludeVoided {
		cond += " AND c.voided_at IS NULL"
	}
	if f.SupplierID != 0 {
		cond, args = cond+" AND c.supplier_id = ?", append(args, f.SupplierID)
	}
	if f.Review != "" {
		cond, args = cond+" AND c.review = ?", append(args, f.Review)
	}
	page := &CertificatePage{}
	if err := tx.QueryRow("SELECT COUNT(*)"+certFrom+" WHERE "+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	limit, offset := clampLimit(f.Limit), max(f.Offset, 0)
	var err error
	page.Items, err = tx.certificateViews(cond, " ORDER BY c.id DESC LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, err
	}
	if offset+len(page.Items) < page.Total {
		page.Next = int64(offset + len(page.Items))
	}
	return page, nil
}

// SitesOf returns the sites, not voided, of the given suppliers, by
// supplier and name.
func (tx *Tx) SitesOf(supplierIDs []int64) ([]supplier.Site, error) {
	if len(supplierIDs) == 0 {
		return nil, nil
	}
	return tx.querySites("voided_at IS NULL AND supplier_id IN ("+placeholders(len(supplierIDs))+")", int64Args(supplierIDs)...)
}

// CertificatesOf returns the certificates, neither voided nor rejected, of
// the given suppliers, by supplier and id, with the sites they cover.
func (tx *Tx) CertificatesOf(supplierIDs []int64) ([]supplier.Certificate, error) {
	if len(supplierIDs) == 0 {
		return nil, nil
	}
	certs, _, err := tx.queryCertificates("SELECT "+certColumns+", s.name, s.name_latin"+certFrom+
		" WHERE c.voided_at IS NULL AND c.review <> 'rejected' AND c.supplier_id IN ("+placeholders(len(supplierIDs))+
		") ORDER BY c.supplier_id, c.id", int64Args(supplierIDs)...)
	return certs, err
}
