package ncr

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// Source is where a nonconformance was detected. The set is closed.
type Source string

const (
	SourceIncoming      Source = "incoming_inspection"     // IQC at the buyer's or a contract manufacturer's warehouse
	SourceInProcess     Source = "in_process_inspection"   // during or before production (DUPRO, pre-production, first article)
	SourcePreShipment   Source = "pre_shipment_inspection" // PSI or container loading
	SourceComplaint     Source = "customer_complaint"
	SourceReturn        Source = "customer_return"
	SourceInternalAudit Source = "internal_audit"
	SourceSupplierAudit Source = "supplier_audit"
	SourceOther         Source = "other"
)

// Sources lists every source in display order.
var Sources = []Source{SourceIncoming, SourceInProcess, SourcePreShipment, SourceComplaint, SourceReturn,
	SourceInternalAudit, SourceSupplierAudit, SourceOther}

// Valid reports whether s is one of Sources.
func (s Source) Valid() bool { return slices.Contains(Sources, s) }

// Inspection reports whether the source is an inspection (the NCR may link
// one).
func (s Source) Inspection() bool {
	return s == SourceIncoming || s == SourceInProcess || s == SourcePreShipment
}

// Label is the source's name for people.
func (s Source) Label() string {
	switch s {
	case SourceIncoming:
		return "Incoming inspection"
	case SourceInProcess:
		return "In-process inspection"
	case SourcePreShipment:
		return "Pre-shipment inspection"
	case SourceComplaint:
		return "Customer complaint"
	case SourceReturn:
		return "Customer return"
	case SourceInternalAudit:
		return "Internal audit"
	case SourceSupplierAudit:
		return "Supplier audit"
	case SourceOther:
		return "Other"
	}
	return string(s)
}

// SourceOf returns the NCR source of an inspection kind: first article,
// pre-production and during-production inspections are in-process;
// container loading is pre-shipment.
func SourceOf(k inspection.Kind) Source {
	switch k {
	case inspection.KindIncoming:
		return SourceIncoming
	case inspection.KindPreShipment, inspection.KindContainerLoading:
		return SourcePreShipment
	}
	return SourceInProcess
}

// Status is where an NCR stands: open -> contained -> dispositioned ->
// verified -> closed, or voided with a reason (see Transitions).
type Status string

const (
	StatusOpen          Status = "open"          // reported; containment under way
	StatusContained     Status = "contained"     // containment done; awaiting the disposition
	StatusDispositioned Status = "dispositioned" // the disposition is decided (MRB-approved where needed)
	StatusVerified      Status = "verified"      // the disposition was carried out and checked
	StatusClosed        Status = "closed"        // final
	StatusVoided        Status = "voided"        // raised in error, with a reason; final
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{StatusOpen, StatusContained, StatusDispositioned, StatusVerified, StatusClosed, StatusVoided}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Active reports whether the NCR is still being worked (not closed, not
// voided).
func (s Status) Active() bool { return s.Valid() && s != StatusClosed && s != StatusVoided }

// Label is the status's name for people.
func (s Status) Label() string {
	switch s {
	case StatusOpen:
		return "Open"
	case StatusContained:
		return "Contained"
	case StatusDispositioned:
		return "Dispositioned"
	case StatusVerified:
		return "Verified"
	case StatusClosed:
		return "Closed"
	case StatusVoided:
		return "Voided"
	}
	return string(s)
}

// Defect is one kind of defect found, with the number of units that have
// it.
type Defect struct {
	Code           string                 `json:"code,omitempty"` // a code of the defect library, if any
	Description    string                 `json:"description"`
	Class          inspection.DefectClass `json:"class"`
	Quantity       int                    `json:"quantity"`                 // units with this defect
	Characteristic int                    `json:"characteristic,omitempty"` // the spec characteristic not met, if any
	Photos         []int64                `json:"photos,omitempty"`         // file ids
}

// NCR is a nonconformance report. Containment actions are kept beside it
// (Actions, loaded with it); the CAPAs that answer it link to it.
type NCR struct {
	ID       int64                  `json:"id"`
	Source   Source                 `json:"source"`
	Status   Status                 `json:"status"`
	Title    string                 `json:"title"`
	Severity inspection.DefectClass `json:"severity"`

	// Links. Zero ids and empty references mean none.
	SupplierID   int64  `json:"supplier_id,omitempty"`
	SiteID       int64  `json:"site_id,omitempty"`
	ProductID    int64  `json:"product_id,omitempty"`
	SpecID       int64  `json:"spec_id,omitempty"` // the spec revision the requirement comes from
	InspectionID int64  `json:"inspection_id,omitempty"`
	PONumber     string `json:"po_number,omitempty"`
	LotRef       string `json:"lot_ref,omitempty"` // lot, batch or serial range
	ComplaintRef string `json:"complaint_ref,omitempty"`
	AuditRef     string `json:"audit_ref,omitempty"`

	Requirement       string   `json:"requirement"` // what was required (spec clause, drawing dimension, golden sample, AQL)
	Found             string   `json:"found"`       // what was found
	DetectedOn        qms.Date `json:"detected_on"`
	QuantityInspected int      `json:"quantity_inspected"` // units inspected (the sample), if known
	QuantityAffected  int      `json:"quantity_affected"`  // units nonconforming or suspect: what the disposition splits
	Defects           []Defect `json:"defects"`
	// CauseCategory is the 6M category of the cause, once known (for the
	// Pareto of NCRs by cause); empty until then.
	CauseCategory Category `json:"cause_category,omitempty"`

	Disposition []DispositionLine `json:"disposition"`
	MRB         []Approval        `json:"mrb"` // approvals of the current disposition
	Cost        Cost              `json:"cost"`

	Actions []Action `json:"actions"` // containment actions, oldest first

	StatusReason    string     `json:"status_reason,omitempty"` // the reason of the last move that needed one
	Verification    string     `json:"verification,omitempty"`  // how the disposition was verified
	ContainedAt     *time.Time `json:"contained_at,omitempty"`
	DispositionedAt *time.Time `json:"dispositioned_at,omitempty"`
	VerifiedAt      *time.Time `json:"verified_at,omitempty"`
	ClosedAt        *time.Time `json:"closed_at,omitempty"`
	VoidedAt        *time.Time `json:"voided_at,omitempty"`
	CreatedByID     int64      `json:"created_by_id"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Version         int64      `json:"version"`
}

// Number is the NCR's number for people: NCR-00042.
func (n *NCR) Number() string { return Number(n.ID) }

// Number is the number for people of the NCR with the given id.
func Number(id int64) string { return fmt.Sprintf("NCR-%05d", id) }

// Limits on NCR fields; longer input is rejected, never truncated.
const (
	MaxTitleLen    = 200
	MaxRefLen      = 100
	MaxTextLen     = 10000
	MaxShortText   = 2000
	MaxReasonLen   = 2000
	MaxDefects     = 200
	MaxQuantity    = inspection.MaxQuantity
	MaxActions     = 100
	MaxDispLines   = 20
	MaxMRBApprover = 2
)

// Category is one of the 6M categories of causes of an Ishikawa diagram,
// shared by the NCR (for the Pareto of NCRs by cause) and the CAPA's root
// cause.
type Category string

const (
	CatMan         Category = "man" // people: skill, training, attention
	CatMachine     Category = "machine"
	CatMethod      Category = "method"
	CatMaterial    Category = "material"
	CatMeasurement Category = "measurement"
	CatEnvironment Category = "environment" // "mother nature"
)

// Categories lists the 6M categories in the usual order of the diagram.
var Categories = []Category{CatMan, CatMachine, CatMethod, CatMaterial, CatMeasurement, CatEnvironment}

// Valid reports whether c is one of Categories.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Label is the category's name for people.
func (c Category) Label() string {
	switch c {
	case CatMan:
		return "Man (people)"
	case CatMachine:
		return "Machine"
	case CatMethod:
		return "Method"
	case CatMaterial:
		return "Material"
	case CatMeasurement:
		return "Measurement"
	case CatEnvironment:
		return "Environment"
	}
	return string(c)
}

// Validate trims and checks what is given when an NCR is raised or edited:
// source, title, severity, links, requirement and finding, quantities,
// detection date and defects. Status, disposition, approvals, cost and
// actions have their own checks. Returns an invalid error listing every
// problem.
func (n *NCR) Validate() error {
	p := qms.Problems{}
	if !n.Source.Valid() {
		p.Add("source", "must be one of "+names(Sources))
	}
	n.Title = strings.TrimSpace(n.Title)
	qms.CheckText(p, "title", n.Title, MaxTitleLen)
	if n.Title == "" {
		p.Add("title", "is required: a short name of the nonconformance")
	}
	if !n.Severity.Valid() {
		p.Add("severity", "must be critical, major or minor")
	}
	for f, id := range map[string]int64{"supplier_id": n.SupplierID, "site_id": n.SiteID, "product_id": n.ProductID, "spec_id": n.SpecID, "inspection_id": n.InspectionID} {
		if id < 0 {
			p.Add(f, "is not an id")
		}
	}
	if n.SiteID > 0 && n.SupplierID == 0 {
		p.Add("supplier_id", "is required with a site")
	}
	if n.SpecID > 0 && n.ProductID == 0 {
		p.Add("product_id", "is required with a spec revision")
	}
	if n.InspectionID > 0 && !n.Source.Inspection() {
		p.Add("inspection_id", "links an inspection, but the source is "+strings.ToLower(n.Source.Label()))
	}
	n.PONumber, n.LotRef = strings.TrimSpace(n.PONumber), strings.TrimSpace(n.LotRef)
	n.ComplaintRef, n.AuditRef = strings.TrimSpace(n.ComplaintRef), strings.TrimSpace(n.AuditRef)
	for f, s := range map[string]string{"po_number": n.PONumber, "lot_ref": n.LotRef, "complaint_ref": n.ComplaintRef, "audit_ref": n.AuditRef} {
		qms.CheckText(p, f, s, MaxRefLen)
	}
	if (n.Source == SourceComplaint || n.Source == SourceReturn) && n.ComplaintRef == "" {
		p.Add("complaint_ref", "is required for a customer complaint or return: the complaint or RMA number")
	}
	n.Requirement, n.Found = strings.TrimSpace(n.Requirement), strings.TrimSpace(n.Found)
	checkLong(p, "requirement", n.Requirement, MaxTextLen)
	checkLong(p, "found", n.Found, MaxTextLen)
	if n.Found == "" {
		p.Add("found", "is required: what was found, with measured values where there are any")
	}
	if n.DetectedOn.IsZero() {
		p.Add("detected_on", "is required")
	}
	if n.QuantityAffected <= 0 || n.QuantityAffected > MaxQuantity {
		p.Add("quantity_affected", fmt.Sprintf("must be from 1 to %d units", MaxQuantity))
	}
	if n.QuantityInspected < 0 || n.QuantityInspected > MaxQuantity {
		p.Add("quantity_inspected", fmt.Sprintf("must be from 0 to %d units", MaxQuantity))
	}
	n.CauseCategory = Category(strings.ToLower(strings.TrimSpace(string(n.CauseCategory))))
	if n.CauseCategory != "" && !n.CauseCategory.Valid() {
		p.Add("cause_category", "must be one of "+names(Categories))
	}
	if n.Defects == nil {
		n.Defects = []Defect{}
	}
	if len(n.Defects) > MaxDefects {
		p.Add("defects", fmt.Sprintf("at most %d defect lines", MaxDefects))
	}
	for i := range n.Defects {
		d := &n.Defects[i]
		f := fmt.Sprintf("defects.%d.", i)
		d.Code, d.Description = inspection.NormalizeDefectCode(d.Code), strings.TrimSpace(d.Description)
		qms.CheckText(p, f+"code", d.Code, inspection.MaxDefectCodeLen)
		qms.CheckText(p, f+"description", d.Description, MaxShortText)
		if d.Code == "" && d.Description == "" {
			p.Add(f+"description", "is required without a defect code")
		}
		if !d.Class.Valid() {
			p.Add(f+"class", "must be critical, major or minor")
		}
		if d.Quantity < 0 || d.Quantity > MaxQuantity {
			p.Add(f+"quantity", "must be from 0 to the units found")
		}
		if d.Characteristic < 0 {
			p.Add(f+"characteristic", "is not a characteristic number")
		}
		for _, id := range d.Photos {
			if id <= 0 {
				p.Add(f+"photos", "must be file ids")
			}
		}
	}
	return p.Err()
}

// checkLong checks a text that may span lines.
func checkLong(p qms.Problems, field, s string, max int) {
	qms.CheckText(p, field, strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(s), max)
}

// checkReason trims and checks a reason that must be given.
func checkReason(p qms.Problems, field, reason, what string) string {
	reason = strings.TrimSpace(reason)
	checkLong(p, field, reason, MaxReasonLen)
	if reason == "" {
		p.Add(field, "is required: "+what)
	}
	return reason
}

func forbidden(what string) error { return qms.Errorf(qms.KindForbidden, "your role may not %s", what) }

func names[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// CheckCreate checks that actor a may raise the NCR and validates it.
// Quality staff raise NCRs (qms.CanEditQualityRecords). Returns forbidden
// or invalid.
func CheckCreate(a qms.Actor, n *NCR) error {
	if !qms.CanEditQualityRecords(a) {
		return forbidden("raise NCRs")
	}
	return n.Validate()
}

// CheckEdit checks that actor a may change the report itself (links,
// requirement, finding, quantities, defects): quality staff, while the NCR
// is open or contained. After the disposition the facts it was decided on
// stay as they were; revise the disposition first. Returns forbidden or
// conflict.
func CheckEdit(a qms.Actor, n *NCR) error {
	if !qms.CanEditQualityRecords(a) {
		return forbidden("change NCRs")
	}
	switch n.Status {
	case StatusOpen, StatusContained:
		return nil
	case StatusDispositioned, StatusVerified:
		return qms.Errorf(qms.KindConflict, "%s is %s: the report can no longer change; a quality manager may revise the disposition first", n.Number(), n.Status)
	}
	return qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", n.Number(), n.Status)
}
