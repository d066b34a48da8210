package qauditops

import (
	"context"
	"fmt"
	"time"

	"qms/internal/jobs"
	"qms/internal/notify"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/store"
)

// Notify event types of audit findings.
const (
	EventFindingDueSoon = "audit.finding_due_soon" // an open nonconformity is due within RemindDays
	EventFindingOverdue = "audit.finding_overdue"  // an open nonconformity is past its due date
)

// KindDaily is the daily job that reminds of open findings due soon and
// tells of overdue ones.
const KindDaily = "audit.daily"

// RemindDays is how many days before its due date an open finding is
// reminded of.
const RemindDays = 7

// RegisterJobs installs the daily reminder of findings on r.
func RegisterJobs(r *jobs.Runner, st *store.Store) {
	r.Handle(KindDaily, func(ctx context.Context, _ *store.Job) error { _, err := Daily(ctx, st); return err })
	r.Every(KindDaily, 24*time.Hour, nil)
}

// Daily publishes, once each, a reminder for every open finding due within
// RemindDays and an overdue notice for every one past its due date, to the
// quality managers and the audit's lead auditor. It returns how many it
// published (events published before are not counted).
func Daily(ctx context.Context, st *store.Store) (int, error) {
	n := 0
	err := st.Update(qms.WithActor(ctx, qms.System), func(tx *store.Tx) error {
		today := qms.DateOf(tx.Now)
		open, err := tx.ListAuditFindings(store.FindingFilter{Status: qaudit.FindingOpen, Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		for _, f := range open {
			if f.DueOn.IsZero() {
				continue
			}
			var t, occasion, subject string
			switch {
			case f.Overdue(today):
				t, occasion, subject = EventFindingOverdue, "overdue", fmt.Sprintf("%s is overdue (due %s)", f.Number(), f.DueOn)
			case today.DaysUntil(f.DueOn) <= RemindDays:
				t, occasion, subject = EventFindingDueSoon, "reminder", fmt.Sprintf("%s is due on %s", f.Number(), f.DueOn)
			default:
				continue
			}
			a, err := tx.QualityAudit(f.AuditID)
			if err != nil {
				return err
			}
			body := fmt.Sprintf("%s %s\n%s, clause %s: %s\nEvidence: %s", a.Number(), a.Title, f.Grade.Label(), f.Clause, f.Question, f.Evidence)
			ok, err := notify.Publish(tx, notify.Event{Type: t, Key: fmt.Sprintf("audit-finding:%d:%s:%s", f.ID, f.DueOn, occasion),
				Subject: subject, Body: body, EntityType: "audit_finding", EntityID: f.ID,
				Link: fmt.Sprintf("/audits/%d#finding-%d", a.ID, f.ID), Users: []int64{a.LeadID}, Roles: []qms.Role{qms.RoleQualityManager}})
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}
