package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/process"
	"qms/internal/store"
)

// The process register (ISO 9001 4.4, 5.3): internal users read it,
// quality managers change it. Through package documentops.

// ProcessRequest is a process as created or changed.
type ProcessRequest struct {
	Name    string `json:"name" maxLength:"200"`
	Purpose string `json:"purpose,omitempty" maxLength:"5000"`
	OwnerID int64  `json:"owner_id" doc:"Required: the process owner."`
	Inputs  string `json:"inputs,omitempty" maxLength:"5000" doc:"One per line."`
	Outputs string `json:"outputs,omitempty" maxLength:"5000" doc:"One per line."`
	KPIs    string `json:"kpis,omitempty" maxLength:"5000" doc:"Performance indicators, one per line."`
}

func (b ProcessRequest) process() process.Process {
	return process.Process{Name: b.Name, Purpose: b.Purpose, OwnerID: b.OwnerID, Inputs: b.Inputs, Outputs: b.Outputs, KPIs: b.KPIs}
}

// ProcessUpdateRequest changes a process.
type ProcessUpdateRequest struct {
	ProcessRequest
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"1000"`
}

// ProcessDetail is a process with its documents and risks.
type ProcessDetail struct {
	Process   process.Process     `json:"process"`
	Documents []store.DocumentRow `json:"documents"`
	Risks     []process.Risk      `json:"risks"`
}

type processesOutput struct{ Body []process.Process }
type processCreateInput struct{ Body ProcessRequest }
type processCreateOutput struct {
	Location string `header:"Location"`
	Body     process.Process
}
type processOutput struct{ Body process.Process }
type processDetailOutput struct{ Body ProcessDetail }
type processUpdateInput struct {
	RecordID
	Body ProcessUpdateRequest
}

func (a *API) registerProcesses() {
	tags := []string{"Processes and risks"}
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Processes and risks",
		Description: "The process register (ISO 9001 4.4, 5.3) and the register of risks and opportunities (6.1)."})
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	nf, cf := http.StatusNotFound, http.StatusConflict
	create := op("create-process", "POST", "/processes", "Add a process", "Quality managers. A taken name gets 409.", cf)
	create.DefaultStatus = http.StatusCreated
	Handle(a, op("list-processes", "GET", "/processes", "The process register", "By name."), a.listProcesses)
	Handle(a, create, a.createProcess)
	Handle(a, op("get-process", "GET", "/processes/{id}", "Get a process", "With its documents and risks.", nf), a.getProcess)
	Handle(a, op("update-process", "PUT", "/processes/{id}", "Change a process", "Quality managers, with the version you read.", nf, cf), a.updateProcess)
}

func (a *API) listProcesses(ctx context.Context, _ *struct{}) (*processesOutput, error) {
	ps, err := a.docs().Processes(ctx)
	if err != nil {
		return nil, err
	}
	if ps == nil {
		ps = []process.Process{}
	}
	return &processesOutput{Body: ps}, nil
}

func (a *API) createProcess(ctx context.Context, in *processCreateInput) (*processCreateOutput, error) {
	p := in.Body.process()
	if err := a.docs().CreateProcess(ctx, &p); err != nil {
		return nil, err
	}
	return &processCreateOutput{Location: Prefix + "/processes/" + strconv.FormatInt(p.ID, 10), Body: p}, nil
}

func (a *API) getProcess(ctx context.Context, in *RecordID) (*processDetailOutput, error) {
	v, err := a.docs().Process(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := ProcessDetail{Process: *v.Process, Documents: v.Documents, Risks: v.Risks}
	if out.Documents == nil {
		out.Documents = []store.DocumentRow{}
	}
	if out.Risks == nil {
		out.Risks = []process.Risk{}
	}
	return &processDetailOutput{Body: out}, nil
}

func (a *API) updateProcess(ctx context.Context, in *processUpdateInput) (*processOutput, error) {
	p := in.Body.process()
	p.ID = in.ID
	if err := a.docs().UpdateProcess(ctx, &p, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &processOutput{Body: p}, nil
}
