// Package documentops holds the operations on controlled documents, the
// process register and the register of risks and opportunities that the
// web UI and the JSON API share: reading (any internal user; supplier
// users see nothing), writing drafts (qms.CanEditQualityRecords), review
// by the named reviewers, approval with an electronic signature after the
// approver enters their password again (quality managers, never the
// author alone), effective dates, read-and-understood acknowledgements,
// and the daily job that puts scheduled revisions in force and sends the
// reminders of periodic reviews, overdue acknowledgements and risk
// reviews.
//
// The workflow rules live in package document and are applied by the
// store to the transaction's actor; this package checks visibility,
// re-authenticates signers and assembles what pages show. It must not
// import net/http, package web or package api.
package documentops

import (
	"context"
	"slices"

	"qms/internal/auth"
	"qms/internal/document"
	"qms/internal/esign"
	"qms/internal/process"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// Service performs the document, process and risk operations.
type Service struct {
	Store *store.Store
	Auth  *auth.Service // re-authenticates signers; required for Approve
}

func actor(ctx context.Context) qms.Actor {
	a, _ := qms.ActorFrom(ctx)
	return a
}

// visible returns forbidden unless the actor may read the quality
// system's records: internal users only.
func visible(ctx context.Context) error {
	if !qms.CanViewInternal(actor(ctx)) {
		return qms.Errorf(qms.KindForbidden, "your role may not see the quality system's documents")
	}
	return nil
}

func (s *Service) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := visible(ctx); err != nil {
		return err
	}
	return s.Store.View(ctx, fn)
}

func (s *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := visible(ctx); err != nil {
		return err
	}
	return s.Store.Update(ctx, fn)
}

// staffRoles are the roles that may own, review and acknowledge documents.
var staffRoles = []qms.Role{qms.RoleAdmin, qms.RoleQualityManager, qms.RoleInspector, qms.RoleViewer, qms.RoleAuditor}

// Staff returns the enabled users of the quality staff, for choosing
// owners, reviewers and readers.
func (s *Service) Staff(ctx context.Context) ([]qms.User, error) {
	var out []qms.User
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.NotifyRecipients(nil, staffRoles)
		return err
	})
	slices.SortFunc(out, func(a, b qms.User) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out, err
}

// ---- Documents ----

// ListDocuments returns documents matching f and whether more follow.
func (s *Service) ListDocuments(ctx context.Context, f store.DocumentFilter) ([]store.DocumentRow, bool, error) {
	var rows []store.DocumentRow
	var more bool
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		rows, more, err = tx.ListDocuments(f)
		return err
	})
	return rows, more, err
}

// DocumentView is a document as its page shows it.
type DocumentView struct {
	Document  *document.Document
	Revisions []document.Revision // newest first
	// Shown is the revision to show: the one asked for, else the one in
	// force, else the latest.
	Shown      *document.Revision
	Signatures []esign.Check // of the shown revision
	Acks       []document.Acknowledgement
	Mine       *document.Acknowledgement // the actor's open acknowledgement of the shown revision
}

// Document returns a document with its revisions; revision picks the
// revision number to show (0: the one in force). Returns forbidden or not
// found.
func (s *Service) Document(ctx context.Context, id int64, revision int) (*DocumentView, error) {
	v := &DocumentView{}
	a := actor(ctx)
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		if v.Document, err = tx.Document(id); err != nil {
			return err
		}
		if v.Revisions, err = tx.Revisions(id); err != nil {
			return err
		}
		for i := range v.Revisions {
			r := &v.Revisions[i]
			switch {
			case revision > 0 && r.Revision == revision:
				v.Shown = r
			case revision == 0 && r.ID == v.Document.EffectiveRevisionID:
				v.Shown = r
			}
		}
		if v.Shown == nil && revision > 0 {
			return qms.Errorf(qms.KindNotFound, "document %s has no revision %d", v.Document.Number, revision)
		}
		if v.Shown == nil && len(v.Revisions) > 0 {
			v.Shown = &v.Revisions[0]
		}
		if v.Shown == nil {
			return nil
		}
		if v.Signatures, err = tx.CheckSignatures("document_revision", v.Shown.ID); err != nil {
			return err
		}
		if v.Acks, err = tx.Acknowledgements(store.AckFilter{RevisionID: v.Shown.ID, Limit: store.MaxPageSize}); err != nil {
			return err
		}
		for i := range v.Acks {
			if v.Acks[i].UserID == a.UserID && v.Acks[i].AcknowledgedAt == nil {
				v.Mine = &v.Acks[i]
			}
		}
		return nil
	})
	return v, err
}

// Revision returns one revision. Returns forbidden or not found.
func (s *Service) Revision(ctx context.Context, id int64) (*document.Revision, error) {
	var r *document.Revision
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.Revision(id)
		return err
	})
	return r, err
}

// withFile saves a prepared upload (blob.Service.Prepare) in tx and puts
// it on r.
func withFile(tx *store.Tx, r *document.Revision, f *store.File) error {
	if f == nil {
		return nil
	}
	if err := tx.CreateFile(f); err != nil {
		return err
	}
	r.FileID, r.Body = &f.ID, ""
	return nil
}

// CreateDocument creates a document and its first revision, a draft with
// text or a prepared file (nil for none). Returns forbidden, invalid or
// conflict.
func (s *Service) CreateDocument(ctx context.Context, d *document.Document, r *document.Revision, f *store.File) error {
	return s.update(ctx, func(tx *store.Tx) error {
		if err := withFile(tx, r, f); err != nil {
			return err
		}
		return tx.CreateDocument(d, r)
	})
}

// UpdateDocument changes a document's fields. Returns forbidden, invalid,
// not found or conflict.
func (s *Service) UpdateDocument(ctx context.Context, d *document.Document, version int64, reason string) error {
	return s.update(ctx, func(tx *store.Tx) error { return tx.UpdateDocument(d, version, reason) })
}

// CreateRevision starts the next revision of a document as a draft.
// Returns forbidden, invalid, not found or conflict.
func (s *Service) CreateRevision(ctx context.Context, docID int64, r *document.Revision, f *store.File) error {
	return s.update(ctx, func(tx *store.Tx) error {
		if err := withFile(tx, r, f); err != nil {
			return err
		}
		return tx.CreateRevision(docID, r)
	})
}

// UpdateRevision changes a draft's text, file (f replaces it; nil keeps
// r.FileID) and change description. Returns forbidden, invalid, not found
// or conflict.
func (s *Service) UpdateRevision(ctx context.Context, r *document.Revision, version int64, f *store.File) error {
	return s.update(ctx, func(tx *store.Tx) error {
		if err := withFile(tx, r, f); err != nil {
			return err
		}
		return tx.UpdateRevision(r, version)
	})
}

// Submit sends a draft for review by the named reviewers.
func (s *Service) Submit(ctx context.Context, id, version int64, reviewers []int64) (*document.Revision, error) {
	var r *document.Revision
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.SubmitRevision(id, version, reviewers)
		return err
	})
	return r, err
}

// Review records the actor's review of a revision as a named reviewer.
func (s *Service) Review(ctx context.Context, id int64, d document.ReviewDecision, comment string) (*document.Revision, error) {
	var r *document.Revision
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.RecordReview(id, d, comment)
		return err
	})
	return r, err
}

// Return sends a revision in review back to draft.
func (s *Service) Return(ctx context.Context, id, version int64, reason string) (*document.Revision, error) {
	var r *document.Revision
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.ReturnRevision(id, version, reason)
		return err
	})
	return r, err
}

// Approve approves a reviewed revision with the actor's electronic
// signature: the actor enters their password again (counted toward
// sign-in throttling). Returns invalid (a wrong password, under the field
// password), too many, forbidden, not found or conflict.
func (s *Service) Approve(ctx context.Context, id, version int64, password, comment string) (*document.Revision, error) {
	if err := s.reauthenticate(ctx, password); err != nil {
		return nil, err
	}
	var r *document.Revision
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.ApproveRevision(id, version, comment)
		return err
	})
	return r, err
}

func (s *Service) reauthenticate(ctx context.Context, password string) error {
	a := actor(ctx)
	if err := visible(ctx); err != nil {
		return err
	}
	if !document.CanApprove(a) || a.UserID <= 0 {
		return qms.Errorf(qms.KindForbidden, "only a quality manager can approve a document revision")
	}
	if password == "" {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid",
			Fields: map[string]string{"password": "enter your password to sign the approval"}}
	}
	u, err := s.Auth.Reauthenticate(ctx, a.Email, password, auth.ClientAddrFrom(ctx))
	if qms.ErrorKind(err) == qms.KindUnauthenticated || err == nil && u.ID != a.UserID {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid",
			Fields: map[string]string{"password": "is not your password: the approval was not signed"}}
	}
	return err
}

// MakeEffective makes an approved revision effective from a date (today
// or later, never before its approval).
func (s *Service) MakeEffective(ctx context.Context, id, version int64, on qms.Date) (*document.Revision, error) {
	var r *document.Revision
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		if r, err = tx.MakeEffective(id, version, on); err != nil || r.Status != document.StatusEffective {
			return err
		}
		return announce(tx, r)
	})
	return r, err
}

// Obsolete withdraws an approved or effective revision with a reason.
func (s *Service) Obsolete(ctx context.Context, id, version int64, reason string) (*document.Revision, error) {
	var r *document.Revision
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.ObsoleteRevision(id, version, reason)
		return err
	})
	return r, err
}

// PeriodicReview records the periodic review of a document.
func (s *Service) PeriodicReview(ctx context.Context, docID, version int64, note string) (*document.Document, error) {
	var d *document.Document
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		d, err = tx.RecordPeriodicReview(docID, version, note)
		return err
	})
	return d, err
}

// Diff compares the Markdown text of two revisions of the same document.
// Returns forbidden, invalid or not found.
func (s *Service) Diff(ctx context.Context, fromID, toID int64) (from, to *document.Revision, lines []document.DiffLine, err error) {
	err = s.view(ctx, func(tx *store.Tx) error {
		if from, err = tx.Revision(fromID); err != nil {
			return err
		}
		if to, err = tx.Revision(toID); err != nil {
			return err
		}
		if from.DocumentID != to.DocumentID {
			return qms.Errorf(qms.KindInvalid, "the two revisions belong to different documents")
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return from, to, document.Diff(from.Body, to.Body), nil
}

// ---- Acknowledgements ----

// MyAcknowledgements returns the actor's acknowledgements, open ones first.
func (s *Service) MyAcknowledgements(ctx context.Context, openOnly bool) ([]document.Acknowledgement, error) {
	var out []document.Acknowledgement
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Acknowledgements(store.AckFilter{UserID: actor(ctx).UserID, Open: openOnly, Limit: store.MaxPageSize})
		return err
	})
	return out, err
}

// Acknowledgements returns the training records matching f: internal
// users see everyone's (the overdue list).
func (s *Service) Acknowledgements(ctx context.Context, f store.AckFilter) ([]document.Acknowledgement, error) {
	var out []document.Acknowledgement
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Acknowledgements(f)
		return err
	})
	return out, err
}

// Acknowledge records that the actor read and understood the revision of
// one of their acknowledgements.
func (s *Service) Acknowledge(ctx context.Context, id int64) (*document.Acknowledgement, error) {
	var a *document.Acknowledgement
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		a, err = tx.Acknowledge(id)
		return err
	})
	return a, err
}

// ---- Processes ----

// Processes returns the process register.
func (s *Service) Processes(ctx context.Context) ([]process.Process, error) {
	var out []process.Process
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Processes()
		return err
	})
	return out, err
}

// ProcessView is a process with its linked documents and risks.
type ProcessView struct {
	Process   *process.Process
	Documents []store.DocumentRow
	Risks     []process.Risk
}

// Process returns a process with the documents it owns and its risks.
func (s *Service) Process(ctx context.Context, id int64) (*ProcessView, error) {
	v := &ProcessView{}
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		if v.Process, err = tx.Process(id); err != nil {
			return err
		}
		if v.Documents, _, err = tx.ListDocuments(store.DocumentFilter{ProcessID: id, Limit: store.MaxPageSize}); err != nil {
			return err
		}
		v.Risks, err = tx.Risks(store.RiskFilter{ProcessID: id})
		return err
	})
	return v, err
}

// CreateProcess adds a process (quality managers).
func (s *Service) CreateProcess(ctx context.Context, p *process.Process) error {
	return s.update(ctx, func(tx *store.Tx) error { return tx.CreateProcess(p) })
}

// UpdateProcess changes a process (quality managers).
func (s *Service) UpdateProcess(ctx context.Context, p *process.Process, version int64, reason string) error {
	return s.update(ctx, func(tx *store.Tx) error { return tx.UpdateProcess(p, version, reason) })
}

// ---- Risks ----

// Risks returns the risks matching f.
func (s *Service) Risks(ctx context.Context, f store.RiskFilter) ([]process.Risk, error) {
	var out []process.Risk
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Risks(f)
		return err
	})
	return out, err
}

// Risk returns a risk with its actions.
func (s *Service) Risk(ctx context.Context, id int64) (*process.Risk, error) {
	var r *process.Risk
	err := s.view(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.Risk(id)
		return err
	})
	return r, err
}

// CreateRisk adds a risk or opportunity (quality managers).
func (s *Service) CreateRisk(ctx context.Context, r *process.Risk) error {
	return s.update(ctx, func(tx *store.Tx) error { return tx.CreateRisk(r) })
}

// UpdateRisk changes a risk (quality managers).
func (s *Service) UpdateRisk(ctx context.Context, r *process.Risk, version int64, reason string) error {
	return s.update(ctx, func(tx *store.Tx) error { return tx.UpdateRisk(r, version, reason) })
}

// AddRiskAction adds an action to a risk (quality managers).
func (s *Service) AddRiskAction(ctx context.Context, a *process.RiskAction) error {
	return s.update(ctx, func(tx *store.Tx) error { return tx.AddRiskAction(a) })
}

// CompleteRiskAction marks an action done (its owner or a quality manager).
func (s *Service) CompleteRiskAction(ctx context.Context, id int64, note string) (*process.RiskAction, error) {
	var a *process.RiskAction
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		a, err = tx.CompleteRiskAction(id, note)
		return err
	})
	return a, err
}

// Suppliers returns the first 200 suppliers by name, for linking risks.
func (s *Service) Suppliers(ctx context.Context) ([]supplier.Supplier, error) {
	var out []supplier.Supplier
	err := s.view(ctx, func(tx *store.Tx) error {
		page, err := tx.ListSuppliers(store.SupplierFilter{Limit: store.MaxPageSize})
		if err == nil {
			out = page.Items
		}
		return err
	})
	return out, err
}
