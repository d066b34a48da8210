package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/capa"
	"qms/internal/capaops"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
)

// CAPAs in 8D form and supplier corrective action requests (SCARs): list
// with ageing, read (reviews, internal notes, evidence, closure
// signatures), open, edit the header, save, submit and review stages,
// due dates, the effectiveness criterion, internal notes, evidence, moves
// and the signed closure. Every operation goes through package capaops.
// A supplier's user reaches its own supplier's requests through the same
// routes, sees them without the buyer's internals (sources, notes,
// signatures, reasons) and gets 404 for every other CAPA.

func (a *API) capas() *capaops.Service { return &capaops.Service{Store: a.store, Auth: a.auth} }

// CAPAIDParam is the path parameter of the operations on one CAPA.
type CAPAIDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the CAPA."`
}

// StageParam is the path parameter naming one 8D stage.
type StageParam struct {
	Stage string `path:"stage" enum:"D0,D1,D2,D3,D4,D5,D6,D7,D8" doc:"The 8D discipline."`
}

type capaOutput struct{ Body capa.CAPA }

type capaCreatedOutput struct {
	Location string `header:"Location"`
	Body     capa.CAPA
}

// CAPADetail is a CAPA with its reviews, notes, evidence, signatures,
// ageing and the moves the caller may make (capaops.Detail). A supplier's
// user gets its request without the buyer's internals and no notes or
// signatures.
type CAPADetail struct {
	CAPA       *capa.CAPA    `json:"capa"`
	Reviews    []capa.Review `json:"reviews"`
	Notes      []capa.Note   `json:"notes" doc:"The buyer's internal notes; always empty for a supplier's user."`
	Files      []File        `json:"files" doc:"Evidence files uploaded to the CAPA."`
	Signatures []esign.Check `json:"signatures" doc:"The closure signatures, checked against the current content; empty for a supplier's user."`
	capaops.Ageing
	Moves []capa.Move `json:"moves" doc:"The lifecycle moves the caller may make now."`
}

type capaDetailOutput struct{ Body CAPADetail }

type listCAPAsInput struct {
	Status     string `query:"status" enum:"open,verifying,closed,cancelled"`
	Active     bool   `query:"active" doc:"Only open or verifying CAPAs."`
	Overdue    bool   `query:"overdue" doc:"Only active CAPAs with a stage past its due date."`
	Kind       string `query:"kind" enum:"internal,supplier" doc:"supplier: supplier corrective action requests."`
	SupplierID int64  `query:"supplier_id" minimum:"1"`
	OwnerID    int64  `query:"owner_id" minimum:"1" doc:"The buyer's person responsible (internal staff only)."`
	PageParams
}

// CAPARow is a CAPA of the list (stages with due dates and states, no
// report) with its ageing on today.
type CAPARow struct {
	capa.CAPA
	Supplier     string       `json:"supplier,omitempty" doc:"The supplier's name."`
	AgeDays      int          `json:"age_days" doc:"Days open (until closed or cancelled)."`
	CurrentStage capa.Stage   `json:"current_stage" doc:"The first stage not yet accepted."`
	CurrentDue   qms.Date     `json:"current_due,omitzero"`
	StageDays    int          `json:"stage_days" doc:"Days in the current stage, while active."`
	Overdue      []capa.Stage `json:"overdue" doc:"Stages past their due date, while active."`
	DaysOverdue  int          `json:"days_overdue" doc:"How many days the most overdue stage is late."`
}

type listCAPAsOutput struct{ Body Page[CAPARow] }

// CAPARequest is what a CAPA is opened with, and what its header edit
// replaces (kind, type and supplier stay as opened).
type CAPARequest struct {
	Kind       string          `json:"kind" enum:"internal,supplier" doc:"supplier: a supplier corrective action request, answered by the supplier's users (D3 to D7)."`
	Type       string          `json:"type" enum:"corrective,preventive"`
	Title      string          `json:"title" maxLength:"200"`
	Severity   string          `json:"severity" enum:"critical,major,minor"`
	SupplierID int64           `json:"supplier_id,omitempty" minimum:"0" doc:"Required for a supplier request."`
	SiteID     int64           `json:"site_id,omitempty" minimum:"0"`
	ProductID  int64           `json:"product_id,omitempty" minimum:"0"`
	OwnerID    int64           `json:"owner_id" minimum:"1" doc:"The buyer's person responsible."`
	OpenedOn   string          `json:"opened_on,omitempty" format:"date" doc:"Absent: today. The stages are due from it."`
	Sources    []capa.Source   `json:"sources,omitempty" maxItems:"50" doc:"The NCRs, audit findings and complaints it answers; a corrective action has at least one."`
	Criterion  *capa.Criterion `json:"criterion,omitempty" doc:"The effectiveness criterion, if known now."`
}

type openCAPAInput struct{ Body CAPARequest }

// UpdateCAPARequest replaces the header of an active CAPA.
type UpdateCAPARequest struct {
	Title     string        `json:"title" maxLength:"200"`
	Severity  string        `json:"severity" enum:"critical,major,minor"`
	SiteID    int64         `json:"site_id,omitempty" minimum:"0"`
	ProductID int64         `json:"product_id,omitempty" minimum:"0"`
	OwnerID   int64         `json:"owner_id" minimum:"1"`
	Sources   []capa.Source `json:"sources,omitempty" maxItems:"50"`
	Version   int64         `json:"version" minimum:"1"`
	Reason    string        `json:"reason,omitempty" maxLength:"2000"`
}

type updateCAPAInput struct {
	CAPAIDParam
	Body UpdateCAPARequest
}

// StageRequest saves the content of one stage as a draft: the part named
// like the stage in the path (d3 for D3), and nothing else.
type StageRequest struct {
	Version int64                `json:"version" minimum:"1"`
	D0      *capa.Emergency      `json:"d0,omitempty"`
	D1      *capa.Team           `json:"d1,omitempty"`
	D2      *capa.Problem        `json:"d2,omitempty"`
	D3      *capa.Containment    `json:"d3,omitempty"`
	D4      *capa.RootCause      `json:"d4,omitempty"`
	D5      *capa.Actions        `json:"d5,omitempty"`
	D6      *capa.Implementation `json:"d6,omitempty" doc:"Evidence files are files uploaded to the CAPA (POST /files with owner_type=capa)."`
	D7      *capa.Prevention     `json:"d7,omitempty"`
	D8      *capa.Recognition    `json:"d8,omitempty"`
}

// content returns the one part given, which must be the stage's.
func (b StageRequest) content(s capa.Stage) (capa.Content, error) {
	parts := map[capa.Stage]capa.Content{}
	add := func(st capa.Stage, ok bool, c capa.Content) {
		if ok {
			parts[st] = c
		}
	}
	add(capa.D0, b.D0 != nil, b.D0)
	add(capa.D1, b.D1 != nil, b.D1)
	add(capa.D2, b.D2 != nil, b.D2)
	add(capa.D3, b.D3 != nil, b.D3)
	add(capa.D4, b.D4 != nil, b.D4)
	add(capa.D5, b.D5 != nil, b.D5)
	add(capa.D6, b.D6 != nil, b.D6)
	add(capa.D7, b.D7 != nil, b.D7)
	add(capa.D8, b.D8 != nil, b.D8)
	field := "body.d" + strconv.Itoa(s.Index())
	c, ok := parts[s]
	if !ok || len(parts) != 1 {
		return nil, Invalid(field, "give the content of "+string(s)+" in "+field[len("body."):]+", and no other stage")
	}
	return c, nil
}

type saveStageInput struct {
	CAPAIDParam
	StageParam
	Body StageRequest
}

// VersionRequest carries only the version of the record.
type VersionRequest struct {
	Version int64 `json:"version" minimum:"1"`
}

type submitStageInput struct {
	CAPAIDParam
	StageParam
	Body VersionRequest
}

// StageReviewRequest accepts or returns a submitted stage.
type StageReviewRequest struct {
	Decision string `json:"decision" enum:"accepted,returned"`
	Comment  string `json:"comment,omitempty" maxLength:"4000" doc:"The supplier sees it. Required to return: what must change."`
	Version  int64  `json:"version" minimum:"1"`
}

type reviewStageInput struct {
	CAPAIDParam
	StageParam
	Body StageReviewRequest
}

// DueRequest moves the due date of a stage.
type DueRequest struct {
	DueOn   string `json:"due_on" format:"date"`
	Reason  string `json:"reason" maxLength:"2000"`
	Version int64  `json:"version" minimum:"1"`
}

type dueInput struct {
	CAPAIDParam
	StageParam
	Body DueRequest
}

// CriterionRequest states the effectiveness criterion.
type CriterionRequest struct {
	Criterion capa.Criterion `json:"criterion"`
	Reason    string         `json:"reason,omitempty" maxLength:"2000"`
	Version   int64          `json:"version" minimum:"1"`
}

type criterionInput struct {
	CAPAIDParam
	Body CriterionRequest
}

// NoteRequest is an internal note.
type NoteRequest struct {
	Stage string `json:"stage,omitempty" enum:"D0,D1,D2,D3,D4,D5,D6,D7,D8" doc:"The stage it is about; absent: the whole CAPA."`
	Text  string `json:"text" maxLength:"10000"`
}

type addNoteInput struct {
	CAPAIDParam
	Body NoteRequest
}

type noteOutput struct{ Body capa.Note }

type notesOutput struct{ Body []capa.Note }

type evidenceOutput struct{ Body []File }

// CAPAMoveRequest is a lifecycle move other than closing.
type CAPAMoveRequest struct {
	Move    string `json:"move" enum:"verify,reopen,cancel"`
	Reason  string `json:"reason,omitempty" maxLength:"2000" doc:"Required to reopen and to cancel."`
	Version int64  `json:"version" minimum:"1"`
}

type capaMoveInput struct {
	CAPAIDParam
	Body CAPAMoveRequest
}

// CloseRequest closes a CAPA with an electronic signature.
type CloseRequest struct {
	SignRequest
	Override bool   `json:"override,omitempty" doc:"Close although the effectiveness criterion has not passed (a quality manager's signed override)."`
	Reason   string `json:"reason,omitempty" maxLength:"2000" doc:"Required with override: why."`
}

type closeCAPAInput struct {
	CAPAIDParam
	Body CloseRequest
}

// SignedCAPA is a CAPA with the signature just made.
type SignedCAPA struct {
	CAPA      capa.CAPA       `json:"capa"`
	Signature esign.Signature `json:"signature"`
}

type signedCAPAOutput struct{ Body SignedCAPA }

func (a *API) registerCAPAs() {
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "CAPAs",
		Description: "Corrective and preventive actions in 8D form, and supplier corrective action requests (kind supplier): " +
			"stages D0 to D8 with due dates, saved and submitted, accepted or returned with a comment by a quality manager; " +
			"an effectiveness criterion judged on later inspections; closed with an electronic signature (the password again) once it passes, " +
			"or with a signed override and a reason. A supplier's user sees only its own supplier's requests (any other CAPA is 404), " +
			"writes D3 to D7 and uploads evidence (POST /files with owner_type=capa), and never sees the buyer's internal notes."})
	tags := []string{"CAPAs"}
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	created := func(o huma.Operation) huma.Operation { o.DefaultStatus = http.StatusCreated; return o }
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-capas", "GET", "/capas", "List CAPAs with ageing",
		"The longest open first, filtered and paged, each with its stages (due dates and states), age in days, current stage and the days in it, "+
			"overdue stages and days overdue. A supplier's user gets its own supplier's requests only. The CAPAs answering an NCR are listed on the NCR."), a.listCAPAs)
	Handle(a, created(op("open-capa", "POST", "/capas", "Open a CAPA or supplier request",
		"Admins, quality managers and inspectors. The stages are due from the opening date by the CAPA settings; reminders follow.")), a.openCAPA)
	Handle(a, op("get-capa", "GET", "/capas/{id}", "Get a CAPA",
		"With its stages, 8D report, criterion and evaluation (the evidence), review history, evidence files, ageing and the moves you may make; "+
			"internal staff also get the internal notes and the closure signatures checked against the current content.", nf), a.getCAPA)
	Handle(a, op("update-capa", "PUT", "/capas/{id}", "Edit a CAPA's header", "While open or verifying.", nf, cf), a.updateCAPA)
	Handle(a, op("save-capa-stage", "PUT", "/capas/{id}/stages/{stage}", "Save a stage as a draft",
		"Quality staff any stage; a supplier's user D3 to D7 of its own request. The stage must be open or returned.", nf, cf), a.saveStage)
	Handle(a, op("submit-capa-stage", "POST", "/capas/{id}/stages/{stage}/submit", "Submit a stage for review",
		"Its saved content must be complete (422 names what is missing). D8 is completed by closing.", nf, cf), a.submitStage)
	Handle(a, op("review-capa-stage", "POST", "/capas/{id}/stages/{stage}/review", "Accept or return a submitted stage",
		"Quality managers; returning needs a comment, which the supplier sees.", nf, cf), a.reviewStage)
	Handle(a, op("set-capa-stage-due", "PUT", "/capas/{id}/stages/{stage}/due", "Move a stage's due date",
		"Quality managers, with a reason; reminders follow the new date.", nf, cf), a.setStageDue)
	Handle(a, op("set-capa-criterion", "PUT", "/capas/{id}/criterion", "State the effectiveness criterion",
		"Quality managers. At most k defective units per N inspected over the next m inspections or d days, of a defect code, a class or any defect, "+
			"at the CAPA's supplier; the window starts when D6 is accepted unless start_on is given. Evaluated at once and as lot results arrive.", nf, cf), a.setCriterion)
	Handle(a, op("list-capa-notes", "GET", "/capas/{id}/notes", "List internal notes", "Internal staff only (a supplier's user gets 403 on its own request).", nf), a.listNotes)
	Handle(a, created(op("add-capa-note", "POST", "/capas/{id}/notes", "Add an internal note", "Quality staff. Never shown to supplier users.", nf)), a.addNote)
	Handle(a, op("list-capa-evidence", "GET", "/capas/{id}/evidence", "List evidence files",
		"In upload order. Upload with POST /files, owner_type=capa and owner_id=<id>: whoever may write one of its stages now.", nf), a.listEvidence)
	Handle(a, op("move-capa", "POST", "/capas/{id}/move", "Move a CAPA through its lifecycle",
		"Quality managers: verify (D0 to D7 accepted, a criterion stated), reopen (not effective, with a reason), cancel (with a reason). Closing is POST /capas/{id}/close.", nf, cf), a.moveCAPA)
	Handle(a, op("close-capa", "POST", "/capas/{id}/close", "Close a CAPA (signed)",
		"Quality managers, with an electronic signature: the password entered again (a wrong one is 422 and counts toward the sign-in limit; too many are 429). "+
			"D8 complete, no open actions, and the criterion passed; or override with a reason.", nf, cf, http.StatusTooManyRequests), a.closeCAPA)
	for _, name := range []string{"Emergency", "Team", "Member", "Problem", "Containment", "InterimAction", "RootCause", "WhyChain", "Ishikawa",
		"Cause", "Actions", "PermanentAction", "Implementation", "Implemented", "Prevention", "Change", "Recognition", "Criterion", "Source"} {
		a.relaxRequired(name)
	}
}

// relaxRequired makes the fields of the named schemas optional (except
// keep), for domain types used in request bodies whose fields huma would
// otherwise require: a draft stage may be partly written, and the domain
// checks what is required when (with messages naming the field).
func (a *API) relaxRequired(name string, keep ...string) {
	sc := a.huma.OpenAPI().Components.Schemas.Map()[name]
	if sc == nil {
		panic("api: no schema " + name)
	}
	req := []string{}
	for _, f := range sc.Required {
		if slices.Contains(keep, f) {
			req = append(req, f)
		}
	}
	sc.Required = req
	sc.PrecomputeMessages()
}

func capaLocation(id int64) string { return Prefix + "/capas/" + strconv.FormatInt(id, 10) }

func (a *API) listCAPAs(ctx context.Context, in *listCAPAsInput) (*listCAPAsOutput, error) {
	offset, err := in.After()
	if err != nil {
		return nil, err
	}
	f := store.CAPAAgeFilter{Status: capa.Status(in.Status), Active: in.Active, Overdue: in.Overdue, Kind: capa.Kind(in.Kind),
		SupplierID: in.SupplierID, OwnerID: in.OwnerID, Offset: int(offset), Limit: in.PageLimit()}
	if in.OwnerID != 0 && !qms.CanViewInternal(Actor(ctx)) {
		return nil, qms.Errorf(qms.KindForbidden, "your role may not filter by the buyer's owner")
	}
	page, err := a.capas().ListAgeing(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]CAPARow, len(page.Items))
	for i, it := range page.Items {
		out[i] = CAPARow{CAPA: it.CAPA, Supplier: it.Supplier, AgeDays: it.AgeDays, CurrentStage: it.Current, CurrentDue: it.CurrentDue,
			StageDays: it.StageDays, Overdue: nonNil(it.Overdue), DaysOverdue: it.OverdueDays}
	}
	return &listCAPAsOutput{Body: NewPage(out, int64(page.Next))}, nil
}

// ownerName returns the name of the internal user who owns a CAPA.
func (a *API) ownerName(ctx context.Context, id int64) (string, error) {
	var name string
	err := a.store.View(ctx, func(tx *store.Tx) error {
		u, err := tx.User(id)
		if err != nil {
			return err
		}
		if u.Role == qms.RoleSupplier || u.Disabled {
			return qms.Errorf(qms.KindNotFound, "not found")
		}
		name = u.Name
		return nil
	})
	if qms.ErrorKind(err) == qms.KindNotFound {
		return "", Invalid("body.owner_id", "is not an enabled internal user")
	}
	return name, err
}

func (a *API) openCAPA(ctx context.Context, in *openCAPAInput) (*capaCreatedOutput, error) {
	b := in.Body
	if !capa.CanOpen(Actor(ctx)) {
		return nil, qms.Errorf(qms.KindForbidden, "your role may not open CAPAs")
	}
	owner, err := a.ownerName(ctx, b.OwnerID)
	if err != nil {
		return nil, err
	}
	c := &capa.CAPA{Kind: capa.Kind(b.Kind), Type: capa.Type(b.Type), Title: b.Title, Severity: inspection.DefectClass(b.Severity),
		SupplierID: b.SupplierID, SiteID: b.SiteID, ProductID: b.ProductID, OwnerID: b.OwnerID, Owner: owner, Sources: b.Sources, Criterion: b.Criterion}
	if b.OpenedOn != "" {
		if c.OpenedOn, err = date("body.opened_on", b.OpenedOn); err != nil {
			return nil, err
		}
	}
	if err := a.capas().Open(ctx, c); err != nil {
		return nil, err
	}
	return &capaCreatedOutput{Location: capaLocation(c.ID), Body: *c}, nil
}

func (a *API) getCAPA(ctx context.Context, in *CAPAIDParam) (*capaDetailOutput, error) {
	d, err := a.capas().Get(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := CAPADetail{CAPA: d.CAPA, Reviews: d.Reviews, Notes: d.Notes, Files: []File{}, Signatures: d.Signatures, Ageing: d.Ageing, Moves: d.Moves}
	for i := range d.Files {
		out.Files = append(out.Files, fileOut(&d.Files[i]))
	}
	return &capaDetailOutput{Body: out}, nil
}

func (a *API) updateCAPA(ctx context.Context, in *updateCAPAInput) (*capaOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	if _, err := a.capas().Get(ctx, in.ID); err != nil { // not found before anything else
		return nil, err
	}
	if !capa.CanOpen(Actor(ctx)) {
		return nil, qms.Errorf(qms.KindForbidden, "your role may not change CAPAs")
	}
	owner, err := a.ownerName(ctx, b.OwnerID)
	if err != nil {
		return nil, err
	}
	c := &capa.CAPA{ID: in.ID, Title: b.Title, Severity: inspection.DefectClass(b.Severity), SiteID: b.SiteID, ProductID: b.ProductID,
		OwnerID: b.OwnerID, Owner: owner, Sources: b.Sources}
	if err := a.capas().Update(ctx, c, b.Version, b.Reason); err != nil {
		return nil, err
	}
	return &capaOutput{Body: *c}, nil
}

func (a *API) saveStage(ctx context.Context, in *saveStageInput) (*capaOutput, error) {
	content, err := in.Body.content(capa.Stage(in.Stage))
	if err != nil {
		return nil, err
	}
	c, err := a.capas().SaveStage(ctx, in.ID, in.Body.Version, content)
	if err != nil {
		return nil, err
	}
	return &capaOutput{Body: *c}, nil
}

func (a *API) submitStage(ctx context.Context, in *submitStageInput) (*capaOutput, error) {
	c, err := a.capas().SubmitStage(ctx, in.ID, in.Body.Version, capa.Stage(in.Stage))
	if err != nil {
		return nil, err
	}
	return &capaOutput{Body: *c}, nil
}

func (a *API) reviewStage(ctx context.Context, in *reviewStageInput) (*capaOutput, error) {
	if err := checkReason("body.comment", in.Body.Comment); err != nil {
		return nil, err
	}
	c, err := a.capas().ReviewStage(ctx, in.ID, in.Body.Version, capa.Stage(in.Stage), capa.StageState(in.Body.Decision), in.Body.Comment)
	if err != nil {
		return nil, err
	}
	return &capaOutput{Body: *c}, nil
}

func (a *API) setStageDue(ctx context.Context, in *dueInput) (*capaOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	due, err := date("body.due_on", in.Body.DueOn)
	if err != nil {
		return nil, err
	}
	c, err := a.capas().SetDue(ctx, in.ID, in.Body.Version, capa.Stage(in.Stage), due, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &capaOutput{Body: *c}, nil
}

func (a *API) setCriterion(ctx context.Context, in *criterionInput) (*capaOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	c, err := a.capas().SetCriterion(ctx, in.ID, in.Body.Version, in.Body.Criterion, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &capaOutput{Body: *c}, nil
}

func (a *API) listNotes(ctx context.Context, in *CAPAIDParam) (*notesOutput, error) {
	notes, err := a.capas().Notes(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &notesOutput{Body: nonNil(notes)}, nil
}

func (a *API) addNote(ctx context.Context, in *addNoteInput) (*noteOutput, error) {
	if err := checkReason("body.text", in.Body.Text); err != nil {
		return nil, err
	}
	n := &capa.Note{CAPAID: in.ID, Stage: capa.Stage(in.Body.Stage), Text: in.Body.Text}
	if err := a.capas().AddNote(ctx, n); err != nil {
		return nil, err
	}
	return &noteOutput{Body: *n}, nil
}

func (a *API) listEvidence(ctx context.Context, in *CAPAIDParam) (*evidenceOutput, error) {
	files, err := a.capas().Evidence(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := []File{}
	for i := range files {
		out = append(out, fileOut(&files[i]))
	}
	return &evidenceOutput{Body: out}, nil
}

func (a *API) moveCAPA(ctx context.Context, in *capaMoveInput) (*capaOutput, error) {
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	c, err := a.capas().Move(ctx, in.ID, in.Body.Version, capa.Move(in.Body.Move), in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &capaOutput{Body: *c}, nil
}

func (a *API) closeCAPA(ctx context.Context, in *closeCAPAInput) (*signedCAPAOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	if err := checkReason("body.comment", b.Comment); err != nil {
		return nil, err
	}
	c, sig, err := a.capas().Close(ctx, in.ID, b.Version, capa.CloseInput{Override: b.Override, Reason: b.Reason}, b.Password, b.Comment)
	if err != nil {
		return nil, err
	}
	return &signedCAPAOutput{Body: SignedCAPA{CAPA: *c, Signature: *sig}}, nil
}
