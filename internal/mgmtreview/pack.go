package mgmtreview

import (
	"time"

	"qms/internal/qms"
)

// Pack is the input pack of a management review (ISO 9001:2015 9.3.2),
// generated from the live data for the period reviewed. A section whose
// module this installation lacks has Known false and says so.
type Pack struct {
	GeneratedAt time.Time `json:"generated_at"`
	From        qms.Date  `json:"period_from"`
	To          qms.Date  `json:"period_to"`
	// LastReview is the date of the previous review held (zero: none).
	LastReview qms.Date `json:"last_review,omitempty"`

	// a) status of actions from previous management reviews
	PreviousActions []ActionLine `json:"previous_actions"`
	// b) changes in external and internal issues: documents made effective
	// since the previous review.
	Changes      []ChangeLine `json:"changes"`
	ChangesKnown bool         `json:"changes_known"`
	// c1) customer satisfaction and feedback, complaints
	Complaints ComplaintStats `json:"complaints"`
	// c2) extent to which quality objectives have been met
	Objectives []ObjectiveLine `json:"objectives"`
	// c3) process performance and conformity of products
	Processes      []ProcessLine `json:"processes"`
	ProcessesKnown bool          `json:"processes_known"`
	// c4) nonconformities and corrective actions
	NCRs  NCRStats  `json:"ncrs"`
	CAPAs CAPAStats `json:"capas"`
	// c5) monitoring and measurement results: rejection rates by kind
	Monitoring []RateLine `json:"monitoring"`
	// c6) audit results
	Audits      []AuditLine `json:"audits"`
	AuditsKnown bool        `json:"audits_known"`
	// c7) performance of external providers
	Suppliers []SupplierLine `json:"suppliers"`
	// e) risks and opportunities
	Risks      []RiskLine `json:"risks"`
	RisksKnown bool       `json:"risks_known"`
}

// ActionLine is an action of an earlier review and where it stands.
type ActionLine struct {
	Review      string       `json:"review"`
	Description string       `json:"description"`
	Owner       string       `json:"owner"`
	DueOn       qms.Date     `json:"due_on"`
	Status      ActionStatus `json:"status"`
	Overdue     bool         `json:"overdue"`
	Result      string       `json:"result"`
}

// ChangeLine is a document revision made effective in the period.
type ChangeLine struct {
	Number      string   `json:"number"`
	Title       string   `json:"title"`
	Revision    string   `json:"revision"`
	EffectiveOn qms.Date `json:"effective_on"`
	Change      string   `json:"change"`
}

// ComplaintStats counts the customer complaints received in the period.
type ComplaintStats struct {
	Received   int64           `json:"received"`
	Reportable int64           `json:"reportable"`
	Open       int64           `json:"open"` // open now, whenever received
	WithCAPA   int64           `json:"with_capa"`
	Lines      []ComplaintLine `json:"lines"`
}

// ComplaintLine is one complaint of the period (the latest first).
type ComplaintLine struct {
	Number     string   `json:"number"`
	ReceivedOn qms.Date `json:"received_on"`
	Customer   string   `json:"customer"`
	Summary    string   `json:"summary"`
	Reportable bool     `json:"reportable"`
	Status     string   `json:"status"`
}

// ObjectiveLine is a quality objective and its result.
type ObjectiveLine struct {
	Title  string `json:"title"`
	Owner  string `json:"owner"`
	Period string `json:"period"`
	Target string `json:"target"`
	Value  string `json:"value"`
	Status string `json:"status"` // met, not_met, no_data
}

// ProcessLine is a process of the register with its owner and KPIs.
type ProcessLine struct {
	Name  string `json:"name"`
	Owner string `json:"owner"`
	KPIs  string `json:"kpis"`
	Risks int64  `json:"risks"`
}

// NCRStats counts NCRs.
type NCRStats struct {
	Opened     int64            `json:"opened"` // detected in the period
	Closed     int64            `json:"closed"` // closed in the period
	OpenNow    int64            `json:"open_now"`
	BySeverity map[string]int64 `json:"by_severity"` // opened in the period
	BySource   map[string]int64 `json:"by_source"`
}

// CAPAStats counts CAPAs.
type CAPAStats struct {
	Opened       int64 `json:"opened"`
	Closed       int64 `json:"closed"`
	ClosedOnTime int64 `json:"closed_on_time"`
	OpenNow      int64 `json:"open_now"`
	OverdueNow   int64 `json:"overdue_now"`
}

// RateLine is the rejection rate of one inspection kind in the period.
type RateLine struct {
	Kind     string `json:"kind"`
	Lots     int64  `json:"lots"`
	Rejected int64  `json:"rejected"`
}

// Rate is the share of lots rejected, in percent (0 without lots).
func (l RateLine) Rate() float64 {
	if l.Lots == 0 {
		return 0
	}
	return 100 * float64(l.Rejected) / float64(l.Lots)
}

// AuditLine is an audit of the period with its findings.
type AuditLine struct {
	Number       string   `json:"number"`
	Title        string   `json:"title"`
	Kind         string   `json:"kind"`
	Date         qms.Date `json:"date"`
	Status       string   `json:"status"`
	Score        string   `json:"score"`
	Findings     int64    `json:"findings"`
	OpenFindings int64    `json:"open_findings"`
}

// SupplierLine is a supplier's performance in the period.
type SupplierLine struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Lots     int64  `json:"lots"`
	Rejected int64  `json:"rejected"`
	NCRs     int64  `json:"ncrs"`
}

// Acceptance is the share of lots accepted, in percent (0 without lots).
func (l SupplierLine) Acceptance() float64 {
	if l.Lots == 0 {
		return 0
	}
	return 100 * float64(l.Lots-l.Rejected) / float64(l.Lots)
}

// RiskLine is an open risk or opportunity.
type RiskLine struct {
	Title    string `json:"title"`
	Kind     string `json:"kind"`
	Level    string `json:"level"`
	Owner    string `json:"owner"`
	ReviewOn string `json:"review_on"`
}
