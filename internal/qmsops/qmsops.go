// Package qmsops holds the operations on the quality management system's
// own records that the web UI, the JSON API and the command line share:
// quality objectives (evaluated live), management reviews with their
// actions and input pack (and its PDF), customer complaints, the ISO 13485
// mode setting, the clause evidence map and the audit pack for an
// external auditor (auditpack.go).
//
// Permissions: internal users read (qms.CanViewInternal); quality managers
// and administrators change (qms.CanManageQMS); only an administrator
// switches ISO 13485 mode (qms.CanManageSettings). Supplier users see
// nothing: every operation is forbidden to them. Every change is one
// audited store transaction. The package must not import net/http,
// package web or package api.
package qmsops

import (
	"context"
	"io"
	"strings"
	"time"

	"qms/internal/complaint"
	"qms/internal/evidence"
	"qms/internal/mgmtreview"
	"qms/internal/objective"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/reviewreport"
	"qms/internal/store"
)

// Service performs the operations.
type Service struct {
	Store *store.Store
}

func actor(ctx context.Context) qms.Actor {
	a, _ := qms.ActorFrom(ctx)
	return a
}

// read checks that the actor may read the QMS records.
func read(ctx context.Context) error {
	if !qms.CanViewInternal(actor(ctx)) {
		return qms.Errorf(qms.KindForbidden, "your role may not see the quality management system's records")
	}
	return nil
}

// write checks that the actor may change the QMS records.
func write(ctx context.Context, what string) error {
	if err := read(ctx); err != nil {
		return err
	}
	if !qms.CanManageQMS(actor(ctx)) {
		return qms.Errorf(qms.KindForbidden, "your role may not %s: quality managers and administrators do", what)
	}
	return nil
}

func (s *Service) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := read(ctx); err != nil {
		return err
	}
	return s.Store.View(ctx, fn)
}

func (s *Service) update(ctx context.Context, what string, fn func(tx *store.Tx) error) error {
	if err := write(ctx, what); err != nil {
		return err
	}
	return s.Store.Update(ctx, fn)
}

// ---- Objectives ----

// Objectives returns every objective not voided, evaluated now (current:
// only those whose period includes this month).
func (s *Service) Objectives(ctx context.Context, current bool) ([]objective.Result, error) {
	var out []objective.Result
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.EvaluateObjectives(current)
		return err
	})
	return out, err
}

// Objective returns one objective evaluated now. Returns not found.
func (s *Service) Objective(ctx context.Context, id int64) (*objective.Result, error) {
	var r objective.Result
	err := s.view(ctx, func(tx *store.Tx) error {
		o, err := tx.Objective(id)
		if err != nil {
			return err
		}
		r, err = tx.EvaluateObjective(*o)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateObjective stores a new objective. Returns forbidden or invalid.
func (s *Service) CreateObjective(ctx context.Context, o *objective.Objective) error {
	return s.update(ctx, "set quality objectives", func(tx *store.Tx) error { return tx.CreateObjective(o) })
}

// UpdateObjective changes an objective. Returns forbidden, invalid, not
// found or conflict.
func (s *Service) UpdateObjective(ctx context.Context, o *objective.Objective, version int64, reason string) error {
	return s.update(ctx, "change quality objectives", func(tx *store.Tx) error { return tx.UpdateObjective(o, version, reason) })
}

// VoidObjective voids an objective with a reason.
func (s *Service) VoidObjective(ctx context.Context, id, version int64, reason string) error {
	return s.update(ctx, "void quality objectives", func(tx *store.Tx) error { return tx.VoidObjective(id, version, reason) })
}

// ---- Management reviews ----

// ReviewDetail is a review with its actions and its pack: the frozen one
// of a closed review, or one generated now for a draft (Live).
type ReviewDetail struct {
	Review  *mgmtreview.Review
	Actions []mgmtreview.Action
	Pack    *mgmtreview.Pack
	Live    bool
	Today   qms.Date
}

// Reviews returns the reviews, the latest first.
func (s *Service) Reviews(ctx context.Context) ([]mgmtreview.Review, error) {
	var out []mgmtreview.Review
	err := s.view(ctx, func(tx *store.Tx) error { var err error; out, err = tx.Reviews(); return err })
	return out, err
}

// Review returns a review with its actions and pack. Returns not found.
func (s *Service) Review(ctx context.Context, id int64) (*ReviewDetail, error) {
	d := &ReviewDetail{}
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		if d.Review, err = tx.Review(id); err != nil {
			return err
		}
		if d.Actions, err = tx.ReviewActions(id); err != nil {
			return err
		}
		d.Today = qms.DateOf(tx.Now)
		d.Pack = d.Review.Pack
		if d.Pack == nil {
			d.Live = true
			d.Pack, err = tx.ReviewPack(d.Review.From, d.Review.To, id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Pack generates the input pack of a period now (for a review being
// prepared).
func (s *Service) Pack(ctx context.Context, from, to qms.Date) (*mgmtreview.Pack, error) {
	var p *mgmtreview.Pack
	err := s.view(ctx, func(tx *store.Tx) error { var err error; p, err = tx.ReviewPack(from, to, 0); return err })
	return p, err
}

// CreateReview stores a draft review. Returns forbidden or invalid.
func (s *Service) CreateReview(ctx context.Context, r *mgmtreview.Review) error {
	return s.update(ctx, "prepare management reviews", func(tx *store.Tx) error { return tx.CreateReview(r) })
}

// UpdateReview changes a draft review. Returns forbidden, invalid, not
// found or conflict.
func (s *Service) UpdateReview(ctx context.Context, r *mgmtreview.Review, version int64) error {
	return s.update(ctx, "record management reviews", func(tx *store.Tx) error { return tx.UpdateReview(r, version) })
}

// CloseReview closes a held review and freezes its pack.
func (s *Service) CloseReview(ctx context.Context, id, version int64) (*mgmtreview.Review, error) {
	var r *mgmtreview.Review
	err := s.update(ctx, "close management reviews", func(tx *store.Tx) error { var err error; r, err = tx.CloseReview(id, version); return err })
	return r, err
}

// VoidReview voids a review with a reason.
func (s *Service) VoidReview(ctx context.Context, id, version int64, reason string) error {
	return s.update(ctx, "void management reviews", func(tx *store.Tx) error { return tx.VoidReview(id, version, reason) })
}

// AddAction adds an action to a review.
func (s *Service) AddAction(ctx context.Context, a *mgmtreview.Action) error {
	return s.update(ctx, "add management review actions", func(tx *store.Tx) error { return tx.AddReviewAction(a) })
}

// FinishAction marks an action done or cancelled.
func (s *Service) FinishAction(ctx context.Context, id, version int64, to mgmtreview.ActionStatus, result string) (*mgmtreview.Action, error) {
	var a *mgmtreview.Action
	err := s.update(ctx, "update management review actions", func(tx *store.Tx) error {
		var err error
		a, err = tx.FinishReviewAction(id, version, to, result)
		return err
	})
	return a, err
}

// ReviewPDF writes the review's record as a PDF. Returns not found.
func (s *Service) ReviewPDF(ctx context.Context, w io.Writer, id int64, fonts *report.Fonts, now time.Time) error {
	d, err := s.Review(ctx, id)
	if err != nil {
		return err
	}
	return reviewreport.WritePDF(w, reviewreport.Input{Review: d.Review, Actions: d.Actions, Pack: d.Pack, Live: d.Live, Today: d.Today, Generated: now}, fonts)
}

// ---- Complaints ----

// Complaints returns one page of complaints and the next cursor.
func (s *Service) Complaints(ctx context.Context, f store.ComplaintFilter) ([]complaint.Complaint, int64, error) {
	var out []complaint.Complaint
	var next int64
	err := s.view(ctx, func(tx *store.Tx) error { var err error; out, next, err = tx.Complaints(f); return err })
	return out, next, err
}

// Complaint returns one complaint. Returns not found.
func (s *Service) Complaint(ctx context.Context, id int64) (*complaint.Complaint, error) {
	var c *complaint.Complaint
	err := s.view(ctx, func(tx *store.Tx) error { var err error; c, err = tx.Complaint(id); return err })
	return c, err
}

// CreateComplaint records a complaint. Quality staff who may edit quality
// records (inspectors too) record complaints. Returns forbidden or invalid.
func (s *Service) CreateComplaint(ctx context.Context, c *complaint.Complaint) error {
	if err := read(ctx); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(actor(ctx)) {
		return qms.Errorf(qms.KindForbidden, "your role may not record complaints")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateComplaint(c) })
}

// UpdateComplaint changes an open complaint (links, reportability).
func (s *Service) UpdateComplaint(ctx context.Context, c *complaint.Complaint, version int64, reason string) error {
	return s.update(ctx, "change complaints", func(tx *store.Tx) error { return tx.UpdateComplaint(c, version, reason) })
}

// CloseComplaint closes a complaint.
func (s *Service) CloseComplaint(ctx context.Context, id, version int64) (*complaint.Complaint, error) {
	var c *complaint.Complaint
	err := s.update(ctx, "close complaints", func(tx *store.Tx) error { var err error; c, err = tx.CloseComplaint(id, version); return err })
	return c, err
}

// VoidComplaint voids a complaint with a reason.
func (s *Service) VoidComplaint(ctx context.Context, id, version int64, reason string) error {
	return s.update(ctx, "void complaints", func(tx *store.Tx) error { return tx.VoidComplaint(id, version, reason) })
}

// ---- Settings and the evidence map ----

// Settings returns the QMS settings (any internal user).
func (s *Service) Settings(ctx context.Context) (store.QMSSettings, error) {
	var out store.QMSSettings
	err := s.view(ctx, func(tx *store.Tx) error { var err error; out, err = tx.QMSSettings(); return err })
	return out, err
}

// SetISO13485Mode switches ISO 13485 mode, audited with the reason (an
// administrator). Returns forbidden, invalid (no reason) or conflict.
func (s *Service) SetISO13485Mode(ctx context.Context, on bool, version int64, reason string) (store.QMSSettings, error) {
	if !qms.CanManageSettings(actor(ctx)) {
		return store.QMSSettings{}, qms.Errorf(qms.KindForbidden, "only an administrator may switch ISO 13485 mode")
	}
	reason = strings.TrimSpace(reason)
	p := qms.Problems{}
	qms.CheckText(p, "reason", reason, 2000)
	if len(reason) == 0 {
		p.Add("reason", "is required: say why the mode changes")
	}
	if err := p.Err(); err != nil {
		return store.QMSSettings{}, err
	}
	var out store.QMSSettings
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.SetISO13485Mode(on, version, reason)
		return err
	})
	return out, err
}

// EvidenceMap builds the clause evidence map now.
func (s *Service) EvidenceMap(ctx context.Context) (evidence.Map, error) {
	var m evidence.Map
	err := s.view(ctx, func(tx *store.Tx) error { var err error; m, err = tx.EvidenceMap(); return err })
	return m, err
}
