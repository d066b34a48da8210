package supplierops_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/config"
	"qms/internal/jobs"
	"qms/internal/notify"
	"qms/internal/notify/notifytest"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

// TestDueRemindersThresholds: the expiry reminder is the most urgent
// threshold reached (90, 60, 30, 0 days), an expired certificate keeps
// the 0-day reminder, and surveillance is overdue more than 12 months after
// the issue date or the last surveillance audit.
func TestDueRemindersThresholds(t *testing.T) {
	today := qms.DateOf(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	set := supplier.DefaultSettings()
	cert := func(left int) *supplier.Certificate {
		return &supplier.Certificate{ID: 7, SupplierID: 3, Kind: supplier.KindManagementSystem, Standard: "ISO 9001", StandardVersion: "2015",
			Number: "CN-9001-7", CertificationBody: "SGS", IssueDate: today.AddDate(0, -2, 0), ExpiryDate: today.AddDate(0, 0, left)}
	}
	for _, tc := range []struct {
		left      int
		threshold string // "" for no reminder
		typ       string
		says      string
	}{
		{91, "", "", ""},
		{90, "90d", supplierops.EventExpiring, "expires in 90 days"},
		{61, "90d", supplierops.EventExpiring, "expires in 61 days"},
		{60, "60d", supplierops.EventExpiring, "expires in 60 days"},
		{31, "60d", supplierops.EventExpiring, "expires in 31 days"},
		{30, "30d", supplierops.EventExpiring, "expires in 30 days"},
		{1, "30d", supplierops.EventExpiring, "expires in 1 day,"},
		{0, "0d", supplierops.EventExpired, "expires today"},
		{-5, "0d", supplierops.EventExpired, "expired 5 days ago"},
		{-400, "0d", supplierops.EventExpired, "expired 400 days ago"},
	} {
		c := cert(tc.left)
		rs := supplierops.DueReminders(c, "宁波华美电子有限公司", today, set, supplierops.ReminderDays)
		if tc.threshold == "" {
			if len(rs) != 0 {
				t.Errorf("%d days left: %d reminders, want none: %+v", tc.left, len(rs), rs)
			}
			continue
		}
		if len(rs) != 1 {
			t.Fatalf("%d days left: %d reminders, want 1: %+v", tc.left, len(rs), rs)
		}
		e := rs[0].Event
		wantKey := "certificate:7:expiry:" + c.ExpiryDate.String() + ":" + tc.threshold
		if e.Key != wantKey || e.Type != tc.typ || !strings.Contains(e.Subject, tc.says) || !strings.Contains(e.Subject, "宁波华美电子有限公司") ||
			e.Link != "/certificates/7" || e.EntityType != "certificate" || e.EntityID != 7 || len(e.Roles) != 1 || e.Roles[0] != qms.RoleQualityManager {
			t.Errorf("%d days left: %+v; want key %s, type %s, a subject saying %q", tc.left, e, wantKey, tc.typ, tc.says)
		}
	}

	// A renewed certificate (a new expiry date) is reminded again.
	a, b := cert(30), cert(29)
	ka := supplierops.DueReminders(a, "x", today, set, supplierops.ReminderDays)[0].Event.Key
	kb := supplierops.DueReminders(b, "x", today, set, supplierops.ReminderDays)[0].Event.Key
	if ka == kb {
		t.Errorf("two expiry dates share the key %s", ka)
	}

	// Surveillance.
	for _, tc := range []struct {
		name         string
		issue, audit qms.Date
		expiry       qms.Date
		kind         supplier.CertKind
		standard     string
		due          string // "" for not overdue
	}{
		{"issued 12 months ago today", today.AddDate(-1, 0, 0), qms.Date{}, today.AddDate(2, 0, 0), supplier.KindManagementSystem, "ISO 9001:2015", ""},
		{"issued 12 months and a day ago", today.AddDate(-1, 0, -1), qms.Date{}, today.AddDate(2, 0, 0), supplier.KindManagementSystem, "ISO 9001:2015", today.AddDate(0, 0, -1).String()},
		{"audited 2 months ago", today.AddDate(-2, 0, 0), today.AddDate(0, -2, 0), today.AddDate(1, 0, 0), supplier.KindManagementSystem, "ISO 13485:2016", ""},
		{"audited 13 months ago", today.AddDate(-2, 0, 0), today.AddDate(0, -13, 0), today.AddDate(1, 0, 0), supplier.KindManagementSystem, "ISO 13485:2016", today.AddDate(0, -1, 0).String()},
		{"expired: the expiry reminder says it", today.AddDate(-3, 0, -10), qms.Date{}, today.AddDate(0, 0, -10), supplier.KindManagementSystem, "ISO 9001:2015", ""},
		{"a test report has no surveillance", today.AddDate(-2, 0, 0), qms.Date{}, qms.Date{}, supplier.KindProductTest, "EN 71-3", ""},
	} {
		code, version := supplier.ParseStandard(tc.standard)
		c := &supplier.Certificate{ID: 9, Kind: tc.kind, Standard: code, StandardVersion: version, Number: "S-1", IssueDate: tc.issue,
			LastSurveillanceDate: tc.audit, ExpiryDate: tc.expiry}
		var got []notify.Event
		for _, r := range supplierops.DueReminders(c, "Công ty May Hưng Thịnh", today, set, supplierops.ReminderDays) {
			if r.Event.Type == supplierops.EventSurveillanceOverdue {
				got = append(got, r.Event)
			}
		}
		switch {
		case tc.due == "" && len(got) != 0:
			t.Errorf("%s: surveillance reminder %+v, want none", tc.name, got)
		case tc.due != "" && (len(got) != 1 || got[0].Key != "certificate:9:surveillance:"+tc.due || !strings.Contains(got[0].Body, tc.due)):
			t.Errorf("%s: surveillance reminders %+v, want one due %s", tc.name, got, tc.due)
		}
	}
}

// clock is a settable clock shared by the instances of a test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// instances opens two stores (two app instances) on one fresh database of
// dialect d with the clock.
func instances(t *testing.T, d store.Dialect, clk *clock) [2]*store.Store {
	t.Helper()
	o := storetest.Options(t, d)
	o.Now = clk.Now
	var out [2]*store.Store
	for i := range out {
		s, err := store.Open(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	return out
}

func countWhere(t *testing.T, st *store.Store, table, cond string, args ...any) int {
	t.Helper()
	var n int
	err := st.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow("SELECT COUNT(*) FROM "+table+" WHERE "+cond, args...).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRemindersOnceAcrossInstances: certificates at 91, 90, 61, 60, 30, 0
// and -5 days from expiry get their reminders exactly once when two
// instances send them concurrently, and again never on reruns; days later
// the next thresholds go out; an expired certificate keeps its expiry
// reminder and stays on the expiring list; the job scheduled on two
// runners runs once per slot and the e-mails go out once per quality
// manager.
func TestRemindersOnceAcrossInstances(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			start := time.Now().UTC().Truncate(24 * time.Hour).Add(9 * time.Hour)
			clk := &clock{now: start}
			st := instances(t, d, clk)
			w := opstest.Build(t, st[0]) // A's and B's certificates expire in 800 days
			sys := qms.WithActor(context.Background(), qms.System)
			today := qms.DateOf(start)
			ids := map[int]int64{}
			for _, left := range []int{91, 90, 61, 60, 30, 0, -5} {
				c := &supplier.Certificate{SupplierID: w.A.Supplier.ID, Kind: supplier.KindManagementSystem, Standard: "ISO 14001:2015",
					Number: "EMS-" + strconv.Itoa(left), CertificationBody: "TÜV SÜD", AccreditationBody: "DAkkS",
					HolderName: "深圳精密五金有限公司", Scope: "Manufacture of electronic assemblies", IssueDate: today.AddDate(0, 0, left-3*365+10), ExpiryDate: today.AddDate(0, 0, left),
					LastSurveillanceDate: today.AddDate(0, 0, -30)}
				if err := st[0].Update(sys, func(tx *store.Tx) error { return tx.CreateCertificate(c) }); err != nil {
					t.Fatalf("certificate %d days from expiry: %v", left, err)
				}
				ids[left] = c.ID
			}
			ops := [2]*supplierops.Service{{Store: st[0]}, {Store: st[1]}}
			keyCount := func(like string) int { return countWhere(t, st[0], "notification_events", "event_key LIKE ?", like) }
			reminded := func(left int, threshold string) bool {
				return keyCount("certificate:"+strconv.FormatInt(ids[left], 10)+":expiry:%:"+threshold) == 1
			}

			// Two instances, four concurrent runs each, the same slot.
			var wg sync.WaitGroup
			var mu sync.Mutex
			total, gate := 0, make(chan struct{})
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-gate
					n, err := ops[i%2].SendReminders(context.Background())
					if err != nil {
						t.Errorf("instance %d: %v", i%2, err)
					}
					mu.Lock()
					total += n
					mu.Unlock()
				}()
			}
			close(gate)
			wg.Wait()
			// 90 and 61 days: 90d; 60: 60d; 30: 30d; 0 and -5: 0d. 91: none.
			want := map[int]string{90: "90d", 61: "90d", 60: "60d", 30: "30d", 0: "0d", -5: "0d"}
			if total != len(want) {
				t.Errorf("published %d reminders in the concurrent runs, want %d", total, len(want))
			}
			for left, th := range want {
				if !reminded(left, th) {
					t.Errorf("certificate %d days from expiry: no %s reminder", left, th)
				}
			}
			if n := keyCount("certificate:" + strconv.FormatInt(ids[91], 10) + ":%"); n != 0 {
				t.Errorf("the certificate 91 days from expiry got %d reminders", n)
			}
			qm := w.Users[qms.RoleQualityManager]
			if n := countWhere(t, st[0], "notifications", "user_id = ?", qm.ID); n != len(want) {
				t.Errorf("the quality manager has %d notifications, want %d", n, len(want))
			}
			if n := countWhere(t, st[0], "notifications", "user_id = ?", w.Users[qms.RoleViewer].ID); n != 0 {
				t.Errorf("a viewer got %d reminders", n)
			}
			for i := range 2 {
				if n, err := ops[i].SendReminders(context.Background()); err != nil || n != 0 {
					t.Errorf("rerun on instance %d published %d (%v), want 0", i, n, err)
				}
			}

			// One day later: the certificate at 91 days reaches 90, the one
			// at 61 reaches 60.
			clk.add(24 * time.Hour)
			if n, err := ops[1].SendReminders(context.Background()); err != nil || n != 2 || !reminded(91, "90d") || !reminded(61, "60d") {
				t.Errorf("a day later: published %d (%v), want 2: the 90-day reminder of the 91-day certificate, the 60-day one of the 61-day", n, err)
			}
			// 40 days later, with no run in between: each certificate gets
			// its most urgent reminder, the ones at 30 and 0 days none new.
			clk.add(39 * 24 * time.Hour)
			n, err := ops[0].SendReminders(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// 91 and 90 -> 50 days: 60d; 61 -> 21: 30d; 60 -> 20: 30d; 30 -> -10: 0d.
			if n != 5 || !reminded(91, "60d") || !reminded(90, "60d") || !reminded(61, "30d") || !reminded(60, "30d") || !reminded(30, "0d") {
				t.Errorf("40 days on: published %d, want 5 (60d, 60d, 30d, 30d, 0d)", n)
			}
			// 400 days on, the expired certificates are still on the
			// expiring list and get no reminder again.
			clk.add(400 * 24 * time.Hour)
			if _, err := ops[0].SendReminders(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, left := range []int{0, -5} {
				if n := keyCount("certificate:" + strconv.FormatInt(ids[left], 10) + ":expiry:%"); n != 1 {
					t.Errorf("the certificate expired at %d days has %d expiry reminders, want 1", left, n)
				}
			}
			page, err := (&supplierops.Service{Store: st[0]}).Expiring(qms.WithActor(context.Background(), qms.ActorOf(qm, "session")),
				store.ExpiringFilter{SupplierID: w.A.Supplier.ID, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			listed := map[int64]bool{}
			for _, c := range page.Items {
				listed[c.Certificate.ID] = true
			}
			for left, id := range ids {
				if !listed[id] {
					t.Errorf("the certificate once %d days from expiry dropped off the expiring list", left)
				}
			}
		})
	}
}

// hookReceiver is a webhook endpoint that records what it is posted.
type hookReceiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []hookPost
}

type hookPost struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, hookPost{r.Header.Clone(), body})
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *hookReceiver) posts() []hookPost {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hookPost(nil), rc.got...)
}

// TestReminderJobSendsEmailOnce: the job scheduled on two runners (two
// instances, each with its notification channels) runs once per slot; its
// reminders (expiry and overdue surveillance) reach the quality manager in
// the app and by e-mail through a real SMTP server once each, naming the
// certificate, and the webhook subscribed to "certificate.*" gets each
// once, signed with its secret (HMAC-SHA256), recorded once in its
// delivery log.
func TestReminderJobSendsEmailOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			start := time.Now().UTC().Truncate(time.Hour).Add(5 * time.Minute)
			clk := &clock{now: start}
			st := instances(t, d, clk)
			w := opstest.Build(t, st[0])
			today := qms.DateOf(start)
			sys := qms.WithActor(context.Background(), qms.System)
			c := &supplier.Certificate{SupplierID: w.B.Supplier.ID, Kind: supplier.KindManagementSystem, Standard: "ISO 9001:2015",
				Number: "VN-MAIL-1", CertificationBody: "Bureau Veritas", AccreditationBody: "UKAS", HolderName: "Công ty TNHH May Mặc Hưng Thịnh", Scope: "Sewing of garments",
				IssueDate: today.AddDate(-1, -1, 0), ExpiryDate: today.AddDate(0, 0, 30)}
			if err := st[0].Update(sys, func(tx *store.Tx) error { return tx.CreateCertificate(c) }); err != nil {
				t.Fatal(err)
			}
			admin := qms.WithActor(context.Background(), qms.ActorOf(w.Users[qms.RoleAdmin], "session"))
			rc := newHookReceiver(t)
			hook, secret, err := (&notify.Service{Store: st[0]}).CreateWebhook(admin,
				notify.WebhookInput{URL: rc.srv.URL + "/qms", EventTypes: []string{"certificate.*"}, Active: true})
			if err != nil {
				t.Fatal(err)
			}
			sink := notifytest.NewSink(t)
			for i := range 2 {
				m, err := notify.NewSMTP(sink.Settings(config.SMTPNoTLS))
				if err != nil {
					t.Fatal(err)
				}
				r := jobs.NewRunner(st[i], nil, 2)
				r.Poll = 5 * time.Millisecond
				ch := &notify.Channels{Store: st[i], Mailer: m, HTTP: notify.NewWebhookClient(true), BaseURL: "https://qms.example.com",
					Log: slog.New(slog.DiscardHandler)}
				ch.Register(r)
				supplierops.RegisterReminders(r, st[i])
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { r.Run(ctx); close(done) }()
				t.Cleanup(func() { cancel(); <-done })
			}
			slot := jobs.SlotKey(supplierops.KindReminders, start.Truncate(supplierops.ReminderEvery))
			deadline := time.Now().Add(60 * time.Second)
			for countWhere(t, st[0], "jobs", "unique_key = ? AND status = 'done'", slot) != 1 ||
				countWhere(t, st[0], "jobs", "status IN ('queued','running')") != 0 {
				if time.Now().After(deadline) {
					t.Fatal("the reminder job and its deliveries did not finish within a minute")
				}
				time.Sleep(10 * time.Millisecond)
			}
			if n := countWhere(t, st[0], "jobs", "kind = ?", supplierops.KindReminders); n != 1 {
				t.Errorf("%d reminder jobs for one slot, want 1", n)
			}
			if n := countWhere(t, st[0], "jobs", "status <> 'done'"); n != 0 {
				t.Errorf("%d jobs did not end as done", n)
			}

			// E-mail, through the SMTP server.
			qm := w.Users[qms.RoleQualityManager]
			link := "https://qms.example.com/certificates/" + strconv.FormatInt(c.ID, 10)
			got := map[string]int{}
			for _, m := range sink.Messages() {
				p := notifytest.Parse(t, m.Data)
				if m.To != qm.Email || p.To.Address != qm.Email || p.To.Name != qm.Name || m.From != "qms@example.com" {
					t.Errorf("an e-mail from %s to %s (%+v), want to the quality manager %s", m.From, m.To, p.To, qm.Email)
				}
				typ := p.Header.Get("X-Qms-Event")
				got[typ]++
				if !strings.Contains(p.Subject, "ISO 9001:2015 VN-MAIL-1") || !strings.Contains(p.Body, link) {
					t.Errorf("%s e-mail %q lacks the certificate or its link:\n%s", typ, p.Subject, p.Body)
				}
				switch typ {
				case supplierops.EventExpiring:
					if !strings.Contains(p.Subject, "expires in 30 days") {
						t.Errorf("expiry e-mail subject %q does not say it expires in 30 days", p.Subject)
					}
				case supplierops.EventSurveillanceOverdue:
					if !strings.Contains(strings.ToLower(p.Subject), "surveillance") {
						t.Errorf("surveillance e-mail subject %q does not say what is overdue", p.Subject)
					}
				}
			}
			if got[supplierops.EventExpiring] != 1 || got[supplierops.EventSurveillanceOverdue] != 1 || len(got) != 2 {
				t.Errorf("e-mails by event: %v; want one expiring and one surveillance_overdue", got)
			}
			if n := countWhere(t, st[0], "email_deliveries", "status = 'sent' AND attempts = 1"); n != 2 {
				t.Errorf("%d e-mails recorded as sent at the first attempt, want 2", n)
			}
			if n := countWhere(t, st[0], "notifications", "user_id = ?", qm.ID); n != 2 {
				t.Errorf("the quality manager has %d notifications, want 2", n)
			}

			// The webhook: each reminder posted once, signed.
			posts := rc.posts()
			byType := map[string]int{}
			for _, p := range posts {
				typ, ts, sig := p.header.Get(notify.HeaderEvent), p.header.Get(notify.HeaderTimestamp), p.header.Get(notify.HeaderSignature)
				byType[typ]++
				mac := hmac.New(sha256.New, []byte(secret))
				mac.Write([]byte(ts + "." + string(p.body)))
				if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); ts == "" || sig != want {
					t.Errorf("%s post signed %q at %q, want %q (HMAC-SHA256 of timestamp.body with the secret)", typ, sig, ts, want)
				}
				unix, err := strconv.ParseInt(ts, 10, 64)
				if err != nil || notify.VerifySignature(secret, ts, sig, p.body, time.Unix(unix, 0), time.Minute) != nil {
					t.Errorf("%s post: the signature does not verify with the secret", typ)
				}
				if notify.VerifySignature("whsec_other", ts, sig, p.body, time.Unix(unix, 0), time.Minute) == nil {
					t.Errorf("%s post: the signature verifies with another secret", typ)
				}
				var body notify.Payload
				if err := json.Unmarshal(p.body, &body); err != nil {
					t.Fatalf("post body %s: %v", p.body, err)
				}
				if body.Type != typ || body.Entity == nil || body.Entity.Type != "certificate" || body.Entity.ID != c.ID ||
					!strings.Contains(body.Subject, "VN-MAIL-1") || body.Link != "/certificates/"+strconv.FormatInt(c.ID, 10) {
					t.Errorf("post body %s", p.body)
				}
				delivery, err := strconv.ParseInt(p.header.Get(notify.HeaderDelivery), 10, 64)
				if err != nil {
					t.Errorf("%s post: delivery id %q", typ, p.header.Get(notify.HeaderDelivery))
				}
				if n := countWhere(t, st[0], "webhook_deliveries", "id = ? AND webhook_id = ? AND event_type = ? AND status = 'succeeded' AND attempts = 1",
					delivery, hook.ID, typ); n != 1 {
					t.Errorf("%s post: delivery %d is not in the log as succeeded at the first attempt", typ, delivery)
				}
			}
			if len(posts) != 2 || byType[supplierops.EventExpiring] != 1 || byType[supplierops.EventSurveillanceOverdue] != 1 {
				t.Errorf("webhook posts by event: %v; want one expiring and one surveillance_overdue", byType)
			}
			if n := countWhere(t, st[0], "webhook_deliveries", "webhook_id = ?", hook.ID); n != 2 {
				t.Errorf("the delivery log has %d deliveries, want 2", n)
			}
		})
	}
}
