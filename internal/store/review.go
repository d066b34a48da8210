package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"qms/internal/mgmtreview"
	"qms/internal/qms"
)

// Management reviews (ISO 9001 9.3) and their actions. The input pack is
// generated live (review_pack.go) and frozen into the review when it is
// closed.

const (
	entityReview       = "management_review"
	entityReviewAction = "review_action"
	actionClose        = "close"
)

const reviewColumns = `id, title, held_on, period_from, period_to, status, attendees, resources, feedback, improvements, decisions, pack,
	closed_at, closed_by, voided_at, void_reason, created_by_id, created_by, created_at, updated_at, version`

func scanReview(sc scanner, r *mgmtreview.Review) error {
	var att, dec string
	var pack sql.NullString
	var closed, voided sql.NullTime
	if err := sc.Scan(&r.ID, &r.Title, dateDest{&r.HeldOn}, dateDest{&r.From}, dateDest{&r.To}, &r.Status, &att, &r.Resources, &r.Feedback,
		&r.Improvements, &dec, &pack, &closed, &r.ClosedBy, &voided, &r.VoidReason, &r.CreatedByID, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt,
		&r.Version); err != nil {
		return err
	}
	r.ClosedAt, r.VoidedAt = nullTime(closed), nullTime(voided)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.Attendees, r.Decisions, r.Pack = []mgmtreview.Attendee{}, []string{}, nil
	if err := json.Unmarshal([]byte(att), &r.Attendees); err != nil {
		return fmt.Errorf("review %d attendees: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(dec), &r.Decisions); err != nil {
		return fmt.Errorf("review %d decisions: %w", r.ID, err)
	}
	if pack.Valid {
		r.Pack = &mgmtreview.Pack{}
		if err := json.Unmarshal([]byte(pack.String), r.Pack); err != nil {
			return fmt.Errorf("review %d pack: %w", r.ID, err)
		}
	}
	return nil
}

// Review returns one management review. Returns not found.
func (tx *Tx) Review(id int64) (*mgmtreview.Review, error) {
	var r mgmtreview.Review
	if err := scanReview(tx.QueryRow("SELECT "+reviewColumns+" FROM management_reviews WHERE id = ?", id), &r); err != nil {
		return nil, mapError(err, "management review")
	}
	return &r, nil
}

// Reviews returns the management reviews not voided, the latest first,
// without their frozen packs.
func (tx *Tx) Reviews() ([]mgmtreview.Review, error) {
	cols := strings.Replace(reviewColumns, "pack,", "NULL,", 1)
	return scanAllTx(tx, "SELECT "+cols+" FROM management_reviews WHERE voided_at IS NULL ORDER BY held_on DESC, id DESC", nil, scanReview)
}

// LastReviewHeld returns the date of the latest closed review held on or
// before day (zero: none), leaving out review skip.
func (tx *Tx) LastReviewHeld(day qms.Date, skip int64) (qms.Date, error) {
	var d qms.Date
	err := tx.QueryRow(`SELECT MAX(held_on) FROM management_reviews WHERE status = 'closed' AND voided_at IS NULL AND held_on <= ? AND id <> ?`,
		day.String(), skip).Scan(dateDest{&d})
	return d, err
}

// CreateReview validates and stores a draft review, audited. Returns
// invalid.
func (tx *Tx) CreateReview(r *mgmtreview.Review) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.Status, r.Pack, r.ClosedAt, r.ClosedBy, r.VoidedAt, r.VoidReason = mgmtreview.Draft, nil, nil, "", nil, ""
	r.CreatedByID, r.CreatedBy, r.CreatedAt, r.UpdatedAt, r.Version = tx.Actor.UserID, tx.Actor.Name, tx.Now, tx.Now, 1
	var err error
	if r.ID, err = tx.Insert(`INSERT INTO management_reviews (title, held_on, period_from, period_to, status, attendees, resources, feedback, improvements,
		decisions, created_by_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Title, dateValue(r.HeldOn), dateValue(r.From), dateValue(r.To), r.Status, encodeJSON(r.Attendees), r.Resources, r.Feedback, r.Improvements,
		encodeJSON(r.Decisions), r.CreatedByID, r.CreatedBy, tx.Now, tx.Now); err != nil {
		return err
	}
	return tx.Audit(entityReview, r.ID, qms.ActionCreate, nil, r, "")
}

// UpdateReview changes a draft review's record (title, dates, attendees,
// typed inputs, decisions) if it is still at version expected, audited.
// Returns invalid, not found or conflict (closed, voided, stale).
func (tx *Tx) UpdateReview(r *mgmtreview.Review, expected int64) error {
	before, err := tx.Review(r.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This management review")
	}
	if before.Status != mgmtreview.Draft {
		return qms.Errorf(qms.KindConflict, "This management review is closed: its record can no longer be changed (its actions are still tracked)")
	}
	if err := r.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE management_reviews SET title = ?, held_on = ?, period_from = ?, period_to = ?, attendees = ?, resources = ?, feedback = ?,
		improvements = ?, decisions = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		r.Title, dateValue(r.HeldOn), dateValue(r.From), dateValue(r.To), encodeJSON(r.Attendees), r.Resources, r.Feedback, r.Improvements,
		encodeJSON(r.Decisions), tx.Now, r.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This management review"); err != nil {
		return err
	}
	after, err := tx.Review(r.ID)
	if err != nil {
		return err
	}
	*r = *after
	return tx.Audit(entityReview, r.ID, qms.ActionUpdate, before, after, "")
}

// CloseReview closes a held draft review (mgmtreview.CheckClose), freezing
// the input pack generated now into it, audited. Returns not found,
// invalid or conflict.
func (tx *Tx) CloseReview(id, expected int64) (*mgmtreview.Review, error) {
	before, err := tx.Review(id)
	if err != nil {
		return nil, err
	}
	if err := mgmtreview.CheckClose(before, tx.today()); err != nil {
		return nil, err
	}
	pack, err := tx.ReviewPack(before.From, before.To, id)
	if err != nil {
		return nil, err
	}
	res, err := tx.Exec(`UPDATE management_reviews SET status = ?, pack = ?, closed_at = ?, closed_by = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, mgmtreview.Closed, encodeJSON(pack), tx.Now, tx.Actor.Name, tx.Now, id, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This management review"); err != nil {
		return nil, err
	}
	after, err := tx.Review(id)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityReview, id, actionClose, before, after, "")
}

// VoidReview voids a review with a reason. Returns invalid, not found or
// conflict.
func (tx *Tx) VoidReview(id, expected int64, reason string) error {
	return voidRecord(tx, "management_reviews", entityReview, "This management review", id, expected, reason, tx.Review,
		func(r *mgmtreview.Review) bool { return r.VoidedAt != nil })
}

// ---- Actions ----

const reviewActionColumns = `id, review_id, description, owner_id, owner_name, due_on, status, result, done_at, done_by, created_at, updated_at, version`

func scanReviewAction(sc scanner, a *mgmtreview.Action) error {
	var done sql.NullTime
	if err := sc.Scan(&a.ID, &a.ReviewID, &a.Description, &a.OwnerID, &a.Owner, dateDest{&a.DueOn}, &a.Status, &a.Result, &done, &a.DoneBy,
		&a.CreatedAt, &a.UpdatedAt, &a.Version); err != nil {
		return err
	}
	a.DoneAt = nullTime(done)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return nil
}

// ReviewAction returns one action. Returns not found.
func (tx *Tx) ReviewAction(id int64) (*mgmtreview.Action, error) {
	var a mgmtreview.Action
	if err := scanReviewAction(tx.QueryRow("SELECT "+reviewActionColumns+" FROM review_actions WHERE id = ?", id), &a); err != nil {
		return nil, mapError(err, "review action")
	}
	return &a, nil
}

// ReviewActions returns the actions of a review, oldest first.
func (tx *Tx) ReviewActions(reviewID int64) ([]mgmtreview.Action, error) {
	return scanAllTx(tx, "SELECT "+reviewActionColumns+" FROM review_actions WHERE review_id = ? ORDER BY id", []any{reviewID}, scanReviewAction)
}

// OverdueReviewActions counts the open actions due before today, of
// reviews not voided.
func (tx *Tx) OverdueReviewActions() (int64, error) {
	var n int64
	err := tx.QueryRow(`SELECT COUNT(*) FROM review_actions a JOIN management_reviews r ON r.id = a.review_id
		WHERE a.status = 'open' AND a.due_on < ? AND r.voided_at IS NULL`, tx.today().String()).Scan(&n)
	return n, err
}

// AddReviewAction adds an action to a review (draft or closed, not
// voided), audited. Returns invalid, not found or conflict.
func (tx *Tx) AddReviewAction(a *mgmtreview.Action) error {
	r, err := tx.Review(a.ReviewID)
	if err != nil {
		return err
	}
	if r.VoidedAt != nil {
		return alreadyVoided("This management review")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.Status, a.Result, a.DoneAt, a.DoneBy = mgmtreview.ActionOpen, "", nil, ""
	a.CreatedAt, a.UpdatedAt, a.Version = tx.Now, tx.Now, 1
	if a.ID, err = tx.Insert(`INSERT INTO review_actions (review_id, description, owner_id, owner_name, due_on, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ReviewID, a.Description, a.OwnerID, a.Owner, dateValue(a.DueOn), a.Status, tx.Now, tx.Now); err != nil {
		return err
	}
	return tx.Audit(entityReviewAction, a.ID, qms.ActionCreate, nil, a, "")
}

// FinishReviewAction marks an open action done (with the result) or
// cancelled (with the reason) if it is still at version expected,
// audited. Returns invalid, not found or conflict.
func (tx *Tx) FinishReviewAction(id, expected int64, to mgmtreview.ActionStatus, result string) (*mgmtreview.Action, error) {
	before, err := tx.ReviewAction(id)
	if err != nil {
		return nil, err
	}
	a := *before
	if err := mgmtreview.Finish(&a, to, result); err != nil {
		return nil, err
	}
	res, err := tx.Exec(`UPDATE review_actions SET status = ?, result = ?, done_at = ?, done_by = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, a.Status, a.Result, tx.Now, tx.Actor.Name, tx.Now, id, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This action"); err != nil {
		return nil, err
	}
	after, err := tx.ReviewAction(id)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityReviewAction, id, string(to), before, after, a.Result)
}
