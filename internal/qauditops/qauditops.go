// Package qauditops holds the operations on quality audits that the web
// UI, the JSON API and the command line share: the checklist templates
// (shipped and users' copies), the yearly audit programme, planning,
// running (answers with evidence and photos), issuing the report, and the
// follow-up of findings through NCRs and CAPAs until they are closed.
//
// Each operation takes the actor from the context and checks visibility
// and permission with the qaudit rules: quality managers plan and manage,
// the lead auditor and the team conduct their audit, internal staff read.
// Supplier users never see internal audits, the programme or the
// templates; a supplier user sees its own supplier's supplier audits once
// their report is issued (to answer the findings), without the buyer's
// internal NCR links. Everything else answers "not found".
//
// The package must not import net/http, package web or package api.
package qauditops

import (
	"context"
	"slices"

	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/store"
)

// Service performs the audit operations. Files stores answer photos;
// without it photos are refused.
type Service struct {
	Store *store.Store
	Files *blob.Service
}

func actor(ctx context.Context) qms.Actor {
	a, _ := qms.ActorFrom(ctx)
	return a
}

// internalOnly returns not found for anyone but the buyer's staff.
func internalOnly(a qms.Actor) error {
	if !qaudit.CanSeeProgramme(a) {
		return qms.Errorf(qms.KindNotFound, "Not found")
	}
	return nil
}

// AuditView is an audit with its checklist, findings and score.
type AuditView struct {
	Audit     qaudit.QualityAudit   `json:"audit"`
	Questions []qaudit.Question     `json:"questions"`
	Findings  []qaudit.AuditFinding `json:"findings"`
	Score     qaudit.Score          `json:"score"`
	// What the actor may do now.
	CanConduct bool `json:"can_conduct"`
	CanManage  bool `json:"can_manage"`
}

// visible reads an audit the actor may see. Returns not found.
func visible(tx *store.Tx, a qms.Actor, id int64) (*qaudit.QualityAudit, error) {
	au, err := tx.QualityAudit(id)
	if err != nil {
		return nil, err
	}
	if !qaudit.CanSee(a, au) {
		return nil, qaudit.NotFound(id)
	}
	return au, nil
}

// Get returns an audit the actor may see with its questions, findings and
// score. A supplier user gets its issued supplier audit without the
// buyer's NCR links. Returns not found.
func (s *Service) Get(ctx context.Context, id int64) (*AuditView, error) {
	a := actor(ctx)
	var v AuditView
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		au, err := visible(tx, a, id)
		if err != nil {
			return err
		}
		v.Audit = *au
		if v.Questions, err = tx.AuditQuestions(id); err != nil {
			return err
		}
		v.Findings, err = tx.AuditFindings(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	v.Score = qaudit.ScoreOf(v.Questions)
	v.CanConduct = qaudit.CanConduct(a, &v.Audit) && (v.Audit.Status == qaudit.StatusPlanned || v.Audit.Status == qaudit.StatusInProgress)
	v.CanManage = qaudit.CanManage(a)
	if a.Role == qms.RoleSupplier {
		for i := range v.Findings {
			v.Findings[i].NCRID = 0
		}
		v.Audit.CreatedBy, v.Audit.CreatedByID = "", 0
	}
	return &v, nil
}

// Filter selects audits for List.
type Filter = store.QualityAuditFilter

// List returns the audits the actor may see matching f, newest first, and
// the cursor of the next page. A supplier user gets only its supplier's
// issued supplier audits.
func (s *Service) List(ctx context.Context, f Filter) ([]qaudit.QualityAudit, int64, error) {
	a := actor(ctx)
	switch {
	case a.Role == qms.RoleSupplier && a.SupplierID != nil:
		f.Type, f.SupplierID, f.Done = qaudit.TypeSupplier, *a.SupplierID, true
	case !qaudit.CanSeeProgramme(a):
		return []qaudit.QualityAudit{}, 0, nil
	}
	var out []qaudit.QualityAudit
	var next int64
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, next, err = tx.ListQualityAudits(f)
		return err
	})
	if out == nil {
		out = []qaudit.QualityAudit{}
	}
	return out, next, err
}

// Findings returns findings across audits (internal staff only): open ones
// due first.
func (s *Service) Findings(ctx context.Context, f store.FindingFilter) ([]qaudit.AuditFinding, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out []qaudit.AuditFinding
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListAuditFindings(f)
		return err
	})
	return out, err
}

// Plan plans an audit (a quality manager). Returns forbidden or invalid
// (including the independence rule).
func (s *Service) Plan(ctx context.Context, au *qaudit.QualityAudit) error {
	if err := internalOnly(actor(ctx)); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.PlanAudit(au) })
}

// UpdatePlan changes a planned or running audit's plan (a quality
// manager). Returns forbidden, not found, invalid or conflict.
func (s *Service) UpdatePlan(ctx context.Context, au *qaudit.QualityAudit, expected int64, reason string) error {
	if err := internalOnly(actor(ctx)); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateAuditPlan(au, expected, reason) })
}

// Start starts a planned audit (its team or a manager).
func (s *Service) Start(ctx context.Context, id, expected int64) (*qaudit.QualityAudit, error) {
	return s.move(ctx, func(tx *store.Tx) (*qaudit.QualityAudit, error) { return tx.StartAudit(id, expected) })
}

// Cancel cancels a planned or running audit with a reason (a manager).
func (s *Service) Cancel(ctx context.Context, id, expected int64, reason string) (*qaudit.QualityAudit, error) {
	return s.move(ctx, func(tx *store.Tx) (*qaudit.QualityAudit, error) { return tx.CancelAudit(id, expected, reason) })
}

// Complete issues the report of a running audit (its team or a manager):
// every question answered, a summary; the score and findings follow.
func (s *Service) Complete(ctx context.Context, id, expected int64, summary string) (*qaudit.QualityAudit, error) {
	return s.move(ctx, func(tx *store.Tx) (*qaudit.QualityAudit, error) { return tx.CompleteAudit(id, expected, summary) })
}

func (s *Service) move(ctx context.Context, fn func(tx *store.Tx) (*qaudit.QualityAudit, error)) (*qaudit.QualityAudit, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out *qaudit.QualityAudit
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// Answer records the answer to question line of a running audit (its
// team or a manager). photo, when given, is checked (its type sniffed from
// the content: a file that is not an image is refused), stored and added
// to the answer's photos in the same transaction. Returns not found,
// forbidden, invalid (a nonconformity without evidence, a bad photo) or
// conflict.
func (s *Service) Answer(ctx context.Context, id int64, line int, ans qaudit.Answer, photo *blob.Upload) (*qaudit.Question, error) {
	a := actor(ctx)
	if err := internalOnly(a); err != nil {
		return nil, err
	}
	var f *store.File
	if photo != nil {
		if s.Files == nil {
			return nil, qms.Errorf(qms.KindInvalid, "Photos cannot be stored: no file store is configured")
		}
		// Check the audit and the right to answer before storing anything.
		if err := s.Store.View(ctx, func(tx *store.Tx) error { return canConduct(tx, a, id) }); err != nil {
			return nil, err
		}
		photo.Allowed = []blob.Type{blob.JPEG, blob.PNG}
		var err error
		if f, err = s.Files.Prepare(ctx, *photo); err != nil {
			return nil, err
		}
	}
	var out *qaudit.Question
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if f != nil {
			f.OwnerType, f.OwnerID = store.OwnerAudit, id
			if err := tx.CreateFile(f); err != nil {
				return err
			}
			qs, err := tx.AuditQuestions(id)
			if err != nil {
				return err
			}
			for _, q := range qs {
				if q.Line == line {
					ans.Photos = append(slices.Clone(q.Photos), f.ID)
				}
			}
			if ans.Photos == nil {
				ans.Photos = []int64{f.ID}
			}
		} else if ans.Photos == nil {
			qs, err := tx.AuditQuestions(id)
			if err != nil {
				return err
			}
			for _, q := range qs {
				if q.Line == line {
					ans.Photos = q.Photos // keep the photos already taken
				}
			}
		}
		var err error
		out, err = tx.AnswerAuditQuestion(id, line, ans)
		return err
	})
	return out, err
}

func canConduct(tx *store.Tx, a qms.Actor, id int64) error {
	au, err := visible(tx, a, id)
	if err != nil {
		return err
	}
	if !qaudit.CanConduct(a, au) {
		return qaudit.Forbidden("answer audit questions: the lead auditor, the audit team or a quality manager does")
	}
	if au.Status != qaudit.StatusInProgress {
		return qms.Errorf(qms.KindConflict, "%s is %s: photos are taken while it is in progress", au.Number(), au.Status.Label())
	}
	return nil
}

// RegisterFiles sets who may read and upload audit photos: whoever may
// see the audit reads them (a supplier user its own issued supplier
// audits); its team and managers upload onto it while it runs.
func (s *Service) RegisterFiles(files *blob.Service) {
	files.RegisterOwner(store.OwnerAudit, blob.OwnerRules{
		Read: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			return s.Store.View(ctx, func(tx *store.Tx) error { _, err := visible(tx, a, id); return err })
		},
		Attach: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			return s.Store.View(ctx, func(tx *store.Tx) error { return canConduct(tx, a, id) })
		},
	})
}

// RaiseNCR raises an NCR from an open nonconformity (a manager).
func (s *Service) RaiseNCR(ctx context.Context, findingID, expected int64) (*ncr.NCR, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out *ncr.NCR
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.RaiseFindingNCR(findingID, expected)
		return err
	})
	return out, err
}

// RaiseCAPA opens a CAPA (a SCAR for a supplier audit) from an open
// nonconformity, owned by ownerID (a manager).
func (s *Service) RaiseCAPA(ctx context.Context, findingID, expected, ownerID int64) (*capa.CAPA, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out *capa.CAPA
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.RaiseFindingCAPA(findingID, expected, ownerID)
		return err
	})
	return out, err
}

// SetDue moves an open finding's due date with a reason (a manager).
func (s *Service) SetDue(ctx context.Context, findingID, expected int64, due qms.Date, reason string) (*qaudit.AuditFinding, error) {
	return s.finding(ctx, func(tx *store.Tx) (*qaudit.AuditFinding, error) {
		return tx.SetFindingDue(findingID, expected, due, reason)
	})
}

// CloseFinding closes an open finding with its verification note (a
// manager); the audit closes with its last open finding.
func (s *Service) CloseFinding(ctx context.Context, findingID, expected int64, note string) (*qaudit.AuditFinding, error) {
	return s.finding(ctx, func(tx *store.Tx) (*qaudit.AuditFinding, error) { return tx.CloseFinding(findingID, expected, note) })
}

func (s *Service) finding(ctx context.Context, fn func(tx *store.Tx) (*qaudit.AuditFinding, error)) (*qaudit.AuditFinding, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out *qaudit.AuditFinding
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// Templates returns the checklist templates (internal staff).
func (s *Service) Templates(ctx context.Context) ([]qaudit.Template, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out []qaudit.Template
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.AuditTemplates()
		return err
	})
	return out, err
}

// Template returns one checklist template (internal staff).
func (s *Service) Template(ctx context.Context, key string) (*qaudit.Template, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out *qaudit.Template
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.AuditTemplate(key)
		return err
	})
	return out, err
}

// CopyTemplate makes a user's template from another (a manager).
func (s *Service) CopyTemplate(ctx context.Context, key, name string) (*qaudit.Template, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out *qaudit.Template
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CopyAuditTemplate(key, name)
		return err
	})
	return out, err
}

// CreateTemplate stores a new user's template (a manager).
func (s *Service) CreateTemplate(ctx context.Context, t *qaudit.Template) error {
	if err := internalOnly(actor(ctx)); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateAuditTemplate(t) })
}

// UpdateTemplate changes a user's template (a manager).
func (s *Service) UpdateTemplate(ctx context.Context, t *qaudit.Template, expected int64, reason string) error {
	if err := internalOnly(actor(ctx)); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateAuditTemplate(t, expected, reason) })
}

// Programmes returns the programmes (headers), latest year first.
func (s *Service) Programmes(ctx context.Context) ([]qaudit.Programme, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out []qaudit.Programme
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.AuditProgrammes()
		return err
	})
	return out, err
}

// Programme returns the programme of a year with its lines and their slots
// (planned, scheduled, done, overdue). Returns not found.
func (s *Service) Programme(ctx context.Context, year int) (*qaudit.Programme, error) {
	if err := internalOnly(actor(ctx)); err != nil {
		return nil, err
	}
	var out *qaudit.Programme
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.AuditProgramme(year)
		return err
	})
	return out, err
}

// CreateProgramme creates the programme of a year (a manager).
func (s *Service) CreateProgramme(ctx context.Context, p *qaudit.Programme) error {
	if err := internalOnly(actor(ctx)); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateAuditProgramme(p) })
}

// AddItem adds a line to a programme (a manager).
func (s *Service) AddItem(ctx context.Context, it *qaudit.ProgrammeItem) error {
	if err := internalOnly(actor(ctx)); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.AddProgrammeItem(it) })
}

// RemoveItem takes a line off its programme with a reason (a manager).
func (s *Service) RemoveItem(ctx context.Context, id int64, reason string) error {
	if err := internalOnly(actor(ctx)); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.RemoveProgrammeItem(id, reason) })
}
