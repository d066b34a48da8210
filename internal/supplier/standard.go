package supplier

import (
	"strings"
)

// CertKind is what sort of evidence a certificate is.
type CertKind string

const (
	// KindManagementSystem: an accredited certificate of a management system
	// (ISO 9001, ISO 13485, IATF 16949 ...), valid three years with yearly
	// surveillance audits.
	KindManagementSystem CertKind = "management_system"
	// KindSocialAudit: a social-compliance audit report or certificate
	// (amfori BSCI, SMETA, SA8000).
	KindSocialAudit CertKind = "social_audit"
	// KindProductTest: a laboratory test report for a product against a
	// test standard (EN 71-1, IEC 62368-1, ASTM F963 ...).
	KindProductTest CertKind = "product_test"
)

// CertKinds lists every certificate kind.
var CertKinds = []CertKind{KindManagementSystem, KindSocialAudit, KindProductTest}

// Valid reports whether k is one of CertKinds.
func (k CertKind) Valid() bool {
	return k == KindManagementSystem || k == KindSocialAudit || k == KindProductTest
}

// Label is the kind's name for people.
func (k CertKind) Label() string {
	switch k {
	case KindManagementSystem:
		return "Management-system certificate"
	case KindSocialAudit:
		return "Social audit"
	case KindProductTest:
		return "Product test report"
	}
	return string(k)
}

// Standard is one edition of a standard or scheme a certificate can be
// issued against.
type Standard struct {
	Code    string   // "ISO 9001"
	Version string   // "2015"; "" when the scheme has no editions to tell apart
	Kind    CertKind // management_system or social_audit
	Title   string
	// Current is false for an edition that has been withdrawn: a
	// certificate to it is obsolete (a red flag) and meets no requirement.
	Current      bool
	SupersededBy string // for an obsolete edition: what replaced it
	// Accredited: certificates are issued by certification bodies accredited
	// by an IAF MLA signatory, so the accreditation body is checked.
	Accredited bool
	// Surveillance: the certification cycle has surveillance audits at least
	// every 12 months (ISO/IEC 17021-1 §9.1.3).
	Surveillance bool
}

// Name is "code:version", or the code when there is no version.
func (s Standard) Name() string { return standardName(s.Code, s.Version) }

func standardName(code, version string) string {
	if version == "" {
		return code
	}
	return code + ":" + version
}

// Standards is the catalogue of management-system and social-audit
// standards qms knows. A management-system certificate or social audit to a
// standard not listed here is refused as unknown; product test reports name
// their test standard freely.
var Standards = []Standard{
	{Code: "ISO 9001", Version: "2015", Kind: KindManagementSystem, Title: "Quality management systems", Current: true, Accredited: true, Surveillance: true},
	{Code: "ISO 9001", Version: "2008", Kind: KindManagementSystem, Title: "Quality management systems", SupersededBy: "ISO 9001:2015", Accredited: true, Surveillance: true},
	{Code: "ISO 13485", Version: "2016", Kind: KindManagementSystem, Title: "Medical devices — Quality management systems", Current: true, Accredited: true, Surveillance: true},
	{Code: "ISO 13485", Version: "2003", Kind: KindManagementSystem, Title: "Medical devices — Quality management systems", SupersededBy: "ISO 13485:2016", Accredited: true, Surveillance: true},
	{Code: "ISO 14001", Version: "2015", Kind: KindManagementSystem, Title: "Environmental management systems", Current: true, Accredited: true, Surveillance: true},
	{Code: "ISO 14001", Version: "2004", Kind: KindManagementSystem, Title: "Environmental management systems", SupersededBy: "ISO 14001:2015", Accredited: true, Surveillance: true},
	{Code: "ISO 45001", Version: "2018", Kind: KindManagementSystem, Title: "Occupational health and safety management systems", Current: true, Accredited: true, Surveillance: true},
	{Code: "OHSAS 18001", Version: "2007", Kind: KindManagementSystem, Title: "Occupational health and safety management systems", SupersededBy: "ISO 45001:2018", Accredited: true, Surveillance: true},
	// IATF 16949 certificates are issued under IATF oversight, not under an
	// IAF accreditation body.
	{Code: "IATF 16949", Version: "2016", Kind: KindManagementSystem, Title: "Automotive quality management systems", Current: true, Surveillance: true},
	{Code: "ISO/TS 16949", Version: "2009", Kind: KindManagementSystem, Title: "Automotive quality management systems", SupersededBy: "IATF 16949:2016", Surveillance: true},
	{Code: "ISO 50001", Version: "2018", Kind: KindManagementSystem, Title: "Energy management systems", Current: true, Accredited: true, Surveillance: true},
	{Code: "ISO 50001", Version: "2011", Kind: KindManagementSystem, Title: "Energy management systems", SupersededBy: "ISO 50001:2018", Accredited: true, Surveillance: true},
	{Code: "ISO/IEC 27001", Version: "2022", Kind: KindManagementSystem, Title: "Information security management systems", Current: true, Accredited: true, Surveillance: true},
	{Code: "ISO/IEC 27001", Version: "2013", Kind: KindManagementSystem, Title: "Information security management systems", SupersededBy: "ISO/IEC 27001:2022", Accredited: true, Surveillance: true},
	{Code: "ISO 22000", Version: "2018", Kind: KindManagementSystem, Title: "Food safety management systems", Current: true, Accredited: true, Surveillance: true},
	{Code: "amfori BSCI", Version: "", Kind: KindSocialAudit, Title: "amfori Business Social Compliance Initiative audit", Current: true},
	{Code: "SMETA", Version: "", Kind: KindSocialAudit, Title: "Sedex Members Ethical Trade Audit", Current: true},
	{Code: "SA8000", Version: "2014", Kind: KindSocialAudit, Title: "Social Accountability 8000", Current: true},
	{Code: "SA8000", Version: "2008", Kind: KindSocialAudit, Title: "Social Accountability 8000", SupersededBy: "SA8000:2014"},
}

// StandardKey is the comparable form of a standard's code: folded, without
// spaces and punctuation ("iso 9001", "ISO9001" and "ISO-9001" are one).
func StandardKey(code string) string {
	var b strings.Builder
	for _, t := range tokens(code) {
		b.WriteString(t)
	}
	return b.String()
}

// LookupStandard finds a standard of the catalogue by code and version,
// ignoring case, spaces and punctuation in the code.
func LookupStandard(code, version string) (Standard, bool) {
	k, v := StandardKey(code), strings.TrimSpace(version)
	for _, s := range Standards {
		if StandardKey(s.Code) == k && s.Version == v {
			return s, true
		}
	}
	return Standard{}, false
}

// standardVersions lists the catalogue's editions of a code, and the
// canonical spelling of the code ("" when unknown).
func standardVersions(code string) (canonical string, versions []string) {
	k := StandardKey(code)
	for _, s := range Standards {
		if StandardKey(s.Code) == k {
			canonical = s.Code
			versions = append(versions, s.Name())
		}
	}
	return canonical, versions
}

// ParseStandard splits "ISO 9001:2015" into its code and version. Text
// without a colon is all code.
func ParseStandard(s string) (code, version string) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	}
	return s, ""
}
