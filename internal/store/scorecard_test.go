package store_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/scorecard"
	"qms/internal/store"
	"qms/internal/supplier"
)

// TestScorecardFacts writes lot results, NCRs with containment actions,
// CAPAs, certificates with a verification and a requirement for one
// supplier with two sites (and records that must not count: another
// supplier's, a voided lot, a re-inspection, lots outside the period, a
// voided NCR), then checks the scorecards of the supplier and of each site
// against numbers worked out by hand. Today is 2026-03-15 (eachAt).
func TestScorecardFacts(t *testing.T) {
	eachAt(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		siteA := f.site
		siteB := newSite(t, s, f.sup.ID, "华强三厂", "Huaqiang Plant 3", "东莞市", "electronics")
		other := newSupplier(t, s, "Công ty TNHH Sao Mai", "", "VN", "electronics")
		otherSite := newSite(t, s, other.ID, "Nhà máy Bắc Ninh", "", "Bắc Ninh", "electronics")
		ctx := qmCtx()

		type lot struct {
			sup, site                      int64
			kind                           inspection.Kind
			on                             string
			sample, crit, major, minor, du int // sample size; critical, major, minor defects; defective units
			fail, resubmitted, void        bool
		}
		lots := []lot{
			{f.sup.ID, siteA.ID, inspection.KindPreShipment, "2025-12-05", 125, 0, 3, 0, 2, false, false, false},
			{f.sup.ID, siteA.ID, inspection.KindPreShipment, "2026-01-20", 80, 1, 4, 0, 5, true, false, false},
			{f.sup.ID, siteB.ID, inspection.KindIncoming, "2026-02-10", 200, 0, 0, 0, 0, false, false, false},
			{f.sup.ID, siteB.ID, inspection.KindIncoming, "2026-02-28", 50, 0, 0, 2, 1, false, false, false},
			// Not counted: a re-inspection, outside the period, voided, another supplier's.
			{f.sup.ID, siteA.ID, inspection.KindPreShipment, "2026-01-21", 80, 0, 0, 0, 0, false, true, false},
			{f.sup.ID, siteA.ID, inspection.KindPreShipment, "2025-11-30", 80, 0, 9, 0, 9, true, false, false},
			{f.sup.ID, siteB.ID, inspection.KindIncoming, "2026-03-01", 80, 0, 9, 0, 9, true, false, false},
			{f.sup.ID, siteB.ID, inspection.KindIncoming, "2026-02-11", 80, 0, 9, 0, 9, true, false, true},
			{other.ID, otherSite.ID, inspection.KindPreShipment, "2026-01-05", 80, 0, 9, 0, 9, true, false, false},
		}
		update(t, s, ctx, func(tx *store.Tx) error {
			for i, l := range lots {
				r := inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "QIMA", ExternalRef: fmt.Sprintf("QIMA-SC-%02d", i),
					SupplierID: l.sup, SiteID: l.site, ProductID: f.product.ID, Kind: l.kind, InspectedOn: day(l.on), LotSize: 3200,
					SampleSize: l.sample, CriticalDefective: min(l.crit, l.du), MajorDefective: max(0, l.du-l.crit-min(l.minor, l.du)),
					MinorDefective: min(l.minor, l.du), CriticalDefects: l.crit, MajorDefects: l.major, MinorDefects: l.minor, DefectiveUnits: l.du,
					Verdict: inspection.VerdictPass, Decision: inspection.DecideRelease, Resubmitted: l.resubmitted}
				if l.fail {
					r.Verdict, r.Decision = inspection.VerdictFail, inspection.DecideReject
				}
				if err := tx.InsertLotResult(&r); err != nil {
					return fmt.Errorf("lot %d: %w", i, err)
				}
				if l.void {
					if err := tx.VoidLotResult(r.ID, "duplicate import"); err != nil {
						return err
					}
				}
			}
			return nil
		})

		// NCRs: open at site A with an action overdue since 2026-03-01, open
		// at site B with an action due 2026-03-20, a voided one, another
		// supplier's.
		newNCR := func(sup, site int64, title string) *ncr.NCR {
			n := &ncr.NCR{Source: ncr.SourceComplaint, ComplaintRef: "RMA-" + title, Title: title, Severity: inspection.Major,
				SupplierID: sup, SiteID: site, ProductID: f.product.ID, Found: "returns", DetectedOn: day("2026-03-01"), QuantityAffected: 3}
			update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateNCR(n) })
			return n
		}
		action := func(n *ncr.NCR, due string) {
			update(t, s, ctx, func(tx *store.Tx) error {
				return tx.AddNCRAction(&ncr.Action{NCRID: n.ID, Kind: ncr.HoldShipment, Description: "hold stock", OwnerName: "Lena Vogel", DueOn: day(due)})
			})
		}
		n1 := newNCR(f.sup.ID, siteA.ID, "no sound")
		action(n1, "2026-03-01")
		action(n1, "2026-04-01")
		n2 := newNCR(f.sup.ID, siteB.ID, "scratches")
		action(n2, "2026-03-20")
		n3 := newNCR(f.sup.ID, siteB.ID, "raised in error")
		action(n3, "2026-03-02")
		update(t, s, ctx, func(tx *store.Tx) error {
			_, err := tx.MoveNCR(n3.ID, getNCR(t, s, n3.ID).Version, ncr.MoveVoid, "raised in error")
			return err
		})
		n4 := newNCR(other.ID, otherSite.ID, "other")
		action(n4, "2026-03-01")

		// CAPAs: one opened 2026-01-02 at site A (its first stages long
		// overdue), one opened today at site B, another supplier's overdue.
		openCAPA := func(sup, site int64, n *ncr.NCR, opened string) {
			c := &capa.CAPA{Kind: capa.KindSupplier, Type: capa.TypeCorrective, Title: "SCAR " + n.Title, Severity: inspection.Major, SupplierID: sup,
				SiteID: site, OwnerID: qmActor.UserID, Owner: qmActor.Name, OpenedOn: day(opened), Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: n.ID}}}
			update(t, s, ctx, func(tx *store.Tx) error { return tx.OpenCAPA(c) })
		}
		openCAPA(f.sup.ID, siteA.ID, n1, "2026-01-02")
		openCAPA(f.sup.ID, siteB.ID, n2, "2026-03-15")
		openCAPA(other.ID, otherSite.ID, n4, "2026-01-02")

		// Certificates: ISO 9001 at A only (valid), ISO 14001 at A and B
		// (expiring 2026-05-01), ISO 45001 at B (expired 2026-03-01), IATF
		// 16949 at B (suspended by its verification); ISO 9001 required of
		// every supplier: missing at B.
		certs := []*supplier.Certificate{iso9001(f.sup.ID, "Q-SC-1", siteA.ID), iso9001(f.sup.ID, "E-SC-2", siteA.ID, siteB.ID),
			iso9001(f.sup.ID, "S-SC-3", siteB.ID), iso9001(f.sup.ID, "T-SC-4", siteB.ID)}
		certs[1].Standard, certs[1].ExpiryDate = "ISO 14001", day("2026-05-01")
		certs[2].Standard, certs[2].StandardVersion, certs[2].IssueDate, certs[2].ExpiryDate, certs[2].LastSurveillanceDate =
			"ISO 45001", "2018", day("2023-03-02"), day("2026-03-01"), day("2025-03-01")
		certs[3].Standard, certs[3].StandardVersion = "IATF 16949", "2016"
		update(t, s, ctx, func(tx *store.Tx) error {
			for _, c := range certs {
				if err := tx.CreateCertificate(c); err != nil {
					return fmt.Errorf("%s: %w", c.Standard, err)
				}
			}
			if err := tx.AddVerification(&supplier.Verification{CertificateID: certs[3].ID, Method: supplier.MethodCBWebsite, CheckedOn: day("2026-03-10"),
				Result: supplier.ResultSuspended, Note: "suspended by the certification body"}); err != nil {
				return err
			}
			return tx.CreateRequirement(&supplier.Requirement{Standard: "ISO 9001"})
		})

		facts := func(sup, site int64, from, to string) *scorecard.Facts {
			var out *scorecard.Facts
			view(t, s, func(tx *store.Tx) error {
				var err error
				out, err = tx.ScorecardFacts(sup, site, day(from), day(to))
				return err
			})
			return out
		}
		var th *scorecard.Thresholds
		view(t, s, func(tx *store.Tx) error { var err error; th, err = tx.ScorecardSettings(); return err })
		if *th != func() scorecard.Thresholds { d := scorecard.DefaultThresholds(); d.Version = 1; return d }() {
			t.Fatalf("stored default thresholds %+v", th)
		}

		// The supplier over December to February (whole months: the roll-up).
		sc := scorecard.Compute(*facts(f.sup.ID, 0, "2025-12-01", "2026-02-28"), *th)
		// 4 lots, 1 rejected; 455 units, 8 defective; defects 1 critical, 7 major, 2 minor.
		if sc.Lots != 4 || sc.Rejected != 1 || sc.AcceptanceRate != 0.75 || sc.SampleUnits != 455 || sc.DefectiveUnits != 8 ||
			math.Abs(sc.PPM-8e6/455) > 1e-9 || sc.Defects != (scorecard.Defects{Critical: 1, Major: 7, Minor: 2}) {
			t.Errorf("supplier totals: %+v", sc)
		}
		if len(sc.ByKind) != 2 || sc.ByKind[0].Kind != inspection.KindPreShipment || sc.ByKind[0].Lots != 2 || sc.ByKind[0].RejectionRate != 0.5 ||
			sc.ByKind[0].PPM != 7e6/205 || sc.ByKind[1].Kind != inspection.KindIncoming || sc.ByKind[1].Lots != 2 || sc.ByKind[1].RejectionRate != 0 ||
			sc.ByKind[1].PPM != 4000 {
			t.Errorf("by kind %+v", sc.ByKind)
		}
		want := []scorecard.Month{{Month: "2025-12", Lots: 1, AcceptanceRate: 1, PPM: 16000}, {Month: "2026-01", Lots: 1, Rejected: 1, AcceptanceRate: 0, PPM: 62500},
			{Month: "2026-02", Lots: 2, AcceptanceRate: 1, PPM: 4000}}
		if !slices.Equal(sc.Months, want) {
			t.Errorf("months %+v", sc.Months)
		}
		if sc.NCRs != (scorecard.Counts{Open: 2, Overdue: 1}) || sc.CAPAs != (scorecard.Counts{Open: 2, Overdue: 1}) {
			t.Errorf("NCRs %+v CAPAs %+v", sc.NCRs, sc.CAPAs)
		}
		if sc.Certificates != (scorecard.CertCounts{Valid: 1, Expiring: 1, Expired: 1, Suspended: 1, RequiredNotMet: 1}) {
			t.Errorf("certificates %+v", sc.Certificates)
		}
		if sc.LatestAudit != nil || sc.Tier != scorecard.TierC {
			t.Errorf("audit %+v tier %q %v", sc.LatestAudit, sc.Tier, sc.Reasons)
		}

		// Not whole months (from the lots): the 2025-12-05 lot is left out.
		sc = scorecard.Compute(*facts(f.sup.ID, 0, "2025-12-06", "2026-02-28"), *th)
		if sc.Lots != 3 || sc.Rejected != 1 || sc.SampleUnits != 330 || sc.DefectiveUnits != 6 || sc.Months[0].Lots != 0 {
			t.Errorf("from 2025-12-06: %+v", sc)
		}

		// Site A: 2 lots, 1 rejected; its NCR and CAPA overdue; its
		// certificates valid and expiring, ISO 9001 met.
		sc = scorecard.Compute(*facts(f.sup.ID, siteA.ID, "2025-12-01", "2026-02-28"), *th)
		if sc.Lots != 2 || sc.Rejected != 1 || sc.SampleUnits != 205 || sc.NCRs != (scorecard.Counts{Open: 1, Overdue: 1}) || sc.CAPAs != (scorecard.Counts{Open: 1, Overdue: 1}) ||
			sc.Certificates != (scorecard.CertCounts{Valid: 1, Expiring: 1}) || sc.Tier != scorecard.TierC {
			t.Errorf("site A: %+v", sc)
		}
		// Site B: 2 lots accepted, 1 defective of 250 (4,000 PPM), ISO 9001
		// missing: not A (PPM, certificate) but B.
		sc = scorecard.Compute(*facts(f.sup.ID, siteB.ID, "2025-12-01", "2026-02-28"), *th)
		if sc.Lots != 2 || sc.Rejected != 0 || sc.PPM != 4000 || sc.NCRs != (scorecard.Counts{Open: 1, Overdue: 0}) || sc.CAPAs != (scorecard.Counts{Open: 1, Overdue: 0}) ||
			sc.Certificates != (scorecard.CertCounts{Expiring: 1, Expired: 1, Suspended: 1, RequiredNotMet: 1}) || sc.Tier != scorecard.TierB || len(sc.Reasons) != 2 {
			t.Errorf("site B: %+v", sc)
		}
		// A period without data.
		sc = scorecard.Compute(*facts(f.sup.ID, 0, "2024-01-01", "2024-03-31"), *th)
		if sc.Lots != 0 || len(sc.Months) != 3 || sc.Tier != scorecard.TierUnrated {
			t.Errorf("empty period: %+v", sc)
		}
		// Unknown supplier, or a site of another supplier: not found.
		for _, c := range [][2]int64{{99999, 0}, {f.sup.ID, otherSite.ID}} {
			err := s.View(ctx, func(tx *store.Tx) error {
				_, err := tx.ScorecardFacts(c[0], c[1], day("2026-01-01"), day("2026-01-31"))
				return err
			})
			wantKind(t, fmt.Sprint(c), err, qms.KindNotFound)
		}
	})
}

// TestScorecardSettings changes the tier thresholds (audited), refuses
// bad ones and a stale version, writing nothing.
func TestScorecardSettings(t *testing.T) {
	eachAt(t, func(t *testing.T, s *store.Store) {
		var th *scorecard.Thresholds
		view(t, s, func(tx *store.Tx) error { var err error; th, err = tx.ScorecardSettings(); return err })
		events := countAudit(t, s)
		bad := *th
		bad.B.MaxPPM = 10
		err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.UpdateScorecardSettings(&bad, th.Version, "stricter") })
		wantKind(t, "B stricter than A", err, qms.KindInvalid)
		next := *th
		next.A.MinAcceptanceBP, next.A.CertificatesRequired, next.MinLots = 9950, false, 3
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.UpdateScorecardSettings(&next, th.Version, "automotive customers") })
		if next.Version != th.Version+1 || next.A.MinAcceptanceBP != 9950 || next.A.CertificatesRequired || next.MinLots != 3 {
			t.Errorf("after update %+v", next)
		}
		stale := next
		err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.UpdateScorecardSettings(&stale, th.Version, "again") })
		wantKind(t, "stale version", err, qms.KindConflict)
		if got := countAudit(t, s); got != events+1 {
			t.Errorf("audit events %d, want %d", got, events+1)
		}
		var again *scorecard.Thresholds
		view(t, s, func(tx *store.Tx) error { var err error; again, err = tx.ScorecardSettings(); return err })
		if *again != next {
			t.Errorf("read back %+v, want %+v", again, next)
		}
	})
}
