package supplier

import (
	"slices"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
)

type gateCase struct {
	name   string
	mutate func(in *GateInput)
	want   []string // "standard@site:code" per check, in order
	allow  bool
}

func gateFixture() GateInput {
	sup := Supplier{ID: 1, Name: "Ningbo MedTech Co., Ltd.", Kind: KindManufacturer, Categories: []string{"medical_devices", "toys"}}
	sites := []Site{
		{ID: 10, SupplierID: 1, Name: "Plant A", Categories: []string{"medical_devices"}},
		{ID: 11, SupplierID: 1, Name: "Plant B", Categories: []string{"toys"}},
	}
	iso9001 := CertificateRecord{Certificate: Certificate{ID: 100, SupplierID: 1, Kind: KindManagementSystem, Standard: "ISO 9001", StandardVersion: "2015",
		Number: "Q-1", CertificationBody: "BSI", SiteIDs: []int64{10, 11}, IssueDate: date("2024-07-01"), ExpiryDate: date("2027-06-30"), Review: ReviewAccepted}}
	iso13485 := CertificateRecord{Certificate: Certificate{ID: 101, SupplierID: 1, Kind: KindManagementSystem, Standard: "ISO 13485", StandardVersion: "2016",
		Number: "MD-1", CertificationBody: "TÜV SÜD", SiteIDs: []int64{10}, IssueDate: date("2024-07-01"), ExpiryDate: date("2027-06-30"), Review: ReviewAccepted}}
	reqs := []Requirement{
		{ID: 1, Standard: "ISO 9001"},
		{ID: 2, Standard: "ISO 13485", Category: "medical_devices"},
		{ID: 3, Standard: "EN 71-1", Category: "toys", Market: "EU"},
		{ID: 4, Standard: "ISO 14001", Category: "chemicals"},
	}
	return GateInput{Supplier: sup, Sites: sites, Certificates: []CertificateRecord{iso9001, iso13485}, Requirements: reqs,
		Today: today, Settings: DefaultSettings()}
}

func checkStrings(cs []Check) []string {
	var out []string
	for _, c := range cs {
		s := c.Requirement.Standard + "@" + c.SiteName + ":" + c.Code
		if c.Override != nil {
			s += "(waived)"
		}
		out = append(out, s)
	}
	return out
}

func TestApprovalGate(t *testing.T) {
	qmName := "Lena Vogel"
	voided := time.Now()
	cases := []gateCase{
		{"all met", func(in *GateInput) {}, []string{"ISO 13485@Plant A:met", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, true},
		{"market requirement applies when the market is given", func(in *GateInput) { in.Markets = []string{"eu"} },
			[]string{"EN 71-1@Plant B:missing", "ISO 13485@Plant A:met", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"a test report meets it at any site", func(in *GateInput) {
			in.Markets = []string{"EU"}
			in.Certificates = append(in.Certificates, CertificateRecord{Certificate: Certificate{ID: 102, SupplierID: 1, Kind: KindProductTest,
				Standard: "EN 71-1", Number: "T-1", IssueDate: date("2025-06-01"), Review: ReviewAccepted}})
		}, []string{"EN 71-1@Plant B:met", "ISO 13485@Plant A:met", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, true},
		{"narrowed to a category", func(in *GateInput) { in.Categories = []string{"toys"} },
			[]string{"ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, true},
		{"narrowed to a site: what it makes", func(in *GateInput) { in.SiteID = 11 }, []string{"ISO 9001@Plant B:met"}, true},
		{"narrowed to a site that lists nothing: what the supplier sells", func(in *GateInput) { in.SiteID, in.Sites[1].Categories = 11, nil },
			[]string{"ISO 13485@Plant B:missing", "ISO 9001@Plant B:met"}, false},
		{"narrowed to a site and a category it does not list", func(in *GateInput) { in.SiteID, in.Categories = 11, []string{"medical_devices"} },
			[]string{"ISO 13485@Plant B:missing", "ISO 9001@Plant B:met"}, false},
		{"expiring still meets", func(in *GateInput) { in.Certificates[1].Certificate.ExpiryDate = today.AddDate(0, 0, 90) },
			[]string{"ISO 13485@Plant A:expiring", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, true},
		{"expired on the day before", func(in *GateInput) { in.Certificates[1].Certificate.ExpiryDate = today.AddDate(0, 0, -1) },
			[]string{"ISO 13485@Plant A:expired", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"suspended", func(in *GateInput) {
			in.Certificates[1].Verifications = []Verification{verif("2026-03-01", ResultSuspended)}
		}, []string{"ISO 13485@Plant A:suspended", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"withdrawn", func(in *GateInput) {
			in.Certificates[1].Verifications = []Verification{verif("2026-03-01", ResultWithdrawn)}
		}, []string{"ISO 13485@Plant A:withdrawn", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"submitted, not yet reviewed", func(in *GateInput) { in.Certificates[1].Certificate.Review = ReviewSubmitted },
			[]string{"ISO 13485@Plant A:awaiting_review", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"rejected counts as missing", func(in *GateInput) { in.Certificates[1].Certificate.Review = ReviewRejected },
			[]string{"ISO 13485@Plant A:missing", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"voided counts as missing", func(in *GateInput) { in.Certificates[1].Certificate.VoidedAt = &voided },
			[]string{"ISO 13485@Plant A:missing", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"an obsolete edition does not meet", func(in *GateInput) { in.Certificates[0].Certificate.StandardVersion = "2008" },
			[]string{"ISO 13485@Plant A:met", "ISO 9001@Plant A:missing", "ISO 9001@Plant B:missing"}, false},
		{"a certificate not covering the site", func(in *GateInput) { in.Certificates[0].Certificate.SiteIDs = []int64{10} },
			[]string{"ISO 13485@Plant A:met", "ISO 9001@Plant A:met", "ISO 9001@Plant B:missing"}, false},
		{"a newer certificate beats an expired one", func(in *GateInput) {
			old := in.Certificates[1]
			old.Certificate.ID, old.Certificate.ExpiryDate, old.Certificate.IssueDate = 99, date("2024-06-30"), date("2021-07-01")
			in.Certificates = append([]CertificateRecord{old}, in.Certificates...)
		}, []string{"ISO 13485@Plant A:met", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, true},
		{"another supplier's certificate does not count", func(in *GateInput) { in.Certificates[1].Certificate.SupplierID = 2 },
			[]string{"ISO 13485@Plant A:missing", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"voided sites are not checked", func(in *GateInput) { in.Sites[1].VoidedAt = &voided },
			[]string{"ISO 13485@Plant A:met", "ISO 9001@Plant A:met"}, true},
		{"no sites: any certificate of the supplier", func(in *GateInput) { in.Sites = nil },
			[]string{"ISO 13485@:met", "ISO 9001@:met"}, true},
		{"no site lists the category: every site", func(in *GateInput) {
			in.Sites[0].Categories, in.Sites[1].Categories = nil, nil
		}, []string{"ISO 13485@Plant A:met", "ISO 13485@Plant B:missing", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"voided requirements do not apply", func(in *GateInput) { in.Requirements[1].VoidedAt = &voided },
			[]string{"ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, true},

		// Overrides.
		{"an override waives until its end date, inclusive", func(in *GateInput) {
			in.Certificates[1].Certificate.Review = ReviewRejected
			in.Overrides = []Override{{ID: 1, SupplierID: 1, Standard: "iso 13485", Reason: "Audit booked", Until: today, CreatedBy: qmName}}
		}, []string{"ISO 13485@Plant A:missing(waived)", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, true},
		{"an ended override does not", func(in *GateInput) {
			in.Certificates[1].Certificate.Review = ReviewRejected
			in.Overrides = []Override{{ID: 1, SupplierID: 1, Standard: "ISO 13485", Reason: "Audit booked", Until: today.AddDate(0, 0, -1)}}
		}, []string{"ISO 13485@Plant A:missing", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"a voided override does not", func(in *GateInput) {
			in.Certificates[1].Certificate.Review = ReviewRejected
			in.Overrides = []Override{{ID: 1, SupplierID: 1, Standard: "ISO 13485", Reason: "r", Until: today.AddDate(0, 1, 0), VoidedAt: &voided}}
		}, []string{"ISO 13485@Plant A:missing", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"an override for another standard does not", func(in *GateInput) {
			in.Certificates[1].Certificate.Review = ReviewRejected
			in.Overrides = []Override{{ID: 1, SupplierID: 1, Standard: "ISO 9001", Reason: "r", Until: today.AddDate(0, 1, 0)}}
		}, []string{"ISO 13485@Plant A:missing", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
		{"an override for one site waives there only", func(in *GateInput) {
			in.Certificates[0].Certificate.SiteIDs = nil
			in.Overrides = []Override{{ID: 1, SupplierID: 1, SiteID: 11, Standard: "ISO 9001", Reason: "r", Until: today.AddDate(0, 1, 0)}}
		}, []string{"ISO 13485@Plant A:met", "ISO 9001@Plant A:missing", "ISO 9001@Plant B:missing(waived)"}, false},
		{"another supplier's override does not", func(in *GateInput) {
			in.Certificates[1].Certificate.Review = ReviewRejected
			in.Overrides = []Override{{ID: 1, SupplierID: 2, Standard: "ISO 13485", Reason: "r", Until: today.AddDate(0, 1, 0)}}
		}, []string{"ISO 13485@Plant A:missing", "ISO 9001@Plant A:met", "ISO 9001@Plant B:met"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := gateFixture()
			c.mutate(&in)
			g := ApprovalGate(in)
			if got := checkStrings(g.Checks); !slices.Equal(got, c.want) {
				t.Errorf("checks = %v\nwant     %v", got, c.want)
			}
			if g.Allowed != c.allow {
				t.Errorf("allowed = %v, want %v", g.Allowed, c.allow)
			}
			if err := g.Err(); (err == nil) != c.allow || err != nil && qms.ErrorKind(err) != qms.KindConflict {
				t.Errorf("Err() = %v", err)
			}
			for _, ch := range g.Checks {
				if ch.Message == "" || ch.Blocking == ch.Met() && ch.Override == nil {
					t.Errorf("inconsistent check %+v", ch)
				}
				if ch.Override != nil && !strings.Contains(ch.Message, "Waived until") {
					t.Errorf("override not explained: %s", ch.Message)
				}
			}
		})
	}
}

func TestGateMessages(t *testing.T) {
	in := gateFixture()
	in.Certificates[1].Certificate.ExpiryDate = today.AddDate(0, 0, -10)
	g := ApprovalGate(in)
	b := g.Blocking()
	if len(b) != 1 || b[0].CertificateID != 101 {
		t.Fatalf("blocking = %+v", b)
	}
	for _, want := range []string{"ISO 13485:2016 certificate MD-1 (TÜV SÜD)", "Expired on 2026-03-05", "ISO 13485 required for medical_devices"} {
		if !strings.Contains(b[0].Message, want) {
			t.Errorf("message %q lacks %q", b[0].Message, want)
		}
	}
	if !strings.Contains(qms.ErrorMessage(g.Err()), "ISO 13485 at “Plant A”: expired") {
		t.Errorf("Err message: %s", qms.ErrorMessage(g.Err()))
	}
}

func TestOverrideValidate(t *testing.T) {
	qm := qms.Actor{UserID: 2, Role: qms.RoleQualityManager}
	good := func() Override {
		return Override{SupplierID: 1, Standard: "iso13485", Reason: "Certification audit booked for April", Until: today.AddDate(0, 0, MaxOverrideDays)}
	}
	o := good()
	if err := o.Validate(qm, today); err != nil || o.Standard != "ISO 13485" {
		t.Fatalf("valid override: %v %q", err, o.Standard)
	}
	for _, c := range []struct {
		name   string
		a      qms.Actor
		mutate func(o *Override)
		kind   qms.Kind
		field  string
	}{
		{"inspector", qms.Actor{Role: qms.RoleInspector}, func(o *Override) {}, qms.KindForbidden, ""},
		{"no reason", qm, func(o *Override) { o.Reason = " " }, qms.KindInvalid, "reason"},
		{"no end", qm, func(o *Override) { o.Until = qms.Date{} }, qms.KindInvalid, "until"},
		{"ended yesterday", qm, func(o *Override) { o.Until = today.AddDate(0, 0, -1) }, qms.KindInvalid, "until"},
		{"too long", qm, func(o *Override) { o.Until = today.AddDate(0, 0, MaxOverrideDays+1) }, qms.KindInvalid, "until"},
		{"no standard", qm, func(o *Override) { o.Standard = "" }, qms.KindInvalid, "standard"},
		{"no supplier", qm, func(o *Override) { o.SupplierID = 0 }, qms.KindInvalid, "supplier_id"},
	} {
		o := good()
		c.mutate(&o)
		err := o.Validate(c.a, today)
		if qms.ErrorKind(err) != c.kind {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if c.field != "" {
			if _, ok := qms.ErrorFields(err)[c.field]; !ok {
				t.Errorf("%s: fields %v", c.name, qms.ErrorFields(err))
			}
		}
	}
	today0 := good()
	today0.Until = today
	if err := today0.Validate(qm, today); err != nil {
		t.Errorf("an override ending today: %v", err)
	}
}

func TestRequirementValidate(t *testing.T) {
	r := Requirement{Standard: " iso-9001 ", Category: "Medical Devices", Market: "eu"}
	if err := r.Validate(); err != nil || r.Standard != "ISO 9001" || r.Category != "medical_devices" || r.Market != "EU" {
		t.Fatalf("%v %+v", err, r)
	}
	r = Requirement{Standard: "EN  71-1"}
	if err := r.Validate(); err != nil || r.Standard != "EN 71-1" {
		t.Fatalf("%v %+v", err, r)
	}
	for field, r := range map[string]Requirement{
		"standard": {Standard: "--"},
		"category": {Standard: "ISO 9001", Category: "食品"},
		"market":   {Standard: "ISO 9001", Market: "E"},
	} {
		if _, ok := qms.ErrorFields(r.Validate())[field]; !ok {
			t.Errorf("%s: %v", field, r.Validate())
		}
	}
}

func TestCheckVoidOverride(t *testing.T) {
	if err := CheckVoidOverride(qms.Actor{Role: qms.RoleAdmin}, "audit cancelled"); err != nil {
		t.Error(err)
	}
	if err := CheckVoidOverride(qms.Actor{Role: qms.RoleViewer}, "x"); qms.ErrorKind(err) != qms.KindForbidden {
		t.Errorf("viewer: %v", err)
	}
	if err := CheckVoidOverride(qms.Actor{Role: qms.RoleQualityManager}, " "); qms.ErrorKind(err) != qms.KindInvalid {
		t.Errorf("no reason: %v", err)
	}
}
