package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/config"
	"qms/internal/jobs"
	"qms/internal/notify/notifytest"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// clock is a clock the test moves by hand, so that retries come without
// waiting.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is one database (opened as one or more Stores, like instances of
// qms) with users of several roles.
type fixture struct {
	t      *testing.T
	clk    *clock
	stores []*store.Store
	admin  *qms.User
	qm1    *qms.User
	qm2    *qms.User
	insp   *qms.User
	off    *qms.User // a disabled quality manager
	supp   *qms.User
}

func newFixture(t *testing.T, d store.Dialect, instances int) *fixture {
	t.Helper()
	f := &fixture{t: t, clk: &clock{now: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)}}
	o := storetest.Options(t, d)
	o.Now = f.clk.Now
	for range instances {
		s, err := store.Open(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		f.stores = append(f.stores, s)
	}
	f.admin = f.user("admin@example.com", "Ada Admin", qms.RoleAdmin)
	f.qm1 = f.user("zhang.wei@example.cn", "张伟", qms.RoleQualityManager)
	f.qm2 = f.user("hoa@example.vn", "Nguyễn Thị Hoa", qms.RoleQualityManager)
	f.insp = f.user("ivan@example.com", "Ivan Inspector", qms.RoleInspector)
	f.off = f.user("gone@example.com", "Gone", qms.RoleQualityManager)
	f.supp = f.user("qa@factory.example.cn", "工厂质检", qms.RoleSupplier)
	if err := f.stores[0].Update(context.Background(), func(tx *store.Tx) error { return tx.SetUserDisabled(f.off.ID, true, "left") }); err != nil {
		t.Fatal(err)
	}
	return f
}

// each runs fn on a fixture of each dialect.
func each(t *testing.T, instances int, fn func(t *testing.T, f *fixture)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, newFixture(t, d, instances)) })
	}
}

func (f *fixture) user(email, name string, role qms.Role) *qms.User {
	f.t.Helper()
	u := &qms.User{Email: email, Name: name, Role: role}
	if role == qms.RoleSupplier {
		sid := int64(1)
		u.SupplierID = &sid
	}
	if err := f.stores[0].Update(context.Background(), func(tx *store.Tx) error { return tx.CreateUser(u, "x") }); err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *fixture) as(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

// publish publishes e from instance i in a transaction of its own that
// also records an audited change, as a module would.
func (f *fixture) publish(i int, e Event) bool {
	f.t.Helper()
	var ok bool
	err := f.stores[i].Update(context.Background(), func(tx *store.Tx) error {
		if err := tx.Audit("certificate", e.EntityID, qms.ActionUpdate, nil, map[string]string{"reminder": e.Key}, ""); err != nil {
			return err
		}
		var err error
		ok, err = Publish(tx, e)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ok
}

// count returns the number of rows of a table matching where.
func (f *fixture) count(table, where string, args ...any) int {
	f.t.Helper()
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	if f.stores[0].Dialect() == store.Postgres {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	var n int
	if err := f.stores[0].DB().QueryRow(q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// webhook creates an endpoint as the admin and returns it with its secret.
func (f *fixture) webhook(url string, active bool, types ...string) (*store.Webhook, string) {
	f.t.Helper()
	svc := &Service{Store: f.stores[0]}
	w, secret, err := svc.CreateWebhook(f.as(f.admin), WebhookInput{URL: url, EventTypes: types, Active: active})
	if err != nil {
		f.t.Fatal(err)
	}
	return w, secret
}

// run starts a job runner on instance i with the channels until the test
// ends.
func (f *fixture) run(i int, mailer Mailer) {
	f.t.Helper()
	r := jobs.NewRunner(f.stores[i], nil, 4)
	r.Poll = 5 * time.Millisecond
	ch := &Channels{Store: f.stores[i], HTTP: NewWebhookClient(true), BaseURL: "https://qms.example.com", Log: slog.New(slog.DiscardHandler)}
	if mailer != nil {
		ch.Mailer = mailer // a nil *SMTP must not become a non-nil Mailer
	}
	ch.Register(r)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	f.t.Cleanup(func() { cancel(); <-done })
}

// settled reports whether no delivery job is waiting or running.
func (f *fixture) settled() bool {
	return f.count("jobs", "status IN ('queued','running')") == 0
}

// waitFor polls cond until it holds, failing after a generous timeout (a
// wait for completion, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// receiver is a webhook endpoint that records what it gets and answers
// with the status answer gives for the n-th request (from 1).
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int) int
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Header.Clone(), body})
		n := len(rc.got)
		rc.mu.Unlock()
		code := http.StatusNoContent
		if rc.answer != nil {
			code = rc.answer(n)
		}
		if code >= 400 {
			http.Error(w, "receiver is down", code)
			return
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func reminder(key string) Event {
	return Event{Type: "certificate.expiring", Key: key, Subject: "证书到期提醒：宁波华美电器 ISO 9001 证书 30 天后到期",
		Body: "Chứng chỉ ISO 9001:2015 số 01 100 1234567 hết hạn ngày 2027-01-31.", EntityType: "certificate", EntityID: 42,
		Link: "/certificates/42", Data: map[string]any{"certificate_id": 42, "days_left": 30, "expires_on": "2027-01-31"}}
}

func TestPublishValidates(t *testing.T) {
	good := reminder("k")
	for name, change := range map[string]func(e *Event){
		"no type":           func(e *Event) { e.Type = "" },
		"type without dot":  func(e *Event) { e.Type = "expiring" },
		"upper-case type":   func(e *Event) { e.Type = "Certificate.Expiring" },
		"no subject":        func(e *Event) { e.Subject = "  " },
		"subject with CRLF": func(e *Event) { e.Subject = "a\r\nBcc: x@example.com" },
		"long subject":      func(e *Event) { e.Subject = strings.Repeat("长", MaxSubjectLen+1) },
		"bad UTF-8 body":    func(e *Event) { e.Body = "\xff" },
		"external link":     func(e *Event) { e.Link = "https://evil.example.com/" },
		"protocol link":     func(e *Event) { e.Link = "//evil.example.com/" },
		"unknown role":      func(e *Event) { e.Roles = []qms.Role{"boss"} },
		"data not object":   func(e *Event) { e.Data = []int{1, 2} },
		"data not JSON":     func(e *Event) { e.Data = func() {} },
	} {
		e := good
		change(&e)
		if _, err := Publish(nil, e); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("%s: %v; want invalid", name, err)
		}
	}
}

func TestPublishFansOut(t *testing.T) {
	each(t, 1, func(t *testing.T, f *fixture) {
		certs, _ := f.webhook("https://erp.example.com/certs", true, "certificate.*")
		f.webhook("https://erp.example.com/ncr", true, "ncr.*")
		f.webhook("https://old.example.com/all", false, "*")
		all, _ := f.webhook("https://siem.example.com/all", true, "*")

		e := reminder("certificate:42:expiry:30d")
		e.Users = []int64{f.insp.ID, f.qm1.ID, f.off.ID}
		e.Roles = []qms.Role{qms.RoleQualityManager}
		if !f.publish(0, e) {
			t.Fatal("the first publication was not published")
		}
		// qm1 (by id and role, once), qm2 (role), the inspector (id); not the
		// disabled quality manager, not the supplier.
		for _, u := range []*qms.User{f.qm1, f.qm2, f.insp} {
			if n := f.count("notifications", "user_id = ?", u.ID); n != 1 {
				t.Errorf("%s has %d notifications, want 1", u.Name, n)
			}
			if n := f.count("email_deliveries", "user_id = ? AND status = 'pending'", u.ID); n != 1 {
				t.Errorf("%s has %d pending e-mails, want 1", u.Name, n)
			}
		}
		if n := f.count("notifications", ""); n != 3 {
			t.Errorf("%d notifications, want 3", n)
		}
		if n := f.count("jobs", "kind = ?", KindEmail); n != 3 {
			t.Errorf("%d e-mail jobs, want 3", n)
		}
		for _, w := range []int64{certs.ID, all.ID} {
			if n := f.count("webhook_deliveries", "webhook_id = ?", w); n != 1 {
				t.Errorf("webhook %d has %d deliveries, want 1", w, n)
			}
		}
		if n, j := f.count("webhook_deliveries", ""), f.count("jobs", "kind = ?", KindWebhook); n != 2 || j != 2 {
			t.Errorf("%d webhook deliveries and %d jobs, want 2 each", n, j)
		}
		ds, _, err := f.stores[0].ListWebhookDeliveries(context.Background(), store.DeliveryFilter{WebhookID: certs.ID})
		if err != nil || len(ds) != 1 {
			t.Fatal(ds, err)
		}
		d := ds[0]
		var p Payload
		if err := json.Unmarshal(d.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if p.Type != e.Type || p.Subject != e.Subject || p.Entity == nil || p.Entity.ID != 42 || p.Link != e.Link || p.ID == 0 ||
			p.Actor.Name != "system" || string(p.Data) != `{"certificate_id":42,"days_left":30,"expires_on":"2027-01-31"}` {
			t.Errorf("payload %s", d.Payload)
		}

		// The same key again: nothing.
		if f.publish(0, e) || f.count("notifications", "") != 3 || f.count("jobs", "") != 5 {
			t.Error("a second publication of the same key added something")
		}
		// In the app only.
		quiet := Event{Type: "ncr.created", Subject: "NCR 7 opened", Users: []int64{f.supp.ID}, NoEmail: true}
		if !f.publish(0, quiet) || f.count("notifications", "user_id = ?", f.supp.ID) != 1 || f.count("email_deliveries", "user_id = ?", f.supp.ID) != 0 {
			t.Error("an in-app-only event sent e-mail or no notification")
		}
		// No recipients at all: the event still reaches the webhooks.
		if !f.publish(0, Event{Type: "ncr.voided", Subject: "NCR 7 voided"}) || f.count("webhook_deliveries", "event_type = 'ncr.voided'") != 2 {
			t.Error("an event without recipients did not reach the subscribed webhooks")
		}
	})
}

func TestRolledBackPublishLeavesNothing(t *testing.T) {
	each(t, 1, func(t *testing.T, f *fixture) {
		f.webhook("https://erp.example.com/all", true, "*")
		e := reminder("certificate:42:expiry:0d")
		e.Roles = []qms.Role{qms.RoleQualityManager}
		boom := errors.New("the certificate change failed")
		err := f.stores[0].Update(context.Background(), func(tx *store.Tx) error {
			if ok, err := Publish(tx, e); err != nil || !ok {
				return fmt.Errorf("publish: %v %v", ok, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		for _, table := range []string{"notification_events", "notifications", "email_deliveries", "webhook_deliveries", "jobs"} {
			if n := f.count(table, ""); n != 0 {
				t.Errorf("%s has %d rows after a rollback", table, n)
			}
		}
		// The key was not used up: the retried change publishes.
		if !f.publish(0, e) {
			t.Error("the key of a rolled-back publication is taken")
		}
	})
}

func TestDeliveryEndToEnd(t *testing.T) {
	each(t, 1, func(t *testing.T, f *fixture) {
		sink := notifytest.NewSink(t, func(s *notifytest.Sink) { s.StartTLS, s.User, s.Password = true, "qms", "s3cret" })
		rc := newReceiver(t, nil)
		hook, secret := f.webhook(rc.srv.URL+"/qms", true, "certificate.*")
		f.run(0, mailer(t, sink, config.SMTPStartTLS))

		e := reminder("certificate:42:expiry:30d")
		e.Users = []int64{f.qm1.ID, f.qm2.ID}
		f.publish(0, e)
		waitFor(t, "the deliveries", f.settled)

		msgs := sink.Messages()
		if len(msgs) != 2 {
			t.Fatalf("the sink got %d messages, want 2", len(msgs))
		}
		to := map[string]notifytest.Parsed{}
		for _, m := range msgs {
			if !m.TLS || m.User != "qms" {
				t.Errorf("message sent without TLS or authentication: %+v", m)
			}
			p := notifytest.Parse(t, m.Data)
			to[p.To.Address] = p
		}
		for _, u := range []*qms.User{f.qm1, f.qm2} {
			p, ok := to[u.Email]
			if !ok {
				t.Fatalf("no e-mail to %s", u.Email)
			}
			if p.Subject != e.Subject || p.To.Name != u.Name || !strings.Contains(p.Body, e.Body) ||
				!strings.Contains(p.Body, "Open in qms: https://qms.example.com/certificates/42") || p.Header.Get("X-Qms-Event") != e.Type {
				t.Errorf("e-mail to %s: subject %q, to %+v, body %q", u.Email, p.Subject, p.To, p.Body)
			}
		}
		if n := f.count("email_deliveries", "status = 'sent' AND attempts = 1"); n != 2 {
			t.Errorf("%d e-mails recorded as sent, want 2", n)
		}

		reqs := rc.requests()
		if len(reqs) != 1 {
			t.Fatalf("the receiver got %d requests, want 1", len(reqs))
		}
		r := reqs[0]
		if err := VerifySignature(secret, r.header.Get(HeaderTimestamp), r.header.Get(HeaderSignature), r.body, f.clk.Now(), 5*time.Minute); err != nil {
			t.Errorf("signature: %v", err)
		}
		ds, _, err := f.stores[0].ListWebhookDeliveries(context.Background(), store.DeliveryFilter{WebhookID: hook.ID})
		if err != nil || len(ds) != 1 {
			t.Fatal(ds, err)
		}
		d := ds[0]
		if d.Status != store.DeliverySucceeded || d.Attempts != 1 || d.ResponseCode != http.StatusNoContent || d.LastError != "" || d.FinishedAt == nil ||
			r.header.Get(HeaderDelivery) != fmt.Sprint(d.ID) || r.header.Get(HeaderEvent) != e.Type || string(r.body) != string(d.Payload) {
			t.Errorf("delivery %+v; request headers %v", d, r.header)
		}
		var p Payload
		if err := json.Unmarshal(r.body, &p); err != nil || p.Subject != e.Subject || p.Data == nil {
			t.Errorf("body %s: %v", r.body, err)
		}
		if n := f.count("jobs", "status = 'done' AND kind IN (?, ?)", KindEmail, KindWebhook); n != 3 {
			t.Errorf("%d delivery jobs done, want 3", n)
		}
		// The runner also scheduled the daily clean-up, which ran.
		if n := f.count("jobs", "status = 'done' AND kind = ?", KindCleanup); n != 1 {
			t.Errorf("%d clean-up jobs done, want 1", n)
		}
	})
}

func TestWebhookRetriesThenSucceeds(t *testing.T) {
	each(t, 1, func(t *testing.T, f *fixture) {
		rc := newReceiver(t, func(n int) int {
			if n <= 2 {
				return http.StatusInternalServerError
			}
			return http.StatusOK
		})
		hook, secret := f.webhook(rc.srv.URL, true, "*")
		f.run(0, nil)
		f.publish(0, Event{Type: "capa.stage_overdue", Subject: "CAPA 12: D4 root cause is 3 days overdue"})
		delivery := func() *store.WebhookDelivery {
			ds, _, err := f.stores[0].ListWebhookDeliveries(context.Background(), store.DeliveryFilter{WebhookID: hook.ID})
			if err != nil || len(ds) != 1 {
				t.Fatal(ds, err)
			}
			return &ds[0]
		}
		for attempt := 1; attempt <= 2; attempt++ {
			waitFor(t, fmt.Sprintf("failed attempt %d", attempt), func() bool {
				return delivery().Attempts == attempt && f.count("jobs", "status = 'queued' AND attempts = ? AND kind = ?", attempt, KindWebhook) == 1
			})
			d := delivery()
			if d.Status != store.DeliveryPending || d.ResponseCode != 500 || !strings.Contains(d.LastError, "500 Internal Server Error: receiver is down") {
				t.Fatalf("after attempt %d: %+v", attempt, d)
			}
			f.clk.Add(store.JobRetryBase << (attempt - 1)) // the back-off passes
		}
		waitFor(t, "the delivery", func() bool { return delivery().Status == store.DeliverySucceeded })
		d := delivery()
		if d.Attempts != 3 || d.ResponseCode != 200 || d.LastError != "" {
			t.Errorf("delivered: %+v", d)
		}
		reqs := rc.requests()
		if len(reqs) != 3 {
			t.Fatalf("%d requests, want 3", len(reqs))
		}
		for i, r := range reqs {
			// Every attempt is the same delivery, signed afresh.
			if r.header.Get(HeaderDelivery) != fmt.Sprint(d.ID) || string(r.body) != string(d.Payload) {
				t.Errorf("attempt %d: %v", i+1, r.header)
			}
			if err := VerifySignature(secret, r.header.Get(HeaderTimestamp), r.header.Get(HeaderSignature), r.body, f.clk.Now(), time.Hour); err != nil {
				t.Errorf("attempt %d: %v", i+1, err)
			}
		}
		if reqs[0].header.Get(HeaderTimestamp) == reqs[2].header.Get(HeaderTimestamp) {
			t.Error("the retry carries the first attempt's timestamp")
		}
	})
}

func TestWebhookFailsAfterMaxAttempts(t *testing.T) {
	each(t, 1, func(t *testing.T, f *fixture) {
		rc := newReceiver(t, func(int) int { return http.StatusBadGateway })
		hook, _ := f.webhook(rc.srv.URL, true, "ncr.*")
		f.run(0, nil)
		f.publish(0, Event{Type: "ncr.created", Subject: "NCR 9"})
		for attempt := 1; attempt < WebhookAttempts; attempt++ {
			waitFor(t, fmt.Sprintf("failed attempt %d", attempt), func() bool {
				return f.count("jobs", "status = 'queued' AND attempts = ? AND kind = ?", attempt, KindWebhook) == 1
			})
			f.clk.Add(store.JobRetryMax)
		}
		waitFor(t, "the final failure", func() bool { return f.count("jobs", "status = 'failed' AND kind = ?", KindWebhook) == 1 })
		ds, _, err := f.stores[0].ListWebhookDeliveries(context.Background(), store.DeliveryFilter{WebhookID: hook.ID})
		if err != nil || len(ds) != 1 {
			t.Fatal(ds, err)
		}
		if d := ds[0]; d.Status != store.DeliveryFailed || d.Attempts != WebhookAttempts || d.ResponseCode != http.StatusBadGateway || d.FinishedAt == nil {
			t.Errorf("delivery %+v", d)
		}
		if n := len(rc.requests()); n != WebhookAttempts {
			t.Errorf("%d requests, want %d", n, WebhookAttempts)
		}
	})
}

func TestEmailOffAndRefused(t *testing.T) {
	each(t, 1, func(t *testing.T, f *fixture) {
		f.run(0, nil) // no SMTP host
		f.publish(0, Event{Type: "ncr.created", Subject: "NCR 10", Users: []int64{f.qm1.ID}})
		waitFor(t, "the e-mail job", f.settled)
		if n := f.count("email_deliveries", "status = 'skipped' AND last_error LIKE '%QMS_SMTP_HOST%'"); n != 1 {
			t.Errorf("%d e-mails skipped, want 1", n)
		}
		if n := f.count("jobs", "status = 'done' AND kind = ?", KindEmail); n != 1 {
			t.Errorf("the e-mail job did not end as done: %d done", n)
		}
	})
	each(t, 1, func(t *testing.T, f *fixture) {
		sink := notifytest.NewSink(t, func(s *notifytest.Sink) { s.RcptErr = "550 5.1.1 mailbox unavailable" })
		f.run(0, mailer(t, sink, config.SMTPNoTLS))
		f.publish(0, Event{Type: "ncr.created", Subject: "NCR 11", Users: []int64{f.qm1.ID}})
		waitFor(t, "the e-mail job", f.settled)
		// A permanent refusal fails at once, without retries.
		if n := f.count("email_deliveries", "status = 'failed' AND attempts = 1 AND last_error LIKE '%550%'"); n != 1 {
			t.Errorf("%d e-mails failed, want 1", n)
		}
		if n := f.count("jobs", "status = 'failed' AND attempts = 1 AND kind = ?", KindEmail); n != 1 {
			t.Errorf("the job did not fail at its first attempt")
		}
	})
}

// TestExactlyOnceAcrossInstances publishes one reminder from two instances
// of qms (two Stores on one database, each with its job runner) at once:
// it is stored once, and each recipient gets one e-mail and the endpoint
// one post. Publishing it again later (after a restart) does nothing.
func TestExactlyOnceAcrossInstances(t *testing.T) {
	each(t, 2, func(t *testing.T, f *fixture) {
		sink := notifytest.NewSink(t)
		rc := newReceiver(t, nil)
		f.webhook(rc.srv.URL, true, "certificate.*")
		f.run(0, mailer(t, sink, config.SMTPNoTLS))
		f.run(1, mailer(t, sink, config.SMTPNoTLS))

		e := reminder("certificate:42:expiry:30d")
		e.Roles = []qms.Role{qms.RoleQualityManager}
		start := make(chan struct{})
		results := make(chan bool, 2*5)
		var wg sync.WaitGroup
		for i := range 2 {
			for range 5 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results <- f.publish(i, e)
				}()
			}
		}
		close(start)
		wg.Wait()
		close(results)
		published := 0
		for ok := range results {
			if ok {
				published++
			}
		}
		if published != 1 {
			t.Fatalf("%d of 10 concurrent publications published, want 1", published)
		}
		waitFor(t, "the deliveries", f.settled)
		if f.publish(1, e) || f.publish(0, e) {
			t.Error("publishing the reminder again after delivery published it")
		}
		waitFor(t, "the deliveries", f.settled)

		if n := f.count("notification_events", "event_key = ?", e.Key); n != 1 {
			t.Errorf("%d events stored, want 1", n)
		}
		got := map[string]int{}
		for _, m := range sink.Messages() {
			got[m.To]++
		}
		if len(got) != 2 || got[f.qm1.Email] != 1 || got[f.qm2.Email] != 1 {
			t.Errorf("e-mails by recipient: %v; want one each to %s and %s", got, f.qm1.Email, f.qm2.Email)
		}
		if n := len(rc.requests()); n != 1 {
			t.Errorf("the endpoint got %d posts, want 1", n)
		}
		for _, u := range []*qms.User{f.qm1, f.qm2} {
			if n := f.count("notifications", "user_id = ?", u.ID); n != 1 {
				t.Errorf("%s has %d notifications, want 1", u.Name, n)
			}
		}
		if n := f.count("jobs", "status <> 'done'"); n != 0 {
			t.Errorf("%d jobs not done", n)
		}
	})
}
