package ncrops

import (
	"context"
	"encoding/json"
	"fmt"

	"qms/internal/jobs"
	"qms/internal/ncr"
	"qms/internal/notify"
	"qms/internal/qms"
	"qms/internal/store"
)

// EventActionOverdue is the notify event type of a containment action
// still open after its due date.
const EventActionOverdue = "ncr.action_overdue"

// Link returns the path of an NCR's page in the web UI.
func Link(id int64) string { return fmt.Sprintf("/ncrs/%d", id) }

// Handlers returns the handlers of the NCR job kinds the store enqueues
// (ncr.JobEvent, ncr.JobActionOverdue), by kind.
func Handlers(st *store.Store) map[string]jobs.Handler {
	return map[string]jobs.Handler{
		ncr.JobEvent:         func(ctx context.Context, j *store.Job) error { return publishEvent(ctx, st, j) },
		ncr.JobActionOverdue: func(ctx context.Context, j *store.Job) error { return publishOverdue(ctx, st, j) },
	}
}

// RegisterJobs installs the NCR job handlers on r: each change is told
// in the app, by e-mail and to webhooks (to the NCR's author and the
// quality managers), and an open containment action is reported overdue
// the day after its due date, once.
func RegisterJobs(r *jobs.Runner, st *store.Store) {
	for kind, h := range Handlers(st) {
		r.Handle(kind, h)
	}
}

// quiet are the event types told in the app only, without e-mail.
var quiet = map[string]bool{ncr.EventUpdated: true, ncr.EventCostRecorded: true, ncr.EventActionAdded: true}

func publishEvent(ctx context.Context, st *store.Store, j *store.Job) error {
	var e ncr.Event
	if err := json.Unmarshal(j.Payload, &e); err != nil || e.NCRID <= 0 {
		return jobs.Permanent(fmt.Errorf("ncr.event payload: %v", err))
	}
	return st.Update(ctx, func(tx *store.Tx) error {
		n, err := tx.NCR(e.NCRID)
		if qms.ErrorKind(err) == qms.KindNotFound {
			return nil // nothing to tell
		}
		if err != nil {
			return err
		}
		users := []int64{}
		if n.CreatedByID > 0 && n.CreatedByID != e.ByID {
			users = append(users, n.CreatedByID)
		}
		_, err = notify.Publish(tx, notify.Event{Type: e.Type, Key: fmt.Sprintf("ncr.event:job:%d", j.ID), Subject: e.Subject(),
			Body:       fmt.Sprintf("%s: %s\nStatus: %s\nBy: %s", n.Number(), n.Title, n.Status.Label(), e.By),
			EntityType: "ncr", EntityID: n.ID, Link: Link(n.ID), Users: users, Roles: []qms.Role{qms.RoleQualityManager},
			NoEmail: quiet[e.Type], Data: e})
		return err
	})
}

func publishOverdue(ctx context.Context, st *store.Store, j *store.Job) error {
	var p ncr.ActionJob
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.ActionID <= 0 {
		return jobs.Permanent(fmt.Errorf("ncr.action_overdue payload: %v", err))
	}
	return st.Update(ctx, func(tx *store.Tx) error {
		act, err := tx.NCRAction(p.ActionID)
		if qms.ErrorKind(err) == qms.KindNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		n, err := tx.NCR(act.NCRID)
		if err != nil {
			return err
		}
		if act.Status != ncr.ActionOpen || act.DueOn != p.DueOn || !n.Status.Active() {
			return nil // done, cancelled, moved or no longer relevant
		}
		users := []int64{}
		for _, id := range []int64{act.OwnerUserID, n.CreatedByID} {
			if id > 0 {
				users = append(users, id)
			}
		}
		_, err = notify.Publish(tx, notify.Event{Type: EventActionOverdue,
			Key:        fmt.Sprintf("ncr:%d:action:%d:%s:overdue", n.ID, act.ID, act.DueOn),
			Subject:    fmt.Sprintf("%s: containment action %q is overdue (due %s)", n.Number(), act.Kind.Label(), act.DueOn),
			Body:       fmt.Sprintf("%s: %s\nAction: %s %s\nOwner: %s\nDue: %s", n.Number(), n.Title, act.Kind.Label(), act.Description, act.OwnerName, act.DueOn),
			EntityType: "ncr", EntityID: n.ID, Link: Link(n.ID), Users: users, Roles: []qms.Role{qms.RoleQualityManager},
			Data: map[string]any{"ncr_id": n.ID, "number": n.Number(), "action_id": act.ID, "kind": act.Kind, "owner": act.OwnerName, "due_on": act.DueOn}})
		return err
	})
}
