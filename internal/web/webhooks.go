package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qms/internal/notify"
	"qms/internal/qms"
	"qms/internal/store"
)

const deliveriesPerPage = 50

type webhookListPage struct {
	layout
	Webhooks []store.Webhook
}

func (*webhookListPage) template() string { return "webhooks" }

// webhookList lists the webhook endpoints.
func (u *UI) webhookList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	hooks, err := u.notifications().Webhooks(r.Context())
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, &webhookListPage{layout: layout{Title: "Webhooks"}, Webhooks: hooks})
	return nil
}

type webhookPage struct {
	layout
	Webhook    *store.Webhook // nil on the new-webhook form
	Form       webhookForm
	Errors     map[string]string
	Problem    string
	Secret     *secret // shown once, after creation or rotation
	Known      []string
	Deliveries []store.WebhookDelivery
	Status     string   // the delivery log's status filter
	Statuses   []string // its choices
	NextURL    string
	FirstURL   string
}

func (*webhookPage) template() string { return "webhook" }

// webhookForm holds the webhook form as typed.
type webhookForm struct {
	URL, Description, EventTypes, Reason, Version string
	Active                                        bool
}

func webhookFormOf(h *store.Webhook) webhookForm {
	return webhookForm{URL: h.URL, Description: h.Description, EventTypes: strings.Join(h.EventTypes, "\n"),
		Active: h.Active, Version: strconv.FormatInt(h.Version, 10)}
}

func postedWebhookForm(r *http.Request) webhookForm {
	v := r.PostForm
	return webhookForm{URL: v.Get("url"), Description: v.Get("description"), EventTypes: v.Get("event_types"),
		Reason: v.Get("reason"), Version: v.Get("version"), Active: v.Get("active") != ""}
}

func (f webhookForm) input() notify.WebhookInput {
	return notify.WebhookInput{URL: f.URL, Description: f.Description, EventTypes: notify.SplitPatterns(f.EventTypes), Active: f.Active}
}

func webhookPath(id int64) string { return "/webhooks/" + strconv.FormatInt(id, 10) }

// webhookNew shows the form for a new endpoint.
func (u *UI) webhookNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	known, err := u.notifications().EventTypes(r.Context())
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, &webhookPage{layout: layout{Title: "New webhook"}, Form: webhookForm{Active: true}, Known: known})
	return nil
}

// webhookCreate adds an endpoint and shows its secret once.
func (u *UI) webhookCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := postedWebhookForm(r)
	hook, sec, err := u.notifications().CreateWebhook(r.Context(), f.input())
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		known, _ := u.notifications().EventTypes(r.Context())
		u.render(w, r, code, &webhookPage{layout: layout{Title: "New webhook"}, Form: f, Errors: fields, Problem: msg, Known: known})
		return nil
	}
	return u.showWebhook(w, r, hook.ID, http.StatusCreated, func(p *webhookPage) {
		p.Secret = &secret{Label: "The signing secret of this webhook:", Value: sec}
		p.Flash = &flash{Kind: "success", Message: "Webhook created. Give the secret to the receiving system so that it can check the X-QMS-Signature header."}
	})
}

// showWebhook renders an endpoint's page with its delivery log, after edit
// has adjusted the page.
func (u *UI) showWebhook(w http.ResponseWriter, r *http.Request, id int64, code int, edit func(p *webhookPage)) error {
	svc := u.notifications()
	hook, err := svc.Webhook(r.Context(), id)
	if err != nil {
		return err
	}
	p := &webhookPage{layout: layout{Title: "Webhook " + strconv.FormatInt(id, 10)}, Webhook: hook, Form: webhookFormOf(hook),
		Statuses: []string{store.DeliveryPending, store.DeliverySucceeded, store.DeliveryFailed, store.DeliverySkipped}}
	p.Status = r.Form.Get("status")
	switch p.Status {
	case "", store.DeliveryPending, store.DeliverySucceeded, store.DeliveryFailed, store.DeliverySkipped:
	default:
		return qms.Errorf(qms.KindInvalid, "The status filter must be pending, succeeded, failed or skipped.")
	}
	before, _ := strconv.ParseInt(r.Form.Get("before"), 10, 64)
	var next int64
	p.Deliveries, next, err = svc.Deliveries(r.Context(), store.DeliveryFilter{WebhookID: id, Status: p.Status, Before: before, Limit: deliveriesPerPage})
	if err != nil {
		return err
	}
	if p.Known, err = svc.EventTypes(r.Context()); err != nil {
		return err
	}
	filter := url.Values{}
	if p.Status != "" {
		filter.Set("status", p.Status)
	}
	if next != 0 {
		v := cloneValues(filter)
		v.Set("before", strconv.FormatInt(next, 10))
		p.NextURL = webhookPath(id) + "?" + v.Encode() + "#deliveries"
	}
	if before != 0 {
		p.FirstURL = webhookPath(id) + "?" + filter.Encode() + "#deliveries"
	}
	if edit != nil {
		edit(p)
	}
	u.render(w, r, code, p)
	return nil
}

// webhookShow shows an endpoint: its settings and its delivery log.
func (u *UI) webhookShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return u.showWebhook(w, r, id, http.StatusOK, nil)
}

// webhookUpdate saves the endpoint form; a stale version or bad input
// re-renders it with the messages.
func (u *UI) webhookUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := postedWebhookForm(r)
	version, _ := strconv.ParseInt(f.Version, 10, 64)
	if _, err := u.notifications().UpdateWebhook(r.Context(), id, f.input(), version, f.Reason); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showWebhook(w, r, id, code, func(p *webhookPage) { p.Form, p.Errors, p.Problem = f, fields, msg })
	}
	u.redirect(w, r, webhookPath(id), "success", "Webhook saved.")
	return nil
}

// webhookRotate gives an endpoint a new secret and shows it once.
func (u *UI) webhookRotate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	reason := r.PostForm.Get("reason")
	bad := qms.Problems{}
	qms.CheckText(bad, "reason", reason, maxReason)
	if err := bad.Err(); err != nil {
		return err
	}
	sec, err := u.notifications().RotateWebhookSecret(r.Context(), id, reason)
	if err != nil {
		return err
	}
	return u.showWebhook(w, r, id, http.StatusOK, func(p *webhookPage) {
		p.Secret = &secret{Label: "The new signing secret of this webhook:", Value: sec}
		p.Flash = &flash{Kind: "success", Message: "New secret set. Deliveries from now on are signed with it; the old one no longer verifies."}
	})
}

// webhookTest queues a test delivery.
func (u *UI) webhookTest(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := u.notifications().TestWebhook(r.Context(), id); err != nil {
		return err
	}
	u.redirect(w, r, webhookPath(id)+"#deliveries", "success", "A test delivery (event type ping) is on its way; its outcome appears in the delivery log.")
	return nil
}

// webhookDelete removes an endpoint with its delivery log.
func (u *UI) webhookDelete(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	reason := r.PostForm.Get("reason")
	bad := qms.Problems{}
	qms.CheckText(bad, "reason", reason, maxReason)
	if err := bad.Err(); err != nil {
		return err
	}
	if err := u.notifications().DeleteWebhook(r.Context(), id, reason); err != nil {
		return err
	}
	u.redirect(w, r, "/webhooks", "success", "Webhook deleted.")
	return nil
}

type outboxPage struct {
	layout
	Emails   []store.EmailDelivery
	Status   string
	Statuses []string
	NextURL  string
	FirstURL string
}

func (*outboxPage) template() string { return "outbox" }

// emailOutbox shows the e-mails qms sent, is sending, skipped or failed.
func (u *UI) emailOutbox(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p := &outboxPage{layout: layout{Title: "E-mail outbox"}, Status: r.Form.Get("status"),
		Statuses: []string{store.DeliveryPending, store.DeliverySent, store.DeliveryFailed, store.DeliverySkipped}}
	switch p.Status {
	case "", store.DeliveryPending, store.DeliverySent, store.DeliveryFailed, store.DeliverySkipped:
	default:
		return qms.Errorf(qms.KindInvalid, "The status filter must be pending, sent, failed or skipped.")
	}
	before, _ := strconv.ParseInt(r.Form.Get("before"), 10, 64)
	emails, next, err := u.notifications().EmailDeliveries(r.Context(), store.DeliveryFilter{Status: p.Status, Before: before, Limit: deliveriesPerPage})
	if err != nil {
		return err
	}
	p.Emails = emails
	filter := url.Values{}
	if p.Status != "" {
		filter.Set("status", p.Status)
	}
	if next != 0 {
		v := cloneValues(filter)
		v.Set("before", strconv.FormatInt(next, 10))
		p.NextURL = "/email-outbox?" + v.Encode()
	}
	if before != 0 {
		p.FirstURL = "/email-outbox?" + filter.Encode()
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}
