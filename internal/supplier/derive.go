package supplier

import (
	"fmt"

	"qms/internal/qms"
)

// Severity ranks a finding.
type Severity string

const (
	SeverityOK      Severity = "ok"
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeveritySevere  Severity = "severe"
)

// Finding is one derived fact about a certificate: a stable code for
// programs and a plain-words explanation for people.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// Codes of the validity and verification findings (DeriveStatus).
const (
	CodeValid    = "valid"
	CodeExpiring = "expiring"
	CodeExpired  = "expired"
	// CodeSuspended and CodeWithdrawn come from the latest verification.
	CodeSuspended = "suspended"
	CodeWithdrawn = "withdrawn"

	CodeVerified          = "verified"
	CodeNeverVerified     = "never_verified"
	CodeVerificationStale = "verification_stale"
)

// CertStatus is the derived status of a certificate on a given day, on two
// axes: whether it is in force (Validity) and whether that has been checked
// recently (Verification).
type CertStatus struct {
	Validity     Finding `json:"validity"`
	Verification Finding `json:"verification"`
	// DaysLeft is the number of days from today to the expiry date (negative
	// once expired); nil when the certificate has no expiry date.
	DaysLeft *int `json:"days_left,omitempty"`
}

// InForce reports whether the certificate counts as current evidence: valid
// or expiring, not expired, suspended or withdrawn.
func (s CertStatus) InForce() bool {
	return s.Validity.Code == CodeValid || s.Validity.Code == CodeExpiring
}

// DeriveStatus computes a certificate's status on day today from its dates
// and its verifications:
//
//   - withdrawn or suspended, when the latest verification found so;
//   - expired, after the expiry date (the expiry date itself is the last
//     valid day), or when the latest verification found it expired;
//   - expiring, when the expiry date is at most set.ExpiryWarningDays away
//     (exactly 90 days away is expiring, 91 is valid);
//   - valid otherwise;
//
// and, on the verification axis: never verified, verification older than
// set.VerificationMaxAgeMonths (exactly 12 months old is still current), or
// verified.
func DeriveStatus(c *Certificate, vs []Verification, today qms.Date, set Settings) CertStatus {
	var st CertStatus
	latest := Latest(vs)
	if !c.ExpiryDate.IsZero() {
		d := today.DaysUntil(c.ExpiryDate)
		st.DaysLeft = &d
	}
	switch {
	case latest != nil && latest.Result == ResultWithdrawn:
		st.Validity = Finding{CodeWithdrawn, SeveritySevere, fmt.Sprintf(
			"Withdrawn: the check of %s (%s) found the certificate withdrawn. It is no longer valid, whatever its printed expiry date.",
			latest.CheckedOn, latest.Method.Label())}
	case latest != nil && latest.Result == ResultSuspended:
		st.Validity = Finding{CodeSuspended, SeveritySevere, fmt.Sprintf(
			"Suspended: the check of %s (%s) found the certificate suspended. It is not valid while suspended; check again when the supplier reports it reinstated.",
			latest.CheckedOn, latest.Method.Label())}
	case !c.ExpiryDate.IsZero() && today.After(c.ExpiryDate):
		st.Validity = Finding{CodeExpired, SeveritySevere, fmt.Sprintf(
			"Expired on %s, %s ago. Ask the supplier for the renewed certificate.", c.ExpiryDate, days(-*st.DaysLeft))}
	case latest != nil && latest.Result == ResultExpired:
		printed := "its printed expiry date is " + c.ExpiryDate.String()
		if c.ExpiryDate.IsZero() {
			printed = "it has no printed expiry date"
		}
		st.Validity = Finding{CodeExpired, SeveritySevere, fmt.Sprintf(
			"Expired: the check of %s (%s) found the certificate expired, although %s.",
			latest.CheckedOn, latest.Method.Label(), printed)}
	case !c.ExpiryDate.IsZero() && *st.DaysLeft <= set.ExpiryWarningDays:
		when := "in " + days(*st.DaysLeft)
		if *st.DaysLeft == 0 {
			when = "today (its last valid day)"
		}
		st.Validity = Finding{CodeExpiring, SeverityWarning, fmt.Sprintf(
			"Expiring: valid until %s, which is %s. Ask the supplier for the renewal.", c.ExpiryDate, when)}
	case c.ExpiryDate.IsZero():
		st.Validity = Finding{CodeValid, SeverityOK, "Valid: the document has no expiry date."}
	default:
		st.Validity = Finding{CodeValid, SeverityOK, fmt.Sprintf("Valid until %s (%s from today).", c.ExpiryDate, days(*st.DaysLeft))}
	}

	switch {
	case latest == nil:
		st.Verification = Finding{CodeNeverVerified, SeverityWarning,
			"Never verified: nobody has checked this certificate with IAF CertSearch, the certification body or another registry."}
	case today.After(latest.CheckedOn.AddDate(0, set.VerificationMaxAgeMonths, 0)):
		st.Verification = Finding{CodeVerificationStale, SeverityWarning, fmt.Sprintf(
			"Verification out of date: last checked on %s (%s, %s), more than %s ago. Check it again: certificates can be suspended or withdrawn at any time.",
			latest.CheckedOn, latest.Method.Label(), latest.Result.Label(), months(set.VerificationMaxAgeMonths))}
	default:
		sev := SeverityOK
		if latest.Result != ResultVerifiedValid {
			sev = SeverityWarning
		}
		st.Verification = Finding{CodeVerified, sev, fmt.Sprintf(
			"Last checked on %s by %s (%s): %s.", latest.CheckedOn, orSomeone(latest.CheckedBy), latest.Method.Label(), latest.Result.Label())}
	}
	return st
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func months(n int) string {
	switch {
	case n == 1:
		return "1 month"
	case n%12 == 0 && n == 12:
		return "a year"
	case n%12 == 0:
		return fmt.Sprintf("%d years", n/12)
	}
	return fmt.Sprintf("%d months", n)
}

func years(n int) string {
	if n == 1 {
		return "1 year"
	}
	return fmt.Sprintf("%d years", n)
}

func orSomeone(name string) string {
	if name == "" {
		return "someone"
	}
	return name
}
