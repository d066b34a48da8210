package store

import (
	"qms/internal/qms"
	"qms/internal/supplier"
)

// The reads of the certificate reminder job (package supplierops): the
// certificates that may need a reminder, and which reminders went out.

// ReminderCertificate is a certificate the reminder job looks at, with its
// supplier's display name.
type ReminderCertificate struct {
	Certificate  supplier.Certificate
	SupplierName string
}

// CertificatesForReminders returns, by id, the certificates (not voided or
// rejected, of suppliers not voided) that expire by expiresBy, expired ones
// included however long ago, or whose issue date and last surveillance
// audit are both before auditedBefore. The caller decides exactly which
// reminders are due.
func (tx *Tx) CertificatesForReminders(expiresBy, auditedBefore qms.Date) ([]ReminderCertificate, error) {
	cond := `c.voided_at IS NULL AND c.review <> 'rejected'
		AND c.supplier_id NOT IN (SELECT id FROM suppliers WHERE voided_at IS NOT NULL)
		AND ((c.expiry_date IS NOT NULL AND c.expiry_date <= ?)
			OR (c.issue_date < ? AND (c.surveillance_date IS NULL OR c.surveillance_date < ?)))`
	certs, names, err := tx.queryCertificates("SELECT "+certColumns+", s.name, s.name_latin"+certFrom+" WHERE "+cond+" ORDER BY c.id",
		dateValue(expiresBy), dateValue(auditedBefore), dateValue(auditedBefore))
	if err != nil {
		return nil, err
	}
	out := make([]ReminderCertificate, len(certs))
	for i := range certs {
		out[i] = ReminderCertificate{Certificate: certs[i], SupplierName: names[i]}
	}
	return out, nil
}

// PublishedKeys returns which of the event keys were published already
// (notify.Publish with a Key).
func (tx *Tx) PublishedKeys(keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		rows, err := tx.Query("SELECT event_key FROM notification_events WHERE event_key IN ("+placeholders(n)+")", stringArgs(keys[:n])...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		keys = keys[n:]
	}
	return out, nil
}
