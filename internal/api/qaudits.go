package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/store"
)

// Quality audits (ISO 9001 9.2 internal audits, 8.4 supplier audits,
// process and product audits; ISO 19011 programme): through package
// qauditops. Quality managers plan and follow up; the lead auditor and the
// team answer and issue the report; internal users read. A supplier user
// reads only its own supplier's issued supplier audits (list, get, report
// PDF); everything else is 404 to it.

// AuditRequest is an audit as planned or its plan changed.
type AuditRequest struct {
	Type            qaudit.Type `json:"type" enum:"internal,supplier,process,product"`
	Title           string      `json:"title" maxLength:"200"`
	Scope           string      `json:"scope" maxLength:"10000" doc:"The processes, sites, products and period covered."`
	Criteria        string      `json:"criteria,omitempty" maxLength:"200" doc:"The standard audited against; the checklist's when empty."`
	TemplateKey     string      `json:"template_key" maxLength:"40" doc:"The checklist: iso9001-2015, iso13485-2016, factory-technical or custom-<id>."`
	ProcessID       int64       `json:"process_id,omitempty" doc:"The audited process of the process register (internal and process audits)."`
	SupplierID      int64       `json:"supplier_id,omitempty" doc:"Required for a supplier audit."`
	SiteID          int64       `json:"site_id,omitempty"`
	Auditee         string      `json:"auditee,omitempty" maxLength:"200" doc:"The people or department audited."`
	LeadID          int64       `json:"lead_id" doc:"The lead auditor: a quality manager, auditor or inspector who does not own the audited process."`
	Team            []int64     `json:"team,omitempty" maxItems:"20" doc:"User ids of the audit team; nobody audits their own process."`
	PlannedStart    qms.Date    `json:"planned_start" doc:"YYYY-MM-DD."`
	PlannedEnd      qms.Date    `json:"planned_end,omitzero" required:"false" doc:"YYYY-MM-DD; the first day when empty."`
	ProgrammeItemID int64       `json:"programme_item_id,omitempty" doc:"The programme line the audit carries out."`
}

func (b AuditRequest) audit() qaudit.QualityAudit {
	a := qaudit.QualityAudit{Type: b.Type, Title: b.Title, Scope: b.Scope, Criteria: b.Criteria, TemplateKey: b.TemplateKey, ProcessID: b.ProcessID,
		SupplierID: b.SupplierID, SiteID: b.SiteID, Auditee: b.Auditee, LeadID: b.LeadID, PlannedStart: b.PlannedStart, PlannedEnd: b.PlannedEnd,
		ProgrammeItemID: b.ProgrammeItemID}
	for _, id := range b.Team {
		a.Team = append(a.Team, qaudit.TeamMember{ID: id})
	}
	return a
}

// AuditUpdateRequest changes a planned or running audit's plan.
type AuditUpdateRequest struct {
	AuditRequest
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"2000"`
}

// AuditMoveRequest starts, cancels or completes an audit.
type AuditMoveRequest struct {
	Version int64  `json:"version" minimum:"1" doc:"The version you read."`
	Reason  string `json:"reason,omitempty" maxLength:"2000" doc:"Required to cancel."`
	Summary string `json:"summary,omitempty" maxLength:"10000" doc:"Required to complete: the conclusion of the report."`
}

// AnswerRequest answers one question.
type AnswerRequest struct {
	Grade    qaudit.Grade `json:"grade" enum:"conform,minor,major,observation,ofi,na"`
	Evidence string       `json:"evidence,omitempty" maxLength:"10000" doc:"Required for a minor or major nonconformity."`
	Photos   []int64      `json:"photos,omitempty" maxItems:"20" doc:"File ids uploaded onto the audit (POST /files with owner_type=audit and owner_id); they replace the answer's photos."`
}

// FindingRequest changes a finding.
type FindingRequest struct {
	Version int64    `json:"version" minimum:"1"`
	OwnerID int64    `json:"owner_id,omitempty" doc:"The CAPA's owner (raising a CAPA)."`
	DueOn   qms.Date `json:"due_on,omitzero" required:"false" doc:"The new due date (moving it)."`
	Reason  string   `json:"reason,omitempty" maxLength:"2000" doc:"Why the due date moves."`
	Note    string   `json:"note,omitempty" maxLength:"2000" doc:"How the correction was verified (closing)."`
}

// TemplateRequest creates (optionally as a copy of another) or changes a
// checklist template.
type TemplateRequest struct {
	CopyOf      string                    `json:"copy_of,omitempty" maxLength:"40" doc:"Create as a copy of this template (its questions when none are given)."`
	Name        string                    `json:"name" maxLength:"200"`
	Standard    string                    `json:"standard,omitempty" maxLength:"200"`
	Description string                    `json:"description,omitempty" maxLength:"10000"`
	Questions   []qaudit.TemplateQuestion `json:"questions,omitempty" maxItems:"1000"`
	Version     int64                     `json:"version,omitempty" doc:"Changing: the version you read."`
	Reason      string                    `json:"reason,omitempty" maxLength:"2000"`
}

// ProgrammeRequest creates a year's programme.
type ProgrammeRequest struct {
	Year       int    `json:"year" minimum:"2000" maximum:"2200"`
	Title      string `json:"title,omitempty" maxLength:"200"`
	Objectives string `json:"objectives,omitempty" maxLength:"10000"`
}

// ProgrammeItemRequest adds a line to a programme.
type ProgrammeItemRequest struct {
	Subject     qaudit.Subject `json:"subject" enum:"process,clause,supplier"`
	ProcessID   int64          `json:"process_id,omitempty"`
	SupplierID  int64          `json:"supplier_id,omitempty"`
	Clause      string         `json:"clause,omitempty" maxLength:"20"`
	Name        string         `json:"name,omitempty" maxLength:"200"`
	Risk        qaudit.Risk    `json:"risk" enum:"high,medium,low" doc:"High: audited quarterly; medium: twice a year; low: yearly."`
	AuditType   qaudit.Type    `json:"audit_type,omitempty" enum:"internal,supplier,process,product"`
	TemplateKey string         `json:"template_key" maxLength:"40"`
	Notes       string         `json:"notes,omitempty" maxLength:"2000"`
}

type auditListInput struct {
	PageParams
	Status     string `query:"status" enum:"planned,in_progress,completed,closed,cancelled" doc:"Only audits in this status."`
	Type       string `query:"type" enum:"internal,supplier,process,product"`
	SupplierID int64  `query:"supplier_id" minimum:"0"`
}
type auditListOutput struct{ Body Page[qaudit.QualityAudit] }
type auditCreateInput struct{ Body AuditRequest }
type auditCreateOutput struct {
	Location string `header:"Location"`
	Body     qaudit.QualityAudit
}
type auditOutput struct{ Body qaudit.QualityAudit }
type auditViewOutput struct{ Body qauditops.AuditView }
type auditUpdateInput struct {
	RecordID
	Body AuditUpdateRequest
}
type auditMoveInput struct {
	RecordID
	Body AuditMoveRequest
}
type answerInput struct {
	RecordID
	Line int `path:"line" minimum:"1" doc:"The question's line in the checklist."`
	Body AnswerRequest
}
type answerOutput struct{ Body qaudit.Question }
type findingListInput struct {
	Status     string `query:"status" enum:"open,closed,noted"`
	SupplierID int64  `query:"supplier_id" minimum:"0"`
	Overdue    bool   `query:"overdue" doc:"Only open findings past their due date."`
	Limit      int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}
type findingListOutput struct{ Body []qaudit.AuditFinding }
type findingInput struct {
	RecordID
	Body FindingRequest
}
type findingOutput struct{ Body qaudit.AuditFinding }
type findingNCROutput struct{ Body ncr.NCR }
type findingCAPAOutput struct{ Body capa.CAPA }
type templateListOutput struct{ Body []qaudit.Template }
type templateKey struct {
	Key string `path:"key" maxLength:"40" doc:"iso9001-2015, iso13485-2016, factory-technical or custom-<id>."`
}
type templateOutput struct{ Body qaudit.Template }
type templateCreateInput struct{ Body TemplateRequest }
type templateUpdateInput struct {
	Key  string `path:"key" maxLength:"40" doc:"custom-<id>: users' own checklists only."`
	Body TemplateRequest
}
type programmeYear struct {
	Year int `path:"year" minimum:"2000" maximum:"2200"`
}
type programmeOutput struct{ Body qaudit.Programme }
type programmeCreateInput struct{ Body ProgrammeRequest }
type itemCreateInput struct {
	RecordID
	Body ProgrammeItemRequest
}
type itemOutput struct{ Body qaudit.ProgrammeItem }
type itemRemoveInput struct {
	RecordID
	Body struct {
		Reason string `json:"reason" maxLength:"2000"`
	}
}
type auditReportInput struct {
	ID       int64 `path:"id" minimum:"1" doc:"The id of the audit."`
	Download bool  `query:"download" doc:"Ask the browser to save the file (Content-Disposition: attachment)."`
}

func (a *API) qaudits() *qauditops.Service { return &qauditops.Service{Store: a.store, Files: a.files} }

func (a *API) registerQAudits() {
	tags := []string{"Audits"}
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Audits",
		Description: "Internal audits (ISO 9001 9.2), supplier audits (8.4), process and product audits: the yearly programme by risk, " +
			"checklists (ISO 9001:2015, ISO 13485:2016, factory technical audit, users' copies), answers graded conform / minor / major / " +
			"observation / opportunity for improvement with evidence and photos, the score, the report, and findings followed up through NCRs and CAPAs."})
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	nf, cf := http.StatusNotFound, http.StatusConflict
	created := func(o huma.Operation) huma.Operation { o.DefaultStatus = http.StatusCreated; return o }
	Handle(a, op("list-audits", "GET", "/audits", "List audits", "Newest first. A supplier user gets its supplier's issued supplier audits only."), a.listAudits)
	Handle(a, created(op("plan-audit", "POST", "/audits", "Plan an audit",
		"Quality managers. The checklist is copied from the template. Nobody audits their own process: the owner of the process is neither lead nor on the team.")), a.planAudit)
	Handle(a, op("get-audit", "GET", "/audits/{id}", "Get an audit", "With its checklist, answers, findings and score. The score is "+
		"100 × max(0, A − minor − 3 × major) / A over the A applicable (answered, not N/A) questions.", nf), a.getAudit)
	Handle(a, op("update-audit", "PUT", "/audits/{id}", "Change an audit's plan", "Quality managers, while planned or in progress.", nf, cf), a.updateAudit)
	Handle(a, op("start-audit", "POST", "/audits/{id}/start", "Start an audit", "The lead auditor, the team or a quality manager.", nf, cf), a.startAudit)
	Handle(a, op("cancel-audit", "POST", "/audits/{id}/cancel", "Cancel an audit", "Quality managers, with a reason.", nf, cf), a.cancelAudit)
	Handle(a, op("complete-audit", "POST", "/audits/{id}/complete", "Issue the report",
		"Every question answered and a summary: the score and the findings (every answer but conform and N/A) follow; answers freeze. "+
			"An audit without open nonconformity closes at once.", nf, cf), a.completeAudit)
	Handle(a, op("answer-audit-question", "PUT", "/audits/{id}/questions/{line}", "Answer a question",
		"While the audit is in progress. Evidence is required for a nonconformity.", nf, cf), a.answerQuestion)
	Handle(a, huma.Operation{OperationID: "get-audit-report-pdf", Method: http.MethodGet, Path: "/audits/{id}/report.pdf", Tags: tags,
		Errors: []int{nf}, Summary: "The audit report as a PDF",
		Description: "Score, answers by grade, result by section, findings with follow-up, the checklist with evidence, photos. A draft until issued.",
		Responses: map[string]*huma.Response{"200": {Description: "The PDF.", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", ContentEncoding: "binary"}}}}},
	}, a.auditReportPDF)
	Handle(a, op("list-audit-findings", "GET", "/audit-findings", "List findings", "Across audits, due first. Internal users."), a.listFindings)
	Handle(a, created(op("raise-finding-ncr", "POST", "/audit-findings/{id}/ncr", "Raise an NCR from a finding", "Quality managers; open nonconformities.", nf, cf)), a.findingNCR)
	Handle(a, created(op("raise-finding-capa", "POST", "/audit-findings/{id}/capa", "Open a CAPA from a finding",
		"Quality managers; a SCAR to the supplier for a supplier audit. owner_id is required.", nf, cf)), a.findingCAPA)
	Handle(a, op("move-finding-due", "POST", "/audit-findings/{id}/due", "Move a finding's due date", "Quality managers, with a reason.", nf, cf), a.findingDue)
	Handle(a, op("close-finding", "POST", "/audit-findings/{id}/close", "Close a finding",
		"Quality managers, with the verification note, once its NCR and CAPA are closed; a major one needs one of them. The audit closes with its last open finding.", nf, cf), a.findingClose)
	Handle(a, op("list-audit-templates", "GET", "/audit-templates", "List checklists", "The shipped ones, then users' own."), a.listTemplates)
	Handle(a, op("get-audit-template", "GET", "/audit-templates/{key}", "Get a checklist", "", nf), a.getTemplate)
	Handle(a, created(op("create-audit-template", "POST", "/audit-templates", "Make a checklist", "Quality managers; copy_of copies another.", nf)), a.createTemplate)
	Handle(a, op("update-audit-template", "PUT", "/audit-templates/{key}", "Change a checklist",
		"Quality managers; users' own only (the shipped ones are 409: copy them).", nf, cf), a.updateTemplate)
	Handle(a, op("get-audit-programme", "GET", "/audit-programmes/{year}", "Get a year's audit programme",
		"With its lines and their slots (planned, scheduled, done, overdue).", nf), a.getProgramme)
	Handle(a, created(op("create-audit-programme", "POST", "/audit-programmes", "Create a year's audit programme", "Quality managers; one per year.", cf)), a.createProgramme)
	Handle(a, created(op("add-audit-programme-item", "POST", "/audit-programmes/{id}/items", "Add a programme line", "Quality managers.", nf)), a.addItem)
	Handle(a, op("remove-audit-programme-item", "POST", "/audit-programme-items/{id}/remove", "Remove a programme line", "Quality managers, with a reason.", nf), a.removeItem)
}

func (a *API) listAudits(ctx context.Context, in *auditListInput) (*auditListOutput, error) {
	before, err := in.After()
	if err != nil {
		return nil, err
	}
	rows, next, err := a.qaudits().List(ctx, qauditops.Filter{Status: qaudit.Status(in.Status), Type: qaudit.Type(in.Type), SupplierID: in.SupplierID,
		Before: before, Limit: in.PageLimit()})
	if err != nil {
		return nil, err
	}
	return &auditListOutput{Body: NewPage(rows, next)}, nil
}

func (a *API) planAudit(ctx context.Context, in *auditCreateInput) (*auditCreateOutput, error) {
	au := in.Body.audit()
	if err := a.qaudits().Plan(ctx, &au); err != nil {
		return nil, err
	}
	return &auditCreateOutput{Location: Prefix + "/audits/" + strconv.FormatInt(au.ID, 10), Body: au}, nil
}

func (a *API) getAudit(ctx context.Context, in *RecordID) (*auditViewOutput, error) {
	v, err := a.qaudits().Get(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if v.Findings == nil {
		v.Findings = []qaudit.AuditFinding{}
	}
	return &auditViewOutput{Body: *v}, nil
}

func (a *API) updateAudit(ctx context.Context, in *auditUpdateInput) (*auditOutput, error) {
	au := in.Body.audit()
	au.ID = in.ID
	if err := a.qaudits().UpdatePlan(ctx, &au, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &auditOutput{Body: au}, nil
}

func (a *API) startAudit(ctx context.Context, in *auditMoveInput) (*auditOutput, error) {
	au, err := a.qaudits().Start(ctx, in.ID, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &auditOutput{Body: *au}, nil
}

func (a *API) cancelAudit(ctx context.Context, in *auditMoveInput) (*auditOutput, error) {
	au, err := a.qaudits().Cancel(ctx, in.ID, in.Body.Version, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &auditOutput{Body: *au}, nil
}

func (a *API) completeAudit(ctx context.Context, in *auditMoveInput) (*auditOutput, error) {
	au, err := a.qaudits().Complete(ctx, in.ID, in.Body.Version, in.Body.Summary)
	if err != nil {
		return nil, err
	}
	return &auditOutput{Body: *au}, nil
}

func (a *API) answerQuestion(ctx context.Context, in *answerInput) (*answerOutput, error) {
	photos := in.Body.Photos
	if photos == nil {
		photos = []int64{}
	}
	q, err := a.qaudits().Answer(ctx, in.ID, in.Line, qaudit.Answer{Grade: in.Body.Grade, Evidence: in.Body.Evidence, Photos: photos}, nil)
	if err != nil {
		return nil, err
	}
	return &answerOutput{Body: *q}, nil
}

func (a *API) auditReportPDF(ctx context.Context, in *auditReportInput) (*huma.StreamResponse, error) {
	fonts := a.fonts
	if fonts == nil {
		var err error
		if fonts, err = report.LoadFonts("", a.log); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := a.qaudits().ReportPDF(ctx, &buf, in.ID, fonts, time.Now().UTC()); err != nil {
		return nil, err
	}
	name := "audit-report-" + qaudit.Number(in.ID) + ".pdf"
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		disposition := "inline"
		if in.Download {
			disposition = "attachment"
		}
		hctx.SetHeader("Content-Type", "application/pdf")
		hctx.SetHeader("Content-Disposition", blob.ContentDisposition(disposition, name))
		hctx.SetHeader("Cache-Control", "private, no-store")
		hctx.SetHeader("Content-Length", strconv.Itoa(buf.Len()))
		hctx.SetStatus(http.StatusOK)
		hctx.BodyWriter().Write(buf.Bytes())
	}}, nil
}

func (a *API) listFindings(ctx context.Context, in *findingListInput) (*findingListOutput, error) {
	fs, err := a.qaudits().Findings(ctx, store.FindingFilter{Status: qaudit.FindingStatus(in.Status), SupplierID: in.SupplierID, Overdue: in.Overdue, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	if fs == nil {
		fs = []qaudit.AuditFinding{}
	}
	return &findingListOutput{Body: fs}, nil
}

func (a *API) findingNCR(ctx context.Context, in *findingInput) (*findingNCROutput, error) {
	n, err := a.qaudits().RaiseNCR(ctx, in.ID, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &findingNCROutput{Body: *n}, nil
}

func (a *API) findingCAPA(ctx context.Context, in *findingInput) (*findingCAPAOutput, error) {
	c, err := a.qaudits().RaiseCAPA(ctx, in.ID, in.Body.Version, in.Body.OwnerID)
	if err != nil {
		return nil, err
	}
	return &findingCAPAOutput{Body: *c}, nil
}

func (a *API) findingDue(ctx context.Context, in *findingInput) (*findingOutput, error) {
	f, err := a.qaudits().SetDue(ctx, in.ID, in.Body.Version, in.Body.DueOn, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &findingOutput{Body: *f}, nil
}

func (a *API) findingClose(ctx context.Context, in *findingInput) (*findingOutput, error) {
	f, err := a.qaudits().CloseFinding(ctx, in.ID, in.Body.Version, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &findingOutput{Body: *f}, nil
}

func (a *API) listTemplates(ctx context.Context, _ *struct{}) (*templateListOutput, error) {
	ts, err := a.qaudits().Templates(ctx)
	if err != nil {
		return nil, err
	}
	return &templateListOutput{Body: ts}, nil
}

func (a *API) getTemplate(ctx context.Context, in *templateKey) (*templateOutput, error) {
	t, err := a.qaudits().Template(ctx, in.Key)
	if err != nil {
		return nil, err
	}
	return &templateOutput{Body: *t}, nil
}

func (a *API) createTemplate(ctx context.Context, in *templateCreateInput) (*templateOutput, error) {
	b := in.Body
	if b.CopyOf != "" && len(b.Questions) == 0 {
		t, err := a.qaudits().CopyTemplate(ctx, b.CopyOf, b.Name)
		if err != nil {
			return nil, err
		}
		return &templateOutput{Body: *t}, nil
	}
	t := qaudit.Template{Name: b.Name, Standard: b.Standard, Description: b.Description, Questions: b.Questions}
	if err := a.qaudits().CreateTemplate(ctx, &t); err != nil {
		return nil, err
	}
	return &templateOutput{Body: t}, nil
}

func (a *API) updateTemplate(ctx context.Context, in *templateUpdateInput) (*templateOutput, error) {
	cur, err := a.qaudits().Template(ctx, in.Key)
	if err != nil {
		return nil, err
	}
	t := *cur
	t.Name, t.Standard, t.Description, t.Questions = in.Body.Name, in.Body.Standard, in.Body.Description, in.Body.Questions
	if err := a.qaudits().UpdateTemplate(ctx, &t, in.Body.Version, in.Body.Reason); err != nil {
		return nil, err
	}
	return &templateOutput{Body: t}, nil
}

func (a *API) getProgramme(ctx context.Context, in *programmeYear) (*programmeOutput, error) {
	p, err := a.qaudits().Programme(ctx, in.Year)
	if err != nil {
		return nil, err
	}
	return &programmeOutput{Body: *p}, nil
}

func (a *API) createProgramme(ctx context.Context, in *programmeCreateInput) (*programmeOutput, error) {
	p := qaudit.Programme{Year: in.Body.Year, Title: in.Body.Title, Objectives: in.Body.Objectives}
	if err := a.qaudits().CreateProgramme(ctx, &p); err != nil {
		return nil, err
	}
	return &programmeOutput{Body: p}, nil
}

func (a *API) addItem(ctx context.Context, in *itemCreateInput) (*itemOutput, error) {
	b := in.Body
	it := qaudit.ProgrammeItem{ProgrammeID: in.ID, Subject: b.Subject, ProcessID: b.ProcessID, SupplierID: b.SupplierID, Clause: b.Clause, Name: b.Name,
		Risk: b.Risk, AuditType: b.AuditType, TemplateKey: b.TemplateKey, Notes: b.Notes}
	if err := a.qaudits().AddItem(ctx, &it); err != nil {
		return nil, err
	}
	return &itemOutput{Body: it}, nil
}

func (a *API) removeItem(ctx context.Context, in *itemRemoveInput) (*struct{}, error) {
	return nil, a.qaudits().RemoveItem(ctx, in.ID, in.Body.Reason)
}
