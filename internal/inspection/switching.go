package inspection

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"qms/internal/qms"
	"qms/internal/sampling"
)

// Stream is the switching state of one supplier x product x defect class:
// the sampling engine's state machine (sampling.SwitchConfig.Next) fed with
// the results of original lot inspections.
type Stream struct {
	SupplierID int64                 `json:"supplier_id"`
	ProductID  int64                 `json:"product_id"`
	Class      DefectClass           `json:"class"`
	Config     sampling.SwitchConfig `json:"config"` // standard, level, AQL of the series
	State      sampling.SwitchState  `json:"state"`
	// Reason says why the severity is what it is: the last change.
	Reason           string    `json:"reason"`
	LastInspectionID int64     `json:"last_inspection_id,omitempty"`
	UpdatedAt        time.Time `json:"updated_at"`
	Version          int64     `json:"version"`
}

// StreamAction is what happened to a stream.
type StreamAction string

const (
	StreamApplied   StreamAction = "applied"   // the lot's result advanced the state machine
	StreamIgnored   StreamAction = "ignored"   // a resubmitted lot: judged, ignored by the switching rules
	StreamSkipped   StreamAction = "skipped"   // the lot could not be counted (see the reason)
	StreamRestarted StreamAction = "restarted" // a new series at normal inspection (new plan)
	StreamResumed   StreamAction = "resumed"   // a discontinued stream resumed at tightened inspection
)

// StreamEvent is one line of a stream's history.
type StreamEvent struct {
	ID             int64                `json:"id"`
	SupplierID     int64                `json:"supplier_id"`
	ProductID      int64                `json:"product_id"`
	Class          DefectClass          `json:"class"`
	InspectionID   int64                `json:"inspection_id,omitempty"`
	Action         StreamAction         `json:"action"`
	SeverityBefore sampling.Severity    `json:"severity_before"`
	SeverityAfter  sampling.Severity    `json:"severity_after"`
	Discontinued   bool                 `json:"discontinued"`
	Found          int                  `json:"found"`
	Outcome        *sampling.LotOutcome `json:"outcome,omitempty"`
	State          sampling.SwitchState `json:"state"` // after the event
	Reason         string               `json:"reason"`
	ByID           int64                `json:"by_id"`
	By             string               `json:"by"`
	At             time.Time            `json:"at"`
}

// StreamConfig is the switching configuration of a class plan.
func StreamConfig(s *Sampling, cp ClassPlan) sampling.SwitchConfig {
	return sampling.SwitchConfig{Standard: s.Standard, Level: s.Level, AQL: cp.AQL}
}

// sameSeries reports whether a stream runs the same series as cfg.
func sameSeries(st *Stream, cfg sampling.SwitchConfig) bool {
	return st != nil && st.Config.Standard == cfg.Standard && st.Config.Level == cfg.Level && st.Config.AQL == cfg.AQL
}

// SeverityInForce returns the severity for the next lot of a class under
// the stream st (nil: none yet) and why. A stream of another plan (other
// standard, level or AQL) does not count: a new series starts at normal.
// Returns a conflict when acceptance inspection is discontinued and the
// lot is not a resubmission.
func SeverityInForce(st *Stream, cfg sampling.SwitchConfig, resubmitted bool) (sampling.Severity, string, error) {
	if !sameSeries(st, cfg) {
		return sampling.Normal, "new series: normal inspection", nil
	}
	if st.State.Discontinued && !resubmitted {
		return 0, "", qms.Errorf(qms.KindConflict, "acceptance inspection of %s defects is discontinued for this supplier and product (%s): a quality manager resumes it at tightened inspection once the supplier has acted",
			st.Class, st.Reason)
	}
	reason := st.Reason
	if reason == "" {
		reason = st.State.Severity.String() + " inspection"
	}
	return st.State.Severity, reason, nil
}

// Advance applies the result of a decided inspection to the stream of one
// class and returns the new stream and what happened (a restart may come
// before the lot's own event). st is the current stream, nil if none.
//
// Only original lots of kinds that feed switching move the state; a
// resubmitted lot is recorded as ignored. A lot is counted only when it was
// inspected at the severity the stream is at (another lot decided in the
// meantime may have moved it): otherwise it is recorded as skipped, with
// why. Zero-tolerance classes have no stream. A count beyond the sample
// size (counting defects) is capped at the sample size when that leaves the
// engine's decision unchanged (Re <= n); otherwise the lot is skipped.
func Advance(st *Stream, in *Inspection, cr ClassResult, by qms.Actor, now time.Time) (Stream, []StreamEvent, error) {
	if in.Sampling == nil || cr.ZeroTolerance {
		return Stream{}, nil, errors.New("inspection: no switching stream for this class")
	}
	cp, ok := in.Sampling.Class(cr.Class)
	if !ok {
		return Stream{}, nil, fmt.Errorf("inspection %d has no %s class plan", in.ID, cr.Class)
	}
	cfg := StreamConfig(in.Sampling, cp)
	var events []StreamEvent
	ev := func(next *Stream, a StreamAction, before sampling.Severity, reason string) StreamEvent {
		return StreamEvent{SupplierID: in.SupplierID, ProductID: in.ProductID, Class: cr.Class, InspectionID: in.ID, Action: a,
			SeverityBefore: before, SeverityAfter: next.State.Severity, Discontinued: next.State.Discontinued, Found: cr.Found,
			State: next.State, Reason: reason, ByID: by.UserID, By: by.Name, At: now}
	}
	var next Stream
	if sameSeries(st, cfg) {
		next = *st
	} else {
		next = Stream{SupplierID: in.SupplierID, ProductID: in.ProductID, Class: cr.Class, Config: cfg, State: cfg.Start(),
			Reason: "new series: normal inspection"}
		if st != nil {
			next.Version = st.Version
			before := st.State.Severity
			next.Reason = fmt.Sprintf("new series at normal inspection: the plan changed from %s level %s AQL %s to %s level %s AQL %s",
				st.Config.Standard, st.Config.Level, st.Config.AQL, cfg.Standard, cfg.Level, cfg.AQL)
			events = append(events, ev(&next, StreamRestarted, before, next.Reason))
		}
	}
	next.SupplierID, next.ProductID, next.Class = in.SupplierID, in.ProductID, cr.Class
	next.LastInspectionID, next.UpdatedAt = in.ID, now
	before := next.State.Severity
	skip := func(reason string) (Stream, []StreamEvent, error) {
		return next, append(events, ev(&next, StreamSkipped, before, reason)), nil
	}
	switch {
	case in.Resubmitted():
		return next, append(events, ev(&next, StreamIgnored, before, "resubmitted lot after rework: judged, ignored by the switching rules")), nil
	case next.State.Discontinued:
		return skip("not counted: acceptance inspection is discontinued")
	case cp.Severity != next.State.Severity:
		return skip(fmt.Sprintf("not counted: inspected at %s inspection, but the series had moved to %s inspection when it was decided", cp.Severity, next.State.Severity))
	}
	found := cr.Found
	if found > cp.SampleSize {
		if cp.Re > cp.SampleSize {
			return skip(fmt.Sprintf("not counted: %d defects in %d units is beyond what the switching engine judges", found, cp.SampleSize))
		}
		found = cp.SampleSize // still >= Re: the same rejection
	}
	out, state, err := cfg.Next(next.State, sampling.LotInput{Defects: found, Lot: in.Sampling.Lot, ApproveReduced: in.Sampling.ReducedApproved})
	if err != nil {
		return skip("not counted: " + err.Error())
	}
	next.State = state
	verdict := "accepted"
	if !out.Accepted {
		verdict = "not accepted"
	}
	reason := fmt.Sprintf("lot %s at %s inspection (%d found, Ac %d, Re %d)", verdict, out.Severity, out.Defects, out.Ac, out.Re)
	if out.Reason != "" {
		reason += "; " + out.Reason
		if out.Discontinued {
			next.Reason = "discontinued after inspection " + fmt.Sprint(in.ID) + ": " + out.Reason
		} else {
			next.Reason = fmt.Sprintf("%s since inspection %d: %s", out.NextSeverity, in.ID, out.Reason)
		}
	}
	e := ev(&next, StreamApplied, before, reason)
	e.Outcome = &out
	return next, append(events, e), nil
}

// CheckResume checks that actor a may resume a discontinued stream: a
// quality manager, with a reason. Returns forbidden, conflict or invalid.
func CheckResume(a qms.Actor, st *Stream, reason string) (string, error) {
	if !qms.CanApprove(a) {
		return "", forbidden("resume acceptance inspection: a quality manager does")
	}
	if st == nil || !st.State.Discontinued {
		return "", qms.Errorf(qms.KindConflict, "acceptance inspection is not discontinued")
	}
	p := qms.Problems{}
	reason = checkReason(p, "reason", reason, "say what the supplier has done")
	return strings.TrimSpace(reason), p.Err()
}

// Resume restarts a discontinued stream at tightened inspection.
func Resume(st Stream, reason string, by qms.Actor, now time.Time) (Stream, StreamEvent) {
	before := st.State.Severity
	st.State = st.State.Resume()
	st.Reason = "resumed at tightened inspection: " + reason
	st.UpdatedAt = now
	return st, StreamEvent{SupplierID: st.SupplierID, ProductID: st.ProductID, Class: st.Class, Action: StreamResumed,
		SeverityBefore: before, SeverityAfter: st.State.Severity, State: st.State, Reason: st.Reason, ByID: by.UserID, By: by.Name, At: now}
}
