package store

import (
	"database/sql"
	"strings"

	"qms/internal/qms"
	"qms/internal/scorecard"
)

// The facts of supplier and site scorecards (package scorecard computes
// the scorecard from them) and the tier thresholds (scorecard_settings,
// migration 0012).

const entityScorecardSettings = "scorecard_settings"

// ScorecardSettings returns the tier thresholds.
func (tx *Tx) ScorecardSettings() (*scorecard.Thresholds, error) {
	var th scorecard.Thresholds
	var aCerts, bCerts int
	err := tx.QueryRow(`SELECT a_min_acceptance_bp, a_max_ppm, a_max_overdue_capas, a_certificates_required,
		b_min_acceptance_bp, b_max_ppm, b_max_overdue_capas, b_certificates_required, min_lots, version FROM scorecard_settings WHERE id = 1`).Scan(
		&th.A.MinAcceptanceBP, &th.A.MaxPPM, &th.A.MaxOverdueCAPAs, &aCerts, &th.B.MinAcceptanceBP, &th.B.MaxPPM, &th.B.MaxOverdueCAPAs, &bCerts,
		&th.MinLots, &th.Version)
	if err != nil {
		return nil, err
	}
	th.A.CertificatesRequired, th.B.CertificatesRequired = aCerts == 1, bCerts == 1
	return &th, nil
}

// UpdateScorecardSettings changes the tier thresholds if their version is
// still expected, audited with the reason. Returns invalid or conflict.
func (tx *Tx) UpdateScorecardSettings(th *scorecard.Thresholds, expected int64, reason string) error {
	if err := th.Validate(); err != nil {
		return err
	}
	before, err := tx.ScorecardSettings()
	if err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE scorecard_settings SET a_min_acceptance_bp = ?, a_max_ppm = ?, a_max_overdue_capas = ?, a_certificates_required = ?,
		b_min_acceptance_bp = ?, b_max_ppm = ?, b_max_overdue_capas = ?, b_certificates_required = ?, min_lots = ?, updated_at = ?, version = version + 1
		WHERE id = 1 AND version = ?`,
		th.A.MinAcceptanceBP, th.A.MaxPPM, th.A.MaxOverdueCAPAs, bit(th.A.CertificatesRequired),
		th.B.MinAcceptanceBP, th.B.MaxPPM, th.B.MaxOverdueCAPAs, bit(th.B.CertificatesRequired), th.MinLots, tx.Now, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "The scorecard thresholds"); err != nil {
		return err
	}
	after, err := tx.ScorecardSettings()
	if err != nil {
		return err
	}
	*th = *after
	return tx.Audit(entityScorecardSettings, 1, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// ScorecardFacts reads what the scorecard of a supplier (siteID 0) or of
// one of its sites looks at over from..to, on the transaction's date:
// the first-inspection lots per inspection kind and per month (from the
// monthly roll-up for a whole supplier over whole months, from the lot
// results' covering indexes otherwise), the open and overdue NCRs and
// CAPAs today, the certificate requirement input (certificates,
// verifications, requirements, overrides, settings) and the latest audit.
// Returns not found for an unknown supplier, or a site not of it.
func (tx *Tx) ScorecardFacts(supplierID, siteID int64, from, to qms.Date) (*scorecard.Facts, error) {
	gate, err := tx.SupplierGateInput(supplierID, siteID, nil, nil)
	if err != nil {
		return nil, err
	}
	f := &scorecard.Facts{SupplierID: supplierID, SiteID: siteID, From: from, To: to, Today: tx.today(), Gate: gate}
	lf := LotResultFilter{SupplierID: supplierID, SiteID: siteID, From: from, To: to}
	if siteID != 0 {
		lf.SupplierID = 0 // the site's own index; the site is the supplier's (checked above)
	}
	for _, g := range []string{GroupKind, GroupMonth} {
		rates, used, err := tx.RejectionRatesRollup(lf, g)
		if err == nil && !used {
			rates, err = tx.RejectionRates(lf, g)
		}
		if err != nil {
			return nil, err
		}
		if g == GroupKind {
			f.ByKind = rates
		} else {
			f.ByMonth = rates
		}
	}
	if f.NCRs, err = tx.openCounts(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM ncr_actions a
		WHERE a.ncr_id = n.id AND a.status = 'open' AND a.due_on < ?) THEN 1 ELSE 0 END), 0)
		FROM ncrs n WHERE n.status NOT IN ('closed', 'voided')`, "n", supplierID, siteID, f.Today); err != nil {
		return nil, err
	}
	if f.CAPAs, err = tx.openCounts(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM capa_stages s
		WHERE s.capa_id = c.id AND s.state <> 'accepted' AND s.due_on IS NOT NULL AND s.due_on < ?) THEN 1 ELSE 0 END), 0)
		FROM capas c WHERE c.status IN ('open', 'verifying')`, "c", supplierID, siteID, f.Today); err != nil {
		return nil, err
	}
	if f.LatestAudit, err = tx.latestSupplierAudit(supplierID, siteID); err != nil {
		return nil, err
	}
	return f, nil
}

// openCounts runs a count of open and overdue records (q, whose table is
// aliased alias) of a supplier or one of its sites, overdue on today.
func (tx *Tx) openCounts(q, alias string, supplierID, siteID int64, today qms.Date) (scorecard.Counts, error) {
	args := []any{dateValue(today)}
	if siteID != 0 {
		q += " AND " + alias + ".site_id = ?"
		args = append(args, siteID)
	} else {
		q += " AND " + alias + ".supplier_id = ?"
		args = append(args, supplierID)
	}
	var c scorecard.Counts
	err := tx.QueryRow(q, args...).Scan(&c.Open, &c.Overdue)
	return c, err
}

// latestSupplierAudit returns the latest supplier audit of a supplier (or
// of one of its sites when siteID is not 0) whose report is issued
// (completed or closed) with a score, by completion date, for the
// scorecard; nil when there is none. Cancelled audits never have one.
func (tx *Tx) latestSupplierAudit(supplierID, siteID int64) (*scorecard.Audit, error) {
	q := `SELECT id, completed_on, score FROM audits WHERE type = 'supplier' AND status IN ('completed', 'closed')
		AND score IS NOT NULL AND supplier_id = ?`
	args := []any{supplierID}
	if siteID != 0 {
		q += " AND site_id = ?"
		args = append(args, siteID)
	}
	var a scorecard.Audit
	err := tx.QueryRow(q+" ORDER BY completed_on DESC, id DESC LIMIT 1", args...).Scan(&a.ID, dateDest{&a.Date}, &a.Score)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}
