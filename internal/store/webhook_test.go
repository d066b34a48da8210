package store_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := qmCtx()
		const secret = "whsec_0123456789abcdef"
		w := &store.Webhook{URL: "https://erp.example.com/hooks/qms?src=质量", Description: "ERP 集成", EventTypes: []string{"certificate.*", "ncr.created"}, Active: true}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateWebhook(w, secret) })
		off := &store.Webhook{URL: "https://old.example.com/", EventTypes: []string{"*"}}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateWebhook(off, "whsec_other") })

		got, err := s.Webhook(ctx, w.ID)
		if err != nil || got.URL != w.URL || got.Description != "ERP 集成" || fmt.Sprint(got.EventTypes) != "[certificate.* ncr.created]" ||
			!got.Active || got.Version != 1 {
			t.Fatalf("Webhook = %+v, %v", got, err)
		}
		if sec, err := s.WebhookSecret(ctx, w.ID); err != nil || sec != secret {
			t.Errorf("WebhookSecret = %q, %v", sec, err)
		}
		all, err := s.ListWebhooks(ctx)
		if err != nil || len(all) != 2 || all[1].Active {
			t.Errorf("ListWebhooks = %+v, %v", all, err)
		}
		var active []store.Webhook
		update(t, s, ctx, func(tx *store.Tx) (err error) { active, err = tx.ActiveWebhooks(); return })
		if len(active) != 1 || active[0].ID != w.ID {
			t.Errorf("ActiveWebhooks = %+v", active)
		}

		// Changes need the current version.
		change := &store.Webhook{ID: w.ID, URL: "https://erp.example.com/v2", EventTypes: []string{"*"}, Active: false}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.UpdateWebhook(change, 1, "new ERP") })
		if change.Version != 2 || change.Active || change.URL != "https://erp.example.com/v2" {
			t.Errorf("after update: %+v", change)
		}
		stale := &store.Webhook{ID: w.ID, URL: "https://x.example.com", EventTypes: []string{"*"}}
		wantKind(t, "stale update", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateWebhook(stale, 1, "") }), qms.KindConflict)
		wantKind(t, "update unknown", s.Update(ctx, func(tx *store.Tx) error {
			return tx.UpdateWebhook(&store.Webhook{ID: 99999, EventTypes: []string{"*"}}, 1, "")
		}), qms.KindNotFound)

		update(t, s, ctx, func(tx *store.Tx) error { return tx.SetWebhookSecret(w.ID, "whsec_rotated", "leaked") })
		if sec, _ := s.WebhookSecret(ctx, w.ID); sec != "whsec_rotated" {
			t.Errorf("secret after rotation = %q", sec)
		}

		// The audit trail has every change, never a secret.
		evs := auditOf(t, s, "webhook", w.ID)
		if len(evs) != 3 || evs[0].Reason != "leaked" || evs[1].Reason != "new ERP" || evs[2].Action != qms.ActionCreate {
			t.Fatalf("audit = %+v", evs)
		}
		for _, e := range evs {
			if strings.Contains(string(e.Before)+string(e.After), "whsec_") {
				t.Errorf("a secret reached the audit trail: %s %s", e.Before, e.After)
			}
		}

		// Deleting removes the deliveries too.
		d := &store.WebhookDelivery{WebhookID: w.ID, EventType: "ping", Payload: json.RawMessage(`{}`)}
		update(t, s, ctx, func(tx *store.Tx) error { _, err := tx.InsertWebhookDelivery(d); return err })
		update(t, s, ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(w.ID, "retired") })
		_, err = s.Webhook(ctx, w.ID)
		wantKind(t, "deleted webhook", err, qms.KindNotFound)
		_, err = s.WebhookDelivery(ctx, d.ID)
		wantKind(t, "delivery of a deleted webhook", err, qms.KindNotFound)
		if evs := auditOf(t, s, "webhook", w.ID); evs[0].Action != qms.ActionDelete || evs[0].Reason != "retired" {
			t.Errorf("delete audit = %+v", evs[0])
		}
		wantKind(t, "delete twice", s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteWebhook(w.ID, "") }), qms.KindNotFound)
		checkAudit(t, s)
	})
}

func TestWebhookDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := qmCtx()
		a := &store.Webhook{URL: "https://a.example.com", EventTypes: []string{"*"}, Active: true}
		b := &store.Webhook{URL: "https://b.example.com", EventTypes: []string{"*"}, Active: true}
		update(t, s, ctx, func(tx *store.Tx) error {
			if err := tx.CreateWebhook(a, "s1"); err != nil {
				return err
			}
			return tx.CreateWebhook(b, "s2")
		})
		e := &store.NotifyEvent{Type: "ncr.created", Subject: "NCR 12"}
		insertEvent(t, s, e)
		payload := json.RawMessage(`{"id":1,"subject":"不合格品 12"}`)
		insert := func(d *store.WebhookDelivery) bool {
			t.Helper()
			var created bool
			update(t, s, ctx, func(tx *store.Tx) (err error) { created, err = tx.InsertWebhookDelivery(d); return })
			return created
		}
		first := &store.WebhookDelivery{WebhookID: a.ID, EventID: e.ID, EventType: e.Type, Payload: payload}
		if !insert(first) || insert(&store.WebhookDelivery{WebhookID: a.ID, EventID: e.ID, EventType: e.Type, Payload: payload}) {
			t.Fatal("one event must give one delivery per endpoint")
		}
		if !insert(&store.WebhookDelivery{WebhookID: b.ID, EventID: e.ID, EventType: e.Type, Payload: payload}) {
			t.Fatal("the same event to another endpoint was refused")
		}
		// Test deliveries have no event; each is stored.
		p1 := &store.WebhookDelivery{WebhookID: a.ID, EventType: "ping", Payload: json.RawMessage(`{}`)}
		p2 := &store.WebhookDelivery{WebhookID: a.ID, EventType: "ping", Payload: json.RawMessage(`{}`)}
		if !insert(p1) || !insert(p2) {
			t.Fatal("test deliveries were refused")
		}
		got, err := s.WebhookDelivery(ctx, first.ID)
		if err != nil || got.Status != store.DeliveryPending || string(got.Payload) != string(payload) || got.EventID != e.ID || got.Attempts != 0 {
			t.Fatalf("WebhookDelivery = %+v, %v", got, err)
		}
		if err := s.RecordWebhookAttempt(ctx, first.ID, store.WebhookAttempt{Status: store.DeliveryPending, ResponseCode: 500,
			Error: "the endpoint answered 500 Internal Server Error: 服务器错误 \x00\xff", Duration: 1500 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordWebhookAttempt(ctx, first.ID, store.WebhookAttempt{Status: store.DeliverySucceeded, ResponseCode: 204, Duration: 12 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.WebhookDelivery(ctx, first.ID)
		if got.Status != store.DeliverySucceeded || got.Attempts != 2 || got.ResponseCode != 204 || got.DurationMS != 12 || got.LastError != "" || got.FinishedAt == nil {
			t.Errorf("after two attempts: %+v", got)
		}
		if err := s.RecordWebhookAttempt(ctx, p1.ID, store.WebhookAttempt{Status: store.DeliveryFailed, Error: "服务器错误 \x00\xff"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.WebhookDelivery(ctx, p1.ID); got.Status != store.DeliveryFailed || got.LastError != "服务器错误 " {
			t.Errorf("failed delivery = %+v (the error text must lose NUL and invalid UTF-8)", got)
		}
		// The log of one endpoint, newest first, in pages.
		log, next, err := s.ListWebhookDeliveries(ctx, store.DeliveryFilter{WebhookID: a.ID, Limit: 2})
		if err != nil || len(log) != 2 || log[0].ID != p2.ID || log[1].ID != p1.ID || next != p1.ID {
			t.Fatalf("first page = %+v, %d, %v", log, next, err)
		}
		log, next, err = s.ListWebhookDeliveries(ctx, store.DeliveryFilter{WebhookID: a.ID, Limit: 2, Before: next})
		if err != nil || len(log) != 1 || log[0].ID != first.ID || next != 0 {
			t.Errorf("second page = %+v, %d, %v", log, next, err)
		}
		failed, _, err := s.ListWebhookDeliveries(ctx, store.DeliveryFilter{WebhookID: a.ID, Status: store.DeliveryFailed})
		if err != nil || len(failed) != 1 || failed[0].ID != p1.ID {
			t.Errorf("failed = %+v, %v", failed, err)
		}
		if log, _, _ := s.ListWebhookDeliveries(ctx, store.DeliveryFilter{WebhookID: b.ID}); len(log) != 1 {
			t.Errorf("endpoint b has %d deliveries, want 1", len(log))
		}
	})
}
