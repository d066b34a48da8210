package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/notify"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// notifySamplePages are the sample data of the notification and webhook
// templates for TestTemplatesRender.
func notifySamplePages() []page {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	hook := &store.Webhook{ID: 3, URL: "https://erp.example.com/hooks/qms?x=<script>", Description: "ERP 集成\nsecond line",
		EventTypes: []string{"certificate.*", "capa.stage_overdue"}, Active: true, CreatedAt: now, UpdatedAt: now, Version: 2}
	return []page{
		&notificationsPage{layout: layout{Title: "Notifications", Unread: 120}, Items: []store.Notification{
			{ID: 2, Type: "certificate.expiring", Subject: "证书到期 <script>alert(1)</script>", Body: "Chứng chỉ hết hạn\nngày 2027-01-31",
				Link: "/certificates/42", CreatedAt: now},
			{ID: 1, Type: "ncr.created", Subject: "NCR 7", CreatedAt: now, ReadAt: &now},
		}, NextURL: "/notifications?before=1", FirstURL: "/notifications"},
		&notificationsPage{layout: layout{Title: "Notifications"}, UnreadOnly: true},
		&webhookListPage{layout: layout{Title: "Webhooks"}, Webhooks: []store.Webhook{*hook, {ID: 4, URL: "https://old.example.com", EventTypes: []string{"*"}}}},
		&webhookListPage{layout: layout{Title: "Webhooks"}},
		&webhookPage{layout: layout{Title: "Webhook 3"}, Webhook: hook, Form: webhookFormOf(hook), Secret: &secret{Label: "Secret:", Value: "whsec_x"},
			Known: []string{"certificate.expiring", "ncr.created"}, Status: "failed", Statuses: []string{"pending", "failed"},
			Deliveries: []store.WebhookDelivery{
				{ID: 9, EventType: "certificate.expiring", Status: "failed", Attempts: 8, ResponseCode: 502, LastError: "the endpoint answered 502 Bad Gateway", DurationMS: 31, CreatedAt: now},
				{ID: 8, EventType: "ping", Status: "pending", CreatedAt: now},
			}, NextURL: "/webhooks/3?before=8#deliveries", FirstURL: "/webhooks/3#deliveries",
			Errors: map[string]string{"url": "is required"}, Problem: "changed by someone else"},
		&webhookPage{layout: layout{Title: "New webhook"}, Form: webhookForm{Active: true}},
		&outboxPage{layout: layout{Title: "E-mail outbox"}, Statuses: []string{"sent"}, Emails: []store.EmailDelivery{
			{ID: 1, To: "hoa@example.vn", ToName: "Nguyễn Thị Hoa", Subject: "证书到期", EventType: "certificate.expiring", Status: "skipped",
				Attempts: 1, LastError: "e-mail is off", CreatedAt: now},
		}, NextURL: "/email-outbox?before=1"},
		&outboxPage{layout: layout{Title: "E-mail outbox"}, Status: "failed"},
	}
}

// publish publishes an event as the system, as a module's job would.
func (ap *app) publish(e notify.Event) {
	ap.t.Helper()
	err := ap.st.Update(qms.WithActor(context.Background(), qms.System), func(tx *store.Tx) error {
		_, err := notify.Publish(tx, e)
		return err
	})
	if err != nil {
		ap.t.Fatal(err)
	}
}

var bellCount = regexp.MustCompile(`class="bell-count">([0-9+]+)<`)

// bell returns the count on the bell of a page, "" when it shows none.
func bell(t *testing.T, r response) string {
	t.Helper()
	if !strings.Contains(r.body, `id="bell"`) {
		t.Fatalf("the page has no notification bell:\n%s", r.body)
	}
	if m := bellCount.FindStringSubmatch(r.body); m != nil {
		return m[1]
	}
	return ""
}

func notificationIDs(t *testing.T, st *store.Store, userID int64) []int64 {
	t.Helper()
	ns, _, err := st.ListNotifications(context.Background(), store.NotificationFilter{UserID: userID})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	return ids
}

func TestNotificationsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		ann := ap.user(qms.RoleQualityManager, "ann@example.com", "张安")
		bob := ap.user(qms.RoleInspector, "bob@example.com", "Bob Inspector")
		sup := ap.user(qms.RoleSupplier, "qa@factory.example.cn", "工厂质检")
		ap.publish(notify.Event{Type: "certificate.expiring", Subject: "宁波华美 ISO 9001 证书 30 天后到期", Body: "Chứng chỉ hết hạn\nngày 2027-01-31",
			Link: "/certificates/42", Users: []int64{ann.ID}})
		ap.publish(notify.Event{Type: "ncr.created", Subject: "NCR 7 opened for both", Users: []int64{ann.ID, bob.ID}})
		ap.publish(notify.Event{Type: "scar.returned", Subject: "SCAR 3 returned to the supplier", Users: []int64{sup.ID}})

		a := ap.signedIn(ann)
		if got := bell(t, a.get("/")); got != "2" {
			t.Fatalf("ann's bell shows %q, want 2", got)
		}
		r := a.get("/notifications")
		r.must(t, http.StatusOK, "宁波华美 ISO 9001 证书 30 天后到期", "Chứng chỉ hết hạn\nngày 2027-01-31", "NCR 7 opened for both", `id="read-all"`)
		if strings.Contains(r.body, "SCAR 3") {
			t.Fatal("ann sees the supplier's notification")
		}
		annIDs := notificationIDs(t, st, ann.ID) // newest first: the NCR, then the certificate
		// Opening one marks it read and goes to the record.
		a.post("/notifications/"+strconv.FormatInt(annIDs[1], 10)+"/open", nil).redirectsTo(t, "/certificates/42")
		if got := bell(t, a.get("/notifications?unread=1")); got != "1" {
			t.Errorf("after opening one, the bell shows %q, want 1", got)
		}
		if r := a.get("/notifications?unread=1"); strings.Contains(r.body, "宁波华美") || !strings.Contains(r.body, "NCR 7") {
			t.Errorf("the unread list still shows the opened notification, or lost the other:\n%s", r.body)
		}

		// Bob sees and touches only his own.
		b := ap.signedIn(bob)
		if r := b.get("/notifications"); strings.Contains(r.body, "宁波华美") || !strings.Contains(r.body, "NCR 7") {
			t.Errorf("bob's notifications:\n%s", r.body)
		}
		b.post("/notifications/"+strconv.FormatInt(annIDs[0], 10)+"/read", nil).must(t, http.StatusNotFound)
		b.post("/notifications/"+strconv.FormatInt(annIDs[0], 10)+"/open", nil).must(t, http.StatusNotFound)
		b.post("/notifications/abc/read", nil).must(t, http.StatusNotFound)
		if got := bell(t, a.get("/")); got != "1" {
			t.Errorf("after bob's attempts ann's bell shows %q, want 1", got)
		}
		// Marking read goes back to the list; marking all read clears the bell.
		b.post("/notifications/"+strconv.FormatInt(notificationIDs(t, st, bob.ID)[0], 10)+"/read", url.Values{"next": {"https://evil.example/"}}).redirectsTo(t, "/notifications")
		if got := bell(t, b.get("/notifications")); got != "" {
			t.Errorf("bob's bell shows %q after reading his only notification", got)
		}
		a.post("/notifications/read-all", nil).redirectsTo(t, "/notifications")
		a.get("/notifications").must(t, http.StatusOK, "1 notification marked as read.")
		if got := bell(t, a.get("/")); got != "" {
			t.Errorf("ann's bell shows %q after marking all read", got)
		}
		// A cross-site post is refused before it reaches the handler.
		ap.publish(notify.Event{Type: "ncr.created", Subject: "NCR 8", Users: []int64{ann.ID}})
		if r := a.post("/notifications/read-all", nil, "Sec-Fetch-Site", "cross-site"); r.code != http.StatusForbidden {
			t.Errorf("cross-site mark-all-read: status %d", r.code)
		}
		// Supplier users have a bell and their own list too.
		s := ap.signedIn(sup)
		s.get("/notifications").must(t, http.StatusOK, "SCAR 3 returned to the supplier")
		if got := bell(t, s.get("/notifications")); got != "1" {
			t.Errorf("the supplier's bell shows %q", got)
		}
		// Without a session: to the sign-in page.
		ap.client().get("/notifications").redirectsTo(t, "/login?next=%2Fnotifications")
	})
}

var secretValue = regexp.MustCompile(`id="secret-value">(whsec_[0-9a-f]+)<`)

func TestWebhookPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		admin := ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin")
		// Only administrators: every other role is refused every page and action.
		others := []*qms.User{
			ap.user(qms.RoleQualityManager, "qm@example.com", "QM"),
			ap.user(qms.RoleInspector, "insp@example.com", "Inspector"),
			ap.user(qms.RoleViewer, "viewer@example.com", "Viewer"),
			ap.user(qms.RoleAuditor, "auditor@example.com", "Auditor"),
			ap.user(qms.RoleSupplier, "supplier@example.com", "Supplier"),
		}
		a := ap.signedIn(admin)
		if r := a.get("/"); !strings.Contains(r.body, `href="/webhooks"`) {
			t.Error("the admin's navigation has no Webhooks entry")
		}
		a.get("/webhooks").must(t, http.StatusOK, "No webhooks yet")
		a.get("/webhooks/new").must(t, http.StatusOK, `name="event_types"`)

		// Bad input re-renders the form with the messages and stores nothing.
		for _, c := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"url": {"http://169.254.169.254/latest/meta-data/"}, "event_types": {"*"}}, "link-local"},
			{url.Values{"url": {"https://user:pw@erp.example.com/"}, "event_types": {"*"}}, "user name or password"},
			{url.Values{"url": {"ftp://erp.example.com/"}, "event_types": {"*"}}, "https://"},
			{url.Values{"url": {"https://erp.example.com/"}, "event_types": {"Certificates!"}}, "is not an event type"},
			{url.Values{"url": {"https://erp.example.com/"}}, "name at least one event type"},
		} {
			a.post("/webhooks", c.form).must(t, http.StatusBadRequest, c.want)
		}
		if hooks, _ := st.ListWebhooks(context.Background()); len(hooks) != 0 {
			t.Fatalf("bad input stored %d webhooks", len(hooks))
		}

		r := a.post("/webhooks", url.Values{"url": {"https://erp.example.com/hooks/qms"}, "description": {"ERP 集成"},
			"event_types": {"certificate.*\r\ncapa.stage_overdue, ncr.created"}, "active": {"1"}})
		r.must(t, http.StatusCreated, "Webhook created", "certificate.*", "ERP 集成")
		m := secretValue.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("the new webhook's secret is not shown:\n%s", r.body)
		}
		hooks, _ := st.ListWebhooks(context.Background())
		if len(hooks) != 1 || strings.Join(hooks[0].EventTypes, " ") != "certificate.* capa.stage_overdue ncr.created" || !hooks[0].Active {
			t.Fatalf("stored %+v", hooks)
		}
		h := hooks[0]
		path := "/webhooks/" + strconv.FormatInt(h.ID, 10)
		if stored, _ := st.WebhookSecret(context.Background(), h.ID); stored != m[1] {
			t.Error("the secret shown is not the one stored")
		}
		// The secret is shown once.
		if r := a.get(path); strings.Contains(r.body, m[1]) || !strings.Contains(r.body, "https://erp.example.com/hooks/qms") {
			t.Errorf("the webhook page shows the secret again, or not the webhook:\n%s", r.body)
		}
		a.get("/webhooks").must(t, http.StatusOK, "https://erp.example.com/hooks/qms", "badge-on")

		for _, u := range others {
			c := ap.signedIn(u)
			if r := c.get("/"); strings.Contains(r.body, `href="/webhooks"`) {
				t.Errorf("%s sees the Webhooks entry", u.Role)
			}
			for _, p := range []string{"/webhooks", "/webhooks/new", path, "/email-outbox"} {
				c.get(p).must(t, http.StatusForbidden)
			}
			for _, p := range []string{"/webhooks", path, path + "/secret", path + "/test", path + "/delete"} {
				c.post(p, url.Values{"url": {"https://evil.example.com/"}, "event_types": {"*"}, "version": {"1"}}).must(t, http.StatusForbidden)
			}
		}
		if after, _ := st.ListWebhooks(context.Background()); len(after) != 1 || after[0].Version != 1 || after[0].URL != h.URL {
			t.Fatalf("refused requests changed the webhooks: %+v", after)
		}

		// Change with the version; a stale version is a conflict.
		a.post(path, url.Values{"url": {"https://erp.example.com/v2"}, "event_types": {"*"}, "version": {"1"}, "reason": {"new ERP"}}).redirectsTo(t, path)
		a.get(path).must(t, http.StatusOK, "Webhook saved.", "https://erp.example.com/v2", "badge-off")
		a.post(path, url.Values{"url": {"https://erp.example.com/v3"}, "event_types": {"*"}, "version": {"1"}}).must(t, http.StatusConflict, "changed by someone else")

		// A new secret, shown once; a test delivery appears in the log.
		r = a.post(path+"/secret", url.Values{"reason": {"rotation"}})
		r.must(t, http.StatusOK, "New secret set")
		if m2 := secretValue.FindStringSubmatch(r.body); m2 == nil || m2[1] == m[1] {
			t.Errorf("rotation did not show a new secret")
		}
		a.post(path+"/test", nil).redirectsTo(t, path+"#deliveries")
		a.get(path).must(t, http.StatusOK, `id="delivery-table"`, "<code>ping</code>", "delivery-pending")
		a.get(path+"?status=failed").must(t, http.StatusOK, "No deliveries with this status")
		a.get(path+"?status=bogus").must(t, http.StatusBadRequest)
		a.get("/email-outbox").must(t, http.StatusOK, "No e-mails")

		// Delete.
		a.post(path+"/delete", url.Values{"reason": {"retired"}}).redirectsTo(t, "/webhooks")
		a.get(path).must(t, http.StatusNotFound)
		a.get("/webhooks/999999").must(t, http.StatusNotFound)
	})
}

func TestEmailOutboxPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		admin := ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin")
		hoa := ap.user(qms.RoleQualityManager, "hoa@example.vn", "Nguyễn Thị Hoa")
		ap.publish(notify.Event{Type: "certificate.expiring", Subject: "Chứng chỉ sắp hết hạn", Users: []int64{hoa.ID}})
		a := ap.signedIn(admin)
		a.get("/email-outbox").must(t, http.StatusOK, "Nguyễn Thị Hoa", "hoa@example.vn", "Chứng chỉ sắp hết hạn", "delivery-pending")
		a.get("/email-outbox?status=sent").must(t, http.StatusOK, "No e-mails with this status")
		a.get("/email-outbox?status=%3Cscript%3E").must(t, http.StatusBadRequest)
	})
}
