package capa

import (
	"fmt"
	"slices"
	"strings"

	"qms/internal/ncr"
	"qms/internal/qms"
)

// Report is the content of the 8D, one part per discipline.
type Report struct {
	D0 Emergency      `json:"d0"`
	D1 Team           `json:"d1"`
	D2 Problem        `json:"d2"`
	D3 Containment    `json:"d3"`
	D4 RootCause      `json:"d4"`
	D5 Actions        `json:"d5"`
	D6 Implementation `json:"d6"`
	D7 Prevention     `json:"d7"`
	D8 Recognition    `json:"d8"`
}

// Content is the content of one stage: *Emergency, *Team, *Problem,
// *Containment, *RootCause, *Actions, *Implementation, *Prevention or
// *Recognition.
type Content interface {
	Stage() Stage
	// check trims and checks the content's fields; with complete, also
	// that everything a submission needs is there.
	check(p qms.Problems, complete bool)
}

// NewContent returns an empty content of stage s (to decode a request
// into), or nil for an unknown stage.
func NewContent(s Stage) Content {
	switch s {
	case D0:
		return &Emergency{}
	case D1:
		return &Team{}
	case D2:
		return &Problem{}
	case D3:
		return &Containment{}
	case D4:
		return &RootCause{}
	case D5:
		return &Actions{}
	case D6:
		return &Implementation{}
	case D7:
		return &Prevention{}
	case D8:
		return &Recognition{}
	}
	return nil
}

// Content returns (a pointer to) the content of stage s in the report.
func (r *Report) Content(s Stage) Content {
	switch s {
	case D0:
		return &r.D0
	case D1:
		return &r.D1
	case D2:
		return &r.D2
	case D3:
		return &r.D3
	case D4:
		return &r.D4
	case D5:
		return &r.D5
	case D6:
		return &r.D6
	case D7:
		return &r.D7
	case D8:
		return &r.D8
	}
	return nil
}

// Set replaces the content of c's stage.
func (r *Report) Set(c Content) {
	switch x := c.(type) {
	case *Emergency:
		r.D0 = *x
	case *Team:
		r.D1 = *x
	case *Problem:
		r.D2 = *x
	case *Containment:
		r.D3 = *x
	case *RootCause:
		r.D4 = *x
	case *Actions:
		r.D5 = *x
	case *Implementation:
		r.D6 = *x
	case *Prevention:
		r.D7 = *x
	case *Recognition:
		r.D8 = *x
	}
}

// CheckContent trims and checks a stage's content; with complete, also
// that it has everything a submission needs (and, for D6, that every
// permanent action of the report's D5 is implemented). Returns an invalid
// error naming the fields.
func CheckContent(r *Report, c Content, complete bool) error {
	p := qms.Problems{}
	c.check(p, complete)
	if impl, ok := c.(*Implementation); ok && complete {
		impl.checkAgainst(p, &r.D5)
	}
	return p.Err()
}

// text trims *s, checks its length and, when required, that it is given.
func text(p qms.Problems, field string, s *string, max int, required bool, what string) {
	*s = strings.TrimSpace(*s)
	checkLong(p, field, *s, max)
	if required && *s == "" {
		p.Add(field, "is required: "+what)
	}
}

func checkItems(p qms.Problems, field string, n int, complete bool, what string) {
	if n > MaxItems {
		p.Add(field, fmt.Sprintf("at most %d", MaxItems))
	}
	if complete && n == 0 {
		p.Add(field, "is required: "+what)
	}
}

// Emergency is D0: the symptom and the emergency response that protects
// the customer.
type Emergency struct {
	Symptom  string `json:"symptom"`
	Response string `json:"response"` // the emergency response action, or why none is needed
}

func (*Emergency) Stage() Stage { return D0 }

func (e *Emergency) check(p qms.Problems, complete bool) {
	text(p, "symptom", &e.Symptom, MaxTextLen, complete, "what the customer sees")
	text(p, "response", &e.Response, MaxTextLen, complete, "the emergency response action, or why none is needed")
}

// Member is one person of the 8D team.
type Member struct {
	Name     string `json:"name"`
	Function string `json:"function,omitempty"` // quality, production, engineering, purchasing ...
	UserID   int64  `json:"user_id,omitempty"`  // when the person is a user of qms
}

// Team is D1: the cross-functional team.
type Team struct {
	Champion string   `json:"champion,omitempty"`
	Leader   string   `json:"leader"`
	Members  []Member `json:"members"`
}

func (*Team) Stage() Stage { return D1 }

func (t *Team) check(p qms.Problems, complete bool) {
	t.Champion = strings.TrimSpace(t.Champion)
	qms.CheckText(p, "champion", t.Champion, MaxNameLen)
	text(p, "leader", &t.Leader, MaxNameLen, complete, "who leads the team")
	checkItems(p, "members", len(t.Members), complete, "name the team members")
	for i := range t.Members {
		m := &t.Members[i]
		f := fmt.Sprintf("members.%d.", i)
		m.Name, m.Function = strings.TrimSpace(m.Name), strings.TrimSpace(m.Function)
		qms.CheckText(p, f+"name", m.Name, MaxNameLen)
		qms.CheckText(p, f+"function", m.Function, MaxNameLen)
		if m.Name == "" {
			p.Add(f+"name", "is required")
		}
		if m.UserID < 0 {
			p.Add(f+"user_id", "is not a user id")
		}
	}
}

// Problem is D2: the problem described with 5W2H and IS / IS NOT.
type Problem struct {
	What        string `json:"what"`
	Where       string `json:"where"`
	When        string `json:"when"`
	HowMany     string `json:"how_many"`
	HowDetected string `json:"how_detected"`
	IsNot       string `json:"is_not,omitempty"` // where and when it is not, though it could be
}

func (*Problem) Stage() Stage { return D2 }

func (d *Problem) check(p qms.Problems, complete bool) {
	text(p, "what", &d.What, MaxTextLen, complete, "what is wrong with what")
	text(p, "where", &d.Where, MaxShortText, complete, "where it was found (and where it was made)")
	text(p, "when", &d.When, MaxShortText, complete, "when it was found (and made)")
	text(p, "how_many", &d.HowMany, MaxShortText, complete, "how many units or lots")
	text(p, "how_detected", &d.HowDetected, MaxShortText, complete, "how it was detected")
	text(p, "is_not", &d.IsNot, MaxTextLen, false, "")
}

// InterimAction is one interim containment action of D3.
type InterimAction struct {
	Description string   `json:"description"`
	Owner       string   `json:"owner"`
	DueOn       qms.Date `json:"due_on"`
	Done        bool     `json:"done"`
	DoneOn      qms.Date `json:"done_on,omitzero"`
	Result      string   `json:"result,omitempty"` // what was found (e.g. "sorted 2,000 at the warehouse: 37 rejects")
}

// Containment is D3: interim containment (at the supplier, in transit, at
// the customer) and how its effect was verified.
type Containment struct {
	Actions      []InterimAction `json:"actions"`
	Verification string          `json:"verification"`
}

func (*Containment) Stage() Stage { return D3 }

func (d *Containment) check(p qms.Problems, complete bool) {
	checkItems(p, "actions", len(d.Actions), complete, "at least one containment action")
	for i := range d.Actions {
		a := &d.Actions[i]
		f := fmt.Sprintf("actions.%d.", i)
		text(p, f+"description", &a.Description, MaxShortText, true, "what is done")
		text(p, f+"owner", &a.Owner, MaxNameLen, true, "who does it")
		text(p, f+"result", &a.Result, MaxShortText, false, "")
		if a.DueOn.IsZero() {
			p.Add(f+"due_on", "is required")
		}
		switch {
		case a.Done && a.DoneOn.IsZero():
			p.Add(f+"done_on", "is required for a done action")
		case !a.Done && !a.DoneOn.IsZero():
			p.Add(f+"done_on", "is given only for a done action")
		}
	}
	text(p, "verification", &d.Verification, MaxTextLen, complete, "how the containment was verified to work")
}

// Leg is which failure a 5 Whys chain explains.
type Leg string

const (
	LegOccurrence Leg = "occurrence" // why it was made
	LegDetection  Leg = "detection"  // why it was not detected (the escape point)
	LegSystemic   Leg = "systemic"   // why the system allowed it
)

// WhyChain is a 5 Whys chain: from the problem, each answer to "why?",
// down to a root cause that can be controlled.
type WhyChain struct {
	Problem   string   `json:"problem"`
	Whys      []string `json:"whys"`
	RootCause string   `json:"root_cause"`
}

func (w *WhyChain) check(p qms.Problems, field string, complete bool) {
	text(p, field+".problem", &w.Problem, MaxShortText, false, "")
	if len(w.Whys) > MaxWhys {
		p.Add(field+".whys", fmt.Sprintf("at most %d answers: expand into a causal tree instead", MaxWhys))
	}
	for i := range w.Whys {
		text(p, fmt.Sprintf("%s.whys.%d", field, i), &w.Whys[i], MaxShortText, true, "an empty answer")
	}
	if complete && len(w.Whys) == 0 {
		p.Add(field+".whys", "is required: ask why until a cause that can be controlled appears")
	}
	text(p, field+".root_cause", &w.RootCause, MaxShortText, complete, "the root cause this chain ends at")
}

// Cause is one bone of an Ishikawa diagram: a possible cause in a 6M
// category, with its sub-causes, and whether the data confirmed it.
type Cause struct {
	Category  ncr.Category `json:"category"`
	Text      string       `json:"text"`
	SubCauses []string     `json:"sub_causes,omitempty"`
	// Confirmed says whether the cause was confirmed (true), ruled out
	// (false) by data, or not yet checked (nil).
	Confirmed *bool `json:"confirmed,omitempty"`
}

// Ishikawa is a fishbone diagram: the effect and the possible causes by
// 6M category.
type Ishikawa struct {
	Effect string  `json:"effect"`
	Causes []Cause `json:"causes"`
}

// ByCategory returns the causes of each 6M category, in the order of
// ncr.Categories (for drawing).
func (d *Ishikawa) ByCategory() map[ncr.Category][]Cause {
	m := map[ncr.Category][]Cause{}
	for _, c := range d.Causes {
		m[c.Category] = append(m[c.Category], c)
	}
	return m
}

func (d *Ishikawa) check(p qms.Problems) {
	text(p, "ishikawa.effect", &d.Effect, MaxShortText, false, "")
	if len(d.Causes) > MaxItems*2 {
		p.Add("ishikawa.causes", fmt.Sprintf("at most %d causes", MaxItems*2))
	}
	if len(d.Causes) > 0 && d.Effect == "" {
		p.Add("ishikawa.effect", "is required with causes: the effect at the head of the fish")
	}
	for i := range d.Causes {
		c := &d.Causes[i]
		f := fmt.Sprintf("ishikawa.causes.%d.", i)
		if !c.Category.Valid() {
			p.Add(f+"category", "must be one of man, machine, method, material, measurement, environment")
		}
		text(p, f+"text", &c.Text, MaxShortText, true, "the possible cause")
		if len(c.SubCauses) > MaxItems {
			p.Add(f+"sub_causes", fmt.Sprintf("at most %d", MaxItems))
		}
		for j := range c.SubCauses {
			text(p, fmt.Sprintf("%ssub_causes.%d", f, j), &c.SubCauses[j], MaxShortText, true, "an empty sub-cause")
		}
	}
}

// RootCause is D4: the root cause of occurrence and of non-detection (5
// Whys, optionally a systemic leg), the Ishikawa diagram, the 6M category
// of the occurrence cause, and how the root cause was verified.
type RootCause struct {
	Occurrence   WhyChain     `json:"occurrence"`
	Detection    WhyChain     `json:"detection"`
	Systemic     *WhyChain    `json:"systemic,omitempty"`
	Ishikawa     Ishikawa     `json:"ishikawa"`
	Category     ncr.Category `json:"category"`
	Verification string       `json:"verification"`
}

func (*RootCause) Stage() Stage { return D4 }

func (d *RootCause) check(p qms.Problems, complete bool) {
	d.Occurrence.check(p, "occurrence", complete)
	d.Detection.check(p, "detection", complete)
	if d.Systemic != nil {
		d.Systemic.check(p, "systemic", false)
	}
	d.Ishikawa.check(p)
	switch {
	case d.Category != "" && !d.Category.Valid():
		p.Add("category", "must be one of man, machine, method, material, measurement, environment")
	case complete && d.Category == "":
		p.Add("category", "is required: the 6M category of the occurrence root cause")
	}
	text(p, "verification", &d.Verification, MaxTextLen, complete, "how the root cause was verified (reproduced, switched on and off, data)")
}

// validLeg reports whether l names a leg.
func validLeg(l Leg) bool { return l == LegOccurrence || l == LegDetection || l == LegSystemic }

// PermanentAction is one permanent corrective action of D5.
type PermanentAction struct {
	Description string   `json:"description"`
	Addresses   Leg      `json:"addresses"` // occurrence, detection or systemic
	Owner       string   `json:"owner"`
	DueOn       qms.Date `json:"due_on"`
}

// Actions is D5: the permanent corrective actions chosen, and how they
// were verified to work without side effects.
type Actions struct {
	Actions      []PermanentAction `json:"actions"`
	Verification string            `json:"verification"`
}

func (*Actions) Stage() Stage { return D5 }

func (d *Actions) check(p qms.Problems, complete bool) {
	checkItems(p, "actions", len(d.Actions), complete, "at least one permanent corrective action")
	for i := range d.Actions {
		a := &d.Actions[i]
		f := fmt.Sprintf("actions.%d.", i)
		text(p, f+"description", &a.Description, MaxShortText, true, "what is done")
		text(p, f+"owner", &a.Owner, MaxNameLen, true, "who does it")
		if !validLeg(a.Addresses) {
			p.Add(f+"addresses", "must be occurrence, detection or systemic")
		}
		if a.DueOn.IsZero() {
			p.Add(f+"due_on", "is required")
		}
	}
	if complete && len(d.Actions) > 0 && !slices.ContainsFunc(d.Actions, func(a PermanentAction) bool { return a.Addresses == LegDetection }) {
		p.Add("actions", "at least one action must address the detection (escape) point")
	}
	text(p, "verification", &d.Verification, MaxTextLen, complete, "how the actions were verified to work without side effects")
}

// Implemented is the implementation of one D5 action: when, and the
// evidence (text and files).
type Implemented struct {
	Action   int      `json:"action"` // the D5 action, numbered from 1
	DoneOn   qms.Date `json:"done_on"`
	Evidence string   `json:"evidence"`
	Files    []int64  `json:"files,omitempty"`
}

// Implementation is D6: each permanent action implemented with evidence,
// the interim containment removed, and the validation with data.
type Implementation struct {
	Items              []Implemented `json:"items"`
	ContainmentRemoved bool          `json:"containment_removed"`
	Validation         string        `json:"validation"`
}

func (*Implementation) Stage() Stage { return D6 }

func (d *Implementation) check(p qms.Problems, complete bool) {
	if len(d.Items) > MaxItems {
		p.Add("items", fmt.Sprintf("at most %d", MaxItems))
	}
	seen := map[int]bool{}
	for i := range d.Items {
		it := &d.Items[i]
		f := fmt.Sprintf("items.%d.", i)
		if it.Action < 1 {
			p.Add(f+"action", "must name a D5 action by its number, from 1")
		} else if seen[it.Action] {
			p.Add(f+"action", fmt.Sprintf("action %d is implemented twice", it.Action))
		}
		seen[it.Action] = true
		if it.DoneOn.IsZero() {
			p.Add(f+"done_on", "is required")
		}
		text(p, f+"evidence", &it.Evidence, MaxTextLen, true, "what shows it is done")
		for _, id := range it.Files {
			if id <= 0 {
				p.Add(f+"files", "must be file ids")
			}
		}
	}
	text(p, "validation", &d.Validation, MaxTextLen, complete, "how the actions were validated with data")
	if complete && !d.ContainmentRemoved {
		p.Add("containment_removed", "must be confirmed: the interim containment is removed once the permanent actions work")
	}
}

// checkAgainst checks that the implementation covers the D5 actions.
func (d *Implementation) checkAgainst(p qms.Problems, d5 *Actions) {
	for i, it := range d.Items {
		if it.Action > len(d5.Actions) {
			p.Add(fmt.Sprintf("items.%d.action", i), fmt.Sprintf("D5 has %d actions", len(d5.Actions)))
		}
	}
	for _, n := range d.Missing(d5) {
		p.Add("items", fmt.Sprintf("D5 action %d (%s) is not implemented yet", n, clip(d5.Actions[n-1].Description, 60)))
		break
	}
}

// Missing returns the numbers (from 1) of the D5 actions without an
// implementation.
func (d *Implementation) Missing(d5 *Actions) []int {
	var out []int
	for n := 1; n <= len(d5.Actions); n++ {
		if !slices.ContainsFunc(d.Items, func(it Implemented) bool { return it.Action == n && !it.DoneOn.IsZero() }) {
			out = append(out, n)
		}
	}
	return out
}

// ChangeKind is what kind of record was changed to prevent recurrence.
type ChangeKind string

const (
	ChangeSpec            ChangeKind = "spec"
	ChangeDocument        ChangeKind = "document"
	ChangeInspectionPlan  ChangeKind = "inspection_plan"
	ChangeFMEA            ChangeKind = "fmea"
	ChangeControlPlan     ChangeKind = "control_plan"
	ChangeWorkInstruction ChangeKind = "work_instruction"
	ChangeTraining        ChangeKind = "training"
	ChangeOther           ChangeKind = "other"
)

// ChangeKinds lists the kinds of changes.
var ChangeKinds = []ChangeKind{ChangeSpec, ChangeDocument, ChangeInspectionPlan, ChangeFMEA, ChangeControlPlan, ChangeWorkInstruction, ChangeTraining, ChangeOther}

// Change is one record changed to prevent recurrence: a spec revision or
// inspection plan of qms (by id), or a document by reference.
type Change struct {
	Kind        ChangeKind `json:"kind"`
	RefID       int64      `json:"ref_id,omitempty"` // spec revision, inspection plan or document id in qms
	Ref         string     `json:"ref,omitempty"`    // a reference outside qms, e.g. "WI-ASM-014 rev 5"
	Description string     `json:"description"`
}

// Prevention is D7: what was changed in the system (specs, documents,
// inspection plans, FMEA, control plan ...) and the read-across to similar
// products and lines.
type Prevention struct {
	Summary    string   `json:"summary"`
	Changes    []Change `json:"changes"`
	ReadAcross string   `json:"read_across,omitempty"`
}

func (*Prevention) Stage() Stage { return D7 }

func (d *Prevention) check(p qms.Problems, complete bool) {
	text(p, "summary", &d.Summary, MaxTextLen, complete, "how recurrence is prevented")
	checkItems(p, "changes", len(d.Changes), false, "")
	for i := range d.Changes {
		c := &d.Changes[i]
		f := fmt.Sprintf("changes.%d.", i)
		if !slices.Contains(ChangeKinds, c.Kind) {
			p.Add(f+"kind", "must be one of "+names(ChangeKinds))
		}
		c.Ref = strings.TrimSpace(c.Ref)
		qms.CheckText(p, f+"ref", c.Ref, MaxRefLen)
		if c.RefID < 0 {
			p.Add(f+"ref_id", "is not an id")
		}
		if c.RefID == 0 && c.Ref == "" {
			p.Add(f+"ref", "is required: which record was changed (its id in qms, or its reference)")
		}
		text(p, f+"description", &c.Description, MaxShortText, true, "what was changed")
	}
	text(p, "read_across", &d.ReadAcross, MaxTextLen, false, "")
}

// Recognition is D8: the closure summary, lessons learned and the team's
// recognition.
type Recognition struct {
	Summary        string `json:"summary"`
	LessonsLearned string `json:"lessons_learned,omitempty"`
	Recognition    string `json:"recognition,omitempty"`
}

func (*Recognition) Stage() Stage { return D8 }

func (d *Recognition) check(p qms.Problems, complete bool) {
	text(p, "summary", &d.Summary, MaxTextLen, complete, "the closure summary")
	text(p, "lessons_learned", &d.LessonsLearned, MaxTextLen, false, "")
	text(p, "recognition", &d.Recognition, MaxTextLen, false, "")
}

// OpenActions lists the actions of the report still open, for people: D3
// containment actions not done and D5 permanent actions not implemented
// in D6.
func (r *Report) OpenActions() []string {
	var out []string
	for i, a := range r.D3.Actions {
		if !a.Done {
			out = append(out, fmt.Sprintf("D3 action %d (%s)", i+1, clip(a.Description, 60)))
		}
	}
	for _, n := range r.D6.Missing(&r.D5) {
		out = append(out, fmt.Sprintf("D5 action %d (%s)", n, clip(r.D5.Actions[n-1].Description, 60)))
	}
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
