package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"qms/internal/chart"
	"qms/internal/sampling"
)

// aqlSubcommand is one "qms aql" subcommand. flags defines its flags on fs
// and returns the function that runs it after parsing.
type aqlSubcommand struct {
	name, synopsis, summary string
	flags                   func(env *Env, fs *flag.FlagSet) func() error
}

func aqlSubcommands() []aqlSubcommand {
	return []aqlSubcommand{
		{"plan", "aql plan --lot N --aql AQL|CLASS=AQL,... [--level II] [--severity normal] [--standard iso2859-1] [--json]\n       qms aql plan --batch < lots.csv",
			"sampling plan (code letter, n, Ac/Re per class) for a lot", aqlPlanFlags},
		{"oc", "aql oc --n 80 --c 2 [--r 3] [--n2 80 --c2 4 --r2 5] [--lot N] [--dist binomial] --p 0.01,0.02 [--json] [--svg FILE]",
			"operating characteristics (Pa, AOQ, ATI, ASN) of a single or double plan", aqlOCFlags},
		{"design", "aql design --producer P1,PA1 --consumer P2,PA2 [--dist binomial] [--lot N] [--json]\n       qms aql design --lq P --lot N [--max-c 3] [--json]",
			"smallest single plan for a producer's and a consumer's risk point", aqlDesignFlags},
		{"switching", "aql switching --lot N --aql AQL --results 1,9,0,3R,... [--level II] [--standard iso2859-1] [--approve-reduced] [--json]",
			"replay a history of lots through the switching rules", aqlSwitchingFlags},
	}
}

func runAQL(ctx context.Context, env *Env, args []string) error {
	subs := aqlSubcommands()
	if len(args) == 0 {
		printAQLHelp(env, subs, false)
		return usagef("missing subcommand; run 'qms aql --help'")
	}
	if a := args[0]; a == "-h" || a == "--help" || a == "help" {
		printAQLHelp(env, subs, true)
		return nil
	}
	for _, s := range subs {
		if s.name == args[0] {
			fs := newFlags(env, s.name, s.synopsis)
			run := s.flags(env, fs)
			if err := parseFlags(fs, args[1:]); err != nil {
				return err
			}
			return run()
		}
	}
	return usagef("unknown subcommand %q; run 'qms aql --help' for the list", args[0])
}

// printAQLHelp lists the subcommands and, when full, every flag of each.
func printAQLHelp(env *Env, subs []aqlSubcommand, full bool) {
	w := env.Stdout
	fmt.Fprintln(w, "Usage: qms aql <subcommand> [flags]")
	fmt.Fprintln(w, "\nAcceptance sampling by attributes: ISO 2859-1:1999 and ANSI/ASQ Z1.4-2008 (= MIL-STD-105E tables).")
	fmt.Fprintln(w, "\nSubcommands:")
	for _, s := range subs {
		fmt.Fprintf(w, "  %-10s %s\n", s.name, s.summary)
	}
	if !full {
		return
	}
	for _, s := range subs {
		fmt.Fprintf(w, "\nqms %s\n", s.synopsis)
		fs := flag.NewFlagSet(s.name, flag.ContinueOnError)
		s.flags(env, fs)
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	fmt.Fprintln(w, "\nExit status: 0 ok, 1 failed (a batch with bad rows, discontinued inspection), 2 usage error.")
}

// commonPlanFlags are shared by plan and switching.
type commonPlanFlags struct {
	lot                       int
	level, standard, severity string
	aql                       string
}

func (c *commonPlanFlags) define(fs *flag.FlagSet, withSeverity bool) {
	fs.IntVar(&c.lot, "lot", 0, "lot size (number of units in the lot, at least 2)")
	fs.StringVar(&c.level, "level", "II", "inspection level: S-1, S-2, S-3, S-4, I, II or III")
	fs.StringVar(&c.standard, "standard", "iso2859-1", "tables to use: iso2859-1 (ISO 2859-1:1999) or z1.4 (ANSI/ASQ Z1.4-2008 = MIL-STD-105E)")
	if withSeverity {
		fs.StringVar(&c.severity, "severity", "normal", "inspection severity: normal, tightened or reduced")
	}
}

func (c *commonPlanFlags) parse() (sampling.Standard, sampling.Severity, sampling.Level, error) {
	std, err := sampling.ParseStandard(c.standard)
	if err != nil {
		return 0, 0, 0, usagef("--standard: %v", err)
	}
	sev := sampling.Normal
	if c.severity != "" {
		if sev, err = sampling.ParseSeverity(c.severity); err != nil {
			return 0, 0, 0, usagef("--severity: %v", err)
		}
	}
	lv, err := sampling.ParseLevel(c.level)
	if err != nil {
		return 0, 0, 0, usagef("--level: %v", err)
	}
	return std, sev, lv, nil
}

// parseClassList parses --aql: a single AQL ("2.5", one class named
// "default") or CLASS=AQL pairs separated by commas. AQL 0 (or "zero")
// makes a buyer's zero-tolerance class.
func parseClassList(s string) ([]sampling.ClassSpec, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("no AQL given")
	}
	if !strings.Contains(s, "=") && !strings.Contains(s, ",") {
		c, err := parseClassAQL("default", s)
		if err != nil {
			return nil, err
		}
		return []sampling.ClassSpec{c}, nil
	}
	var out []sampling.ClassSpec
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(part, "=")
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q: write CLASS=AQL, for example major=2.5", strings.TrimSpace(part))
		}
		if seen[name] {
			return nil, fmt.Errorf("class %q is given twice", name)
		}
		seen[name] = true
		c, err := parseClassAQL(name, val)
		if err != nil {
			return nil, err
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
	if err != nil {
		if name == "default" {
			return sampling.ClassSpec{}, err
		}
		return sampling.ClassSpec{}, fmt.Errorf("class %s: %w", name, err)
	}
	return sampling.ClassSpec{Name: name, AQL: a}, nil
}

// formatClassList writes classes back in the --aql syntax.
func formatClassList(cs []sampling.ClassSpec) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		v := c.AQL.String()
		if c.ZeroTolerance {
			v = "0"
		}
		parts[i] = c.Name + "=" + v
	}
	return strings.Join(parts, ",")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func aqlPlanFlags(env *Env, fs *flag.FlagSet) func() error {
	var c commonPlanFlags
	c.define(fs, true)
	fs.StringVar(&c.aql, "aql", "", "AQL for one class (\"2.5\", one class named default), or CLASS=AQL pairs\n(\"critical=0.065,major=2.5,minor=4.0\"); one of the 26 preferred AQLs 0.010 ... 1000;\nAQL 0 makes a buyer's zero-tolerance class (Ac 0, Re 1 on all units drawn; not an ISO plan)")
	largest := fs.Bool("largest-letter", false, "use the largest code letter for all classes: resolve every class again starting from the\nlargest final code letter reached by any class (arrows are followed again) and repeat until that\nletter no longer changes; a class whose column points up from that row keeps its smaller n")
	scheme := fs.String("scheme", "single", "single, double or multiple (double and multiple: z1.4 only; ISO 2859-1 ones are not public)")
	asJSON := fs.Bool("json", false, "print one JSON object: {standard, severity, level, lot, code_letter, units_to_draw,\nclasses: [{name, aql, final_code_letter, sample_size, ac, re, full_inspection, arrows}]};\narrows lists each arrow followed as \"K↓L\"; a zero-tolerance class also has buyer_rule, and\n--largest-letter adds largest_letter_rounds (the starting letter of each round)")
	batch := fs.Bool("batch", false, "read CSV lots on stdin (header lot,level,severity,aql and optional standard;\nempty cells take --level, --severity, --standard) and write CSV with the input columns plus\ncode_letter,final_code_letter,sample_size,ac,re,full_inspection,error; exit status 1 if a row failed")
	return func() error {
		std, sev, lv, err := c.parse()
		if err != nil {
			return err
		}
		if *batch {
			if c.lot != 0 || c.aql != "" || *largest || *asJSON || *scheme != "single" {
				return usagef("--batch reads lot, level, severity and aql from stdin; it takes only --level, --severity and --standard as defaults")
			}
			return aqlBatch(env, std, sev, lv)
		}
		if c.lot == 0 {
			return usagef("--lot is required (the number of units in the lot)")
		}
		if c.aql == "" {
			return usagef("--aql is required, for example --aql 2.5 or --aql critical=0.065,major=2.5,minor=4.0")
		}
		classes, err := parseClassList(c.aql)
		if err != nil {
			return usagef("--aql: %v", err)
		}
		switch *scheme {
		case "single":
		case "double", "multiple":
			if *largest {
				return usagef("--largest-letter applies to single sampling only")
			}
			return aqlSequential(env, std, sev, lv, c.lot, classes, *scheme, *asJSON)
		default:
			return usagef("--scheme: use single, double or multiple")
		}
		insp, err := sampling.PlanClasses(sampling.Request{Standard: std, Severity: sev, Level: lv, Lot: c.lot, Classes: classes, LargestLetter: *largest})
		if err != nil {
			return usagef("%v", err)
		}
		if *asJSON {
			return writeJSON(env.Stdout, insp)
		}
		printInspection(env.Stdout, insp)
		return nil
	}
}

func printInspection(w io.Writer, in sampling.Inspection) {
	lo, hi, _ := sampling.LotRange(in.Lot)
	rng := fmt.Sprintf("%d-%d", lo, hi)
	if hi == 0 {
		rng = fmt.Sprintf("%d and over", lo)
	}
	fmt.Fprintf(w, "Standard:       %s, single sampling, %s inspection\n", in.Standard.Title(), in.Severity)
	fmt.Fprintf(w, "Lot size:       %d (Table I range %s), inspection level %s -> code letter %s\n", in.Lot, rng, in.Level, in.CodeLetter)
	if len(in.LargestLetterRounds) > 0 {
		var r []string
		for _, l := range in.LargestLetterRounds {
			r = append(r, l.String())
		}
		fmt.Fprintf(w, "Largest letter: rounds started at %s; every class resolved from %s\n", strings.Join(r, ", "), r[len(r)-1])
	}
	fmt.Fprintf(w, "Units to draw:  %d\n\n", in.UnitsToDraw)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "class\tAQL\tcode letter\tsample size\tAc\tRe\tarrows followed")
	var notes []string
	for _, c := range in.Classes {
		aql := c.AQL.String()
		if c.BuyerRule != "" {
			aql = "zero tol."
			notes = append(notes, fmt.Sprintf("%s: %s.", c.Name, c.BuyerRule))
		}
		var arrows []string
		for _, a := range c.Arrows {
			arrows = append(arrows, a.String())
		}
		arrow := strings.Join(arrows, " ")
		if arrow == "" {
			arrow = "-"
		}
		n := strconv.Itoa(c.SampleSize)
		if c.FullInspection {
			n += " (100 %)"
			notes = append(notes, fmt.Sprintf("%s: the table's n = %d is not less than the lot, so every unit is inspected.", c.Name, c.Plan.TableSampleSize))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", c.Name, aql, c.FinalCodeLetter, n, c.Ac, c.Re, arrow)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nAccept a class if the nonconforming count in its first n units is <= Ac, reject it if >= Re;")
	fmt.Fprintln(w, "the lot is rejected if any class is rejected.")
	for _, c := range in.Classes {
		if c.Re > c.Ac+1 {
			notes = append(notes, fmt.Sprintf("%s: Ac < d < Re accepts the lot but reinstates normal inspection (Z1.4 reduced).", c.Name))
		}
	}
	for _, n := range notes {
		fmt.Fprintln(w, "Note: "+n)
	}
}

func aqlSequential(env *Env, std sampling.Standard, sev sampling.Severity, lv sampling.Level, lot int, classes []sampling.ClassSpec, scheme string, asJSON bool) error {
	letter, err := sampling.CodeLetterFor(lot, lv)
	if err != nil {
		return usagef("%v", err)
	}
	type classOut struct {
		Name string `json:"name"`
		sampling.SequentialPlan
	}
	out := struct {
		Standard   sampling.Standard   `json:"standard"`
		Severity   sampling.Severity   `json:"severity"`
		Level      sampling.Level      `json:"level"`
		Lot        int                 `json:"lot"`
		CodeLetter sampling.CodeLetter `json:"code_letter"`
		Scheme     string              `json:"scheme"`
		Classes    []classOut          `json:"classes"`
	}{std, sev, lv, lot, letter, scheme, nil}
	get := sampling.DoublePlan
	if scheme == "multiple" {
		get = sampling.MultiplePlan
	}
	for _, c := range classes {
		if c.ZeroTolerance {
			return usagef("class %s: a zero-tolerance class has no %s sampling plan", c.Name, scheme)
		}
		p, err := get(std, sev, letter, c.AQL)
		if err != nil {
			if len(classes) == 1 {
				return usagef("%v", err)
			}
			return usagef("class %s: %v", c.Name, err)
		}
		out.Classes = append(out.Classes, classOut{c.Name, p})
	}
	if asJSON {
		return writeJSON(env.Stdout, out)
	}
	w := env.Stdout
	fmt.Fprintf(w, "Standard:    %s, %s sampling, %s inspection\n", std.Title(), scheme, sev)
	fmt.Fprintf(w, "Lot size:    %d, inspection level %s -> code letter %s\n", lot, lv, letter)
	for _, c := range out.Classes {
		fmt.Fprintf(w, "\nclass %s, AQL %s: %s plan, row %s\n", c.Name, c.AQL, c.Kind, c.FinalCodeLetter)
		if c.Note != "" {
			fmt.Fprintf(w, "  (%s)\n", c.Note)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  sample\tsize\tcumulative\tAc\tRe")
		cum := 0
		for i, s := range c.Stages {
			cum += s.N
			ac := strconv.Itoa(s.Ac)
			if s.Ac < 0 {
				ac = "#"
			}
			fmt.Fprintf(tw, "  %d\t%d\t%d\t%s\t%d\n", i+1, s.N, cum, ac, s.Re)
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "\nAc and Re are cumulative; # means acceptance is not possible at that sample.")
	fmt.Fprintln(w, "If the cumulative sample reaches the lot size, inspect 100 %.")
	return nil
}

// optInt is an integer flag that may be left unset.
type optInt struct {
	v   int
	set bool
}

func (o *optInt) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.Itoa(o.v)
}

func (o *optInt) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not a whole number")
	}
	o.v, o.set = v, true
	return nil
}

// parseFloatList parses comma-separated numbers.
func parseFloatList(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		v, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", part)
		}
		out = append(out, v)
	}
	return out, nil
}

func aqlOCFlags(env *Env, fs *flag.FlagSet) func() error {
	n := fs.Int("n", 0, "sample size (first sample size of a double plan)")
	var c, r, c2, r2 optInt
	fs.Var(&c, "c", "acceptance number `Ac` (required; of the first sample in a double plan)")
	fs.Var(&r, "r", "rejection number `Re` (default c+1; required for a double plan; Re > c+1 in a\nsingle plan is a Z1.4 reduced gap: Ac < d < Re accepts)")
	n2 := fs.Int("n2", 0, "second sample size (makes a double plan)")
	fs.Var(&c2, "c2", "cumulative acceptance `number` after the second sample (required with --n2)")
	fs.Var(&r2, "r2", "cumulative rejection `number` after the second sample (default c2+1)")
	lot := fs.Int("lot", 0, "lot size N (needed for ATI and for --dist hypergeometric; AOQ uses it)")
	dist := fs.String("dist", "binomial", "model: binomial (fraction nonconforming), hypergeometric (lot of N with\nD = round(p*N) nonconforming, stated in the output) or poisson (p nonconformities per unit)")
	ps := fs.String("p", "", "comma-separated qualities p: fraction nonconforming, or nonconformities per unit\nfor poisson (0.02 = 2 per 100 units)")
	asJSON := fs.Bool("json", false, "print a JSON array of {p, pa, aoq, ati, asn} (plus lot_nonconforming for hypergeometric;\nati is null without --lot)")
	svg := fs.String("svg", "", "also write the OC curve (Pa against p) as an SVG image to `FILE`")
	return func() error {
		if *n < 1 {
			return usagef("--n is required (sample size, at least 1)")
		}
		if !c.set || c.v < 0 {
			return usagef("--c is required (acceptance number, at least 0)")
		}
		if *ps == "" {
			return usagef("--p is required, for example --p 0.01,0.02,0.05")
		}
		re := c.v + 1
		switch {
		case r.set:
			re = r.v
		case *n2 > 0:
			return usagef("a double plan needs --r, the rejection number of the first sample")
		}
		scheme := sampling.Scheme{Stages: []sampling.Stage{{N: *n, Ac: c.v, Re: re}}}
		switch {
		case *n2 > 0:
			if !c2.set {
				return usagef("a double plan needs --c2")
			}
			re2 := c2.v + 1
			if r2.set {
				re2 = r2.v
			}
			scheme.Stages = append(scheme.Stages, sampling.Stage{N: *n2, Ac: c2.v, Re: re2})
		case c2.set || r2.set:
			return usagef("--c2 and --r2 need --n2")
		}
		if err := scheme.Validate(); err != nil {
			return usagef("%v", err)
		}
		model, err := sampling.ParseModel(*dist)
		if err != nil {
			return usagef("--dist: %v", err)
		}
		qs, err := parseFloatList(*ps)
		if err != nil {
			return usagef("--p: %v", err)
		}
		pts, err := sampling.OCCurve(scheme, model, *lot, qs)
		if err != nil {
			return usagef("%v", err)
		}
		if *svg != "" {
			if err := writeOCSVG(*svg, scheme, model, *lot, qs); err != nil {
				return err
			}
		}
		if *asJSON {
			return writeJSON(env.Stdout, pts)
		}
		w := env.Stdout
		fmt.Fprintf(w, "Plan: %s, %s model", describeScheme(scheme), model)
		if *lot > 0 {
			fmt.Fprintf(w, ", lot %d", *lot)
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		head := "p\tPa\tAOQ\tATI\tASN\t"
		if model == sampling.Hypergeometric {
			head += "D in lot\t"
		}
		fmt.Fprintln(tw, head)
		for _, o := range pts {
			ati := "-"
			if *lot > 0 {
				ati = fmt.Sprintf("%.1f", o.ATI)
			}
			fmt.Fprintf(tw, "%g\t%.6f\t%.6f\t%s\t%.2f\t", o.P, o.Pa, o.AOQ, ati, o.ASN)
			if model == sampling.Hypergeometric {
				fmt.Fprintf(tw, "%d\t", o.LotNonconforming)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		if aoql, err := sampling.AOQL(scheme, model, *lot); err == nil {
			fmt.Fprintf(w, "AOQL %.6f at p = %.6g", aoql.AOQL, aoql.AtP)
			if *lot == 0 {
				fmt.Fprint(w, " (lot size unknown: AOQ = p*Pa)")
			}
			fmt.Fprintln(w)
		}
		if *lot == 0 {
			fmt.Fprintln(w, "ATI needs --lot.")
		}
		return nil
	}
}

func describeScheme(s sampling.Scheme) string {
	var parts []string
	for _, st := range s.Stages {
		parts = append(parts, fmt.Sprintf("n=%d Ac=%d Re=%d", st.N, st.Ac, st.Re))
	}
	if len(parts) == 1 {
		return "single " + parts[0]
	}
	return "double " + strings.Join(parts, "; ")
}

// writeOCSVG draws the OC curve from p = 0 to past the largest p asked (at
// least to where Pa falls below 2 %) and marks the qualities asked.
func writeOCSVG(name string, s sampling.Scheme, m sampling.Model, lot int, qs []float64) error {
	hi := 0.0
	for _, q := range qs {
		hi = max(hi, q)
	}
	hi = max(hi*1.25, 1/float64(s.TotalN()))
	for i := 0; i < 40; i++ {
		o, err := sampling.OC(s, m, lot, hi)
		if err != nil || o.Pa < 0.02 || (m != sampling.Poisson && hi >= 1) {
			break
		}
		hi = hi * 1.5
		if m != sampling.Poisson && hi > 1 {
			hi = 1
		}
	}
	const points = 201
	grid := make([]float64, points)
	for i := range grid {
		grid[i] = hi * float64(i) / (points - 1)
	}
	curve, err := sampling.OCCurve(s, m, lot, grid)
	if err != nil {
		return usagef("%v", err)
	}
	var marks []chart.OCMark
	for _, q := range qs {
		marks = append(marks, chart.OCMark{P: q, Label: fmt.Sprintf("p=%g", q)})
	}
	img := sampling.OCChart("OC curve: "+describeScheme(s)+", "+m.String(), curve, m, marks).SVG(640, 400)
	if err := os.WriteFile(name, img, 0o644); err != nil {
		return fmt.Errorf("--svg: %w", err)
	}
	return nil
}

// parseRiskPoint parses "P,PA".
func parseRiskPoint(flagName, s string) (sampling.RiskPoint, error) {
	v, err := parseFloatList(s)
	if err != nil || len(v) != 2 {
		return sampling.RiskPoint{}, usagef("--%s: write p,Pa, for example --%s 0.05,0.95", flagName, flagName)
	}
	return sampling.RiskPoint{P: v[0], Pa: v[1]}, nil
}

func aqlDesignFlags(env *Env, fs *flag.FlagSet) func() error {
	producer := fs.String("producer", "", "producer's risk point p1,1-alpha: quality that should be accepted with at\nleast this probability, for example 0.05,0.95")
	consumer := fs.String("consumer", "", "consumer's risk point p2,beta: quality that should be accepted with at most\nthis probability, for example 0.15,0.075")
	dist := fs.String("dist", "binomial", "model: binomial, hypergeometric (needs --lot; D = round(p*N)) or poisson")
	lot := fs.Int("lot", 0, "lot size N (required for hypergeometric and --lq)")
	lq := fs.Float64("lq", 0, "limiting quality for an isolated lot: list the smallest n for c = 0..--max-c with\nPa(LQ) <= 10 % under the hypergeometric model (computed, not the ISO 2859-2 tables)")
	maxC := fs.Int("max-c", 3, "largest acceptance number listed with --lq")
	asJSON := fs.Bool("json", false, "print JSON: {n, c, pa_producer, pa_consumer}; with --lq an array of\n{n, c, pa_lq, lot_nonconforming, full_inspection, label}")
	return func() error {
		if *lq != 0 {
			if *producer != "" || *consumer != "" {
				return usagef("--lq designs limiting-quality plans; do not combine it with --producer/--consumer")
			}
			if *lot == 0 {
				return usagef("--lq needs --lot")
			}
			plans, err := sampling.DesignLQ(*lot, *lq, *maxC)
			if err != nil {
				return usagef("%v", err)
			}
			if *asJSON {
				return writeJSON(env.Stdout, plans)
			}
			w := env.Stdout
			fmt.Fprintf(w, "Limiting-quality plans for an isolated lot of %d at LQ %g (%d nonconforming units):\n", *lot, *lq, plans[0].LotNonconforming)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "n\tc\tPa(LQ)\t\t")
			for _, p := range plans {
				full := ""
				if p.FullInspection {
					full = "100 % inspection"
				}
				fmt.Fprintf(tw, "%d\t%d\t%.4f\t%s\t\n", p.N, p.C, p.PaLQ, full)
			}
			tw.Flush()
			fmt.Fprintln(w, "These plans are "+sampling.LQLabel+".")
			return nil
		}
		if *producer == "" || *consumer == "" {
			return usagef("--producer and --consumer are required, for example --producer 0.05,0.95 --consumer 0.15,0.075")
		}
		p1, err := parseRiskPoint("producer", *producer)
		if err != nil {
			return err
		}
		p2, err := parseRiskPoint("consumer", *consumer)
		if err != nil {
			return err
		}
		model, err := sampling.ParseModel(*dist)
		if err != nil {
			return usagef("--dist: %v", err)
		}
		d, err := sampling.Design(p1, p2, model, *lot)
		if err != nil {
			return usagef("%v", err)
		}
		if *asJSON {
			return writeJSON(env.Stdout, d)
		}
		fmt.Fprintf(env.Stdout, "n = %d, c = %d (%s model): Pa(%g) = %.4f >= %g, Pa(%g) = %.4f <= %g\n",
			d.N, d.C, model, p1.P, d.PaProducer, p1.Pa, p2.P, d.PaConsumer, p2.Pa)
		return nil
	}
}

// parseResults parses --results: nonconforming counts per lot separated by
// commas; a trailing R marks a resubmitted lot ("3R").
func parseResults(s string) ([]sampling.LotInput, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("no lot results given")
	}
	var out []sampling.LotInput
	for i, part := range strings.Split(s, ",") {
		t := strings.TrimSpace(part)
		var in sampling.LotInput
		if u := strings.TrimRight(t, "Rr"); len(t)-len(u) == 1 {
			in.Resubmitted = true
			t = strings.TrimSpace(u)
		}
		if t == "" || strings.IndexFunc(t, func(r rune) bool { return r < '0' || r > '9' }) >= 0 || len(t) > 9 {
			return nil, fmt.Errorf("lot %d: %q is not a nonconforming count (write a number, with a trailing R for a resubmitted lot)", i+1, strings.TrimSpace(part))
		}
		in.Defects, _ = strconv.Atoi(t)
		out = append(out, in)
	}
	return out, nil
}

// formatResults writes results back in the --results syntax.
func formatResults(in []sampling.LotInput) string {
	parts := make([]string, len(in))
	for i, l := range in {
		parts[i] = strconv.Itoa(l.Defects)
		if l.Resubmitted {
			parts[i] += "R"
		}
	}
	return strings.Join(parts, ",")
}

// switchingLot is the JSON object printed per lot.
type switchingLot struct {
	LotIndex       int               `json:"lot_index"`
	Severity       sampling.Severity `json:"severity"`
	SampleSize     int               `json:"sample_size"`
	Ac             int               `json:"ac"`
	Re             int               `json:"re"`
	Defects        int               `json:"defects"`
	Accepted       bool              `json:"accepted"`
	Resubmitted    bool              `json:"resubmitted"`
	SwitchingScore int               `json:"switching_score"`
	NextSeverity   sampling.Severity `json:"next_severity"`
	Discontinued   bool              `json:"discontinued"`
}

func aqlSwitchingFlags(env *Env, fs *flag.FlagSet) func() error {
	var c commonPlanFlags
	c.define(fs, false)
	fs.StringVar(&c.aql, "aql", "", "AQL of the class followed (one of the 26 preferred values; rules apply per class)")
	start := fs.String("start", "normal", "severity of the first lot (normal unless the responsible authority designates otherwise)")
	approve := fs.Bool("approve-reduced", false, "the responsible authority approves reduced inspection and production is steady.\nISO 2859-1: switch when the switching score reaches 30. Z1.4: switch after 10 consecutive accepted\nlots on normal inspection; this also states that the Table VIII limit-number condition holds or was\nwaived (clause 8.5): the limit numbers are not public and are not checked")
	results := fs.String("results", "", "nonconforming count of each lot in order, comma-separated; a trailing R marks\na resubmitted lot (judged, but ignored by the switching rules), for example 1,9,0,3R,2")
	asJSON := fs.Bool("json", false, "print one JSON object per lot and line: {lot_index, severity, sample_size, ac, re, defects,\naccepted, resubmitted, switching_score, next_severity, discontinued}")
	return func() error {
		std, _, lv, err := c.parse()
		if err != nil {
			return err
		}
		if c.lot == 0 {
			return usagef("--lot is required")
		}
		if c.aql == "" {
			return usagef("--aql is required (one AQL; the switching rules apply to each class separately)")
		}
		aql, err := sampling.ParseAQL(c.aql)
		if err != nil {
			return usagef("--aql: %v", err)
		}
		sev, err := sampling.ParseSeverity(*start)
		if err != nil {
			return usagef("--start: %v", err)
		}
		lots, err := parseResults(*results)
		if err != nil {
			return usagef("--results: %v", err)
		}
		if _, err := sampling.CodeLetterFor(c.lot, lv); err != nil {
			return usagef("%v", err)
		}
		cfg := sampling.SwitchConfig{Standard: std, Level: lv, AQL: aql, Lot: c.lot}
		st := cfg.StartAt(sev)
		var tw *tabwriter.Writer
		if !*asJSON {
			fmt.Fprintf(env.Stdout, "%s, lot %d, level %s, AQL %s\n", std.Title(), c.lot, lv, aql)
			tw = tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
			score := "score\t"
			if std != sampling.ISO2859 {
				score = ""
			}
			fmt.Fprintf(tw, "lot\tseverity\tn\tAc\tRe\td\tresult\t%snext\n", score)
		}
		for i, in := range lots {
			in.ApproveReduced = *approve
			o, next, err := cfg.Next(st, in)
			if err != nil {
				if tw != nil {
					tw.Flush()
				}
				if errors.Is(err, sampling.ErrDiscontinued) {
					return &ExitError{Code: 1, Msg: fmt.Sprintf("lot %d: %v", i+1, err)}
				}
				return usagef("lot %d: %v", i+1, err)
			}
			st = next
			if *asJSON {
				if err := writeJSON(env.Stdout, switchingLot{
					LotIndex: o.LotIndex, Severity: o.Severity, SampleSize: o.SampleSize, Ac: o.Ac, Re: o.Re,
					Defects: o.Defects, Accepted: o.Accepted, Resubmitted: o.Resubmitted,
					SwitchingScore: o.SwitchingScore, NextSeverity: o.NextSeverity, Discontinued: o.Discontinued,
				}); err != nil {
					return err
				}
				continue
			}
			result := "accepted"
			switch {
			case !o.Accepted:
				result = "not accepted"
			case o.ReinstateNormal:
				result = "accepted (Ac<d<Re)"
			}
			if o.Resubmitted {
				result += ", resubmitted"
			}
			score := fmt.Sprintf("%d\t", o.SwitchingScore)
			if std != sampling.ISO2859 {
				score = ""
			}
			nextSev := o.NextSeverity.String()
			if o.Discontinued {
				nextSev = "DISCONTINUED"
			}
			if o.Reason != "" {
				nextSev += ": " + o.Reason
			}
			fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%d\t%s\t%s%s\n", o.LotIndex, o.Severity, o.SampleSize, o.Ac, o.Re, o.Defects, result, score, nextSev)
		}
		if tw != nil {
			tw.Flush()
		}
		return nil
	}
}
