package supplier

import (
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// Review is where a certificate stands in the buyer's review. A supplier
// user's upload stays submitted until a quality manager accepts or rejects
// it; only accepted certificates count as evidence.
type Review string

const (
	ReviewSubmitted Review = "submitted"
	ReviewAccepted  Review = "accepted"
	ReviewRejected  Review = "rejected"
)

// Valid reports whether r is a review status.
func (r Review) Valid() bool {
	return r == ReviewSubmitted || r == ReviewAccepted || r == ReviewRejected
}

// Certificate is a certificate or test report held by a supplier. It covers
// the sites listed in SiteIDs (a trading company's certificate may cover
// none of the factories it sources from). Dates are calendar dates as
// printed; a zero date was not printed.
type Certificate struct {
	ID                int64    `json:"id"`
	SupplierID        int64    `json:"supplier_id"`
	Kind              CertKind `json:"kind"`
	Standard          string   `json:"standard"`         // "ISO 9001"; for test reports the test standard
	StandardVersion   string   `json:"standard_version"` // "2015"
	Number            string   `json:"number"`           // as printed
	CertificationBody string   `json:"certification_body"`
	AccreditationBody string   `json:"accreditation_body"` // as printed, "" when none is shown
	Scope             string   `json:"scope"`
	SiteIDs           []int64  `json:"site_ids"`
	HolderName        string   `json:"holder_name"`    // as printed
	HolderAddress     string   `json:"holder_address"` // as printed

	IssueDate            qms.Date `json:"issue_date"`
	ExpiryDate           qms.Date `json:"expiry_date,omitzero"`
	OriginalDate         qms.Date `json:"original_date,omitzero"` // original certification date
	LastSurveillanceDate qms.Date `json:"last_surveillance_date,omitzero"`

	DocumentRef string `json:"document_ref"` // the stored scan: content hash or file id

	Review     Review     `json:"review"`
	ReviewNote string     `json:"review_note,omitempty"`
	ReviewedBy string     `json:"reviewed_by,omitempty"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`

	CreatedByID int64      `json:"created_by_id"`
	VoidedAt    *time.Time `json:"voided_at,omitempty"`
	VoidReason  string     `json:"void_reason,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Version     int64      `json:"version"`
}

// Limits on certificate fields.
const (
	MaxNumberLen = 100
	MaxScopeLen  = 10000
	MaxRefLen    = 200
	// EarliestDate: no certificate date is earlier (ISO 9001 was first
	// published in 1987).
	earliestYear = 1980
	// MaxValidityCap: a printed validity longer than this many years is an
	// input error, not a red flag.
	maxValidityCap = 10
)

// EarliestDate is the earliest date accepted on a certificate.
var EarliestDate = qms.NewDate(earliestYear, time.January, 1)

// StandardName is "code:version" as printed, e.g. "ISO 9001:2015".
func (c *Certificate) StandardName() string { return standardName(c.Standard, c.StandardVersion) }

// NumberKey is the comparable form of the certificate number (upper case,
// without spaces and the separators - / . _).
func (c *Certificate) NumberKey() string { return numberKey(c.Number) }

// BodyKey is the comparable form of the certification body's name.
func (c *Certificate) BodyKey() string { return bodyKey(c.CertificationBody) }

// CatalogueStandard returns the catalogue entry of the certificate's
// standard, if it has one.
func (c *Certificate) CatalogueStandard() (Standard, bool) {
	return LookupStandard(c.Standard, c.StandardVersion)
}

// Covers reports whether the certificate lists the site.
func (c *Certificate) Covers(siteID int64) bool { return slices.Contains(c.SiteIDs, siteID) }

// InitialReview is the review status of a certificate entered by a: a
// quality manager's entry is accepted as entered; anyone else's, in
// particular a supplier user's upload, waits for review.
func InitialReview(a qms.Actor) Review {
	if qms.CanApprove(a) {
		return ReviewAccepted
	}
	return ReviewSubmitted
}

// Validate normalises and checks a certificate's fields against today's
// date: dates in order and plausible, a known standard for
// management-system certificates and social audits. Returns an invalid
// error listing every problem.
func (c *Certificate) Validate(today qms.Date) error {
	p := qms.Problems{}
	c.Standard, c.StandardVersion = strings.TrimSpace(c.Standard), strings.TrimSpace(c.StandardVersion)
	if c.StandardVersion == "" && strings.Contains(c.Standard, ":") {
		c.Standard, c.StandardVersion = ParseStandard(c.Standard)
	}
	c.Number, c.CertificationBody = strings.TrimSpace(c.Number), strings.TrimSpace(c.CertificationBody)
	c.AccreditationBody, c.Scope = strings.TrimSpace(c.AccreditationBody), strings.TrimSpace(c.Scope)
	c.HolderName, c.HolderAddress = strings.TrimSpace(c.HolderName), strings.TrimSpace(c.HolderAddress)
	c.DocumentRef = strings.TrimSpace(c.DocumentRef)

	if c.SupplierID <= 0 {
		p.Add("supplier_id", "is required")
	}
	if !c.Kind.Valid() {
		p.Add("kind", "must be management_system, social_audit or product_test")
	}
	qms.CheckText(p, "standard", c.Standard, 100)
	qms.CheckText(p, "standard_version", c.StandardVersion, 20)
	if c.Standard == "" {
		p.Add("standard", "is required")
	} else if c.Kind == KindManagementSystem || c.Kind == KindSocialAudit {
		if s, ok := c.CatalogueStandard(); ok {
			if s.Kind != c.Kind {
				p.Add("kind", s.Name()+" is a "+strings.ToLower(s.Kind.Label())+", not a "+strings.ToLower(c.Kind.Label()))
			}
			c.Standard = s.Code
		} else if canonical, versions := standardVersions(c.Standard); canonical != "" {
			p.Add("standard_version", "is not a known edition of "+canonical+": use one of "+strings.Join(versions, ", "))
		} else {
			p.Add("standard", "“"+c.Standard+"” is not a known standard; known: "+knownStandards(c.Kind))
		}
	}
	qms.CheckText(p, "number", c.Number, MaxNumberLen)
	if c.NumberKey() == "" {
		p.Add("number", "is required: the certificate or report number as printed")
	}
	qms.CheckText(p, "certification_body", c.CertificationBody, MaxNameLen)
	if c.CertificationBody == "" {
		if c.Kind == KindProductTest {
			p.Add("certification_body", "is required: the laboratory that issued the report")
		} else {
			p.Add("certification_body", "is required")
		}
	}
	qms.CheckText(p, "accreditation_body", c.AccreditationBody, MaxNameLen)
	checkLongText(p, "scope", c.Scope, MaxScopeLen)
	if c.Scope == "" && c.Kind == KindManagementSystem {
		p.Add("scope", "is required: every management-system certificate states its scope")
	}
	qms.CheckText(p, "holder_name", c.HolderName, MaxNameLen)
	if c.HolderName == "" {
		p.Add("holder_name", "is required: the certificate holder's name as printed")
	}
	checkLongText(p, "holder_address", c.HolderAddress, MaxAddressLen)
	qms.CheckText(p, "document_ref", c.DocumentRef, MaxRefLen)

	ids := []int64{}
	for _, id := range c.SiteIDs {
		if id <= 0 {
			p.Add("site_ids", "holds an invalid site id")
		} else if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	c.SiteIDs = ids

	c.checkDates(p, today)
	if c.Review == "" {
		c.Review = ReviewSubmitted
	}
	if !c.Review.Valid() {
		p.Add("review", "must be submitted, accepted or rejected")
	}
	return p.Err()
}

func (c *Certificate) checkDates(p qms.Problems, today qms.Date) {
	latest := today.AddDate(maxValidityCap, 0, 0)
	plausible := func(field string, d qms.Date) bool {
		switch {
		case d.IsZero():
			return false
		case d.Before(EarliestDate):
			p.Add(field, d.String()+" is too far in the past: no certificate date is before "+EarliestDate.String())
			return false
		case d.After(latest):
			p.Add(field, d.String()+" is too far in the future: check the year")
			return false
		}
		return true
	}
	issue := plausible("issue_date", c.IssueDate)
	if c.IssueDate.IsZero() {
		p.Add("issue_date", "is required")
	} else if issue && c.IssueDate.After(today) {
		p.Add("issue_date", c.IssueDate.String()+" is in the future: a certificate cannot be issued after today ("+today.String()+")")
		issue = false
	}
	expiry := plausible("expiry_date", c.ExpiryDate)
	if c.ExpiryDate.IsZero() && c.Kind == KindManagementSystem {
		p.Add("expiry_date", "is required: every management-system certificate has an expiry date")
	}
	if issue && expiry {
		switch {
		case !c.ExpiryDate.After(c.IssueDate):
			p.Add("expiry_date", "is not after the issue date ("+c.IssueDate.String()+"): check both dates")
		case c.ExpiryDate.After(c.IssueDate.AddDate(maxValidityCap, 0, 0)):
			p.Add("expiry_date", "is more than 10 years after the issue date: check the year")
		}
	}
	if plausible("original_date", c.OriginalDate) && issue && c.OriginalDate.After(c.IssueDate) {
		p.Add("original_date", "is after the issue date: the original certification cannot come after this certificate")
	}
	if plausible("last_surveillance_date", c.LastSurveillanceDate) {
		switch {
		case c.LastSurveillanceDate.After(today):
			p.Add("last_surveillance_date", "is in the future: record the date of an audit that took place")
		case !c.OriginalDate.IsZero() && c.LastSurveillanceDate.Before(c.OriginalDate):
			p.Add("last_surveillance_date", "is before the original certification date")
		case expiry && c.LastSurveillanceDate.After(c.ExpiryDate):
			p.Add("last_surveillance_date", "is after the expiry date")
		}
	}
}

func knownStandards(k CertKind) string {
	var names []string
	for _, s := range Standards {
		if s.Current && (s.Kind == k || !k.Valid()) {
			names = append(names, s.Name())
		}
	}
	return strings.Join(names, ", ")
}

// CheckReview checks that actor a may review a certificate in review status
// from, with the given decision and note. Returns forbidden unless
// qms.CanApprove(a), a conflict unless the certificate is submitted, and
// invalid when a rejection has no note.
func CheckReview(a qms.Actor, from, to Review, note string) error {
	if !qms.CanApprove(a) {
		return qms.Errorf(qms.KindForbidden, "only a quality manager or an administrator may accept or reject a certificate")
	}
	if to != ReviewAccepted && to != ReviewRejected {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Unknown decision", Fields: map[string]string{"review": "must be accepted or rejected"}}
	}
	if from != ReviewSubmitted {
		return qms.Errorf(qms.KindConflict, "this certificate was already reviewed (%s)", from)
	}
	p := qms.Problems{}
	qms.CheckText(p, "note", strings.TrimSpace(note), MaxReasonLen)
	if to == ReviewRejected && strings.TrimSpace(note) == "" {
		p.Add("note", "is required: tell the supplier why the certificate is rejected")
	}
	return p.Err()
}

// Method is how a certificate was verified.
type Method string

const (
	MethodIAFCertSearch Method = "iaf_certsearch" // IAF CertSearch (iafcertsearch.org) or UKAS CertCheck
	MethodCBWebsite     Method = "cb_website"     // the certification body's online register
	MethodCBEmail       Method = "cb_email"       // an e-mail or letter from the certification body
	MethodCNCA          Method = "cnca"           // China's CNCA public platform (cx.cnca.cn)
	MethodABRegister    Method = "ab_register"    // the accreditation body's register
	MethodOther         Method = "other"
)

// Methods lists every verification method.
var Methods = []Method{MethodIAFCertSearch, MethodCBWebsite, MethodCBEmail, MethodCNCA, MethodABRegister, MethodOther}

// Label is the method's name for people.
func (m Method) Label() string {
	switch m {
	case MethodIAFCertSearch:
		return "IAF CertSearch"
	case MethodCBWebsite:
		return "certification body's website"
	case MethodCBEmail:
		return "e-mail to the certification body"
	case MethodCNCA:
		return "CNCA public platform"
	case MethodABRegister:
		return "accreditation body's register"
	case MethodOther:
		return "other"
	}
	return string(m)
}

// Result is what a verification found.
type Result string

const (
	ResultVerifiedValid Result = "verified_valid" // found, and current
	ResultNotFound      Result = "not_found"      // not in the registry (may be upload lag or confidentiality)
	ResultSuspended     Result = "suspended"
	ResultWithdrawn     Result = "withdrawn"
	ResultExpired       Result = "expired"
	ResultSuspicious    Result = "suspicious" // details do not match, or the document looks altered
)

// Results lists every verification result.
var Results = []Result{ResultVerifiedValid, ResultNotFound, ResultSuspended, ResultWithdrawn, ResultExpired, ResultSuspicious}

// Label is the result's name for people.
func (r Result) Label() string {
	switch r {
	case ResultVerifiedValid:
		return "verified valid"
	case ResultNotFound:
		return "not found in the registry"
	case ResultSuspended:
		return "suspended"
	case ResultWithdrawn:
		return "withdrawn"
	case ResultExpired:
		return "expired"
	case ResultSuspicious:
		return "suspicious"
	}
	return string(r)
}

// Verification records one check of a certificate against a registry or
// with its certification body. Verifications are never changed; a wrong one
// is voided with a reason.
type Verification struct {
	ID            int64    `json:"id"`
	CertificateID int64    `json:"certificate_id"`
	Method        Method   `json:"method"`
	CheckedOn     qms.Date `json:"checked_on"`
	CheckedByID   int64    `json:"checked_by_id"`
	CheckedBy     string   `json:"checked_by"`
	Result        Result   `json:"result"`
	Note          string   `json:"note"`
	EvidenceRef   string   `json:"evidence_ref"` // screenshot or e-mail: content hash or file id

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Validate normalises and checks a verification against today's date.
func (v *Verification) Validate(today qms.Date) error {
	p := qms.Problems{}
	v.Note, v.EvidenceRef = strings.TrimSpace(v.Note), strings.TrimSpace(v.EvidenceRef)
	if v.CertificateID <= 0 {
		p.Add("certificate_id", "is required")
	}
	if !slices.Contains(Methods, v.Method) {
		p.Add("method", "must be one of iaf_certsearch, cb_website, cb_email, cnca, ab_register, other")
	}
	if !slices.Contains(Results, v.Result) {
		p.Add("result", "must be one of verified_valid, not_found, suspended, withdrawn, expired, suspicious")
	}
	switch {
	case v.CheckedOn.IsZero():
		p.Add("checked_on", "is required")
	case v.CheckedOn.Before(EarliestDate):
		p.Add("checked_on", "is too far in the past")
	case v.CheckedOn.After(today):
		p.Add("checked_on", "is in the future: record a check that took place")
	}
	checkLongText(p, "note", v.Note, MaxReasonLen)
	if v.Note == "" && (v.Result == ResultSuspicious || v.Method == MethodOther) {
		p.Add("note", "is required: say what was checked and what was found")
	}
	qms.CheckText(p, "evidence_ref", v.EvidenceRef, MaxRefLen)
	return p.Err()
}

// Latest returns the most recent verification that is not voided (by
// date, then by id), or nil.
func Latest(vs []Verification) *Verification {
	var best *Verification
	for i := range vs {
		v := &vs[i]
		if v.VoidedAt != nil {
			continue
		}
		if best == nil || v.CheckedOn.After(best.CheckedOn) || v.CheckedOn == best.CheckedOn && v.ID > best.ID {
			best = v
		}
	}
	return best
}

// ReviewAfterEdit is the review status of a certificate after actor a
// changed it: a quality manager's edit keeps the status; anyone else's
// change must be reviewed again.
func ReviewAfterEdit(a qms.Actor, prev Review) Review {
	if qms.CanApprove(a) {
		return prev
	}
	return ReviewSubmitted
}
