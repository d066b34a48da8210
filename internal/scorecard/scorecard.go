// Package scorecard computes a supplier's or a factory site's scorecard
// over a period from facts read elsewhere: lots inspected, lot acceptance
// rate, rejection rate per inspection type, PPM, defects per class, open
// and overdue NCRs and CAPAs, the derived status of its certificates, the
// latest audit score, the monthly trend, and a tier (A, B or C) from
// configurable thresholds (docs/domain.md §7.3). It does no I/O: package
// store reads the facts, package supplierops checks who may see them.
package scorecard

import (
	"fmt"
	"math"
	"slices"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/supplier"
)

// Tier is the rating of a supplier or site over a period.
type Tier string

// Tiers. Unrated means too few lots in the period to rate.
const (
	TierA       Tier = "A"
	TierB       Tier = "B"
	TierC       Tier = "C"
	TierUnrated Tier = ""
)

// Label names the tier for people.
func (t Tier) Label() string {
	if t == TierUnrated {
		return "Not rated"
	}
	return "Tier " + string(t)
}

// Counts are open records and how many of them are overdue today.
type Counts struct {
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
}

// CertCounts counts certificates by derived validity (supplier.DeriveStatus).
// Suspended includes withdrawn ones.
type CertCounts struct {
	Valid     int `json:"valid"`
	Expiring  int `json:"expiring"`
	Expired   int `json:"expired"`
	Suspended int `json:"suspended"`
	// RequiredNotMet is how many certificate requirement checks are not met
	// (missing, expired, suspended, withdrawn or awaiting review) and not
	// waived by an override today.
	RequiredNotMet int `json:"required_not_met"`
}

// Audit is the latest audit of a supplier or site with its score.
type Audit struct {
	ID    int64    `json:"id"`
	Date  qms.Date `json:"date"`
	Score float64  `json:"score"` // per cent, 0 to 100
}

// Facts are what a scorecard is computed from.
type Facts struct {
	SupplierID int64
	SiteID     int64 // 0: the whole supplier
	From, To   qms.Date
	Today      qms.Date
	// ByKind and ByMonth are the lots of the period (first inspections)
	// per inspection kind and per month "2026-03".
	ByKind  []inspection.Rate
	ByMonth []inspection.Rate
	NCRs    Counts
	CAPAs   Counts
	// Gate is the input of the certificate requirement check of the
	// supplier (its SiteID narrowed to the site); nil: no certificates.
	Gate        *supplier.GateInput
	LatestAudit *Audit
}

// KindRate is the rejection rate of one inspection type.
type KindRate struct {
	Kind           inspection.Kind `json:"kind"`
	Label          string          `json:"label"`
	Lots           int             `json:"lots"`
	Rejected       int             `json:"rejected"`
	RejectionRate  float64         `json:"rejection_rate"` // 0 to 1
	SampleUnits    int64           `json:"sample_units"`
	DefectiveUnits int64           `json:"defective_units"`
	PPM            float64         `json:"ppm"`
}

// Month is one month of the trend. Months without lots have Lots 0 and
// zero rates.
type Month struct {
	Month          string  `json:"month"` // "2026-03"
	Lots           int     `json:"lots"`
	Rejected       int     `json:"rejected"`
	AcceptanceRate float64 `json:"acceptance_rate"` // 0 to 1
	PPM            float64 `json:"ppm"`
}

// Defects are the defects found per class.
type Defects struct {
	Critical int64 `json:"critical"`
	Major    int64 `json:"major"`
	Minor    int64 `json:"minor"`
}

// SiteRef names a site of the supplier, whose own scorecard can be asked
// for.
type SiteRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Scorecard is the performance of a supplier or site over a period.
type Scorecard struct {
	SupplierID     int64      `json:"supplier_id"`
	SiteID         int64      `json:"site_id,omitempty"`
	From           qms.Date   `json:"from"`
	To             qms.Date   `json:"to"`
	Lots           int        `json:"lots"`
	Accepted       int        `json:"accepted"`
	Rejected       int        `json:"rejected"`
	AcceptanceRate float64    `json:"acceptance_rate"` // lots accepted ÷ lots (0 without lots)
	SampleUnits    int64      `json:"sample_units"`
	DefectiveUnits int64      `json:"defective_units"`
	PPM            float64    `json:"ppm"` // defective units per million inspected
	Defects        Defects    `json:"defects"`
	ByKind         []KindRate `json:"by_kind"`
	Months         []Month    `json:"months"`
	NCRs           Counts     `json:"ncrs"`
	CAPAs          Counts     `json:"capas"`
	Certificates   CertCounts `json:"certificates"`
	LatestAudit    *Audit     `json:"latest_audit"`
	// Sites are the supplier's active sites (a supplier's scorecard only).
	Sites []SiteRef `json:"sites"`
	Tier  Tier      `json:"tier"`
	// Reasons say in plain words why the tier is not A (or why there is
	// none); empty for tier A.
	Reasons []string `json:"reasons"`
}

// MaxMonths bounds a scorecard's period (ten years).
const MaxMonths = 120

// CheckPeriod checks a period: both dates, to not before from, at most
// MaxMonths months. Returns invalid with the fields from and to.
func CheckPeriod(from, to qms.Date) error {
	p := qms.Problems{}
	if from.IsZero() {
		p.Add("from", "is required: a date such as 2026-01-01")
	}
	if to.IsZero() {
		p.Add("to", "is required: a date such as 2026-12-31")
	}
	if !from.IsZero() && !to.IsZero() {
		if to.Before(from) {
			p.Add("to", "is before from")
		} else if months(from, to) > MaxMonths {
			p.Add("to", fmt.Sprintf("makes a period longer than %d months: choose a shorter one", MaxMonths))
		}
	}
	return p.Err()
}

// DefaultPeriod is the last twelve whole months up to and including
// today's month.
func DefaultPeriod(today qms.Date) (from, to qms.Date) {
	from = qms.NewDate(today.Year(), today.Month(), 1).AddDate(0, -11, 0)
	to = qms.NewDate(today.Year(), today.Month(), 1).AddDate(0, 1, -1)
	return from, to
}

// months is the number of calendar months from..to touches.
func months(from, to qms.Date) int {
	return (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month()) + 1
}

// Compute computes the scorecard of f with the tier from th.
func Compute(f Facts, th Thresholds) Scorecard {
	sc := Scorecard{SupplierID: f.SupplierID, SiteID: f.SiteID, From: f.From, To: f.To, NCRs: f.NCRs, CAPAs: f.CAPAs,
		LatestAudit: f.LatestAudit, ByKind: []KindRate{}, Months: []Month{}}
	var total inspection.Rate
	for _, r := range f.ByKind {
		total.Lots += r.Lots
		total.Rejected += r.Rejected
		total.SampleUnits += r.SampleUnits
		total.DefectiveUnits += r.DefectiveUnits
		total.CriticalDefects += r.CriticalDefects
		total.MajorDefects += r.MajorDefects
		total.MinorDefects += r.MinorDefects
		if r.Lots == 0 {
			continue
		}
		k := inspection.Kind(r.Key)
		sc.ByKind = append(sc.ByKind, KindRate{Kind: k, Label: k.Label(), Lots: r.Lots, Rejected: r.Rejected, RejectionRate: r.RejectionRate(),
			SampleUnits: r.SampleUnits, DefectiveUnits: r.DefectiveUnits, PPM: r.PPM()})
	}
	slices.SortFunc(sc.ByKind, func(a, b KindRate) int {
		return slices.Index(inspection.Kinds, a.Kind) - slices.Index(inspection.Kinds, b.Kind)
	})
	sc.Lots, sc.Rejected, sc.Accepted = total.Lots, total.Rejected, total.Lots-total.Rejected
	sc.AcceptanceRate, sc.SampleUnits, sc.DefectiveUnits, sc.PPM = total.AcceptanceRate(), total.SampleUnits, total.DefectiveUnits, total.PPM()
	sc.Defects = Defects{Critical: total.CriticalDefects, Major: total.MajorDefects, Minor: total.MinorDefects}

	byMonth := map[string]inspection.Rate{}
	for _, r := range f.ByMonth {
		byMonth[r.Key] = r
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.Before(f.From) && months(f.From, f.To) <= MaxMonths {
		for d := qms.NewDate(f.From.Year(), f.From.Month(), 1); !d.After(f.To); d = d.AddDate(0, 1, 0) {
			key := d.Time().Format("2006-01")
			r := byMonth[key]
			sc.Months = append(sc.Months, Month{Month: key, Lots: r.Lots, Rejected: r.Rejected, AcceptanceRate: r.AcceptanceRate(), PPM: r.PPM()})
		}
	}
	sc.Sites = []SiteRef{}
	if f.Gate != nil {
		sc.Certificates = countCertificates(*f.Gate)
		for _, s := range f.Gate.Sites {
			if f.SiteID == 0 && s.VoidedAt == nil && s.SupplierID == f.SupplierID {
				sc.Sites = append(sc.Sites, SiteRef{ID: s.ID, Name: s.DisplayName()})
			}
		}
	}
	sc.Tier, sc.Reasons = th.Rate(sc)
	return sc
}

// countCertificates counts the certificates of the gate's supplier (those
// covering its site when SiteID is set; product test reports count for
// every site) by derived validity, leaving out voided and rejected ones,
// and the requirement checks not met and not waived.
func countCertificates(in supplier.GateInput) CertCounts {
	var c CertCounts
	for _, rec := range in.Certificates {
		cert := &rec.Certificate
		if cert.VoidedAt != nil || cert.Review == supplier.ReviewRejected || cert.SupplierID != in.Supplier.ID {
			continue
		}
		if in.SiteID != 0 && cert.Kind != supplier.KindProductTest && !cert.Covers(in.SiteID) {
			continue
		}
		switch supplier.DeriveStatus(cert, rec.Verifications, in.Today, in.Settings).Validity.Code {
		case supplier.CodeValid:
			c.Valid++
		case supplier.CodeExpiring:
			c.Expiring++
		case supplier.CodeExpired:
			c.Expired++
		default:
			c.Suspended++
		}
	}
	for _, ch := range supplier.CheckRequirements(in) {
		if ch.Blocking {
			c.RequiredNotMet++
		}
	}
	return c
}

// Percent formats a share (0 to 1) as a percentage with one decimal:
// "98.5 %".
func Percent(share float64) string { return fmt.Sprintf("%.1f %%", 100*share) }

// RoundPPM rounds a PPM to a whole number.
func RoundPPM(ppm float64) int64 { return int64(math.Round(ppm)) }
