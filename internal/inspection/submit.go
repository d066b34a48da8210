package inspection

import (
	"strings"

	"qms/internal/qms"
)

// Submission is what the inspector gives when submitting the report.
type Submission struct {
	// Pending leaves the decision to the client, with a reason (questions
	// on the spec, a zero-tolerance test failed, the lot was not ready).
	Pending       bool   `json:"pending,omitempty"`
	PendingReason string `json:"pending_reason,omitempty"`
}

// CheckSubmit checks that actor a may submit the inspection with result res
// (Evaluate's) and returns the verdict to report: the computed pass or fail,
// or pending with a reason. An incomplete inspection can only be submitted
// as pending; a first article inspection only when every characteristic of
// the spec has a result, and never as pending. Returns forbidden, conflict
// or invalid.
func CheckSubmit(a qms.Actor, in *Inspection, res *Result, s *Submission) (Verdict, error) {
	if !qms.CanEditQualityRecords(a) {
		return "", forbidden("submit inspections")
	}
	if err := CheckRecordable(in); err != nil {
		return "", err
	}
	p := qms.Problems{}
	s.PendingReason = strings.TrimSpace(s.PendingReason)
	checkLongText(p, "pending_reason", s.PendingReason, MaxReasonLen)
	if in.Kind == KindFirstArticle {
		if s.Pending {
			p.Add("pending", "a first article inspection is not left pending: record every result; the quality manager approves or rejects it")
			return "", p.Err()
		}
		if res.Verdict == VerdictIncomplete {
			return "", &qms.Error{Kind: qms.KindConflict, Message: "Every characteristic of the spec needs a result before the first article inspection is submitted: " +
				strings.Join(res.Reasons, "; ")}
		}
		return res.Verdict, nil
	}
	if s.Pending {
		if s.PendingReason == "" {
			p.Add("pending_reason", "is required: say what the client must decide")
		}
		return VerdictPending, p.Err()
	}
	if s.PendingReason != "" {
		p.Add("pending_reason", "is given only with pending")
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	if res.Verdict == VerdictIncomplete {
		return "", &qms.Error{Kind: qms.KindConflict, Message: "The inspection is incomplete (" + strings.Join(res.Reasons, "; ") +
			"): record what is missing, or submit it as pending with a reason"}
	}
	return res.Verdict, nil
}
