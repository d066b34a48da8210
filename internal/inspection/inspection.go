package inspection

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// Status is where an inspection stands: planned -> in_progress ->
// submitted -> decided, or cancelled before it is submitted. A decided
// inspection is never edited, only amended with a reason.
type Status string

const (
	StatusPlanned    Status = "planned"     // booked, nothing recorded yet
	StatusInProgress Status = "in_progress" // being recorded
	StatusSubmitted  Status = "submitted"   // the report is final; awaiting the decision
	StatusDecided    Status = "decided"     // released, conceded, sent to rework or rejected (FAI: approved or rejected)
	StatusCancelled  Status = "cancelled"   // called off before it was submitted, with a reason
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{StatusPlanned, StatusInProgress, StatusSubmitted, StatusDecided, StatusCancelled}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Recordable reports whether entries may be recorded.
func (s Status) Recordable() bool { return s == StatusPlanned || s == StatusInProgress }

// Inspector is who inspects: an internal user (UserID set, Agency empty),
// or a third-party agency's inspector (Agency and Name set).
type Inspector struct {
	UserID *int64 `json:"user_id,omitempty"`
	Name   string `json:"name"`
	Agency string `json:"agency,omitempty"`
}

// ThirdParty reports whether an agency inspects.
func (x Inspector) ThirdParty() bool { return x.Agency != "" }

// Lot is the order and lot an inspection is for.
type Lot struct {
	PONumber      string `json:"po_number"`
	OrderQuantity int    `json:"order_quantity"` // units ordered on the PO (0: not given)
	LotSize       int    `json:"lot_size"`       // units in the lot inspected; the sample is drawn for it
	Produced      int    `json:"produced"`       // units produced (presented) at the inspection
	Packed        int    `json:"packed"`         // units packed at the inspection
}

// GateOverride is a quality manager's decision to book an inspection that
// a gate blocks.
type GateOverride struct {
	Gate    string    `json:"gate"`    // GateSupplier or GateFAI
	Reason  string    `json:"reason"`  // why it is booked anyway
	Blocked string    `json:"blocked"` // what the gate said
	ByID    int64     `json:"by_id"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// The gates an inspection booking passes.
const (
	GateSupplier = "supplier" // required certificates (supplier.ApprovalGate)
	GateFAI      = "fai"      // an approved first article for product, site and spec revision
)

// Inspection is one inspection of a lot (or, for a first article
// inspection, of the first articles of a product at a site).
type Inspection struct {
	ID         int64  `json:"id"`
	Kind       Kind   `json:"kind"`
	Status     Status `json:"status"`
	ProductID  int64  `json:"product_id"`
	SpecID     int64  `json:"spec_id"` // the released spec revision, pinned
	SupplierID int64  `json:"supplier_id"`
	SiteID     int64  `json:"site_id"`
	PlanID     *int64 `json:"plan_id,omitempty"`
	// PlanVersion is the plan's version when the sampling was snapshotted.
	PlanVersion int64     `json:"plan_version,omitempty"`
	Lot         Lot       `json:"lot"`
	Inspector   Inspector `json:"inspector"`
	PlannedOn   qms.Date  `json:"planned_on"`
	// Stage is the plan's rule for this kind, copied when planned.
	Stage StageRule `json:"stage"`
	// Sampling is the snapshotted plan of a sampled kind (nil otherwise).
	Sampling *Sampling `json:"sampling,omitempty"`
	// FAIPieces is how many first articles are measured (FAI only).
	FAIPieces int `json:"fai_pieces,omitempty"`
	// ResubmissionOf links a re-inspection after rework to the inspection
	// that sent the lot to rework. Resubmitted lots are judged but ignored
	// by the switching rules.
	ResubmissionOf *int64         `json:"resubmission_of,omitempty"`
	GateOverrides  []GateOverride `json:"gate_overrides"`
	Remarks        string         `json:"remarks"`

	StartedAt     *time.Time `json:"started_at,omitempty"`
	SubmittedAt   *time.Time `json:"submitted_at,omitempty"`
	SubmittedByID int64      `json:"submitted_by_id,omitempty"`
	SubmittedBy   string     `json:"submitted_by,omitempty"`
	// Verdict is the reported verdict: the computed one, or pending when
	// the inspector leaves the decision to the client.
	Verdict         Verdict `json:"verdict,omitempty"`
	ComputedVerdict Verdict `json:"computed_verdict,omitempty"`
	PendingReason   string  `json:"pending_reason,omitempty"`
	// Result is the evaluation at submission, kept as reported.
	Result   *Result   `json:"result,omitempty"`
	Decision *Decision `json:"decision,omitempty"`
	// NCRID links the nonconformance report raised from this inspection
	// (issue 6 brings NCRs).
	NCRID *int64 `json:"ncr_id,omitempty"`

	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
	CancelReason string     `json:"cancel_reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int64      `json:"version"`
}

// Resubmitted reports whether the inspection re-inspects a reworked lot.
func (in *Inspection) Resubmitted() bool { return in.ResubmissionOf != nil }

// Limits on inspection fields.
const (
	MaxPONumberLen = 64
	MaxQuantity    = 100_000_000
	MaxFAIPieces   = 50
)

// Validate trims and checks what is given when an inspection is planned or
// its header changes: kind, product, spec, supplier, site, lot quantities,
// inspector and remarks. Returns an invalid error listing every problem.
func (in *Inspection) Validate() error {
	p := qms.Problems{}
	if !in.Kind.Valid() {
		p.Add("kind", "must be one of incoming, pre_production, in_process, pre_shipment, container_loading, first_article")
	}
	for f, id := range map[string]int64{"product_id": in.ProductID, "spec_id": in.SpecID, "supplier_id": in.SupplierID, "site_id": in.SiteID} {
		if id <= 0 {
			p.Add(f, "is required")
		}
	}
	in.Lot.PONumber = strings.TrimSpace(in.Lot.PONumber)
	qms.CheckText(p, "po_number", in.Lot.PONumber, MaxPONumberLen)
	if in.Lot.PONumber == "" && in.Kind != KindFirstArticle {
		p.Add("po_number", "is required")
	}
	checkLot(p, in.Kind, in.Lot)
	in.Inspector = checkInspector(p, in.Inspector)
	if in.Kind == KindFirstArticle {
		if in.FAIPieces == 0 {
			in.FAIPieces = 1
		}
		if in.FAIPieces < 1 || in.FAIPieces > MaxFAIPieces {
			p.Add("fai_pieces", fmt.Sprintf("must be from 1 to %d first articles", MaxFAIPieces))
		}
	} else if in.FAIPieces != 0 {
		p.Add("fai_pieces", "applies to first article inspections only")
	}
	in.Remarks = strings.TrimSpace(in.Remarks)
	checkLongText(p, "remarks", in.Remarks, MaxLongTextLen)
	if in.GateOverrides == nil {
		in.GateOverrides = []GateOverride{}
	}
	return p.Err()
}

// checkLot checks the quantities: a lot of at least one unit, no more
// produced than the lot, no more packed than produced, and a lot no larger
// than the order when one is given.
func checkLot(p qms.Problems, k Kind, l Lot) {
	if l.LotSize <= 0 {
		p.Add("lot_size", "must be at least 1 unit")
	}
	if l.LotSize > MaxQuantity || l.OrderQuantity > MaxQuantity || l.Produced > MaxQuantity || l.Packed > MaxQuantity {
		p.Add("lot_size", fmt.Sprintf("quantities above %d are not plausible", MaxQuantity))
	}
	if l.OrderQuantity < 0 {
		p.Add("order_quantity", "must not be negative")
	}
	if l.OrderQuantity > 0 && l.LotSize > l.OrderQuantity {
		p.Add("lot_size", fmt.Sprintf("is %d, more than the %d units ordered", l.LotSize, l.OrderQuantity))
	}
	if l.Produced < 0 {
		p.Add("produced", "must not be negative")
	}
	if l.Packed < 0 {
		p.Add("packed", "must not be negative")
	}
	if l.LotSize > 0 && l.Produced > l.LotSize {
		p.Add("lot_size", fmt.Sprintf("is %d, smaller than the %d units presented: the lot is everything presented", l.LotSize, l.Produced))
	}
	if l.Packed > l.Produced && l.Produced >= 0 {
		p.Add("packed", fmt.Sprintf("is %d, more than the %d units produced", l.Packed, l.Produced))
	}
}

func checkInspector(p qms.Problems, x Inspector) Inspector {
	x.Name, x.Agency = strings.TrimSpace(x.Name), strings.TrimSpace(x.Agency)
	qms.CheckText(p, "inspector.name", x.Name, MaxNameLen)
	qms.CheckText(p, "inspector.agency", x.Agency, MaxNameLen)
	switch {
	case x.Agency == "" && (x.UserID == nil || *x.UserID <= 0):
		p.Add("inspector.user_id", "name an internal user, or a third-party agency and its inspector")
	case x.Agency != "" && x.UserID != nil:
		p.Add("inspector.user_id", "a third-party inspector is named, not a user of qms")
	case x.Agency != "" && x.Name == "":
		p.Add("inspector.name", "is required for a third-party inspector")
	}
	return x
}

// PercentOf returns part as a whole percentage of whole, rounded down.
func PercentOf(part, whole int) int {
	if whole <= 0 {
		return 0
	}
	return int(int64(part) * 100 / int64(whole))
}

// CheckRecordable checks that entries may be recorded into the inspection.
// Returns conflict.
func CheckRecordable(in *Inspection) error {
	if in.Status.Recordable() {
		return nil
	}
	switch in.Status {
	case StatusDecided:
		return qms.Errorf(qms.KindConflict, "inspection %d is decided and can no longer be edited: add an amendment with a reason", in.ID)
	case StatusCancelled:
		return qms.Errorf(qms.KindConflict, "inspection %d is cancelled", in.ID)
	}
	return qms.Errorf(qms.KindConflict, "inspection %d is submitted: a quality manager must return it before anything more is recorded", in.ID)
}

// CheckEditHeader checks that the header (lot quantities, inspector, date,
// remarks) may change: only before submission. Returns conflict.
func CheckEditHeader(in *Inspection) error { return CheckRecordable(in) }

// CheckCancel checks that actor a may cancel the inspection: only before
// submission, with a reason. Returns forbidden, conflict or invalid.
func CheckCancel(a qms.Actor, in *Inspection, reason string) (string, error) {
	if !qms.CanEditQualityRecords(a) {
		return "", forbidden("cancel inspections")
	}
	if err := CheckRecordable(in); err != nil {
		return "", err
	}
	p := qms.Problems{}
	reason = checkReason(p, "reason", reason, "say why the inspection is called off")
	return reason, p.Err()
}

// CheckReturn checks that actor a may return a submitted inspection to the
// inspector for correction: a quality manager, with a reason. Returns
// forbidden, conflict or invalid.
func CheckReturn(a qms.Actor, in *Inspection, reason string) (string, error) {
	if !qms.CanApprove(a) {
		return "", forbidden("return a submitted inspection: a quality manager does")
	}
	if in.Status != StatusSubmitted {
		return "", qms.Errorf(qms.KindConflict, "inspection %d is %s: only a submitted inspection can be returned", in.ID, in.Status)
	}
	p := qms.Problems{}
	reason = checkReason(p, "reason", reason, "say what must be corrected")
	return reason, p.Err()
}

// Amendment is a note added to a decided (or submitted) inspection with a
// reason: the record itself never changes.
type Amendment struct {
	ID           int64     `json:"id"`
	InspectionID int64     `json:"inspection_id"`
	Text         string    `json:"text"`
	Reason       string    `json:"reason"`
	ByID         int64     `json:"by_id"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`
}

// CheckAmend checks an amendment by actor a. Returns forbidden, conflict
// (before submission the inspection is simply edited) or invalid.
func CheckAmend(a qms.Actor, in *Inspection, am *Amendment) error {
	if !qms.CanEditQualityRecords(a) {
		return forbidden("amend inspections")
	}
	if in.Status != StatusSubmitted && in.Status != StatusDecided {
		return qms.Errorf(qms.KindConflict, "inspection %d is %s: change it directly; amendments are for submitted and decided inspections", in.ID, in.Status)
	}
	p := qms.Problems{}
	am.Text = strings.TrimSpace(am.Text)
	checkLongText(p, "text", am.Text, MaxLongTextLen)
	if am.Text == "" {
		p.Add("text", "is required: what is amended")
	}
	am.Reason = checkReason(p, "reason", am.Reason, "say why the report is amended")
	return p.Err()
}

// CheckOverride checks a gate override by actor a: a quality manager, with
// a reason. Returns forbidden or invalid.
func CheckOverride(a qms.Actor, o *GateOverride) error {
	if !qms.CanApprove(a) {
		return forbidden("override a booking gate: a quality manager does")
	}
	p := qms.Problems{}
	if o.Gate != GateSupplier && o.Gate != GateFAI {
		p.Add("gate", "must be supplier or fai")
	}
	o.Reason = checkReason(p, "reason", o.Reason, "say why the inspection is booked although the gate blocks it")
	return p.Err()
}
