package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"qms/internal/sampling"
)

type aqlRun struct {
	code           int
	stdout, stderr string
}

func runQMS(t *testing.T, stdin string, args ...string) aqlRun {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" },
	})
	return aqlRun{code, out.String(), errOut.String()}
}

func keysOf(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

func sorted(s ...string) []string { sort.Strings(s); return s }

func TestAQLPlanJSON(t *testing.T) {
	r := runQMS(t, "", "aql", "plan", "--lot", "3000", "--level", "II", "--aql", "2.5", "--json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if k := keysOf(got); !reflect.DeepEqual(k, sorted("standard", "severity", "level", "lot", "code_letter", "units_to_draw", "classes")) {
		t.Errorf("keys %v", k)
	}
	if got["standard"] != "iso2859-1" || got["severity"] != "normal" || got["level"] != "II" || got["lot"] != 3000.0 || got["code_letter"] != "K" || got["units_to_draw"] != 125.0 {
		t.Errorf("%v", got)
	}
	classes := got["classes"].([]any)
	c := classes[0].(map[string]any)
	if k := keysOf(c); !reflect.DeepEqual(k, sorted("name", "aql", "final_code_letter", "sample_size", "ac", "re", "full_inspection", "arrows")) {
		t.Errorf("class keys %v", k)
	}
	if len(classes) != 1 || c["name"] != "default" || c["aql"] != 2.5 || c["final_code_letter"] != "K" || c["sample_size"] != 125.0 ||
		c["ac"] != 7.0 || c["re"] != 8.0 || c["full_inspection"] != false || len(c["arrows"].([]any)) != 0 {
		t.Errorf("class %v", c)
	}
}

func TestAQLPlanClassesAndPlain(t *testing.T) {
	r := runQMS(t, "", "aql", "plan", "--lot", "3000", "--aql", "critical=0,major=2.5,minor=4.0", "--standard", "z1.4", "--severity", "tightened", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var got sampling.Inspection
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	// Z1.4 tightened K: 2.5 -> 5/6, 4.0 -> 8/9; critical is the buyer rule.
	if got.Standard != sampling.Z14 || got.Severity != sampling.Tightened || len(got.Classes) != 3 ||
		got.Classes[1].Ac != 5 || got.Classes[2].Ac != 8 || got.Classes[0].BuyerRule == "" || got.Classes[0].Ac != 0 || got.Classes[0].Re != 1 {
		t.Errorf("%s", r.stdout)
	}
	r = runQMS(t, "", "aql", "plan", "--lot", "6", "--aql", "1.0")
	if r.code != 0 || !strings.Contains(r.stdout, "6 (100 %)") || !strings.Contains(r.stdout, "A↓B B↓C C↓D D↓E") || !strings.Contains(r.stdout, "code letter A") {
		t.Errorf("plain: %+v", r)
	}
	r = runQMS(t, "", "aql", "plan", "--lot", "3000", "--aql", "a=0.10,b=0.15,c=0.25", "--largest-letter", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"largest_letter_rounds":["K","L","M","N"]`) || !strings.Contains(r.stdout, `"units_to_draw":500`) {
		t.Errorf("largest letter: %+v", r)
	}
	r = runQMS(t, "", "aql", "plan", "--lot", "3000", "--aql", "2.5", "--standard", "z1.4", "--scheme", "double", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"stages":[{"sample_size":80,"ac":3,"re":7},{"sample_size":80,"ac":8,"re":9}]`) {
		t.Errorf("double: %+v", r)
	}
	r = runQMS(t, "", "aql", "plan", "--lot", "3000", "--aql", "2.5", "--scheme", "multiple")
	if r.code != 2 || !strings.Contains(r.stderr, "not publicly available") {
		t.Errorf("ISO multiple: %+v", r)
	}
}

func TestAQLUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"aql"}, "missing subcommand"},
		{[]string{"aql", "sample"}, "unknown subcommand"},
		{[]string{"aql", "plan", "--aql", "2.5"}, "--lot is required"},
		{[]string{"aql", "plan", "--lot", "3000"}, "--aql is required"},
		{[]string{"aql", "plan", "--lot", "3000", "--aql", "3"}, "valid values are 0.010, 0.015"},
		{[]string{"aql", "plan", "--lot", "3000", "--aql", "major=2.4"}, "class major: AQL \"2.4\""},
		{[]string{"aql", "plan", "--lot", "3000", "--aql", "2.5", "--level", "IV"}, "--level"},
		{[]string{"aql", "plan", "--lot", "3000", "--aql", "2.5", "--standard", "iso2859-2"}, "--standard"},
		{[]string{"aql", "plan", "--lot", "1", "--aql", "2.5"}, "below Table I"},
		{[]string{"aql", "plan", "--lot", "3000", "--aql", "2.5", "--bogus"}, "flag provided but not defined"},
		{[]string{"aql", "plan", "--lot", "3000", "--aql", "1000", "--standard", "z1.4", "--severity", "reduced"}, "not established"},
		{[]string{"aql", "oc", "--c", "2", "--p", "0.1"}, "--n is required"},
		{[]string{"aql", "oc", "--n", "80", "--c", "2"}, "--p is required"},
		{[]string{"aql", "oc", "--n", "80", "--c", "2", "--p", "x"}, "not a number"},
		{[]string{"aql", "oc", "--n", "80", "--c", "2", "--p", "1.5"}, "exceeds 1"},
		{[]string{"aql", "oc", "--n", "80", "--c", "2", "--p", "0.1", "--dist", "hypergeometric"}, "needs the lot size"},
		{[]string{"aql", "oc", "--n", "80", "--c", "2", "--n2", "80", "--c2", "4", "--p", "0.1"}, "needs --r"},
		{[]string{"aql", "design", "--producer", "0.05,0.95"}, "--consumer are required"},
		{[]string{"aql", "design", "--producer", "0.05", "--consumer", "0.15,0.1"}, "write p,Pa"},
		{[]string{"aql", "design", "--producer", "0.15,0.95", "--consumer", "0.05,0.1"}, "need 0 <"},
		{[]string{"aql", "design", "--lq", "0.05"}, "needs --lot"},
		{[]string{"aql", "switching", "--lot", "3000", "--aql", "2.5"}, "--results"},
		{[]string{"aql", "switching", "--lot", "3000", "--aql", "2.5", "--results", "1,x"}, "lot 2"},
		{[]string{"aql", "switching", "--lot", "3000", "--aql", "2.5", "--results", "1,200"}, "200 nonconforming units in a sample of 125"},
	}
	for _, c := range cases {
		r := runQMS(t, "", c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: %+v, want exit 2 and one line with %q", c.args, r, c.want)
		}
	}
}

// Every flag of every subcommand is explained by "qms aql --help", and each
// subcommand's --help explains its own.
func TestAQLHelpExplainsEveryFlag(t *testing.T) {
	all := runQMS(t, "", "aql", "--help")
	if all.code != 0 {
		t.Fatalf("%+v", all)
	}
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	for _, s := range aqlSubcommands() {
		if !strings.Contains(all.stdout, s.name) {
			t.Errorf("aql --help lacks %s", s.name)
		}
		one := runQMS(t, "", "aql", s.name, "--help")
		if one.code != 0 || !strings.Contains(one.stdout, "Usage: qms aql "+s.name) {
			t.Errorf("aql %s --help: %+v", s.name, one)
		}
		fs := flag.NewFlagSet(s.name, flag.ContinueOnError)
		s.flags(env, fs)
		n := 0
		fs.VisitAll(func(f *flag.Flag) {
			n++
			if len(f.Usage) < 20 {
				t.Errorf("%s --%s: usage %q is too short to explain it", s.name, f.Name, f.Usage)
			}
			for _, out := range []string{all.stdout, one.stdout} {
				if !strings.Contains(out, "-"+f.Name+" ") && !strings.Contains(out, "-"+f.Name+"\n") {
					t.Errorf("%s --%s is not in the help", s.name, f.Name)
				}
			}
		})
		if n < 4 {
			t.Errorf("%s: %d flags", s.name, n)
		}
	}
}

func TestAQLBatch(t *testing.T) {
	in := "lot,level,severity,aql,standard\n" +
		"3000,II,normal,2.5,\n" +
		"6,II,normal,1.0,z1.4\n" +
		"3000,II,reduced,1.0,z1.4\n" +
		"abc,II,normal,2.5,\n" +
		"100,II,normal,3,\n" +
		"100,II,normal\n" +
		"20000,S-4,,0.025,\n"
	r := runQMS(t, in, "aql", "plan", "--batch")
	if r.code != 1 || !strings.Contains(r.stderr, "3 of 7 rows failed") {
		t.Fatalf("%+v", r)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"lot", "level", "severity", "aql", "standard", "code_letter", "final_code_letter", "sample_size", "ac", "re", "full_inspection", "error"},
		{"3000", "II", "normal", "2.5", "", "K", "K", "125", "7", "8", "false", ""},
		{"6", "II", "normal", "1.0", "z1.4", "A", "E", "6", "0", "1", "true", ""},
		{"3000", "II", "reduced", "1.0", "z1.4", "K", "K", "50", "1", "4", "false", ""},
	}
	for i, w := range want {
		if !reflect.DeepEqual(rows[i], w) {
			t.Errorf("row %d: %q, want %q", i, rows[i], w)
		}
	}
	for i, frag := range map[int]string{4: "not a whole number", 5: "not a preferred AQL", 6: "the row has 3 fields, the header 5"} {
		if len(rows[i]) != 12 || !strings.Contains(rows[i][11], frag) || rows[i][5] != "" {
			t.Errorf("row %d: %q, want error %q", i, rows[i], frag)
		}
	}
	// An empty severity cell takes --severity (default normal): H at 0.025.
	if got := strings.Join(rows[7][5:11], ","); got != "H,N,500,0,1,false" {
		t.Errorf("row 7: %s", got)
	}
	// All good: exit 0; columns in another order and without standard.
	r = runQMS(t, "AQL,Lot,Severity,Level\n2.5,3000,normal,II\n", "aql", "plan", "--batch", "--standard", "z1.4")
	if r.code != 0 || r.stdout != "AQL,Lot,Severity,Level,code_letter,final_code_letter,sample_size,ac,re,full_inspection,error\n2.5,3000,normal,II,K,K,125,7,8,false,\n" {
		t.Errorf("%+v", r)
	}
	for _, bad := range []string{"", "lot,level,aql\n3000,II,2.5\n", "lot,level,severity,aql,error\n"} {
		r = runQMS(t, bad, "aql", "plan", "--batch")
		if r.code != 2 {
			t.Errorf("%q: %+v", bad, r)
		}
	}
	if r := runQMS(t, "lot,level,severity,aql\n", "aql", "plan", "--batch", "--lot", "5"); r.code != 2 {
		t.Errorf("--batch with --lot: %+v", r)
	}
}

func TestAQLOC(t *testing.T) {
	r := runQMS(t, "", "aql", "oc", "--n", "80", "--c", "2", "--p", "0.01,0.02", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var pts []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &pts); err != nil {
		t.Fatal(err)
	}
	if len(pts) != 2 || !reflect.DeepEqual(keysOf(pts[0]), sorted("p", "pa", "aoq", "ati", "asn")) || pts[0]["ati"] != nil {
		t.Fatalf("%s", r.stdout)
	}
	if pa := pts[1]["pa"].(float64); math.Abs(pa-0.784418886975) > 1e-12 || pts[1]["p"] != 0.02 || pts[1]["asn"] != 80.0 {
		t.Errorf("Pa %v", pts[1])
	}
	dir := t.TempDir()
	svg := filepath.Join(dir, "oc.svg")
	r = runQMS(t, "", "aql", "oc", "--n", "80", "--c", "3", "--r", "7", "--n2", "80", "--c2", "8", "--lot", "3000", "--dist", "hypergeometric", "--p", "0.0125", "--json", "--svg", svg)
	if r.code != 0 || !strings.Contains(r.stdout, `"lot_nonconforming":38`) || !strings.Contains(r.stdout, `"ati":`) {
		t.Errorf("%+v", r)
	}
	img, err := os.ReadFile(svg)
	if err != nil || !bytes.HasPrefix(img, []byte("<svg")) || !bytes.Contains(img, []byte("p=0.0125")) {
		t.Errorf("svg: %v %.200s", err, img)
	}
	r = runQMS(t, "", "aql", "oc", "--n", "80", "--c", "2", "--p", "0.02", "--lot", "1000")
	if r.code != 0 || !strings.Contains(r.stdout, "0.784419") || !strings.Contains(r.stdout, "AOQL") {
		t.Errorf("plain: %+v", r)
	}
	r = runQMS(t, "", "aql", "oc", "--n", "50", "--c", "3", "--p", "2", "--dist", "poisson", "--json")
	if r.code != 0 {
		t.Errorf("poisson p > 1: %+v", r)
	}
}

func TestAQLDesign(t *testing.T) {
	r := runQMS(t, "", "aql", "design", "--producer", "0.05,0.95", "--consumer", "0.15,0.075", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(keysOf(d), sorted("n", "c", "pa_producer", "pa_consumer")) || d["n"] != 80.0 || d["c"] != 7.0 {
		t.Errorf("%v", d)
	}
	r = runQMS(t, "", "aql", "design", "--lq", "0.05", "--lot", "1000", "--max-c", "1", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"label":"computed`) || !strings.Contains(r.stdout, `"n":44,"c":0`) {
		t.Errorf("lq: %+v", r)
	}
	r = runQMS(t, "", "aql", "design", "--lq", "0.05", "--lot", "1000")
	if r.code != 0 || !strings.Contains(r.stdout, "not ISO 2859-2 tables") {
		t.Errorf("lq plain: %+v", r)
	}
}

func TestAQLSwitching(t *testing.T) {
	r := runQMS(t, "", "aql", "switching", "--lot", "3000", "--level", "II", "--aql", "2.5", "--results", "1,9,0,3R,9", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines: %s", len(lines), r.stdout)
	}
	want := sorted("lot_index", "severity", "sample_size", "ac", "re", "defects", "accepted", "resubmitted", "switching_score", "next_severity", "discontinued")
	var objs []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(keysOf(m), want) {
			t.Errorf("keys %v", keysOf(m))
		}
		objs = append(objs, m)
	}
	if objs[3]["resubmitted"] != true || objs[3]["lot_index"] != 4.0 || objs[4]["next_severity"] != "tightened" || objs[0]["switching_score"] != 3.0 {
		t.Errorf("%s", r.stdout)
	}
	r = runQMS(t, "", "aql", "switching", "--lot", "3000", "--aql", "2.5", "--results", "9,9,6,6,6,6,6,0,0")
	if r.code != 1 || !strings.Contains(r.stderr, "lot 8: acceptance inspection is discontinued") || !strings.Contains(r.stdout, "DISCONTINUED") {
		t.Errorf("discontinued: %+v", r)
	}
	r = runQMS(t, "", "aql", "switching", "--lot", "3000", "--aql", "2.5", "--standard", "z1.4", "--approve-reduced", "--results", "0,0,0,0,0,0,0,0,0,0,4", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"lot_index":11,"severity":"reduced","sample_size":50,"ac":3,"re":6,"defects":4,"accepted":true`) {
		t.Errorf("z1.4 reduced: %+v", r)
	}
}

func TestParseClassListAndResults(t *testing.T) {
	cs, err := parseClassList(" critical = 0 , major=2.5,minor=4 ")
	if err != nil || formatClassList(cs) != "critical=0,major=2.5,minor=4.0" || !cs[0].ZeroTolerance {
		t.Errorf("%v %v", cs, err)
	}
	cs, err = parseClassList("2.5")
	if err != nil || len(cs) != 1 || cs[0].Name != "default" {
		t.Errorf("%v %v", cs, err)
	}
	for _, bad := range []string{"", "=2.5", "a=2.5,a=4.0", "a=2.5,", "2.5,4.0", "a=3", "a"} {
		if _, err := parseClassList(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	rs, err := parseResults("1, 9,0,3R,2r")
	if err != nil || formatResults(rs) != "1,9,0,3R,2R" {
		t.Errorf("%v %v", rs, err)
	}
	for _, bad := range []string{"", "1,,2", "-1", "3RR", "R", "1.5", "9999999999"} {
		if _, err := parseResults(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseClassList(f *testing.F) {
	for _, s := range []string{"2.5", "critical=0.065,major=2.5,minor=4.0", "critical=0,major=2.5", "a=1000", "=", ",", "a=2.5,a=2.5", "x=zero", "0.010", "é=1.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := parseClassList(s)
		if err != nil {
			return
		}
		if len(cs) == 0 {
			t.Fatalf("%q: no class and no error", s)
		}
		// The canonical form parses back to the same classes.
		again, err := parseClassList(formatClassList(cs))
		if err != nil || !reflect.DeepEqual(again, cs) {
			t.Fatalf("%q -> %q -> %v %v", s, formatClassList(cs), again, err)
		}
		for _, c := range cs {
			if c.Name == "" || (c.ZeroTolerance != (c.AQL == 0)) {
				t.Fatalf("%q: bad class %+v", s, c)
			}
		}
	})
}

func FuzzParseResults(f *testing.F) {
	for _, s := range []string{"1,9,0,3R", "0", "5R,5r", " 1 , 2 ", "", "x", "1,,2", "007"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := parseResults(s)
		if err != nil {
			return
		}
		if len(rs) != strings.Count(s, ",")+1 {
			t.Fatalf("%q: %d lots", s, len(rs))
		}
		again, err := parseResults(formatResults(rs))
		if err != nil || !reflect.DeepEqual(again, rs) {
			t.Fatalf("%q -> %v %v", s, again, err)
		}
		for _, r := range rs {
			if r.Defects < 0 {
				t.Fatalf("%q: negative", s)
			}
		}
	})
}

func FuzzBatchCSV(f *testing.F) {
	for _, s := range []string{
		"lot,level,severity,aql\n3000,II,normal,2.5\n",
		"lot,level,severity,aql,standard\n6,II,normal,1.0,z1.4\nabc,,,\n",
		"lot,level,severity,aql\n\"3000,II,normal,2.5\n",
		"lot,level,severity,aql\n3000,II,normal,2.5,extra\n1,I,reduced,0.010\n",
		"\ufefflot,level,severity,aql\n500001,III,tightened,0.025\n",
		"",
		"lot\n",
		"lot,level,severity,aql\na\"b,c\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := runQMS(t, in, "aql", "plan", "--batch")
		switch r.code {
		case 2:
			if r.stdout != "" {
				t.Fatalf("usage error with output %q", r.stdout)
			}
			return
		case 0, 1:
		default:
			t.Fatalf("exit %d: %+v", r.code, r)
		}
		rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		if err != nil || len(rows) == 0 {
			t.Fatalf("output is not CSV: %v %q", err, r.stdout)
		}
		failed := 0
		for _, row := range rows[1:] {
			if len(row) != len(rows[0]) {
				t.Fatalf("ragged output %q", r.stdout)
			}
			if row[len(row)-1] != "" {
				failed++
			} else if row[len(row)-6] == "" {
				t.Fatalf("row without plan nor error: %q", row)
			}
		}
		if (failed > 0) != (r.code == 1) {
			t.Fatalf("exit %d with %d failed rows", r.code, failed)
		}
	})
}
