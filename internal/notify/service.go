package notify

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"qms/internal/qms"
	"qms/internal/store"
)

// Service holds the operations on notifications and webhooks that the web
// UI and the API share. Each takes the actor from ctx and checks its
// permission: every signed-in user reads and marks only their own
// notifications; only qms.CanManageWebhooks manages webhooks and sees the
// delivery logs.
type Service struct {
	Store *store.Store
}

// user returns the signed-in user's id. Returns unauthenticated for a
// request without one (the system has no notifications).
func user(ctx context.Context) (int64, error) {
	a, ok := qms.ActorFrom(ctx)
	if !ok || a.UserID == 0 {
		return 0, qms.Errorf(qms.KindUnauthenticated, "sign in to see your notifications")
	}
	return a.UserID, nil
}

func manager(ctx context.Context) error {
	a, _ := qms.ActorFrom(ctx)
	if !qms.CanManageWebhooks(a) {
		return qms.Errorf(qms.KindForbidden, "your role may not manage webhooks or see delivery logs; ask an administrator")
	}
	return nil
}

// Notifications returns the signed-in user's notifications, newest first,
// and the cursor of the next page. Only f.Unread, f.Before and f.Limit
// are used.
func (s *Service) Notifications(ctx context.Context, f store.NotificationFilter) ([]store.Notification, int64, error) {
	uid, err := user(ctx)
	if err != nil {
		return nil, 0, err
	}
	f.UserID = uid
	return s.Store.ListNotifications(ctx, f)
}

// Notification returns one of the signed-in user's notifications. Returns
// not found, also for another user's.
func (s *Service) Notification(ctx context.Context, id int64) (*store.Notification, error) {
	uid, err := user(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Notification(ctx, uid, id)
}

// Unread returns how many of the signed-in user's notifications are unread.
func (s *Service) Unread(ctx context.Context) (int, error) {
	uid, err := user(ctx)
	if err != nil {
		return 0, err
	}
	return s.Store.CountUnread(ctx, uid)
}

// MarkRead marks one of the signed-in user's notifications read. Returns
// not found, also for another user's.
func (s *Service) MarkRead(ctx context.Context, id int64) error {
	uid, err := user(ctx)
	if err != nil {
		return err
	}
	return s.Store.MarkNotificationRead(ctx, uid, id)
}

// MarkAllRead marks all of the signed-in user's notifications read and
// returns how many were unread.
func (s *Service) MarkAllRead(ctx context.Context) (int64, error) {
	uid, err := user(ctx)
	if err != nil {
		return 0, err
	}
	return s.Store.MarkAllNotificationsRead(ctx, uid)
}

// WebhookInput is an endpoint as an administrator enters it.
type WebhookInput struct {
	URL         string
	Description string
	EventTypes  []string
	Active      bool
}

// MaxDescriptionLen is the longest webhook description.
const MaxDescriptionLen = 500

// maxPatterns is the most event type patterns one endpoint may have.
const maxPatterns = 50

// check validates the input and returns the endpoint it describes.
func (in WebhookInput) check() (*store.Webhook, error) {
	p := qms.Problems{}
	w := &store.Webhook{URL: strings.TrimSpace(in.URL), Description: strings.TrimSpace(in.Description), Active: in.Active}
	if err := CheckURL(w.URL); err != nil {
		p.Add("url", qms.ErrorFields(err)["url"])
	}
	checkMultiline(p, "description", w.Description, MaxDescriptionLen)
	for _, t := range in.EventTypes {
		t = strings.TrimSpace(t)
		if t == "" || slices.Contains(w.EventTypes, t) {
			continue
		}
		if len(t) > MaxTypeLen || !patternPattern.MatchString(t) {
			p.Add("event_types", "“"+printable(t, 40)+"” is not an event type: use a type such as certificate.expiring, a prefix such as certificate.*, or * for all")
			continue
		}
		w.EventTypes = append(w.EventTypes, t)
	}
	if len(w.EventTypes) == 0 {
		p.Add("event_types", "name at least one event type, such as certificate.expiring, certificate.* or *")
	}
	if len(w.EventTypes) > maxPatterns {
		p.Add("event_types", "at most 50 patterns")
	}
	return w, p.Err()
}

// SplitPatterns splits event type patterns typed in one field, separated
// by commas, spaces or line breaks.
func SplitPatterns(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// Webhooks lists every endpoint. Requires CanManageWebhooks.
func (s *Service) Webhooks(ctx context.Context) ([]store.Webhook, error) {
	if err := manager(ctx); err != nil {
		return nil, err
	}
	return s.Store.ListWebhooks(ctx)
}

// Webhook returns an endpoint. Requires CanManageWebhooks. Returns not
// found.
func (s *Service) Webhook(ctx context.Context, id int64) (*store.Webhook, error) {
	if err := manager(ctx); err != nil {
		return nil, err
	}
	return s.Store.Webhook(ctx, id)
}

// CreateWebhook adds an endpoint and returns it with its signing secret,
// to be shown once. Requires CanManageWebhooks. Returns invalid.
func (s *Service) CreateWebhook(ctx context.Context, in WebhookInput) (*store.Webhook, string, error) {
	if err := manager(ctx); err != nil {
		return nil, "", err
	}
	w, err := in.check()
	if err != nil {
		return nil, "", err
	}
	secret := NewSecret()
	if err := s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateWebhook(w, secret) }); err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// UpdateWebhook changes an endpoint if version is still current, audited
// with the reason. Requires CanManageWebhooks. Returns invalid, not found,
// or conflict on a stale version.
func (s *Service) UpdateWebhook(ctx context.Context, id int64, in WebhookInput, version int64, reason string) (*store.Webhook, error) {
	if err := manager(ctx); err != nil {
		return nil, err
	}
	w, err := in.check()
	p := qms.Problems{}
	qms.CheckText(p, "reason", reason, 1000)
	if err == nil {
		err = p.Err()
	}
	if err != nil {
		return nil, err
	}
	w.ID = id
	err = s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateWebhook(w, version, reason) })
	return w, err
}

// RotateWebhookSecret gives an endpoint a new signing secret and returns
// it, to be shown once; deliveries from now on are signed with it.
// Requires CanManageWebhooks. Returns not found.
func (s *Service) RotateWebhookSecret(ctx context.Context, id int64, reason string) (string, error) {
	if err := manager(ctx); err != nil {
		return "", err
	}
	secret := NewSecret()
	return secret, s.Store.Update(ctx, func(tx *store.Tx) error { return tx.SetWebhookSecret(id, secret, reason) })
}

// DeleteWebhook removes an endpoint and its delivery log, audited.
// Requires CanManageWebhooks. Returns not found.
func (s *Service) DeleteWebhook(ctx context.Context, id int64, reason string) error {
	if err := manager(ctx); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(id, reason) })
}

// TestWebhook queues a "ping" delivery to an endpoint, active or not, so
// that an administrator can check the receiver, and returns it. Requires
// CanManageWebhooks. Returns not found.
func (s *Service) TestWebhook(ctx context.Context, id int64) (*store.WebhookDelivery, error) {
	if err := manager(ctx); err != nil {
		return nil, err
	}
	var d *store.WebhookDelivery
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		w, err := tx.Webhook(id)
		if err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]int64{"webhook_id": w.ID})
		p := Payload{Type: PingType, CreatedAt: tx.Now, Subject: "Test delivery from qms",
			Actor: PayloadActor{ID: tx.Actor.UserID, Name: tx.Actor.Name}, Data: data}
		body, err := json.Marshal(p)
		if err != nil {
			return err
		}
		d = &store.WebhookDelivery{WebhookID: w.ID, EventType: PingType, Payload: body}
		return queueWebhook(tx, d)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.WebhookDelivery(ctx, d.ID)
}

// PingType is the event type of test deliveries; it is sent to an
// endpoint whatever its event types.
const PingType = "ping"

// Deliveries returns an endpoint's delivery log, newest first, and the
// cursor of the next page. Requires CanManageWebhooks. Returns not found
// for an unknown endpoint.
func (s *Service) Deliveries(ctx context.Context, f store.DeliveryFilter) ([]store.WebhookDelivery, int64, error) {
	if err := manager(ctx); err != nil {
		return nil, 0, err
	}
	if _, err := s.Store.Webhook(ctx, f.WebhookID); err != nil {
		return nil, 0, err
	}
	return s.Store.ListWebhookDeliveries(ctx, f)
}

// EmailDeliveries returns the e-mail outbox, newest first, and the cursor
// of the next page. Requires CanManageWebhooks.
func (s *Service) EmailDeliveries(ctx context.Context, f store.DeliveryFilter) ([]store.EmailDelivery, int64, error) {
	if err := manager(ctx); err != nil {
		return nil, 0, err
	}
	return s.Store.ListEmailDeliveries(ctx, f)
}

// EventTypes returns the types of the events published so far, for
// administrators choosing what an endpoint receives. Requires
// CanManageWebhooks.
func (s *Service) EventTypes(ctx context.Context) ([]string, error) {
	if err := manager(ctx); err != nil {
		return nil, err
	}
	return s.Store.NotifyEventTypes(ctx)
}
