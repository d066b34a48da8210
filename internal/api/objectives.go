package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/objective"
	"qms/internal/qmsops"
)

// The quality system's own resources (issue 7 part C): objectives here,
// management reviews (reviews.go), complaints (complaints.go) and the
// clause evidence map with the ISO 13485 mode (evidence.go). All go
// through package qmsops: internal users read, quality managers change.

func (a *API) qmsOps() *qmsops.Service { return &qmsops.Service{Store: a.store} }

// ObjectiveRequest is the body that sets or changes an objective.
type ObjectiveRequest struct {
	Title      string  `json:"title" maxLength:"200"`
	Metric     string  `json:"metric" enum:"lot_acceptance,inspection_rejection,capa_on_time,ncr_count,approved_expired_certificates" doc:"What is measured, from the records: lot_acceptance (% of first-submission lots accepted), inspection_rejection (% of all lots rejected), capa_on_time (% of CAPAs closed by their last due date), ncr_count (NCRs opened), approved_expired_certificates (approved suppliers with an expired certificate, today)."`
	Comparison string  `json:"comparison" enum:">=,<=" doc:"The target is a minimum (>=) or a maximum (<=)."`
	Target     float64 `json:"target" doc:"Percent (0-100) for a rate, a whole number for a count."`
	Owner      string  `json:"owner" maxLength:"200"`
	OwnerID    int64   `json:"owner_id,omitempty" minimum:"0"`
	From       string  `json:"period_from" doc:"First month, YYYY-MM."`
	To         string  `json:"period_to" doc:"Last month, YYYY-MM."`
	Notes      string  `json:"notes,omitempty" maxLength:"4000"`
}

func (b ObjectiveRequest) objective() *objective.Objective {
	return &objective.Objective{Title: b.Title, Metric: objective.Metric(b.Metric), Comparison: objective.Comparison(b.Comparison), Target: b.Target,
		Owner: b.Owner, OwnerID: b.OwnerID, From: objective.Month(b.From), To: objective.Month(b.To), Notes: b.Notes}
}

type objectiveInput struct{ Body ObjectiveRequest }

// ObjectiveResult is an objective evaluated now.
type ObjectiveResult struct {
	objective.Result
}

type objectiveResultOutput struct{ Body ObjectiveResult }

type createObjectiveOutput struct {
	Location string `header:"Location"`
	Body     ObjectiveResult
}

type listObjectivesInput struct {
	Current bool `query:"current" doc:"Only the objectives whose period includes this month."`
}

type listObjectivesOutput struct{ Body Page[ObjectiveResult] }

// UpdateObjectiveRequest changes an objective.
type UpdateObjectiveRequest struct {
	ObjectiveRequest
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"1000"`
}

type updateObjectiveInput struct {
	RecordID
	Body UpdateObjectiveRequest
}

// VersionReasonRequest names the version a change is based on and why.
type VersionReasonRequest struct {
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason" maxLength:"1000"`
}

type voidObjectiveInput struct {
	RecordID
	Body VersionReasonRequest
}

func (a *API) registerObjectives() {
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Quality system",
		Description: "Quality objectives, management reviews, customer complaints, the clause evidence map and the ISO 13485 mode. Internal users read; quality managers change."})
	tags := []string{"Quality system"}
	ops := a.qmsOps()
	Handle(a, huma.Operation{OperationID: "list-objectives", Method: http.MethodGet, Path: "/objectives", Tags: tags,
		Summary: "List quality objectives", Description: "Every objective not voided, evaluated now from the records: value, status (met, not_met, no_data) and the trend by month."},
		func(ctx context.Context, in *listObjectivesInput) (*listObjectivesOutput, error) {
			rs, err := ops.Objectives(ctx, in.Current)
			if err != nil {
				return nil, err
			}
			items := make([]ObjectiveResult, len(rs))
			for i, r := range rs {
				items[i] = ObjectiveResult{r}
			}
			return &listObjectivesOutput{Body: NewPage(items, 0)}, nil
		})
	Handle(a, huma.Operation{OperationID: "create-objective", Method: http.MethodPost, Path: "/objectives", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Set a quality objective"},
		func(ctx context.Context, in *objectiveInput) (*createObjectiveOutput, error) {
			o := in.Body.objective()
			if err := ops.CreateObjective(ctx, o); err != nil {
				return nil, err
			}
			r, err := ops.Objective(ctx, o.ID)
			if err != nil {
				return nil, err
			}
			return &createObjectiveOutput{Location: Prefix + "/objectives/" + strconv.FormatInt(o.ID, 10), Body: ObjectiveResult{*r}}, nil
		})
	Handle(a, huma.Operation{OperationID: "get-objective", Method: http.MethodGet, Path: "/objectives/{id}", Tags: tags, Errors: []int{http.StatusNotFound},
		Summary: "Get a quality objective, evaluated now"},
		func(ctx context.Context, in *RecordID) (*objectiveResultOutput, error) {
			r, err := ops.Objective(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &objectiveResultOutput{Body: ObjectiveResult{*r}}, nil
		})
	Handle(a, huma.Operation{OperationID: "update-objective", Method: http.MethodPut, Path: "/objectives/{id}", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict}, Summary: "Change a quality objective"},
		func(ctx context.Context, in *updateObjectiveInput) (*objectiveResultOutput, error) {
			o := in.Body.objective()
			o.ID = in.ID
			if err := ops.UpdateObjective(ctx, o, in.Body.Version, in.Body.Reason); err != nil {
				return nil, err
			}
			r, err := ops.Objective(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &objectiveResultOutput{Body: ObjectiveResult{*r}}, nil
		})
	Handle(a, huma.Operation{OperationID: "void-objective", Method: http.MethodPost, Path: "/objectives/{id}/void", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict}, Summary: "Void a quality objective", Description: "With the reason."},
		func(ctx context.Context, in *voidObjectiveInput) (*objectiveResultOutput, error) {
			if err := ops.VoidObjective(ctx, in.ID, in.Body.Version, in.Body.Reason); err != nil {
				return nil, err
			}
			r, err := ops.Objective(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &objectiveResultOutput{Body: ObjectiveResult{*r}}, nil
		})
	a.registerReviews()
	a.registerComplaints()
	a.registerEvidence()
}
