package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/complaint"
	"qms/internal/qms"
	"qms/internal/store"
)

// ComplaintRequest is the body that records or changes a complaint.
type ComplaintRequest struct {
	ReceivedOn    qms.Date `json:"received_on" doc:"YYYY-MM-DD, not in the future."`
	Customer      string   `json:"customer" maxLength:"200"`
	CustomerRef   string   `json:"customer_ref,omitempty" maxLength:"100" doc:"The customer's own reference, such as an RMA number."`
	ProductID     int64    `json:"product_id,omitempty" minimum:"0"`
	ProductText   string   `json:"product_text,omitempty" maxLength:"200" doc:"The product's name when it is not a product record."`
	Description   string   `json:"description" maxLength:"10000"`
	Reportable    bool     `json:"reportable" doc:"Reportable to a regulatory authority (ISO 13485 8.2.3)."`
	Reportability string   `json:"reportability,omitempty" maxLength:"4000" doc:"The rationale of the reportability decision; required when reportable."`
	NCRID         int64    `json:"ncr_id,omitempty" minimum:"0"`
	CAPAID        int64    `json:"capa_id,omitempty" minimum:"0"`
	NoCAPAReason  string   `json:"no_capa_reason,omitempty" maxLength:"4000" doc:"Why no corrective action is needed; required to close without a CAPA."`
}

func (b ComplaintRequest) complaint() *complaint.Complaint {
	return &complaint.Complaint{ReceivedOn: b.ReceivedOn, Customer: b.Customer, CustomerRef: b.CustomerRef, ProductID: b.ProductID,
		ProductText: b.ProductText, Description: b.Description, Reportable: b.Reportable, Reportability: b.Reportability, NCRID: b.NCRID,
		CAPAID: b.CAPAID, NoCAPAReason: b.NoCAPAReason}
}

// Complaint is a complaint with its number.
type Complaint struct {
	complaint.Complaint
	Number string `json:"number" doc:"CMP-00012: what a CAPA's complaint source names."`
}

func complaintOut(c *complaint.Complaint) Complaint {
	return Complaint{Complaint: *c, Number: c.Number()}
}

type complaintInput struct{ Body ComplaintRequest }

type complaintOutput struct{ Body Complaint }

type createComplaintOutput struct {
	Location string `header:"Location"`
	Body     Complaint
}

type listComplaintsInput struct {
	Status string `query:"status" enum:"open,closed" doc:"Only complaints with this status."`
	PageParams
}

type listComplaintsOutput struct{ Body Page[Complaint] }

// UpdateComplaintRequest changes an open complaint.
type UpdateComplaintRequest struct {
	ComplaintRequest
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"1000"`
}

type updateComplaintInput struct {
	RecordID
	Body UpdateComplaintRequest
}

type closeComplaintInput struct {
	RecordID
	Body VersionRequest
}

func (a *API) registerComplaints() {
	tags := []string{"Quality system"}
	ops := a.qmsOps()
	Handle(a, huma.Operation{OperationID: "list-complaints", Method: http.MethodGet, Path: "/complaints", Tags: tags,
		Summary: "List customer complaints", Description: "The latest first."},
		func(ctx context.Context, in *listComplaintsInput) (*listComplaintsOutput, error) {
			before, err := in.After()
			if err != nil {
				return nil, err
			}
			cs, next, err := ops.Complaints(ctx, store.ComplaintFilter{Status: complaint.Status(in.Status), Before: before, Limit: in.PageLimit()})
			if err != nil {
				return nil, err
			}
			items := make([]Complaint, len(cs))
			for i := range cs {
				items[i] = complaintOut(&cs[i])
			}
			return &listComplaintsOutput{Body: NewPage(items, next)}, nil
		})
	Handle(a, huma.Operation{OperationID: "create-complaint", Method: http.MethodPost, Path: "/complaints", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Record a customer complaint", Description: "Quality staff (inspectors too) record complaints."},
		func(ctx context.Context, in *complaintInput) (*createComplaintOutput, error) {
			c := in.Body.complaint()
			if err := ops.CreateComplaint(ctx, c); err != nil {
				return nil, err
			}
			return &createComplaintOutput{Location: Prefix + "/complaints/" + strconv.FormatInt(c.ID, 10), Body: complaintOut(c)}, nil
		})
	Handle(a, huma.Operation{OperationID: "get-complaint", Method: http.MethodGet, Path: "/complaints/{id}", Tags: tags, Errors: []int{http.StatusNotFound},
		Summary: "Get a customer complaint"},
		func(ctx context.Context, in *RecordID) (*complaintOutput, error) {
			c, err := ops.Complaint(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &complaintOutput{Body: complaintOut(c)}, nil
		})
	Handle(a, huma.Operation{OperationID: "update-complaint", Method: http.MethodPut, Path: "/complaints/{id}", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict}, Summary: "Change an open customer complaint"},
		func(ctx context.Context, in *updateComplaintInput) (*complaintOutput, error) {
			c := in.Body.complaint()
			c.ID = in.ID
			if err := ops.UpdateComplaint(ctx, c, in.Body.Version, in.Body.Reason); err != nil {
				return nil, err
			}
			return &complaintOutput{Body: complaintOut(c)}, nil
		})
	Handle(a, huma.Operation{OperationID: "close-complaint", Method: http.MethodPost, Path: "/complaints/{id}/close", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict}, Summary: "Close a customer complaint",
		Description: "Needs a CAPA or the recorded reason why none is needed."},
		func(ctx context.Context, in *closeComplaintInput) (*complaintOutput, error) {
			c, err := ops.CloseComplaint(ctx, in.ID, in.Body.Version)
			if err != nil {
				return nil, err
			}
			return &complaintOutput{Body: complaintOut(c)}, nil
		})
}
