package inspection

import (
	"strings"
	"time"
	"unicode"

	"qms/internal/qms"
	"qms/internal/supplier"
)

// DefectClass is the class of a nonconformity: critical, major or minor.
type DefectClass string

const (
	Critical DefectClass = "critical" // hazardous, unsafe, or against mandatory regulations
	Major    DefectClass = "major"    // likely to cause failure or materially reduce usability or saleability
	Minor    DefectClass = "minor"    // a departure with little bearing on use
)

// Classes lists the defect classes from the most to the least serious.
var Classes = []DefectClass{Critical, Major, Minor}

// Valid reports whether c is one of Classes.
func (c DefectClass) Valid() bool { return c.Rank() > 0 }

// Rank orders classes by seriousness: critical 3, major 2, minor 1, else 0.
func (c DefectClass) Rank() int {
	switch c {
	case Critical:
		return 3
	case Major:
		return 2
	case Minor:
		return 1
	}
	return 0
}

// Label is the class's name for people.
func (c DefectClass) Label() string {
	switch c {
	case Critical:
		return "Critical"
	case Major:
		return "Major"
	case Minor:
		return "Minor"
	}
	return string(c)
}

// Limits on product and library fields.
const (
	MaxSKULen         = 64
	MaxNameLen        = 300
	MaxTextLen        = 2000
	MaxLongTextLen    = 10000
	MaxDefectCodeLen  = 32
	MaxReasonLen      = supplier.MaxReasonLen
	MaxCustomerLen    = 300
	MaxLocationLen    = 300
	MaxPhotosPerEntry = 20
)

// Product is an article the buyer has made by contract factories.
type Product struct {
	ID          int64  `json:"id"`
	SKU         string `json:"sku"` // unique, ignoring case
	Name        string `json:"name"`
	Category    string `json:"category"` // a product category code (supplier.Category)
	Customer    string `json:"customer"` // the customer or brand it is made for, if any
	Market      string `json:"market"`   // destination market code, e.g. EU, US (supplier.NormalizeMarket)
	Description string `json:"description"`

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// SKUKey is the form of a SKU that uniqueness is checked on: upper case.
func SKUKey(sku string) string { return strings.ToUpper(strings.TrimSpace(sku)) }

// Validate trims and checks a product. Returns an invalid error listing
// every problem. Whether the category exists is the store's check.
func (p *Product) Validate() error {
	pr := qms.Problems{}
	p.SKU, p.Name = strings.TrimSpace(p.SKU), strings.TrimSpace(p.Name)
	p.Customer, p.Description = strings.TrimSpace(p.Customer), strings.TrimSpace(p.Description)
	p.Category, p.Market = supplier.NormalizeCode(p.Category), supplier.NormalizeMarket(p.Market)
	qms.CheckText(pr, "sku", p.SKU, MaxSKULen)
	switch {
	case p.SKU == "":
		pr.Add("sku", "is required")
	case strings.ContainsFunc(p.SKU, unicode.IsSpace):
		pr.Add("sku", "must not contain spaces")
	}
	qms.CheckText(pr, "name", p.Name, MaxNameLen)
	if p.Name == "" {
		pr.Add("name", "is required")
	}
	if p.Category == "" {
		pr.Add("category", "is required: the product category decides the defect library and the certificates required")
	}
	qms.CheckText(pr, "customer", p.Customer, MaxCustomerLen)
	qms.CheckText(pr, "market", p.Market, 16)
	checkLongText(pr, "description", p.Description, MaxLongTextLen)
	return pr.Err()
}

// DefectCode is an entry of the defect library of a product category: a
// code inspectors pick, its description and the class it has by default.
type DefectCode struct {
	ID          int64       `json:"id"`
	Category    string      `json:"category"`
	Code        string      `json:"code"` // upper case, unique per category among entries in use
	Description string      `json:"description"`
	Class       DefectClass `json:"class"` // the default class; an inspector may record another

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// NormalizeDefectCode trims and upper-cases a defect code.
func NormalizeDefectCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func validDefectCode(c string) bool {
	if c == "" || len(c) > MaxDefectCodeLen {
		return false
	}
	for _, r := range c {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Validate normalises and checks a library entry.
func (d *DefectCode) Validate() error {
	p := qms.Problems{}
	d.Category, d.Code = supplier.NormalizeCode(d.Category), NormalizeDefectCode(d.Code)
	d.Description = strings.TrimSpace(d.Description)
	if d.Category == "" {
		p.Add("category", "is required")
	}
	if !validDefectCode(d.Code) {
		p.Add("code", "is required: letters, digits, - _ and ., at most 32")
	}
	qms.CheckText(p, "description", d.Description, MaxTextLen)
	if d.Description == "" {
		p.Add("description", "is required")
	}
	if !d.Class.Valid() {
		p.Add("class", "must be critical, major or minor")
	}
	return p.Err()
}

// checkLongText is CheckText for multi-line text: newlines are allowed.
func checkLongText(p qms.Problems, field, s string, max int) {
	qms.CheckText(p, field, strings.NewReplacer("\r\n", " ", "\n", " ").Replace(s), max)
}

// checkReason trims and checks a reason that must be given.
func checkReason(p qms.Problems, field, reason, what string) string {
	reason = strings.TrimSpace(reason)
	checkLongText(p, field, reason, MaxReasonLen)
	if reason == "" {
		p.Add(field, "is required: "+what)
	}
	return reason
}

func forbidden(what string) error { return qms.Errorf(qms.KindForbidden, "your role may not %s", what) }
