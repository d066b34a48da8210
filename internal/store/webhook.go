package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"qms/internal/qms"
)

const entityWebhook = "webhook"

// Webhook is an endpoint that receives events as signed JSON POSTs. Its
// signing secret is stored apart from this struct (see WebhookSecret), so
// that it never reaches a page, a response or the audit trail.
type Webhook struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url"`
	Description string    `json:"description"`
	EventTypes  []string  `json:"event_types"` // patterns: a type, a prefix ending in .*, or *
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

const webhookColumns = "id, url, description, event_types, active, created_at, updated_at, version"

func scanWebhook(sc interface{ Scan(...any) error }, w *Webhook) error {
	var types string
	if err := sc.Scan(&w.ID, &w.URL, &w.Description, &types, &w.Active, &w.CreatedAt, &w.UpdatedAt, &w.Version); err != nil {
		return err
	}
	w.EventTypes = nil
	if err := json.Unmarshal([]byte(types), &w.EventTypes); err != nil {
		return fmt.Errorf("webhook %d event types: %w", w.ID, err)
	}
	w.CreatedAt, w.UpdatedAt = w.CreatedAt.UTC(), w.UpdatedAt.UTC()
	return nil
}

func eventTypesJSON(types []string) string {
	if types == nil {
		types = []string{}
	}
	b, _ := json.Marshal(types)
	return string(b)
}

// CreateWebhook stores a new endpoint with its signing secret, audited
// without the secret. The caller validates w.
func (tx *Tx) CreateWebhook(w *Webhook, secret string) error {
	w.CreatedAt, w.UpdatedAt, w.Version = tx.Now, tx.Now, 1
	id, err := tx.Insert(`INSERT INTO webhooks (url, description, event_types, active, secret, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, w.URL, w.Description, eventTypesJSON(w.EventTypes), w.Active, secret, tx.Now, tx.Now)
	if err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	w.ID = id
	return tx.Audit(entityWebhook, id, qms.ActionCreate, nil, w, "")
}

// Webhook returns an endpoint by id. Returns not found.
func (tx *Tx) Webhook(id int64) (*Webhook, error) {
	var w Webhook
	err := scanWebhook(tx.QueryRow("SELECT "+webhookColumns+" FROM webhooks WHERE id = ?", id), &w)
	if err != nil {
		return nil, mapError(err, "webhook")
	}
	return &w, nil
}

// UpdateWebhook changes an endpoint's URL, description, event types and
// active flag if its version is still expected, audited with the reason.
// Returns not found, or a conflict on a stale version. The caller
// validates w.
func (tx *Tx) UpdateWebhook(w *Webhook, expected int64, reason string) error {
	before, err := tx.Webhook(w.ID)
	if err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE webhooks SET url = ?, description = ?, event_types = ?, active = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, w.URL, w.Description, eventTypesJSON(w.EventTypes), w.Active, tx.Now, w.ID, expected)
	if err != nil {
		return fmt.Errorf("update webhook %d: %w", w.ID, err)
	}
	if err := CheckVersion(res, "This webhook"); err != nil {
		return err
	}
	after, err := tx.Webhook(w.ID)
	if err != nil {
		return err
	}
	*w = *after
	return tx.Audit(entityWebhook, w.ID, qms.ActionUpdate, before, after, reason)
}

// SetWebhookSecret replaces an endpoint's signing secret, audited without
// the secret. Returns not found.
func (tx *Tx) SetWebhookSecret(id int64, secret, reason string) error {
	before, err := tx.Webhook(id)
	if err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE webhooks SET secret = ?, updated_at = ?, version = version + 1 WHERE id = ?", secret, tx.Now, id); err != nil {
		return fmt.Errorf("set webhook secret: %w", err)
	}
	after, err := tx.Webhook(id)
	if err != nil {
		return err
	}
	return tx.Audit(entityWebhook, id, qms.ActionUpdate, before, map[string]any{"webhook": after, "secret": "replaced"}, reason)
}

// DeleteWebhook removes an endpoint and its delivery log, audited. Jobs
// still queued for its deliveries find nothing to do. Returns not found.
func (tx *Tx) DeleteWebhook(id int64, reason string) error {
	before, err := tx.Webhook(id)
	if err != nil {
		return err
	}
	if _, err := tx.Exec("DELETE FROM webhook_deliveries WHERE webhook_id = ?", id); err != nil {
		return fmt.Errorf("delete webhook deliveries: %w", err)
	}
	if _, err := tx.Exec("DELETE FROM webhooks WHERE id = ?", id); err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	return tx.Audit(entityWebhook, id, qms.ActionDelete, before, nil, reason)
}

// ActiveWebhooks returns the active endpoints, by id.
func (tx *Tx) ActiveWebhooks() ([]Webhook, error) {
	rows, err := tx.Query("SELECT " + webhookColumns + " FROM webhooks WHERE active = TRUE ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list active webhooks: %w", err)
	}
	return collectWebhooks(rows)
}

// ListWebhooks returns every endpoint, by id.
func (s *Store) ListWebhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+webhookColumns+" FROM webhooks ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return collectWebhooks(rows)
}

func collectWebhooks(rows *sql.Rows) ([]Webhook, error) {
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var w Webhook
		if err := scanWebhook(rows, &w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Webhook returns an endpoint by id. Returns not found.
func (s *Store) Webhook(ctx context.Context, id int64) (*Webhook, error) {
	var w Webhook
	err := scanWebhook(s.r.QueryRowContext(ctx, s.q("SELECT "+webhookColumns+" FROM webhooks WHERE id = ?"), id), &w)
	if err != nil {
		return nil, mapError(err, "webhook")
	}
	return &w, nil
}

// WebhookSecret returns the signing secret of an endpoint. Returns not
// found.
func (s *Store) WebhookSecret(ctx context.Context, id int64) (string, error) {
	var secret string
	err := s.r.QueryRowContext(ctx, s.q("SELECT secret FROM webhooks WHERE id = ?"), id).Scan(&secret)
	return secret, mapError(err, "webhook")
}

// WebhookDelivery is one event sent to one endpoint: the body that is
// signed and posted, and how the attempts went.
type WebhookDelivery struct {
	ID           int64           `json:"id"`
	WebhookID    int64           `json:"webhook_id"`
	EventID      int64           `json:"event_id,omitempty"` // 0 for a test delivery
	EventType    string          `json:"event_type"`
	Payload      json.RawMessage `json:"payload"`
	Status       string          `json:"status"` // pending, succeeded, failed or skipped
	Attempts     int             `json:"attempts"`
	ResponseCode int             `json:"response_code,omitempty"` // of the last attempt; 0 when none came
	LastError    string          `json:"last_error,omitempty"`
	DurationMS   int64           `json:"duration_ms"` // of the last attempt
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	FinishedAt   *time.Time      `json:"finished_at,omitempty"`
}

const webhookDeliveryColumns = "id, webhook_id, event_id, event_type, payload, status, attempts, response_code, last_error, duration_ms, created_at, updated_at, finished_at"

func scanWebhookDelivery(sc scanner, d *WebhookDelivery) error {
	var event sql.NullInt64
	var payload string
	var fin sql.NullTime
	if err := sc.Scan(&d.ID, &d.WebhookID, &event, &d.EventType, &payload, &d.Status, &d.Attempts, &d.ResponseCode,
		&d.LastError, &d.DurationMS, &d.CreatedAt, &d.UpdatedAt, &fin); err != nil {
		return err
	}
	d.EventID, d.Payload = event.Int64, json.RawMessage(payload)
	d.CreatedAt, d.UpdatedAt, d.FinishedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), nullTime(fin)
	return nil
}

// InsertWebhookDelivery records a delivery to send, pending, and sets d.ID.
// A second delivery of the same event to the same endpoint is not added
// (created is false); deliveries without an event (tests) always are.
func (tx *Tx) InsertWebhookDelivery(d *WebhookDelivery) (created bool, err error) {
	var event any
	if d.EventID != 0 {
		event = d.EventID
	}
	d.Status, d.CreatedAt, d.UpdatedAt = DeliveryPending, tx.Now, tx.Now
	err = tx.QueryRow(`INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING id`,
		d.WebhookID, event, d.EventType, string(d.Payload), tx.Now, tx.Now).Scan(&d.ID)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store webhook delivery: %w", err)
	}
	return true, nil
}

// WebhookDelivery returns a delivery by id. Returns not found.
func (s *Store) WebhookDelivery(ctx context.Context, id int64) (*WebhookDelivery, error) {
	var d WebhookDelivery
	err := scanWebhookDelivery(s.r.QueryRowContext(ctx, s.q("SELECT "+webhookDeliveryColumns+" FROM webhook_deliveries WHERE id = ?"), id), &d)
	if err != nil {
		return nil, mapError(err, "webhook delivery")
	}
	return &d, nil
}

// WebhookAttempt is the outcome of one attempt to deliver.
type WebhookAttempt struct {
	Status       string // pending (to be retried), succeeded, failed or skipped
	ResponseCode int
	Error        string
	Duration     time.Duration
}

// RecordWebhookAttempt records an attempt on a delivery. Every status but
// pending is final.
func (s *Store) RecordWebhookAttempt(ctx context.Context, id int64, a WebhookAttempt) error {
	now := s.Now()
	var fin any
	if a.Status != DeliveryPending {
		fin = now
	}
	_, err := s.w.ExecContext(ctx, s.q(`UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, response_code = ?, last_error = ?,
		duration_ms = ?, updated_at = ?, finished_at = ? WHERE id = ?`),
		a.Status, a.ResponseCode, clipText(a.Error, 2000), a.Duration.Milliseconds(), now, fin, id)
	if err != nil {
		return fmt.Errorf("record webhook attempt: %w", err)
	}
	return nil
}

// ListWebhookDeliveries returns the deliveries of one endpoint, newest
// first, and the cursor of the next page (0 when there is none).
func (s *Store) ListWebhookDeliveries(ctx context.Context, f DeliveryFilter) ([]WebhookDelivery, int64, error) {
	q := "SELECT " + webhookDeliveryColumns + " FROM webhook_deliveries WHERE webhook_id = ?"
	args := []any{f.WebhookID}
	if f.Status != "" {
		q, args = q+" AND status = ?", append(args, f.Status)
	}
	if f.Before > 0 {
		q, args = q+" AND id < ?", append(args, f.Before)
	}
	items, next, err := listPage(ctx, s, q+" ORDER BY id DESC LIMIT ?", args, f.Limit, scanWebhookDelivery,
		func(v *WebhookDelivery) int64 { return v.ID })
	if err != nil {
		return nil, 0, fmt.Errorf("list webhook deliveries: %w", err)
	}
	return items, next, nil
}
