package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"qms/internal/notify"
	"qms/internal/qms"
	"qms/internal/store"
)

// registerNotifications adds the notification pages (every signed-in user,
// their own notifications) and the webhook administration (webhooks.go).
func (u *UI) registerNotifications(mux *http.ServeMux) {
	mux.Handle("GET /notifications", u.guard(signedIn, u.notificationList))
	mux.Handle("POST /notifications/read-all", u.guard(signedIn, u.notificationsReadAll))
	mux.Handle("POST /notifications/{id}/read", u.guard(signedIn, u.notificationRead))
	mux.Handle("POST /notifications/{id}/open", u.guard(signedIn, u.notificationOpen))

	mux.Handle("GET /webhooks", u.guard(qms.CanManageWebhooks, u.webhookList))
	mux.Handle("GET /webhooks/new", u.guard(qms.CanManageWebhooks, u.webhookNew))
	mux.Handle("POST /webhooks", u.guard(qms.CanManageWebhooks, u.webhookCreate))
	mux.Handle("GET /webhooks/{id}", u.guard(qms.CanManageWebhooks, u.webhookShow))
	mux.Handle("POST /webhooks/{id}", u.guard(qms.CanManageWebhooks, u.webhookUpdate))
	mux.Handle("POST /webhooks/{id}/secret", u.guard(qms.CanManageWebhooks, u.webhookRotate))
	mux.Handle("POST /webhooks/{id}/test", u.guard(qms.CanManageWebhooks, u.webhookTest))
	mux.Handle("POST /webhooks/{id}/delete", u.guard(qms.CanManageWebhooks, u.webhookDelete))
	mux.Handle("GET /email-outbox", u.guard(qms.CanManageWebhooks, u.emailOutbox))
}

// notifications returns the notification operations over the UI's store.
func (u *UI) notifications() *notify.Service { return &notify.Service{Store: u.account.Store} }

// unread is the count on the bell in the layout: the signed-in user's
// unread notifications, or 0 when there is no user or it cannot be read
// (the page is still worth showing).
func (u *UI) unread(ctx context.Context, a qms.Actor) int {
	if u.account == nil || a.UserID == 0 {
		return 0
	}
	n, err := u.notifications().Unread(ctx)
	if err != nil {
		u.log.Warn("count unread notifications", "err", err, "user_id", a.UserID, "request_id", qms.RequestID(ctx))
		return 0
	}
	return n
}

const notificationsPerPage = 50

type notificationsPage struct {
	layout
	Items      []store.Notification
	UnreadOnly bool
	NextURL    string // older notifications, "" when there are none
	FirstURL   string // the newest, "" on the first page
}

func (*notificationsPage) template() string { return "notifications" }

// notificationList shows the signed-in user's notifications, newest first.
func (u *UI) notificationList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p := &notificationsPage{layout: layout{Title: "Notifications"}, UnreadOnly: r.Form.Get("unread") == "1"}
	before, _ := strconv.ParseInt(r.Form.Get("before"), 10, 64)
	items, next, err := u.notifications().Notifications(r.Context(), store.NotificationFilter{Unread: p.UnreadOnly, Before: before, Limit: notificationsPerPage})
	if err != nil {
		return err
	}
	p.Items = items
	filter := url.Values{}
	if p.UnreadOnly {
		filter.Set("unread", "1")
	}
	if next != 0 {
		v := cloneValues(filter)
		v.Set("before", strconv.FormatInt(next, 10))
		p.NextURL = "/notifications?" + v.Encode()
	}
	if before != 0 {
		p.FirstURL = "/notifications?" + filter.Encode()
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// notificationRead marks a notification read and returns to the list.
func (u *UI) notificationRead(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := u.notifications().MarkRead(r.Context(), id); err != nil {
		return err
	}
	u.redirect(w, r, localPath(r.PostForm.Get("next"), "/notifications"), "", "")
	return nil
}

// notificationOpen marks a notification read and goes to the record it is
// about (or back to the list when it links nowhere).
func (u *UI) notificationOpen(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	svc := u.notifications()
	n, err := svc.Notification(r.Context(), id)
	if err != nil {
		return err
	}
	if err := svc.MarkRead(r.Context(), id); err != nil {
		return err
	}
	u.redirect(w, r, localPath(n.Link, "/notifications"), "", "")
	return nil
}

// notificationsReadAll marks all the user's notifications read.
func (u *UI) notificationsReadAll(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	n, err := u.notifications().MarkAllRead(r.Context())
	if err != nil {
		return err
	}
	msg := "No unread notifications."
	switch {
	case n == 1:
		msg = "1 notification marked as read."
	case n > 1:
		msg = strconv.FormatInt(n, 10) + " notifications marked as read."
	}
	u.redirect(w, r, "/notifications", "success", msg)
	return nil
}
