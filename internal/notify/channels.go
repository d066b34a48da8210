package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"qms/internal/config"
	"qms/internal/jobs"
	"qms/internal/qms"
	"qms/internal/store"
)

// Channels delivers what Publish queued: the e-mail and webhook jobs.
type Channels struct {
	Store   *store.Store
	Mailer  Mailer       // nil: e-mail is off and e-mails are recorded as skipped
	HTTP    *http.Client // posts webhooks; NewWebhookClient
	BaseURL string       // prefixes links in e-mails; "" leaves them out
	Log     *slog.Logger
}

// New returns the channels the settings describe. Returns an error naming
// the setting when they do not fit together.
func New(st *store.Store, c config.Notify, log *slog.Logger) (*Channels, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ch := &Channels{Store: st, HTTP: NewWebhookClient(c.WebhookAllowLoopback), BaseURL: c.BaseURL, Log: log}
	m, err := NewSMTP(c)
	if err != nil {
		return nil, err
	}
	if m != nil {
		ch.Mailer = m
		log.Info("e-mail notifications on", "smtp", m.Host+":"+strconv.Itoa(m.Port), "tls", m.TLS, "from", m.From.Address)
	} else {
		log.Info("e-mail notifications off: set QMS_SMTP_HOST and QMS_SMTP_FROM to send them")
	}
	return ch, nil
}

// KindCleanup is the daily job that removes old notifications and
// delivery logs.
const KindCleanup = "notify.cleanup"

// What the daily clean-up keeps: unread notifications always, read ones
// for a year; deliveries still pending always, finished ones for 90 days.
// Events are never removed: their keys stop reminders from being sent
// again.
const (
	KeepReadNotifications = 365 * 24 * time.Hour
	KeepDeliveries        = 90 * 24 * time.Hour
)

// Register installs the delivery handlers and the daily clean-up on r.
func (c *Channels) Register(r *jobs.Runner) {
	r.Handle(KindEmail, c.sendEmail)
	r.Handle(KindWebhook, c.sendWebhook)
	r.Handle(KindCleanup, c.cleanup)
	r.Every(KindCleanup, 24*time.Hour, nil)
}

// cleanup is the handler of KindCleanup.
func (c *Channels) cleanup(ctx context.Context, j *store.Job) error {
	now := c.Store.Now()
	n, e, w, err := c.Store.DeleteOldNotifications(ctx, now.Add(-KeepReadNotifications), now.Add(-KeepDeliveries))
	if err != nil {
		return err
	}
	c.log().Info("cleaned up notifications", "read_notifications", n, "emails", e, "webhook_deliveries", w)
	return nil
}

func (c *Channels) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}

func deliveryID(j *store.Job) (int64, error) {
	var d delivery
	if err := json.Unmarshal(j.Payload, &d); err != nil || d.ID <= 0 {
		return 0, jobs.Permanent(fmt.Errorf("job %d: payload %s names no delivery", j.ID, j.Payload))
	}
	return d.ID, nil
}

// lastAttempt reports whether a failure of j's current attempt is final.
func lastAttempt(j *store.Job) bool { return j.Attempts >= j.MaxAttempts }

// sendEmail is the handler of KindEmail.
func (c *Channels) sendEmail(ctx context.Context, j *store.Job) error {
	id, err := deliveryID(j)
	if err != nil {
		return err
	}
	d, err := c.Store.EmailDelivery(ctx, id)
	if qms.ErrorKind(err) == qms.KindNotFound {
		return nil // nothing left to do
	}
	if err != nil {
		return err
	}
	if d.Status != store.DeliveryPending {
		return nil // an earlier run got as far as recording the outcome
	}
	if c.Mailer == nil {
		return c.Store.RecordEmailAttempt(ctx, id, store.DeliverySkipped, "e-mail is off: QMS_SMTP_HOST is not set")
	}
	ev, err := c.Store.NotifyEvent(ctx, d.EventID)
	if err != nil {
		return err
	}
	msg := &Message{To: mail.Address{Name: d.ToName, Address: d.To}, Subject: ev.Subject, Body: c.emailBody(ev),
		MessageID: fmt.Sprintf("qms-notification-%d-%d@%s", ev.ID, d.ID, c.messageDomain()), EventType: ev.Type}
	sendErr := c.Mailer.Send(ctx, msg)
	if sendErr == nil {
		return c.Store.RecordEmailAttempt(ctx, id, store.DeliverySent, "")
	}
	final := isPermanent(sendErr) || lastAttempt(j)
	status := store.DeliveryPending
	if final {
		status = store.DeliveryFailed
	}
	if err := c.Store.RecordEmailAttempt(ctx, id, status, sendErr.Error()); err != nil {
		return errors.Join(sendErr, err)
	}
	if final {
		return jobs.Permanent(sendErr)
	}
	return sendErr
}

// messageDomain is the domain of Message-IDs: the sender's.
func (c *Channels) messageDomain() string {
	if m, ok := c.Mailer.(*SMTP); ok {
		return domainOf(m.From.Address)
	}
	return "qms.invalid"
}

// emailBody is the text of an event's e-mail: the body (or the subject),
// the link to the record, and why the recipient gets it.
func (c *Channels) emailBody(e *store.NotifyEvent) string {
	var b strings.Builder
	if e.Body != "" {
		b.WriteString(strings.TrimRight(e.Body, "\n") + "\n")
	} else {
		b.WriteString(e.Subject + "\n")
	}
	if c.BaseURL != "" && e.Link != "" {
		b.WriteString("\nOpen in qms: " + c.BaseURL + e.Link + "\n")
	}
	b.WriteString("\n-- \nqms sent this message automatically because you are a user of qms; replies are not read.\n")
	if c.BaseURL != "" {
		b.WriteString("Your notifications: " + c.BaseURL + "/notifications\n")
	}
	return b.String()
}

// sendWebhook is the handler of KindWebhook.
func (c *Channels) sendWebhook(ctx context.Context, j *store.Job) error {
	id, err := deliveryID(j)
	if err != nil {
		return err
	}
	d, err := c.Store.WebhookDelivery(ctx, id)
	if qms.ErrorKind(err) == qms.KindNotFound {
		return nil // the endpoint was deleted with its log
	}
	if err != nil {
		return err
	}
	if d.Status != store.DeliveryPending {
		return nil
	}
	w, err := c.Store.Webhook(ctx, d.WebhookID)
	if qms.ErrorKind(err) == qms.KindNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if !w.Active {
		return c.Store.RecordWebhookAttempt(ctx, id, store.WebhookAttempt{Status: store.DeliverySkipped, Error: "the webhook was deactivated before the delivery was sent"})
	}
	secret, err := c.Store.WebhookSecret(ctx, w.ID)
	if err != nil {
		return err
	}
	client := c.HTTP
	if client == nil {
		client = NewWebhookClient(false)
	}
	r := post(ctx, client, w.URL, secret, d.EventType, d.ID, d.Payload, c.Store.Now())
	a := store.WebhookAttempt{Status: store.DeliverySucceeded, ResponseCode: r.code, Duration: r.duration}
	if r.err == nil {
		return c.Store.RecordWebhookAttempt(ctx, id, a)
	}
	final := r.permanent || lastAttempt(j)
	a.Status, a.Error = store.DeliveryPending, r.err.Error()
	if final {
		a.Status = store.DeliveryFailed
	}
	if err := c.Store.RecordWebhookAttempt(ctx, id, a); err != nil {
		return errors.Join(r.err, err)
	}
	c.log().Debug("webhook delivery failed", "webhook", w.ID, "delivery", d.ID, "attempt", j.Attempts, "final", final, "err", r.err)
	if final {
		return jobs.Permanent(r.err)
	}
	return r.err
}
