package web

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qms/internal/chart"
	"qms/internal/qms"
	"qms/internal/sampling"
)

// The sampling plan page: a calculator over package sampling for every
// internal user. Everything is in the query string, so that a plan is a
// link; the page works with plain GET submissions and without JavaScript
// (adding and removing a class are submit buttons that redirect to the
// page's address with one row more or less).

// maxSamplingRows is the most classes the form takes.
const maxSamplingRows = 20

// samplingRow is one class of the form, as typed.
type samplingRow struct {
	Name string
	AQL  string
	Zero bool // a buyer's zero-tolerance class
}

// samplingForm is the form as submitted (or the defaults).
type samplingForm struct {
	Lot      string
	Level    string
	Standard string
	Severity string
	Scheme   string
	Largest  bool
	Rows     []samplingRow
}

// defaultSamplingForm is the form of a first visit: the usual three classes.
func defaultSamplingForm() samplingForm {
	return samplingForm{Level: "II", Standard: "iso2859-1", Severity: "normal", Scheme: "single",
		Rows: []samplingRow{{Name: "critical", AQL: "0.065"}, {Name: "major", AQL: "2.5"}, {Name: "minor", AQL: "4.0"}}}
}

// readSamplingForm reads the form from the query; blank rows are kept (the
// "add a class" button makes one).
func readSamplingForm(q url.Values) samplingForm {
	f := defaultSamplingForm()
	if len(q) == 0 {
		return f
	}
	get := func(key, def string) string {
		if v := strings.TrimSpace(q.Get(key)); v != "" {
			return v
		}
		return def
	}
	f.Lot = strings.TrimSpace(q.Get("lot"))
	f.Level, f.Standard = get("level", "II"), get("standard", "iso2859-1")
	f.Severity, f.Scheme = get("severity", "normal"), get("scheme", "single")
	f.Largest = q.Get("largest") != ""
	names, aqls, rules := q["class"], q["aql"], q["rule"]
	n := min(max(len(names), len(aqls)), maxSamplingRows)
	f.Rows = make([]samplingRow, n)
	at := func(list []string, i int) string {
		if i < len(list) {
			return strings.TrimSpace(list[i])
		}
		return ""
	}
	for i := range f.Rows {
		f.Rows[i] = samplingRow{Name: at(names, i), AQL: at(aqls, i), Zero: at(rules, i) == "zero"}
		if f.Rows[i].Zero {
			f.Rows[i].AQL = ""
		}
	}
	return f
}

// encode writes the form as the page's query string, in the order of the
// form (so that a link reads like the form: lot, level, ..., then each
// class with its AQL).
func (f samplingForm) encode() string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + url.QueryEscape(v))
	}
	add("lot", f.Lot)
	add("level", f.Level)
	add("standard", f.Standard)
	add("severity", f.Severity)
	add("scheme", f.Scheme)
	if f.Largest {
		add("largest", "1")
	}
	anyZero := false
	for _, r := range f.Rows {
		anyZero = anyZero || r.Zero
	}
	for _, r := range f.Rows {
		add("class", r.Name)
		add("aql", r.AQL)
		if anyZero { // rules only when needed; then one per row, so the lists stay aligned
			rule := "aql"
			if r.Zero {
				rule = "zero"
			}
			add("rule", rule)
		}
	}
	return b.String()
}

// samplingOption is a choice of a select.
type samplingOption struct {
	Value, Label string
}

var (
	levelOptions = []samplingOption{{"S-1", "S-1 (special)"}, {"S-2", "S-2 (special)"}, {"S-3", "S-3 (special)"}, {"S-4", "S-4 (special)"},
		{"I", "I (general)"}, {"II", "II (general)"}, {"III", "III (general)"}}
	standardOptions = []samplingOption{{"iso2859-1", "ISO 2859-1:1999"}, {"z1.4", "ANSI/ASQ Z1.4-2008 (MIL-STD-105E)"}}
	severityOptions = []samplingOption{{"normal", "Normal"}, {"tightened", "Tightened"}, {"reduced", "Reduced"}}
	schemeOptions   = []samplingOption{{"single", "Single"}, {"double", "Double (Z1.4 only)"}, {"multiple", "Multiple (Z1.4 only)"}}
)

// samplingPage is the sampling plan page; samplingCardPage its printable
// plan card.
type samplingPage struct {
	layout
	Form       samplingForm
	Levels     []samplingOption
	Standards  []samplingOption
	Severities []samplingOption
	Schemes    []samplingOption
	AQLs       []string
	Errors     map[string]string // by field (lot, level, ..., class.N, aql.N), shown at the field
	Problems   []string          // errors that belong to no field (no class at all, no plan in the table)
	FieldsBad  bool              // some field has an error
	Plan       *planView         // nil until the form is complete and valid
	CardURL    string
	APIURL     string
}

func (*samplingPage) template() string { return "sampling" }

type samplingCardPage struct {
	layout
	Plan    *planView
	PageURL string
	Date    string // the day the card was made (UTC)
	Errors  []string
}

func (*samplingCardPage) template() string { return "sampling_card" }

// planView is a resolved plan as the pages show it.
type planView struct {
	StandardTitle string
	Severity      string
	Level         string
	Lot           string // grouped digits
	LotRange      string // Table I's range holding the lot
	CodeLetter    string
	UnitsToDraw   string
	Scheme        string // single, double or multiple
	Sequential    bool
	Rounds        string // largest-letter mode: "K → L → M"
	Classes       []classView
	Notes         []string
}

// classView is the plan of one class.
type classView struct {
	Name        string
	AQL         string // "2.5 %", "25 per 100 units", or "" for zero tolerance
	BuyerRule   string
	FinalLetter string
	N           string
	Ac, Re      int
	Full        bool
	Gap         bool   // Z1.4 reduced: Ac < d < Re accepts and reinstates normal
	CountIn     string // which units count for this class
	Path        []string
	Kind, Note  string      // double and multiple plans
	Stages      []stageView // double and multiple plans
	OC          *ocView
}

// stageView is one sample of a double or multiple plan.
type stageView struct {
	Index      int
	N, Cum     string
	Ac         string // "–" when acceptance is not possible yet
	Re         int
	Acceptable bool
}

// ocView is the OC curve of a class and the numbers read from it.
type ocView struct {
	SVG     template.HTML
	Model   string
	PaAQL   string // Pa at the AQL, "" without an AQL
	LQ      string // the quality accepted with 10 % probability
	AOQL    string
	AOQLAt  string
	ASN     string // double and multiple plans: average sample number at the AQL
	Caption string
}

// samplingPage shows the form and, once it is complete, the plan.
func (u *UI) samplingPage(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	q := r.URL.Query()
	f := readSamplingForm(q)
	if to, ok := rowEdit(q, f); ok {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	p := &samplingPage{layout: layout{Title: "Sampling plan"}, Form: f, Levels: levelOptions, Standards: standardOptions,
		Severities: severityOptions, Schemes: schemeOptions, AQLs: aqlTexts(), Errors: map[string]string{}}
	status := http.StatusOK
	if len(q) > 0 {
		plan, errs, order := resolvePlan(f)
		p.Plan, p.Errors = plan, errs
		for _, k := range order {
			if k == "plan" || k == "classes" {
				p.Problems = append(p.Problems, errs[k])
			} else {
				p.FieldsBad = true
			}
		}
		if len(errs) > 0 {
			status = http.StatusBadRequest
		}
		if plan != nil {
			p.CardURL = "/sampling/card?" + f.encode()
			p.APIURL = apiPlanURL(f)
		}
	}
	u.render(w, r, status, p)
	return nil
}

// samplingCard is the printable plan card of the same query.
func (u *UI) samplingCard(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	f := readSamplingForm(r.URL.Query())
	plan, errs, order := resolvePlan(f)
	p := &samplingCardPage{layout: layout{Title: "Sampling plan card"}, Plan: plan, PageURL: "/sampling?" + f.encode(),
		Date: time.Now().UTC().Format("2006-01-02")}
	for _, k := range order {
		p.Errors = append(p.Errors, errs[k])
	}
	status := http.StatusOK
	if plan == nil {
		status = http.StatusBadRequest
	}
	u.render(w, r, status, p)
	return nil
}

// rowEdit handles the add and remove buttons: the address of the page with
// a blank row more, or without the row named.
func rowEdit(q url.Values, f samplingForm) (string, bool) {
	switch {
	case q.Has("add"):
		if len(f.Rows) < maxSamplingRows {
			f.Rows = append(f.Rows, samplingRow{})
		}
	case q.Has("remove"):
		i, err := strconv.Atoi(q.Get("remove"))
		if err == nil && i >= 0 && i < len(f.Rows) {
			f.Rows = append(f.Rows[:i], f.Rows[i+1:]...)
		}
	default:
		return "", false
	}
	return "/sampling?" + f.encode() + "#classes", true
}

// apiPlanURL is the API's address of the same plan.
func apiPlanURL(f samplingForm) string {
	var parts []string
	for _, r := range f.Rows {
		if r.Name == "" && r.AQL == "" && !r.Zero {
			continue
		}
		v := r.AQL
		if r.Zero {
			v = "0"
		}
		parts = append(parts, r.Name+"="+v)
	}
	q := url.Values{"lot": {parseLotText(f.Lot)}, "aql": {strings.Join(parts, ",")}, "level": {f.Level},
		"standard": {f.Standard}, "severity": {f.Severity}, "scheme": {f.Scheme}}
	if f.Largest {
		q.Set("largest_letter", "true")
	}
	return "/api/v1/sampling/plan?" + q.Encode()
}

func aqlTexts() []string {
	var out []string
	for _, a := range sampling.AQLs() {
		out = append(out, a.String())
	}
	return out
}

// parseLotText removes digit grouping ("3,000", "3 000").
func parseLotText(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ',', ' ', '\u00a0', '\u202f', '\'', '_':
			return -1
		}
		return r
	}, s)
}

// resolvePlan checks the form and resolves the plan. It returns the errors
// by field in plain words, and the fields in the order of the form.
func resolvePlan(f samplingForm) (*planView, map[string]string, []string) {
	errs := map[string]string{}
	var order []string
	add := func(field, msg string) {
		if _, ok := errs[field]; !ok {
			errs[field] = msg
			order = append(order, field)
		}
	}
	lot := 0
	switch lotText := parseLotText(f.Lot); {
	case lotText == "":
		add("lot", "Enter the lot size: the number of units in the lot.")
	default:
		n, err := strconv.Atoi(lotText)
		switch {
		case err != nil && strings.Trim(lotText, "0123456789") == "":
			add("lot", "This lot size is too large.")
		case err != nil:
			add("lot", fmt.Sprintf("%q is not a whole number of units.", f.Lot))
		case n < 2:
			add("lot", "A lot must have at least 2 units (Table I starts at 2 to 8).")
		default:
			lot = n
		}
	}
	level, err := sampling.ParseLevel(f.Level)
	if err != nil {
		add("level", "Choose an inspection level: S-1 to S-4, I, II or III.")
	}
	std, err := sampling.ParseStandard(f.Standard)
	if err != nil {
		add("standard", "Choose the standard: ISO 2859-1 or ANSI/ASQ Z1.4.")
	}
	sev, err := sampling.ParseSeverity(f.Severity)
	if err != nil {
		add("severity", "Choose normal, tightened or reduced inspection.")
	}
	switch f.Scheme {
	case "single":
	case "double", "multiple":
		if std == sampling.ISO2859 {
			add("scheme", "ISO 2859-1:1999's double and multiple plans are not public, so qms does not have them (they differ from Z1.4's). Use single sampling, or choose ANSI/ASQ Z1.4 for double and multiple plans.")
		}
		if f.Largest {
			add("largest", "The largest-code-letter samplingOption applies to single sampling only.")
		}
	default:
		add("scheme", "Choose single, double or multiple sampling.")
	}
	var classes []sampling.ClassSpec
	seen := map[string]bool{}
	for i, row := range f.Rows {
		if row.Name == "" && row.AQL == "" && !row.Zero {
			continue // a blank row
		}
		n := strconv.Itoa(i)
		name := row.Name
		switch {
		case name == "":
			add("class."+n, "Give this class a name, for example major.")
		case len([]rune(name)) > 50:
			add("class."+n, "A class name may have at most 50 characters.")
		case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
			add("class."+n, "The class name contains a control character.")
		case seen[name]:
			add("class."+n, fmt.Sprintf("The class %q is already in the list; give each class its own name.", name))
		}
		seen[name] = true
		c := sampling.ClassSpec{Name: name, ZeroTolerance: row.Zero}
		if !row.Zero {
			switch a, err := sampling.ParseAQL(row.AQL); {
			case row.AQL == "":
				add("aql."+n, "Enter the AQL of this class, one of "+sampling.ValidAQLs()+", or choose zero tolerance.")
			case err != nil:
				add("aql."+n, fmt.Sprintf("%s is not one of the preferred AQLs, which are %s. Choose one of them: qms does not round to the nearest.", row.AQL, sampling.ValidAQLs()))
			default:
				c.AQL = a
			}
		}
		classes = append(classes, c)
	}
	if len(classes) == 0 {
		add("classes", "Add at least one class with its AQL.")
	}
	if len(errs) > 0 {
		return nil, errs, order
	}
	var plan *planView
	if f.Scheme == "single" {
		plan, err = singleView(sampling.Request{Standard: std, Severity: sev, Level: level, Lot: lot, Classes: classes, LargestLetter: f.Largest})
	} else {
		plan, err = sequentialView(std, sev, level, lot, classes, f.Scheme)
	}
	if err != nil {
		add("plan", planError(err))
		return nil, errs, order
	}
	return plan, errs, order
}

// planError words an error of the sampling engine for the page.
func planError(err error) string {
	var te *sampling.TableError
	if errors.As(err, &te) {
		return fmt.Sprintf("No plan: %s.", capitalize(te.Error()))
	}
	return capitalize(strings.TrimPrefix(err.Error(), "sampling: ")) + "."
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// groupDigits writes n with thousands separators.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// planHeader fills the parts of a plan view that do not depend on the scheme.
func planHeader(std sampling.Standard, sev sampling.Severity, level sampling.Level, lot int, letter sampling.CodeLetter) *planView {
	lo, hi, _ := sampling.LotRange(lot)
	rng := groupDigits(lo) + " to " + groupDigits(hi)
	if hi == 0 {
		rng = groupDigits(lo) + " and over"
	}
	return &planView{StandardTitle: std.Title(), Severity: sev.String(), Level: level.String(), Lot: groupDigits(lot),
		LotRange: rng, CodeLetter: letter.String()}
}

// aqlText shows an AQL with its unit.
func aqlText(a sampling.AQL) string {
	if a.Value() > 10 {
		return a.String() + " per 100 units"
	}
	return a.String() + " %"
}

// singleView resolves the single sampling plans of all classes.
func singleView(req sampling.Request) (*planView, error) {
	in, err := sampling.PlanClasses(req)
	if err != nil {
		return nil, err
	}
	v := planHeader(in.Standard, in.Severity, in.Level, in.Lot, in.CodeLetter)
	v.Scheme, v.UnitsToDraw = "single", groupDigits(in.UnitsToDraw)
	if len(in.LargestLetterRounds) > 0 {
		var r []string
		for _, l := range in.LargestLetterRounds {
			r = append(r, l.String())
		}
		v.Rounds = strings.Join(r, " → ")
	}
	for _, c := range in.Classes {
		cv := classView{Name: c.Name, FinalLetter: c.FinalCodeLetter.String(), N: groupDigits(c.SampleSize), Ac: c.Ac, Re: c.Re,
			Full: c.FullInspection, Gap: c.Re > c.Ac+1, BuyerRule: c.BuyerRule}
		if c.BuyerRule == "" {
			cv.AQL = aqlText(c.AQL)
			if v.Rounds != "" {
				cv.Path = append(cv.Path, fmt.Sprintf("Largest code letter for all classes: start at %s instead of %s (rounds %s).",
					c.Plan.CodeLetter, in.CodeLetter, v.Rounds))
			}
			cv.Path = append(cv.Path, arrowPath(c.Plan, in.Lot)...)
		} else {
			cv.Path = []string{fmt.Sprintf("Buyer rule, not a table plan: accept with 0 nonconforming units, reject with 1, on all %s units drawn.", groupDigits(in.UnitsToDraw))}
		}
		switch {
		case c.FullInspection:
			cv.CountIn = fmt.Sprintf("every unit of the lot (%s)", groupDigits(c.SampleSize))
		case c.SampleSize == in.UnitsToDraw:
			cv.CountIn = fmt.Sprintf("all %s units drawn", groupDigits(c.SampleSize))
		default:
			cv.CountIn = fmt.Sprintf("the first %s of the %s units drawn", groupDigits(c.SampleSize), groupDigits(in.UnitsToDraw))
		}
		model := sampling.Binomial
		if c.BuyerRule == "" {
			model = sampling.ModelForAQL(c.AQL)
		}
		cv.OC = ocFor(c.Plan.Scheme(), model, in.Lot, c.AQL, fmt.Sprintf("%s: n = %d, Ac %d, Re %d", c.Name, c.SampleSize, c.Ac, c.Re))
		v.Classes = append(v.Classes, cv)
		if cv.Gap {
			v.Notes = append(v.Notes, fmt.Sprintf("%s: with more than %d but fewer than %d nonconforming units the lot is accepted, and normal inspection is reinstated from the next lot (Z1.4 reduced inspection).", c.Name, c.Ac, c.Re))
		}
	}
	return v, nil
}

// arrowPath explains in plain words how the master table gave a class's
// plan: each arrow followed, then the row the plan comes from.
func arrowPath(p sampling.Plan, lot int) []string {
	var out []string
	sev := p.Severity
	for i, a := range p.Arrows() {
		dir := "up"
		if a.Down() {
			dir = "down"
		}
		if i == 0 {
			out = append(out, fmt.Sprintf("No plan at %s (n = %s) for AQL %s: follow the arrow %s to %s (n = %s).",
				a.From, groupDigits(sampling.SampleSizeOf(a.From, sev)), p.AQL, dir, a.To, groupDigits(sampling.SampleSizeOf(a.To, sev))))
		} else {
			out = append(out, fmt.Sprintf("No plan at %s either: follow the arrow %s to %s (n = %s).",
				a.From, dir, a.To, groupDigits(sampling.SampleSizeOf(a.To, sev))))
		}
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("The table has a plan at %s for AQL %s: n = %s, Ac %d, Re %d.",
			p.FinalCodeLetter, p.AQL, groupDigits(p.TableSampleSize), p.Ac, p.Re))
	} else {
		out = append(out, fmt.Sprintf("The plan at %s: n = %s, Ac %d, Re %d (n, Ac and Re all from row %s).",
			p.FinalCodeLetter, groupDigits(p.TableSampleSize), p.Ac, p.Re, p.FinalCodeLetter))
	}
	if p.FullInspection {
		out = append(out, fmt.Sprintf("n = %s is not less than the lot of %s: inspect every unit (100 %% inspection).",
			groupDigits(p.TableSampleSize), groupDigits(lot)))
	}
	return out
}

// sequentialView resolves the Z1.4 double or multiple plans of all classes.
func sequentialView(std sampling.Standard, sev sampling.Severity, level sampling.Level, lot int, classes []sampling.ClassSpec, scheme string) (*planView, error) {
	letter, err := sampling.CodeLetterFor(lot, level)
	if err != nil {
		return nil, err
	}
	get := sampling.DoublePlan
	if scheme == "multiple" {
		get = sampling.MultiplePlan
	}
	v := planHeader(std, sev, level, lot, letter)
	v.Scheme, v.Sequential = scheme, true
	first := 0
	for _, c := range classes {
		if c.ZeroTolerance {
			return nil, fmt.Errorf("class %s: a zero-tolerance class has no %s sampling plan; use single sampling", c.Name, scheme)
		}
		p, err := get(std, sev, letter, c.AQL)
		if err != nil {
			return nil, fmt.Errorf("class %s: %w", c.Name, err)
		}
		cv := classView{Name: c.Name, AQL: aqlText(c.AQL), FinalLetter: p.FinalCodeLetter.String(), Kind: p.Kind, Note: p.Note}
		cum := 0
		for i, s := range p.Stages {
			cum += s.N
			sv := stageView{Index: i + 1, N: groupDigits(s.N), Cum: groupDigits(cum), Ac: strconv.Itoa(s.Ac), Re: s.Re, Acceptable: s.Ac >= 0}
			if s.Ac < 0 {
				sv.Ac = "–"
			}
			cv.Stages = append(cv.Stages, sv)
		}
		first = max(first, p.Stages[0].N)
		cv.N = groupDigits(p.Stages[0].N)
		if cum >= lot {
			cv.Full = true
		}
		cv.CountIn = "each sample separately, counts added up"
		if p.Kind == "single" {
			cv.Ac, cv.Re = p.Stages[0].Ac, p.Stages[0].Re
			cv.CountIn = "the first " + cv.N + " units"
		}
		title := fmt.Sprintf("%s: %s plan, %d samples of %s", c.Name, p.Kind, len(p.Stages), cv.N)
		cv.OC = ocFor(p.Scheme(), sampling.ModelForAQL(c.AQL), lot, c.AQL, title)
		v.Classes = append(v.Classes, cv)
	}
	v.UnitsToDraw = groupDigits(first)
	v.Notes = append(v.Notes, "If the cumulative sample reaches the lot size, inspect every unit instead.")
	return v, nil
}

// ocFor draws the OC curve of a scheme from p = 0 to where Pa falls below
// 2 %, marks the AQL and the limiting quality at Pa = 10 % (the consumer's
// risk point), and reads Pa at the AQL and the AOQL. The lot size is used
// for AOQ unless the scheme can draw more than the lot.
func ocFor(s sampling.Scheme, m sampling.Model, lot int, aql sampling.AQL, title string) *ocView {
	if lot > 0 && s.TotalN() > lot {
		lot = 0
	}
	pa := func(p float64) float64 {
		o, err := sampling.OC(s, m, lot, p)
		if err != nil {
			return math.NaN()
		}
		return o.Pa
	}
	aqlP := aql.Value() / 100 // a fraction, or nonconformities per unit
	hi := math.Max(1/float64(s.TotalN()), 2*aqlP)
	for i := 0; i < 80 && pa(hi) >= 0.02; i++ {
		hi *= 1.5
		if m != sampling.Poisson && hi >= 1 {
			hi = 1
			break
		}
	}
	if hi = niceAbove(hi); m != sampling.Poisson && hi > 1 {
		hi = 1
	}
	v := &ocView{Model: m.String()}
	// The limiting quality: Pa falls with p, so bisect for Pa = 10 %.
	lq := math.NaN()
	if pa(hi) <= 0.10 {
		a, b := 0.0, hi
		for i := 0; i < 60; i++ {
			mid := (a + b) / 2
			if pa(mid) > 0.10 {
				a = mid
			} else {
				b = mid
			}
		}
		lq = (a + b) / 2
		v.LQ = qualityText(lq, m)
	}
	const points = 161
	grid := make([]float64, points)
	for i := range grid {
		grid[i] = hi * float64(i) / (points - 1)
	}
	curve, err := sampling.OCCurve(s, m, lot, grid)
	if err != nil {
		return nil
	}
	var marks []chart.OCMark
	if aql != 0 {
		marks = append(marks, chart.OCMark{P: aqlP, Label: "AQL " + qualityText(aqlP, m)})
		if o, err := sampling.OC(s, m, lot, aqlP); err == nil {
			v.PaAQL = percentText(o.Pa)
			if len(s.Stages) > 1 {
				v.ASN = strconv.FormatFloat(o.ASN, 'f', 1, 64)
			}
		}
	}
	if !math.IsNaN(lq) {
		marks = append(marks, chart.OCMark{P: lq, Label: "LQ " + qualityText(lq, m) + " (Pa 10 %)"})
	}
	if r, err := sampling.AOQL(s, m, lot); err == nil {
		v.AOQL, v.AOQLAt = qualityText(r.AOQL, m), qualityText(r.AtP, m)
	}
	v.SVG = template.HTML(sampling.OCChart(title, curve, m, marks).SVG(600, 340))
	unit := "fraction nonconforming p (0.01 = 1 %)"
	if m == sampling.Poisson {
		unit = "nonconformities per unit p (0.25 = 25 per 100 units)"
	}
	v.Caption = fmt.Sprintf("Probability of accepting a lot against its quality: %s, %s model.", unit, m)
	return v
}

// niceAbove returns the smallest number m·10^k not below x with m one of
// 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8, so that the chart's five axis divisions
// fall on round qualities.
func niceAbove(x float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8} {
		if m*e >= x*(1-1e-9) {
			return m * e
		}
	}
	return 10 * e
}

// qualityText shows a quality p as a percentage, or per 100 units for the
// Poisson model.
func qualityText(p float64, m sampling.Model) string {
	s := strconv.FormatFloat(100*p, 'g', 3, 64)
	if strings.Contains(s, "e") {
		s = strconv.FormatFloat(100*p, 'f', -1, 64)
	}
	if m == sampling.Poisson {
		return s + " per 100 units"
	}
	return s + " %"
}

// percentText shows a probability as a percentage with one decimal.
func percentText(p float64) string {
	return strconv.FormatFloat(100*p, 'f', 1, 64) + " %"
}
