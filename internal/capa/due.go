package capa

import (
	"fmt"
	"time"

	"qms/internal/qms"
)

// Settings are the CAPA due-date conventions: the days from opening by
// which each stage is due, how many days before a due date a reminder goes
// out, and how many days after it an overdue stage is escalated.
type Settings struct {
	DueDays      map[Stage]int `json:"due_days"`
	RemindDays   int           `json:"remind_days"`   // 0: no reminder before the due date
	EscalateDays int           `json:"escalate_days"` // 0: no escalation beyond the overdue notice
	Version      int64         `json:"version"`
	UpdatedAt    time.Time     `json:"updated_at"`
}

// DefaultDueDays are the days from opening by which each stage is due:
// D0 to D2 the next day, containment (D3) in 2 days, root cause (D4) in
// 14, permanent actions chosen and implemented (D5, D6) in 30, prevention
// (D7) in 60 and closure (D8) in 90, as supplier corrective action
// practice has it.
var DefaultDueDays = map[Stage]int{D0: 1, D1: 1, D2: 1, D3: 2, D4: 14, D5: 30, D6: 30, D7: 60, D8: 90}

// Limits of the settings.
const (
	MaxDueDays      = 730
	MaxRemindDays   = 30
	MaxEscalateDays = 90
)

// DefaultSettings returns the default conventions: DefaultDueDays, a
// reminder one day before, escalation seven days after.
func DefaultSettings() Settings {
	m := make(map[Stage]int, len(DefaultDueDays))
	for k, v := range DefaultDueDays {
		m[k] = v
	}
	return Settings{DueDays: m, RemindDays: 1, EscalateDays: 7}
}

// Days returns the days from opening by which stage st is due.
func (s Settings) Days(st Stage) int {
	if d, ok := s.DueDays[st]; ok {
		return d
	}
	return DefaultDueDays[st]
}

// Validate checks the settings: every stage from 0 to MaxDueDays days, no
// stage due before an earlier one, reminder and escalation days within
// their limits. Missing stages take their defaults. Returns an invalid
// error.
func (s *Settings) Validate() error {
	p := qms.Problems{}
	if s.DueDays == nil {
		s.DueDays = map[Stage]int{}
	}
	for k := range s.DueDays {
		if !k.Valid() {
			p.Add("due_days", fmt.Sprintf("%q is not a stage: D0 to D8", k))
		}
	}
	prev := 0
	for _, st := range Stages {
		d := s.Days(st)
		s.DueDays[st] = d
		f := "due_days." + string(st)
		switch {
		case d < 0 || d > MaxDueDays:
			p.Add(f, fmt.Sprintf("must be from 0 to %d days", MaxDueDays))
		case d < prev:
			p.Add(f, fmt.Sprintf("is %d days, before the stage ahead of it (%d days)", d, prev))
		}
		prev = max(prev, d)
	}
	if s.RemindDays < 0 || s.RemindDays > MaxRemindDays {
		p.Add("remind_days", fmt.Sprintf("must be from 0 to %d days", MaxRemindDays))
	}
	if s.EscalateDays < 0 || s.EscalateDays > MaxEscalateDays {
		p.Add("escalate_days", fmt.Sprintf("must be from 0 to %d days", MaxEscalateDays))
	}
	return p.Err()
}

// CheckSettings checks that actor a may change the settings (an
// administrator, as for every module's settings) and validates them.
// Returns forbidden or invalid.
func CheckSettings(a qms.Actor, s *Settings) error {
	if !qms.CanManageSettings(a) {
		return forbidden("change the CAPA settings")
	}
	return s.Validate()
}

// Job kinds the store enqueues for CAPAs, in the transaction of the change
// that causes them. Their handlers (registered by the operations layer)
// publish notifications.
const (
	JobStageReminder = "capa.stage_reminder" // a stage is due soon (StageJob)
	JobStageOverdue  = "capa.stage_overdue"  // a stage passed its due date (StageJob)
	JobStageEscalate = "capa.stage_escalate" // a stage is still overdue after the escalation days (StageJob)
	JobEvent         = "capa.event"          // the CAPA changed (Event)
)

// StageJob is the payload of the due-date jobs of one stage.
type StageJob struct {
	CAPAID int64    `json:"capa_id"`
	Stage  Stage    `json:"stage"`
	DueOn  qms.Date `json:"due_on"`
}

// Current reports whether the job still applies to c when it runs: the
// CAPA is active, the stage not accepted and still due on the same date
// (a moved due date has its own jobs).
func (j StageJob) Current(c *CAPA) bool {
	r := c.Stage(j.Stage)
	return c.ID == j.CAPAID && c.Status.Active() && !r.Done() && r.DueOn == j.DueOn
}

// ScheduledJob is a job to enqueue: its kind, unique key, when it runs and
// its payload.
type ScheduledJob struct {
	Kind     string
	Key      string
	RunAfter time.Time
	Payload  any
}

// StageJobs returns the due-date jobs of every stage of c not yet
// accepted: a reminder RemindDays before the due date (unless that is
// already past), the overdue notice the day after it, and the escalation
// EscalateDays later. Times are midnight UTC. The keys name the CAPA, the
// stage and the due date, so enqueuing them again adds nothing.
func StageJobs(c *CAPA, s Settings, now time.Time) []ScheduledJob {
	if !c.Status.Active() {
		return nil
	}
	var out []ScheduledJob
	for _, r := range c.Stages {
		if r.Done() || r.DueOn.IsZero() {
			continue
		}
		p := StageJob{CAPAID: c.ID, Stage: r.Stage, DueOn: r.DueOn}
		key := func(what string) string { return fmt.Sprintf("capa:%d:%s:%s:%s", c.ID, r.Stage, r.DueOn, what) }
		if s.RemindDays > 0 {
			at := r.DueOn.AddDate(0, 0, -s.RemindDays).Time()
			if !at.Before(now) {
				out = append(out, ScheduledJob{Kind: JobStageReminder, Key: key("reminder"), RunAfter: at, Payload: p})
			}
		}
		over := r.DueOn.AddDate(0, 0, 1)
		out = append(out, ScheduledJob{Kind: JobStageOverdue, Key: key("overdue"), RunAfter: over.Time(), Payload: p})
		if s.EscalateDays > 0 {
			out = append(out, ScheduledJob{Kind: JobStageEscalate, Key: key("escalate"), RunAfter: over.AddDate(0, 0, s.EscalateDays).Time(), Payload: p})
		}
	}
	return out
}
