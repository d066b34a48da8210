package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"qms/internal/qms"
)

// Notification storage: the events modules publish (notification_events),
// the in-app notifications of each user and the e-mail outbox. Package
// notify decides what to store; these functions only read and write rows.

// NotifyEvent is something that happened and that people or systems are
// told about: a certificate about to expire, a CAPA stage overdue.
type NotifyEvent struct {
	ID         int64           `json:"id"`
	Key        string          `json:"key,omitempty"` // the publisher's unique key, if any
	Type       string          `json:"type"`
	Subject    string          `json:"subject"`
	Body       string          `json:"body,omitempty"`
	EntityType string          `json:"entity_type,omitempty"`
	EntityID   int64           `json:"entity_id,omitempty"`
	Link       string          `json:"link,omitempty"` // a path in the web UI
	Data       json.RawMessage `json:"data"`
	ActorID    int64           `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	RequestID  string          `json:"request_id,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
}

const notifyEventColumns = "id, event_key, type, subject, body, entity_type, entity_id, link, data, actor_id, actor_name, request_id, created_at"

func scanNotifyEvent(sc interface{ Scan(...any) error }, e *NotifyEvent, extra ...any) error {
	var key sql.NullString
	var data string
	dest := append([]any{&e.ID, &key, &e.Type, &e.Subject, &e.Body, &e.EntityType, &e.EntityID, &e.Link, &data,
		&e.ActorID, &e.ActorName, &e.RequestID, &e.CreatedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	e.Key, e.Data, e.CreatedAt = key.String, json.RawMessage(data), e.CreatedAt.UTC()
	return nil
}

// InsertNotifyEvent stores an event with the transaction's time, actor and
// request id, and sets e.ID. When e.Key is set and an event with that key
// already exists (or is being stored by a concurrent transaction that then
// commits), nothing is stored and created is false.
func (tx *Tx) InsertNotifyEvent(e *NotifyEvent) (created bool, err error) {
	if len(e.Data) == 0 {
		e.Data = json.RawMessage("{}")
	}
	var key any
	if e.Key != "" {
		key = e.Key
	}
	e.ActorID, e.ActorName, e.RequestID, e.CreatedAt = tx.Actor.UserID, tx.Actor.Name, tx.RequestID, tx.Now
	err = tx.QueryRow(`INSERT INTO notification_events (event_key, type, subject, body, entity_type, entity_id, link, data, actor_id, actor_name, request_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING RETURNING id`,
		key, e.Type, e.Subject, e.Body, e.EntityType, e.EntityID, e.Link, string(e.Data), e.ActorID, e.ActorName, e.RequestID, e.CreatedAt).Scan(&e.ID)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store notification event %s: %w", e.Type, err)
	}
	return true, nil
}

// NotifyEvent returns an event by id. Returns not found.
func (s *Store) NotifyEvent(ctx context.Context, id int64) (*NotifyEvent, error) {
	var e NotifyEvent
	err := scanNotifyEvent(s.r.QueryRowContext(ctx, s.q("SELECT "+notifyEventColumns+" FROM notification_events WHERE id = ?"), id), &e)
	if err != nil {
		return nil, mapError(err, "notification event")
	}
	return &e, nil
}

// NotifyEventByKey returns the event published with a unique key. Returns
// not found.
func (s *Store) NotifyEventByKey(ctx context.Context, key string) (*NotifyEvent, error) {
	var e NotifyEvent
	err := scanNotifyEvent(s.r.QueryRowContext(ctx, s.q("SELECT "+notifyEventColumns+" FROM notification_events WHERE event_key = ?"), key), &e)
	if err != nil {
		return nil, mapError(err, "notification event")
	}
	return &e, nil
}

// NotifyEventTypes returns the distinct types of the events published so
// far, sorted.
func (s *Store) NotifyEventTypes(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT type FROM notification_events ORDER BY type")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// NotifyRecipients returns the enabled users who have one of the ids or
// one of the roles, by id, each once.
func (tx *Tx) NotifyRecipients(userIDs []int64, roles []qms.Role) ([]qms.User, error) {
	var or []string
	var args []any
	if len(userIDs) > 0 {
		or = append(or, "id IN ("+placeholders(len(userIDs))+")")
		for _, id := range userIDs {
			args = append(args, id)
		}
	}
	if len(roles) > 0 {
		or = append(or, "role IN ("+placeholders(len(roles))+")")
		for _, r := range roles {
			args = append(args, string(r))
		}
	}
	if len(or) == 0 {
		return nil, nil
	}
	rows, err := tx.Query("SELECT "+userColumns+" FROM users WHERE disabled_at IS NULL AND ("+strings.Join(or, " OR ")+") ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("find notification recipients: %w", err)
	}
	defer rows.Close()
	var out []qms.User
	for rows.Next() {
		var u qms.User
		if err := scanUser(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Notification is an event as one user's in-app notification.
type Notification struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	EventID    int64      `json:"event_id"`
	Type       string     `json:"type"`
	Subject    string     `json:"subject"`
	Body       string     `json:"body,omitempty"`
	EntityType string     `json:"entity_type,omitempty"`
	EntityID   int64      `json:"entity_id,omitempty"`
	Link       string     `json:"link,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ReadAt     *time.Time `json:"read_at,omitempty"`
}

const notificationColumns = "n.id, n.user_id, n.event_id, e.type, e.subject, e.body, e.entity_type, e.entity_id, e.link, n.created_at, n.read_at"

func scanNotification(sc scanner, n *Notification) error {
	var read sql.NullTime
	if err := sc.Scan(&n.ID, &n.UserID, &n.EventID, &n.Type, &n.Subject, &n.Body, &n.EntityType, &n.EntityID, &n.Link, &n.CreatedAt, &read); err != nil {
		return err
	}
	n.CreatedAt, n.ReadAt = n.CreatedAt.UTC(), nullTime(read)
	return nil
}

// InsertNotification gives a user the in-app notification of an event,
// unread. A second one for the same event and user is not added.
func (tx *Tx) InsertNotification(eventID, userID int64) (id int64, created bool, err error) {
	err = tx.QueryRow(`INSERT INTO notifications (event_id, user_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (event_id, user_id) DO NOTHING RETURNING id`, eventID, userID, tx.Now).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store notification: %w", err)
	}
	return id, true, nil
}

// NotificationFilter selects one user's notifications.
type NotificationFilter struct {
	UserID int64
	Unread bool  // only those not read yet
	Before int64 // cursor: only notifications with id < Before
	Limit  int   // at most MaxPageSize
}

// ListNotifications returns a user's notifications, newest first, and the
// cursor of the next page (0 when there is none).
func (s *Store) ListNotifications(ctx context.Context, f NotificationFilter) ([]Notification, int64, error) {
	q := "SELECT " + notificationColumns + " FROM notifications n JOIN notification_events e ON e.id = n.event_id WHERE n.user_id = ?"
	args := []any{f.UserID}
	if f.Unread {
		q += " AND n.read_at IS NULL"
	}
	if f.Before > 0 {
		q, args = q+" AND n.id < ?", append(args, f.Before)
	}
	items, next, err := listPage(ctx, s, q+" ORDER BY n.id DESC LIMIT ?", args, f.Limit, scanNotification,
		func(v *Notification) int64 { return v.ID })
	if err != nil {
		return nil, 0, fmt.Errorf("list notifications: %w", err)
	}
	return items, next, nil
}

// Notification returns one of a user's notifications. Returns not found,
// also when it belongs to another user.
func (s *Store) Notification(ctx context.Context, userID, id int64) (*Notification, error) {
	var n Notification
	err := scanNotification(s.r.QueryRowContext(ctx, s.q("SELECT "+notificationColumns+
		" FROM notifications n JOIN notification_events e ON e.id = n.event_id WHERE n.id = ? AND n.user_id = ?"), id, userID), &n)
	if err != nil {
		return nil, mapError(err, "notification")
	}
	return &n, nil
}

// CountUnread returns how many of a user's notifications are unread.
func (s *Store) CountUnread(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL"), userID).Scan(&n)
	return n, err
}

// MarkNotificationRead marks one of a user's notifications read (again
// is harmless). Returns not found, also when it belongs to another user.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, id int64) error {
	res, err := s.w.ExecContext(ctx, s.q("UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?"), s.Now(), id, userID)
	if err != nil {
		return fmt.Errorf("mark notification read: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return qms.Errorf(qms.KindNotFound, "notification not found")
	}
	return nil
}

// MarkAllNotificationsRead marks every unread notification of a user read
// and returns how many it marked.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, userID int64) (int64, error) {
	res, err := s.w.ExecContext(ctx, s.q("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL"), s.Now(), userID)
	if err != nil {
		return 0, fmt.Errorf("mark notifications read: %w", err)
	}
	return res.RowsAffected()
}

// E-mail delivery statuses: pending until sent, or skipped (e-mail is not
// configured), or failed for good.
const (
	DeliveryPending   = "pending"
	DeliverySent      = "sent"
	DeliverySkipped   = "skipped"
	DeliveryFailed    = "failed"
	DeliverySucceeded = "succeeded" // webhooks
)

// EmailDelivery is one e-mail of an event to one user, in the outbox.
type EmailDelivery struct {
	ID         int64      `json:"id"`
	EventID    int64      `json:"event_id"`
	UserID     int64      `json:"user_id"`
	To         string     `json:"to"`
	ToName     string     `json:"to_name"`
	Status     string     `json:"status"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Subject    string     `json:"subject"` // of the event
	EventType  string     `json:"event_type"`
}

const emailColumns = "d.id, d.event_id, d.user_id, d.to_addr, d.to_name, d.status, d.attempts, d.last_error, d.created_at, d.updated_at, d.finished_at, e.subject, e.type"

func scanEmail(sc scanner, d *EmailDelivery) error {
	var fin sql.NullTime
	if err := sc.Scan(&d.ID, &d.EventID, &d.UserID, &d.To, &d.ToName, &d.Status, &d.Attempts, &d.LastError,
		&d.CreatedAt, &d.UpdatedAt, &fin, &d.Subject, &d.EventType); err != nil {
		return err
	}
	d.CreatedAt, d.UpdatedAt, d.FinishedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), nullTime(fin)
	return nil
}

// InsertEmailDelivery puts the e-mail of an event to a user into the
// outbox, pending. A second one for the same event and user is not added.
func (tx *Tx) InsertEmailDelivery(eventID int64, to *qms.User) (id int64, created bool, err error) {
	err = tx.QueryRow(`INSERT INTO email_deliveries (event_id, user_id, to_addr, to_name, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (event_id, user_id) DO NOTHING RETURNING id`,
		eventID, to.ID, to.Email, to.Name, tx.Now, tx.Now).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store e-mail delivery: %w", err)
	}
	return id, true, nil
}

// EmailDelivery returns an e-mail of the outbox. Returns not found.
func (s *Store) EmailDelivery(ctx context.Context, id int64) (*EmailDelivery, error) {
	var d EmailDelivery
	err := scanEmail(s.r.QueryRowContext(ctx, s.q("SELECT "+emailColumns+" FROM email_deliveries d JOIN notification_events e ON e.id = d.event_id WHERE d.id = ?"), id), &d)
	if err != nil {
		return nil, mapError(err, "e-mail delivery")
	}
	return &d, nil
}

// RecordEmailAttempt records an attempt to send an e-mail: its new status
// (pending to be retried, sent, skipped or failed) and the error, if any.
// Every status but pending is final.
func (s *Store) RecordEmailAttempt(ctx context.Context, id int64, status, errMsg string) error {
	now := s.Now()
	var fin any
	if status != DeliveryPending {
		fin = now
	}
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE email_deliveries SET status = ?, attempts = attempts + 1, last_error = ?, updated_at = ?, finished_at = ?
		WHERE id = ?`), status, clipText(errMsg, 2000), now, fin, id)
	if err != nil {
		return fmt.Errorf("record e-mail attempt: %w", err)
	}
	return nil
}

// DeliveryFilter selects deliveries for a log, newest first.
type DeliveryFilter struct {
	WebhookID int64  // webhook deliveries: of this endpoint (required)
	Status    string // only this status
	Before    int64  // cursor: only deliveries with id < Before
	Limit     int    // at most MaxPageSize
}

// ListEmailDeliveries returns the e-mail outbox, newest first, and the
// cursor of the next page (0 when there is none).
func (s *Store) ListEmailDeliveries(ctx context.Context, f DeliveryFilter) ([]EmailDelivery, int64, error) {
	q := "SELECT " + emailColumns + " FROM email_deliveries d JOIN notification_events e ON e.id = d.event_id WHERE 1 = 1"
	var args []any
	if f.Status != "" {
		q, args = q+" AND d.status = ?", append(args, f.Status)
	}
	if f.Before > 0 {
		q, args = q+" AND d.id < ?", append(args, f.Before)
	}
	items, next, err := listPage(ctx, s, q+" ORDER BY d.id DESC LIMIT ?", args, f.Limit, scanEmail,
		func(v *EmailDelivery) int64 { return v.ID })
	if err != nil {
		return nil, 0, fmt.Errorf("list e-mail deliveries: %w", err)
	}
	return items, next, nil
}

// clipText shortens s to at most n bytes of valid UTF-8.
func clipText(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
}

// DeleteOldNotifications removes notifications read before readBefore and
// e-mail and webhook deliveries finished before finishedBefore, and
// returns how many of each it removed. Events stay: their keys keep
// reminders from being sent again.
func (s *Store) DeleteOldNotifications(ctx context.Context, readBefore, finishedBefore time.Time) (notifications, emails, webhooks int64, err error) {
	err = s.Update(ctx, func(tx *Tx) error {
		for _, d := range []struct {
			n     *int64
			query string
			at    time.Time
		}{
			{&notifications, "DELETE FROM notifications WHERE read_at < ?", readBefore},
			{&emails, "DELETE FROM email_deliveries WHERE finished_at < ?", finishedBefore},
			{&webhooks, "DELETE FROM webhook_deliveries WHERE finished_at < ?", finishedBefore},
		} {
			res, err := tx.Exec(d.query, d.at.UTC())
			if err != nil {
				return fmt.Errorf("delete old notifications: %w", err)
			}
			if *d.n, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		return nil
	})
	return notifications, emails, webhooks, err
}
