package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/sampling"
)

// The sampling operations are read-only computations of the sampling engine
// (package sampling) for every signed-in user; they store nothing. Their
// JSON shapes are those of "qms aql ... --json" (a test compares them), with
// the additions each type's documentation names.

// Limits of the sampling operations beyond those in the schema tags, so
// that no request keeps the server busy for long: the cost of a double or
// multiple scheme grows with the square of its Re.
const (
	maxSamplingClasses = 20   // classes in one plan request (as maxItems)
	maxStageRe         = 1000 // Re of a double or multiple scheme
)

// AQLValue is an AQL as a request gives it: a JSON number (2.5) or string
// ("2.5"). It must be one of the 26 preferred values, read exactly as
// written: another value is refused with the list of valid ones, never
// rounded to the nearest.
type AQLValue string

// UnmarshalJSON keeps the number's text, or the string, for exact parsing.
func (v *AQLValue) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = AQLValue(s)
		return nil
	}
	*v = AQLValue(b)
	return nil
}

// Schema implements huma.SchemaProvider.
func (AQLValue) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Description: "One of the 26 preferred AQLs, as a number or a string: " + sampling.ValidAQLs() +
			". Percent nonconforming up to 10, nonconformities per 100 units above. Any other value is refused with this list (no rounding).",
		OneOf:    []*huma.Schema{{Type: huma.TypeNumber}, {Type: huma.TypeString, MaxLength: ptr(20)}},
		Examples: []any{2.5},
	}
}

func ptr[T any](v T) *T { return &v }

// parse returns the preferred AQL.
func (v AQLValue) parse() (sampling.AQL, error) { return sampling.ParseAQL(string(v)) }

// SamplingClass is one class of nonconformity of a plan request.
type SamplingClass struct {
	Name          string   `json:"name" minLength:"1" maxLength:"50" doc:"The class, e.g. critical, major or minor; unique within the request."`
	AQL           AQLValue `json:"aql,omitempty"`
	ZeroTolerance bool     `json:"zero_tolerance,omitempty" doc:"A buyer's zero-tolerance class (no AQL): Ac 0, Re 1 on all units drawn. A buyer rule, not an ISO 2859-1 or Z1.4 plan."`
}

// SamplingPlanRequest is the body of POST /sampling/plan.
type SamplingPlanRequest struct {
	Standard      string          `json:"standard,omitempty" enum:"iso2859-1,z1.4" default:"iso2859-1" doc:"The tables: ISO 2859-1:1999, or ANSI/ASQ Z1.4-2008 (= MIL-STD-105E)."`
	Severity      string          `json:"severity,omitempty" enum:"normal,tightened,reduced" default:"normal"`
	Level         string          `json:"level,omitempty" enum:"S-1,S-2,S-3,S-4,I,II,III" default:"II" doc:"The inspection level of Table I."`
	Lot           int             `json:"lot" minimum:"2" doc:"The lot size: the number of units in the lot."`
	Classes       []SamplingClass `json:"classes" minItems:"1" maxItems:"20" doc:"One entry per class of nonconformity, each with its AQL."`
	LargestLetter bool            `json:"largest_letter,omitempty" doc:"Resolve every class again from the largest final code letter reached by any class (arrows are followed again) until that letter no longer changes; a class whose column points up from that row keeps its smaller sample. Single sampling only."`
	Scheme        string          `json:"scheme,omitempty" enum:"single,double,multiple" default:"single" doc:"Double and multiple plans exist for z1.4 only: the ISO 2859-1:1999 ones are not public."`
}

// SamplingClassPlan is the single sampling plan of one class.
type SamplingClassPlan struct {
	Name            string   `json:"name"`
	AQL             float64  `json:"aql" doc:"The AQL; 0 for a zero-tolerance class."`
	FinalCodeLetter string   `json:"final_code_letter" doc:"The row where the arrows end: n, Ac and Re all come from it."`
	SampleSize      int      `json:"sample_size" doc:"Inspect the first sample_size of the units drawn for this class (the lot size under 100 % inspection)."`
	Ac              int      `json:"ac" doc:"Accept when the count of nonconforming units (or nonconformities) is at most ac."`
	Re              int      `json:"re" doc:"Reject when the count is at least re. In Z1.4 reduced plans re may exceed ac+1: a count in between accepts the lot and reinstates normal inspection."`
	FullInspection  bool     `json:"full_inspection" doc:"The table's n is not less than the lot: inspect every unit."`
	Arrows          []string `json:"arrows" doc:"The arrows followed in the master table, one per row step, as \"K↓L\" or \"R↑Q\"; empty when the first cell held the plan."`
	BuyerRule       string   `json:"buyer_rule,omitempty" doc:"Set for a zero-tolerance class, which is a buyer rule and not a table plan."`
}

// SamplingPlan is the single sampling plan of an inspection, the object
// "qms aql plan --json" prints.
type SamplingPlan struct {
	Standard            string              `json:"standard" enum:"iso2859-1,z1.4"`
	Severity            string              `json:"severity" enum:"normal,tightened,reduced"`
	Level               string              `json:"level"`
	Lot                 int                 `json:"lot"`
	CodeLetter          string              `json:"code_letter" doc:"Table I's code letter for the lot size and level."`
	UnitsToDraw         int                 `json:"units_to_draw" doc:"Draw this many units at random: the largest sample size of all classes."`
	Classes             []SamplingClassPlan `json:"classes"`
	LargestLetterRounds []string            `json:"largest_letter_rounds,omitempty" doc:"With largest_letter: the starting code letter of each round, Table I's first."`
}

// SamplingStage is one sample of a double or multiple plan, or the only
// sample of a single plan. Ac and Re are cumulative.
type SamplingStage struct {
	SampleSize int `json:"sample_size" minimum:"1" maximum:"10000000"`
	Ac         int `json:"ac" minimum:"-1" doc:"Accept when the cumulative count is at most ac; -1: acceptance is not possible at this stage."`
	Re         int `json:"re" minimum:"1" doc:"Reject when the cumulative count is at least re."`
}

// SequentialClassPlan is the Z1.4 double or multiple plan of one class.
type SequentialClassPlan struct {
	Name            string          `json:"name"`
	Standard        string          `json:"standard"`
	Severity        string          `json:"severity"`
	AQL             float64         `json:"aql"`
	CodeLetter      string          `json:"code_letter"`
	Kind            string          `json:"kind" enum:"single,double,multiple" doc:"single or double where the table refers to that plan (see note)."`
	FinalCodeLetter string          `json:"final_code_letter"`
	Stages          []SamplingStage `json:"stages"`
	Note            string          `json:"note,omitempty"`
}

// SequentialPlans are the double or multiple plans of an inspection, the
// object "qms aql plan --scheme double --json" prints.
type SequentialPlans struct {
	Standard   string                `json:"standard"`
	Severity   string                `json:"severity"`
	Level      string                `json:"level"`
	Lot        int                   `json:"lot"`
	CodeLetter string                `json:"code_letter"`
	Scheme     string                `json:"scheme" enum:"double,multiple"`
	Classes    []SequentialClassPlan `json:"classes"`
}

// PlanResult is the answer to a plan request: a SamplingPlan for single
// sampling, SequentialPlans for double and multiple sampling.
type PlanResult struct {
	single     *SamplingPlan
	sequential *SequentialPlans
}

// MarshalJSON writes the plan that is set, without HTML escaping.
func (r PlanResult) MarshalJSON() ([]byte, error) {
	var v any = r.single
	if r.sequential != nil {
		v = r.sequential
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Schema implements huma.SchemaProvider.
func (PlanResult) Schema(r huma.Registry) *huma.Schema {
	return &huma.Schema{
		Description: "A single sampling plan (scheme single), or double or multiple plans (with a scheme field).",
		OneOf: []*huma.Schema{
			r.Schema(reflect.TypeFor[SamplingPlan](), true, "SamplingPlan"),
			r.Schema(reflect.TypeFor[SequentialPlans](), true, "SequentialPlans"),
		},
	}
}

type samplingPlanInput struct {
	Body SamplingPlanRequest
}

type samplingPlanQuery struct {
	Lot           int    `query:"lot" required:"true" minimum:"2" doc:"The lot size."`
	AQL           string `query:"aql" required:"true" maxLength:"1000" doc:"One AQL (a class named default), or CLASS=AQL pairs separated by commas, as in the CLI: critical=0.065,major=2.5,minor=4.0. AQL 0 makes a buyer's zero-tolerance class."`
	Level         string `query:"level" enum:"S-1,S-2,S-3,S-4,I,II,III" default:"II"`
	Standard      string `query:"standard" enum:"iso2859-1,z1.4" default:"iso2859-1"`
	Severity      string `query:"severity" enum:"normal,tightened,reduced" default:"normal"`
	Scheme        string `query:"scheme" enum:"single,double,multiple" default:"single"`
	LargestLetter bool   `query:"largest_letter" doc:"As largest_letter of POST /sampling/plan."`
}

type samplingPlanOutput struct {
	Body PlanResult
}

// OCRange is a range of qualities: points evenly spaced values from from to
// to, both included.
type OCRange struct {
	From   float64 `json:"from" minimum:"0"`
	To     float64 `json:"to" minimum:"0"`
	Points int     `json:"points" minimum:"2" maximum:"1000"`
}

// SamplingOCRequest is the body of POST /sampling/oc. The plan is given in
// exactly one way: n, c (and r) for a single plan; n1, c1, r1, n2, c2 (and
// r2) for a double plan; or stages for any plan.
type SamplingOCRequest struct {
	N      int             `json:"n,omitempty" minimum:"1" maximum:"10000000" doc:"Single plan: the sample size."`
	C      *int            `json:"c,omitempty" minimum:"0" doc:"Single plan: the acceptance number."`
	R      *int            `json:"r,omitempty" minimum:"1" doc:"Single plan: the rejection number; default c+1 (more is a Z1.4 reduced plan's gap)."`
	N1     int             `json:"n1,omitempty" minimum:"1" maximum:"10000000" doc:"Double plan: the first sample size."`
	C1     *int            `json:"c1,omitempty" minimum:"-1"`
	R1     *int            `json:"r1,omitempty" minimum:"1"`
	N2     int             `json:"n2,omitempty" minimum:"1" maximum:"10000000" doc:"Double plan: the second sample size."`
	C2     *int            `json:"c2,omitempty" minimum:"0" doc:"Cumulative acceptance number after the second sample."`
	R2     *int            `json:"r2,omitempty" minimum:"1" doc:"Cumulative rejection number after the second sample; default c2+1."`
	Stages []SamplingStage `json:"stages,omitempty" maxItems:"7" doc:"The samples of a single, double or multiple plan (as POST /sampling/plan gives them); Re at most 1000 when there are several."`
	Lot    int             `json:"lot,omitempty" minimum:"0" maximum:"10000000" doc:"The lot size N; needed for ATI and the hypergeometric model, and used by AOQ (0: unknown)."`
	Model  string          `json:"model,omitempty" enum:"binomial,hypergeometric,poisson" default:"binomial" doc:"binomial: fraction nonconforming; hypergeometric: a lot of N with D = round(p*N) nonconforming units; poisson: p nonconformities per unit."`
	P      []float64       `json:"p,omitempty" maxItems:"1000" doc:"The qualities p to evaluate (fraction nonconforming, or nonconformities per unit for poisson)."`
	Range  *OCRange        `json:"range,omitempty" doc:"Instead of p: evenly spaced qualities."`
}

// OCPoint is the operating characteristics of a plan at one quality, an
// element of the array "qms aql oc --json" prints.
type OCPoint struct {
	P                float64  `json:"p"`
	Pa               float64  `json:"pa" doc:"Probability of acceptance."`
	AOQ              float64  `json:"aoq" doc:"Average outgoing quality with rectifying inspection (p*Pa when the lot size is unknown)."`
	ATI              *float64 `json:"ati" doc:"Average total inspection; null when the lot size is unknown."`
	ASN              float64  `json:"asn" doc:"Average sample number."`
	LotNonconforming *int     `json:"lot_nonconforming,omitempty" doc:"Hypergeometric model: D = round(p*N), the nonconforming units assumed in the lot."`
}

// SamplingOC is the answer to POST /sampling/oc.
type SamplingOC struct {
	Model   string          `json:"model"`
	Lot     int             `json:"lot"`
	Stages  []SamplingStage `json:"stages" doc:"The plan evaluated."`
	Points  []OCPoint       `json:"points"`
	AOQL    float64         `json:"aoql" doc:"Average outgoing quality limit: the largest AOQ over all qualities."`
	AOQLAtP float64         `json:"aoql_at_p" doc:"The quality where the AOQL occurs."`
}

type samplingOCInput struct {
	Body SamplingOCRequest
}

type samplingOCOutput struct {
	Body SamplingOC
}

// RiskPoint is a point an OC curve must pass.
type RiskPoint struct {
	P  float64 `json:"p" minimum:"0" doc:"The quality: fraction nonconforming, or nonconformities per unit for poisson."`
	Pa float64 `json:"pa" minimum:"0" maximum:"1" doc:"The probability of acceptance at p."`
}

// SamplingDesignRequest is the body of POST /sampling/design.
type SamplingDesignRequest struct {
	Producer RiskPoint `json:"producer" doc:"The producer's risk point (p1, 1-alpha): Pa(p1) must be at least pa."`
	Consumer RiskPoint `json:"consumer" doc:"The consumer's risk point (p2, beta): Pa(p2) must be at most pa."`
	Model    string    `json:"model,omitempty" enum:"binomial,hypergeometric,poisson" default:"binomial"`
	Lot      int       `json:"lot,omitempty" minimum:"0" maximum:"10000000" doc:"The lot size; required for the hypergeometric model."`
}

// SamplingDesign is the smallest single plan meeting both risk points, the
// object "qms aql design --json" prints.
type SamplingDesign struct {
	N          int     `json:"n"`
	C          int     `json:"c"`
	PaProducer float64 `json:"pa_producer"`
	PaConsumer float64 `json:"pa_consumer"`
}

type samplingDesignInput struct {
	Body SamplingDesignRequest
}

type samplingDesignOutput struct {
	Body SamplingDesign
}

// SamplingLQRequest is the body of POST /sampling/lq.
type SamplingLQRequest struct {
	Lot  int     `json:"lot" minimum:"2" maximum:"10000000" doc:"The size of the isolated lot."`
	LQ   float64 `json:"lq" minimum:"0" maximum:"1" doc:"The limiting quality as a fraction nonconforming (0.05 = 5 %)."`
	MaxC int     `json:"max_c,omitempty" minimum:"0" maximum:"20" default:"3" doc:"The largest acceptance number to list."`
}

// LQPlan is a limiting-quality plan, an element of the array
// "qms aql design --lq --json" prints.
type LQPlan struct {
	N                int     `json:"n"`
	C                int     `json:"c"`
	PaLQ             float64 `json:"pa_lq" doc:"Probability of accepting a lot at the limiting quality (at most 10 %)."`
	LotNonconforming int     `json:"lot_nonconforming" doc:"D = round(LQ*N)."`
	FullInspection   bool    `json:"full_inspection"`
	Label            string  `json:"label"`
}

// SamplingLQ is the answer to POST /sampling/lq.
type SamplingLQ struct {
	Plans []LQPlan `json:"plans" doc:"For c = 0, 1, ... the smallest n with Pa(LQ) <= 10 % (hypergeometric model); the list stops early when even 100 % inspection would accept the lot at LQ."`
}

type samplingLQInput struct {
	Body SamplingLQRequest
}

type samplingLQOutput struct {
	Body SamplingLQ
}

// SwitchingLotInput is one lot of a switching history.
type SwitchingLotInput struct {
	Defects     int  `json:"defects" minimum:"0" doc:"The nonconforming units (or nonconformities) found in the sample."`
	Resubmitted bool `json:"resubmitted,omitempty" doc:"A lot resubmitted after rejection: judged, but ignored by the switching rules."`
	Lot         int  `json:"lot,omitempty" minimum:"0" doc:"This lot's size, if not the request's lot."`
	Irregular   bool `json:"irregular,omitempty" doc:"Production was irregular or delayed: blocks normal -> reduced and ends reduced inspection."`
}

// SamplingSwitchingRequest is the body of POST /sampling/switching.
type SamplingSwitchingRequest struct {
	Standard       string              `json:"standard,omitempty" enum:"iso2859-1,z1.4" default:"iso2859-1"`
	Level          string              `json:"level,omitempty" enum:"S-1,S-2,S-3,S-4,I,II,III" default:"II"`
	AQL            AQLValue            `json:"aql" doc:"The AQL of the class followed (the rules apply to each class separately)."`
	Lot            int                 `json:"lot" minimum:"2" doc:"The lot size of every lot that gives none."`
	Start          string              `json:"start,omitempty" enum:"normal,tightened,reduced" default:"normal" doc:"The severity of the first lot."`
	ApproveReduced bool                `json:"approve_reduced,omitempty" doc:"The responsible authority approves reduced inspection and production is steady. ISO 2859-1: switch when the switching score reaches 30. Z1.4: switch after 10 consecutive accepted lots on normal inspection; this also states that the Table VIII limit-number condition holds or was waived (the limit numbers are not public and are not checked)."`
	Lots           []SwitchingLotInput `json:"lots" minItems:"1" maxItems:"10000" doc:"The lots in the order they were inspected."`
}

// SwitchingLot is the judgement of one lot, the object
// "qms aql switching --json" prints per lot, plus reason.
type SwitchingLot struct {
	LotIndex       int    `json:"lot_index"`
	Severity       string `json:"severity" doc:"The severity this lot was inspected at."`
	SampleSize     int    `json:"sample_size"`
	Ac             int    `json:"ac"`
	Re             int    `json:"re"`
	Defects        int    `json:"defects"`
	Accepted       bool   `json:"accepted"`
	Resubmitted    bool   `json:"resubmitted"`
	SwitchingScore int    `json:"switching_score" doc:"The ISO 2859-1 switching score after this lot (0 outside normal inspection and for z1.4)."`
	NextSeverity   string `json:"next_severity"`
	Discontinued   bool   `json:"discontinued"`
	Reason         string `json:"reason,omitempty" doc:"Why the severity changes, or inspection is discontinued, after this lot."`
}

// SamplingSwitching is the answer to POST /sampling/switching.
type SamplingSwitching struct {
	Lots          []SwitchingLot `json:"lots" doc:"The lots judged, in order."`
	NextSeverity  string         `json:"next_severity" doc:"The severity for the next lot."`
	Discontinued  bool           `json:"discontinued" doc:"Acceptance inspection is discontinued (5 lots not accepted during one tightened period)."`
	LotsNotJudged int            `json:"lots_not_judged" doc:"Lots of the request after a discontinuation: they are not judged, because inspection resumes only once the supplier has acted and the responsible authority agrees (then at tightened inspection)."`
	Message       string         `json:"message,omitempty"`
}

type samplingSwitchingInput struct {
	Body SamplingSwitchingRequest
}

type samplingSwitchingOutput struct {
	Body SamplingSwitching
}

func (a *API) registerSampling() {
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Sampling",
		Description: "Acceptance sampling by attributes, ISO 2859-1:1999 and ANSI/ASQ Z1.4-2008: plans, operating characteristics, " +
			"plan design and the switching rules. Read-only computations for every signed-in user; the JSON is that of `qms aql ... --json`."})
	tags := []string{"Sampling"}
	unprocessable := []int{http.StatusUnprocessableEntity}
	Handle(a, huma.Operation{OperationID: "sampling-plan", Method: http.MethodPost, Path: "/sampling/plan", Tags: tags, Errors: unprocessable,
		Summary: "Sampling plan of a lot",
		Description: "Table I's code letter, then per class the master table cell with its arrows followed (n, Ac and Re all from the row where they end), " +
			"and 100 % inspection when n reaches the lot. Several classes may get different sample sizes: draw units_to_draw units and judge each class on its first sample_size. " +
			"An AQL that is not a preferred value, and ISO 2859-1 double or multiple plans (not public), get 422."}, a.samplingPlan)
	Handle(a, huma.Operation{OperationID: "get-sampling-plan", Method: http.MethodGet, Path: "/sampling/plan", Tags: tags, Errors: unprocessable,
		Summary:     "Sampling plan of a lot (linkable)",
		Description: "As POST /sampling/plan, with the request in the query: /sampling/plan?lot=3000&aql=critical=0.065,major=2.5,minor=4.0."}, a.samplingPlanQuery)
	Handle(a, huma.Operation{OperationID: "sampling-oc", Method: http.MethodPost, Path: "/sampling/oc", Tags: tags, Errors: unprocessable,
		Summary:     "Operating characteristics of a plan",
		Description: "Pa, AOQ, ATI and ASN of a single, double or multiple plan at up to 1,000 qualities, and the AOQL."}, a.samplingOC)
	Handle(a, huma.Operation{OperationID: "sampling-design", Method: http.MethodPost, Path: "/sampling/design", Tags: tags, Errors: unprocessable,
		Summary:     "Design a plan for two risk points",
		Description: "The smallest single plan (n, c) whose OC curve passes the producer's and the consumer's risk points."}, a.samplingDesign)
	Handle(a, huma.Operation{OperationID: "sampling-lq", Method: http.MethodPost, Path: "/sampling/lq", Tags: tags, Errors: unprocessable,
		Summary:     "Limiting-quality plans for an isolated lot",
		Description: "Computed under the hypergeometric model (Pa(LQ) <= 10 %); these are not the ISO 2859-2 tables, which are not public."}, a.samplingLQ)
	Handle(a, huma.Operation{OperationID: "sampling-switching", Method: http.MethodPost, Path: "/sampling/switching", Tags: tags, Errors: unprocessable,
		Summary:     "Replay lots through the switching rules",
		Description: "Judges each lot with the plan in force and applies the switching rules (normal, tightened, reduced, discontinuation) of one class."}, a.samplingSwitching)
}

// problems collects what is wrong with a sampling request, each at its
// location, for one 422 answer.
type problems []*huma.ErrorDetail

func (p *problems) add(location, format string, args ...any) {
	*p = append(*p, &huma.ErrorDetail{Location: location, Message: fmt.Sprintf(format, args...)})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &huma.ErrorModel{Status: http.StatusUnprocessableEntity, Title: http.StatusText(http.StatusUnprocessableEntity),
		Detail: withDetails("The request is not valid", p), Errors: p}
}

// planArgs are the parsed common arguments of a plan request.
type planArgs struct {
	std    sampling.Standard
	sev    sampling.Severity
	level  sampling.Level
	scheme string
}

// parsePlanArgs parses the enumerations (already checked by the schema;
// empty means the default) at the given location prefix.
func parsePlanArgs(bad *problems, at, standard, severity, level, scheme string) planArgs {
	out := planArgs{std: sampling.ISO2859, sev: sampling.Normal, level: sampling.LevelII, scheme: "single"}
	var err error
	if standard != "" {
		if out.std, err = sampling.ParseStandard(standard); err != nil {
			bad.add(at+"standard", "%v", err)
		}
	}
	if severity != "" {
		if out.sev, err = sampling.ParseSeverity(severity); err != nil {
			bad.add(at+"severity", "%v", err)
		}
	}
	if level != "" {
		if out.level, err = sampling.ParseLevel(level); err != nil {
			bad.add(at+"level", "%v", err)
		}
	}
	switch scheme {
	case "", "single":
	case "double", "multiple":
		out.scheme = scheme
	default:
		bad.add(at+"scheme", "use single, double or multiple")
	}
	return out
}

func (a *API) samplingPlan(_ context.Context, in *samplingPlanInput) (*samplingPlanOutput, error) {
	b := in.Body
	var bad problems
	args := parsePlanArgs(&bad, "body.", b.Standard, b.Severity, b.Level, b.Scheme)
	seen := map[string]bool{}
	classes := make([]sampling.ClassSpec, len(b.Classes))
	for i, c := range b.Classes {
		at := fmt.Sprintf("body.classes[%d].", i)
		name := strings.TrimSpace(c.Name)
		switch {
		case name == "":
			bad.add(at+"name", "is required")
		case strings.IndexFunc(name, isControl) >= 0:
			bad.add(at+"name", "contains a control character")
		case seen[name]:
			bad.add(at+"name", "class %q is given twice", name)
		}
		seen[name] = true
		classes[i] = sampling.ClassSpec{Name: name, ZeroTolerance: c.ZeroTolerance}
		switch {
		case c.ZeroTolerance && c.AQL != "" && c.AQL != "0":
			bad.add(at+"aql", "a zero-tolerance class has no AQL: omit aql or set zero_tolerance false")
		case c.ZeroTolerance:
		case c.AQL == "":
			bad.add(at+"aql", "is required (or set zero_tolerance); valid values are %s", sampling.ValidAQLs())
		default:
			aql, err := c.AQL.parse()
			if err != nil {
				bad.add(at+"aql", "%v", err)
			}
			classes[i].AQL = aql
		}
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	res, err := computePlan(args, b.Lot, classes, b.LargestLetter, "body.")
	if err != nil {
		return nil, err
	}
	return &samplingPlanOutput{Body: res}, nil
}

func (a *API) samplingPlanQuery(_ context.Context, in *samplingPlanQuery) (*samplingPlanOutput, error) {
	var bad problems
	args := parsePlanArgs(&bad, "query.", in.Standard, in.Severity, in.Level, in.Scheme)
	classes, err := parseClassList(in.AQL)
	if err != nil {
		bad.add("query.aql", "%v", err)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	res, err := computePlan(args, in.Lot, classes, in.LargestLetter, "query.")
	if err != nil {
		return nil, err
	}
	return &samplingPlanOutput{Body: res}, nil
}

// parseClassList parses the CLI's --aql syntax: one AQL (a class named
// "default") or CLASS=AQL pairs separated by commas; AQL 0 (or "zero")
// makes a zero-tolerance class.
func parseClassList(s string) ([]sampling.ClassSpec, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("no AQL given")
	}
	if !strings.ContainsAny(s, "=,") {
		c, err := parseClassAQL("default", s)
		return []sampling.ClassSpec{c}, err
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxSamplingClasses {
		return nil, fmt.Errorf("at most %d classes", maxSamplingClasses)
	}
	var out []sampling.ClassSpec
	seen := map[string]bool{}
	for _, part := range parts {
		name, val, ok := strings.Cut(part, "=")
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		switch {
		case !ok || name == "":
			return nil, fmt.Errorf("%q: write CLASS=AQL, for example major=2.5", strings.TrimSpace(part))
		case len(name) > 50:
			return nil, fmt.Errorf("class name %q is longer than 50 characters", name)
		case seen[name]:
			return nil, fmt.Errorf("class %q is given twice", name)
		}
		seen[name] = true
		c, err := parseClassAQL(name, val)
		if err != nil {
			return nil, fmt.Errorf("class %s: %w", name, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func parseClassAQL(name, val string) (sampling.ClassSpec, error) {
	switch strings.ToLower(val) {
	case "0", "0.0", "zero":
		return sampling.ClassSpec{Name: name, ZeroTolerance: true}, nil
	}
	a, err := sampling.ParseAQL(val)
	return sampling.ClassSpec{Name: name, AQL: a}, err
}

// computePlan resolves the plans of all classes; at is the location prefix
// of the request's fields for errors.
func computePlan(args planArgs, lot int, classes []sampling.ClassSpec, largest bool, at string) (PlanResult, error) {
	var bad problems
	if args.scheme != "single" {
		if args.std == sampling.ISO2859 {
			bad.add(at+"scheme", "%v", sampling.ErrISOSequentialNotPublic)
		}
		if largest {
			bad.add(at+"largest_letter", "applies to single sampling only")
		}
		if err := bad.err(); err != nil {
			return PlanResult{}, err
		}
		return sequentialPlans(args, lot, classes, at)
	}
	insp, err := sampling.PlanClasses(sampling.Request{Standard: args.std, Severity: args.sev, Level: args.level,
		Lot: lot, Classes: classes, LargestLetter: largest})
	if err != nil {
		return PlanResult{}, samplingProblem(at, err)
	}
	out := &SamplingPlan{Standard: insp.Standard.String(), Severity: insp.Severity.String(), Level: insp.Level.String(),
		Lot: insp.Lot, CodeLetter: insp.CodeLetter.String(), UnitsToDraw: insp.UnitsToDraw}
	for _, l := range insp.LargestLetterRounds {
		out.LargestLetterRounds = append(out.LargestLetterRounds, l.String())
	}
	for _, c := range insp.Classes {
		arrows := make([]string, len(c.Arrows))
		for i, ar := range c.Arrows {
			arrows[i] = ar.String()
		}
		out.Classes = append(out.Classes, SamplingClassPlan{Name: c.Name, AQL: c.AQL.Value(), FinalCodeLetter: c.FinalCodeLetter.String(),
			SampleSize: c.SampleSize, Ac: c.Ac, Re: c.Re, FullInspection: c.FullInspection, Arrows: arrows, BuyerRule: c.BuyerRule})
	}
	return PlanResult{single: out}, nil
}

func sequentialPlans(args planArgs, lot int, classes []sampling.ClassSpec, at string) (PlanResult, error) {
	letter, err := sampling.CodeLetterFor(lot, args.level)
	if err != nil {
		return PlanResult{}, samplingProblem(at, err)
	}
	get := sampling.DoublePlan
	if args.scheme == "multiple" {
		get = sampling.MultiplePlan
	}
	out := &SequentialPlans{Standard: args.std.String(), Severity: args.sev.String(), Level: args.level.String(),
		Lot: lot, CodeLetter: letter.String(), Scheme: args.scheme}
	var bad problems
	for i, c := range classes {
		loc := fmt.Sprintf("%sclasses[%d]", at, i)
		if at == "query." {
			loc = "query.aql"
		}
		if c.ZeroTolerance {
			bad.add(loc, "class %s: a zero-tolerance class has no %s sampling plan", c.Name, args.scheme)
			continue
		}
		p, err := get(args.std, args.sev, letter, c.AQL)
		if err != nil {
			bad.add(loc, "class %s: %v", c.Name, err)
			continue
		}
		out.Classes = append(out.Classes, SequentialClassPlan{Name: c.Name, Standard: p.Standard.String(), Severity: p.Severity.String(),
			AQL: p.AQL.Value(), CodeLetter: p.CodeLetter.String(), Kind: p.Kind, FinalCodeLetter: p.FinalCodeLetter.String(),
			Stages: stagesOut(p.Stages), Note: p.Note})
	}
	if err := bad.err(); err != nil {
		return PlanResult{}, err
	}
	return PlanResult{sequential: out}, nil
}

func stagesOut(st []sampling.Stage) []SamplingStage {
	out := make([]SamplingStage, len(st))
	for i, s := range st {
		out[i] = SamplingStage{SampleSize: s.N, Ac: s.Ac, Re: s.Re}
	}
	return out
}

// samplingProblem turns an error of the sampling engine about valid-looking
// input into a 422 problem at the field it is about.
func samplingProblem(at string, err error) error {
	var lotErr *sampling.LotError
	var aqlErr *sampling.AQLError
	var tableErr *sampling.TableError
	loc := strings.TrimSuffix(at, ".")
	switch {
	case errors.As(err, &lotErr):
		loc = at + "lot"
	case errors.As(err, &aqlErr), errors.As(err, &tableErr):
		loc = at + "classes"
		if at == "query." {
			loc = "query.aql"
		}
	}
	var bad problems
	bad.add(loc, "%s", strings.TrimPrefix(err.Error(), "sampling: "))
	return bad.err()
}

func (a *API) samplingOC(_ context.Context, in *samplingOCInput) (*samplingOCOutput, error) {
	b := in.Body
	var bad problems
	scheme := ocScheme(&bad, &b)
	model := sampling.Binomial
	if b.Model != "" {
		m, err := sampling.ParseModel(b.Model)
		if err != nil {
			bad.add("body.model", "%v", err)
		}
		model = m
	}
	var ps []float64
	switch {
	case len(b.P) > 0 && b.Range != nil:
		bad.add("body.range", "give either p or range, not both")
	case len(b.P) > 0:
		ps = b.P
	case b.Range != nil:
		r := b.Range
		if !(r.To > r.From) {
			bad.add("body.range.to", "must be greater than from (%v)", r.From)
			break
		}
		ps = make([]float64, r.Points)
		for i := range ps {
			ps[i] = r.From + (r.To-r.From)*float64(i)/float64(r.Points-1)
		}
		ps[len(ps)-1] = r.To
	default:
		bad.add("body.p", "give the qualities p, for example [0.01, 0.02, 0.05], or a range")
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	if len(scheme.Stages) > 1 {
		for i, st := range scheme.Stages {
			if st.Re > maxStageRe {
				bad.add(fmt.Sprintf("body.stages[%d].re", i), "a double or multiple plan may have Re up to %d", maxStageRe)
			}
		}
	}
	if err := scheme.Validate(); err != nil {
		bad.add("body", "%v", err)
	}
	switch total := scheme.TotalN(); {
	case model == sampling.Hypergeometric && b.Lot == 0:
		bad.add("body.lot", "is required for the hypergeometric model")
	case b.Lot > 0 && total > b.Lot:
		bad.add("body.lot", "the plan draws up to %d units, more than the lot of %d", total, b.Lot)
	}
	for i, p := range ps {
		loc := fmt.Sprintf("body.p[%d]", i)
		if b.Range != nil {
			loc = "body.range"
		}
		if model != sampling.Poisson && p > 1 {
			bad.add(loc, "a fraction nonconforming is at most 1 (%v); use the poisson model for nonconformities per unit", p)
			break
		}
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	pts, err := sampling.OCCurve(scheme, model, b.Lot, ps)
	if err != nil {
		return nil, samplingProblem("body.", err)
	}
	aoql, err := sampling.AOQL(scheme, model, b.Lot)
	if err != nil {
		return nil, samplingProblem("body.", err)
	}
	out := SamplingOC{Model: model.String(), Lot: b.Lot, Stages: stagesOut(scheme.Stages), Points: make([]OCPoint, len(pts)),
		AOQL: aoql.AOQL, AOQLAtP: aoql.AtP}
	for i, o := range pts {
		out.Points[i] = ocPointOut(o)
	}
	return &samplingOCOutput{Body: out}, nil
}

func ocPointOut(o sampling.OCPoint) OCPoint {
	p := OCPoint{P: o.P, Pa: o.Pa, AOQ: o.AOQ, ASN: o.ASN}
	if o.ATI == o.ATI { // not NaN: the lot size is known
		ati := o.ATI
		p.ATI = &ati
	}
	if o.LotNonconforming >= 0 {
		d := o.LotNonconforming
		p.LotNonconforming = &d
	}
	return p
}

// ocScheme reads the plan of an OC request, given in exactly one of its
// three forms.
func ocScheme(bad *problems, b *SamplingOCRequest) sampling.Scheme {
	single := b.N != 0 || b.C != nil || b.R != nil
	double := b.N1 != 0 || b.C1 != nil || b.R1 != nil || b.N2 != 0 || b.C2 != nil || b.R2 != nil
	forms := 0
	for _, f := range []bool{single, double, len(b.Stages) > 0} {
		if f {
			forms++
		}
	}
	switch {
	case forms == 0:
		bad.add("body", "give the plan: n and c (single), n1, c1, r1, n2 and c2 (double), or stages")
		return sampling.Scheme{}
	case forms > 1:
		bad.add("body", "give the plan in one form only: n/c/r, n1/c1/r1/n2/c2/r2, or stages")
		return sampling.Scheme{}
	}
	need := func(v *int, field string) int {
		if v == nil {
			bad.add("body."+field, "is required")
			return 0
		}
		return *v
	}
	orNext := func(v *int, c int) int {
		if v == nil {
			return c + 1
		}
		return *v
	}
	switch {
	case single:
		if b.N == 0 {
			bad.add("body.n", "is required")
		}
		c := need(b.C, "c")
		return sampling.Scheme{Stages: []sampling.Stage{{N: b.N, Ac: c, Re: orNext(b.R, c)}}}
	case double:
		if b.N1 == 0 {
			bad.add("body.n1", "is required")
		}
		if b.N2 == 0 {
			bad.add("body.n2", "is required")
		}
		c1, r1, c2 := need(b.C1, "c1"), need(b.R1, "r1"), need(b.C2, "c2")
		return sampling.Scheme{Stages: []sampling.Stage{{N: b.N1, Ac: c1, Re: r1}, {N: b.N2, Ac: c2, Re: orNext(b.R2, c2)}}}
	}
	out := sampling.Scheme{Stages: make([]sampling.Stage, len(b.Stages))}
	for i, s := range b.Stages {
		out.Stages[i] = sampling.Stage{N: s.SampleSize, Ac: s.Ac, Re: s.Re}
	}
	return out
}

func (a *API) samplingDesign(_ context.Context, in *samplingDesignInput) (*samplingDesignOutput, error) {
	b := in.Body
	model := sampling.Binomial
	if b.Model != "" {
		m, err := sampling.ParseModel(b.Model)
		if err != nil {
			return nil, Invalid("body.model", err.Error())
		}
		model = m
	}
	d, err := sampling.Design(sampling.RiskPoint{P: b.Producer.P, Pa: b.Producer.Pa}, sampling.RiskPoint{P: b.Consumer.P, Pa: b.Consumer.Pa}, model, b.Lot)
	if err != nil {
		return nil, samplingProblem("body.", err)
	}
	return &samplingDesignOutput{Body: SamplingDesign{N: d.N, C: d.C, PaProducer: d.PaProducer, PaConsumer: d.PaConsumer}}, nil
}

func (a *API) samplingLQ(_ context.Context, in *samplingLQInput) (*samplingLQOutput, error) {
	b := in.Body
	plans, err := sampling.DesignLQ(b.Lot, b.LQ, b.MaxC)
	if err != nil {
		return nil, samplingProblem("body.", err)
	}
	out := SamplingLQ{Plans: make([]LQPlan, len(plans))}
	for i, p := range plans {
		out.Plans[i] = LQPlan{N: p.N, C: p.C, PaLQ: p.PaLQ, LotNonconforming: p.LotNonconforming, FullInspection: p.FullInspection, Label: p.Label}
	}
	return &samplingLQOutput{Body: out}, nil
}

func (a *API) samplingSwitching(_ context.Context, in *samplingSwitchingInput) (*samplingSwitchingOutput, error) {
	b := in.Body
	var bad problems
	args := parsePlanArgs(&bad, "body.", b.Standard, "", b.Level, "")
	start := sampling.Normal
	if b.Start != "" {
		s, err := sampling.ParseSeverity(b.Start)
		if err != nil {
			bad.add("body.start", "%v", err)
		}
		start = s
	}
	aql, err := b.AQL.parse()
	if err != nil {
		bad.add("body.aql", "%v", err)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	if _, err := sampling.CodeLetterFor(b.Lot, args.level); err != nil {
		return nil, samplingProblem("body.", err)
	}
	cfg := sampling.SwitchConfig{Standard: args.std, Level: args.level, AQL: aql, Lot: b.Lot}
	st := cfg.StartAt(start)
	out := SamplingSwitching{Lots: []SwitchingLot{}}
	for i, l := range b.Lots {
		if st.Discontinued {
			out.LotsNotJudged = len(b.Lots) - i
			out.Message = fmt.Sprintf("Lots %d to %d are not judged: %v", i+1, len(b.Lots), sampling.ErrDiscontinued)
			break
		}
		o, next, err := cfg.Next(st, sampling.LotInput{Defects: l.Defects, Resubmitted: l.Resubmitted, Lot: l.Lot,
			Irregular: l.Irregular, ApproveReduced: b.ApproveReduced})
		if err != nil {
			return nil, Invalid(fmt.Sprintf("body.lots[%d]", i), "lot "+strconv.Itoa(i+1)+": "+strings.TrimPrefix(err.Error(), "sampling: "))
		}
		st = next
		out.Lots = append(out.Lots, SwitchingLot{LotIndex: o.LotIndex, Severity: o.Severity.String(), SampleSize: o.SampleSize,
			Ac: o.Ac, Re: o.Re, Defects: o.Defects, Accepted: o.Accepted, Resubmitted: o.Resubmitted,
			SwitchingScore: o.SwitchingScore, NextSeverity: o.NextSeverity.String(), Discontinued: o.Discontinued, Reason: o.Reason})
	}
	out.NextSeverity, out.Discontinued = st.Severity.String(), st.Discontinued
	return &samplingSwitchingOutput{Body: out}, nil
}
