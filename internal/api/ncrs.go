package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
)

// Nonconformance reports: list, read (with the MRB signatures checked
// against the current content and the CAPAs answering it), raise (also in
// one step from a failed inspection), edit the report, containment
// actions, the disposition split by quantity, the Material Review Board
// approval (an electronic signature: the password again), the cost of poor
// quality, the lifecycle moves and voiding. Every operation goes through
// package ncrops. NCRs are the buyer's internal records: a supplier's user
// gets 404 for every NCR and 403 for the list; it sees a nonconformance
// through the corrective action request addressed to it (capas.go).

func (a *API) ncrs() *ncrops.Service { return &ncrops.Service{Store: a.store, Auth: a.auth} }

// NCRIDParam is the path parameter of the operations on one NCR.
type NCRIDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the NCR."`
}

type ncrOutput struct{ Body ncr.NCR }

type ncrCreatedOutput struct {
	Location string `header:"Location"`
	Body     ncr.NCR
}

// NCRDetail is an NCR with its checked signatures, the CAPAs answering it
// and the moves the caller may make (ncrops.Detail).
type NCRDetail struct{ ncrops.Detail }

type ncrDetailOutput struct{ Body NCRDetail }

type listNCRsInput struct {
	Status       string `query:"status" enum:"open,contained,dispositioned,verified,closed,voided"`
	Active       bool   `query:"active" doc:"Only NCRs still being worked (not closed or voided)."`
	SupplierID   int64  `query:"supplier_id" minimum:"1"`
	ProductID    int64  `query:"product_id" minimum:"1"`
	InspectionID int64  `query:"inspection_id" minimum:"1"`
	PageParams
}

type listNCRsOutput struct{ Body Page[ncr.NCR] }

// NCRRequest is the report of an NCR: what is given when it is raised and
// when it is edited.
type NCRRequest struct {
	Source            string       `json:"source" enum:"incoming_inspection,in_process_inspection,pre_shipment_inspection,customer_complaint,customer_return,internal_audit,supplier_audit,other" doc:"Ignored when editing: the source stays."`
	Title             string       `json:"title" maxLength:"200"`
	Severity          string       `json:"severity" enum:"critical,major,minor"`
	SupplierID        int64        `json:"supplier_id,omitempty" minimum:"0"`
	SiteID            int64        `json:"site_id,omitempty" minimum:"0"`
	ProductID         int64        `json:"product_id,omitempty" minimum:"0"`
	SpecID            int64        `json:"spec_id,omitempty" minimum:"0" doc:"The spec revision the requirement comes from."`
	InspectionID      int64        `json:"inspection_id,omitempty" minimum:"0" doc:"Ignored when editing. Raise from an inspection with POST /inspections/{id}/ncr."`
	PONumber          string       `json:"po_number,omitempty" maxLength:"100"`
	LotRef            string       `json:"lot_ref,omitempty" maxLength:"100"`
	ComplaintRef      string       `json:"complaint_ref,omitempty" maxLength:"100" doc:"Required for a customer complaint or return."`
	AuditRef          string       `json:"audit_ref,omitempty" maxLength:"100"`
	Requirement       string       `json:"requirement,omitempty" maxLength:"10000"`
	Found             string       `json:"found" maxLength:"10000"`
	DetectedOn        string       `json:"detected_on,omitempty" format:"date" doc:"Absent: today."`
	QuantityInspected int          `json:"quantity_inspected,omitempty"`
	QuantityAffected  int          `json:"quantity_affected" doc:"Units nonconforming or suspect: what the disposition splits."`
	Defects           []ncr.Defect `json:"defects,omitempty" maxItems:"200"`
	CauseCategory     string       `json:"cause_category,omitempty" enum:"man,machine,method,material,measurement,environment"`
}

func (b NCRRequest) ncr(today qms.Date) (*ncr.NCR, error) {
	n := &ncr.NCR{Source: ncr.Source(b.Source), Title: b.Title, Severity: inspection.DefectClass(b.Severity), SupplierID: b.SupplierID,
		SiteID: b.SiteID, ProductID: b.ProductID, SpecID: b.SpecID, InspectionID: b.InspectionID, PONumber: b.PONumber, LotRef: b.LotRef,
		ComplaintRef: b.ComplaintRef, AuditRef: b.AuditRef, Requirement: b.Requirement, Found: b.Found, DetectedOn: today,
		QuantityInspected: b.QuantityInspected, QuantityAffected: b.QuantityAffected, Defects: b.Defects, CauseCategory: ncr.Category(b.CauseCategory)}
	if b.DetectedOn != "" {
		d, err := date("body.detected_on", b.DetectedOn)
		if err != nil {
			return nil, err
		}
		n.DetectedOn = d
	}
	return n, nil
}

type createNCRInput struct{ Body NCRRequest }

// UpdateNCRRequest replaces the report of an open or contained NCR.
type UpdateNCRRequest struct {
	NCRRequest
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"2000"`
}

type updateNCRInput struct {
	NCRIDParam
	Body UpdateNCRRequest
}

// NCRActionRequest is a new containment action.
type NCRActionRequest struct {
	Kind        string `json:"kind" enum:"hold_shipment,sort,quarantine,block_stock,notify_customer,recall,other"`
	Description string `json:"description,omitempty" maxLength:"2000" doc:"Required for other."`
	OwnerUserID int64  `json:"owner_user_id,omitempty" minimum:"0" doc:"An internal user who owns it (may complete it); 0 for someone outside qms."`
	OwnerName   string `json:"owner_name" maxLength:"200"`
	DueOn       string `json:"due_on" format:"date"`
}

type addNCRActionInput struct {
	NCRIDParam
	Body NCRActionRequest
}

type ncrActionOutput struct{ Body ncr.Action }

// FinishActionRequest completes or cancels a containment action.
type FinishActionRequest struct {
	Status  string `json:"status" enum:"done,cancelled"`
	Result  string `json:"result" maxLength:"2000" doc:"Done: what was done and how it was verified. Cancelled: why."`
	Version int64  `json:"version" minimum:"1" doc:"The action's version."`
}

type finishNCRActionInput struct {
	NCRIDParam
	ActionID int64 `path:"action_id" minimum:"1" doc:"The id of the containment action."`
	Body     FinishActionRequest
}

// DispositionRequest proposes the disposition split by quantity.
type DispositionRequest struct {
	Lines   []ncr.DispositionLine `json:"lines" maxItems:"20" doc:"The quantities must add up to the affected quantity. Use as is and repair need a rationale and the MRB's approval."`
	Version int64                 `json:"version" minimum:"1"`
	Reason  string                `json:"reason,omitempty" maxLength:"2000"`
}

type dispositionInput struct {
	NCRIDParam
	Body DispositionRequest
}

// SignRequest is an electronic signature: the signer's password again.
type SignRequest struct {
	Password string `json:"password" maxLength:"1000" doc:"The signer's own password, entered again. A wrong one counts toward the sign-in limit."`
	Comment  string `json:"comment,omitempty" maxLength:"2000"`
	Version  int64  `json:"version" minimum:"1"`
}

type approveNCRInput struct {
	NCRIDParam
	Body SignRequest
}

// SignedNCR is an NCR with the signature just made.
type SignedNCR struct {
	NCR       ncr.NCR         `json:"ncr"`
	Signature esign.Signature `json:"signature"`
}

type signedNCROutput struct{ Body SignedNCR }

// CostRequest records the cost of poor quality.
type CostRequest struct {
	ncr.Cost
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"2000"`
}

type ncrCostInput struct {
	NCRIDParam
	Body CostRequest
}

// NCRMoveRequest is a lifecycle move.
type NCRMoveRequest struct {
	Move    string `json:"move" enum:"contain,disposition,revise,verify,close,void"`
	Reason  string `json:"reason,omitempty" maxLength:"2000" doc:"Required to revise, verify (how it was verified) and void."`
	Version int64  `json:"version" minimum:"1"`
}

type ncrMoveInput struct {
	NCRIDParam
	Body NCRMoveRequest
}

type voidNCRInput struct {
	NCRIDParam
	Body VoidRequest
}

// registerNCRs registers the NCR operations and, beside them, the CAPA
// operations (capas.go) that answer NCRs.
func (a *API) registerNCRs() {
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "NCRs",
		Description: "Nonconformance reports: raised by quality staff (in one step from a failed inspection), contained with actions, " +
			"dispositioned by quantity (the lines add up to the affected quantity; use as is and repair need two Material Review Board approvals, " +
			"each an electronic signature with the password entered again), verified and closed, or voided with a reason. " +
			"Internal records: a supplier's user gets 404 for each NCR and 403 for the list."})
	tags := []string{"NCRs"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	created := func(o huma.Operation) huma.Operation { o.DefaultStatus = http.StatusCreated; return o }
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-ncrs", "GET", "/ncrs", "List NCRs", "Newest first, filtered and paged. Internal staff."), a.listNCRs)
	Handle(a, created(op("create-ncr", "POST", "/ncrs", "Raise an NCR", "Admins, quality managers and inspectors.", cf)), a.createNCR)
	Handle(a, created(op("raise-ncr-from-inspection", "POST", "/inspections/{id}/ncr", "Raise the NCR of a failed inspection",
		"In one step: the inspection's data and defects are copied and the inspection links to it; its lot cannot be released while the NCR is open "+
			"unless the disposition allows it. 409 when the inspection passed, is not submitted, or has an NCR already.", nf, cf)), a.raiseNCR)
	Handle(a, op("get-ncr", "GET", "/ncrs/{id}", "Get an NCR",
		"With its defects, containment actions, MRB signatures (each checked against the current content: valid, or no longer matching), the CAPAs answering it and the moves you may make.", nf), a.getNCR)
	Handle(a, op("update-ncr", "PUT", "/ncrs/{id}", "Edit an NCR's report",
		"While open or contained. A change of what MRB approvals signed drops them (their signatures then no longer match).", nf, cf), a.updateNCR)
	Handle(a, created(op("add-ncr-action", "POST", "/ncrs/{id}/actions", "Add a containment action",
		"With an owner and a due date; reported overdue the day after.", nf, cf)), a.addNCRAction)
	Handle(a, op("finish-ncr-action", "POST", "/ncrs/{id}/actions/{action_id}/finish", "Complete or cancel a containment action",
		"Quality staff or the action's internal owner.", nf, cf), a.finishNCRAction)
	Handle(a, op("set-ncr-disposition", "PUT", "/ncrs/{id}/disposition", "Propose the disposition",
		"Split by quantity; the lines must add up to the affected quantity. Changed lines drop earlier MRB approvals.", nf, cf), a.setDisposition)
	Handle(a, op("approve-ncr-disposition", "POST", "/ncrs/{id}/approve", "Approve the disposition for the MRB (signed)",
		"An electronic signature meaning approved over the disposition: the password entered again (a wrong one is 422 and counts toward the sign-in limit; too many are 429). "+
			"Two different approvers, one of them a quality manager; the same person twice is 409.", nf, cf, http.StatusTooManyRequests), a.approveNCR)
	Handle(a, op("set-ncr-cost", "PUT", "/ncrs/{id}/cost", "Record the cost of poor quality",
		"In integer minor units (cents) of one currency, with the amount charged back to the supplier.", nf, cf), a.setNCRCost)
	Handle(a, op("move-ncr", "POST", "/ncrs/{id}/move", "Move an NCR through its lifecycle",
		"contain (actions done), disposition (decided, MRB-approved where needed), revise, verify, close (no open actions), void.", nf, cf), a.moveNCR)
	Handle(a, op("void-ncr", "POST", "/ncrs/{id}/void", "Void an NCR", "Quality managers, with a reason.", nf, cf), a.voidNCR)
	a.relaxRequired("DispositionLine", "kind", "quantity")
	a.relaxRequired("Defect", "class", "quantity")
	a.relaxRequired("CostRequest", "version")
	a.registerCAPAs()
}

func ncrLocation(id int64) string { return Prefix + "/ncrs/" + strconv.FormatInt(id, 10) }

func (a *API) listNCRs(ctx context.Context, in *listNCRsInput) (*listNCRsOutput, error) {
	before, err := in.After()
	if err != nil {
		return nil, err
	}
	items, next, err := a.ncrs().List(ctx, store.NCRFilter{Status: ncr.Status(in.Status), Active: in.Active, SupplierID: in.SupplierID,
		ProductID: in.ProductID, InspectionID: in.InspectionID, Before: before, Limit: in.PageLimit()})
	if err != nil {
		return nil, err
	}
	return &listNCRsOutput{Body: NewPage(items, next)}, nil
}

func (a *API) createNCR(ctx context.Context, in *createNCRInput) (*ncrCreatedOutput, error) {
	n, err := in.Body.ncr(qms.DateOf(a.store.Now()))
	if err != nil {
		return nil, err
	}
	if err := a.ncrs().Create(ctx, n); err != nil {
		return nil, err
	}
	return &ncrCreatedOutput{Location: ncrLocation(n.ID), Body: *n}, nil
}

func (a *API) raiseNCR(ctx context.Context, in *InspectionIDParam) (*ncrCreatedOutput, error) {
	n, err := a.ncrs().RaiseFromInspection(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &ncrCreatedOutput{Location: ncrLocation(n.ID), Body: *n}, nil
}

func (a *API) getNCR(ctx context.Context, in *NCRIDParam) (*ncrDetailOutput, error) {
	d, err := a.ncrs().Get(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	d.Signatures = nonNil(d.Signatures)
	return &ncrDetailOutput{Body: NCRDetail{*d}}, nil
}

func (a *API) updateNCR(ctx context.Context, in *updateNCRInput) (*ncrOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	n, err := in.Body.ncr(qms.DateOf(a.store.Now()))
	if err != nil {
		return nil, err
	}
	n.ID = in.ID
	if err := a.ncrs().Update(ctx, n, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &ncrOutput{Body: *n}, nil
}

func (a *API) addNCRAction(ctx context.Context, in *addNCRActionInput) (*ncrActionOutput, error) {
	due, err := date("body.due_on", in.Body.DueOn)
	if err != nil {
		return nil, err
	}
	act := &ncr.Action{NCRID: in.ID, Kind: ncr.ActionKind(in.Body.Kind), Description: in.Body.Description, OwnerUserID: in.Body.OwnerUserID,
		OwnerName: in.Body.OwnerName, DueOn: due}
	if err := a.ncrs().AddAction(ctx, act); err != nil {
		return nil, err
	}
	return &ncrActionOutput{Body: *act}, nil
}

func (a *API) finishNCRAction(ctx context.Context, in *finishNCRActionInput) (*ncrActionOutput, error) {
	if err := checkReason("body.result", in.Body.Result); err != nil {
		return nil, err
	}
	act, err := a.ncrs().FinishAction(ctx, in.ID, in.ActionID, in.Body.Version, ncr.ActionStatus(in.Body.Status), in.Body.Result)
	if err != nil {
		return nil, err
	}
	return &ncrActionOutput{Body: *act}, nil
}

func (a *API) setDisposition(ctx context.Context, in *dispositionInput) (*ncrOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	n, err := a.ncrs().SetDisposition(ctx, in.ID, in.Body.Version, in.Body.Lines, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &ncrOutput{Body: *n}, nil
}

func (a *API) approveNCR(ctx context.Context, in *approveNCRInput) (*signedNCROutput, error) {
	if err := checkReason("body.comment", in.Body.Comment); err != nil {
		return nil, err
	}
	n, sig, err := a.ncrs().Approve(ctx, in.ID, in.Body.Version, in.Body.Password, in.Body.Comment)
	if err != nil {
		return nil, err
	}
	return &signedNCROutput{Body: SignedNCR{NCR: *n, Signature: *sig}}, nil
}

func (a *API) setNCRCost(ctx context.Context, in *ncrCostInput) (*ncrOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	n, err := a.ncrs().SetCost(ctx, in.ID, in.Body.Version, in.Body.Cost, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &ncrOutput{Body: *n}, nil
}

func (a *API) moveNCR(ctx context.Context, in *ncrMoveInput) (*ncrOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	n, err := a.ncrs().Move(ctx, in.ID, in.Body.Version, ncr.Move(in.Body.Move), in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &ncrOutput{Body: *n}, nil
}

func (a *API) voidNCR(ctx context.Context, in *voidNCRInput) (*ncrOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	n, err := a.ncrs().Void(ctx, in.ID, in.Body.Version, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &ncrOutput{Body: *n}, nil
}
