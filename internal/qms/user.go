package qms

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do. The set is closed.
type Role string

const (
	RoleAdmin          Role = "admin"           // users and settings, and everything a quality manager does
	RoleQualityManager Role = "quality_manager" // specs, plans, approvals, dispositions, CAPAs, documents
	RoleInspector      Role = "inspector"       // records inspections
	RoleViewer         Role = "viewer"          // buyers and sourcing: read-only views of status
	RoleAuditor        Role = "auditor"         // read-only, sees records, evidence and the audit trail
	RoleSupplier       Role = "supplier"        // external, scoped to exactly one supplier
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleQualityManager, RoleInspector, RoleViewer, RoleAuditor, RoleSupplier}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administrator"
	case RoleQualityManager:
		return "Quality manager"
	case RoleInspector:
		return "Inspector"
	case RoleViewer:
		return "Viewer"
	case RoleAuditor:
		return "Auditor"
	case RoleSupplier:
		return "Supplier"
	}
	return string(r)
}

func roleNames() string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// User is a person who signs in to qms.
type User struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	SupplierID *int64     `json:"supplier_id,omitempty"` // set exactly when Role is supplier
	Disabled   bool       `json:"disabled"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	LastLogin  *time.Time `json:"last_login,omitempty"`
	Version    int64      `json:"version"`
}

// Limits on text fields; longer input is rejected, never truncated.
const (
	MaxNameLen  = 200
	MaxEmailLen = 254
	MinPassword = 12
	MaxPassword = 1024
)

// NormalizeEmail trims and lower-cases an e-mail address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a user's fields and normalises the e-mail address.
func (u *User) Validate() error {
	p := Problems{}
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	CheckText(p, "email", u.Email, MaxEmailLen)
	if u.Email == "" {
		p.Add("email", "is required")
	} else if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		p.Add("email", "is not an e-mail address such as name@example.com")
	}
	CheckText(p, "name", u.Name, MaxNameLen)
	if u.Name == "" {
		p.Add("name", "is required")
	}
	if !u.Role.Valid() {
		p.Add("role", "must be one of "+roleNames())
	}
	if u.Role == RoleSupplier && u.SupplierID == nil {
		p.Add("supplier_id", "is required for a supplier user")
	}
	if u.Role != RoleSupplier && u.SupplierID != nil {
		p.Add("supplier_id", "is only allowed for a supplier user")
	}
	return p.Err()
}

// CheckPassword reports what is wrong with a new password, if anything.
func CheckPassword(pw string) error {
	p := Problems{}
	switch n := utf8.RuneCountInString(pw); {
	case !utf8.ValidString(pw):
		p.Add("password", "is not valid UTF-8 text")
	case n < MinPassword:
		p.Add("password", "must be at least 12 characters long")
	case len(pw) > MaxPassword:
		p.Add("password", "must be at most 1024 bytes long")
	}
	return p.Err()
}

// CheckText records a problem when s is not valid UTF-8, holds control
// characters, or is longer than max runes.
func CheckText(p Problems, field, s string, max int) {
	if !utf8.ValidString(s) {
		p.Add(field, "is not valid UTF-8 text")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		p.Add(field, "is too long: at most "+strconv.Itoa(max)+" characters")
		return
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f {
			p.Add(field, "contains a control character")
			return
		}
	}
}
