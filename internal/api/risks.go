package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/process"
	"qms/internal/qms"
	"qms/internal/store"
)

// The register of risks and opportunities (ISO 9001 6.1) with their
// actions: internal users read it, quality managers change it; an
// action's owner marks it done. Through package documentops.

// RiskRequest is a risk or opportunity as recorded or reassessed.
type RiskRequest struct {
	Kind        string   `json:"kind,omitempty" enum:"risk,opportunity" doc:"Default risk."`
	Title       string   `json:"title" maxLength:"200"`
	Description string   `json:"description,omitempty" maxLength:"5000"`
	ProcessID   *int64   `json:"process_id,omitempty" minimum:"1"`
	SupplierID  *int64   `json:"supplier_id,omitempty" minimum:"1"`
	Likelihood  int      `json:"likelihood" minimum:"1" maximum:"5" doc:"1 rare to 5 almost certain."`
	Severity    int      `json:"severity" minimum:"1" maximum:"5" doc:"1 negligible to 5 critical."`
	Treatment   string   `json:"treatment,omitempty" maxLength:"5000"`
	OwnerID     int64    `json:"owner_id"`
	ReviewOn    qms.Date `json:"review_on" doc:"The next review, YYYY-MM-DD."`
	Status      string   `json:"status,omitempty" enum:"open,closed"`
}

func (b RiskRequest) risk() process.Risk {
	return process.Risk{Kind: process.Kind(b.Kind), Title: b.Title, Description: b.Description, ProcessID: b.ProcessID, SupplierID: b.SupplierID,
		Likelihood: b.Likelihood, Severity: b.Severity, Treatment: b.Treatment, OwnerID: b.OwnerID, ReviewOn: b.ReviewOn,
		Status: process.RiskStatus(b.Status)}
}

// RiskUpdateRequest reassesses a risk.
type RiskUpdateRequest struct {
	RiskRequest
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"1000"`
}

// RiskActionRequest adds an action to a risk.
type RiskActionRequest struct {
	Description string   `json:"description" maxLength:"5000"`
	OwnerID     int64    `json:"owner_id"`
	DueOn       qms.Date `json:"due_on" doc:"YYYY-MM-DD."`
}

// RiskActionDoneRequest marks an action done.
type RiskActionDoneRequest struct {
	Note string `json:"note,omitempty" maxLength:"1000"`
}

type risksInput struct {
	ProcessID  int64 `query:"process_id" minimum:"0"`
	SupplierID int64 `query:"supplier_id" minimum:"0"`
	Open       bool  `query:"open" doc:"Only open ones."`
}

type risksOutput struct{ Body []process.Risk }
type riskOutput struct{ Body process.Risk }
type riskCreateInput struct{ Body RiskRequest }
type riskCreateOutput struct {
	Location string `header:"Location"`
	Body     process.Risk
}
type riskUpdateInput struct {
	RecordID
	Body RiskUpdateRequest
}
type riskActionInput struct {
	RecordID
	Body RiskActionRequest
}
type riskActionOutput struct{ Body process.RiskAction }
type riskActionDoneInput struct {
	RecordID
	Body RiskActionDoneRequest
}

func (a *API) registerRisks() {
	tags := []string{"Processes and risks"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	created := func(o huma.Operation) huma.Operation { o.DefaultStatus = http.StatusCreated; return o }
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-risks", "GET", "/risks", "The risk register", "Highest score first."), a.listRisks)
	Handle(a, created(op("create-risk", "POST", "/risks", "Record a risk or opportunity", "Quality managers; the score is likelihood × severity.")), a.createRisk)
	Handle(a, op("get-risk", "GET", "/risks/{id}", "Get a risk", "With its actions.", nf), a.getRisk)
	Handle(a, op("update-risk", "PUT", "/risks/{id}", "Reassess a risk", "Quality managers, with the version you read.", nf, cf), a.updateRisk)
	Handle(a, created(op("add-risk-action", "POST", "/risks/{id}/actions", "Add an action", "Quality managers.", nf)), a.addRiskAction)
	Handle(a, op("complete-risk-action", "POST", "/risk-actions/{id}/done", "Mark an action done", "Its owner or a quality manager.", nf, cf), a.completeRiskAction)
}

func (a *API) listRisks(ctx context.Context, in *risksInput) (*risksOutput, error) {
	rs, err := a.docs().Risks(ctx, store.RiskFilter{ProcessID: in.ProcessID, SupplierID: in.SupplierID, Open: in.Open})
	if err != nil {
		return nil, err
	}
	if rs == nil {
		rs = []process.Risk{}
	}
	return &risksOutput{Body: rs}, nil
}

func (a *API) createRisk(ctx context.Context, in *riskCreateInput) (*riskCreateOutput, error) {
	r := in.Body.risk()
	if err := a.docs().CreateRisk(ctx, &r); err != nil {
		return nil, err
	}
	return &riskCreateOutput{Location: Prefix + "/risks/" + strconv.FormatInt(r.ID, 10), Body: r}, nil
}

func (a *API) getRisk(ctx context.Context, in *RecordID) (*riskOutput, error) {
	r, err := a.docs().Risk(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &riskOutput{Body: *r}, nil
}

func (a *API) updateRisk(ctx context.Context, in *riskUpdateInput) (*riskOutput, error) {
	r := in.Body.risk()
	r.ID = in.ID
	if err := a.docs().UpdateRisk(ctx, &r, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &riskOutput{Body: r}, nil
}

func (a *API) addRiskAction(ctx context.Context, in *riskActionInput) (*riskActionOutput, error) {
	act := process.RiskAction{RiskID: in.ID, Description: in.Body.Description, OwnerID: in.Body.OwnerID, DueOn: in.Body.DueOn}
	if err := a.docs().AddRiskAction(ctx, &act); err != nil {
		return nil, err
	}
	return &riskActionOutput{Body: act}, nil
}

func (a *API) completeRiskAction(ctx context.Context, in *riskActionDoneInput) (*riskActionOutput, error) {
	act, err := a.docs().CompleteRiskAction(ctx, in.ID, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &riskActionOutput{Body: *act}, nil
}
