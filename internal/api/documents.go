package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/document"
	"qms/internal/documentops"
	"qms/internal/qms"
	"qms/internal/store"
)

// Controlled documents (ISO 9001 7.5): documents, their revisions through
// the workflow (draft, in review with named reviewers, approved with an
// electronic signature, effective from a date, superseded or obsolete),
// the line diff between revisions and read-and-understood
// acknowledgements. Internal users only; every operation goes through
// package documentops. Files are attached by the web pages; here a
// revision holds Markdown text.

func (a *API) docs() *documentops.Service { return &documentops.Service{Store: a.store, Auth: a.auth} }

type documentListInput struct {
	Q         string `query:"q" maxLength:"300" doc:"Part of the number, title or the text in force, ignoring case and diacritics."`
	Type      string `query:"type" enum:"quality_manual,policy,procedure,work_instruction,form,record_template,external," doc:"Only documents of this type."`
	ProcessID int64  `query:"process_id" minimum:"0" doc:"Only documents of this process."`
	Obsolete  bool   `query:"obsolete" doc:"Include obsolete documents."`
	PageParams
}

type documentListOutput struct {
	Body Page[store.DocumentRow]
}

// DocumentRequest is the body of POST /documents: the document and the
// text of its first revision, a draft.
type DocumentRequest struct {
	Number            string     `json:"number" maxLength:"40" doc:"Unique, ignoring case: SOP-001."`
	Title             string     `json:"title" maxLength:"300"`
	Type              string     `json:"type" enum:"quality_manual,policy,procedure,work_instruction,form,record_template,external"`
	ProcessID         *int64     `json:"process_id,omitempty" minimum:"1"`
	OwnerID           int64      `json:"owner_id" doc:"Required: the user responsible for the document."`
	ReviewMonths      int        `json:"review_months,omitempty" minimum:"0" maximum:"60" doc:"Months between periodic reviews (default 12)."`
	AckRoles          []qms.Role `json:"ack_roles,omitempty" maxItems:"6" doc:"Roles whose users must acknowledge each new effective revision."`
	AckUsers          []int64    `json:"ack_users,omitempty" maxItems:"500" doc:"Users who must acknowledge each new effective revision."`
	AckDays           int        `json:"ack_days,omitempty" minimum:"0" maximum:"365" doc:"Days to acknowledge (default 14)."`
	ChangeDescription string     `json:"change_description" maxLength:"2000"`
	Body              string     `json:"body,omitempty" maxLength:"200000" doc:"Markdown text."`
}

// DocumentDetail is a document with its revisions, newest first.
type DocumentDetail struct {
	Document  document.Document   `json:"document"`
	Revisions []document.Revision `json:"revisions"`
}

type documentCreateInput struct{ Body DocumentRequest }

type documentCreateOutput struct {
	Location string `header:"Location"`
	Body     DocumentDetail
}

type documentOutput struct{ Body DocumentDetail }

// DocumentUpdateRequest changes a document's fields (not its number).
type DocumentUpdateRequest struct {
	Title        string     `json:"title" maxLength:"300"`
	Type         string     `json:"type" enum:"quality_manual,policy,procedure,work_instruction,form,record_template,external"`
	ProcessID    *int64     `json:"process_id,omitempty" minimum:"1"`
	OwnerID      int64      `json:"owner_id"`
	ReviewMonths int        `json:"review_months,omitempty" minimum:"0" maximum:"60"`
	AckRoles     []qms.Role `json:"ack_roles,omitempty" maxItems:"6"`
	AckUsers     []int64    `json:"ack_users,omitempty" maxItems:"500"`
	AckDays      int        `json:"ack_days,omitempty" minimum:"0" maximum:"365"`
	Version      int64      `json:"version" minimum:"1"`
	Reason       string     `json:"reason,omitempty" maxLength:"1000"`
}

type documentUpdateInput struct {
	RecordID
	Body DocumentUpdateRequest
}

// RevisionRequest is the text of a draft revision.
type RevisionRequest struct {
	ChangeDescription string `json:"change_description" maxLength:"2000"`
	Body              string `json:"body,omitempty" maxLength:"200000" doc:"Markdown text; empty on a new revision to start from the latest text."`
}

type revisionCreateInput struct {
	RecordID
	Body RevisionRequest
}

type revisionCreateOutput struct {
	Location string `header:"Location"`
	Body     document.Revision
}

type revisionOutput struct{ Body document.Revision }

// RevisionUpdateRequest replaces the text of a draft.
type RevisionUpdateRequest struct {
	RevisionRequest
	Version int64 `json:"version" minimum:"1"`
}

type revisionUpdateInput struct {
	RecordID
	Body RevisionUpdateRequest
}

// RevisionSubmitRequest sends a draft for review.
type RevisionSubmitRequest struct {
	Version   int64   `json:"version" minimum:"1"`
	Reviewers []int64 `json:"reviewers" maxItems:"20" doc:"The named reviewers: users of the quality staff, not the author."`
}

type revisionSubmitInput struct {
	RecordID
	Body RevisionSubmitRequest
}

// DocumentReviewRequest is a named reviewer's review.
type DocumentReviewRequest struct {
	Decision string `json:"decision" enum:"approved,changes_requested"`
	Comment  string `json:"comment,omitempty" maxLength:"2000" doc:"Required when changes are requested."`
}

type documentReviewInput struct {
	RecordID
	Body DocumentReviewRequest
}

// RevisionReturnRequest sends a revision in review back to draft.
type RevisionReturnRequest struct {
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason,omitempty" maxLength:"1000"`
}

type revisionReturnInput struct {
	RecordID
	Body RevisionReturnRequest
}

// RevisionApproveRequest is an approval signed with the approver's password.
type RevisionApproveRequest struct {
	Version  int64  `json:"version" minimum:"1"`
	Password string `json:"password" maxLength:"1024" doc:"The approver's password, entered again: the electronic signature."`
	Comment  string `json:"comment,omitempty" maxLength:"2000"`
}

type revisionApproveInput struct {
	RecordID
	Body RevisionApproveRequest
}

// RevisionEffectiveRequest makes an approved revision effective.
type RevisionEffectiveRequest struct {
	Version     int64    `json:"version" minimum:"1"`
	EffectiveOn qms.Date `json:"effective_on" doc:"YYYY-MM-DD, not before the approval; a later date schedules it."`
}

type revisionEffectiveInput struct {
	RecordID
	Body RevisionEffectiveRequest
}

// RevisionObsoleteRequest withdraws a revision.
type RevisionObsoleteRequest struct {
	Version int64  `json:"version" minimum:"1"`
	Reason  string `json:"reason" maxLength:"1000"`
}

type revisionObsoleteInput struct {
	RecordID
	Body RevisionObsoleteRequest
}

// RevisionDiff is the line diff between two revisions' text.
type RevisionDiff struct {
	From    int                 `json:"from_revision"`
	To      int                 `json:"to_revision"`
	Added   int                 `json:"added"`
	Removed int                 `json:"removed"`
	Lines   []document.DiffLine `json:"lines"`
}

type revisionDiffOutput struct{ Body RevisionDiff }

type documentAcksInput struct {
	Overdue bool `query:"overdue" doc:"Everyone's overdue acknowledgements instead of your own."`
	Open    bool `query:"open" doc:"Only those not acknowledged yet."`
}

type documentAcksOutput struct{ Body []document.Acknowledgement }
type documentAckOutput struct{ Body document.Acknowledgement }

func (a *API) registerDocuments() {
	tags := []string{"Documents"}
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Documents",
		Description: "Controlled documents (ISO 9001 7.5): revisions, review, signed approval, effective dates, acknowledgements (7.2)."})
	op := func(id, method, path, summary, desc string, errs ...int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Tags: tags, Summary: summary, Description: desc, Errors: errs}
	}
	created := func(o huma.Operation) huma.Operation { o.DefaultStatus = http.StatusCreated; return o }
	nf, cf := http.StatusNotFound, http.StatusConflict
	Handle(a, op("list-documents", "GET", "/documents", "List and search documents", "By number; q searches number, title and the text in force."), a.listDocuments)
	Handle(a, created(op("create-document", "POST", "/documents", "Create a document", "With its first revision as a draft. The owner is required.", cf)), a.createDocument)
	Handle(a, op("get-document", "GET", "/documents/{id}", "Get a document", "With every revision, newest first.", nf), a.getDocument)
	Handle(a, op("update-document", "PUT", "/documents/{id}", "Change a document", "Title, type, process, owner, review period, readers; not the number.",
		nf, cf), a.updateDocument)
	Handle(a, created(op("create-revision", "POST", "/documents/{id}/revisions", "Start the next revision",
		"A draft; one revision at a time is in progress.", nf, cf)), a.createRevision)
	Handle(a, op("diff-revisions", "GET", "/documents/{id}/diff", "Compare two revisions", "Line by line.", nf), a.diffRevisions)
	Handle(a, op("get-revision", "GET", "/revisions/{id}", "Get a revision", "", nf), a.getRevision)
	Handle(a, op("update-revision", "PUT", "/revisions/{id}", "Change a draft", "", nf, cf), a.updateRevision)
	Handle(a, op("submit-revision", "POST", "/revisions/{id}/submit", "Submit a draft for review", "To the named reviewers.", nf, cf), a.submitRevision)
	Handle(a, op("review-revision", "POST", "/revisions/{id}/review", "Record your review", "Named reviewers only.", nf, cf), a.reviewRevision)
	Handle(a, op("return-revision", "POST", "/revisions/{id}/return", "Return a revision to draft", "Its author or a quality manager.", nf, cf), a.returnRevision)
	Handle(a, op("approve-revision", "POST", "/revisions/{id}/approve", "Approve a revision",
		"Signed electronically with the approver's password; a quality manager who is not the author, after every reviewer agreed.", nf, cf), a.approveRevision)
	Handle(a, op("make-revision-effective", "POST", "/revisions/{id}/effective", "Make a revision effective",
		"From a date not before its approval; the revision in force is superseded and the readers named are asked to acknowledge.", nf, cf), a.makeEffective)
	Handle(a, op("obsolete-revision", "POST", "/revisions/{id}/obsolete", "Withdraw a revision", "With a reason.", nf, cf), a.obsoleteRevision)
	Handle(a, op("list-acknowledgements", "GET", "/acknowledgements", "Read-and-understood acknowledgements",
		"Yours, or everyone's overdue ones (training records)."), a.listAcks)
	Handle(a, op("acknowledge", "POST", "/acknowledgements/{id}", "Acknowledge a revision", "Read and understood; your own only.", nf, cf), a.acknowledge)
}

func (a *API) listDocuments(ctx context.Context, in *documentListInput) (*documentListOutput, error) {
	off, err := in.After()
	if err != nil {
		return nil, err
	}
	rows, more, err := a.docs().ListDocuments(ctx, store.DocumentFilter{Q: in.Q, Type: document.Type(in.Type), ProcessID: in.ProcessID,
		Obsolete: in.Obsolete, Limit: in.PageLimit(), Offset: int(off)})
	if err != nil {
		return nil, err
	}
	var next int64
	if more {
		next = off + int64(len(rows))
	}
	return &documentListOutput{Body: NewPage(rows, next)}, nil
}

func (a *API) documentDetail(ctx context.Context, id int64) (*DocumentDetail, error) {
	v, err := a.docs().Document(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	revs := v.Revisions
	if revs == nil {
		revs = []document.Revision{}
	}
	return &DocumentDetail{Document: *v.Document, Revisions: revs}, nil
}

func (a *API) createDocument(ctx context.Context, in *documentCreateInput) (*documentCreateOutput, error) {
	b := in.Body
	d := document.Document{Number: b.Number, Title: b.Title, Type: document.Type(b.Type), ProcessID: b.ProcessID, OwnerID: b.OwnerID,
		ReviewMonths: b.ReviewMonths, AckRoles: b.AckRoles, AckUsers: b.AckUsers, AckDays: b.AckDays}
	r := document.Revision{ChangeDescription: b.ChangeDescription, Body: b.Body}
	if err := a.docs().CreateDocument(ctx, &d, &r, nil); err != nil {
		return nil, err
	}
	det, err := a.documentDetail(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	return &documentCreateOutput{Location: Prefix + "/documents/" + strconv.FormatInt(d.ID, 10), Body: *det}, nil
}

func (a *API) getDocument(ctx context.Context, in *RecordID) (*documentOutput, error) {
	det, err := a.documentDetail(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &documentOutput{Body: *det}, nil
}

func (a *API) updateDocument(ctx context.Context, in *documentUpdateInput) (*documentOutput, error) {
	b := in.Body
	d := document.Document{ID: in.ID, Title: b.Title, Type: document.Type(b.Type), ProcessID: b.ProcessID, OwnerID: b.OwnerID,
		ReviewMonths: b.ReviewMonths, AckRoles: b.AckRoles, AckUsers: b.AckUsers, AckDays: b.AckDays}
	if err := a.docs().UpdateDocument(ctx, &d, b.Version, b.Reason); err != nil {
		return nil, err
	}
	det, err := a.documentDetail(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &documentOutput{Body: *det}, nil
}

func (a *API) createRevision(ctx context.Context, in *revisionCreateInput) (*revisionCreateOutput, error) {
	r := document.Revision{ChangeDescription: in.Body.ChangeDescription, Body: in.Body.Body}
	if err := a.docs().CreateRevision(ctx, in.ID, &r, nil); err != nil {
		return nil, err
	}
	return &revisionCreateOutput{Location: Prefix + "/revisions/" + strconv.FormatInt(r.ID, 10), Body: r}, nil
}

func (a *API) getRevision(ctx context.Context, in *RecordID) (*revisionOutput, error) {
	r, err := a.docs().Revision(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &revisionOutput{Body: *r}, nil
}

func (a *API) updateRevision(ctx context.Context, in *revisionUpdateInput) (*revisionOutput, error) {
	cur, err := a.docs().Revision(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	r := document.Revision{ID: in.ID, ChangeDescription: in.Body.ChangeDescription, Body: in.Body.Body, FileID: cur.FileID}
	if err := a.docs().UpdateRevision(ctx, &r, in.Body.Version, nil); err != nil {
		return nil, err
	}
	return &revisionOutput{Body: r}, nil
}

func documentRevisionOut(r *document.Revision, err error) (*revisionOutput, error) {
	if err != nil {
		return nil, err
	}
	return &revisionOutput{Body: *r}, nil
}

func (a *API) submitRevision(ctx context.Context, in *revisionSubmitInput) (*revisionOutput, error) {
	return documentRevisionOut(a.docs().Submit(ctx, in.ID, in.Body.Version, in.Body.Reviewers))
}

func (a *API) reviewRevision(ctx context.Context, in *documentReviewInput) (*revisionOutput, error) {
	return documentRevisionOut(a.docs().Review(ctx, in.ID, document.ReviewDecision(in.Body.Decision), in.Body.Comment))
}

func (a *API) returnRevision(ctx context.Context, in *revisionReturnInput) (*revisionOutput, error) {
	return documentRevisionOut(a.docs().Return(ctx, in.ID, in.Body.Version, in.Body.Reason))
}

func (a *API) approveRevision(ctx context.Context, in *revisionApproveInput) (*revisionOutput, error) {
	return documentRevisionOut(a.docs().Approve(ctx, in.ID, in.Body.Version, in.Body.Password, in.Body.Comment))
}

func (a *API) makeEffective(ctx context.Context, in *revisionEffectiveInput) (*revisionOutput, error) {
	return documentRevisionOut(a.docs().MakeEffective(ctx, in.ID, in.Body.Version, in.Body.EffectiveOn))
}

func (a *API) obsoleteRevision(ctx context.Context, in *revisionObsoleteInput) (*revisionOutput, error) {
	return documentRevisionOut(a.docs().Obsolete(ctx, in.ID, in.Body.Version, in.Body.Reason))
}

type documentDiffInput struct {
	RecordID
	From int64 `query:"from" minimum:"1" required:"true" doc:"The older revision's id."`
	To   int64 `query:"to" minimum:"1" required:"true" doc:"The newer revision's id."`
}

func (a *API) diffRevisions(ctx context.Context, in *documentDiffInput) (*revisionDiffOutput, error) {
	from, to, lines, err := a.docs().Diff(ctx, in.From, in.To)
	if err != nil {
		return nil, err
	}
	if from.DocumentID != in.ID {
		return nil, qms.Errorf(qms.KindNotFound, "these revisions are not revisions of document %d", in.ID)
	}
	if lines == nil {
		lines = []document.DiffLine{}
	}
	out := RevisionDiff{From: from.Revision, To: to.Revision, Lines: lines}
	out.Added, out.Removed = document.Changes(lines)
	return &revisionDiffOutput{Body: out}, nil
}

func (a *API) listAcks(ctx context.Context, in *documentAcksInput) (*documentAcksOutput, error) {
	var acks []document.Acknowledgement
	var err error
	if in.Overdue {
		acks, err = a.docs().Acknowledgements(ctx, store.AckFilter{OverdueOn: qms.DateOf(a.store.Now()), Limit: store.MaxPageSize})
	} else {
		acks, err = a.docs().MyAcknowledgements(ctx, in.Open)
	}
	if err != nil {
		return nil, err
	}
	if acks == nil {
		acks = []document.Acknowledgement{}
	}
	return &documentAcksOutput{Body: acks}, nil
}

func (a *API) acknowledge(ctx context.Context, in *RecordID) (*documentAckOutput, error) {
	ack, err := a.docs().Acknowledge(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &documentAckOutput{Body: *ack}, nil
}
