package scorecard

import (
	"slices"
	"strings"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/supplier"
)

func d(s string) qms.Date {
	v, err := qms.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// card is a scorecard with the counts the tier rule reads.
func card(lots, accepted int, units, defective int64, overdueCAPAs, requiredNotMet int) Scorecard {
	sc := Scorecard{Lots: lots, Accepted: accepted, Rejected: lots - accepted, SampleUnits: units, DefectiveUnits: defective,
		CAPAs: Counts{Open: overdueCAPAs, Overdue: overdueCAPAs}, Certificates: CertCounts{RequiredNotMet: requiredNotMet}}
	if lots > 0 {
		sc.AcceptanceRate = float64(accepted) / float64(lots)
	}
	if units > 0 {
		sc.PPM = float64(defective) * 1e6 / float64(units)
	}
	return sc
}

func TestTierBoundaries(t *testing.T) {
	th := DefaultThresholds() // A: 98 %, 1,000 PPM, 0 overdue, certificates; B: 95 %, 5,000 PPM, 1 overdue
	cases := []struct {
		name string
		sc   Scorecard
		want Tier
		why  string // part of the first reason
	}{
		{"no lots: not rated", card(0, 0, 0, 0, 0, 0), TierUnrated, "0 lots inspected"},
		{"no lots with overdue CAPAs: still not rated", card(0, 0, 0, 0, 3, 2), TierUnrated, "Not rated"},
		{"perfect", card(10, 10, 1250, 0, 0, 0), TierA, ""},
		{"acceptance exactly 98 % is A", card(50, 49, 1000, 0, 0, 0), TierA, ""},
		{"acceptance 97.99 % is B", card(10000, 9799, 1000, 0, 0, 0), TierB, "Lot acceptance 97.99 % is below tier A's 98 %"},
		{"acceptance exactly 95 % is B", card(20, 19, 1000, 0, 0, 0), TierB, "below tier A's 98 %"},
		{"acceptance 94.99 % is C", card(10000, 9499, 1000, 0, 0, 0), TierC, "below tier B's 95 %"},
		{"PPM exactly 1,000 is A", card(10, 10, 1000, 1, 0, 0), TierA, ""},
		{"PPM 1,001 is B", card(10, 10, 1_000_000, 1001, 0, 0), TierB, "1001 PPM is above tier A's 1000"},
		{"PPM exactly 5,000 is B", card(10, 10, 1000, 5, 0, 0), TierB, "5000 PPM"},
		{"PPM 5,001 is C", card(10, 10, 1_000_000, 5001, 0, 0), TierC, "5001 PPM is above tier B's 5000"},
		{"one overdue CAPA is B", card(10, 10, 1000, 0, 1, 0), TierB, "1 overdue CAPA; tier A allows 0"},
		{"two overdue CAPAs are C", card(10, 10, 1000, 0, 2, 0), TierC, "2 overdue CAPAs; tier B allows 1"},
		{"a required certificate not in force is B", card(10, 10, 1000, 0, 0, 1), TierB, "1 required certificate missing"},
		{"certificates and a low rate: C with the B reason", card(10, 9, 1000, 0, 0, 3), TierC, "Lot acceptance 90 %"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, why := th.Rate(c.sc)
			if got != c.want {
				t.Fatalf("tier %q, want %q (%v)", got, c.want, why)
			}
			if c.why == "" {
				if len(why) != 0 {
					t.Errorf("reasons for A: %v", why)
				}
				return
			}
			if len(why) == 0 || !strings.Contains(why[0], c.why) {
				t.Errorf("reasons %q, want one with %q", why, c.why)
			}
		})
	}
}

func TestTierMinLots(t *testing.T) {
	th := DefaultThresholds()
	th.MinLots = 5
	if got, _ := th.Rate(card(4, 4, 500, 0, 0, 0)); got != TierUnrated {
		t.Errorf("4 lots of 5 needed: %q", got)
	}
	if got, _ := th.Rate(card(5, 5, 500, 0, 0, 0)); got != TierA {
		t.Errorf("exactly 5 lots: %q", got)
	}
	th.A.CertificatesRequired = false
	if got, _ := th.Rate(card(5, 5, 500, 0, 0, 4)); got != TierA {
		t.Errorf("certificates not required for A: %q", got)
	}
}

func TestThresholdsValidate(t *testing.T) {
	if err := (&Thresholds{}).Validate(); err == nil {
		t.Error("zero thresholds (min lots 0) pass")
	}
	def := DefaultThresholds()
	if err := def.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	cases := []struct {
		field  string
		mutate func(*Thresholds)
	}{
		{"a_min_acceptance", func(th *Thresholds) { th.A.MinAcceptanceBP = 10001 }},
		{"b_min_acceptance", func(th *Thresholds) { th.B.MinAcceptanceBP = -1 }},
		{"b_min_acceptance", func(th *Thresholds) { th.B.MinAcceptanceBP = 9900 }},
		{"a_max_ppm", func(th *Thresholds) { th.A.MaxPPM = -5 }},
		{"b_max_ppm", func(th *Thresholds) { th.B.MaxPPM = 999 }},
		{"b_max_overdue_capas", func(th *Thresholds) { th.A.MaxOverdueCAPAs = 2 }},
		{"a_max_overdue_capas", func(th *Thresholds) { th.A.MaxOverdueCAPAs = 1001 }},
		{"b_certificates_required", func(th *Thresholds) { th.A.CertificatesRequired = false; th.B.CertificatesRequired = true }},
		{"min_lots", func(th *Thresholds) { th.MinLots = 0 }},
	}
	for _, c := range cases {
		th := DefaultThresholds()
		c.mutate(&th)
		err := th.Validate()
		e, ok := err.(*qms.Error)
		if !ok || e.Kind != qms.KindInvalid || e.Fields[c.field] == "" {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
	// Equal levels are allowed: B may be as strict as A.
	th := DefaultThresholds()
	th.B = th.A
	if err := th.Validate(); err != nil {
		t.Errorf("B equal to A: %v", err)
	}
}

func TestPercentFormats(t *testing.T) {
	for in, want := range map[string]int{"98": 9800, "98.5": 9850, "99.25": 9925, "0": 0, "100": 10000, "7.": 700, ".5": 50} {
		if got, ok := ParsePercent(in); !ok || got != want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "98.555", "-1", "98%", "abc", "1.2.3", "1000", "."} {
		if _, ok := ParsePercent(in); ok {
			t.Errorf("ParsePercent(%q) accepted", in)
		}
	}
	for bp, want := range map[int]string{9800: "98 %", 9850: "98.5 %", 9925: "99.25 %", 5: "0.05 %"} {
		if got := BasisPoints(bp); got != want {
			t.Errorf("BasisPoints(%d) = %q, want %q", bp, got, want)
		}
	}
	if got := Percent(0.985); got != "98.5 %" {
		t.Errorf("Percent = %q", got)
	}
}

func TestPeriod(t *testing.T) {
	from, to := DefaultPeriod(d("2026-11-28"))
	if from != d("2025-12-01") || to != d("2026-11-30") {
		t.Errorf("default period %s..%s", from, to)
	}
	if err := CheckPeriod(d("2026-01-01"), d("2026-01-01")); err != nil {
		t.Errorf("one day: %v", err)
	}
	if err := CheckPeriod(d("2016-01-01"), d("2025-12-31")); err != nil {
		t.Errorf("exactly 120 months: %v", err)
	}
	for _, c := range []struct{ from, to qms.Date }{
		{d("2026-02-01"), d("2026-01-31")}, {qms.Date{}, d("2026-01-31")}, {d("2016-01-01"), d("2026-01-01")},
	} {
		if err := CheckPeriod(c.from, c.to); err == nil {
			t.Errorf("%s..%s accepted", c.from, c.to)
		}
	}
}

func TestComputeNoData(t *testing.T) {
	f := Facts{SupplierID: 7, From: d("2026-01-01"), To: d("2026-03-31"), Today: d("2026-04-02")}
	sc := Compute(f, DefaultThresholds())
	if sc.Lots != 0 || sc.AcceptanceRate != 0 || sc.PPM != 0 || len(sc.ByKind) != 0 || sc.Tier != TierUnrated {
		t.Errorf("empty period: %+v", sc)
	}
	if got := monthKeys(sc); !slices.Equal(got, []string{"2026-01", "2026-02", "2026-03"}) {
		t.Errorf("months %v", got)
	}
	for _, m := range sc.Months {
		if m.Lots != 0 || m.AcceptanceRate != 0 || m.PPM != 0 {
			t.Errorf("month without lots: %+v", m)
		}
	}
	if sc.LatestAudit != nil || sc.Certificates != (CertCounts{}) {
		t.Errorf("no audit, no certificates: %+v", sc)
	}
}

func monthKeys(sc Scorecard) []string {
	var out []string
	for _, m := range sc.Months {
		out = append(out, m.Month)
	}
	return out
}

func TestCompute(t *testing.T) {
	today := d("2026-06-15")
	set := supplier.DefaultSettings()
	sup := supplier.Supplier{ID: 1, Name: "Dongguan Precision", Categories: []string{"electronics"}}
	sites := []supplier.Site{{ID: 10, SupplierID: 1, Name: "Plant A"}, {ID: 11, SupplierID: 1, Name: "Plant B"}}
	cert := func(id int64, std string, expiry string, sites []int64, vs ...supplier.Verification) supplier.CertificateRecord {
		return supplier.CertificateRecord{Certificate: supplier.Certificate{ID: id, SupplierID: 1, Kind: supplier.KindManagementSystem, Standard: std,
			Number: "N" + std, CertificationBody: "SGS", SiteIDs: sites, IssueDate: d("2024-01-01"), ExpiryDate: d(expiry), Review: supplier.ReviewAccepted},
			Verifications: vs}
	}
	gate := &supplier.GateInput{Supplier: sup, Sites: sites, Today: today, Settings: set,
		Certificates: []supplier.CertificateRecord{
			cert(1, "ISO 9001", "2026-12-31", []int64{10}),      // valid
			cert(2, "ISO 14001", "2026-08-01", []int64{10, 11}), // expiring (47 days)
			cert(3, "ISO 45001", "2026-06-14", []int64{11}),     // expired yesterday
			cert(4, "IATF 16949", "2027-06-30", []int64{11}, supplier.Verification{CertificateID: 4, CheckedOn: d("2026-05-01"), Result: supplier.ResultSuspended}),
		},
		Requirements: []supplier.Requirement{{ID: 1, Standard: "ISO 9001"}},
	}
	f := Facts{SupplierID: 1, From: d("2026-01-01"), To: d("2026-03-31"), Today: today,
		ByKind: []inspection.Rate{
			{Key: "pre_shipment", Lots: 40, Rejected: 1, SampleUnits: 8000, DefectiveUnits: 4, CriticalDefects: 0, MajorDefects: 3, MinorDefects: 9},
			{Key: "incoming", Lots: 10, Rejected: 0, SampleUnits: 2000, DefectiveUnits: 1, CriticalDefects: 1, MajorDefects: 0, MinorDefects: 2},
		},
		ByMonth: []inspection.Rate{
			{Key: "2026-01", Lots: 20, Rejected: 1, SampleUnits: 4000, DefectiveUnits: 4},
			{Key: "2026-03", Lots: 30, Rejected: 0, SampleUnits: 6000, DefectiveUnits: 1},
		},
		NCRs: Counts{Open: 2, Overdue: 1}, CAPAs: Counts{Open: 1, Overdue: 0}, Gate: gate,
		LatestAudit: &Audit{ID: 9, Date: d("2026-02-10"), Score: 87.5},
	}
	sc := Compute(f, DefaultThresholds())
	// 50 lots, 1 rejected: 98 % acceptance; 5 defective of 10,000 units: 500 PPM.
	if sc.Lots != 50 || sc.Accepted != 49 || sc.Rejected != 1 || sc.AcceptanceRate != 0.98 || sc.PPM != 500 {
		t.Errorf("totals: %d lots, %d accepted, %d rejected, %v, %v PPM", sc.Lots, sc.Accepted, sc.Rejected, sc.AcceptanceRate, sc.PPM)
	}
	if sc.Defects != (Defects{Critical: 1, Major: 3, Minor: 11}) {
		t.Errorf("defects %+v", sc.Defects)
	}
	// By kind in the order of a product's life: pre-shipment before incoming.
	if len(sc.ByKind) != 2 || sc.ByKind[0].Kind != inspection.KindPreShipment || sc.ByKind[0].RejectionRate != 0.025 || sc.ByKind[0].PPM != 500 ||
		sc.ByKind[1].Kind != inspection.KindIncoming || sc.ByKind[1].PPM != 500 || sc.ByKind[1].Label == "" {
		t.Errorf("by kind %+v", sc.ByKind)
	}
	if got := monthKeys(sc); !slices.Equal(got, []string{"2026-01", "2026-02", "2026-03"}) {
		t.Fatalf("months %v", got)
	}
	if m := sc.Months[0]; m.Lots != 20 || m.AcceptanceRate != 0.95 || m.PPM != 1000 {
		t.Errorf("January %+v", m)
	}
	if m := sc.Months[1]; m.Lots != 0 {
		t.Errorf("February has no lots: %+v", m)
	}
	if m := sc.Months[2]; m.AcceptanceRate != 1 || m.PPM != 1e6/6000 {
		t.Errorf("March %+v", m)
	}
	if sc.Certificates != (CertCounts{Valid: 1, Expiring: 1, Expired: 1, Suspended: 1, RequiredNotMet: 1}) {
		// ISO 9001 covers Plant A only: the requirement is missing at Plant B.
		t.Errorf("certificates %+v", sc.Certificates)
	}
	if sc.NCRs != (Counts{2, 1}) || sc.CAPAs != (Counts{1, 0}) || sc.LatestAudit.Score != 87.5 {
		t.Errorf("NCRs %+v CAPAs %+v audit %+v", sc.NCRs, sc.CAPAs, sc.LatestAudit)
	}
	if len(sc.Sites) != 2 || sc.Sites[0] != (SiteRef{ID: 10, Name: "Plant A"}) || sc.Sites[1].ID != 11 {
		t.Errorf("sites %+v", sc.Sites)
	}
	if sc.Tier != TierB || len(sc.Reasons) != 1 || !strings.Contains(sc.Reasons[0], "required certificate") {
		t.Errorf("tier %q %v", sc.Tier, sc.Reasons)
	}

	// The same for Plant A only: its certificates, its requirement met.
	siteGate := *gate
	siteGate.SiteID = 10
	f.SiteID, f.Gate = 10, &siteGate
	sc = Compute(f, DefaultThresholds())
	if sc.Certificates != (CertCounts{Valid: 1, Expiring: 1}) || sc.Tier != TierA || len(sc.Reasons) != 0 || len(sc.Sites) != 0 {
		t.Errorf("Plant A: %+v, tier %q %v", sc.Certificates, sc.Tier, sc.Reasons)
	}
}
