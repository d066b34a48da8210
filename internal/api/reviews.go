package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/mgmtreview"
	"qms/internal/qms"
	"qms/internal/qmsops"
)

// ManagementReviewRequest is the body that prepares or records a management review.
type ManagementReviewRequest struct {
	Title        string                `json:"title" maxLength:"200"`
	HeldOn       qms.Date              `json:"held_on" doc:"YYYY-MM-DD."`
	From         qms.Date              `json:"period_from" doc:"First day of the period reviewed."`
	To           qms.Date              `json:"period_to" doc:"Last day of the period reviewed, not after held_on."`
	Attendees    []mgmtreview.Attendee `json:"attendees,omitempty" maxItems:"50"`
	Feedback     string                `json:"feedback,omitempty" maxLength:"20000"`
	Resources    string                `json:"resources,omitempty" maxLength:"20000"`
	Improvements string                `json:"improvements,omitempty" maxLength:"20000"`
	Decisions    []string              `json:"decisions,omitempty" maxItems:"100"`
}

func (b ManagementReviewRequest) review() *mgmtreview.Review {
	return &mgmtreview.Review{Title: b.Title, HeldOn: b.HeldOn, From: b.From, To: b.To, Attendees: b.Attendees, Feedback: b.Feedback,
		Resources: b.Resources, Improvements: b.Improvements, Decisions: b.Decisions}
}

// ReviewDetail is a review with its actions and input pack (frozen once
// closed; generated now while a draft, live true).
type ReviewDetail struct {
	Review  ManagementReview `json:"review"`
	Actions []ReviewAction   `json:"actions"`
	Pack    *ReviewPack      `json:"pack"`
	Live    bool             `json:"live" doc:"The pack was generated now (a draft review); a closed review's pack is the one frozen at closing."`
}

func reviewDetailOut(d *qmsops.ReviewDetail) ReviewDetail {
	r := *d.Review
	r.Pack = nil
	actions := make([]ReviewAction, len(d.Actions))
	for i, a := range d.Actions {
		actions[i] = ReviewAction{a}
	}
	return ReviewDetail{Review: ManagementReview{r}, Actions: actions, Pack: &ReviewPack{*d.Pack}, Live: d.Live}
}

type mgmtReviewInput struct{ Body ManagementReviewRequest }

type reviewDetailOutput struct{ Body ReviewDetail }

type createReviewOutput struct {
	Location string `header:"Location"`
	Body     ReviewDetail
}

// ManagementReview is a management review's record.
type ManagementReview struct {
	mgmtreview.Review
}

// ReviewPack is the input pack of a management review (ISO 9001 9.3.2).
type ReviewPack struct {
	mgmtreview.Pack
}

type listReviewsOutput struct{ Body Page[ManagementReview] }

// UpdateReviewRequest records a draft review.
type UpdateReviewRequest struct {
	ManagementReviewRequest
	Version int64 `json:"version" minimum:"1"`
}

type updateReviewInput struct {
	RecordID
	Body UpdateReviewRequest
}

type closeReviewInput struct {
	RecordID
	Body VersionRequest
}

// ReviewActionRequest adds an action to a review.
type ReviewActionRequest struct {
	Description string   `json:"description" maxLength:"2000"`
	Owner       string   `json:"owner" maxLength:"200"`
	OwnerID     int64    `json:"owner_id,omitempty" minimum:"0"`
	DueOn       qms.Date `json:"due_on" doc:"YYYY-MM-DD."`
}

type addReviewActionInput struct {
	RecordID
	Body ReviewActionRequest
}

// ReviewAction is an action of a management review.
type ReviewAction struct {
	mgmtreview.Action
}

type reviewActionOutput struct{ Body ReviewAction }

// FinishReviewActionRequest ends an open action.
type FinishReviewActionRequest struct {
	Status  string `json:"status" enum:"done,cancelled"`
	Result  string `json:"result" maxLength:"2000" doc:"What was done, or why the action is cancelled."`
	Version int64  `json:"version" minimum:"1"`
}

type finishActionInput struct {
	RecordID
	Body FinishReviewActionRequest
}

type reviewPackInput struct {
	From qms.Date `query:"from" doc:"First day of the period, YYYY-MM-DD."`
	To   qms.Date `query:"to" doc:"Last day of the period, YYYY-MM-DD."`
}

type reviewPackOutput struct{ Body ReviewPack }

func (a *API) registerReviews() {
	tags := []string{"Quality system"}
	ops := a.qmsOps()
	detail := func(ctx context.Context, id int64) (*reviewDetailOutput, error) {
		d, err := ops.Review(ctx, id)
		if err != nil {
			return nil, err
		}
		return &reviewDetailOutput{Body: reviewDetailOut(d)}, nil
	}
	Handle(a, huma.Operation{OperationID: "list-reviews", Method: http.MethodGet, Path: "/reviews", Tags: tags,
		Summary: "List management reviews", Description: "The latest first, without their packs."},
		func(ctx context.Context, _ *struct{}) (*listReviewsOutput, error) {
			rs, err := ops.Reviews(ctx)
			if err != nil {
				return nil, err
			}
			items := make([]ManagementReview, len(rs))
			for i, r := range rs {
				items[i] = ManagementReview{r}
			}
			return &listReviewsOutput{Body: NewPage(items, 0)}, nil
		})
	Handle(a, huma.Operation{OperationID: "review-pack", Method: http.MethodGet, Path: "/reviews/pack", Tags: tags,
		Summary: "Generate a management review input pack", Description: "The inputs of ISO 9001 9.3.2 for a period, from the live data."},
		func(ctx context.Context, in *reviewPackInput) (*reviewPackOutput, error) {
			if in.From.IsZero() || in.To.IsZero() || in.To.Before(in.From) {
				return nil, Invalid("query.to", "from and to are required dates, to not before from")
			}
			p, err := ops.Pack(ctx, in.From, in.To)
			if err != nil {
				return nil, err
			}
			return &reviewPackOutput{Body: ReviewPack{*p}}, nil
		})
	Handle(a, huma.Operation{OperationID: "create-review", Method: http.MethodPost, Path: "/reviews", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Prepare a management review", Description: "A draft whose input pack is generated live until it is closed."},
		func(ctx context.Context, in *mgmtReviewInput) (*createReviewOutput, error) {
			r := in.Body.review()
			if err := ops.CreateReview(ctx, r); err != nil {
				return nil, err
			}
			out, err := detail(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			return &createReviewOutput{Location: Prefix + "/reviews/" + strconv.FormatInt(r.ID, 10), Body: out.Body}, nil
		})
	Handle(a, huma.Operation{OperationID: "get-review", Method: http.MethodGet, Path: "/reviews/{id}", Tags: tags, Errors: []int{http.StatusNotFound},
		Summary: "Get a management review with its actions and input pack"},
		func(ctx context.Context, in *RecordID) (*reviewDetailOutput, error) { return detail(ctx, in.ID) })
	Handle(a, huma.Operation{OperationID: "update-review", Method: http.MethodPut, Path: "/reviews/{id}", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict}, Summary: "Record a draft management review"},
		func(ctx context.Context, in *updateReviewInput) (*reviewDetailOutput, error) {
			r := in.Body.review()
			r.ID = in.ID
			if err := ops.UpdateReview(ctx, r, in.Body.Version); err != nil {
				return nil, err
			}
			return detail(ctx, in.ID)
		})
	Handle(a, huma.Operation{OperationID: "close-review", Method: http.MethodPost, Path: "/reviews/{id}/close", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict}, Summary: "Close a management review",
		Description: "Needs the attendees and at least one decision; freezes the input pack as generated now."},
		func(ctx context.Context, in *closeReviewInput) (*reviewDetailOutput, error) {
			if _, err := ops.CloseReview(ctx, in.ID, in.Body.Version); err != nil {
				return nil, err
			}
			return detail(ctx, in.ID)
		})
	Handle(a, huma.Operation{OperationID: "add-review-action", Method: http.MethodPost, Path: "/reviews/{id}/actions", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound, http.StatusConflict}, Summary: "Add an action to a management review"},
		func(ctx context.Context, in *addReviewActionInput) (*reviewActionOutput, error) {
			act := &mgmtreview.Action{ReviewID: in.ID, Description: in.Body.Description, Owner: in.Body.Owner, OwnerID: in.Body.OwnerID, DueOn: in.Body.DueOn}
			if err := ops.AddAction(ctx, act); err != nil {
				return nil, err
			}
			return &reviewActionOutput{Body: ReviewAction{*act}}, nil
		})
	Handle(a, huma.Operation{OperationID: "finish-review-action", Method: http.MethodPost, Path: "/review-actions/{id}/finish", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict}, Summary: "Mark a management review action done or cancelled"},
		func(ctx context.Context, in *finishActionInput) (*reviewActionOutput, error) {
			act, err := ops.FinishAction(ctx, in.ID, in.Body.Version, mgmtreview.ActionStatus(in.Body.Status), in.Body.Result)
			if err != nil {
				return nil, err
			}
			return &reviewActionOutput{Body: ReviewAction{*act}}, nil
		})
}
