// Package objective provides quality objectives (ISO 9001:2015 6.2):
// measurable targets over a closed set of metrics that qms computes live
// from its own records, with the period, the owner and the direction of
// the target, and the evaluation of an objective from monthly samples
// (value, status met / not met / no data, and a trend chart by month).
//
// The package is pure: the store supplies the samples. It must not import
// database/sql, net/http or internal/store.
package objective

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"qms/internal/chart"
	"qms/internal/qms"
)

// Metric is what an objective measures. The set is closed: each metric is
// one query in the store.
type Metric string

const (
	// LotAcceptance is the share of lots accepted at their first
	// submission (re-inspections and first articles left out), in percent.
	LotAcceptance Metric = "lot_acceptance"
	// InspectionRejection is the share of all inspected lots (including
	// re-inspections) rejected, in percent.
	InspectionRejection Metric = "inspection_rejection"
	// CAPAOnTime is the share of CAPAs closed in a month that were closed
	// by the due date of their last stage, in percent.
	CAPAOnTime Metric = "capa_on_time"
	// NCRCount is the number of NCRs (not voided) detected.
	NCRCount Metric = "ncr_count"
	// ApprovedExpiredCertificates is the number of approved suppliers with
	// a certificate that expired and was not renewed, today: a snapshot,
	// with no history by month.
	ApprovedExpiredCertificates Metric = "approved_expired_certificates"
)

// Metrics lists every metric in display order.
var Metrics = []Metric{LotAcceptance, InspectionRejection, CAPAOnTime, NCRCount, ApprovedExpiredCertificates}

// Valid reports whether m is one of Metrics.
func (m Metric) Valid() bool {
	for _, x := range Metrics {
		if m == x {
			return true
		}
	}
	return false
}

// Label is the metric's name for people.
func (m Metric) Label() string {
	switch m {
	case LotAcceptance:
		return "Supplier lot acceptance rate (first submission)"
	case InspectionRejection:
		return "Inspection rejection rate"
	case CAPAOnTime:
		return "CAPAs closed on time"
	case NCRCount:
		return "NCRs opened"
	case ApprovedExpiredCertificates:
		return "Approved suppliers with an expired certificate"
	}
	return string(m)
}

// Percent reports whether the metric is a rate in percent (else a count).
func (m Metric) Percent() bool {
	return m == LotAcceptance || m == InspectionRejection || m == CAPAOnTime
}

// Snapshot reports whether the metric is measured only today (no months).
func (m Metric) Snapshot() bool { return m == ApprovedExpiredCertificates }

// Comparison is the direction of a target.
type Comparison string

const (
	AtLeast Comparison = ">="
	AtMost  Comparison = "<="
)

// Status is the state of an objective against its target.
type Status string

const (
	Met    Status = "met"
	NotMet Status = "not_met"
	NoData Status = "no_data"
)

// Label is the status for people.
func (s Status) Label() string {
	switch s {
	case Met:
		return "Met"
	case NotMet:
		return "Not met"
	}
	return "No data"
}

// Month is a calendar month "YYYY-MM".
type Month string

// ParseMonth checks "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		return "", fmt.Errorf("%q is not a month such as 2026-01", s)
	}
	return Month(t.Format("2006-01")), nil
}

// MonthOf returns the month of a date.
func MonthOf(d qms.Date) Month { return Month(d.String()[:7]) }

// First is the first day of the month.
func (m Month) First() qms.Date {
	t, _ := time.Parse("2006-01", string(m))
	return qms.DateOf(t)
}

// Next is the month after m.
func (m Month) Next() Month {
	t, _ := time.Parse("2006-01", string(m))
	return Month(t.AddDate(0, 1, 0).Format("2006-01"))
}

// Months returns the months from..to, both included (at most 120).
func Months(from, to Month) []Month {
	var out []Month
	for m := from; m <= to && len(out) < 120; m = m.Next() {
		out = append(out, m)
	}
	return out
}

// MaxTextLen limits titles and notes.
const (
	MaxTitleLen = 200
	MaxNotesLen = 4000
)

// Objective is a measurable quality objective.
type Objective struct {
	ID         int64      `json:"id"`
	Title      string     `json:"title"`
	Metric     Metric     `json:"metric"`
	Comparison Comparison `json:"comparison"`
	Target     float64    `json:"target"`
	OwnerID    int64      `json:"owner_id"`
	Owner      string     `json:"owner"`
	From       Month      `json:"period_from"`
	To         Month      `json:"period_to"`
	Notes      string     `json:"notes"`
	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// Validate trims the text and checks the objective: a title, a known
// metric, a direction, a target that fits the metric (0-100 for a rate, a
// whole number of at least 0 for a count), an owner and a period of at
// most ten years. Returns invalid with the fields at fault.
func (o *Objective) Validate() error {
	p := qms.Problems{}
	o.Title, o.Owner, o.Notes = strings.TrimSpace(o.Title), strings.TrimSpace(o.Owner), strings.TrimSpace(o.Notes)
	qms.CheckText(p, "title", o.Title, MaxTitleLen)
	if o.Title == "" {
		p.Add("title", "is required: what the objective is, e.g. \"Supplier lot acceptance at least 97 %\"")
	}
	qms.CheckText(p, "notes", o.Notes, MaxNotesLen)
	qms.CheckText(p, "owner", o.Owner, 200)
	if o.Owner == "" {
		p.Add("owner", "is required: who is responsible for the objective")
	}
	if !o.Metric.Valid() {
		p.Add("metric", "must be one of "+metricNames())
	}
	if o.Comparison != AtLeast && o.Comparison != AtMost {
		p.Add("comparison", "must be >= (at least) or <= (at most)")
	}
	switch {
	case math.IsNaN(o.Target) || math.IsInf(o.Target, 0):
		p.Add("target", "must be a number")
	case o.Metric.Percent() && (o.Target < 0 || o.Target > 100):
		p.Add("target", "must be a percentage from 0 to 100")
	case o.Metric.Valid() && !o.Metric.Percent() && (o.Target < 0 || o.Target != math.Trunc(o.Target)):
		p.Add("target", "must be a whole number of at least 0")
	}
	from, errF := ParseMonth(string(o.From))
	to, errT := ParseMonth(string(o.To))
	if errF != nil {
		p.Add("period_from", "must be a month such as 2026-01")
	}
	if errT != nil {
		p.Add("period_to", "must be a month such as 2026-12")
	}
	if errF == nil && errT == nil {
		o.From, o.To = from, to
		if to < from {
			p.Add("period_to", "must not be before the start of the period")
		} else if len(Months(from, to)) >= 120 {
			p.Add("period_to", "is too far: a period is at most ten years")
		}
	}
	return p.Err()
}

func metricNames() string {
	s := make([]string, len(Metrics))
	for i, m := range Metrics {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// Sample is one month of a metric: Num out of Den for a rate (Den 0: no
// data that month), or Num for a count (Den is 1 when there is data).
type Sample struct {
	Month Month
	Num   float64
	Den   float64
}

// TrendPoint is the value of one month in a trend.
type TrendPoint struct {
	Month   Month   `json:"month"`
	Value   float64 `json:"value"`
	HasData bool    `json:"has_data"`
}

// Result is an objective evaluated over its period.
type Result struct {
	Objective Objective    `json:"objective"`
	Value     float64      `json:"value"`
	HasData   bool         `json:"has_data"`
	Status    Status       `json:"status"`
	Num       float64      `json:"numerator"`
	Den       float64      `json:"denominator"`
	Trend     []TrendPoint `json:"trend"`
}

// Evaluate computes an objective from its monthly samples: a rate is the
// sum of numerators over the sum of denominators of the period's months
// (in percent), a count is the sum of the counts; a snapshot metric takes
// its one sample. The status compares the value with the target; a period
// without data has status no data.
func Evaluate(o Objective, samples []Sample) Result {
	by := map[Month]Sample{}
	for _, s := range samples {
		x := by[s.Month]
		x.Month, x.Num, x.Den = s.Month, x.Num+s.Num, x.Den+s.Den
		by[s.Month] = x
	}
	r := Result{Objective: o, Trend: []TrendPoint{}}
	months := Months(o.From, o.To)
	if o.Metric.Snapshot() {
		months = nil
		for _, s := range samples {
			months = append(months, s.Month)
		}
	}
	for _, m := range months {
		s, ok := by[m]
		pt := TrendPoint{Month: m}
		if ok && s.Den > 0 {
			pt.HasData = true
			pt.Value = value(o.Metric, s.Num, s.Den)
			r.Num += s.Num
			r.Den += s.Den
		}
		r.Trend = append(r.Trend, pt)
	}
	r.Status = NoData
	if r.Den > 0 {
		r.HasData = true
		r.Value = value(o.Metric, r.Num, r.Den)
		r.Status = Compare(o.Comparison, r.Value, o.Target)
	}
	return r
}

func value(m Metric, num, den float64) float64 {
	if m.Percent() {
		return 100 * num / den
	}
	return num
}

// Compare returns met when value satisfies c against target.
func Compare(c Comparison, value, target float64) Status {
	const eps = 1e-9
	if c == AtLeast && value+eps >= target || c == AtMost && value-eps <= target {
		return Met
	}
	return NotMet
}

// Format prints a value of metric m: "97.5 %" or "12".
func Format(m Metric, v float64) string {
	if m.Percent() {
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + " %"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// TargetText is the target for people: "≥ 97 %".
func (o Objective) TargetText() string {
	sign := "≥"
	if o.Comparison == AtMost {
		sign = "≤"
	}
	return sign + " " + Format(o.Metric, o.Target)
}

// ValueText is the result's value for people ("—" without data).
func (r Result) ValueText() string {
	if !r.HasData {
		return "—"
	}
	return Format(r.Objective.Metric, r.Value)
}

// Chart is the trend of the result by month with the target as a line.
func (r Result) Chart() *chart.Chart {
	labels := make([]string, len(r.Trend))
	vals := make([]float64, len(r.Trend))
	scale := 1.0 // the chart's percent axis takes fractions
	if r.Objective.Metric.Percent() {
		scale = 0.01
	}
	for i, p := range r.Trend {
		labels[i] = string(p.Month)
		vals[i] = math.NaN()
		if p.HasData {
			vals[i] = p.Value * scale
		}
	}
	kind := chart.Line
	if !r.Objective.Metric.Percent() {
		kind = chart.Bars
	}
	c := chart.Trend(r.Objective.Title, labels, chart.Series{Name: r.Objective.Metric.Label(), Kind: kind, Points: chart.Values(vals)})
	c.ID = "objective-" + strconv.FormatInt(r.Objective.ID, 10)
	c.Y.Percent = r.Objective.Metric.Percent()
	c.Y.Label = r.Objective.Metric.Label()
	c.Refs = []chart.RefLine{{Value: r.Objective.Target * scale, Label: "Target " + r.Objective.TargetText(), Role: chart.RoleTarget}}
	return c
}
