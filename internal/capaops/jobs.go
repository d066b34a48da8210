package capaops

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/jobs"
	"qms/internal/ncrops"
	"qms/internal/notify"
	"qms/internal/qms"
	"qms/internal/store"
)

// KindEvaluateDue is the daily job that evaluates the effectiveness
// criteria whose days window ended (store.Tx.EvaluateDueCriteria): the
// only evaluations that time alone changes.
const KindEvaluateDue = "capa.evaluate_due"

// EvaluateEvery is how often KindEvaluateDue runs.
const EvaluateEvery = 24 * time.Hour

// Link returns the path of a CAPA's page in the web UI.
func Link(id int64) string { return fmt.Sprintf("/capas/%d", id) }

// Handlers returns the handlers of the CAPA job kinds the store enqueues
// (capa.JobEvent, capa.JobStageReminder, capa.JobStageOverdue,
// capa.JobStageEscalate), of KindEvaluateDue and of the NCR job kinds
// (ncrops.Handlers), by kind.
func Handlers(st *store.Store) map[string]jobs.Handler {
	stage := func(t string) jobs.Handler {
		return func(ctx context.Context, j *store.Job) error { return publishStage(ctx, st, j, t) }
	}
	hs := map[string]jobs.Handler{
		capa.JobEvent:         func(ctx context.Context, j *store.Job) error { return publishEvent(ctx, st, j) },
		capa.JobStageReminder: stage(capa.EventStageDueSoon),
		capa.JobStageOverdue:  stage(capa.EventStageOverdue),
		capa.JobStageEscalate: stage(capa.EventStageEscalation),
		KindEvaluateDue: func(ctx context.Context, j *store.Job) error {
			return st.Update(ctx, func(tx *store.Tx) error {
				_, err := tx.EvaluateDueCriteria()
				return err
			})
		},
	}
	for kind, h := range ncrops.Handlers(st) {
		hs[kind] = h
	}
	return hs
}

// RegisterJobs installs the job handlers of CAPAs and NCRs on r
// (Handlers) and schedules the daily evaluation of
// effectiveness criteria: notifications and webhooks of each change,
// stage reminders before the due date, overdue notices the day after,
// escalations to the quality managers later, each sent once.
func RegisterJobs(r *jobs.Runner, st *store.Store) {
	for kind, h := range Handlers(st) {
		r.Handle(kind, h)
	}
	r.Every(KindEvaluateDue, EvaluateEvery, nil)
}

// recipients returns who hears of an event about c: its owner and the
// quality managers, and, for what a supplier sees of its request, the
// supplier's users. The actor who caused it is left out of the users.
func recipients(tx *store.Tx, c *capa.CAPA, forSupplier bool, by int64) ([]int64, error) {
	users := []int64{}
	if c.OwnerID > 0 && c.OwnerID != by {
		users = append(users, c.OwnerID)
	}
	if forSupplier && c.Kind == capa.KindSupplier && c.SupplierID > 0 {
		ids, err := tx.SupplierUserIDs(c.SupplierID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if id != by {
				users = append(users, id)
			}
		}
	}
	return users, nil
}

// quiet are the event types told in the app only, without e-mail.
var quiet = map[string]bool{capa.EventStageSaved: true}

func publishEvent(ctx context.Context, st *store.Store, j *store.Job) error {
	var e capa.Event
	if err := json.Unmarshal(j.Payload, &e); err != nil || e.CAPAID <= 0 {
		return jobs.Permanent(fmt.Errorf("capa.event payload: %v", err))
	}
	return st.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.CAPA(e.CAPAID)
		if qms.ErrorKind(err) == qms.KindNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		users, err := recipients(tx, c, e.ForSupplier(), e.ByID)
		if err != nil {
			return err
		}
		// The body is what a supplier user may read: the number, title,
		// stage and the reviewer's comment, never notes or reasons.
		body := fmt.Sprintf("%s: %s", c.Number(), c.Title)
		if e.Stage != "" {
			body += fmt.Sprintf("\nStage: %s %s", e.Stage, e.Stage.Title())
		}
		if e.Comment != "" {
			body += "\nComment: " + e.Comment
		}
		_, err = notify.Publish(tx, notify.Event{Type: e.Type, Key: fmt.Sprintf("capa.event:job:%d", j.ID), Subject: e.Subject(), Body: body,
			EntityType: "capa", EntityID: c.ID, Link: Link(c.ID), Users: users, Roles: []qms.Role{qms.RoleQualityManager},
			NoEmail: quiet[e.Type], Data: e})
		return err
	})
}

// publishStage tells of a stage due soon, overdue or escalated, if the job
// still applies (capa.StageJob.Current: the CAPA active, the stage not
// accepted and still due on the same date), to the owner, the quality
// managers and, for a stage the supplier answers, the supplier's users;
// escalations to the administrators as well. The key names the CAPA,
// stage, due date and occasion, so each is sent once.
func publishStage(ctx context.Context, st *store.Store, j *store.Job, t string) error {
	var p capa.StageJob
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.CAPAID <= 0 {
		return jobs.Permanent(fmt.Errorf("%s payload: %v", j.Kind, err))
	}
	return st.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.CAPA(p.CAPAID)
		if qms.ErrorKind(err) == qms.KindNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if !p.Current(c) {
			return nil
		}
		users, err := recipients(tx, c, p.Stage.SupplierAnswers(), 0)
		if err != nil {
			return err
		}
		roles := []qms.Role{qms.RoleQualityManager}
		if t == capa.EventStageEscalation {
			roles = append(roles, qms.RoleAdmin)
		}
		e := capa.NewEvent(t, c, p.Stage, "", 0, "qms")
		occasion := map[string]string{capa.EventStageDueSoon: "reminder", capa.EventStageOverdue: "overdue", capa.EventStageEscalation: "escalate"}[t]
		_, err = notify.Publish(tx, notify.Event{Type: t, Key: fmt.Sprintf("capa:%d:%s:%s:%s", c.ID, p.Stage, p.DueOn, occasion),
			Subject: e.Subject(), Body: fmt.Sprintf("%s: %s\nStage: %s %s\nDue: %s", c.Number(), c.Title, p.Stage, p.Stage.Title(), p.DueOn),
			EntityType: "capa", EntityID: c.ID, Link: Link(c.ID), Users: users, Roles: roles, Data: e})
		return err
	})
}

// Register wires the CAPA and NCR module into the server: its job handlers
// and daily evaluation (RegisterJobs) and the access rules of CAPA
// evidence files (RegisterFiles).
func Register(r *jobs.Runner, files *blob.Service, st *store.Store) {
	RegisterJobs(r, st)
	(&Service{Store: st}).RegisterFiles(files)
}
