package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/blob"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/qms"
	"qms/internal/store"
)

// Inspections: planning (with a preview of the sampling plan and the
// booking gates), recording entries (idempotent on a client key), the
// running result, submission, the decision, amendments, photos, the
// switching state and the first-article gate. Every operation goes
// through package inspectionops: a supplier user sees its own supplier's
// inspections, and every inspection of another supplier answers 404.

// InspectionIDParam is the path parameter of the operations on one inspection.
type InspectionIDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the inspection."`
}

type inspectionOutput struct{ Body inspection.Inspection }

type listInspectionsInput struct {
	Kind       string `query:"kind" enum:"incoming,pre_production,in_process,pre_shipment,container_loading,first_article"`
	Status     string `query:"status" enum:"planned,in_progress,submitted,decided,cancelled"`
	Verdict    string `query:"verdict" enum:"pass,fail,pending" doc:"The reported verdict."`
	SupplierID int64  `query:"supplier_id" minimum:"1"`
	SiteID     int64  `query:"site_id" minimum:"1"`
	ProductID  int64  `query:"product_id" minimum:"1"`
	PONumber   string `query:"po_number" maxLength:"64"`
	From       string `query:"from" format:"date" doc:"Planned on or after this day."`
	To         string `query:"to" format:"date" doc:"Planned on or before this day."`
	PageParams
}

type listInspectionsOutput struct{ Body Page[inspectionops.Row] }

// InspectorRequest names who inspects: an internal user, or a third-party
// agency and its inspector.
type InspectorRequest struct {
	UserID *int64 `json:"user_id,omitempty" minimum:"1" doc:"An internal user who records inspections."`
	Name   string `json:"name,omitempty" maxLength:"300" doc:"The third-party inspector's name (an internal user's is filled in)."`
	Agency string `json:"agency,omitempty" maxLength:"300" doc:"The third-party agency."`
}

// PlanInspectionRequest is what an inspection is planned from.
type PlanInspectionRequest struct {
	Kind          string           `json:"kind" enum:"incoming,pre_production,in_process,pre_shipment,container_loading,first_article"`
	ProductID     int64            `json:"product_id" minimum:"1"`
	SpecID        int64            `json:"spec_id,omitempty" minimum:"1" doc:"The released spec revision; absent: the product's released revision."`
	SupplierID    int64            `json:"supplier_id" minimum:"1"`
	SiteID        int64            `json:"site_id" minimum:"1"`
	PONumber      string           `json:"po_number,omitempty" maxLength:"64" doc:"Required except for a first article inspection."`
	OrderQuantity int              `json:"order_quantity,omitempty" doc:"Units ordered on the PO."`
	LotSize       int              `json:"lot_size" doc:"Units in the lot; the sample is drawn for it. At least the units presented."`
	Produced      int              `json:"produced,omitempty" doc:"Units produced (presented)."`
	Packed        int              `json:"packed,omitempty" doc:"Units packed."`
	Inspector     InspectorRequest `json:"inspector"`
	PlannedOn     string           `json:"planned_on,omitempty" format:"date"`
	FAIPieces     int              `json:"fai_pieces,omitempty" doc:"First article inspections: how many first articles are measured (default 1)."`
	Remarks       string           `json:"remarks,omitempty" maxLength:"10000"`
}

// GateOverrideRequest is a quality manager's override of a booking gate.
type GateOverrideRequest struct {
	Gate   string `json:"gate" enum:"supplier,fai" doc:"supplier: required certificates; fai: an approved first article inspection."`
	Reason string `json:"reason" minLength:"1" maxLength:"2000"`
}

// CreateInspectionRequest is the body of POST /inspections.
type CreateInspectionRequest struct {
	PlanInspectionRequest
	Overrides []GateOverrideRequest `json:"overrides,omitempty" maxItems:"2" doc:"Quality managers: book although a gate blocks, with a reason."`
}

type createInspectionInput struct{ Body CreateInspectionRequest }

type createInspectionOutput struct {
	Location string `header:"Location"`
	Body     inspection.Inspection
}

type previewInput struct{ Body PlanInspectionRequest }

// InspectionPreview is what planning an inspection would give.
type InspectionPreview struct {
	Plan          *inspection.Plan          `json:"plan" doc:"The plan that applies (the supplier x product plan first); null when there is none."`
	Stage         inspection.StageRule      `json:"stage"`
	Sampling      *inspection.Sampling      `json:"sampling" doc:"The sampling plan from the engine at the severity in force per class; null for kinds without a sample, or when there is none (sampling_error)."`
	SamplingError string                    `json:"sampling_error,omitempty"`
	Severity      map[string]string         `json:"severity" doc:"Per class: the severity in force and why."`
	SupplierGate  Qualification             `json:"supplier_gate" doc:"Certificates required of the supplier at the site for the product's category and market."`
	FAIGate       *inspection.FAIGateResult `json:"fai_gate,omitempty" doc:"Pre-shipment inspections: whether an approved first article inspection allows it."`
	Blocked       []string                  `json:"blocked" doc:"What keeps the inspection from being planned as given."`
	Gates         []string                  `json:"gates" doc:"The blocking gates a quality manager may override."`
}

type previewOutput struct{ Body InspectionPreview }

// InspectionDetail is an inspection with its current evaluation,
// amendments, photos and re-inspections.
type InspectionDetail struct {
	inspection.Inspection
	Current       *inspection.Result     `json:"current" doc:"The evaluation of the entries now: the running tally while recording (once submitted, result is the report as reported)."`
	Amendments    []inspection.Amendment `json:"amendments"`
	Photos        []File                 `json:"photos"`
	Reinspections []int64                `json:"reinspections" doc:"Inspections that re-inspect this lot after rework."`
	ProductSKU    string                 `json:"product_sku"`
	SupplierName  string                 `json:"supplier_name"`
	SiteName      string                 `json:"site_name"`
}

type inspectionDetailOutput struct{ Body InspectionDetail }

// UpdateInspectionRequest is the body of PATCH /inspections/{id}: header
// fields to change before submission, and the version.
type UpdateInspectionRequest struct {
	PONumber      *string           `json:"po_number,omitempty" maxLength:"64"`
	OrderQuantity *int              `json:"order_quantity,omitempty"`
	LotSize       *int              `json:"lot_size,omitempty" doc:"Only while nothing is recorded: the sampling is planned again."`
	Produced      *int              `json:"produced,omitempty"`
	Packed        *int              `json:"packed,omitempty"`
	Inspector     *InspectorRequest `json:"inspector,omitempty"`
	PlannedOn     *string           `json:"planned_on,omitempty" format:"date"`
	FAIPieces     *int              `json:"fai_pieces,omitempty"`
	Remarks       *string           `json:"remarks,omitempty" maxLength:"10000"`
	Version       int64             `json:"version" minimum:"1"`
	Reason        string            `json:"reason,omitempty" maxLength:"1000"`
}

type updateInspectionInput struct {
	InspectionIDParam
	Body UpdateInspectionRequest
}

type cancelInspectionInput struct {
	InspectionIDParam
	Body VoidRequest
}

// EntryRequest is one recording entry: a client-generated key (8 to 64
// letters, digits, - _ . :; a UUID will do) and exactly the payload of its
// kind.
type EntryRequest struct {
	Key         string                     `json:"key" minLength:"8" maxLength:"64" doc:"Idempotency key: sending the same key again returns the stored entry (200) and writes nothing."`
	Kind        string                     `json:"kind" enum:"units,defect,measurement,test,check,section,cartons,container,photo,remark,fai,void"`
	Units       *inspection.UnitsEntry     `json:"units,omitempty"`
	Defect      *DefectRequest             `json:"defect,omitempty"`
	Measurement *MeasurementRequest        `json:"measurement,omitempty"`
	Test        *inspection.TestEntry      `json:"test,omitempty"`
	Check       *inspection.CheckEntry     `json:"check,omitempty"`
	Section     *inspection.SectionEntry   `json:"section,omitempty"`
	Cartons     *inspection.CartonsEntry   `json:"cartons,omitempty"`
	Container   *inspection.ContainerEntry `json:"container,omitempty"`
	Photo       *inspection.PhotoEntry     `json:"photo,omitempty"`
	Remark      *inspection.RemarkEntry    `json:"remark,omitempty"`
	FAI         *inspection.FAIEntry       `json:"fai,omitempty"`
	Void        *inspection.VoidEntry      `json:"void,omitempty"`
}

// DefectRequest is a defect found on a sample unit.
type DefectRequest struct {
	Unit           int     `json:"unit" doc:"The sample unit, numbered 1 to the sample size."`
	Code           string  `json:"code,omitempty" maxLength:"32" doc:"A code of the product category's defect library; its class and description are the defaults."`
	Description    string  `json:"description,omitempty" maxLength:"2000" doc:"Required without a code."`
	Class          string  `json:"class,omitempty" enum:"critical,major,minor" doc:"Absent: the code's default class."`
	Location       string  `json:"location,omitempty" maxLength:"300"`
	Note           string  `json:"note,omitempty" maxLength:"2000"`
	Photos         []int64 `json:"photos,omitempty" maxItems:"20" doc:"Files uploaded to the inspection."`
	Characteristic int     `json:"characteristic,omitempty" doc:"The spec characteristic not met, if any."`
}

// MeasurementRequest is a reading of a dimensional characteristic on a
// sample unit; whether it is out of tolerance is computed.
type MeasurementRequest struct {
	Unit           int     `json:"unit" doc:"The sample unit."`
	Characteristic int     `json:"characteristic" doc:"The balloon number of a dimensional characteristic."`
	Value          float64 `json:"value"`
	UnitOfMeasure  string  `json:"uom,omitempty" maxLength:"32" doc:"Must be the characteristic's unit; absent: that unit."`
}

type recordEntryInput struct {
	InspectionIDParam
	Body EntryRequest
}

type recordEntryOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     inspection.Entry
}

type listEntriesInput struct {
	InspectionIDParam
	After int64 `query:"after" minimum:"0" doc:"Only entries with a larger id: what a client that has the others fetches."`
	PageParams
}

type listEntriesOutput struct{ Body Page[inspection.Entry] }

type resultOutput struct{ Body inspection.Result }

// SubmitRequest is the body of POST /inspections/{id}/submit.
type SubmitRequest struct {
	Pending       bool   `json:"pending,omitempty" doc:"Leave the decision to the client, with a reason."`
	PendingReason string `json:"pending_reason,omitempty" maxLength:"2000"`
	Version       int64  `json:"version" minimum:"1"`
}

type submitInput struct {
	InspectionIDParam
	Body SubmitRequest
}

// ReturnRequest is the body of POST /inspections/{id}/return.
type ReturnRequest struct {
	Reason  string `json:"reason" minLength:"1" maxLength:"2000" doc:"What must be corrected."`
	Version int64  `json:"version" minimum:"1"`
}

type returnInput struct {
	InspectionIDParam
	Body ReturnRequest
}

// DecisionRequest is the body of POST /inspections/{id}/decide.
type DecisionRequest struct {
	Kind       string `json:"kind" enum:"release,release_concession,rework,reject,approve,approve_conditional" doc:"First article inspections: approve, approve_conditional or reject; other kinds: release, release_concession, rework or reject."`
	Reason     string `json:"reason,omitempty" maxLength:"2000"`
	Conditions string `json:"conditions,omitempty" maxLength:"2000" doc:"A concession or conditional approval: what is agreed."`
	Version    int64  `json:"version" minimum:"1"`
	Password   string `json:"password,omitempty" maxLength:"1000" doc:"First article inspections: the deciding quality manager's own password, entered again, as the decision is signed electronically. A wrong one is 422 and counts toward the sign-in limit. Ignored for other kinds."`
}

type decideInput struct {
	InspectionIDParam
	Body DecisionRequest
}

// AmendmentRequest is the body of POST /inspections/{id}/amendments.
type AmendmentRequest struct {
	Text   string `json:"text" minLength:"1" maxLength:"10000" doc:"What is amended."`
	Reason string `json:"reason" minLength:"1" maxLength:"2000"`
}

type amendInput struct {
	InspectionIDParam
	Body AmendmentRequest
}

type amendmentOutput struct{ Body inspection.Amendment }
type amendmentsOutput struct{ Body []inspection.Amendment }
type ncrSeedOutput struct{ Body inspection.NCRSeed }
type photosOutput struct{ Body []File }

type addPhotoOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     File
}

type switchingInput struct {
	SupplierID int64 `query:"supplier_id" minimum:"1" doc:"The supplier's streams (every product)."`
	ProductID  int64 `query:"product_id" minimum:"1" doc:"The product's streams (every supplier); with supplier_id, that pair's."`
}

type switchingOutput struct{ Body []inspectionops.StreamRow }

type switchingHistoryInput struct {
	SupplierID int64  `query:"supplier_id" required:"true" minimum:"1"`
	ProductID  int64  `query:"product_id" required:"true" minimum:"1"`
	Class      string `query:"class" required:"true" enum:"critical,major,minor"`
	Limit      int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type switchingHistoryOutput struct{ Body []inspection.StreamEvent }

// ResumeRequest is the body of POST /switching/resume.
type ResumeRequest struct {
	SupplierID int64  `json:"supplier_id" minimum:"1"`
	ProductID  int64  `json:"product_id" minimum:"1"`
	Class      string `json:"class" enum:"critical,major,minor"`
	Reason     string `json:"reason" minLength:"1" maxLength:"2000" doc:"What the supplier has done."`
}

type resumeInput struct{ Body ResumeRequest }

type faiGateInput struct {
	ProductID int64 `query:"product_id" required:"true" minimum:"1"`
	SiteID    int64 `query:"site_id" required:"true" minimum:"1"`
	SpecID    int64 `query:"spec_id" required:"true" minimum:"1"`
}

type faiGateOutput struct{ Body inspection.FAIGateResult }

func (a *API) registerInspections() {
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Inspections",
		Description: "Incoming, pre-production, in-process, pre-shipment, container loading and first article inspections: " +
			"planned with a sampling plan from the engine (snapshotted), recorded entry by entry (idempotent on a client key, so a tablet may resend), " +
			"submitted with the computed verdict (or pending), decided by a quality manager, amended with a reason. " +
			"A supplier's user sees its own supplier's inspections; any other is 404."})
	tags := []string{"Inspections"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	created := func(o huma.Operation) huma.Operation { o.DefaultStatus = http.StatusCreated; return o }
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-inspections", "GET", "/inspections", "List inspections",
		"Newest first, filtered and paged. A supplier's user gets its own supplier's only."), a.listInspections)
	Handle(a, op("preview-inspection", "POST", "/inspections/preview", "Preview an inspection",
		"What planning would give, without writing anything: the plan that applies, the sampling plan per class at the severity in force and why, the supplier and first-article gates and what blocks."), a.previewInspection)
	Handle(a, created(op("plan-inspection", "POST", "/inspections", "Plan an inspection",
		"Admins, quality managers and inspectors. The sampling plan is snapshotted with the switching severity in force. A blocking gate gets 409 unless a quality manager overrides it with a reason.", cf)), a.planInspection)
	Handle(a, op("get-inspection", "GET", "/inspections/{id}", "Get an inspection",
		"With its sampling snapshot, reported result, decision, current evaluation, amendments, photos and re-inspections.", nf), a.getInspection)
	Handle(a, op("update-inspection", "PATCH", "/inspections/{id}", "Change an inspection's header",
		"Before submission only; a decided inspection is amended instead (409).", nf, cf), a.updateInspection)
	Handle(a, op("cancel-inspection", "POST", "/inspections/{id}/cancel", "Cancel an inspection", "Before submission, with a reason.", nf, cf), a.cancelInspection)
	Handle(a, op("list-entries", "GET", "/inspections/{id}/entries", "List recording entries",
		"In recording order, voids and replaced entries included; after=<id> returns only newer ones.", nf), a.listEntries)
	Handle(a, created(op("record-entry", "POST", "/inspections/{id}/entries", "Record an entry",
		"Admins, quality managers and inspectors. Idempotent on key: the same key and content again returns the stored entry with 200 and writes nothing; the same key with other content is 409. "+
			"Units are numbered 1 to the sample size; measurements are in the characteristic's unit; photos are files uploaded to the inspection. "+
			"A submitted, decided or cancelled inspection takes no entries (409).", nf, cf)), a.recordEntry)
	Handle(a, op("get-inspection-result", "GET", "/inspections/{id}/result", "The running result",
		"The evaluation of the entries now: per class found vs Ac/Re, tests, measurements, checks, sections, FAI rows and the verdict so far.", nf), a.inspectionResult)
	Handle(a, op("submit-inspection", "POST", "/inspections/{id}/submit", "Submit the report",
		"The computed verdict, or pending with a reason. An incomplete inspection can be submitted only as pending; a first article inspection only when every characteristic has a result.", nf, cf), a.submitInspection)
	Handle(a, op("return-inspection", "POST", "/inspections/{id}/return", "Return a submitted inspection", "Quality managers, with what must be corrected.", nf, cf), a.returnInspection)
	Handle(a, op("decide-inspection", "POST", "/inspections/{id}/decide", "Decide on a submitted inspection",
		"Quality managers. Release, release under concession (reason and conditions), rework (books the linked re-inspection, which the switching rules ignore) or reject; "+
			"a first article: approve, approve with conditions, or reject, signed electronically with the password entered again (a wrong one is 422 and counts toward the sign-in limit; too many are 429). "+
			"Updates the lot result and the switching state.", nf, cf), a.decideInspection)
	Handle(a, op("list-inspection-signatures", "GET", "/inspections/{id}/signatures", "An inspection's electronic signatures",
		"A first article decision's signature: signer, meaning, time and whether it still matches the inspection.", nf), a.inspectionSignatures)
	Handle(a, op("list-amendments", "GET", "/inspections/{id}/amendments", "List amendments", "Oldest first.", nf), a.listAmendments)
	Handle(a, created(op("amend-inspection", "POST", "/inspections/{id}/amendments", "Amend a submitted or decided inspection",
		"With a reason; the report itself never changes.", nf, cf)), a.amendInspection)
	Handle(a, op("get-ncr-seed", "GET", "/inspections/{id}/ncr-seed", "What an NCR raised from it starts with",
		"For a failed or pending report without an NCR yet (409 otherwise). The NCR module arrives with issue 6.", nf, cf), a.ncrSeed)
	Handle(a, op("list-inspection-photos", "GET", "/inspections/{id}/photos", "List an inspection's photos", "In upload order.", nf), a.listPhotos)
	Handle(a, huma.Operation{OperationID: "add-inspection-photo", Method: http.MethodPost, Path: "/inspections/{id}/photos", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{nf, cf}, Middlewares: huma.Middlewares{withRequest},
		Summary: "Add a photo to an inspection",
		Description: "A multipart/form-data body with the photo (JPEG, PNG or PDF) in the field `file`. Idempotent on the content: a photo the inspection already has is returned with 200. " +
			"POST /files with owner_type=inspection does the same without the idempotency."}, a.addPhoto)
	a.huma.OpenAPI().Paths["/inspections/{id}/photos"].Post.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"multipart/form-data": {
		Schema: &huma.Schema{Type: "object", Required: []string{"file"}, Properties: map[string]*huma.Schema{
			"file": {Type: "string", ContentEncoding: "binary", Description: "The photo: a JPEG, PNG or PDF."},
		}},
	}}}
	Handle(a, op("list-switching", "GET", "/switching", "Switching state",
		"The severity in force (normal, tightened, reduced, or discontinued) per supplier x product x class, and why. Give supplier_id, product_id or both.", nf), a.listSwitching)
	Handle(a, op("get-switching-history", "GET", "/switching/history", "Switching history of one stream", "Newest first.", nf), a.switchingHistory)
	Handle(a, op("resume-switching", "POST", "/switching/resume", "Resume discontinued inspection",
		"Quality managers: restart a discontinued stream at tightened inspection once the supplier has acted.", nf, cf), a.resumeSwitching)
	Handle(a, op("get-fai-gate", "GET", "/fai-gate", "The first-article gate",
		"Whether a pre-shipment inspection of the product at the site against the spec revision may be planned, and why.", nf), a.faiGate)
}

func (a *API) listInspections(ctx context.Context, in *listInspectionsInput) (*listInspectionsOutput, error) {
	before, err := in.After()
	if err != nil {
		return nil, err
	}
	f := store.InspectionSearch{InspectionFilter: store.InspectionFilter{ProductID: in.ProductID, SupplierID: in.SupplierID, SiteID: in.SiteID,
		Kind: inspection.Kind(in.Kind), Status: inspection.Status(in.Status), PONumber: in.PONumber, Before: before, Limit: in.PageLimit()},
		Verdict: inspection.Verdict(in.Verdict)}
	if in.From != "" {
		if f.From, err = date("query.from", in.From); err != nil {
			return nil, err
		}
	}
	if in.To != "" {
		if f.To, err = date("query.to", in.To); err != nil {
			return nil, err
		}
	}
	rows, next, err := a.inspections().ListInspections(ctx, f)
	if err != nil {
		return nil, err
	}
	return &listInspectionsOutput{Body: NewPage(rows, next)}, nil
}

// inspectionOf builds the inspection of a planning request; the spec is
// the product's released revision when none is given.
func (a *API) inspectionOf(ctx context.Context, b PlanInspectionRequest) (*inspection.Inspection, error) {
	in := &inspection.Inspection{Kind: inspection.Kind(b.Kind), ProductID: b.ProductID, SpecID: b.SpecID, SupplierID: b.SupplierID, SiteID: b.SiteID,
		Lot:       inspection.Lot{PONumber: b.PONumber, OrderQuantity: b.OrderQuantity, LotSize: b.LotSize, Produced: b.Produced, Packed: b.Packed},
		Inspector: inspection.Inspector{UserID: b.Inspector.UserID, Name: b.Inspector.Name, Agency: b.Inspector.Agency},
		FAIPieces: b.FAIPieces, Remarks: b.Remarks}
	if b.PlannedOn != "" {
		d, err := date("body.planned_on", b.PlannedOn)
		if err != nil {
			return nil, err
		}
		in.PlannedOn = d
	}
	if in.SpecID == 0 {
		specs, err := a.inspections().Specs(ctx, b.ProductID)
		if err != nil {
			if qms.ErrorKind(err) == qms.KindNotFound {
				return nil, Invalid("body.product_id", "product not found")
			}
			return nil, err
		}
		for _, s := range specs {
			if s.Status == inspection.SpecReleased {
				in.SpecID = s.ID
			}
		}
		if in.SpecID == 0 {
			return nil, Invalid("body.spec_id", "the product has no released spec revision: release one first")
		}
	}
	return in, nil
}

func (a *API) previewInspection(ctx context.Context, in *previewInput) (*previewOutput, error) {
	x, err := a.inspectionOf(ctx, in.Body)
	if err != nil {
		return nil, err
	}
	pv, err := a.inspections().PreviewInspection(ctx, *x)
	if err != nil {
		return nil, err
	}
	out := InspectionPreview{Plan: pv.Plan, Stage: pv.Stage, Sampling: pv.Sampling, SamplingError: pv.SamplingError, Severity: map[string]string{},
		SupplierGate: qualificationOut(pv.SupplierGate), FAIGate: pv.FAIGate, Blocked: nonNil(pv.Blocked), Gates: nonNil(pv.Gates)}
	for c, s := range pv.Severity {
		out.Severity[string(c)] = s
	}
	return &previewOutput{Body: out}, nil
}

func inspectionLocation(id int64) string { return Prefix + "/inspections/" + strconv.FormatInt(id, 10) }

func (a *API) planInspection(ctx context.Context, in *createInspectionInput) (*createInspectionOutput, error) {
	x, err := a.inspectionOf(ctx, in.Body.PlanInspectionRequest)
	if err != nil {
		return nil, err
	}
	var overrides []inspection.GateOverride
	for i, o := range in.Body.Overrides {
		if err := checkReason("body.overrides["+strconv.Itoa(i)+"].reason", o.Reason); err != nil {
			return nil, err
		}
		overrides = append(overrides, inspection.GateOverride{Gate: o.Gate, Reason: o.Reason})
	}
	if err := a.inspections().PlanInspection(ctx, x, overrides...); err != nil {
		return nil, err
	}
	return &createInspectionOutput{Location: inspectionLocation(x.ID), Body: *x}, nil
}

func (a *API) getInspection(ctx context.Context, in *InspectionIDParam) (*inspectionDetailOutput, error) {
	v, err := a.inspections().InspectionView(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := InspectionDetail{Inspection: *v.Inspection, Current: v.Result, Amendments: nonNil(v.Amendments), Photos: []File{},
		Reinspections: nonNil(v.Reinspections), ProductSKU: v.Product.SKU, SupplierName: v.Supplier.DisplayName(), SiteName: v.Site.DisplayName()}
	for i := range v.Photos {
		if v.Photos[i].VoidedAt == nil || qms.CanViewInternal(Actor(ctx)) {
			out.Photos = append(out.Photos, fileOut(&v.Photos[i]))
		}
	}
	return &inspectionDetailOutput{Body: out}, nil
}

func (a *API) updateInspection(ctx context.Context, in *updateInspectionInput) (*inspectionOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	cur, err := a.inspections().Inspection(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	x := *cur
	set(&x.Lot.PONumber, b.PONumber)
	set(&x.Remarks, b.Remarks)
	for dst, v := range map[*int]*int{&x.Lot.OrderQuantity: b.OrderQuantity, &x.Lot.LotSize: b.LotSize, &x.Lot.Produced: b.Produced,
		&x.Lot.Packed: b.Packed, &x.FAIPieces: b.FAIPieces} {
		if v != nil {
			*dst = *v
		}
	}
	if b.Inspector != nil {
		x.Inspector = inspection.Inspector{UserID: b.Inspector.UserID, Name: b.Inspector.Name, Agency: b.Inspector.Agency}
	}
	if b.PlannedOn != nil {
		if x.PlannedOn, err = date("body.planned_on", *b.PlannedOn); err != nil {
			return nil, err
		}
	}
	if err := a.inspections().UpdateInspection(ctx, &x, b.Version, b.Reason); err != nil {
		return nil, err
	}
	return &inspectionOutput{Body: x}, nil
}

func (a *API) cancelInspection(ctx context.Context, in *cancelInspectionInput) (*inspectionOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	if err := a.inspections().CancelInspection(ctx, in.ID, in.Body.Reason, in.Body.Version); err != nil {
		return nil, err
	}
	x, err := a.inspections().Inspection(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &inspectionOutput{Body: *x}, nil
}

func (a *API) listEntries(ctx context.Context, in *listEntriesInput) (*listEntriesOutput, error) {
	after, err := in.PageParams.After()
	if err != nil {
		return nil, err
	}
	after = max(after, in.After)
	limit := in.PageLimit()
	entries, err := a.inspections().Entries(ctx, in.ID, after, limit)
	if err != nil {
		return nil, err
	}
	var next int64
	if len(entries) == limit {
		next = entries[len(entries)-1].ID
	}
	return &listEntriesOutput{Body: NewPage(entries, next)}, nil
}

func (a *API) recordEntry(ctx context.Context, in *recordEntryInput) (*recordEntryOutput, error) {
	b := in.Body
	e := &inspection.Entry{InspectionID: in.ID, Key: b.Key, Kind: inspection.EntryKind(b.Kind), Units: b.Units, Test: b.Test, Check: b.Check, Section: b.Section, Cartons: b.Cartons, Container: b.Container,
		Photo: b.Photo, Remark: b.Remark, FAI: b.FAI, Void: b.Void}
	if d := b.Defect; d != nil {
		e.Defect = &inspection.DefectEntry{Unit: d.Unit, Code: d.Code, Description: d.Description, Class: inspection.DefectClass(d.Class),
			Location: d.Location, Note: d.Note, Photos: d.Photos, Characteristic: d.Characteristic}
	}
	if m := b.Measurement; m != nil {
		e.Measurement = &inspection.MeasurementEntry{Unit: m.Unit, Characteristic: m.Characteristic, Value: m.Value, UnitOfMeasure: m.UnitOfMeasure}
	}
	created, err := a.inspections().RecordEntry(ctx, e)
	if err != nil {
		return nil, err
	}
	out := &recordEntryOutput{Status: http.StatusOK, Body: *e}
	if created {
		out.Status = http.StatusCreated
		out.Location = inspectionLocation(in.ID) + "/entries?after=" + strconv.FormatInt(e.ID-1, 10) + "&limit=1"
	}
	return out, nil
}

func (a *API) inspectionResult(ctx context.Context, in *InspectionIDParam) (*resultOutput, error) {
	r, err := a.inspections().Result(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &resultOutput{Body: *r}, nil
}

func (a *API) submitInspection(ctx context.Context, in *submitInput) (*inspectionOutput, error) {
	b := in.Body
	if err := checkReason("body.pending_reason", b.PendingReason); err != nil {
		return nil, err
	}
	x, err := a.inspections().Submit(ctx, in.ID, b.Version, inspection.Submission{Pending: b.Pending, PendingReason: b.PendingReason})
	if err != nil {
		return nil, err
	}
	return &inspectionOutput{Body: *x}, nil
}

func (a *API) returnInspection(ctx context.Context, in *returnInput) (*inspectionOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	if err := a.inspections().Return(ctx, in.ID, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	x, err := a.inspections().Inspection(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &inspectionOutput{Body: *x}, nil
}

func (a *API) decideInspection(ctx context.Context, in *decideInput) (*inspectionOutput, error) {
	b := in.Body
	for loc, s := range map[string]string{"body.reason": b.Reason, "body.conditions": b.Conditions} {
		if err := checkReason(loc, s); err != nil {
			return nil, err
		}
	}
	x, err := a.inspections().Decide(ctx, in.ID, b.Version, inspection.Decision{Kind: inspection.DecisionKind(b.Kind), Reason: b.Reason, Conditions: b.Conditions}, b.Password)
	if err != nil {
		return nil, err
	}
	return &inspectionOutput{Body: *x}, nil
}

func (a *API) inspectionSignatures(ctx context.Context, in *InspectionIDParam) (*signaturesOutput, error) {
	sigs, err := a.inspections().Signatures(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &signaturesOutput{Body: sigs}, nil
}

func (a *API) listAmendments(ctx context.Context, in *InspectionIDParam) (*amendmentsOutput, error) {
	am, err := a.inspections().Amendments(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &amendmentsOutput{Body: nonNil(am)}, nil
}

func (a *API) amendInspection(ctx context.Context, in *amendInput) (*amendmentOutput, error) {
	for loc, s := range map[string]string{"body.reason": in.Body.Reason, "body.text": in.Body.Text} {
		if err := checkReason(loc, s); err != nil {
			return nil, err
		}
	}
	am := &inspection.Amendment{InspectionID: in.ID, Text: in.Body.Text, Reason: in.Body.Reason}
	if err := a.inspections().Amend(ctx, am); err != nil {
		return nil, err
	}
	return &amendmentOutput{Body: *am}, nil
}

func (a *API) ncrSeed(ctx context.Context, in *InspectionIDParam) (*ncrSeedOutput, error) {
	s, err := a.inspections().NCRSeed(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &ncrSeedOutput{Body: *s}, nil
}

func (a *API) listPhotos(ctx context.Context, in *InspectionIDParam) (*photosOutput, error) {
	files, err := a.inspections().Photos(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := []File{}
	for i := range files {
		out = append(out, fileOut(&files[i]))
	}
	return &photosOutput{Body: out}, nil
}

func (a *API) addPhoto(ctx context.Context, in *InspectionIDParam) (*addPhotoOutput, error) {
	if a.files == nil {
		return nil, errNoFileService
	}
	// Check the inspection before the upload is stored.
	if err := a.files.CheckAttach(ctx, inspectionops.OwnerInspection, in.ID); err != nil {
		return nil, err
	}
	raw, _ := ctx.Value(requestKey{}).(rawRequest)
	if mt, _, _ := mime.ParseMediaType(raw.r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, Invalid("body", "must be multipart/form-data with the photo in the field \"file\"")
	}
	raw.r.Body = http.MaxBytesReader(raw.w, raw.r.Body, a.files.MaxBytes()+MaxBodyBytes)
	mr, err := raw.r.MultipartReader()
	if err != nil {
		return nil, Invalid("body", "is not a valid multipart/form-data body")
	}
	var f *store.File
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bodyError(err, a.files.MaxBytes())
		}
		if part.FormName() != "file" {
			return nil, Invalid("body", "has the unknown field "+strconv.Quote(strings.ToValidUTF8(part.FormName(), "\uFFFD"))+"; send the photo in file")
		}
		if f != nil {
			return nil, Invalid("body.file", "holds more than one file; upload one photo per request")
		}
		if f, err = a.files.Prepare(ctx, blob.Upload{Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Body: part}); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, blob.TooLarge(a.files.MaxBytes())
			}
			return nil, err
		}
	}
	if f == nil {
		return nil, Invalid("body.file", "is required: attach the photo in the field \"file\"")
	}
	created, err := a.inspections().AddPhoto(ctx, in.ID, f)
	if err != nil {
		return nil, err
	}
	out := &addPhotoOutput{Status: http.StatusOK, Body: fileOut(f)}
	if created {
		out.Status, out.Location = http.StatusCreated, out.Body.URL
	}
	return out, nil
}

func (a *API) listSwitching(ctx context.Context, in *switchingInput) (*switchingOutput, error) {
	var rows []inspectionops.StreamRow
	var err error
	switch {
	case in.SupplierID != 0:
		rows, err = a.inspections().SupplierSwitching(ctx, in.SupplierID)
	case in.ProductID != 0:
		rows, err = a.inspections().ProductSwitching(ctx, in.ProductID)
	default:
		return nil, Invalid("query.supplier_id", "give supplier_id, product_id or both")
	}
	if err != nil {
		return nil, err
	}
	out := []inspectionops.StreamRow{}
	for _, r := range rows {
		if in.ProductID == 0 || r.ProductID == in.ProductID {
			out = append(out, r)
		}
	}
	return &switchingOutput{Body: out}, nil
}

func (a *API) switchingHistory(ctx context.Context, in *switchingHistoryInput) (*switchingHistoryOutput, error) {
	ev, err := a.inspections().SwitchingHistory(ctx, in.SupplierID, in.ProductID, inspection.DefectClass(in.Class), in.Limit)
	if err != nil {
		return nil, err
	}
	return &switchingHistoryOutput{Body: nonNil(ev)}, nil
}

func (a *API) resumeSwitching(ctx context.Context, in *resumeInput) (*switchingOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	if err := a.inspections().ResumeSwitching(ctx, b.SupplierID, b.ProductID, inspection.DefectClass(b.Class), b.Reason); err != nil {
		return nil, err
	}
	return a.listSwitching(ctx, &switchingInput{SupplierID: b.SupplierID, ProductID: b.ProductID})
}

func (a *API) faiGate(ctx context.Context, in *faiGateInput) (*faiGateOutput, error) {
	g, err := a.inspections().FAIGate(ctx, in.ProductID, in.SiteID, in.SpecID)
	if err != nil {
		return nil, err
	}
	return &faiGateOutput{Body: g}, nil
}
