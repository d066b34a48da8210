package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"qms/internal/qms"
)

// Tx is one database transaction. Now is fixed when the transaction starts,
// so every row it writes and every audit event carry the same time.
type Tx struct {
	s         *Store
	tx        *sql.Tx
	ctx       context.Context
	Now       time.Time
	Actor     qms.Actor
	RequestID string
	events    []qms.AuditEvent
	enqueued  bool // jobs were enqueued: wake the runners after commit
}

// Update runs fn in a write transaction and commits it with the audit events
// fn recorded, or rolls everything back when fn fails or panics. The actor
// and request id come from ctx (qms.WithActor, qms.WithRequestID); without
// an actor, changes are attributed to qms.System.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.update(ctx, fn)
		if err == nil || !isBusy(err) || attempt == 4 || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
}

func (s *Store) update(ctx context.Context, fn func(tx *Tx) error) (err error) {
	tx, err := s.begin(ctx, s.w, false)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.appendAudit(); err != nil {
		return fmt.Errorf("write audit trail: %w", err)
	}
	if err = tx.tx.Commit(); err == nil && tx.enqueued {
		tx.s.jobWake.notify()
	}
	return err
}

// View runs fn in a read-only transaction (a consistent snapshot).
func (s *Store) View(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.begin(ctx, s.r, true)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	return fn(tx)
}

func (s *Store) begin(ctx context.Context, db *sql.DB, readOnly bool) (*Tx, error) {
	sqlTx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	actor, ok := qms.ActorFrom(ctx)
	if !ok {
		actor = qms.System
	}
	return &Tx{s: s, tx: sqlTx, ctx: ctx, Now: s.Now(), Actor: actor, RequestID: qms.RequestID(ctx)}, nil
}

// Context returns the context the transaction runs under.
func (tx *Tx) Context() context.Context { return tx.ctx }

// Dialect returns the database engine.
func (tx *Tx) Dialect() Dialect { return tx.s.dialect }

// Exec runs a statement written with ? placeholders.
func (tx *Tx) Exec(query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.ctx, tx.s.q(query), args...)
}

// Query runs a query written with ? placeholders.
func (tx *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(tx.ctx, tx.s.q(query), args...)
}

// QueryRow runs a query that returns at most one row.
func (tx *Tx) QueryRow(query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.ctx, tx.s.q(query), args...)
}

// Insert runs an INSERT ... RETURNING id and returns the id.
func (tx *Tx) Insert(query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// Audit records a change to a record, written to the audit trail when the
// transaction commits. before and after are marshalled to JSON (nil for
// none); reason is the user's stated reason, if any.
func (tx *Tx) Audit(entityType string, entityID int64, action string, before, after any, reason string) error {
	b, err := auditJSON(before)
	if err != nil {
		return err
	}
	a, err := auditJSON(after)
	if err != nil {
		return err
	}
	tx.events = append(tx.events, qms.AuditEvent{
		Time:       tx.Now,
		ActorID:    tx.Actor.UserID,
		ActorName:  tx.Actor.Name,
		EntityType: entityType,
		EntityID:   strconv.FormatInt(entityID, 10),
		Action:     action,
		Before:     b,
		After:      a,
		Reason:     reason,
		RequestID:  tx.RequestID,
	})
	return nil
}

func auditJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: encode record: %w", err)
	}
	return b, nil
}

// CheckVersion turns an UPDATE ... WHERE version = ? that changed no row into
// a conflict that tells the user what to do.
func CheckVersion(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return qms.Errorf(qms.KindConflict, "%s was changed by someone else since you opened it; reload it and apply your change again", what)
	}
	return nil
}

// voidRecord voids row id of table (a versioned table with voided_at and
// void_reason) if it is still at version expected, and audits it with the
// reason under entity. get reads the record; voided says whether it is
// voided already; what names it in messages ("This site"). Returns invalid
// (no reason), not found, or conflict (already voided, or stale version).
func voidRecord[T any](tx *Tx, table, entity, what string, id, expected int64, reason string,
	get func(int64) (*T, error), voided func(*T) bool) error {
	reason, err := requireReason(reason)
	if err != nil {
		return err
	}
	before, err := get(id)
	if err != nil {
		return err
	}
	if voided(before) {
		return alreadyVoided(what)
	}
	res, err := tx.Exec(`UPDATE `+table+` SET voided_at = ?, void_reason = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		tx.Now, reason, tx.Now, id, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, what); err != nil {
		return err
	}
	after, err := get(id)
	if err != nil {
		return err
	}
	return tx.Audit(entity, id, qms.ActionVoid, before, after, reason)
}
