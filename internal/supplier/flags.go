package supplier

import (
	"fmt"
	"slices"
	"strings"

	"qms/internal/qms"
)

// Codes of the red flags (RedFlags).
const (
	FlagValidityTooLong       = "validity_too_long"
	FlagNoExpiry              = "no_expiry"
	FlagNoAccreditationBody   = "no_accreditation_body"
	FlagUnrecognisedAB        = "accreditation_body_unrecognised"
	FlagABNote                = "accreditation_body_note"
	FlagObsoleteStandard      = "obsolete_standard"
	FlagHolderNameMismatch    = "holder_name_mismatch"
	FlagHolderAddressMismatch = "holder_address_mismatch"
	FlagSiteNotCovered        = "site_not_covered"
	FlagScopeNotCovering      = "scope_not_covering_category"
	FlagScopeTradingOnly      = "scope_trading_only"
	FlagSurveillanceOverdue   = "surveillance_overdue"
	FlagNumberUsedByOther     = "number_used_by_other_supplier"
	FlagRegistryNotFound      = "registry_not_found"
	FlagMarkedSuspicious      = "marked_suspicious"
)

// NumberUse is a certificate recorded with a given number (the store finds
// them; see RedFlags).
type NumberUse struct {
	CertificateID     int64  `json:"certificate_id"`
	SupplierID        int64  `json:"supplier_id"`
	SupplierName      string `json:"supplier_name"`
	CertificationBody string `json:"certification_body"`
}

// FlagInput is what the red-flag rules look at: a certificate, its
// verifications, and what it is used for.
type FlagInput struct {
	Certificate   *Certificate
	Verifications []Verification
	Supplier      *Supplier
	// Sites are the sites the certificate is used for: normally the sites it
	// covers; when none, the holder is compared with the supplier.
	Sites []Site
	// Categories are the product categories it is used for: normally what
	// those sites (or the supplier) make.
	Categories []Category
	// SameNumber are the certificates recorded with the same number (by
	// NumberKey), of any supplier; the rule ignores the certificate itself
	// and the supplier's own.
	SameNumber []NumberUse
	Today      qms.Date
	Settings   Settings
}

// RedFlags returns the warning signs of a fake, unaccredited, misleading or
// lapsing certificate (docs/domain.md §6.4), each with a plain-words
// explanation, most severe first. No flags means none of the rules fired,
// not that the certificate is genuine.
func RedFlags(in FlagInput) []Finding {
	c := in.Certificate
	var out []Finding
	add := func(code string, sev Severity, format string, args ...any) {
		out = append(out, Finding{code, sev, fmt.Sprintf(format, args...)})
	}
	std, known := c.CatalogueStandard()
	set := in.Settings

	// Validity period.
	if !c.IssueDate.IsZero() && !c.ExpiryDate.IsZero() {
		limit := c.IssueDate.AddDate(set.MaxValidityYears, 0, 0)
		if c.ExpiryDate.After(limit) {
			add(FlagValidityTooLong, SeveritySevere,
				"Valid for longer than %s: issued %s, expiring %s, %s past the %s certification cycle. Accredited certificates are valid at most %s; a longer validity is a sign of an unaccredited or altered certificate.",
				years(set.MaxValidityYears), c.IssueDate, c.ExpiryDate, days(limit.DaysUntil(c.ExpiryDate)), years(set.MaxValidityYears), years(set.MaxValidityYears))
		}
	}
	if c.Kind == KindManagementSystem && c.ExpiryDate.IsZero() {
		add(FlagNoExpiry, SeveritySevere, "No expiry date: every accredited management-system certificate states one.")
	}
	if known && !std.Current {
		add(FlagObsoleteStandard, SeveritySevere,
			"Obsolete standard: %s was withdrawn and replaced by %s. A certificate to it is no longer valid evidence.", std.Name(), std.SupersededBy)
	}

	// Accreditation.
	if known && std.Accredited {
		switch ab := set.FindAccreditationBody(c.AccreditationBody); {
		case c.AccreditationBody == "":
			add(FlagNoAccreditationBody, SeveritySevere,
				"No accreditation body: an accredited %s certificate carries the mark of an accreditation body such as UKAS, ANAB or CNAS. Without one, nobody has checked the certification body's work.", std.Code)
		case ab == nil:
			add(FlagUnrecognisedAB, SeveritySevere,
				"Accreditation body “%s” is not in the list of recognised accreditation bodies (IAF MLA signatories). Check whether it is a signatory for %s; until then treat the certificate as unaccredited.", c.AccreditationBody, std.Code)
		case !ab.Recognised:
			add(FlagUnrecognisedAB, SeveritySevere,
				"Accreditation body “%s” (%s) is not recognised. %s", c.AccreditationBody, ab.Name, ab.Note)
		case ab.Note != "":
			add(FlagABNote, SeverityInfo, "Accreditation body %s: %s", ab.Code, ab.Note)
		}
	}

	// Holder, address and sites.
	siteBound := c.Kind != KindProductTest
	if len(in.Sites) == 0 && in.Supplier != nil {
		if ok, msg := holderMatches(c.HolderName, []string{in.Supplier.Name, in.Supplier.NameLatin}); !ok {
			add(FlagHolderNameMismatch, SeverityWarning, "The holder “%s” is not the supplier %s. %s", c.HolderName, quoteList(nonEmpty(in.Supplier.Name, in.Supplier.NameLatin)), msg)
		}
		if ok, msg := addressMatches(c.HolderAddress, []string{in.Supplier.Address}); !ok {
			add(FlagHolderAddressMismatch, SeverityWarning, "The address on the certificate “%s” differs from the supplier's address “%s”: %s", c.HolderAddress, in.Supplier.Address, msg)
		}
	}
	for _, s := range in.Sites {
		if siteBound && !c.Covers(s.ID) {
			add(FlagSiteNotCovered, SeverityWarning,
				"The certificate does not cover the site “%s”: it lists other sites only, or none. It says nothing about how this factory works.", s.DisplayName())
		}
		names := []string{s.Name, s.NameLatin}
		if in.Supplier != nil && in.Supplier.Kind == KindManufacturer {
			names = append(names, in.Supplier.Name, in.Supplier.NameLatin)
		}
		if ok, msg := holderMatches(c.HolderName, names); !ok {
			if in.Supplier != nil && in.Supplier.Kind == KindTradingCompany && NameKey(c.HolderName) != "" &&
				(NameKey(c.HolderName) == NameKey(in.Supplier.Name) || NameKey(c.HolderName) == NameKey(in.Supplier.NameLatin)) {
				add(FlagHolderNameMismatch, SeverityWarning,
					"The certificate is held by the trading company “%s”, not by the factory “%s” that makes the products: it says nothing about that factory.", c.HolderName, s.DisplayName())
			} else {
				add(FlagHolderNameMismatch, SeverityWarning, "The holder “%s” is not the site “%s”. %s", c.HolderName, s.DisplayName(), msg)
			}
		}
		if ok, msg := addressMatches(c.HolderAddress, []string{s.Address, s.AddressLatin}); !ok {
			add(FlagHolderAddressMismatch, SeverityWarning,
				"The address on the certificate “%s” differs from the address of the site “%s” (“%s”): %s A certificate for another address does not cover this factory.",
				c.HolderAddress, s.DisplayName(), firstNonEmpty(s.AddressLatin, s.Address), msg)
		}
	}

	// Scope.
	if c.Scope != "" && c.Kind != KindSocialAudit {
		for _, cat := range in.Categories {
			if ok, _ := ScopeCovers(c.Scope, cat); !ok {
				add(FlagScopeNotCovering, SeverityWarning,
					"The scope “%s” does not mention products of the category “%s” (looked for %s). The certificate may cover other products or processes only.",
					clip(c.Scope, 200), cat.Name, quoteList(cat.scopeKeywords()))
			}
		}
		if c.Kind == KindManagementSystem && TradingOnly(c.Scope) {
			add(FlagScopeTradingOnly, SeverityWarning,
				"The scope “%s” covers trading only, not manufacturing: the certificate says nothing about how the products are made.", clip(c.Scope, 200))
		}
	}

	// Surveillance.
	if known && std.Surveillance && !c.IssueDate.IsZero() && (c.ExpiryDate.IsZero() || !in.Today.After(c.ExpiryDate)) {
		base, what := c.IssueDate, "the issue date"
		if c.LastSurveillanceDate.After(base) {
			base, what = c.LastSurveillanceDate, "the last surveillance audit"
		}
		due := base.AddDate(0, set.SurveillanceMonths, 0)
		if in.Today.After(due) {
			add(FlagSurveillanceOverdue, SeveritySevere,
				"Surveillance overdue: the latest audit on record is %s (%s), more than %s ago; the next surveillance audit was due by %s. Ask for the surveillance audit report and check the certificate's status: a missed surveillance audit leads to suspension.",
				what, base, months(set.SurveillanceMonths), due)
		}
	}

	// The same number at another supplier.
	var others []string
	for _, u := range in.SameNumber {
		if u.CertificateID == c.ID || u.SupplierID == c.SupplierID {
			continue
		}
		s := fmt.Sprintf("“%s” (certificate %d)", u.SupplierName, u.CertificateID)
		if !slices.Contains(others, s) {
			others = append(others, s)
		}
	}
	if len(others) > 0 {
		add(FlagNumberUsedByOther, SeverityWarning,
			"The certificate number %s is also recorded for %s. A certificate belongs to one organisation: one of them is presenting another's certificate (often a trading company using its factory's).",
			c.Number, strings.Join(others, ", "))
	}

	// The latest verification.
	if v := Latest(in.Verifications); v != nil {
		switch v.Result {
		case ResultNotFound:
			add(FlagRegistryNotFound, SeverityWarning,
				"Not found: the check of %s (%s) did not find the certificate. It may not be uploaded yet or be confidential; ask the certification body directly. %s", v.CheckedOn, v.Method.Label(), v.Note)
		case ResultSuspicious:
			add(FlagMarkedSuspicious, SeveritySevere, "Marked suspicious on %s by %s: %s", v.CheckedOn, orSomeone(v.CheckedBy), v.Note)
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return rank(b.Severity) - rank(a.Severity) })
	for i := range out {
		out[i].Message = strings.TrimSpace(out[i].Message)
	}
	return out
}

func rank(s Severity) int {
	switch s {
	case SeveritySevere:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// holderMatches compares a holder name with candidate names; when none
// matches it explains the difference with the closest one.
func holderMatches(holder string, candidates []string) (bool, string) {
	ht := nameTokens(holder)
	var bestExtra, bestLacking []string
	best := -1
	for _, c := range candidates {
		if strings.TrimSpace(c) == "" {
			continue
		}
		ct := nameTokens(c)
		if slices.Equal(ht, ct) {
			return true, ""
		}
		extra, lacking := missingTokens(ht, ct), missingTokens(ct, ht)
		if d := len(extra) + len(lacking); best < 0 || d < best {
			best, bestExtra, bestLacking = d, extra, lacking
		}
	}
	if best < 0 || len(ht) == 0 {
		return true, "" // nothing to compare
	}
	var parts []string
	if len(bestExtra) > 0 {
		parts = append(parts, "the holder's name has "+quoteList(bestExtra))
	}
	if len(bestLacking) > 0 {
		parts = append(parts, "lacks "+quoteList(bestLacking))
	}
	if len(parts) == 0 {
		parts = append(parts, "the words are the same but not the company")
	}
	return false, "Compared ignoring case, punctuation and company forms such as Co., Ltd. or 有限公司, " + strings.Join(parts, " and ") + "."
}

// addressMatches compares a printed address with the candidate addresses;
// when none matches it explains the difference with the closest one.
func addressMatches(printed string, candidates []string) (bool, string) {
	if strings.TrimSpace(printed) == "" {
		return true, ""
	}
	// Explain with the candidate sharing the most words (usually the one in
	// the same script), then the one with the fewest differences.
	best, bestShared := -1, -1
	var bestExtra, bestLacking []string
	pt := addressTokens(printed)
	for _, c := range candidates {
		if strings.TrimSpace(c) == "" {
			continue
		}
		ok, extra, lacking := AddressesMatch(printed, c)
		if ok {
			return true, ""
		}
		shared := len(pt) - len(missingTokens(pt, addressTokens(c)))
		if d := len(extra) + len(lacking); shared > bestShared || shared == bestShared && d < best {
			best, bestShared, bestExtra, bestLacking = d, shared, extra, lacking
		}
	}
	if best < 0 {
		return true, ""
	}
	return false, fmt.Sprintf("the certificate's address has %s where the other has %s.", quoteList(bestExtra), quoteList(bestLacking))
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// clip shortens s to at most n runes for a message.
func clip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
