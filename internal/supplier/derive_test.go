package supplier

import (
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
)

var today = qms.NewDate(2026, time.March, 15)

func date(s string) qms.Date {
	d, err := qms.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func verif(on string, r Result) Verification {
	return Verification{CertificateID: 1, Method: MethodIAFCertSearch, CheckedOn: date(on), Result: r, CheckedBy: "李娜"}
}

func TestDeriveValidity(t *testing.T) {
	set := DefaultSettings()
	voided := time.Now()
	cases := []struct {
		name    string
		expiry  string
		vs      []Verification
		code    string
		days    int // when there is an expiry date
		message string
	}{
		{"valid, far from expiry", "2027-06-30", nil, CodeValid, 472, "Valid until 2027-06-30"},
		{"91 days left: valid", "2026-06-14", nil, CodeValid, 91, "Valid until"},
		{"exactly 90 days left: expiring", "2026-06-13", nil, CodeExpiring, 90, "in 90 days"},
		{"1 day left", "2026-03-16", nil, CodeExpiring, 1, "in 1 day"},
		{"expiry date is today: last valid day", "2026-03-15", nil, CodeExpiring, 0, "today (its last valid day)"},
		{"expired yesterday", "2026-03-14", nil, CodeExpired, -1, "Expired on 2026-03-14, 1 day ago"},
		{"expired long ago", "2020-01-01", nil, CodeExpired, -2265, "2265 days ago"},
		{"no expiry date", "", nil, CodeValid, 0, "no expiry date"},
		{"latest verification: suspended", "2027-06-30", []Verification{verif("2025-01-01", ResultVerifiedValid), verif("2026-02-01", ResultSuspended)}, CodeSuspended, 472, "found the certificate suspended"},
		{"latest verification: withdrawn", "2027-06-30", []Verification{verif("2026-02-01", ResultWithdrawn)}, CodeWithdrawn, 472, "withdrawn"},
		{"withdrawn and past expiry: withdrawn", "2026-01-01", []Verification{verif("2025-12-01", ResultWithdrawn)}, CodeWithdrawn, -73, "withdrawn"},
		{"registry says expired before the printed date", "2027-06-30", []Verification{verif("2026-02-01", ResultExpired)}, CodeExpired, 472, "printed expiry date is 2027-06-30"},
		{"no printed expiry, but the registry says expired", "", []Verification{verif("2026-02-01", ResultExpired)}, CodeExpired, 0, "it has no printed expiry date"},
		{"reinstated: a later check found it valid", "2027-06-30", []Verification{verif("2025-06-01", ResultSuspended), verif("2026-01-10", ResultVerifiedValid)}, CodeValid, 472, "Valid until"},
		{"a voided suspension does not count", "2027-06-30", []Verification{{CheckedOn: date("2026-02-01"), Result: ResultSuspended, VoidedAt: &voided}}, CodeValid, 472, "Valid until"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cert := &Certificate{IssueDate: date("2024-07-01"), ExpiryDate: qms.Date{}}
			if c.expiry != "" {
				cert.ExpiryDate = date(c.expiry)
			}
			st := DeriveStatus(cert, c.vs, today, set)
			if st.Validity.Code != c.code {
				t.Errorf("validity = %s (%s), want %s", st.Validity.Code, st.Validity.Message, c.code)
			}
			if !strings.Contains(st.Validity.Message, c.message) {
				t.Errorf("message %q lacks %q", st.Validity.Message, c.message)
			}
			if c.expiry == "" {
				if st.DaysLeft != nil {
					t.Errorf("DaysLeft = %d without an expiry date", *st.DaysLeft)
				}
			} else if st.DaysLeft == nil || *st.DaysLeft != c.days {
				t.Errorf("DaysLeft = %v, want %d", st.DaysLeft, c.days)
			}
			if st.InForce() != (c.code == CodeValid || c.code == CodeExpiring) {
				t.Errorf("InForce = %v for %s", st.InForce(), c.code)
			}
		})
	}
}

func TestDeriveExpiryWindowIsConfigurable(t *testing.T) {
	set := DefaultSettings()
	set.ExpiryWarningDays = 30
	cert := &Certificate{IssueDate: date("2024-07-01"), ExpiryDate: today.AddDate(0, 0, 31)}
	if got := DeriveStatus(cert, nil, today, set).Validity.Code; got != CodeValid {
		t.Errorf("31 days with a 30-day window: %s", got)
	}
	cert.ExpiryDate = today.AddDate(0, 0, 30)
	if got := DeriveStatus(cert, nil, today, set).Validity.Code; got != CodeExpiring {
		t.Errorf("30 days with a 30-day window: %s", got)
	}
}

func TestDeriveVerification(t *testing.T) {
	set := DefaultSettings()
	cert := &Certificate{IssueDate: date("2024-07-01"), ExpiryDate: date("2027-06-30")}
	cases := []struct {
		name string
		vs   []Verification
		code string
		sev  Severity
		msg  string
	}{
		{"never", nil, CodeNeverVerified, SeverityWarning, "Never verified"},
		{"only voided", []Verification{{CheckedOn: date("2026-01-01"), Result: ResultVerifiedValid, VoidedAt: &time.Time{}}}, CodeNeverVerified, SeverityWarning, "Never verified"},
		{"checked exactly a year ago: current", []Verification{verif("2025-03-15", ResultVerifiedValid)}, CodeVerified, SeverityOK, "Last checked on 2025-03-15 by 李娜 (IAF CertSearch): verified valid"},
		{"a year and a day ago: stale", []Verification{verif("2025-03-14", ResultVerifiedValid)}, CodeVerificationStale, SeverityWarning, "more than a year ago"},
		{"the latest counts, not the first", []Verification{verif("2026-03-01", ResultVerifiedValid), verif("2024-01-01", ResultVerifiedValid)}, CodeVerified, SeverityOK, "2026-03-01"},
		{"recent but not found", []Verification{verif("2026-03-01", ResultNotFound)}, CodeVerified, SeverityWarning, "not found in the registry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := DeriveStatus(cert, c.vs, today, set)
			if st.Verification.Code != c.code || st.Verification.Severity != c.sev {
				t.Errorf("verification = %+v, want %s/%s", st.Verification, c.code, c.sev)
			}
			if !strings.Contains(st.Verification.Message, c.msg) {
				t.Errorf("message %q lacks %q", st.Verification.Message, c.msg)
			}
		})
	}
}

func TestLatestBreaksTiesByID(t *testing.T) {
	vs := []Verification{{ID: 2, CheckedOn: date("2026-01-01"), Result: ResultSuspended}, {ID: 1, CheckedOn: date("2026-01-01"), Result: ResultVerifiedValid}}
	if l := Latest(vs); l == nil || l.ID != 2 {
		t.Errorf("Latest = %+v", l)
	}
	if Latest(nil) != nil {
		t.Error("Latest(nil) != nil")
	}
}
