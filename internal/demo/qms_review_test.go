package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"qms/internal/demo"
	"qms/internal/mgmtreview"
	"qms/internal/qms"
	"qms/internal/qmsops"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestLoadReview: the demo has objectives evaluated from the demo data,
// complaints, a closed review with its frozen pack and actions, and a
// draft; loading twice changes nothing.
func TestLoadReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var out bytes.Buffer
		if err := demo.Load(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if err := demo.LoadReview(ctx, st, &out); err != nil {
				t.Fatal(err)
			}
		}
		sys := qms.WithActor(ctx, qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})
		ops := &qmsops.Service{Store: st}
		objs, err := ops.Objectives(sys, false)
		if err != nil || len(objs) != 5 {
			t.Fatalf("objectives: %d %v", len(objs), err)
		}
		reviews, err := ops.Reviews(sys)
		if err != nil || len(reviews) != 2 {
			t.Fatalf("reviews: %d %v", len(reviews), err)
		}
		var closed *qmsops.ReviewDetail
		for _, r := range reviews {
			if r.Status == mgmtreview.Closed {
				if closed, err = ops.Review(sys, r.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if closed == nil || closed.Live || len(closed.Actions) != 2 || len(closed.Review.Decisions) != 3 {
			t.Fatalf("closed review: %+v", closed)
		}
		cs, _, err := ops.Complaints(sys, store.ComplaintFilter{})
		if err != nil || len(cs) != 3 {
			t.Fatalf("complaints: %d %v", len(cs), err)
		}
		if !strings.Contains(out.String(), "management review") {
			t.Errorf("output: %s", out.String())
		}
	})
}
