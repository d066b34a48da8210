package supplier

import (
	"strings"
	"testing"

	"qms/internal/qms"
)

func validCert() Certificate {
	return Certificate{SupplierID: 1, Kind: KindManagementSystem, Standard: "ISO 9001", StandardVersion: "2015",
		Number: "CN-QMS-2024-0815", CertificationBody: "SGS-CSTC Standards Technical Services Co., Ltd.", AccreditationBody: "CNAS",
		Scope: "Manufacture of injection-moulded plastic parts", HolderName: "东莞市精塑科技有限公司", HolderAddress: "广东省东莞市长安镇振安路1号",
		SiteIDs: []int64{3, 2, 3}, IssueDate: date("2024-05-01"), ExpiryDate: date("2027-04-30"), OriginalDate: date("2015-05-01"),
		LastSurveillanceDate: date("2025-04-20")}
}

func TestCertificateValidate(t *testing.T) {
	c := validCert()
	c.Standard, c.StandardVersion = " iso9001:2015 ", ""
	if err := c.Validate(today); err != nil {
		t.Fatalf("valid certificate: %v", err)
	}
	if c.Standard != "ISO 9001" || c.StandardVersion != "2015" || c.Review != ReviewSubmitted {
		t.Errorf("not normalised: %q %q %q", c.Standard, c.StandardVersion, c.Review)
	}
	if len(c.SiteIDs) != 2 || c.SiteIDs[0] != 2 || c.SiteIDs[1] != 3 {
		t.Errorf("site ids = %v, want [2 3]", c.SiteIDs)
	}
	if c.HolderName != "东莞市精塑科技有限公司" {
		t.Errorf("holder name changed: %q", c.HolderName)
	}

	cases := []struct {
		name   string
		mutate func(c *Certificate)
		field  string
		msg    string
	}{
		{"expiry before issue", func(c *Certificate) { c.ExpiryDate = date("2024-04-30") }, "expiry_date", "is not after the issue date (2024-05-01)"},
		{"expiry equal to issue", func(c *Certificate) { c.ExpiryDate = c.IssueDate }, "expiry_date", "not after the issue date"},
		{"issue in the far past", func(c *Certificate) { c.IssueDate, c.OriginalDate = date("1979-12-31"), qms.Date{} }, "issue_date", "too far in the past"},
		{"issue tomorrow", func(c *Certificate) { c.IssueDate = today.AddDate(0, 0, 1) }, "issue_date", "is in the future"},
		{"expiry in the far future", func(c *Certificate) { c.ExpiryDate = date("2099-01-01") }, "expiry_date", "too far in the future"},
		{"validity over 10 years", func(c *Certificate) { c.IssueDate, c.ExpiryDate = date("2016-01-01"), date("2026-01-02") }, "expiry_date", "more than 10 years"},
		{"no issue date", func(c *Certificate) { c.IssueDate = qms.Date{} }, "issue_date", "is required"},
		{"no expiry on a management-system certificate", func(c *Certificate) { c.ExpiryDate = qms.Date{} }, "expiry_date", "is required"},
		{"original after issue", func(c *Certificate) { c.OriginalDate = date("2024-06-01") }, "original_date", "after the issue date"},
		{"surveillance in the future", func(c *Certificate) { c.LastSurveillanceDate = today.AddDate(0, 0, 1) }, "last_surveillance_date", "in the future"},
		{"surveillance before the original certification", func(c *Certificate) { c.LastSurveillanceDate = date("2014-01-01") }, "last_surveillance_date", "before the original"},
		{"unknown standard", func(c *Certificate) { c.Standard, c.StandardVersion = "ISO 9002", "1994" }, "standard", "“ISO 9002” is not a known standard"},
		{"unknown edition", func(c *Certificate) { c.StandardVersion = "2000" }, "standard_version", "use one of ISO 9001:2015, ISO 9001:2008"},
		{"no version", func(c *Certificate) { c.StandardVersion = "" }, "standard_version", "not a known edition"},
		{"kind does not match the standard", func(c *Certificate) { c.Kind = KindSocialAudit }, "kind", "is a management-system certificate"},
		{"unknown kind", func(c *Certificate) { c.Kind = "award" }, "kind", "must be"},
		{"no number", func(c *Certificate) { c.Number = " - / " }, "number", "is required"},
		{"no certification body", func(c *Certificate) { c.CertificationBody = "" }, "certification_body", "is required"},
		{"no scope", func(c *Certificate) { c.Scope = "" }, "scope", "is required"},
		{"no holder", func(c *Certificate) { c.HolderName = "" }, "holder_name", "is required"},
		{"control character", func(c *Certificate) { c.HolderName = "ACME\x1b[31m" }, "holder_name", "control character"},
		{"invalid UTF-8", func(c *Certificate) { c.Scope = "bad \xff" }, "scope", "UTF-8"},
		{"bad site id", func(c *Certificate) { c.SiteIDs = []int64{0} }, "site_ids", "invalid"},
		{"no supplier", func(c *Certificate) { c.SupplierID = 0 }, "supplier_id", "is required"},
		{"long number", func(c *Certificate) { c.Number = strings.Repeat("9", MaxNumberLen+1) }, "number", "too long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validCert()
			tc.mutate(&c)
			err := c.Validate(today)
			if qms.ErrorKind(err) != qms.KindInvalid {
				t.Fatalf("Validate = %v, want invalid", err)
			}
			if msg := qms.ErrorFields(err)[tc.field]; !strings.Contains(msg, tc.msg) {
				t.Errorf("field %s = %q, want it to contain %q (all: %v)", tc.field, msg, tc.msg, qms.ErrorFields(err))
			}
		})
	}

	// Test reports name their test standard freely and need no expiry.
	tr := Certificate{SupplierID: 1, Kind: KindProductTest, Standard: "EN 71-1", StandardVersion: "2014+A1:2018", Number: "SHAH2406001234",
		CertificationBody: "Intertek Testing Services Shanghai", HolderName: "Ningbo Toys Co., Ltd.", IssueDate: date("2025-06-01")}
	if err := tr.Validate(today); err != nil {
		t.Errorf("test report: %v", err)
	}
}

func TestNumberAndBodyKeys(t *testing.T) {
	a := Certificate{Number: "04 100 1234567", CertificationBody: "TÜV SÜD Management Service GmbH"}
	b := Certificate{Number: "04-100-1234567", CertificationBody: "TUV SUD MANAGEMENT SERVICE"}
	if a.NumberKey() != b.NumberKey() || a.NumberKey() != "041001234567" {
		t.Errorf("number keys %q %q", a.NumberKey(), b.NumberKey())
	}
	if a.BodyKey() != b.BodyKey() {
		t.Errorf("body keys %q %q", a.BodyKey(), b.BodyKey())
	}
	c := Certificate{Number: "CN/QMS.2024_08"}
	if c.NumberKey() != "CNQMS202408" {
		t.Errorf("number key %q", c.NumberKey())
	}
}

func TestReviewRules(t *testing.T) {
	sup := int64(1)
	qm := qms.Actor{Role: qms.RoleQualityManager}
	if InitialReview(qm) != ReviewAccepted || InitialReview(qms.Actor{Role: qms.RoleAdmin}) != ReviewAccepted {
		t.Error("a quality manager's entry is not accepted")
	}
	for _, r := range []qms.Role{qms.RoleSupplier, qms.RoleInspector, qms.RoleViewer} {
		if got := InitialReview(qms.Actor{Role: r, SupplierID: &sup}); got != ReviewSubmitted {
			t.Errorf("InitialReview(%s) = %s, want submitted", r, got)
		}
	}
	for _, c := range []struct {
		a        qms.Actor
		from, to Review
		note     string
		kind     qms.Kind
	}{
		{qm, ReviewSubmitted, ReviewAccepted, "", -1},
		{qm, ReviewSubmitted, ReviewRejected, "The scan is of another company's certificate", -1},
		{qm, ReviewSubmitted, ReviewRejected, " ", qms.KindInvalid},
		{qm, ReviewAccepted, ReviewRejected, "late", qms.KindConflict},
		{qm, ReviewRejected, ReviewAccepted, "", qms.KindConflict},
		{qm, ReviewSubmitted, ReviewSubmitted, "", qms.KindInvalid},
		{qms.Actor{Role: qms.RoleInspector}, ReviewSubmitted, ReviewAccepted, "", qms.KindForbidden},
		{qms.Actor{Role: qms.RoleSupplier, SupplierID: &sup}, ReviewSubmitted, ReviewAccepted, "", qms.KindForbidden},
	} {
		err := CheckReview(c.a, c.from, c.to, c.note)
		if c.kind < 0 && err != nil || c.kind >= 0 && qms.ErrorKind(err) != c.kind {
			t.Errorf("CheckReview(%s, %s -> %s) = %v, want kind %v", c.a.Role, c.from, c.to, err, c.kind)
		}
	}
}

func TestVerificationValidate(t *testing.T) {
	ok := Verification{CertificateID: 1, Method: MethodCNCA, CheckedOn: today, Result: ResultVerifiedValid}
	if err := ok.Validate(today); err != nil {
		t.Fatal(err)
	}
	for field, v := range map[string]Verification{
		"method":     {CertificateID: 1, Method: "phone", CheckedOn: today, Result: ResultVerifiedValid},
		"result":     {CertificateID: 1, Method: MethodCNCA, CheckedOn: today, Result: "fine"},
		"checked_on": {CertificateID: 1, Method: MethodCNCA, CheckedOn: today.AddDate(0, 0, 1), Result: ResultVerifiedValid},
		"note":       {CertificateID: 1, Method: MethodCNCA, CheckedOn: today, Result: ResultSuspicious},
	} {
		if _, bad := qms.ErrorFields(v.Validate(today))[field]; !bad {
			t.Errorf("%s: %v", field, v.Validate(today))
		}
	}
}

func TestStandards(t *testing.T) {
	for _, s := range Standards {
		if s.Current == (s.SupersededBy != "") {
			t.Errorf("%s: current %v but superseded by %q", s.Name(), s.Current, s.SupersededBy)
		}
		if s.SupersededBy != "" {
			code, version := ParseStandard(s.SupersededBy)
			if r, ok := LookupStandard(code, version); !ok || !r.Current {
				t.Errorf("%s is superseded by %s, which is not a current catalogue entry", s.Name(), s.SupersededBy)
			}
		}
	}
	if s, ok := LookupStandard("iso-13485", "2016"); !ok || s.Code != "ISO 13485" {
		t.Errorf("lookup ignoring case and punctuation: %+v %v", s, ok)
	}
	if c, v := ParseStandard("ISO/IEC 27001:2022"); c != "ISO/IEC 27001" || v != "2022" {
		t.Errorf("ParseStandard = %q %q", c, v)
	}
}

func TestReviewAfterEdit(t *testing.T) {
	sup := int64(1)
	for _, c := range []struct {
		a          qms.Actor
		prev, want Review
	}{
		{qms.Actor{Role: qms.RoleQualityManager}, ReviewAccepted, ReviewAccepted},
		{qms.Actor{Role: qms.RoleQualityManager}, ReviewRejected, ReviewRejected},
		{qms.Actor{Role: qms.RoleSupplier, SupplierID: &sup}, ReviewAccepted, ReviewSubmitted},
		{qms.Actor{Role: qms.RoleSupplier, SupplierID: &sup}, ReviewRejected, ReviewSubmitted},
		{qms.Actor{Role: qms.RoleInspector}, ReviewAccepted, ReviewSubmitted},
	} {
		if got := ReviewAfterEdit(c.a, c.prev); got != c.want {
			t.Errorf("ReviewAfterEdit(%s, %s) = %s, want %s", c.a.Role, c.prev, got, c.want)
		}
	}
}
