// Package process holds the process register of the quality management
// system (ISO 9001:2015 clauses 4.4 and 5.3: each process with its owner,
// inputs, outputs and performance indicators) and the register of risks
// and opportunities (clause 6.1: likelihood and severity from 1 to 5, the
// score and level they give, an owner, actions with due dates and review
// dates, linked to a process and a supplier).
//
// The package is pure: it imports the standard library and qms only. It
// must not import database/sql or net/http.
package process

import (
	"strings"
	"time"

	"qms/internal/qms"
)

// Limits on text fields.
const (
	MaxNameLen = 200
	MaxTextLen = 5000
)

// Process is one process of the quality management system.
type Process struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"` // unique, ignoring case
	Purpose   string     `json:"purpose,omitempty"`
	OwnerID   int64      `json:"owner_id"`
	OwnerName string     `json:"owner_name"`
	Inputs    string     `json:"inputs,omitempty"`  // one per line
	Outputs   string     `json:"outputs,omitempty"` // one per line
	KPIs      string     `json:"kpis,omitempty"`    // performance indicators, one per line
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	VoidedAt  *time.Time `json:"voided_at,omitempty"`
	Version   int64      `json:"version"`
}

// NameKey is the form of a name that is unique.
func NameKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Validate checks a process and trims its fields. The owner is required.
func (p *Process) Validate() error {
	pr := qms.Problems{}
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	qms.CheckText(pr, "name", p.Name, MaxNameLen)
	if p.Name == "" {
		pr.Add("name", "is required, such as Purchasing")
	}
	if p.OwnerID <= 0 {
		pr.Add("owner_id", "is required: choose the process owner")
	}
	for f, s := range map[string]*string{"purpose": &p.Purpose, "inputs": &p.Inputs, "outputs": &p.Outputs, "kpis": &p.KPIs} {
		*s = strings.TrimSpace(strings.ReplaceAll(*s, "\r\n", "\n"))
		multiline(pr, f, *s, MaxTextLen)
	}
	return pr.Err()
}

// Lines splits a multi-line field into its non-empty lines.
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func multiline(p qms.Problems, field, s string, max int) {
	qms.CheckText(p, field, strings.ReplaceAll(s, "\n", " "), max)
}
