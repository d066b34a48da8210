package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/qms"
	"qms/internal/store"
)

// AuditEvent is one entry of the audit trail.
type AuditEvent struct {
	Seq        int64     `json:"seq" doc:"Position in the chain: 1, 2, 3 ... without gaps."`
	Time       time.Time `json:"time"`
	ActorID    int64     `json:"actor_id" doc:"The user who made the change; 0 for the system."`
	ActorName  string    `json:"actor_name"`
	EntityType string    `json:"entity_type" doc:"The kind of record, e.g. user or api_token."`
	EntityID   string    `json:"entity_id"`
	Action     string    `json:"action" doc:"create, update, void or delete."`
	Before     any       `json:"before" doc:"The record before the change (JSON), null for a creation."`
	After      any       `json:"after" doc:"The record after the change (JSON)."`
	Reason     string    `json:"reason" doc:"The reason given for the change, if any."`
	RequestID  string    `json:"request_id" doc:"The X-Request-Id of the request that made the change."`
	PrevHash   string    `json:"prev_hash" doc:"The hash of the previous event."`
	Hash       string    `json:"hash" doc:"SHA-256 over this event's canonical content and prev_hash."`
}

func auditOut(e *qms.AuditEvent) AuditEvent {
	return AuditEvent{Seq: e.Seq, Time: e.Time, ActorID: e.ActorID, ActorName: e.ActorName, EntityType: e.EntityType,
		EntityID: e.EntityID, Action: e.Action, Before: rawJSON(e.Before), After: rawJSON(e.After), Reason: e.Reason,
		RequestID: e.RequestID, PrevHash: e.PrevHash, Hash: e.Hash}
}

// rawJSON passes stored JSON through unchanged (null when there is none).
func rawJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

type listAuditInput struct {
	EntityType string    `query:"entity_type" maxLength:"100" doc:"Only events about this kind of record, e.g. user."`
	EntityID   string    `query:"entity_id" maxLength:"100" doc:"Only events about the record with this id (with entity_type)."`
	ActorID    int64     `query:"actor_id" minimum:"1" doc:"Only changes made by the user with this id."`
	From       time.Time `query:"from" doc:"Only events at or after this time (RFC 3339)."`
	To         time.Time `query:"to" doc:"Only events before this time (RFC 3339)."`
	PageParams
}

type listAuditOutput struct {
	Body Page[AuditEvent]
}

func (a *API) registerAudit() {
	Handle(a, huma.Operation{OperationID: "list-audit-events", Method: http.MethodGet, Path: "/audit", Tags: []string{"Audit trail"},
		Summary: "List audit events", Description: "Newest first. Admins, quality managers and auditors only."}, a.listAudit)
}

func (a *API) listAudit(ctx context.Context, in *listAuditInput) (*listAuditOutput, error) {
	before, err := in.After()
	if err != nil {
		return nil, err
	}
	if !in.From.IsZero() && !in.To.IsZero() && !in.From.Before(in.To) {
		return nil, Invalid("query.to", "must be after from")
	}
	f := store.AuditFilter{EntityType: in.EntityType, EntityID: in.EntityID, ActorID: in.ActorID,
		From: in.From, To: in.To, Before: before, Limit: in.PageLimit()}
	events, next, err := a.accounts.ListAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	items := make([]AuditEvent, len(events))
	for i := range events {
		items[i] = auditOut(&events[i])
	}
	return &listAuditOutput{Body: NewPage(items, next)}, nil
}
