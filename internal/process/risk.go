package process

import (
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// Kind says whether a register entry is a risk or an opportunity.
type Kind string

const (
	KindRisk        Kind = "risk"
	KindOpportunity Kind = "opportunity"
)

// Level is the band a score falls in.
type Level string

const (
	LevelLow    Level = "low"    // score 1 to 4
	LevelMedium Level = "medium" // 5 to 9
	LevelHigh   Level = "high"   // 10 to 16
	LevelSevere Level = "severe" // 20 and 25
)

// Score is likelihood times severity (1 to 25) and its level.
func Score(likelihood, severity int) (int, Level) {
	s := likelihood * severity
	switch {
	case s >= 20:
		return s, LevelSevere
	case s >= 10:
		return s, LevelHigh
	case s >= 5:
		return s, LevelMedium
	}
	return s, LevelLow
}

// RiskStatus is whether a risk is still being treated.
type RiskStatus string

const (
	RiskOpen   RiskStatus = "open"
	RiskClosed RiskStatus = "closed"
)

// Risk is an entry of the register of risks and opportunities.
type Risk struct {
	ID           int64        `json:"id"`
	Kind         Kind         `json:"kind"`
	Title        string       `json:"title"`
	Description  string       `json:"description,omitempty"`
	ProcessID    *int64       `json:"process_id,omitempty"`
	ProcessName  string       `json:"process_name,omitempty"`
	SupplierID   *int64       `json:"supplier_id,omitempty"`
	SupplierName string       `json:"supplier_name,omitempty"`
	Likelihood   int          `json:"likelihood"` // 1 rare ... 5 almost certain
	Severity     int          `json:"severity"`   // 1 negligible ... 5 critical (for an opportunity: benefit)
	Score        int          `json:"score"`
	Level        Level        `json:"level"`
	Treatment    string       `json:"treatment,omitempty"`
	OwnerID      int64        `json:"owner_id"`
	OwnerName    string       `json:"owner_name"`
	ReviewOn     qms.Date     `json:"review_on"` // the next review
	Status       RiskStatus   `json:"status"`
	Actions      []RiskAction `json:"actions"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	Version      int64        `json:"version"`
}

// Validate checks a risk, trims its fields and computes its score.
func (r *Risk) Validate() error {
	p := qms.Problems{}
	if r.Kind == "" {
		r.Kind = KindRisk
	}
	if r.Kind != KindRisk && r.Kind != KindOpportunity {
		p.Add("kind", "must be risk or opportunity")
	}
	r.Title = strings.TrimSpace(r.Title)
	qms.CheckText(p, "title", r.Title, MaxNameLen)
	if r.Title == "" {
		p.Add("title", "is required")
	}
	for f, s := range map[string]*string{"description": &r.Description, "treatment": &r.Treatment} {
		*s = strings.TrimSpace(strings.ReplaceAll(*s, "\r\n", "\n"))
		multiline(p, f, *s, MaxTextLen)
	}
	if r.Likelihood < 1 || r.Likelihood > 5 {
		p.Add("likelihood", "must be from 1 (rare) to 5 (almost certain)")
	}
	if r.Severity < 1 || r.Severity > 5 {
		p.Add("severity", "must be from 1 (negligible) to 5 (critical)")
	}
	if r.OwnerID <= 0 {
		p.Add("owner_id", "is required: choose who owns the risk")
	}
	if r.ReviewOn.IsZero() {
		p.Add("review_on", "is required: the date of the next review")
	}
	if r.ProcessID != nil && *r.ProcessID <= 0 {
		r.ProcessID = nil
	}
	if r.SupplierID != nil && *r.SupplierID <= 0 {
		r.SupplierID = nil
	}
	if r.Status == "" {
		r.Status = RiskOpen
	}
	if !slices.Contains([]RiskStatus{RiskOpen, RiskClosed}, r.Status) {
		p.Add("status", "must be open or closed")
	}
	r.Score, r.Level = Score(r.Likelihood, r.Severity)
	return p.Err()
}

// ActionStatus is whether an action is done.
type ActionStatus string

const (
	ActionOpen ActionStatus = "open"
	ActionDone ActionStatus = "done"
)

// RiskAction is an action that treats a risk, with an owner and a due date.
type RiskAction struct {
	ID          int64        `json:"id"`
	RiskID      int64        `json:"risk_id"`
	Description string       `json:"description"`
	OwnerID     int64        `json:"owner_id"`
	OwnerName   string       `json:"owner_name"`
	DueOn       qms.Date     `json:"due_on"`
	Status      ActionStatus `json:"status"`
	DoneAt      *time.Time   `json:"done_at,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	Version     int64        `json:"version"`
}

// Validate checks an action and trims its text.
func (a *RiskAction) Validate() error {
	p := qms.Problems{}
	a.Description = strings.TrimSpace(a.Description)
	multiline(p, "description", a.Description, MaxTextLen)
	if a.Description == "" {
		p.Add("description", "is required: say what will be done")
	}
	if a.OwnerID <= 0 {
		p.Add("owner_id", "is required")
	}
	if a.DueOn.IsZero() {
		p.Add("due_on", "is required")
	}
	if a.Status == "" {
		a.Status = ActionOpen
	}
	return p.Err()
}

// Overdue reports whether the action is open after its due date.
func (a *RiskAction) Overdue(today qms.Date) bool {
	return a.Status == ActionOpen && a.DueOn.Before(today)
}
