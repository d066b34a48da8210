package documentops

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"qms/internal/document"
	"qms/internal/jobs"
	"qms/internal/notify"
	"qms/internal/qms"
	"qms/internal/store"
)

// KindDaily is the daily job of the document module.
const KindDaily = "documents.daily"

// ReviewNotice is how many days ahead the owner of a document or risk is
// reminded of its periodic review.
const ReviewNotice = 30

// RegisterJobs registers the daily job: it puts approved revisions in
// force when their effective date comes, and reminds owners of periodic
// reviews of documents and risks (due within ReviewNotice days or past)
// and readers of overdue acknowledgements. Each reminder goes out once
// (a notify key per record and occasion).
func RegisterJobs(r *jobs.Runner, st *store.Store) {
	r.Handle(KindDaily, func(ctx context.Context, _ *store.Job) error { return Daily(ctx, st) })
	r.Every(KindDaily, 24*time.Hour, nil)
}

// Daily runs the daily work once, as qms itself.
func Daily(ctx context.Context, st *store.Store) error {
	return st.Update(qms.WithActor(ctx, qms.System), func(tx *store.Tx) error {
		promoted, err := tx.PromoteScheduled()
		if err != nil {
			return fmt.Errorf("put scheduled revisions in force: %w", err)
		}
		for _, r := range promoted {
			if err := announce(tx, &r); err != nil {
				return err
			}
		}
		today := qms.DateOf(tx.Now)
		docs, err := tx.DocumentsReviewDue(today.AddDate(0, 0, ReviewNotice))
		if err != nil {
			return err
		}
		for _, d := range docs {
			when := "is due on " + d.NextReviewOn.String()
			if d.NextReviewOn.Before(today) {
				when = "was due on " + d.NextReviewOn.String()
			}
			if _, err := notify.Publish(tx, notify.Event{Type: "document.review_due", Key: "document:" + id(d.ID) + ":review:" + d.NextReviewOn.String(),
				Subject:    fmt.Sprintf("Periodic review of %s %s %s", d.Number, d.Title, when),
				Body:       "Review the document: confirm it is still suitable, or start a new revision.",
				EntityType: "document", EntityID: d.ID, Link: DocumentPath(d.ID), Users: []int64{d.OwnerID},
				Data: map[string]any{"document_id": d.ID, "number": d.Number, "next_review_on": d.NextReviewOn}}); err != nil {
				return err
			}
		}
		late, err := tx.OverdueAcknowledgements(today)
		if err != nil {
			return err
		}
		for _, a := range late {
			if _, err := notify.Publish(tx, notify.Event{Type: "document.acknowledgement_overdue", Key: "document_acknowledgement:" + id(a.ID) + ":overdue",
				Subject:    fmt.Sprintf("Overdue: read and acknowledge %s %s (revision %d), due %s", a.DocumentNumber, a.DocumentTitle, a.Revision, a.DueOn),
				EntityType: "document", EntityID: a.DocumentID, Link: DocumentPath(a.DocumentID), Users: []int64{a.UserID},
				Data: map[string]any{"acknowledgement_id": a.ID, "document_id": a.DocumentID, "due_on": a.DueOn}}); err != nil {
				return err
			}
		}
		risks, err := tx.RisksDueForReview(today.AddDate(0, 0, ReviewNotice))
		if err != nil {
			return err
		}
		for _, r := range risks {
			if _, err := notify.Publish(tx, notify.Event{Type: "risk.review_due", Key: "risk:" + id(r.ID) + ":review:" + r.ReviewOn.String(),
				Subject:    fmt.Sprintf("Review of the %s %q is due on %s", r.Kind, r.Title, r.ReviewOn),
				EntityType: "risk", EntityID: r.ID, Link: RiskPath(r.ID), Users: []int64{r.OwnerID},
				Data: map[string]any{"risk_id": r.ID, "review_on": r.ReviewOn, "score": r.Score}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// announce tells the readers of a revision that became effective that
// they must read and acknowledge it.
func announce(tx *store.Tx, r *document.Revision) error {
	acks, err := tx.Acknowledgements(store.AckFilter{RevisionID: r.ID, Open: true, Limit: store.MaxPageSize})
	if err != nil {
		return err
	}
	for _, a := range acks {
		if _, err := notify.Publish(tx, notify.Event{Type: "document.acknowledgement_assigned", Key: "document_acknowledgement:" + id(a.ID) + ":assigned",
			Subject:    fmt.Sprintf("Read and acknowledge %s %s (revision %d) by %s", a.DocumentNumber, a.DocumentTitle, a.Revision, a.DueOn),
			EntityType: "document", EntityID: a.DocumentID, Link: DocumentPath(a.DocumentID), Users: []int64{a.UserID},
			Data: map[string]any{"acknowledgement_id": a.ID, "document_id": a.DocumentID, "revision": a.Revision, "due_on": a.DueOn}}); err != nil {
			return err
		}
	}
	return nil
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// DocumentPath is the web page of a document.
func DocumentPath(id int64) string { return "/documents/" + strconv.FormatInt(id, 10) }

// RiskPath is the web page of a risk.
func RiskPath(id int64) string { return "/risks/" + strconv.FormatInt(id, 10) }
