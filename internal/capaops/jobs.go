package capaops

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

// PortalLink returns the path of a supplier request's page in the
// supplier portal.
func PortalLink(id int64) string { return fmt.Sprintf("/portal/scars/%d", id) }

// SupplierEventType is the notify event type of what a supplier's users
// are told of their request: "scar." and the CAPA event's name
// (capa.stage_returned -> scar.stage_returned). It is a separate event,
// linking to the portal and carrying only what the supplier may see.
func SupplierEventType(t string) string { return "scar." + strings.TrimPrefix(t, "capa.") }

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

// owner returns the CAPA's owner as the users told of an event, unless
// the owner caused it.
func owner(c *capa.CAPA, by int64) []int64 {
	if c.OwnerID > 0 && c.OwnerID != by {
		return []int64{c.OwnerID}
	}
	return []int64{}
}

// tellSupplier publishes, for a supplier request, the supplier's side of
// an event to the supplier's users (but the one who caused it): type
// SupplierEventType(t), linking to the portal, with only the request's
// number, title, stage and the reviewer's comment.
func tellSupplier(tx *store.Tx, c *capa.CAPA, t, key, subject, body string, st capa.Stage, comment string, by int64) error {
	if c.Kind != capa.KindSupplier || c.SupplierID == 0 {
		return nil
	}
	ids, err := tx.SupplierUserIDs(c.SupplierID)
	if err != nil {
		return err
	}
	users := []int64{}
	for _, id := range ids {
		if id != by {
			users = append(users, id)
		}
	}
	if len(users) == 0 {
		return nil
	}
	_, err = notify.Publish(tx, notify.Event{Type: SupplierEventType(t), Key: key + ":supplier", Subject: subject, Body: body,
		EntityType: "capa", EntityID: c.ID, Link: PortalLink(c.ID), Users: users,
		Data: map[string]any{"capa_id": c.ID, "number": c.Number(), "stage": st, "comment": comment}})
	return err
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
		// The body is what a supplier user may read: the number, title,
		// stage and the reviewer's comment, never notes or reasons.
		body := fmt.Sprintf("%s: %s", c.Number(), c.Title)
		if e.Stage != "" {
			body += fmt.Sprintf("\nStage: %s %s", e.Stage, e.Stage.Title())
		}
		if e.Comment != "" {
			body += "\nComment: " + e.Comment
		}
		key := fmt.Sprintf("capa.event:job:%d", j.ID)
		if _, err = notify.Publish(tx, notify.Event{Type: e.Type, Key: key, Subject: e.Subject(), Body: body,
			EntityType: "capa", EntityID: c.ID, Link: Link(c.ID), Users: owner(c, e.ByID), Roles: []qms.Role{qms.RoleQualityManager},
			NoEmail: quiet[e.Type], Data: e}); err != nil {
			return err
		}
		if !e.ForSupplier() {
			return nil
		}
		return tellSupplier(tx, c, e.Type, key, e.Subject(), body, e.Stage, e.Comment, e.ByID)
	})
}

// publishStage tells of a stage due soon, overdue or escalated, if the job
// still applies (capa.StageJob.Current: the CAPA active, the stage not
// accepted and still due on the same date), to the owner and the quality
// managers (escalations to the administrators as well) and, for a stage
// the supplier answers, to the supplier's users (tellSupplier). The key
// names the CAPA, stage, due date and occasion, so each is sent once.
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
		roles := []qms.Role{qms.RoleQualityManager}
		if t == capa.EventStageEscalation {
			roles = append(roles, qms.RoleAdmin)
		}
		e := capa.NewEvent(t, c, p.Stage, "", 0, "qms")
		occasion := map[string]string{capa.EventStageDueSoon: "reminder", capa.EventStageOverdue: "overdue", capa.EventStageEscalation: "escalate"}[t]
		key := fmt.Sprintf("capa:%d:%s:%s:%s", c.ID, p.Stage, p.DueOn, occasion)
		body := fmt.Sprintf("%s: %s\nStage: %s %s\nDue: %s", c.Number(), c.Title, p.Stage, p.Stage.Title(), p.DueOn)
		if _, err = notify.Publish(tx, notify.Event{Type: t, Key: key, Subject: e.Subject(), Body: body,
			EntityType: "capa", EntityID: c.ID, Link: Link(c.ID), Users: owner(c, 0), Roles: roles, Data: e}); err != nil {
			return err
		}
		if !p.Stage.SupplierAnswers() {
			return nil
		}
		return tellSupplier(tx, c, t, key, e.Subject(), body, p.Stage, "", 0)
	})
}

// Register wires the CAPA and NCR module into the server: its job handlers
// and daily evaluation (RegisterJobs) and the access rules of CAPA
// evidence files (RegisterFiles).
func Register(r *jobs.Runner, files *blob.Service, st *store.Store) {
	RegisterJobs(r, st)
	(&Service{Store: st}).RegisterFiles(files)
}
