package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// insertEvent stores an event in a transaction of its own.
func insertEvent(t *testing.T, s *store.Store, e *store.NotifyEvent) bool {
	t.Helper()
	var created bool
	update(t, s, qmCtx(), func(tx *store.Tx) (err error) {
		created, err = tx.InsertNotifyEvent(e)
		return err
	})
	return created
}

func TestNotifyEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := &store.NotifyEvent{Key: "certificate:42:expiry:30d", Type: "certificate.expiring", Subject: "宁波华美 ISO 9001 证书 30 天后到期",
			Body: "Chứng chỉ của Công ty TNHH May Việt Tiến\nexpires on 2027-01-31", EntityType: "certificate", EntityID: 42,
			Link: "/certificates/42", Data: json.RawMessage(`{"days":30,"name":"华美"}`)}
		if !insertEvent(t, s, e) || e.ID == 0 {
			t.Fatalf("first insert: id %d", e.ID)
		}
		again := &store.NotifyEvent{Key: e.Key, Type: e.Type, Subject: "another subject"}
		if insertEvent(t, s, again) {
			t.Fatal("an event with a key already used was stored again")
		}
		got, err := s.NotifyEvent(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != e.Subject || got.Body != e.Body || got.Key != e.Key || got.EntityID != 42 || string(got.Data) != `{"days":30,"name":"华美"}` ||
			got.ActorID != qmActor.UserID || got.ActorName != qmActor.Name || !got.CreatedAt.Equal(e.CreatedAt) {
			t.Errorf("event did not round-trip:\n got %+v\nwant %+v", got, e)
		}
		if byKey, err := s.NotifyEventByKey(ctx, e.Key); err != nil || byKey.ID != e.ID {
			t.Errorf("NotifyEventByKey = %+v, %v", byKey, err)
		}
		_, err = s.NotifyEventByKey(ctx, "no such key")
		wantKind(t, "unknown key", err, qms.KindNotFound)
		_, err = s.NotifyEvent(ctx, 999999)
		wantKind(t, "unknown event", err, qms.KindNotFound)

		// Events without a key are all stored; a rolled-back one is not.
		a, b := &store.NotifyEvent{Type: "ncr.created", Subject: "NCR 1"}, &store.NotifyEvent{Type: "ncr.created", Subject: "NCR 2"}
		if !insertEvent(t, s, a) || !insertEvent(t, s, b) || a.ID == b.ID || string(a.Data) != "{}" {
			t.Fatalf("events without key: %+v %+v", a, b)
		}
		boom := errors.New("boom")
		err = s.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.InsertNotifyEvent(&store.NotifyEvent{Key: "rolled-back", Type: "capa.closed", Subject: "x"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		_, err = s.NotifyEventByKey(ctx, "rolled-back")
		wantKind(t, "rolled-back event", err, qms.KindNotFound)
		// The key of a rolled-back event is free again.
		if !insertEvent(t, s, &store.NotifyEvent{Key: "rolled-back", Type: "capa.closed", Subject: "x"}) {
			t.Error("the key of a rolled-back event could not be used")
		}
		types, err := s.NotifyEventTypes(ctx)
		if err != nil || fmt.Sprint(types) != "[capa.closed certificate.expiring ncr.created]" {
			t.Errorf("NotifyEventTypes = %v, %v", types, err)
		}
	})
}

func TestNotifyRecipients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		qm1 := createUser(t, s, "qm1@example.com", "张伟", qms.RoleQualityManager)
		qm2 := createUser(t, s, "qm2@example.com", "Nguyễn Thị Hoa", qms.RoleQualityManager)
		insp := createUser(t, s, "insp@example.com", "Inspector", qms.RoleInspector)
		viewer := createUser(t, s, "viewer@example.com", "Viewer", qms.RoleViewer)
		off := createUser(t, s, "off@example.com", "Gone", qms.RoleQualityManager)
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.SetUserDisabled(off.ID, true, "left") })
		for _, c := range []struct {
			ids   []int64
			roles []qms.Role
			want  []int64
		}{
			{nil, nil, nil},
			{[]int64{insp.ID}, nil, []int64{insp.ID}},
			{nil, []qms.Role{qms.RoleQualityManager}, []int64{qm1.ID, qm2.ID}},
			{[]int64{viewer.ID, qm1.ID, off.ID, 99999}, []qms.Role{qms.RoleQualityManager, qms.RoleInspector}, []int64{qm1.ID, qm2.ID, insp.ID, viewer.ID}},
		} {
			var got []int64
			find := func(tx *store.Tx) error {
				us, err := tx.NotifyRecipients(c.ids, c.roles)
				for _, u := range us {
					got = append(got, u.ID)
				}
				return err
			}
			update(t, s, context.Background(), find)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("NotifyRecipients(%v, %v) = %v, want %v", c.ids, c.roles, got, c.want)
			}
		}
	})
}

func TestNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := createUser(t, s, "ann@example.com", "Ann", qms.RoleQualityManager)
		bob := createUser(t, s, "bob@example.com", "Bob", qms.RoleInspector)
		var ids []int64
		for i := range 5 {
			e := &store.NotifyEvent{Type: "certificate.expiring", Subject: fmt.Sprintf("证书 %d 到期", i), EntityType: "certificate", EntityID: int64(i), Link: "/certificates/1"}
			insertEvent(t, s, e)
			update(t, s, ctx, func(tx *store.Tx) error {
				id, created, err := tx.InsertNotification(e.ID, ann.ID)
				if err != nil || !created {
					return fmt.Errorf("insert: %v %v", created, err)
				}
				ids = append(ids, id)
				if i%2 == 0 {
					_, _, err = tx.InsertNotification(e.ID, bob.ID)
				}
				// A second notification of one event to one user is not added.
				if _, created, err := tx.InsertNotification(e.ID, ann.ID); err != nil || created {
					return fmt.Errorf("duplicate insert: %v %v", created, err)
				}
				return err
			})
		}
		count := func(u int64) int {
			t.Helper()
			n, err := s.CountUnread(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count(ann.ID) != 5 || count(bob.ID) != 3 {
			t.Fatalf("unread: ann %d, bob %d; want 5, 3", count(ann.ID), count(bob.ID))
		}
		// Pages of two, newest first.
		var seen []int64
		var before int64
		for page := 0; ; page++ {
			ns, next, err := s.ListNotifications(ctx, store.NotificationFilter{UserID: ann.ID, Before: before, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				if n.UserID != ann.ID || n.Type != "certificate.expiring" || n.ReadAt != nil || n.Link != "/certificates/1" {
					t.Errorf("notification %+v", n)
				}
				seen = append(seen, n.ID)
			}
			if next == 0 {
				break
			}
			if page > 5 {
				t.Fatal("paging does not end")
			}
			before = next
		}
		if fmt.Sprint(seen) != fmt.Sprint([]int64{ids[4], ids[3], ids[2], ids[1], ids[0]}) {
			t.Errorf("listed %v, want %v newest first", seen, ids)
		}
		first, err := s.Notification(ctx, ann.ID, ids[0])
		if err != nil || first.Subject != "证书 0 到期" {
			t.Fatalf("Notification = %+v, %v", first, err)
		}

		// Users mark only their own notifications.
		wantKind(t, "bob marks ann's notification", s.MarkNotificationRead(ctx, bob.ID, ids[0]), qms.KindNotFound)
		_, err = s.Notification(ctx, bob.ID, ids[0])
		wantKind(t, "bob reads ann's notification", err, qms.KindNotFound)
		if err := s.MarkNotificationRead(ctx, ann.ID, ids[0]); err != nil {
			t.Fatal(err)
		}
		read, _ := s.Notification(ctx, ann.ID, ids[0])
		if err := s.MarkNotificationRead(ctx, ann.ID, ids[0]); err != nil {
			t.Fatalf("marking read twice: %v", err)
		}
		again, _ := s.Notification(ctx, ann.ID, ids[0])
		if read.ReadAt == nil || !again.ReadAt.Equal(*read.ReadAt) {
			t.Errorf("read at %v, then %v; want set once", read.ReadAt, again.ReadAt)
		}
		if count(ann.ID) != 4 || count(bob.ID) != 3 {
			t.Errorf("after one read: ann %d, bob %d unread", count(ann.ID), count(bob.ID))
		}
		unread, _, err := s.ListNotifications(ctx, store.NotificationFilter{UserID: ann.ID, Unread: true})
		if err != nil || len(unread) != 4 {
			t.Errorf("unread list = %d, %v", len(unread), err)
		}
		n, err := s.MarkAllNotificationsRead(ctx, ann.ID)
		if err != nil || n != 4 || count(ann.ID) != 0 || count(bob.ID) != 3 {
			t.Errorf("mark all read = %d, %v; unread ann %d bob %d", n, err, count(ann.ID), count(bob.ID))
		}
	})
}

func TestEmailDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := createUser(t, s, "ann@example.com", "Trần Thị Ann", qms.RoleQualityManager)
		bob := createUser(t, s, "bob@example.com", "Bob", qms.RoleInspector)
		e := &store.NotifyEvent{Type: "capa.stage_overdue", Subject: "CAPA 7: D4 overdue"}
		insertEvent(t, s, e)
		var a, b int64
		update(t, s, ctx, func(tx *store.Tx) (err error) {
			var created bool
			if a, created, err = tx.InsertEmailDelivery(e.ID, ann); err != nil || !created {
				return fmt.Errorf("%v %v", created, err)
			}
			if b, _, err = tx.InsertEmailDelivery(e.ID, bob); err != nil {
				return err
			}
			if _, created, err = tx.InsertEmailDelivery(e.ID, ann); err != nil || created {
				return fmt.Errorf("duplicate: %v %v", created, err)
			}
			return nil
		})
		d, err := s.EmailDelivery(ctx, a)
		if err != nil || d.To != "ann@example.com" || d.ToName != "Trần Thị Ann" || d.Status != store.DeliveryPending ||
			d.Subject != e.Subject || d.EventType != e.Type || d.Attempts != 0 || d.FinishedAt != nil {
			t.Fatalf("EmailDelivery = %+v, %v", d, err)
		}
		if err := s.RecordEmailAttempt(ctx, a, store.DeliveryPending, "421 try again later"); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordEmailAttempt(ctx, a, store.DeliverySent, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordEmailAttempt(ctx, b, store.DeliverySkipped, "e-mail is off"); err != nil {
			t.Fatal(err)
		}
		d, _ = s.EmailDelivery(ctx, a)
		if d.Status != store.DeliverySent || d.Attempts != 2 || d.LastError != "" || d.FinishedAt == nil {
			t.Errorf("after two attempts: %+v", d)
		}
		sent, next, err := s.ListEmailDeliveries(ctx, store.DeliveryFilter{Status: store.DeliverySent})
		if err != nil || len(sent) != 1 || sent[0].ID != a || next != 0 {
			t.Errorf("sent = %+v, %d, %v", sent, next, err)
		}
		page, next, err := s.ListEmailDeliveries(ctx, store.DeliveryFilter{Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != b || next != b {
			t.Fatalf("first page = %+v, %d, %v", page, next, err)
		}
		page, next, err = s.ListEmailDeliveries(ctx, store.DeliveryFilter{Limit: 1, Before: next})
		if err != nil || len(page) != 1 || page[0].ID != a || next != 0 {
			t.Errorf("second page = %+v, %d, %v", page, next, err)
		}
		_, err = s.EmailDelivery(ctx, 999999)
		wantKind(t, "unknown delivery", err, qms.KindNotFound)
	})
}

func TestDeleteOldNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := createUser(t, s, "ann@example.com", "Ann", qms.RoleQualityManager)
		w := &store.Webhook{URL: "https://erp.example.com", EventTypes: []string{"*"}, Active: true}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateWebhook(w, "s") })
		var events []*store.NotifyEvent
		var notes, mails, hooks []int64
		for i := range 2 {
			e := &store.NotifyEvent{Key: fmt.Sprint("k", i), Type: "ncr.created", Subject: fmt.Sprint("NCR ", i)}
			insertEvent(t, s, e)
			events = append(events, e)
			update(t, s, ctx, func(tx *store.Tx) error {
				n, _, err := tx.InsertNotification(e.ID, ann.ID)
				if err != nil {
					return err
				}
				m, _, err := tx.InsertEmailDelivery(e.ID, ann)
				if err != nil {
					return err
				}
				d := &store.WebhookDelivery{WebhookID: w.ID, EventID: e.ID, EventType: e.Type, Payload: json.RawMessage(`{}`)}
				if _, err := tx.InsertWebhookDelivery(d); err != nil {
					return err
				}
				notes, mails, hooks = append(notes, n), append(mails, m), append(hooks, d.ID)
				return nil
			})
		}
		// The first of each is read or finished; the second is not.
		if err := s.MarkNotificationRead(ctx, ann.ID, notes[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordEmailAttempt(ctx, mails[0], store.DeliverySent, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordWebhookAttempt(ctx, hooks[0], store.WebhookAttempt{Status: store.DeliveryFailed}); err != nil {
			t.Fatal(err)
		}
		// Nothing is old enough yet.
		if n, m, h, err := s.DeleteOldNotifications(ctx, s.Now().Add(-time.Hour), s.Now().Add(-time.Hour)); err != nil || n+m+h != 0 {
			t.Fatalf("deleted %d, %d, %d, %v; want nothing", n, m, h, err)
		}
		later := s.Now().Add(time.Hour)
		n, m, h, err := s.DeleteOldNotifications(ctx, later, later)
		if err != nil || n != 1 || m != 1 || h != 1 {
			t.Fatalf("deleted %d, %d, %d, %v; want one of each", n, m, h, err)
		}
		if _, err := s.Notification(ctx, ann.ID, notes[1]); err != nil {
			t.Errorf("the unread notification was deleted: %v", err)
		}
		if _, err := s.EmailDelivery(ctx, mails[1]); err != nil {
			t.Errorf("the pending e-mail was deleted: %v", err)
		}
		if _, err := s.WebhookDelivery(ctx, hooks[1]); err != nil {
			t.Errorf("the pending delivery was deleted: %v", err)
		}
		// The events stay, so their keys still block a second publication.
		if _, err := s.NotifyEvent(ctx, events[0].ID); err != nil {
			t.Errorf("an event was deleted: %v", err)
		}
		if insertEvent(t, s, &store.NotifyEvent{Key: "k0", Type: "ncr.created", Subject: "again"}) {
			t.Error("a key became free after the clean-up")
		}
	})
}
