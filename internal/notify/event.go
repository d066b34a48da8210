package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qms/internal/qms"
	"qms/internal/store"
)

// Job kinds of the deliveries Publish queues.
const (
	KindEmail   = "notify.email"
	KindWebhook = "notify.webhook"
)

// Attempts before a delivery fails for good. With the job runner's
// back-off (store.JobRetryBase, doubling, with jitter) the last e-mail
// attempt comes 10 to 20 minutes after the first, the last webhook attempt
// 45 to 85 minutes after the first.
const (
	EmailAttempts   = 8
	WebhookAttempts = 10
)

// Limits on the text of an event.
const (
	MaxTypeLen    = 100
	MaxKeyLen     = 200
	MaxSubjectLen = 200
	MaxBodyLen    = 10000
	MaxLinkLen    = 500
	maxDataBytes  = 64 << 10
)

// Event is something that happened, to be told to its recipients (in the
// app and by e-mail) and to the webhooks subscribed to its type.
type Event struct {
	// Type says what happened: lower-case words joined by dots, the record
	// kind first, such as "certificate.expiring" or "capa.stage_overdue".
	Type string
	// Key, when set, makes the event unique: publishing an event whose key
	// was published before does nothing. Name the record and the occasion,
	// such as "certificate:42:expiry:30d".
	Key string
	// Subject is one line for people: the notification's title and the
	// e-mail's subject.
	Subject string
	// Body is optional plain text for people (line breaks allowed).
	Body string
	// EntityType and EntityID name the record it is about, as in the audit
	// trail.
	EntityType string
	EntityID   int64
	// Link is the path of the record's page in the web UI, such as
	// /certificates/42.
	Link string
	// Users and Roles are the recipients: these users, and every enabled
	// user with one of these roles, each once. Disabled users get nothing.
	Users []int64
	Roles []qms.Role
	// NoEmail keeps the event in the app: no e-mails are sent.
	NoEmail bool
	// Data is the machine-readable detail for webhooks: anything that
	// encodes to a JSON object (nil means {}).
	Data any
}

var (
	typePattern    = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)
	patternPattern = regexp.MustCompile(`^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$`)
)

// validate checks an event and returns its data as a JSON object. Returns
// invalid, naming the field.
func (e *Event) validate() (json.RawMessage, error) {
	p := qms.Problems{}
	switch {
	case e.Type == "":
		p.Add("type", "is required")
	case len(e.Type) > MaxTypeLen || !typePattern.MatchString(e.Type):
		p.Add("type", "must be lower-case words joined by dots, such as certificate.expiring")
	}
	qms.CheckText(p, "key", e.Key, MaxKeyLen)
	e.Subject = strings.TrimSpace(e.Subject)
	qms.CheckText(p, "subject", e.Subject, MaxSubjectLen)
	if e.Subject == "" {
		p.Add("subject", "is required")
	}
	checkMultiline(p, "body", e.Body, MaxBodyLen)
	qms.CheckText(p, "entity_type", e.EntityType, MaxTypeLen)
	if e.Link != "" && (!strings.HasPrefix(e.Link, "/") || strings.HasPrefix(e.Link, "//") || strings.HasPrefix(e.Link, "/\\")) {
		p.Add("link", "must be a path on this site, such as /certificates/42")
	}
	qms.CheckText(p, "link", e.Link, MaxLinkLen)
	for _, r := range e.Roles {
		if !r.Valid() {
			p.Add("roles", fmt.Sprintf("%q is not a role", r))
		}
	}
	data := json.RawMessage("{}")
	if e.Data != nil {
		b, err := json.Marshal(e.Data)
		switch {
		case err != nil:
			p.Add("data", "cannot be encoded as JSON: "+err.Error())
		case !bytes.HasPrefix(b, []byte("{")) && string(b) != "null":
			p.Add("data", "must encode to a JSON object")
		case len(b) > maxDataBytes:
			p.Add("data", "is larger than 64 KiB")
		case string(b) != "null":
			data = b
		}
	}
	return data, p.Err()
}

// checkMultiline is qms.CheckText for text that may hold line breaks.
func checkMultiline(p qms.Problems, field, s string, max int) {
	if !utf8.ValidString(s) {
		p.Add(field, "is not valid UTF-8 text")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		p.Add(field, "is too long: at most "+strconv.Itoa(max)+" characters")
		return
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			p.Add(field, "contains a control character")
			return
		}
	}
}

// Publish records e in tx and queues its deliveries: an unread in-app
// notification for each recipient, an e-mail job for each (unless
// NoEmail), and a webhook job for each active endpoint subscribed to the
// type. All of it commits or rolls back with tx. published is false when
// e.Key was published before (nothing is done then). Returns invalid for a
// malformed event.
func Publish(tx *store.Tx, e Event) (published bool, err error) {
	data, err := e.validate()
	if err != nil {
		return false, fmt.Errorf("publish %s: %w", e.Type, err)
	}
	ev := &store.NotifyEvent{Key: e.Key, Type: e.Type, Subject: e.Subject, Body: e.Body,
		EntityType: e.EntityType, EntityID: e.EntityID, Link: e.Link, Data: data}
	created, err := tx.InsertNotifyEvent(ev)
	if err != nil || !created {
		return false, err
	}
	users, err := tx.NotifyRecipients(e.Users, e.Roles)
	if err != nil {
		return false, err
	}
	for i := range users {
		u := &users[i]
		if _, _, err := tx.InsertNotification(ev.ID, u.ID); err != nil {
			return false, err
		}
		if e.NoEmail {
			continue
		}
		id, created, err := tx.InsertEmailDelivery(ev.ID, u)
		if err != nil {
			return false, err
		}
		if created {
			if _, _, err := tx.Enqueue(store.JobSpec{Kind: KindEmail, Payload: delivery{id}, MaxAttempts: EmailAttempts}); err != nil {
				return false, err
			}
		}
	}
	hooks, err := tx.ActiveWebhooks()
	if err != nil {
		return false, err
	}
	var payload []byte
	for _, h := range hooks {
		if !Subscribed(h.EventTypes, e.Type) {
			continue
		}
		if payload == nil {
			if payload, err = json.Marshal(payloadOf(ev)); err != nil {
				return false, fmt.Errorf("encode webhook payload: %w", err)
			}
		}
		if err := queueWebhook(tx, &store.WebhookDelivery{WebhookID: h.ID, EventID: ev.ID, EventType: ev.Type, Payload: payload}); err != nil {
			return false, err
		}
	}
	return true, nil
}

// delivery is the payload of a delivery job.
type delivery struct {
	ID int64 `json:"delivery"`
}

// queueWebhook records a delivery and queues the job that sends it.
func queueWebhook(tx *store.Tx, d *store.WebhookDelivery) error {
	created, err := tx.InsertWebhookDelivery(d)
	if err != nil || !created {
		return err
	}
	_, _, err = tx.Enqueue(store.JobSpec{Kind: KindWebhook, Payload: delivery{d.ID}, MaxAttempts: WebhookAttempts})
	return err
}

// Subscribed reports whether an endpoint with the given patterns wants
// events of type t: a pattern is the type itself, a prefix ending in ".*"
// ("certificate.*" matches "certificate.expiring") or "*" for every type.
func Subscribed(patterns []string, t string) bool {
	for _, p := range patterns {
		if p == "*" || p == t {
			return true
		}
		if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// Payload is the JSON body of a webhook delivery.
type Payload struct {
	ID        int64           `json:"id"` // the event's id; 0 for a test delivery
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Subject   string          `json:"subject"`
	Body      string          `json:"body,omitempty"`
	Entity    *PayloadEntity  `json:"entity,omitempty"`
	Link      string          `json:"link,omitempty"` // a path in the web UI
	Actor     PayloadActor    `json:"actor"`
	Data      json.RawMessage `json:"data"`
}

// PayloadEntity names the record an event is about.
type PayloadEntity struct {
	Type string `json:"type"`
	ID   int64  `json:"id"`
}

// PayloadActor is who caused the event (id 0: qms itself).
type PayloadActor struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func payloadOf(e *store.NotifyEvent) Payload {
	p := Payload{ID: e.ID, Type: e.Type, CreatedAt: e.CreatedAt, Subject: e.Subject, Body: e.Body, Link: e.Link,
		Actor: PayloadActor{ID: e.ActorID, Name: e.ActorName}, Data: e.Data}
	if e.EntityType != "" {
		p.Entity = &PayloadEntity{Type: e.EntityType, ID: e.EntityID}
	}
	return p
}
