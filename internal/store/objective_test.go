package store_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/objective"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
)

// qmsNow is the clock of the QMS tests: 15 March 2026.
var qmsNow = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

// eachQMS runs fn on both databases with the clock at qmsNow.
func eachQMS(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			o := storetest.Options(t, d)
			o.Now = func() time.Time { return qmsNow }
			s, err := store.Open(context.Background(), o)
			if err != nil {
				t.Fatalf("open %s store: %v", d, err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}

// lotResult stores a third-party lot result of the fixture's supplier.
func lotResult(t *testing.T, f *inspFixture, on qms.Date, kind inspection.Kind, rejected, resubmitted bool) {
	t.Helper()
	verdict, decision := inspection.VerdictPass, inspection.DecideRelease
	if rejected {
		verdict, decision = inspection.VerdictFail, inspection.DecideReject
	}
	update(t, f.s, qmCtx(), func(tx *store.Tx) error {
		r := inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "QIMA", ExternalRef: fmt.Sprintf("Q-%s-%d", on, time.Now().UnixNano()),
			SupplierID: f.sup.ID, SiteID: f.site.ID, ProductID: f.product.ID, Kind: kind, InspectedOn: on, LotSize: 1000, SampleSize: 80,
			Verdict: verdict, Decision: decision, Rejected: rejected, Resubmitted: resubmitted}
		return tx.InsertLotResult(&r)
	})
}

// TestObjectivesFromData computes each metric from records the test
// writes and checks value, status and trend against hand-computed values.
func TestObjectivesFromData(t *testing.T) {
	eachQMS(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		jan, feb := qms.NewDate(2026, 1, 10), qms.NewDate(2026, 2, 10)
		// January: 4 first submissions, 1 rejected; a re-inspection accepted.
		for i, rej := range []bool{true, false, false, false} {
			lotResult(t, f, jan.AddDate(0, 0, i), inspection.KindPreShipment, rej, false)
		}
		lotResult(t, f, jan.AddDate(0, 0, 5), inspection.KindPreShipment, false, true)
		// February: 5 first submissions accepted; a first article rejected.
		for i := 0; i < 5; i++ {
			lotResult(t, f, feb.AddDate(0, 0, i), inspection.KindIncoming, false, false)
		}
		lotResult(t, f, feb, inspection.KindFirstArticle, true, false)

		// NCRs: 2 in January, 1 in February, 1 voided in February.
		var ncrIDs []int64
		for _, d := range []qms.Date{jan, jan.AddDate(0, 0, 3), feb, feb.AddDate(0, 0, 1)} {
			n := &ncr.NCR{Source: ncr.SourceOther, Title: "Scratches", Severity: inspection.Minor, SupplierID: f.sup.ID, ProductID: f.product.ID,
				Found: "Scratches on housing", DetectedOn: d, QuantityAffected: 2}
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateNCR(n) })
			ncrIDs = append(ncrIDs, n.ID)
		}
		if _, err := s.DB().Exec(rebind(s, "UPDATE ncrs SET status = 'voided' WHERE id = ?"), ncrIDs[3]); err != nil {
			t.Fatal(err)
		}

		// CAPAs: closed in February, one before its last due date, one after;
		// one closed in January on time; one still open.
		var capaIDs []int64
		for i := 0; i < 4; i++ {
			c := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypeCorrective, Title: fmt.Sprintf("CAPA %d", i), Severity: inspection.Minor,
				OwnerID: 2, Owner: "Lena Vogel", OpenedOn: qms.NewDate(2025, 12, 1), Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: ncrIDs[0]}}}
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(c) })
			capaIDs = append(capaIDs, c.ID)
		}
		var due qms.Date
		if err := s.DB().QueryRow(rebind(s, "SELECT MAX(due_on) FROM capa_stages WHERE capa_id = ?"), capaIDs[0]).Scan(dateScan{&due}); err != nil {
			t.Fatal(err)
		}
		closeAt := func(id int64, at time.Time) {
			if _, err := s.DB().Exec(rebind(s, "UPDATE capas SET status = 'closed', closed_at = ? WHERE id = ?"), at, id); err != nil {
				t.Fatal(err)
			}
		}
		// The last stage is due in 2026 (opened 2025-12-01 with the default due days).
		closeAt(capaIDs[0], due.Time().Add(10*time.Hour))                // on the due date: on time
		closeAt(capaIDs[1], due.AddDate(0, 0, 1).Time())                 // a day late
		closeAt(capaIDs[2], time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)) // early
		dueMonth := objective.MonthOf(due)
		lateMonth := objective.MonthOf(due.AddDate(0, 0, 1))

		// An approved supplier whose only ISO 9001 certificate expired.
		cert := iso9001(f.sup.ID, "CN-9001-77")
		cert.IssueDate, cert.ExpiryDate = day("2023-01-01"), day("2026-01-31")
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateCertificate(cert) })
		if _, err := s.DB().Exec(rebind(s, "UPDATE certificates SET review = 'accepted' WHERE id = ?"), cert.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(rebind(s, "UPDATE suppliers SET status = ? WHERE id = ?"), supplier.StatusApproved, f.sup.ID); err != nil {
			t.Fatal(err)
		}

		mk := func(m objective.Metric, c objective.Comparison, target float64, from, to string) *objective.Objective {
			o := &objective.Objective{Title: m.Label(), Metric: m, Comparison: c, Target: target, Owner: "Lena Vogel", OwnerID: 2,
				From: objective.Month(from), To: objective.Month(to)}
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateObjective(o) })
			return o
		}
		type want struct {
			value  float64
			status objective.Status
			trend  map[objective.Month]float64 // months with data
		}
		cases := []struct {
			o    *objective.Objective
			want want
		}{
			{mk(objective.LotAcceptance, objective.AtLeast, 97, "2026-01", "2026-03"),
				want{100 * 8.0 / 9, objective.NotMet, map[objective.Month]float64{"2026-01": 75, "2026-02": 100}}},
			{mk(objective.LotAcceptance, objective.AtLeast, 97, "2026-02", "2026-02"),
				want{100, objective.Met, map[objective.Month]float64{"2026-02": 100}}},
			{mk(objective.InspectionRejection, objective.AtMost, 10, "2026-01", "2026-03"),
				want{100 * 2.0 / 11, objective.NotMet, map[objective.Month]float64{"2026-01": 20, "2026-02": 100.0 / 6}}},
			{mk(objective.NCRCount, objective.AtMost, 3, "2026-01", "2026-03"),
				want{3, objective.Met, map[objective.Month]float64{"2026-01": 2, "2026-02": 1, "2026-03": 0}}},
			{mk(objective.ApprovedExpiredCertificates, objective.AtMost, 0, "2026-01", "2026-12"),
				want{1, objective.NotMet, map[objective.Month]float64{"2026-03": 1}}},
			{mk(objective.LotAcceptance, objective.AtLeast, 97, "2025-01", "2025-06"), want{0, objective.NoData, map[objective.Month]float64{}}},
		}
		// CAPAs on time over the year: 2 of 3.
		capaWant := want{100 * 2.0 / 3, objective.NotMet, map[objective.Month]float64{"2026-01": 100}}
		if dueMonth == lateMonth {
			capaWant.trend[dueMonth] = 50
		} else {
			capaWant.trend[dueMonth], capaWant.trend[lateMonth] = 100, 0
		}
		cases = append(cases, struct {
			o    *objective.Objective
			want want
		}{mk(objective.CAPAOnTime, objective.AtLeast, 90, "2026-01", "2026-12"), capaWant})

		for _, c := range cases {
			var r objective.Result
			view(t, s, func(tx *store.Tx) error {
				var err error
				r, err = tx.EvaluateObjective(*c.o)
				return err
			})
			if r.Status != c.want.status || math.Abs(r.Value-c.want.value) > 1e-9 {
				t.Errorf("%s %s..%s: value %v status %s, want %v %s", c.o.Metric, c.o.From, c.o.To, r.Value, r.Status, c.want.value, c.want.status)
			}
			got := map[objective.Month]float64{}
			for _, p := range r.Trend {
				if p.HasData {
					got[p.Month] = p.Value
				}
			}
			if len(got) != len(c.want.trend) {
				t.Errorf("%s %s..%s: trend %v, want %v", c.o.Metric, c.o.From, c.o.To, got, c.want.trend)
			}
			for m, v := range c.want.trend {
				if math.Abs(got[m]-v) > 1e-9 {
					t.Errorf("%s %s: %v, want %v", c.o.Metric, m, got[m], v)
				}
			}
			if svg := string(r.Chart().SVG(600, 240)); len(svg) < 100 {
				t.Errorf("%s: chart %q", c.o.Metric, svg)
			}
		}

		// Current objectives are those of this month; a void takes one out.
		var current []objective.Objective
		view(t, s, func(tx *store.Tx) error { var err error; current, err = tx.Objectives(true); return err })
		if len(current) != 5 {
			t.Errorf("current objectives: %d, want 5 (those including March 2026)", len(current))
		}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.VoidObjective(cases[0].o.ID, 1, "replaced by a yearly objective") })
		view(t, s, func(tx *store.Tx) error { var err error; current, err = tx.Objectives(true); return err })
		if len(current) != 4 {
			t.Errorf("after void: %d, want 4", len(current))
		}

		// Bad input writes nothing.
		events := countAudit(t, s)
		for _, bad := range []objective.Objective{
			{Title: "", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 97, Owner: "x", From: "2026-01", To: "2026-12"},
			{Title: "x", Metric: "yield", Comparison: objective.AtLeast, Target: 97, Owner: "x", From: "2026-01", To: "2026-12"},
			{Title: "x", Metric: objective.LotAcceptance, Comparison: "=", Target: 97, Owner: "x", From: "2026-01", To: "2026-12"},
			{Title: "x", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 120, Owner: "x", From: "2026-01", To: "2026-12"},
			{Title: "x", Metric: objective.NCRCount, Comparison: objective.AtMost, Target: 2.5, Owner: "x", From: "2026-01", To: "2026-12"},
			{Title: "x", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 97, Owner: "", From: "2026-01", To: "2026-12"},
			{Title: "x", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 97, Owner: "x", From: "2026-12", To: "2026-01"},
			{Title: "x", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 97, Owner: "x", From: "2026-13", To: "2026-12"},
		} {
			err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.CreateObjective(&bad) })
			if qms.ErrorKind(err) != qms.KindInvalid || len(qms.ErrorFields(err)) == 0 {
				t.Errorf("%+v: %v, want invalid with fields", bad, err)
			}
		}
		if n := countAudit(t, s); n != events {
			t.Errorf("bad input wrote %d audit events", n-events)
		}
	})
}

// rebind spells ? placeholders for the store's database.
func rebind(s *store.Store, q string) string {
	if s.Dialect() != store.Postgres {
		return q
	}
	out, n := []byte{}, 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, fmt.Sprintf("$%d", n)...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}

// dateScan scans a DATE (PostgreSQL) or TEXT (SQLite) column.
type dateScan struct{ d *qms.Date }

func (s dateScan) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		*s.d = qms.DateOf(x)
		return nil
	case string:
		var err error
		*s.d, err = qms.ParseDate(x)
		return err
	case []byte:
		var err error
		*s.d, err = qms.ParseDate(string(x))
		return err
	}
	return fmt.Errorf("cannot scan %T as a date", v)
}

type objectiveRef struct{ ID, Version int64 }

// newLotObjective is "first-pass lot acceptance at least 97 % in 2026".
func newLotObjective() *objective.Objective {
	return &objective.Objective{Title: "Lot acceptance 2026", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 97,
		Owner: "Lena Vogel", OwnerID: 2, From: "2026-01", To: "2026-12"}
}
