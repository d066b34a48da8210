package supplier

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
)

// Requirement is a configurable rule: a certificate to Standard is required
// of suppliers of products in Category, sold in Market. An empty Category or
// Market means every one: {Standard: "ISO 9001"} applies to all suppliers,
// {Standard: "ISO 13485", Category: "medical_devices"} to suppliers of
// medical devices, {Standard: "EN 71-1", Category: "toys", Market: "EU"} to
// toys sold in the EU.
type Requirement struct {
	ID       int64  `json:"id"`
	Standard string `json:"standard"` // a catalogue code ("ISO 13485", any current edition) or a test standard
	Category string `json:"category"`
	Market   string `json:"market"`
	Note     string `json:"note"`

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// NormalizeMarket upper-cases a market code ("eu" -> "EU").
func NormalizeMarket(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func validMarket(m string) bool {
	if len(m) < 2 || len(m) > 16 {
		return false
	}
	for _, r := range m {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// canonicalStandard returns the catalogue spelling of a standard code, or
// the trimmed text when the catalogue does not know it (test standards).
func canonicalStandard(s string) string {
	s = strings.TrimSpace(s)
	if code, _ := ParseStandard(s); code != "" {
		if canonical, _ := standardVersions(code); canonical != "" {
			return canonical
		}
	}
	return strings.Join(strings.Fields(s), " ")
}

// Validate normalises and checks a requirement.
func (r *Requirement) Validate() error {
	p := qms.Problems{}
	r.Standard = canonicalStandard(r.Standard)
	r.Category, r.Market = NormalizeCode(r.Category), NormalizeMarket(r.Market)
	r.Note = strings.TrimSpace(r.Note)
	qms.CheckText(p, "standard", r.Standard, 100)
	if StandardKey(r.Standard) == "" {
		p.Add("standard", "is required, such as ISO 9001 or EN 71-1")
	}
	if r.Category != "" && !validCode(r.Category) {
		p.Add("category", "is not a category code: use letters, digits, - and _")
	}
	if r.Market != "" && !validMarket(r.Market) {
		p.Add("market", "must be a market code such as EU, US or UK (2 to 16 letters or digits)")
	}
	checkLongText(p, "note", r.Note, MaxReasonLen)
	return p.Err()
}

// Applies reports whether the requirement applies to products in one of the
// categories sold in one of the markets. A requirement for a market applies
// only when markets are given.
func (r *Requirement) Applies(categories, markets []string) bool {
	if r.VoidedAt != nil {
		return false
	}
	if r.Category != "" && !slices.Contains(categories, r.Category) {
		return false
	}
	return r.Market == "" || slices.Contains(markets, r.Market)
}

// Describe says in words what the requirement asks for.
func (r *Requirement) Describe() string {
	s := r.Standard + " required"
	switch {
	case r.Category != "" && r.Market != "":
		s += " for " + r.Category + " sold in " + r.Market
	case r.Category != "":
		s += " for " + r.Category
	case r.Market != "":
		s += " for products sold in " + r.Market
	default:
		s += " of every supplier"
	}
	return s
}

// MaxOverrideDays bounds how long an override may last.
const MaxOverrideDays = 366

// Override is a quality manager's recorded decision to let a supplier (or
// one of its sites) pass the approval gate without a required certificate,
// until an end date. It is never changed; it can be voided with a reason.
type Override struct {
	ID          int64     `json:"id"`
	SupplierID  int64     `json:"supplier_id"`
	SiteID      int64     `json:"site_id,omitempty"` // 0: every site of the supplier
	Standard    string    `json:"standard"`          // the required standard it waives
	Reason      string    `json:"reason"`
	Until       qms.Date  `json:"until"` // the last day it holds
	CreatedByID int64     `json:"created_by_id"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
}

// Validate checks that actor a may record the override on day today, and
// its fields: a reason, a standard, and an end date from today to
// MaxOverrideDays ahead. Returns forbidden unless qms.CanApprove(a), or
// invalid.
func (o *Override) Validate(a qms.Actor, today qms.Date) error {
	if !qms.CanApprove(a) {
		return qms.Errorf(qms.KindForbidden, "only a quality manager or an administrator may override a certificate requirement")
	}
	p := qms.Problems{}
	o.Standard, o.Reason = canonicalStandard(o.Standard), strings.TrimSpace(o.Reason)
	if o.SupplierID <= 0 {
		p.Add("supplier_id", "is required")
	}
	if o.SiteID < 0 {
		p.Add("site_id", "is not a site")
	}
	qms.CheckText(p, "standard", o.Standard, 100)
	if StandardKey(o.Standard) == "" {
		p.Add("standard", "is required: the required certificate this override waives")
	}
	checkLongText(p, "reason", o.Reason, MaxReasonLen)
	if o.Reason == "" {
		p.Add("reason", "is required: say why the supplier may proceed without the certificate")
	}
	switch last := today.AddDate(0, 0, MaxOverrideDays); {
	case o.Until.IsZero():
		p.Add("until", "is required: an override must end")
	case o.Until.Before(today):
		p.Add("until", "is in the past")
	case o.Until.After(last):
		p.Add("until", "is more than "+strconv.Itoa(MaxOverrideDays)+" days ahead: overrides must be reviewed at least yearly")
	}
	return p.Err()
}

// CheckVoidOverride checks that actor a may end an override early with the
// given reason. Returns forbidden unless qms.CanApprove(a), or invalid.
func CheckVoidOverride(a qms.Actor, reason string) error {
	if !qms.CanApprove(a) {
		return qms.Errorf(qms.KindForbidden, "only a quality manager or an administrator may end an override")
	}
	p := qms.Problems{}
	qms.CheckText(p, "reason", strings.TrimSpace(reason), MaxReasonLen)
	if strings.TrimSpace(reason) == "" {
		p.Add("reason", "is required: say why the override ends early")
	}
	return p.Err()
}

// Active reports whether the override holds on day today.
func (o *Override) Active(today qms.Date) bool {
	return o.VoidedAt == nil && !o.Until.IsZero() && !today.After(o.Until)
}

// covers reports whether the override waives requirement standard std at
// the site (0: the supplier as a whole).
func (o *Override) covers(supplierID, siteID int64, std string) bool {
	return o.SupplierID == supplierID && (o.SiteID == 0 || o.SiteID == siteID) && StandardKey(o.Standard) == StandardKey(std)
}

// CertificateRecord is a certificate with its verifications.
type CertificateRecord struct {
	Certificate   Certificate    `json:"certificate"`
	Verifications []Verification `json:"verifications"`
}

// GateInput is everything the requirement check looks at.
type GateInput struct {
	Supplier     Supplier
	Sites        []Site // the supplier's sites; voided ones are ignored
	Certificates []CertificateRecord
	Requirements []Requirement
	Overrides    []Override
	// SiteID narrows the check to one site; 0 checks every active site.
	SiteID int64
	// Categories are the product categories to check for. Empty means those
	// of the supplier and its sites, or, with SiteID, those the site makes
	// (the supplier's when the site lists none).
	Categories []string
	// Markets are the destination markets; requirements for a market apply
	// only when it is listed.
	Markets  []string
	Today    qms.Date
	Settings Settings
}

// Codes of requirement checks.
const (
	CheckMet            = "met"
	CheckExpiring       = "expiring" // met, but the certificate expires within the warning period
	CheckMissing        = "missing"
	CheckAwaitingReview = "awaiting_review"
	CheckExpired        = "expired"
	CheckSuspended      = "suspended"
	CheckWithdrawn      = "withdrawn"
)

// Check is the state of one requirement for one site (or for the supplier
// as a whole when SiteID is 0).
type Check struct {
	Requirement   Requirement `json:"requirement"`
	SiteID        int64       `json:"site_id,omitempty"`
	SiteName      string      `json:"site_name,omitempty"`
	Code          string      `json:"code"`
	Message       string      `json:"message"`
	CertificateID int64       `json:"certificate_id,omitempty"` // the certificate that meets it, or the best that does not
	// Blocking: not met and not waived by an override.
	Blocking bool      `json:"blocking"`
	Override *Override `json:"override,omitempty"`
}

// Met reports whether a certificate meets the requirement.
func (c *Check) Met() bool { return c.Code == CheckMet || c.Code == CheckExpiring }

// CheckRequirements lists, for a supplier (and optionally one site and some
// categories and markets), every applicable requirement and whether it is
// met, missing, expired, suspended, withdrawn or awaiting review, with the
// overrides that waive what is not met.
//
// A requirement for a category is checked at the sites that make that
// category, or at every checked site when none of them lists it. A
// management-system certificate or social audit must cover the site; a
// product test report counts for every site. When the supplier has no
// active site, any of its certificates counts. Only accepted certificates
// meet a requirement, and never one to an obsolete edition.
func CheckRequirements(in GateInput) []Check {
	var sites []Site
	for _, s := range in.Sites {
		if s.VoidedAt == nil && s.SupplierID == in.Supplier.ID && (in.SiteID == 0 || s.ID == in.SiteID) {
			sites = append(sites, s)
		}
	}
	cats := normalizeAll(in.Categories, NormalizeCode)
	if len(cats) == 0 {
		for _, s := range sites {
			cats = append(cats, s.Categories...)
		}
		if in.SiteID == 0 || len(cats) == 0 {
			cats = append(cats, in.Supplier.Categories...)
		}
	}
	markets := normalizeAll(in.Markets, NormalizeMarket)
	reqs := slices.Clone(in.Requirements)
	slices.SortFunc(reqs, func(a, b Requirement) int {
		return cmp.Or(cmp.Compare(a.Standard, b.Standard), cmp.Compare(a.Category, b.Category), cmp.Compare(a.Market, b.Market), cmp.Compare(a.ID, b.ID))
	})
	var out []Check
	for _, r := range reqs {
		if !r.Applies(cats, markets) {
			continue
		}
		if len(sites) == 0 {
			out = append(out, in.check(r, nil))
			continue
		}
		targets := sites
		if r.Category != "" && in.SiteID == 0 {
			var making []Site
			for _, s := range sites {
				if slices.Contains(s.Categories, r.Category) {
					making = append(making, s)
				}
			}
			if len(making) > 0 {
				targets = making
			}
		}
		for i := range targets {
			out = append(out, in.check(r, &targets[i]))
		}
	}
	return out
}

func normalizeAll(ss []string, norm func(string) string) []string {
	var out []string
	for _, s := range ss {
		if s = norm(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// check evaluates requirement r at site s (nil: the supplier as a whole).
func (in *GateInput) check(r Requirement, s *Site) Check {
	c := Check{Requirement: r, Code: CheckMissing}
	where := ""
	if s != nil {
		c.SiteID, c.SiteName = s.ID, s.DisplayName()
		where = " covering the site “" + c.SiteName + "”"
	}
	rank := map[string]int{CheckMissing: 0, CheckExpired: 1, CheckWithdrawn: 2, CheckSuspended: 3, CheckAwaitingReview: 4, CheckExpiring: 5, CheckMet: 6}
	var best *Certificate
	var bestStatus CertStatus
	for i := range in.Certificates {
		rec := &in.Certificates[i]
		cert := &rec.Certificate
		if cert.VoidedAt != nil || cert.Review == ReviewRejected || cert.SupplierID != in.Supplier.ID ||
			StandardKey(cert.Standard) != StandardKey(r.Standard) {
			continue
		}
		if std, ok := cert.CatalogueStandard(); ok && !std.Current {
			continue
		}
		if s != nil && cert.Kind != KindProductTest && !cert.Covers(s.ID) {
			continue
		}
		st := DeriveStatus(cert, rec.Verifications, in.Today, in.Settings)
		code := CheckAwaitingReview
		if cert.Review == ReviewAccepted {
			switch st.Validity.Code {
			case CodeValid:
				code = CheckMet
			case CodeExpiring:
				code = CheckExpiring
			case CodeSuspended:
				code = CheckSuspended
			case CodeWithdrawn:
				code = CheckWithdrawn
			default:
				code = CheckExpired
			}
		}
		if rank[code] > rank[c.Code] || rank[code] == rank[c.Code] && best != nil && cert.ExpiryDate.After(best.ExpiryDate) {
			c.Code, best, bestStatus = code, cert, st
		}
	}
	what := r.Standard
	if best != nil {
		c.CertificateID = best.ID
		what = fmt.Sprintf("%s certificate %s (%s)", best.StandardName(), best.Number, best.CertificationBody)
	}
	switch c.Code {
	case CheckMet:
		c.Message = fmt.Sprintf("Met by %s, valid until %s.", what, orNoExpiry(best.ExpiryDate))
	case CheckExpiring:
		c.Message = fmt.Sprintf("Met by %s until %s, which is in %s: ask for the renewal now.", what, best.ExpiryDate, days(*bestStatus.DaysLeft))
	case CheckMissing:
		c.Message = fmt.Sprintf("Missing: there is no accepted %s certificate%s.", r.Standard, where)
	case CheckAwaitingReview:
		c.Message = fmt.Sprintf("Awaiting review: %s was submitted and does not count until a quality manager accepts it.", what)
	default:
		c.Message = fmt.Sprintf("Not met: %s — %s", what, bestStatus.Validity.Message)
	}
	c.Message += " (" + r.Describe() + ")"
	if c.Met() {
		return c
	}
	c.Blocking = true
	for i := range in.Overrides {
		o := &in.Overrides[i]
		if o.Active(in.Today) && o.covers(in.Supplier.ID, c.SiteID, r.Standard) {
			c.Blocking, c.Override = false, o
			c.Message += fmt.Sprintf(" Waived until %s by %s: %s", o.Until, orSomeone(o.CreatedBy), o.Reason)
			break
		}
	}
	return c
}

func orNoExpiry(d qms.Date) string {
	if d.IsZero() {
		return "further notice (no expiry date)"
	}
	return d.String()
}

// GateResult is the answer of the approval gate.
type GateResult struct {
	Allowed bool    `json:"allowed"`
	Checks  []Check `json:"checks"`
}

// Blocking returns the checks that block.
func (g GateResult) Blocking() []Check {
	var out []Check
	for _, c := range g.Checks {
		if c.Blocking {
			out = append(out, c)
		}
	}
	return out
}

// Err returns nil when the gate allows, or a conflict error that lists
// what blocks, for the person who tried.
func (g GateResult) Err() error {
	b := g.Blocking()
	if len(b) == 0 {
		return nil
	}
	msgs := make([]string, len(b))
	for i, c := range b {
		msgs[i] = c.Requirement.Standard
		if c.SiteName != "" {
			msgs[i] += " at “" + c.SiteName + "”"
		}
		msgs[i] += ": " + c.Code
	}
	return qms.Errorf(qms.KindConflict,
		"blocked by certificate requirements (%s); provide the certificates, or record an override with a reason and an end date",
		strings.Join(msgs, "; "))
}

// ApprovalGate decides whether a supplier (or one of its sites) may be
// approved, have an inspection booked or a shipment released: every
// applicable certificate requirement must be met, or waived by an active
// override. Approval, inspection booking and shipment release all ask it.
func ApprovalGate(in GateInput) GateResult {
	checks := CheckRequirements(in)
	g := GateResult{Allowed: true, Checks: checks}
	for _, c := range checks {
		if c.Blocking {
			g.Allowed = false
		}
	}
	return g
}
