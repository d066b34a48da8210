package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/notify"
	"qms/internal/store"
)

// Webhook is a webhook endpoint as the API shows it; its secret is shown
// only when it is created or replaced.
type Webhook struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url" doc:"Where deliveries are posted."`
	Description string    `json:"description"`
	EventTypes  []string  `json:"event_types" doc:"The event types it receives: a type (certificate.expiring), a prefix (certificate.*) or * for all."`
	Active      bool      `json:"active" doc:"Inactive endpoints receive nothing but test deliveries."`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version" doc:"Increases with every change; send it back with PATCH."`
}

func webhookOut(w *store.Webhook) Webhook {
	types := w.EventTypes
	if types == nil {
		types = []string{}
	}
	return Webhook{ID: w.ID, URL: w.URL, Description: w.Description, EventTypes: types, Active: w.Active,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt, Version: w.Version}
}

// DeliveryStatus is the state of a webhook delivery.
type DeliveryStatus string

// Schema implements huma.SchemaProvider.
func (DeliveryStatus) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: []any{store.DeliveryPending, store.DeliverySucceeded, store.DeliveryFailed, store.DeliverySkipped},
		Description: "pending (waiting or being retried), succeeded (answered 2xx), failed (gave up), skipped (the endpoint was deactivated)."}
}

// WebhookDelivery is one event sent to one endpoint.
type WebhookDelivery struct {
	ID           int64           `json:"id" doc:"Sent as X-QMS-Delivery; the same on every retry."`
	WebhookID    int64           `json:"webhook_id"`
	EventID      int64           `json:"event_id,omitempty" doc:"The event; absent for test deliveries."`
	EventType    string          `json:"event_type" doc:"Sent as X-QMS-Event; ping for test deliveries."`
	Status       DeliveryStatus  `json:"status"`
	Attempts     int             `json:"attempts"`
	ResponseCode int             `json:"response_code,omitempty" doc:"The HTTP status of the last attempt; absent when no answer came."`
	LastError    string          `json:"last_error,omitempty" doc:"Why the last attempt failed."`
	DurationMS   int64           `json:"duration_ms" doc:"How long the last attempt took, in milliseconds."`
	Payload      json.RawMessage `json:"payload" doc:"The JSON body that is posted and signed."`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	FinishedAt   *time.Time      `json:"finished_at,omitempty"`
}

func deliveryOut(d *store.WebhookDelivery) WebhookDelivery {
	return WebhookDelivery{ID: d.ID, WebhookID: d.WebhookID, EventID: d.EventID, EventType: d.EventType, Status: DeliveryStatus(d.Status),
		Attempts: d.Attempts, ResponseCode: d.ResponseCode, LastError: d.LastError, DurationMS: d.DurationMS, Payload: d.Payload,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, FinishedAt: d.FinishedAt}
}

// EmailDelivery is one notification e-mail in the outbox.
type EmailDelivery struct {
	ID         int64      `json:"id"`
	EventID    int64      `json:"event_id"`
	EventType  string     `json:"event_type"`
	UserID     int64      `json:"user_id" doc:"The recipient."`
	To         string     `json:"to" doc:"The recipient's address when the e-mail was queued."`
	Subject    string     `json:"subject"`
	Status     string     `json:"status" enum:"pending,sent,skipped,failed" doc:"skipped: no SMTP server is configured."`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// WebhookID is the path parameter of the operations on one endpoint.
type WebhookID struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the webhook."`
}

type webhookOutput struct {
	Body Webhook
}

type listWebhooksOutput struct {
	Body Page[Webhook]
}

// CreateWebhookRequest is the body of POST /webhooks.
type CreateWebhookRequest struct {
	URL         string   `json:"url" maxLength:"2000" doc:"An http or https URL without user name or password; link-local and metadata addresses are refused."`
	Description string   `json:"description,omitempty" maxLength:"500"`
	EventTypes  []string `json:"event_types" maxItems:"50" doc:"The event types to send: a type (certificate.expiring), a prefix (certificate.*) or * for all."`
	Active      *bool    `json:"active,omitempty" doc:"Default true."`
}

type createWebhookInput struct {
	Body CreateWebhookRequest
}

// CreateWebhookResponse is the answer to POST /webhooks.
type CreateWebhookResponse struct {
	Webhook Webhook `json:"webhook"`
	Secret  string  `json:"secret" doc:"The signing secret, shown this once: X-QMS-Signature is sha256=<hex HMAC-SHA256 of \"<X-QMS-Timestamp>.<body>\"> keyed with it."`
}

type createWebhookOutput struct {
	Location string `header:"Location"`
	Body     CreateWebhookResponse
}

// UpdateWebhookRequest is the body of PATCH /webhooks/{id}: the fields to
// change (absent: unchanged) and the version the change is based on.
type UpdateWebhookRequest struct {
	URL         *string  `json:"url,omitempty" maxLength:"2000"`
	Description *string  `json:"description,omitempty" maxLength:"500"`
	EventTypes  []string `json:"event_types,omitempty" maxItems:"50"`
	Active      *bool    `json:"active,omitempty"`
	Version     int64    `json:"version" minimum:"1" doc:"The version the change is based on; a stale version gets 409."`
	Reason      string   `json:"reason,omitempty" maxLength:"1000" doc:"Why, for the audit trail."`
}

type updateWebhookInput struct {
	WebhookID
	Body UpdateWebhookRequest
}

type deleteWebhookInput struct {
	WebhookID
	Reason string `query:"reason" maxLength:"1000" doc:"Why, for the audit trail."`
}

type rotateSecretInput struct {
	WebhookID
	Body *ReasonRequest
}

// SecretResponse is the answer to POST /webhooks/{id}/rotate-secret.
type SecretResponse struct {
	Secret string `json:"secret" doc:"The new signing secret, shown this once; the old one stops verifying at once."`
}

type secretOutput struct {
	Body SecretResponse
}

type deliveryOutput struct {
	Body WebhookDelivery
}

type listDeliveriesInput struct {
	WebhookID
	Status DeliveryStatus `query:"status" doc:"Only deliveries with this status."`
	PageParams
}

type listDeliveriesOutput struct {
	Body Page[WebhookDelivery]
}

type listEmailsInput struct {
	Status string `query:"status" enum:"pending,sent,skipped,failed" doc:"Only e-mails with this status."`
	PageParams
}

type listEmailsOutput struct {
	Body Page[EmailDelivery]
}

func (a *API) registerWebhooks() {
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Webhooks",
		Description: "Endpoints that receive events as signed JSON posts, their delivery logs, and the e-mail outbox. Administrators only."})
	svc := &notify.Service{Store: a.store}
	tags := []string{"Webhooks"}
	Handle(a, huma.Operation{OperationID: "list-webhooks", Method: http.MethodGet, Path: "/webhooks", Tags: tags,
		Summary: "List webhooks", Description: "By id, on one page."},
		func(ctx context.Context, _ *struct{}) (*listWebhooksOutput, error) {
			ws, err := svc.Webhooks(ctx)
			if err != nil {
				return nil, err
			}
			items := make([]Webhook, len(ws))
			for i := range ws {
				items[i] = webhookOut(&ws[i])
			}
			return &listWebhooksOutput{Body: NewPage(items, 0)}, nil
		})
	Handle(a, huma.Operation{OperationID: "create-webhook", Method: http.MethodPost, Path: "/webhooks", Tags: tags,
		DefaultStatus: http.StatusCreated,
		Summary:       "Create a webhook", Description: "Returns the signing secret once."},
		func(ctx context.Context, in *createWebhookInput) (*createWebhookOutput, error) {
			b := in.Body
			active := b.Active == nil || *b.Active
			w, secret, err := svc.CreateWebhook(ctx, notify.WebhookInput{URL: b.URL, Description: b.Description, EventTypes: b.EventTypes, Active: active})
			if err != nil {
				return nil, err
			}
			return &createWebhookOutput{Location: Prefix + "/webhooks/" + strconv.FormatInt(w.ID, 10),
				Body: CreateWebhookResponse{Webhook: webhookOut(w), Secret: secret}}, nil
		})
	Handle(a, huma.Operation{OperationID: "get-webhook", Method: http.MethodGet, Path: "/webhooks/{id}", Tags: tags,
		Errors: []int{http.StatusNotFound}, Summary: "Get a webhook"},
		func(ctx context.Context, in *WebhookID) (*webhookOutput, error) {
			w, err := svc.Webhook(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &webhookOutput{Body: webhookOut(w)}, nil
		})
	Handle(a, huma.Operation{OperationID: "update-webhook", Method: http.MethodPatch, Path: "/webhooks/{id}", Tags: tags,
		Errors:  []int{http.StatusNotFound, http.StatusConflict},
		Summary: "Change a webhook", Description: "Send only the fields to change, with the version you read; 409 when someone changed it since."},
		func(ctx context.Context, in *updateWebhookInput) (*webhookOutput, error) {
			b := in.Body
			if err := checkReason("body.reason", b.Reason); err != nil {
				return nil, err
			}
			if b.URL == nil && b.Description == nil && b.EventTypes == nil && b.Active == nil {
				return nil, Invalid("body", "names nothing to change: give at least one of url, description, event_types, active")
			}
			cur, err := svc.Webhook(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			w := notify.WebhookInput{URL: cur.URL, Description: cur.Description, EventTypes: cur.EventTypes, Active: cur.Active}
			if b.URL != nil {
				w.URL = *b.URL
			}
			if b.Description != nil {
				w.Description = *b.Description
			}
			if b.EventTypes != nil {
				w.EventTypes = b.EventTypes
			}
			if b.Active != nil {
				w.Active = *b.Active
			}
			out, err := svc.UpdateWebhook(ctx, in.ID, w, b.Version, b.Reason)
			if err != nil {
				return nil, err
			}
			return &webhookOutput{Body: webhookOut(out)}, nil
		})
	Handle(a, huma.Operation{OperationID: "delete-webhook", Method: http.MethodDelete, Path: "/webhooks/{id}", Tags: tags,
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
		Summary: "Delete a webhook", Description: "Removes the endpoint and its delivery log; deliveries still waiting are dropped."},
		func(ctx context.Context, in *deleteWebhookInput) (*struct{}, error) {
			if err := checkReason("query.reason", in.Reason); err != nil {
				return nil, err
			}
			return &struct{}{}, svc.DeleteWebhook(ctx, in.ID, in.Reason)
		})
	Handle(a, huma.Operation{OperationID: "rotate-webhook-secret", Method: http.MethodPost, Path: "/webhooks/{id}/rotate-secret", Tags: tags,
		Errors:  []int{http.StatusNotFound},
		Summary: "Replace a webhook's secret", Description: "Deliveries from now on are signed with the new secret, returned once."},
		func(ctx context.Context, in *rotateSecretInput) (*secretOutput, error) {
			var reason string
			if in.Body != nil {
				reason = in.Body.Reason
			}
			if err := checkReason("body.reason", reason); err != nil {
				return nil, err
			}
			secret, err := svc.RotateWebhookSecret(ctx, in.ID, reason)
			if err != nil {
				return nil, err
			}
			return &secretOutput{Body: SecretResponse{Secret: secret}}, nil
		})
	Handle(a, huma.Operation{OperationID: "test-webhook", Method: http.MethodPost, Path: "/webhooks/{id}/test", Tags: tags,
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusNotFound},
		Summary: "Send a test delivery", Description: "Queues a ping event to the endpoint, active or not; follow it in the delivery log."},
		func(ctx context.Context, in *WebhookID) (*deliveryOutput, error) {
			d, err := svc.TestWebhook(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &deliveryOutput{Body: deliveryOut(d)}, nil
		})
	Handle(a, huma.Operation{OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/webhooks/{id}/deliveries", Tags: tags,
		Errors: []int{http.StatusNotFound}, Summary: "List a webhook's deliveries", Description: "The delivery log, newest first."},
		func(ctx context.Context, in *listDeliveriesInput) (*listDeliveriesOutput, error) {
			before, err := in.After()
			if err != nil {
				return nil, err
			}
			ds, next, err := svc.Deliveries(ctx, store.DeliveryFilter{WebhookID: in.ID, Status: string(in.Status), Before: before, Limit: in.PageLimit()})
			if err != nil {
				return nil, err
			}
			items := make([]WebhookDelivery, len(ds))
			for i := range ds {
				items[i] = deliveryOut(&ds[i])
			}
			return &listDeliveriesOutput{Body: NewPage(items, next)}, nil
		})
	Handle(a, huma.Operation{OperationID: "list-email-deliveries", Method: http.MethodGet, Path: "/email-deliveries", Tags: tags,
		Summary: "List notification e-mails", Description: "The e-mail outbox, newest first."},
		func(ctx context.Context, in *listEmailsInput) (*listEmailsOutput, error) {
			before, err := in.After()
			if err != nil {
				return nil, err
			}
			es, next, err := svc.EmailDeliveries(ctx, store.DeliveryFilter{Status: in.Status, Before: before, Limit: in.PageLimit()})
			if err != nil {
				return nil, err
			}
			items := make([]EmailDelivery, len(es))
			for i, e := range es {
				items[i] = EmailDelivery{ID: e.ID, EventID: e.EventID, EventType: e.EventType, UserID: e.UserID, To: e.To, Subject: e.Subject,
					Status: e.Status, Attempts: e.Attempts, LastError: e.LastError, CreatedAt: e.CreatedAt, FinishedAt: e.FinishedAt}
			}
			return &listEmailsOutput{Body: NewPage(items, next)}, nil
		})
}
