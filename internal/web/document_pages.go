package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"qms/internal/document"
	"qms/internal/documentops"
	"qms/internal/esign"
	"qms/internal/qms"
	"qms/internal/store"
)

// documentListPage is the document register with search, the actor's
// documents to read and, for quality managers, the overdue training
// records and the documents past their review date.
type documentListPage struct {
	layout
	Q, Type    string
	Types      []document.Type
	Rows       []store.DocumentRow
	More       bool
	NextURL    string
	ToRead     []document.Acknowledgement
	Overdue    []document.Acknowledgement
	PastReview []document.Document
	CanCreate  bool
	Today      qms.Date
	PageNumber int
	PrevURL    string
	// ToReadTable and OverdueTable are ToRead and Overdue as the ack-rows
	// partial takes them.
	ToReadTable, OverdueTable ackTable
}

// ackTable is a list of acknowledgements for the ack-rows partial: Self
// (the actor's user id) gets a button on their own open ones.
type ackTable struct {
	Acks  []document.Acknowledgement
	Today qms.Date
	Back  string
	Self  int64
}

func (*documentListPage) template() string { return "documents" }

func (u *UI) documentList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	ctx := r.Context()
	q := r.URL.Query()
	page, offset := pageOffset(q, 50)
	p := &documentListPage{layout: layout{Title: "Documents"}, Q: strings.TrimSpace(q.Get("q")), Type: q.Get("type"), Types: document.Types,
		CanCreate: document.CanEdit(a), PageNumber: page}
	var err error
	p.Rows, p.More, err = u.docs().ListDocuments(ctx, store.DocumentFilter{Q: p.Q, Type: document.Type(p.Type), Obsolete: q.Get("obsolete") != "",
		Limit: 50, Offset: offset})
	if err != nil {
		return err
	}
	if p.More {
		p.NextURL = pageURL("/documents", q, page+1)
	}
	if page > 1 {
		p.PrevURL = pageURL("/documents", q, page-1)
	}
	if p.ToRead, err = u.docs().MyAcknowledgements(ctx, true); err != nil {
		return err
	}
	p.Today = qms.DateOf(u.account.Store.Now())
	if document.CanApprove(a) {
		if p.Overdue, err = u.docs().Acknowledgements(ctx, store.AckFilter{OverdueOn: p.Today, Limit: 50}); err != nil {
			return err
		}
		err = u.account.Store.View(ctx, func(tx *store.Tx) (err error) {
			p.PastReview, err = tx.DocumentsPastReview(p.Today)
			return err
		})
		if err != nil {
			return err
		}
	}
	p.ToReadTable = ackTable{Acks: p.ToRead, Today: p.Today, Back: "/documents", Self: a.UserID}
	p.OverdueTable = ackTable{Acks: p.Overdue, Today: p.Today, Back: "/documents"}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// documentFormPage creates a document with its first revision.
type documentFormPage struct {
	layout
	Doc       document.Document
	Rev       document.Revision
	Types     []document.Type
	Staff     []qms.User
	Processes []processOption
	Roles     []qms.Role
	Errors    map[string]string
	Problem   string
	// Edit is set when the form changes an existing document (not its
	// number, no revision fields); Version is the version it read.
	Edit    bool
	Version int64
}

type processOption struct {
	ID   int64
	Name string
}

func (*documentFormPage) template() string { return "document_form" }

// ProcessSelected, HasRole and HasUser tell the form what was chosen.
func (p *documentFormPage) ProcessSelected(id int64) bool {
	return p.Doc.ProcessID != nil && *p.Doc.ProcessID == id
}
func (p *documentFormPage) HasRole(r qms.Role) bool { return slices.Contains(p.Doc.AckRoles, r) }
func (p *documentFormPage) HasUser(id int64) bool   { return slices.Contains(p.Doc.AckUsers, id) }

func (u *UI) documentFormOf(r *http.Request) (*documentFormPage, error) {
	p := &documentFormPage{layout: layout{Title: "New document"}, Types: document.Types,
		Roles: []qms.Role{qms.RoleQualityManager, qms.RoleInspector, qms.RoleViewer, qms.RoleAuditor, qms.RoleAdmin}}
	var err error
	if p.Staff, err = u.docs().Staff(r.Context()); err != nil {
		return nil, err
	}
	procs, err := u.docs().Processes(r.Context())
	if err != nil {
		return nil, err
	}
	for _, pr := range procs {
		p.Processes = append(p.Processes, processOption{pr.ID, pr.Name})
	}
	return p, nil
}

func (u *UI) documentNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p, err := u.documentFormOf(r)
	if err != nil {
		return err
	}
	p.Doc = document.Document{Type: document.TypeProcedure, OwnerID: a.UserID, ReviewMonths: document.DefaultReview, AckDays: document.DefaultAckDays}
	p.Rev = document.Revision{ChangeDescription: "First issue"}
	u.render(w, r, http.StatusOK, p)
	return nil
}

func postedDocument(r *http.Request) document.Document {
	d := document.Document{Number: r.Form.Get("number"), Title: r.Form.Get("title"), Type: document.Type(r.Form.Get("type")),
		ReviewMonths: docInt(r, "review_months"), AckDays: docInt(r, "ack_days"), AckRoles: formRoles(r, "ack_roles"),
		AckUsers: formIDs(r, "ack_users")}
	d.OwnerID, _ = strconv.ParseInt(r.Form.Get("owner_id"), 10, 64)
	if pid, err := strconv.ParseInt(r.Form.Get("process_id"), 10, 64); err == nil && pid > 0 {
		d.ProcessID = &pid
	}
	return d
}

func (u *UI) documentCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	d := postedDocument(r)
	rev := document.Revision{ChangeDescription: r.Form.Get("change_description"), Body: r.Form.Get("body")}
	f, _, err := u.formFile(r, "file", documentFileTypes)
	if err == nil {
		err = u.docs().CreateDocument(r.Context(), &d, &rev, f)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		p, perr := u.documentFormOf(r)
		if perr != nil {
			return perr
		}
		p.Doc, p.Rev, p.Errors, p.Problem = d, rev, fields, msg
		u.render(w, r, code, p)
		return nil
	}
	u.redirect(w, r, revisionPath(d.ID, rev.Revision), "success", fmt.Sprintf("Document %s created: revision 1 is a draft. Name its reviewers and submit it.", d.Number))
	return nil
}

// documentEdit shows the form that changes a document's fields.
func (u *UI) documentEdit(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := u.docs().Document(r.Context(), id, 0)
	if err != nil {
		return err
	}
	p, err := u.documentFormOf(r)
	if err != nil {
		return err
	}
	p.Title, p.Doc, p.Edit, p.Version = "Change "+v.Document.Number, *v.Document, true, v.Document.Version
	u.render(w, r, http.StatusOK, p)
	return nil
}

// documentUpdate changes a document's fields.
func (u *UI) documentUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d := postedDocument(r)
	d.ID = id
	if err := u.docs().UpdateDocument(r.Context(), &d, postedVersion(r), r.Form.Get("reason")); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		p, perr := u.documentFormOf(r)
		if perr != nil {
			return perr
		}
		v, verr := u.docs().Document(r.Context(), id, 0)
		if verr != nil {
			return verr
		}
		d.Number = v.Document.Number
		p.Title, p.Doc, p.Edit, p.Version, p.Errors, p.Problem = "Change "+d.Number, d, true, postedVersion(r), fields, msg
		u.render(w, r, code, p)
		return nil
	}
	u.redirect(w, r, documentPath(id), "success", "Document saved.")
	return nil
}

// documentPage is a document: the revision shown (the one in force by
// default), its workflow actions, and the history.
type documentPage struct {
	layout
	View          *documentops.DocumentView
	Doc           *document.Document
	Rev           *document.Revision
	Rendered      template.HTML
	Banner        string // why the revision shown is not the one in force
	Editable      bool
	CanSubmit     bool
	CanReview     bool
	CanReturn     bool
	CanApprove    bool
	CanEffective  bool
	CanObsolete   bool
	CanNewRev     bool
	CanPeriodic   bool
	Staff         []qms.User
	ReviewerIDs   map[int64]bool
	Today         qms.Date
	Previous      *document.Revision // the revision before the one shown, for the diff link
	Signatures    []esign.Check
	ApprovalError string
}

func (*documentPage) template() string { return "document" }

// ProcessID is the id of the document's process (0: none).
func (p *documentPage) ProcessID() int64 {
	if p.Doc.ProcessID == nil {
		return 0
	}
	return *p.Doc.ProcessID
}

// PreviousOf returns the revision before revision n that holds text, for
// the diff link, or nil.
func (p *documentPage) PreviousOf(n int) *document.Revision {
	for i := range p.View.Revisions {
		r := &p.View.Revisions[i]
		if r.Revision == n-1 && r.FileID == nil {
			return r
		}
	}
	return nil
}

func (u *UI) documentShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rev, _ := strconv.Atoi(r.URL.Query().Get("rev"))
	v, err := u.docs().Document(r.Context(), id, rev)
	if err != nil {
		return err
	}
	p := &documentPage{layout: layout{Title: v.Document.Number + " " + v.Document.Title}, View: v, Doc: v.Document, Rev: v.Shown,
		Signatures: v.Signatures, Today: qms.DateOf(u.account.Store.Now()), ReviewerIDs: map[int64]bool{}}
	d := v.Document
	p.CanNewRev = document.CanEdit(a) && !d.Obsolete
	p.CanPeriodic = d.EffectiveRevisionID != 0 && (document.CanApprove(a) || a.UserID == d.OwnerID)
	if s := v.Shown; s != nil {
		p.Rendered = document.Markdown(s.Body)
		switch s.Status {
		case document.StatusSuperseded:
			p.Banner = fmt.Sprintf("SUPERSEDED — revision %d is not in force.", s.Revision)
		case document.StatusObsolete:
			p.Banner = fmt.Sprintf("OBSOLETE — revision %d was withdrawn: %s", s.Revision, s.ObsoleteReason)
		case document.StatusEffective:
		default:
			p.Banner = fmt.Sprintf("%s — revision %d is not in force yet.", strings.ToUpper(s.Status.Label()), s.Revision)
		}
		p.Editable = document.CheckEdit(a, s) == nil
		p.CanSubmit = p.Editable
		p.CanReview = document.CheckReview(a, s, document.ReviewApproved, "") == nil
		p.CanReturn = document.CheckReturn(a, s) == nil
		p.CanApprove = s.Status == document.StatusInReview && document.CanApprove(a) && a.UserID != s.AuthorID
		p.CanEffective = s.Status == document.StatusApproved && document.CanApprove(a)
		p.CanObsolete = document.CheckObsolete(a, s, "x") == nil
		for _, rv := range s.Reviewers {
			p.ReviewerIDs[rv.UserID] = true
		}
		for i := range v.Revisions {
			if v.Revisions[i].Revision == s.Revision-1 {
				p.Previous = &v.Revisions[i]
			}
		}
		if p.Editable {
			if p.Staff, err = u.docs().Staff(r.Context()); err != nil {
				return err
			}
		}
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// revisionOf reads the revision of the path and its document's page path.
func (u *UI) revisionOf(r *http.Request) (*document.Revision, string, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, "", err
	}
	rev, err := u.docs().Revision(r.Context(), id)
	if err != nil {
		return nil, "", err
	}
	return rev, revisionPath(rev.DocumentID, rev.Revision), nil
}

func (u *UI) revisionCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rev := document.Revision{ChangeDescription: r.Form.Get("change_description")}
	f, _, err := u.formFile(r, "file", documentFileTypes)
	if err == nil {
		err = u.docs().CreateRevision(r.Context(), id, &rev, f)
	}
	if err != nil {
		return u.actionFailed(w, r, documentPath(id), err)
	}
	u.redirect(w, r, revisionPath(id, rev.Revision), "success", fmt.Sprintf("Revision %d started as a draft.", rev.Revision))
	return nil
}

func (u *UI) revisionSave(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	cur, back, err := u.revisionOf(r)
	if err != nil {
		return err
	}
	rev := document.Revision{ID: cur.ID, ChangeDescription: r.Form.Get("change_description"), Body: r.Form.Get("body"), FileID: cur.FileID}
	if r.Form.Get("remove_file") != "" {
		rev.FileID = nil
	}
	f, _, err := u.formFile(r, "file", documentFileTypes)
	if err == nil {
		err = u.docs().UpdateRevision(r.Context(), &rev, postedVersion(r), f)
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, back, "success", "Draft saved.")
	return nil
}

// revisionStep returns the handler of one workflow step on the posted
// revision: it applies step and returns to the revision's page with msg,
// or shows the refusal there.
func (u *UI) revisionStep(msg string, step func(r *http.Request, cur *document.Revision) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
		cur, back, err := u.revisionOf(r)
		if err != nil {
			return err
		}
		if err := step(r, cur); err != nil {
			return u.actionFailed(w, r, back, err)
		}
		u.redirect(w, r, back, "success", msg)
		return nil
	}
}

func (u *UI) revisionSubmit() handlerFunc {
	return u.revisionStep("Submitted for review: each reviewer records their review here.", func(r *http.Request, cur *document.Revision) error {
		_, err := u.docs().Submit(r.Context(), cur.ID, postedVersion(r), formIDs(r, "reviewers"))
		return err
	})
}

func (u *UI) revisionReview() handlerFunc {
	return u.revisionStep("Your review is recorded.", func(r *http.Request, cur *document.Revision) error {
		_, err := u.docs().Review(r.Context(), cur.ID, document.ReviewDecision(r.Form.Get("decision")), r.Form.Get("comment"))
		return err
	})
}

func (u *UI) revisionReturn() handlerFunc {
	return u.revisionStep("Returned to draft.", func(r *http.Request, cur *document.Revision) error {
		_, err := u.docs().Return(r.Context(), cur.ID, postedVersion(r), r.Form.Get("reason"))
		return err
	})
}

func (u *UI) revisionApprove() handlerFunc {
	return u.revisionStep("Approved and signed. Make it effective from a date.", func(r *http.Request, cur *document.Revision) error {
		_, err := u.docs().Approve(r.Context(), cur.ID, postedVersion(r), r.Form.Get("password"), r.Form.Get("comment"))
		return err
	})
}

func (u *UI) revisionObsolete() handlerFunc {
	return u.revisionStep("Made obsolete.", func(r *http.Request, cur *document.Revision) error {
		_, err := u.docs().Obsolete(r.Context(), cur.ID, postedVersion(r), r.Form.Get("reason"))
		return err
	})
}

func (u *UI) revisionEffective(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	cur, back, err := u.revisionOf(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	on := formDate(r, p, "effective_on")
	err = p.Err()
	var rev *document.Revision
	if err == nil {
		rev, err = u.docs().MakeEffective(r.Context(), cur.ID, postedVersion(r), on)
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	msg := fmt.Sprintf("Revision %d is effective; the readers it names were asked to acknowledge it.", rev.Revision)
	if rev.Status != document.StatusEffective {
		msg = fmt.Sprintf("Revision %d becomes effective on %s.", rev.Revision, rev.EffectiveOn)
	}
	u.redirect(w, r, documentPath(rev.DocumentID), "success", msg)
	return nil
}

func (u *UI) documentPeriodicReview(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := u.docs().PeriodicReview(r.Context(), id, postedVersion(r), r.Form.Get("note"))
	if err != nil {
		return u.actionFailed(w, r, documentPath(id), err)
	}
	u.redirect(w, r, documentPath(id), "success", "Periodic review recorded; the next is due on "+d.NextReviewOn.String()+".")
	return nil
}

func (u *UI) acknowledge(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	back := localPath(r.Form.Get("back"), "/documents")
	ack, err := u.docs().Acknowledge(r.Context(), id)
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, back, "success", fmt.Sprintf("You acknowledged %s revision %d: read and understood.", ack.DocumentNumber, ack.Revision))
	return nil
}

// documentDiffPage compares two revisions line by line.
type documentDiffPage struct {
	layout
	Doc      *document.Document
	From, To *document.Revision
	Lines    []document.DiffLine
	Added    int
	Removed  int
}

func (*documentDiffPage) template() string { return "document_diff" }

func (u *UI) documentDiff(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	fromID, _ := strconv.ParseInt(q.Get("from"), 10, 64)
	toID, _ := strconv.ParseInt(q.Get("to"), 10, 64)
	v, err := u.docs().Document(r.Context(), id, 0)
	if err != nil {
		return err
	}
	from, to, lines, err := u.docs().Diff(r.Context(), fromID, toID)
	if err != nil {
		return err
	}
	if from.DocumentID != id {
		return qms.Errorf(qms.KindNotFound, "These revisions are not revisions of this document.")
	}
	p := &documentDiffPage{layout: layout{Title: fmt.Sprintf("%s: revision %d to %d", v.Document.Number, from.Revision, to.Revision)},
		Doc: v.Document, From: from, To: to, Lines: lines}
	p.Added, p.Removed = document.Changes(lines)
	u.render(w, r, http.StatusOK, p)
	return nil
}

// trainingPage lists read-and-understood acknowledgements (training
// records): the actor's own, and everyone's overdue ones.
type trainingPage struct {
	layout
	Mine, Overdue ackTable
}

func (*trainingPage) template() string { return "training" }

func (u *UI) trainingList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	today := qms.DateOf(u.account.Store.Now())
	p := &trainingPage{layout: layout{Title: "Training records"}, Mine: ackTable{Today: today, Back: "/training", Self: a.UserID},
		Overdue: ackTable{Today: today, Back: "/training"}}
	var err error
	if p.Mine.Acks, err = u.docs().MyAcknowledgements(r.Context(), false); err != nil {
		return err
	}
	if p.Overdue.Acks, err = u.docs().Acknowledgements(r.Context(), store.AckFilter{OverdueOn: today, Limit: store.MaxPageSize}); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}
