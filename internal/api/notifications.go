package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/notify"
	"qms/internal/store"
)

// Notification is an in-app notification as the API shows it.
type Notification struct {
	ID        int64               `json:"id"`
	Type      string              `json:"type" doc:"What happened, such as certificate.expiring."`
	Subject   string              `json:"subject"`
	Body      string              `json:"body,omitempty" doc:"Details in plain text, with line breaks."`
	Entity    *NotificationEntity `json:"entity,omitempty" doc:"The record it is about, if any."`
	Link      string              `json:"link,omitempty" doc:"The path of the record's page in the web UI."`
	CreatedAt time.Time           `json:"created_at"`
	ReadAt    *time.Time          `json:"read_at,omitempty" doc:"When it was marked read; absent while unread."`
}

// NotificationEntity names the record a notification is about, as in the audit trail.
type NotificationEntity struct {
	Type string `json:"type"`
	ID   int64  `json:"id"`
}

func notificationOut(n *store.Notification) Notification {
	out := Notification{ID: n.ID, Type: n.Type, Subject: n.Subject, Body: n.Body, Link: n.Link, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
	if n.EntityType != "" {
		out.Entity = &NotificationEntity{Type: n.EntityType, ID: n.EntityID}
	}
	return out
}

type listNotificationsInput struct {
	Unread bool `query:"unread" doc:"Only notifications not read yet."`
	PageParams
}

type listNotificationsOutput struct {
	Body Page[Notification]
}

// UnreadCount is the answer to GET /notifications/unread-count.
type UnreadCount struct {
	Unread int `json:"unread" doc:"How many of your notifications are unread."`
}

type unreadCountOutput struct {
	Body UnreadCount
}

type notificationIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the notification."`
}

// MarkedRead is the answer to POST /notifications/read-all.
type MarkedRead struct {
	Marked int64 `json:"marked" doc:"How many notifications were unread and are now read."`
}

type markedReadOutput struct {
	Body MarkedRead
}

func (a *API) registerNotifications() {
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Notifications",
		Description: "Your own in-app notifications: reminders and changes that concern you. Everyone sees only their own."})
	svc := &notify.Service{Store: a.store}
	tags := []string{"Notifications"}
	Handle(a, huma.Operation{OperationID: "list-notifications", Method: http.MethodGet, Path: "/notifications", Tags: tags,
		Summary: "List your notifications", Description: "Newest first."},
		func(ctx context.Context, in *listNotificationsInput) (*listNotificationsOutput, error) {
			before, err := in.After()
			if err != nil {
				return nil, err
			}
			ns, next, err := svc.Notifications(ctx, store.NotificationFilter{Unread: in.Unread, Before: before, Limit: in.PageLimit()})
			if err != nil {
				return nil, err
			}
			items := make([]Notification, len(ns))
			for i := range ns {
				items[i] = notificationOut(&ns[i])
			}
			return &listNotificationsOutput{Body: NewPage(items, next)}, nil
		})
	Handle(a, huma.Operation{OperationID: "count-unread-notifications", Method: http.MethodGet, Path: "/notifications/unread-count", Tags: tags,
		Summary: "Count your unread notifications", Description: "The number on the bell in the web UI."},
		func(ctx context.Context, _ *struct{}) (*unreadCountOutput, error) {
			n, err := svc.Unread(ctx)
			if err != nil {
				return nil, err
			}
			return &unreadCountOutput{Body: UnreadCount{Unread: n}}, nil
		})
	Handle(a, huma.Operation{OperationID: "mark-notification-read", Method: http.MethodPost, Path: "/notifications/{id}/read", Tags: tags,
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
		Summary: "Mark a notification read", Description: "One of your own; another user's notification is not found. Marking it again changes nothing."},
		func(ctx context.Context, in *notificationIDInput) (*struct{}, error) {
			return &struct{}{}, svc.MarkRead(ctx, in.ID)
		})
	Handle(a, huma.Operation{OperationID: "mark-all-notifications-read", Method: http.MethodPost, Path: "/notifications/read-all", Tags: tags,
		Summary: "Mark all your notifications read"},
		func(ctx context.Context, _ *struct{}) (*markedReadOutput, error) {
			n, err := svc.MarkAllRead(ctx)
			if err != nil {
				return nil, err
			}
			return &markedReadOutput{Body: MarkedRead{Marked: n}}, nil
		})
}
