// Package complaint provides customer complaint records (ISO 13485:2016
// 8.2.2): when and from whom a complaint was received, about which
// product, what it says, whether it is reportable to a regulatory
// authority (8.2.3) and why, and its links to the NCR and CAPA that
// handle it, or the recorded reason why no CAPA is needed.
//
// The package is pure. It must not import database/sql, net/http or
// internal/store.
package complaint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
)

// Status is the state of a complaint.
type Status string

const (
	Open   Status = "open"
	Closed Status = "closed"
)

// Limits of the text fields.
const (
	MaxCustomerLen    = 200
	MaxRefLen         = 100
	MaxDescriptionLen = 10000
	MaxReasonLen      = 4000
)

// Complaint is a customer complaint.
type Complaint struct {
	ID            int64      `json:"id"`
	ReceivedOn    qms.Date   `json:"received_on"`
	Customer      string     `json:"customer"`
	CustomerRef   string     `json:"customer_ref"`
	ProductID     int64      `json:"product_id,omitempty"`
	ProductText   string     `json:"product_text"`
	Description   string     `json:"description"`
	Reportable    bool       `json:"reportable"`
	Reportability string     `json:"reportability"` // the rationale of the reportability decision
	NCRID         int64      `json:"ncr_id,omitempty"`
	CAPAID        int64      `json:"capa_id,omitempty"`
	NoCAPAReason  string     `json:"no_capa_reason"`
	Status        Status     `json:"status"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	VoidedAt      *time.Time `json:"voided_at,omitempty"`
	VoidReason    string     `json:"void_reason,omitempty"`
	CreatedByID   int64      `json:"created_by_id"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Version       int64      `json:"version"`
}

// Number is the complaint's number for people.
func (c *Complaint) Number() string { return Number(c.ID) }

// Number is the number of the complaint with the given id.
func Number(id int64) string { return fmt.Sprintf("CMP-%05d", id) }

var numberRE = regexp.MustCompile(`^(?i)CMP-0*([1-9][0-9]{0,17})$`)

// ParseNumber returns the id a complaint number ("CMP-00012") names.
func ParseNumber(s string) (int64, bool) {
	m := numberRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	return id, err == nil
}

// Validate trims and checks a complaint: the date received (not in the
// future), the customer, a description, the product (a product record or
// its name), the reportability decision's rationale, and for a closed
// complaint a CAPA or the reason why none is needed (8.2.2: "record the
// rationale"). Returns invalid.
func (c *Complaint) Validate(today qms.Date) error {
	p := qms.Problems{}
	c.Customer, c.CustomerRef, c.ProductText = strings.TrimSpace(c.Customer), strings.TrimSpace(c.CustomerRef), strings.TrimSpace(c.ProductText)
	c.Description, c.Reportability, c.NoCAPAReason = strings.TrimSpace(c.Description), strings.TrimSpace(c.Reportability), strings.TrimSpace(c.NoCAPAReason)
	if c.ReceivedOn.IsZero() {
		p.Add("received_on", "is required: the date the complaint was received")
	} else if today.Before(c.ReceivedOn) {
		p.Add("received_on", "is in the future")
	}
	qms.CheckText(p, "customer", c.Customer, MaxCustomerLen)
	if c.Customer == "" {
		p.Add("customer", "is required: who complained")
	}
	qms.CheckText(p, "customer_ref", c.CustomerRef, MaxRefLen)
	qms.CheckText(p, "product_text", c.ProductText, MaxCustomerLen)
	if c.ProductID < 0 {
		p.Add("product_id", "must be the id of a product")
	}
	if c.ProductID == 0 && c.ProductText == "" {
		p.Add("product_id", "is required: the product complained about (a product, or its name)")
	}
	qms.CheckText(p, "description", c.Description, MaxDescriptionLen)
	if c.Description == "" {
		p.Add("description", "is required: what the customer reports")
	}
	qms.CheckText(p, "reportability", c.Reportability, MaxReasonLen)
	if c.Reportable && c.Reportability == "" {
		p.Add("reportability", "is required for a reportable complaint: to whom and why it is reported")
	}
	qms.CheckText(p, "no_capa_reason", c.NoCAPAReason, MaxReasonLen)
	if c.NCRID < 0 {
		p.Add("ncr_id", "must be the id of an NCR")
	}
	if c.CAPAID < 0 {
		p.Add("capa_id", "must be the id of a CAPA")
	}
	if c.CAPAID > 0 {
		c.NoCAPAReason = ""
	}
	return p.Err()
}

// CheckClose says whether a complaint may be closed: open, not voided, and
// with a CAPA or the recorded reason why no corrective action is needed.
// Returns conflict or invalid.
func CheckClose(c *Complaint) error {
	if c.VoidedAt != nil {
		return qms.Errorf(qms.KindConflict, "This complaint is voided and can no longer be changed")
	}
	if c.Status != Open {
		return qms.Errorf(qms.KindConflict, "This complaint is closed already")
	}
	if c.CAPAID == 0 && c.NoCAPAReason == "" {
		p := qms.Problems{}
		p.Add("no_capa_reason", "is required to close a complaint without a CAPA: why no corrective action is needed")
		return p.Err()
	}
	return nil
}
