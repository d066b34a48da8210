package supplier

import (
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// Settings are the configurable thresholds of the certificate rules.
type Settings struct {
	// ExpiryWarningDays: a certificate expiring within this many days is
	// "expiring" (default 90).
	ExpiryWarningDays int `json:"expiry_warning_days"`
	// MaxValidityYears: a validity (issue to expiry) longer than this is a red
	// flag (default 3, the ISO/IEC 17021-1 certification cycle).
	MaxValidityYears int `json:"max_validity_years"`
	// SurveillanceMonths: more than this many months since the issue date or
	// the last surveillance audit is "surveillance overdue" (default 12).
	SurveillanceMonths int `json:"surveillance_months"`
	// VerificationMaxAgeMonths: a last verification older than this is stale
	// (default 12).
	VerificationMaxAgeMonths int   `json:"verification_max_age_months"`
	Version                  int64 `json:"version"`

	// AccreditationBodies are the known accreditation bodies, recognised or
	// not; kept in their own table, not part of the settings record.
	AccreditationBodies []AccreditationBody `json:"-"`
}

// DefaultSettings returns the default thresholds with the seed list of
// accreditation bodies.
func DefaultSettings() Settings {
	return Settings{ExpiryWarningDays: 90, MaxValidityYears: 3, SurveillanceMonths: 12, VerificationMaxAgeMonths: 12,
		AccreditationBodies: slices.Clone(SeedAccreditationBodies)}
}

// Validate checks the thresholds.
func (s *Settings) Validate() error {
	p := qms.Problems{}
	if s.ExpiryWarningDays < 1 || s.ExpiryWarningDays > 730 {
		p.Add("expiry_warning_days", "must be between 1 and 730 days")
	}
	if s.MaxValidityYears < 1 || s.MaxValidityYears > 10 {
		p.Add("max_validity_years", "must be between 1 and 10 years")
	}
	if s.SurveillanceMonths < 1 || s.SurveillanceMonths > 36 {
		p.Add("surveillance_months", "must be between 1 and 36 months")
	}
	if s.VerificationMaxAgeMonths < 1 || s.VerificationMaxAgeMonths > 60 {
		p.Add("verification_max_age_months", "must be between 1 and 60 months")
	}
	return p.Err()
}

// AccreditationBody is a national accreditation body. Recognised ones (IAF
// MLA signatories) make the certificates of the certification bodies they
// accredit credible; unrecognised entries name look-alikes so that the red
// flag can say so.
type AccreditationBody struct {
	ID         int64    `json:"id"`
	Code       string   `json:"code"` // the acronym printed on certificates: "UKAS", "CNAS"
	Name       string   `json:"name"`
	Country    string   `json:"country"` // ISO 3166-1 alpha-2, "" for international bodies
	Recognised bool     `json:"recognised"`
	Aliases    []string `json:"aliases"` // other names and spellings
	Note       string   `json:"note"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// SeedAccreditationBodies is the initial list: the main IAF MLA signatories
// for management-system certification named in the domain research
// (docs/domain.md §6.3), and the look-alike "forums" it warns about. IAF and
// ILAC became GACI on 1 January 2026; existing recognitions remain valid.
// Administrators keep the list current.
var SeedAccreditationBodies = []AccreditationBody{
	{Code: "UKAS", Name: "United Kingdom Accreditation Service", Country: "GB", Recognised: true},
	{Code: "ANAB", Name: "ANSI National Accreditation Board", Country: "US", Recognised: true, Aliases: []string{"ANSI-ASQ National Accreditation Board"}},
	{Code: "DAkkS", Name: "Deutsche Akkreditierungsstelle", Country: "DE", Recognised: true, Aliases: []string{"German Accreditation Body"}},
	{Code: "COFRAC", Name: "Comité français d'accréditation", Country: "FR", Recognised: true},
	{Code: "ACCREDIA", Name: "ACCREDIA – Ente Italiano di Accreditamento", Country: "IT", Recognised: true, Aliases: []string{"Ente Italiano di Accreditamento"}},
	{Code: "ENAC", Name: "Entidad Nacional de Acreditación", Country: "ES", Recognised: true},
	{Code: "CNAS", Name: "China National Accreditation Service for Conformity Assessment", Country: "CN", Recognised: true, Aliases: []string{"中国合格评定国家认可委员会"}},
	{Code: "JAS-ANZ", Name: "Joint Accreditation System of Australia and New Zealand", Country: "AU", Recognised: true, Aliases: []string{"JASANZ"}},
	{Code: "JAB", Name: "Japan Accreditation Board", Country: "JP", Recognised: true, Aliases: []string{"公益財団法人日本適合性認定協会"}},
	{Code: "KAB", Name: "Korea Accreditation Board", Country: "KR", Recognised: true, Aliases: []string{"한국인정지원센터"}},
	{Code: "SCC", Name: "Standards Council of Canada", Country: "CA", Recognised: true},
	{Code: "INMETRO", Name: "Instituto Nacional de Metrologia, Qualidade e Tecnologia (Cgcre)", Country: "BR", Recognised: true, Aliases: []string{"Cgcre", "Cgcre/INMETRO"}},
	{Code: "TAF", Name: "Taiwan Accreditation Foundation", Country: "TW", Recognised: true, Aliases: []string{"財團法人全國認證基金會"}},
	{Code: "HKAS", Name: "Hong Kong Accreditation Service", Country: "HK", Recognised: true, Aliases: []string{"香港認可處"}},
	{Code: "NABCB", Name: "National Accreditation Board for Certification Bodies", Country: "IN", Recognised: true},
	{Code: "RvA", Name: "Raad voor Accreditatie (Dutch Accreditation Council)", Country: "NL", Recognised: true, Aliases: []string{"Dutch Accreditation Council"}},
	{Code: "EGAC", Name: "Egyptian Accreditation Council", Country: "EG", Recognised: true},
	{Code: "IAS", Name: "International Accreditation Service", Country: "US", Recognised: true,
		Note: "IAF MLA signatory; criticised for lax oversight of the certification bodies it accredits: check the certification body too."},
	{Code: "UAF", Name: "United Accreditation Foundation", Country: "US", Recognised: true,
		Note: "IAF MLA signatory; criticised for lax oversight of the certification bodies it accredits: check the certification body too."},
	{Code: "i-NAF", Name: "International National Accreditation Forum", Recognised: false, Aliases: []string{"INAF"},
		Note: "Not an IAF member: a look-alike forum using MLA language."},
	{Code: "IAC", Name: "International Accreditation Council", Recognised: false,
		Note: "Not an IAF member: a look-alike forum using MLA language."},
}

// Validate normalises and checks an accreditation body.
func (a *AccreditationBody) Validate() error {
	p := qms.Problems{}
	a.Code, a.Name, a.Note = strings.TrimSpace(a.Code), strings.TrimSpace(a.Name), strings.TrimSpace(a.Note)
	qms.CheckText(p, "code", a.Code, 50)
	if a.Code == "" || len(tokens(a.Code)) == 0 {
		p.Add("code", "is required: the acronym printed on certificates, such as UKAS")
	}
	qms.CheckText(p, "name", a.Name, MaxNameLen)
	if a.Name == "" {
		p.Add("name", "is required")
	}
	if a.Country != "" {
		a.Country = checkCountry(p, "country", a.Country)
	}
	aliases := []string{}
	for _, s := range a.Aliases {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(aliases, s) {
			qms.CheckText(p, "aliases", s, MaxNameLen)
			aliases = append(aliases, s)
		}
	}
	a.Aliases = aliases
	checkLongText(p, "note", a.Note, 2000)
	return p.Err()
}

// matches reports whether text as printed on a certificate names a: its
// code is the first word or words ("UKAS", "UKAS 0005", "CNAS C0123-M"),
// or it is a's name or an alias, ignoring case and punctuation.
func (a *AccreditationBody) matches(text string) bool {
	t := tokens(text)
	code := tokens(a.Code)
	if len(code) > 0 && len(t) >= len(code) && slices.Equal(t[:len(code)], code) {
		return true
	}
	compact := strings.Join(t, "")
	if compact == strings.Join(code, "") {
		return true
	}
	for _, n := range append([]string{a.Name}, a.Aliases...) {
		if compact != "" && compact == strings.Join(tokens(n), "") {
			return true
		}
	}
	return false
}

// FindAccreditationBody returns the known body named by text as printed on
// a certificate, or nil.
func (s *Settings) FindAccreditationBody(text string) *AccreditationBody {
	for i := range s.AccreditationBodies {
		if s.AccreditationBodies[i].matches(text) {
			return &s.AccreditationBodies[i]
		}
	}
	return nil
}

// Key is the comparable form of the body's code ("JAS-ANZ" -> "jasanz"):
// no two bodies share one.
func (a *AccreditationBody) Key() string { return strings.Join(tokens(a.Code), "") }
