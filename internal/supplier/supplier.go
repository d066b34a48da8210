package supplier

import (
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"qms/internal/qms"
)

// Kind is what sort of legal entity a supplier is.
type Kind string

const (
	KindManufacturer   Kind = "manufacturer"    // makes the products in its own factory sites
	KindTradingCompany Kind = "trading_company" // sells products made by factories it does not own
)

// Kinds lists every supplier kind.
var Kinds = []Kind{KindManufacturer, KindTradingCompany}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Label is the kind's name for people.
func (k Kind) Label() string {
	switch k {
	case KindManufacturer:
		return "Manufacturer"
	case KindTradingCompany:
		return "Trading company"
	}
	return string(k)
}

// Contact is a person to reach at a supplier or a site.
type Contact struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"` // e.g. "QA manager", "sales"
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Supplier is a legal entity the buyer buys from: a manufacturer, or a
// trading company that sources from factories. Its name is kept as written
// locally (Chinese, Vietnamese, Thai ...) and in Latin letters.
type Supplier struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`       // in the local script, as on the business licence
	NameLatin  string    `json:"name_latin"` // in Latin letters; required when Name is not in Latin letters
	Kind       Kind      `json:"kind"`
	Country    string    `json:"country"` // ISO 3166-1 alpha-2, e.g. CN, VN, DE
	Address    string    `json:"address"`
	Contacts   []Contact `json:"contacts"`
	Categories []string  `json:"categories"` // product category codes
	Notes      string    `json:"notes"`

	Status          Status     `json:"status"`
	StatusReason    string     `json:"status_reason"`
	StatusChangedAt *time.Time `json:"status_changed_at,omitempty"`
	StatusChangedBy string     `json:"status_changed_by,omitempty"`

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// Site is a factory where products are made, belonging to one supplier.
type Site struct {
	ID           int64     `json:"id"`
	SupplierID   int64     `json:"supplier_id"`
	Name         string    `json:"name"`
	NameLatin    string    `json:"name_latin"`
	Address      string    `json:"address"`       // in the local script
	AddressLatin string    `json:"address_latin"` // in Latin letters, as certificates often print it
	Country      string    `json:"country"`
	Categories   []string  `json:"categories"` // product categories made here
	Capacity     string    `json:"capacity"`   // free text: "40,000 pcs/month, 3 SMT lines, 250 workers"
	Contacts     []Contact `json:"contacts"`
	Notes        string    `json:"notes"`

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// Limits on supplier and site fields; longer input is rejected.
const (
	MaxNameLen     = 300
	MaxAddressLen  = 1000
	MaxNotesLen    = 10000
	MaxContacts    = 20
	MaxCategories  = 50
	MaxCapacityLen = 1000
)

// Validate trims and checks a supplier's fields (not its status, which only
// changes through CheckTransition). Returns an invalid error listing every
// problem.
func (s *Supplier) Validate() error {
	p := qms.Problems{}
	s.Name, s.NameLatin = strings.TrimSpace(s.Name), strings.TrimSpace(s.NameLatin)
	s.Address, s.Notes = strings.TrimSpace(s.Address), strings.TrimSpace(s.Notes)
	checkNames(p, s.Name, s.NameLatin)
	if !s.Kind.Valid() {
		p.Add("kind", "must be manufacturer or trading_company")
	}
	s.Country = checkCountry(p, "country", s.Country)
	checkLongText(p, "address", s.Address, MaxAddressLen)
	checkLongText(p, "notes", s.Notes, MaxNotesLen)
	s.Contacts = checkContacts(p, s.Contacts)
	s.Categories = checkCategories(p, s.Categories)
	if s.Status == "" {
		s.Status = StatusProspect
	}
	if !s.Status.Valid() {
		p.Add("status", "must be one of "+statusNames(Statuses))
	}
	return p.Err()
}

// DisplayName is the name to show: the Latin name, with the local name
// after it when both exist and differ.
func (s *Supplier) DisplayName() string { return displayName(s.Name, s.NameLatin) }

// Validate trims and checks a site's fields. Returns an invalid error
// listing every problem.
func (s *Site) Validate() error {
	p := qms.Problems{}
	s.Name, s.NameLatin = strings.TrimSpace(s.Name), strings.TrimSpace(s.NameLatin)
	s.Address, s.AddressLatin = strings.TrimSpace(s.Address), strings.TrimSpace(s.AddressLatin)
	s.Capacity, s.Notes = strings.TrimSpace(s.Capacity), strings.TrimSpace(s.Notes)
	if s.SupplierID <= 0 {
		p.Add("supplier_id", "is required")
	}
	checkNames(p, s.Name, s.NameLatin)
	checkLongText(p, "address", s.Address, MaxAddressLen)
	checkLongText(p, "address_latin", s.AddressLatin, MaxAddressLen)
	if s.Address == "" && s.AddressLatin == "" {
		p.Add("address", "is required: a site is a place")
	}
	if s.AddressLatin == "" && !isLatin(s.Address) {
		p.Add("address_latin", "is required when the address is not in Latin letters")
	}
	s.Country = checkCountry(p, "country", s.Country)
	checkLongText(p, "capacity", s.Capacity, MaxCapacityLen)
	checkLongText(p, "notes", s.Notes, MaxNotesLen)
	s.Contacts = checkContacts(p, s.Contacts)
	s.Categories = checkCategories(p, s.Categories)
	return p.Err()
}

// DisplayName is the name to show: the Latin name, with the local name
// after it when both exist and differ.
func (s *Site) DisplayName() string { return displayName(s.Name, s.NameLatin) }

func displayName(local, latin string) string {
	switch {
	case latin == "":
		return local
	case local == "" || local == latin:
		return latin
	}
	return latin + " (" + local + ")"
}

// SortKey is the key suppliers and sites are sorted by: the folded Latin
// name, or the local name when there is no Latin one.
func SortKey(name, nameLatin string) string {
	if nameLatin != "" {
		return Fold(nameLatin)
	}
	return Fold(name)
}

// isLatin reports whether every letter of s is a Latin letter (Vietnamese
// and German are Latin; Chinese and Thai are not).
func isLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

func checkNames(p qms.Problems, name, latin string) {
	qms.CheckText(p, "name", name, MaxNameLen)
	qms.CheckText(p, "name_latin", latin, MaxNameLen)
	if name == "" {
		p.Add("name", "is required")
	}
	if latin == "" && !isLatin(name) {
		p.Add("name_latin", "is required when the name is not in Latin letters, so that everyone can read and search it")
	}
	if latin != "" && !isLatin(latin) {
		p.Add("name_latin", "must be written in Latin letters")
	}
}

// checkCountry upper-cases and checks an ISO 3166-1 alpha-2 code.
func checkCountry(p qms.Problems, field, c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		p.Add(field, "must be a two-letter ISO 3166 country code such as CN, VN or DE")
	}
	return c
}

// checkLongText is CheckText for multi-line text: newlines are allowed.
func checkLongText(p qms.Problems, field, s string, max int) {
	qms.CheckText(p, field, strings.NewReplacer("\r\n", " ", "\n", " ").Replace(s), max)
}

func checkContacts(p qms.Problems, cs []Contact) []Contact {
	if len(cs) > MaxContacts {
		p.Add("contacts", "at most "+strconv.Itoa(MaxContacts)+" contacts")
	}
	out := []Contact{}
	for i, c := range cs {
		c.Name, c.Role = strings.TrimSpace(c.Name), strings.TrimSpace(c.Role)
		c.Email, c.Phone = qms.NormalizeEmail(c.Email), strings.TrimSpace(c.Phone)
		if c == (Contact{}) {
			continue
		}
		f := "contacts." + strconv.Itoa(i)
		qms.CheckText(p, f+".name", c.Name, MaxNameLen)
		qms.CheckText(p, f+".role", c.Role, MaxNameLen)
		qms.CheckText(p, f+".phone", c.Phone, 50)
		if c.Name == "" {
			p.Add(f+".name", "is required")
		}
		if c.Email != "" {
			if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
				p.Add(f+".email", "is not an e-mail address such as name@example.com")
			}
		}
		out = append(out, c)
	}
	return out
}

// checkCategories normalises category codes (NormalizeCode), drops
// duplicates and sorts them.
func checkCategories(p qms.Problems, cs []string) []string {
	out := []string{}
	for _, c := range cs {
		c = NormalizeCode(c)
		if c == "" {
			continue
		}
		if !validCode(c) {
			p.Add("categories", "“"+c+"” is not a category code: use letters, digits, - and _")
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > MaxCategories {
		p.Add("categories", "at most "+strconv.Itoa(MaxCategories)+" categories")
	}
	slices.Sort(out)
	return out
}
