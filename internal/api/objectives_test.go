package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/complaint"
	"qms/internal/mgmtreview"
	"qms/internal/objective"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// qmsAccess is one quality system operation: setup makes a fresh record
// (as the system) and returns the path and body; the roles in ok succeed,
// every other role gets 403.
type qmsAccess struct {
	method, path string
	setup        func(t *testing.T, st *store.Store) (path, body string)
	ok           map[string]int
	want         string
}

func qmsToday() qms.Date { return qms.DateOf(time.Now().UTC()) }

var qmsSys = qms.WithActor(context.Background(), qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})

func newObjective(t *testing.T, st *store.Store) *objective.Objective {
	m := objective.MonthOf(qmsToday())
	o := &objective.Objective{Title: "Lot acceptance", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 97, Owner: "Lena",
		From: m, To: m}
	if err := st.Update(qmsSys, func(tx *store.Tx) error { return tx.CreateObjective(o) }); err != nil {
		t.Fatal(err)
	}
	return o
}

func newReview(t *testing.T, st *store.Store) *mgmtreview.Review {
	d := qmsToday()
	r := &mgmtreview.Review{Title: "MR", HeldOn: d, From: d.AddDate(0, -6, 0), To: d, Attendees: []mgmtreview.Attendee{{Name: "Lena"}}, Decisions: []string{"Go on"}}
	if err := st.Update(qmsSys, func(tx *store.Tx) error { return tx.CreateReview(r) }); err != nil {
		t.Fatal(err)
	}
	return r
}

func newAction(t *testing.T, st *store.Store) *mgmtreview.Action {
	r := newReview(t, st)
	a := &mgmtreview.Action{ReviewID: r.ID, Description: "Audit A", Owner: "Lena", DueOn: qmsToday()}
	if err := st.Update(qmsSys, func(tx *store.Tx) error { return tx.AddReviewAction(a) }); err != nil {
		t.Fatal(err)
	}
	return a
}

func newComplaint(t *testing.T, st *store.Store) *complaint.Complaint {
	c := &complaint.Complaint{ReceivedOn: qmsToday(), Customer: "Müller Audio", ProductText: "BS-20", Description: "No sound", NoCAPAReason: "single unit, handling damage"}
	if err := st.Update(qmsSys, func(tx *store.Tx) error { return tx.CreateComplaint(c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

var (
	qmsReaders  = map[string]int{"admin": 200, "quality_manager": 200, "inspector": 200, "viewer": 200, "auditor": 200}
	qmsManagers = func(status int) map[string]int { return map[string]int{"admin": status, "quality_manager": status} }
	fixed       = func(path, body string) func(*testing.T, *store.Store) (string, string) {
		return func(*testing.T, *store.Store) (string, string) { return path, body }
	}
)

func objectiveBody() string {
	m := string(objective.MonthOf(qmsToday()))
	return `{"title":"CAPAs on time","metric":"capa_on_time","comparison":">=","target":90,"owner":"Lena","period_from":"` + m + `","period_to":"` + m + `"`
}

var qmsMatrix = []qmsAccess{
	{"GET", "/objectives", fixed("/api/v1/objectives?current=true", ""), qmsReaders, `"items"`},
	{"POST", "/objectives", fixed("/api/v1/objectives", objectiveBody()+"}"), qmsManagers(201), `"status":"no_data"`},
	{"GET", "/objectives/{id}", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/objectives/" + id(newObjective(t, st).ID), ""
	}, qmsReaders, `"trend"`},
	{"PUT", "/objectives/{id}", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/objectives/" + id(newObjective(t, st).ID), objectiveBody() + `,"version":1,"reason":"wording"}`
	}, qmsManagers(200), `"CAPAs on time"`},
	{"POST", "/objectives/{id}/void", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/objectives/" + id(newObjective(t, st).ID) + "/void", `{"version":1,"reason":"replaced"}`
	}, qmsManagers(200), `"void_reason":"replaced"`},
	{"GET", "/reviews", fixed("/api/v1/reviews", ""), qmsReaders, `"items"`},
	{"GET", "/reviews/pack", func(*testing.T, *store.Store) (string, string) {
		return "/api/v1/reviews/pack?from=" + qmsToday().AddDate(-1, 0, 0).String() + "&to=" + qmsToday().String(), ""
	}, qmsReaders, `"ncrs"`},
	{"POST", "/reviews", func(*testing.T, *store.Store) (string, string) {
		d := qmsToday()
		return "/api/v1/reviews", `{"title":"MR 2026","held_on":"` + d.String() + `","period_from":"` + d.AddDate(0, -3, 0).String() + `","period_to":"` + d.String() + `"}`
	}, qmsManagers(201), `"live":true`},
	{"GET", "/reviews/{id}", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/reviews/" + id(newReview(t, st).ID), ""
	}, qmsReaders, `"pack"`},
	{"PUT", "/reviews/{id}", func(t *testing.T, st *store.Store) (string, string) {
		r := newReview(t, st)
		return "/api/v1/reviews/" + id(r.ID), `{"title":"Renamed","held_on":"` + r.HeldOn.String() + `","period_from":"` + r.From.String() + `","period_to":"` +
			r.To.String() + `","decisions":["Keep it"],"version":1}`
	}, qmsManagers(200), `"Renamed"`},
	{"POST", "/reviews/{id}/close", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/reviews/" + id(newReview(t, st).ID) + "/close", `{"version":1}`
	}, qmsManagers(200), `"status":"closed"`},
	{"POST", "/reviews/{id}/actions", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/reviews/" + id(newReview(t, st).ID) + "/actions", `{"description":"Train inspectors","owner":"Lena","due_on":"` + qmsToday().String() + `"}`
	}, qmsManagers(201), `"status":"open"`},
	{"POST", "/review-actions/{id}/finish", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/review-actions/" + id(newAction(t, st).ID) + "/finish", `{"status":"done","result":"Done in March","version":1}`
	}, qmsManagers(200), `"status":"done"`},
	{"GET", "/complaints", fixed("/api/v1/complaints?status=open", ""), qmsReaders, `"items"`},
	{"POST", "/complaints", func(*testing.T, *store.Store) (string, string) {
		return "/api/v1/complaints", `{"received_on":"` + qmsToday().String() + `","customer":"Müller Audio","product_text":"BS-20","description":"Knistern","reportable":false}`
	}, map[string]int{"admin": 201, "quality_manager": 201, "inspector": 201}, `"number":"CMP-`},
	{"GET", "/complaints/{id}", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/complaints/" + id(newComplaint(t, st).ID), ""
	}, qmsReaders, `"customer":"Müller Audio"`},
	{"PUT", "/complaints/{id}", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/complaints/" + id(newComplaint(t, st).ID), `{"received_on":"` + qmsToday().String() +
			`","customer":"Müller Audio GmbH","product_text":"BS-20","description":"No sound","reportable":false,"version":1}`
	}, qmsManagers(200), `"Müller Audio GmbH"`},
	{"POST", "/complaints/{id}/close", func(t *testing.T, st *store.Store) (string, string) {
		return "/api/v1/complaints/" + id(newComplaint(t, st).ID) + "/close", `{"version":1}`
	}, qmsManagers(200), `"status":"closed"`},
	{"GET", "/evidence", fixed("/api/v1/evidence", ""), qmsReaders, `"clause":"9.3"`},
	{"GET", "/settings/qms", fixed("/api/v1/settings/qms", ""), qmsReaders, `"iso13485"`},
	{"PUT", "/settings/qms", func(t *testing.T, st *store.Store) (string, string) {
		var v int64
		if err := st.View(context.Background(), func(tx *store.Tx) error { s, err := tx.QMSSettings(); v = s.Version; return err }); err != nil {
			t.Fatal(err)
		}
		return "/api/v1/settings/qms", `{"iso13485":true,"version":` + id(v) + `,"reason":"medical devices"}`
	}, map[string]int{"admin": 200}, `"iso13485":true`},
}

func init() {
	for _, a := range qmsMatrix {
		testedElsewhere[a.method+" "+a.path] = "TestQualitySystemRoleMatrix"
	}
}

// TestQualitySystemRoleMatrix runs every quality system operation as
// every role: internal users read, quality managers and administrators
// change, inspectors record complaints, only an administrator switches ISO
// 13485 mode, a supplier user gets 403 everywhere; nothing refused is
// written.
func TestQualitySystemRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSupEnv(t, st)
		for _, a := range qmsMatrix {
			for _, who := range []string{"supplier", "auditor", "viewer", "inspector", "quality_manager", "admin"} {
				t.Run(a.method+" "+a.path+" as "+who, func(t *testing.T) {
					e.t = t
					path, body := a.setup(t, st)
					want, ok := a.ok[who]
					if !ok {
						want = 403
					}
					before := countEvents(t, st)
					r := e.do(a.method, path, who, body)
					if r.status != want {
						t.Fatalf("%s %s = %d, want %d: %s", a.method, path, r.status, want, r.body)
					}
					if r.status < 300 && a.want != "" && !strings.Contains(string(r.body), a.want) {
						t.Errorf("response lacks %s: %s", a.want, r.body)
					}
					if r.status >= 400 {
						if p := r.problem(t); p.Status != r.status || p.Detail == "" {
							t.Errorf("problem %+v", p)
						}
						if after := countEvents(t, st); after != before {
							t.Errorf("a refused request wrote %d audit events", after-before)
						}
					}
				})
			}
		}
		// Bad input: named fields, nothing written.
		before := countEvents(t, st)
		for _, c := range []struct{ method, path, body, field string }{
			{"POST", "/api/v1/objectives", `{"title":"","metric":"lot_acceptance","comparison":">=","target":120,"owner":"x","period_from":"2026-01","period_to":"2026-12"}`, "target"},
			{"POST", "/api/v1/reviews", `{"title":"MR","held_on":"2026-01-01","period_from":"2026-03-01","period_to":"2026-02-01"}`, "period_to"},
			{"POST", "/api/v1/complaints", `{"received_on":"2026-01-01","customer":"","description":"x","product_text":"y","reportable":true}`, "reportability"},
		} {
			r := e.do(c.method, c.path, "quality_manager", c.body)
			if r.status != 400 && r.status != 422 || !strings.Contains(string(r.body), c.field) {
				t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
			}
		}
		if after := countEvents(t, st); after != before {
			t.Errorf("bad input wrote %d audit events", after-before)
		}
	})
}
