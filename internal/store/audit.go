package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"qms/internal/qms"
)

// appendAudit writes the transaction's pending audit events at the end of
// the chain. The head row is locked last and held until commit, so events
// are numbered and chained in commit order even with concurrent writers and
// several app instances on one PostgreSQL.
func (tx *Tx) appendAudit() error {
	if len(tx.events) == 0 {
		return nil
	}
	lock := "SELECT seq, hash FROM audit_head WHERE id = 1"
	if tx.s.dialect == Postgres {
		lock += " FOR UPDATE"
	}
	var seq int64
	var prev string
	if err := tx.QueryRow(lock).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("lock audit head: %w", err)
	}
	for i := range tx.events {
		e := &tx.events[i]
		seq++
		e.Seq = seq
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		if _, err := tx.Exec(`INSERT INTO audit_events
			(seq, time, actor_id, actor_name, entity_type, entity_id, action, before, after, reason, request_id, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.Time, e.ActorID, e.ActorName, e.EntityType, e.EntityID, e.Action,
			nullJSON(e.Before), nullJSON(e.After), e.Reason, e.RequestID, e.PrevHash, e.Hash); err != nil {
			return err
		}
	}
	_, err := tx.Exec("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, prev)
	return err
}

func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

const auditColumns = "seq, time, actor_id, actor_name, entity_type, entity_id, action, before, after, reason, request_id, prev_hash, hash"

func scanAudit(sc scanner, e *qms.AuditEvent) error {
	var before, after sql.NullString
	if err := sc.Scan(&e.Seq, &e.Time, &e.ActorID, &e.ActorName, &e.EntityType, &e.EntityID, &e.Action,
		&before, &after, &e.Reason, &e.RequestID, &e.PrevHash, &e.Hash); err != nil {
		return err
	}
	e.Time = e.Time.UTC()
	e.Before, e.After = nil, nil
	if before.Valid {
		e.Before = []byte(before.String)
	}
	if after.Valid {
		e.After = []byte(after.String)
	}
	return nil
}

// AuditFilter selects audit events. Zero fields do not filter.
type AuditFilter struct {
	EntityType string
	EntityID   string
	ActorID    int64
	From, To   time.Time // To is exclusive
	Before     int64     // cursor: only events with seq < Before
	Limit      int       // at most MaxPageSize
}

// MaxPageSize is the largest page any list returns.
const MaxPageSize = 200

// ListAudit returns audit events matching f, newest first, and the cursor of
// the next page (0 when there is none).
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]qms.AuditEvent, int64, error) {
	var where []string
	var args []any
	if f.EntityType != "" {
		where, args = append(where, "entity_type = ?"), append(args, f.EntityType)
	}
	if f.EntityID != "" {
		where, args = append(where, "entity_id = ?"), append(args, f.EntityID)
	}
	if f.ActorID != 0 {
		where, args = append(where, "actor_id = ?"), append(args, f.ActorID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "time >= ?"), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where, args = append(where, "time < ?"), append(args, f.To.UTC())
	}
	if f.Before > 0 {
		where, args = append(where, "seq < ?"), append(args, f.Before)
	}
	q := "SELECT " + auditColumns + " FROM audit_events"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return listPage(ctx, s, q+" ORDER BY seq DESC LIMIT ?", args, f.Limit, scanAudit,
		func(e *qms.AuditEvent) int64 { return e.Seq })
}

func clampLimit(n int) int {
	if n <= 0 || n > MaxPageSize {
		if n <= 0 {
			return 50
		}
		return MaxPageSize
	}
	return n
}

// WalkAudit calls fn for every audit event in chain order, then returns the
// recorded head (sequence number and hash of the last event written).
func (s *Store) WalkAudit(ctx context.Context, fn func(e *qms.AuditEvent) error) (headSeq int64, headHash string, err error) {
	err = s.View(ctx, func(tx *Tx) error {
		if s.dialect == Postgres {
			// One snapshot for the head and the events: under READ COMMITTED,
			// events committed between the two queries would look inserted.
			if _, err := tx.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"); err != nil {
				return err
			}
		}
		if err := tx.QueryRow("SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("read audit head: %w", err)
		}
		rows, err := tx.Query("SELECT " + auditColumns + " FROM audit_events ORDER BY seq, hash")
		if err != nil {
			return err
		}
		defer rows.Close()
		var e qms.AuditEvent
		for rows.Next() {
			if err := scanAudit(rows, &e); err != nil {
				return err
			}
			if err := fn(&e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return headSeq, headHash, err
}

// VerifyAudit walks the whole chain and returns the number of events checked
// and a *qms.ChainError naming the first event altered, removed or inserted.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	var v qms.ChainVerifier
	headSeq, headHash, err := s.WalkAudit(ctx, v.Next)
	if err != nil {
		return v.Count(), err
	}
	return v.Count(), v.Finish(headSeq, headHash)
}
