package documentops_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"qms/internal/auth"
	"qms/internal/document"
	"qms/internal/documentops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const password = "a long enough password"

// clock is a settable time for the store.
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

func each(t *testing.T, fn func(t *testing.T, s *store.Store, c *clock)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			o := storetest.Options(t, d)
			o.Now = c.Now
			s, err := store.Open(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s, c)
		})
	}
}

func user(t *testing.T, s *store.Store, email, name string, role qms.Role) (*qms.User, context.Context) {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u := &qms.User{Email: email, Name: name, Role: role}
	if err := s.Update(context.Background(), func(tx *store.Tx) error { return tx.CreateUser(u, hash) }); err != nil {
		t.Fatal(err)
	}
	return u, qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

func count(t *testing.T, s *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.View(context.Background(), func(tx *store.Tx) error { return tx.QueryRow(q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestApprovalAndDailyJob: approval needs the approver's password; a
// revision scheduled for a later date is put in force by the daily job on
// that day, which tells its readers; overdue acknowledgements and due
// periodic reviews are reminded once however often the job runs; supplier
// users see nothing.
func TestApprovalAndDailyJob(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, c *clock) {
		svc := &documentops.Service{Store: s, Auth: &auth.Service{Store: s, Log: slog.New(slog.DiscardHandler), Policy: auth.DefaultPolicy}}
		author, ctxA := user(t, s, "anna@example.com", "Anna Author", qms.RoleQualityManager)
		_, ctxP := user(t, s, "paul@example.com", "Paul Approver", qms.RoleQualityManager)
		reviewer, ctxR := user(t, s, "rita@example.com", "Rita Reviewer", qms.RoleViewer)
		reader, _ := user(t, s, "ivo@example.com", "Ivo Inspector", qms.RoleInspector)
		sup := &qms.User{Email: "sam@example.com", Name: "Sam", Role: qms.RoleSupplier, SupplierID: new(int64)}
		ctxS := qms.WithActor(context.Background(), qms.ActorOf(sup, "session"))

		d := document.Document{Number: "QP-001", Title: "Quality policy", Type: document.TypePolicy, OwnerID: author.ID, ReviewMonths: 1,
			AckRoles: []qms.Role{qms.RoleInspector}, AckDays: 7}
		r := document.Revision{ChangeDescription: "First issue", Body: "We deliver what we promise."}
		if err := svc.CreateDocument(ctxA, &d, &r, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.ListDocuments(ctxS, store.DocumentFilter{}); qms.ErrorKind(err) != qms.KindForbidden {
			t.Errorf("a supplier lists documents: %v", err)
		}
		rev, err := svc.Submit(ctxA, r.ID, r.Version, []int64{reviewer.ID})
		if err != nil {
			t.Fatal(err)
		}
		if rev, err = svc.Review(ctxR, rev.ID, document.ReviewApproved, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Approve(ctxP, rev.ID, rev.Version, "wrong password", ""); qms.ErrorFields(err)["password"] == "" {
			t.Fatalf("a wrong password: %v", err)
		}
		if n := count(t, s, "SELECT COUNT(*) FROM signatures"); n != 0 {
			t.Fatalf("%d signatures after a wrong password", n)
		}
		if rev, err = svc.Approve(ctxP, rev.ID, rev.Version, password, "agreed"); err != nil {
			t.Fatal(err)
		}
		today := qms.DateOf(c.Now())
		if rev, err = svc.MakeEffective(ctxP, rev.ID, rev.Version, today.AddDate(0, 0, 10)); err != nil || rev.Status != document.StatusApproved {
			t.Fatalf("scheduled: %v %+v", err, rev)
		}
		notes := func() int {
			return count(t, s, "SELECT COUNT(*) FROM notifications WHERE user_id = ?", reader.ID)
		}
		if err := documentops.Daily(context.Background(), s); err != nil || notes() != 0 {
			t.Fatalf("before the date: %v, %d notifications", err, notes())
		}
		c.add(10 * 24 * time.Hour)
		if err := documentops.Daily(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		v, err := svc.Document(ctxA, d.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if v.Shown.Status != document.StatusEffective || len(v.Acks) != 1 || notes() != 1 {
			t.Fatalf("on the date: %s, acks %+v, %d notifications", v.Shown.Status, v.Acks, notes())
		}
		// 8 days later the acknowledgement is overdue, and the monthly review is near.
		c.add(8 * 24 * time.Hour)
		for range 2 {
			if err := documentops.Daily(context.Background(), s); err != nil {
				t.Fatal(err)
			}
		}
		if notes() != 2 {
			t.Errorf("reader notifications after the overdue reminder (twice): %d, want 2", notes())
		}
		if n := count(t, s, "SELECT COUNT(*) FROM notifications n JOIN notification_events e ON e.id = n.event_id WHERE e.type = 'document.review_due' AND n.user_id = ?",
			author.ID); n != 1 {
			t.Errorf("owner's review reminders: %d, want 1", n)
		}
	})
}
