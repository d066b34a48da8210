package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"qms/internal/cli"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// The sampling operations are open to every signed-in role; the role
// matrix (scenario_test.go) runs each of them as every actor.
func init() {
	matrix = append(matrix,
		access{"POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[{"name":"major","aql":2.5}]}`, all(200), `"code_letter":"K"`},
		access{"GET", "/api/v1/sampling/plan?lot=3000&aql=critical=0.065,major=2.5", "", all(200), `"units_to_draw":200`},
		access{"POST", "/api/v1/sampling/oc", `{"n":80,"c":2,"p":[0.02]}`, all(200), `"pa":0.784418`},
		access{"POST", "/api/v1/sampling/design", `{"producer":{"p":0.05,"pa":0.95},"consumer":{"p":0.15,"pa":0.075}}`, all(200), `"pa_producer":`},
		access{"POST", "/api/v1/sampling/lq", `{"lot":1000,"lq":0.05}`, all(200), `"label":"computed`},
		access{"POST", "/api/v1/sampling/switching", `{"lot":3000,"aql":2.5,"lots":[{"defects":1}]}`, all(200), `"next_severity":"normal"`},
	)
}

// samplingEnv is an API for the sampling tests. The operations store
// nothing; the database serves only the authentication, which the role
// matrix runs on both databases.
func samplingEnv(t *testing.T) *env {
	t.Helper()
	return newEnv(t, storetest.Open(t, store.SQLite))
}

// call sends a request as a viewer and decodes the answer.
func (e *env) call(t *testing.T, method, path, body string, status int) map[string]any {
	t.Helper()
	e.t = t
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	r := e.do(method, path, "viewer", b)
	if r.status != status {
		t.Fatalf("%s %s %s = %d, want %d: %s", method, path, body, r.status, status, r.body)
	}
	var out map[string]any
	r.decode(t, &out)
	return out
}

// class returns the i-th class of a plan answer.
func class(t *testing.T, plan map[string]any, i int) map[string]any {
	t.Helper()
	cs, _ := plan["classes"].([]any)
	if i >= len(cs) {
		t.Fatalf("no class %d in %v", i, plan)
	}
	return cs[i].(map[string]any)
}

// planIs checks a class's final code letter, n, Ac, Re and 100 % flag.
func planIs(t *testing.T, c map[string]any, letter string, n, ac, re int, full bool) {
	t.Helper()
	if c["final_code_letter"] != letter || c["sample_size"] != float64(n) || c["ac"] != float64(ac) || c["re"] != float64(re) || c["full_inspection"] != full {
		t.Errorf("class %v: want %s n=%d %d/%d full=%v", c, letter, n, ac, re, full)
	}
}

// TestSamplingEdgeCells asks the API for the edge cells named in the issue
// and compares each answer with its golden file in testdata/sampling (run
// with -update to rewrite them after checking the new values).
func TestSamplingEdgeCells(t *testing.T) {
	e := samplingEnv(t)
	cases := []struct {
		name, body string
		check      func(t *testing.T, p map[string]any)
	}{
		{"normal-A-aql10", `{"lot":8,"classes":[{"name":"major","aql":10}]}`, func(t *testing.T, p map[string]any) {
			if p["code_letter"] != "A" {
				t.Errorf("code letter %v, want A", p["code_letter"])
			}
			planIs(t, class(t, p, 0), "C", 5, 1, 2, false)
		}},
		{"normal-R-aql0.015", `{"lot":500001,"level":"III","classes":[{"name":"critical","aql":"0.015"}]}`, func(t *testing.T, p map[string]any) {
			if p["code_letter"] != "R" {
				t.Errorf("code letter %v, want R", p["code_letter"])
			}
			planIs(t, class(t, p, 0), "P", 800, 0, 1, false)
		}},
		{"tightened-Q-aql0.025", `{"lot":200000,"level":"III","severity":"tightened","classes":[{"name":"critical","aql":0.025}]}`, func(t *testing.T, p map[string]any) {
			if p["code_letter"] != "Q" {
				t.Errorf("code letter %v, want Q", p["code_letter"])
			}
			planIs(t, class(t, p, 0), "S", 3150, 1, 2, false)
		}},
		{"tightened-R-aql0.025", `{"lot":600000,"level":"III","severity":"tightened","classes":[{"name":"critical","aql":0.025}]}`, func(t *testing.T, p map[string]any) {
			if p["code_letter"] != "R" {
				t.Errorf("code letter %v, want R", p["code_letter"])
			}
			planIs(t, class(t, p, 0), "S", 3150, 1, 2, false)
		}},
		{"reduced-G-aql1.0-iso", `{"lot":200,"severity":"reduced","classes":[{"name":"major","aql":1.0}]}`, func(t *testing.T, p map[string]any) {
			if p["code_letter"] != "G" {
				t.Errorf("code letter %v, want G", p["code_letter"])
			}
			planIs(t, class(t, p, 0), "J", 32, 1, 2, false)
		}},
		{"reduced-G-aql1.0-z14", `{"lot":200,"standard":"z1.4","severity":"reduced","classes":[{"name":"major","aql":1.0}]}`, func(t *testing.T, p map[string]any) {
			planIs(t, class(t, p, 0), "H", 20, 0, 2, false)
		}},
		{"lot6-aql1.0-full", `{"lot":6,"classes":[{"name":"major","aql":"1.0"}]}`, func(t *testing.T, p map[string]any) {
			c := class(t, p, 0)
			if c["sample_size"] != 6.0 || c["full_inspection"] != true || p["units_to_draw"] != 6.0 {
				t.Errorf("lot 6 at AQL 1.0 is not 100 %% inspection: %v", p)
			}
		}},
		{"largest-letter-K", `{"lot":3000,"largest_letter":true,"classes":[{"name":"a","aql":0.10},{"name":"b","aql":0.15},{"name":"c","aql":0.25}]}`, func(t *testing.T, p map[string]any) {
			if got, _ := json.Marshal(p["largest_letter_rounds"]); string(got) != `["K","L","M","N"]` {
				t.Errorf("rounds %s, want K, L, M, N", got)
			}
			planIs(t, class(t, p, 0), "N", 500, 1, 2, false)
			planIs(t, class(t, p, 1), "N", 500, 2, 3, false)
			planIs(t, class(t, p, 2), "N", 500, 3, 4, false)
			if p["units_to_draw"] != 500.0 {
				t.Errorf("units to draw %v, want 500", p["units_to_draw"])
			}
		}},
		{"separate-letters-K", `{"lot":3000,"classes":[{"name":"a","aql":0.10},{"name":"b","aql":0.15},{"name":"c","aql":0.25}]}`, func(t *testing.T, p map[string]any) {
			planIs(t, class(t, p, 0), "K", 125, 0, 1, false)
			planIs(t, class(t, p, 1), "J", 80, 0, 1, false)
			planIs(t, class(t, p, 2), "L", 200, 1, 2, false)
			if got, _ := json.Marshal(class(t, p, 1)["arrows"]); string(got) != `["K↑J"]` {
				t.Errorf("arrows of 0.15 at K: %s", got)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := e.call(t, "POST", "/api/v1/sampling/plan", c.body, 200)
			c.check(t, p)
			golden(t, filepath.Join("testdata", "sampling", c.name+".json"), p)
		})
	}
}

// golden compares v, indented, with a golden file, or rewrites the file
// with -update.
func golden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the answer differs from %s:\n%s", path, firstDiff(want, got))
	}
}

// runCLI runs qms with args in process and decodes its JSON output: one
// value, or one value per line.
func runCLI(t *testing.T, args ...string) []any {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("qms %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	var vals []any
	dec := json.NewDecoder(&out)
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("qms %s: %v", strings.Join(args, " "), err)
		}
		vals = append(vals, v)
	}
	return vals
}

// TestSamplingMatchesCLI checks that the API answers what the CLI prints
// for the same input, except for the additions the API documents.
func TestSamplingMatchesCLI(t *testing.T) {
	e := samplingEnv(t)
	cases := []struct {
		name   string
		method string
		path   string
		body   string
		args   []string
		pick   func(api map[string]any) any // the part of the API answer the CLI prints
		lines  bool                         // the CLI prints one object per line
	}{
		{name: "plan with three classes", method: "POST", path: "/api/v1/sampling/plan",
			body: `{"lot":3000,"level":"II","classes":[{"name":"critical","aql":0.065},{"name":"major","aql":2.5},{"name":"minor","aql":4.0},{"name":"buyer","zero_tolerance":true}]}`,
			args: []string{"aql", "plan", "--lot", "3000", "--level", "II", "--aql", "critical=0.065,major=2.5,minor=4.0,buyer=0", "--json"}},
		{name: "plan by GET", method: "GET", path: "/api/v1/sampling/plan?" + url.Values{"lot": {"50"}, "aql": {"critical=0.065,major=2.5"}, "level": {"S-3"}, "standard": {"z1.4"}, "severity": {"tightened"}}.Encode(),
			args: []string{"aql", "plan", "--lot", "50", "--level", "S-3", "--standard", "z1.4", "--severity", "tightened", "--aql", "critical=0.065,major=2.5", "--json"}},
		{name: "largest letter", method: "GET", path: "/api/v1/sampling/plan?lot=3000&aql=a=0.10,b=0.15,c=0.25&largest_letter=true",
			args: []string{"aql", "plan", "--lot", "3000", "--aql", "a=0.10,b=0.15,c=0.25", "--largest-letter", "--json"}},
		{name: "single default class", method: "GET", path: "/api/v1/sampling/plan?lot=6&aql=1.0",
			args: []string{"aql", "plan", "--lot", "6", "--aql", "1.0", "--json"}},
		{name: "z1.4 double", method: "POST", path: "/api/v1/sampling/plan",
			body: `{"lot":1000,"standard":"z1.4","scheme":"double","classes":[{"name":"major","aql":"2.5"},{"name":"critical","aql":0.065}]}`,
			args: []string{"aql", "plan", "--lot", "1000", "--standard", "z1.4", "--scheme", "double", "--aql", "major=2.5,critical=0.065", "--json"}},
		{name: "z1.4 multiple reduced", method: "POST", path: "/api/v1/sampling/plan",
			body: `{"lot":5000,"standard":"z1.4","severity":"reduced","scheme":"multiple","classes":[{"name":"default","aql":1.5}]}`,
			args: []string{"aql", "plan", "--lot", "5000", "--standard", "z1.4", "--severity", "reduced", "--scheme", "multiple", "--aql", "1.5", "--json"}},
		{name: "oc single", method: "POST", path: "/api/v1/sampling/oc", body: `{"n":80,"c":2,"lot":1000,"p":[0,0.01,0.02,0.05,0.1]}`,
			args: []string{"aql", "oc", "--n", "80", "--c", "2", "--lot", "1000", "--p", "0,0.01,0.02,0.05,0.1", "--json"},
			pick: func(m map[string]any) any { return m["points"] }},
		{name: "oc single without lot", method: "POST", path: "/api/v1/sampling/oc", body: `{"n":20,"c":0,"r":2,"p":[0.01,0.03]}`,
			args: []string{"aql", "oc", "--n", "20", "--c", "0", "--r", "2", "--p", "0.01,0.03", "--json"},
			pick: func(m map[string]any) any { return m["points"] }},
		{name: "oc double hypergeometric", method: "POST", path: "/api/v1/sampling/oc",
			body: `{"n1":50,"c1":1,"r1":4,"n2":50,"c2":4,"r2":5,"lot":2000,"model":"hypergeometric","p":[0.0125,0.03,0.08]}`,
			args: []string{"aql", "oc", "--n", "50", "--c", "1", "--r", "4", "--n2", "50", "--c2", "4", "--r2", "5", "--lot", "2000", "--dist", "hypergeometric", "--p", "0.0125,0.03,0.08", "--json"},
			pick: func(m map[string]any) any { return m["points"] }},
		{name: "oc poisson", method: "POST", path: "/api/v1/sampling/oc", body: `{"n":32,"c":10,"model":"poisson","p":[0.25,0.5]}`,
			args: []string{"aql", "oc", "--n", "32", "--c", "10", "--dist", "poisson", "--p", "0.25,0.5", "--json"},
			pick: func(m map[string]any) any { return m["points"] }},
		{name: "design", method: "POST", path: "/api/v1/sampling/design",
			body: `{"producer":{"p":0.05,"pa":0.95},"consumer":{"p":0.15,"pa":0.075}}`,
			args: []string{"aql", "design", "--producer", "0.05,0.95", "--consumer", "0.15,0.075", "--json"}},
		{name: "design hypergeometric", method: "POST", path: "/api/v1/sampling/design",
			body: `{"producer":{"p":0.01,"pa":0.95},"consumer":{"p":0.06,"pa":0.1},"model":"hypergeometric","lot":500}`,
			args: []string{"aql", "design", "--producer", "0.01,0.95", "--consumer", "0.06,0.1", "--dist", "hypergeometric", "--lot", "500", "--json"}},
		{name: "limiting quality", method: "POST", path: "/api/v1/sampling/lq", body: `{"lot":1000,"lq":0.05,"max_c":4}`,
			args: []string{"aql", "design", "--lq", "0.05", "--lot", "1000", "--max-c", "4", "--json"},
			pick: func(m map[string]any) any { return m["plans"] }},
		{name: "switching", method: "POST", path: "/api/v1/sampling/switching",
			body: `{"lot":3000,"aql":2.5,"lots":[{"defects":1},{"defects":9},{"defects":0},{"defects":3,"resubmitted":true},{"defects":8},{"defects":0},{"defects":0},{"defects":0},{"defects":0},{"defects":0}]}`,
			args: []string{"aql", "switching", "--lot", "3000", "--aql", "2.5", "--results", "1,9,0,3R,8,0,0,0,0,0", "--json"},
			pick: func(m map[string]any) any { return withoutKey(m["lots"], "reason") }, lines: true},
		{name: "switching z1.4 to reduced", method: "POST", path: "/api/v1/sampling/switching",
			body: `{"lot":500,"level":"I","standard":"z1.4","aql":"1.0","approve_reduced":true,"lots":[` + strings.Repeat(`{"defects":0},`, 11) + `{"defects":1}]}`,
			args: []string{"aql", "switching", "--lot", "500", "--level", "I", "--standard", "z1.4", "--aql", "1.0", "--approve-reduced", "--results", strings.Repeat("0,", 11) + "1", "--json"},
			pick: func(m map[string]any) any { return withoutKey(m["lots"], "reason") }, lines: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := e.call(t, c.method, c.path, c.body, 200)
			var api any = got
			if c.pick != nil {
				api = c.pick(got)
			}
			vals := runCLI(t, c.args...)
			var want any = vals[0]
			if c.lines {
				want = vals
			}
			if !reflect.DeepEqual(api, want) {
				a, _ := json.Marshal(api)
				w, _ := json.Marshal(want)
				t.Errorf("API and CLI differ:\n api %s\n cli %s", a, w)
			}
		})
	}
}

// withoutKey drops a key from each object of a list.
func withoutKey(list any, key string) any {
	items, _ := list.([]any)
	out := make([]any, len(items))
	for i, it := range items {
		m := map[string]any{}
		for k, v := range it.(map[string]any) {
			if k != key {
				m[k] = v
			}
		}
		out[i] = m
	}
	return out
}

// TestSamplingRefusals checks what the sampling operations refuse, and
// that every refusal says what is wrong at the right place.
func TestSamplingRefusals(t *testing.T) {
	e := samplingEnv(t)
	const allAQLs = "0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000"
	cases := []struct {
		name, method, path, body string
		status                   int
		loc                      string   // location of the first error
		detail                   []string // substrings of the detail
	}{
		{"AQL not preferred (number)", "POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[{"name":"major","aql":2.4}]}`,
			422, "body.classes[0].aql", []string{`AQL "2.4" is not a preferred AQL value`, allAQLs}},
		{"AQL not preferred (string)", "POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[{"name":"a","aql":"1.0"},{"name":"b","aql":"0.011"}]}`,
			422, "body.classes[1].aql", []string{`"0.011"`, allAQLs}},
		{"AQL as an exponent", "POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[{"name":"a","aql":2.5e0}]}`,
			422, "body.classes[0].aql", []string{allAQLs}},
		{"AQL of the wrong type", "POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[{"name":"a","aql":true}]}`,
			422, "body.classes[0].aql", nil},
		{"AQL missing", "POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[{"name":"a"}]}`,
			422, "body.classes[0].aql", []string{"is required", allAQLs}},
		{"zero tolerance with an AQL", "POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[{"name":"a","aql":1.0,"zero_tolerance":true}]}`,
			422, "body.classes[0].aql", []string{"zero-tolerance class has no AQL"}},
		{"class twice", "POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[{"name":"a","aql":1.0},{"name":"a","aql":2.5}]}`,
			422, "body.classes[1].name", []string{"given twice"}},
		{"no class", "POST", "/api/v1/sampling/plan", `{"lot":3000,"classes":[]}`, 422, "body.classes", nil},
		{"lot below Table I", "POST", "/api/v1/sampling/plan", `{"lot":1,"classes":[{"name":"a","aql":1.0}]}`, 422, "body.lot", []string{">= 2"}},
		{"unknown level", "POST", "/api/v1/sampling/plan", `{"lot":100,"level":"IV","classes":[{"name":"a","aql":1.0}]}`, 422, "body.level", nil},
		{"unknown field", "POST", "/api/v1/sampling/plan", `{"lot":100,"classes":[{"name":"a","aql":1.0}],"aql":2.5}`, 422, "body.aql", []string{"unexpected property"}},
		{"ISO double", "POST", "/api/v1/sampling/plan", `{"lot":1000,"scheme":"double","classes":[{"name":"a","aql":1.0}]}`,
			422, "body.scheme", []string{"ISO 2859-1:1999 double and multiple sampling plans are not publicly available"}},
		{"ISO multiple by GET", "GET", "/api/v1/sampling/plan?lot=1000&aql=1.0&scheme=multiple", "",
			422, "query.scheme", []string{"not publicly available"}},
		{"largest letter with double", "POST", "/api/v1/sampling/plan", `{"lot":1000,"standard":"z1.4","scheme":"double","largest_letter":true,"classes":[{"name":"a","aql":1.0}]}`,
			422, "body.largest_letter", []string{"single sampling only"}},
		{"zero tolerance in a double plan", "POST", "/api/v1/sampling/plan", `{"lot":1000,"standard":"z1.4","scheme":"double","classes":[{"name":"a","zero_tolerance":true}]}`,
			422, "body.classes[0]", []string{"zero-tolerance class has no double sampling plan"}},
		{"GET with a bad AQL", "GET", "/api/v1/sampling/plan?lot=3000&aql=major=3", "", 422, "query.aql", []string{`"3"`, allAQLs}},
		{"GET without aql", "GET", "/api/v1/sampling/plan?lot=3000", "", 422, "query.aql", nil},
		{"GET with a malformed class list", "GET", "/api/v1/sampling/plan?lot=3000&aql=major:2.5,minor=4.0", "", 422, "query.aql", []string{"write CLASS=AQL"}},
		{"OC without a plan", "POST", "/api/v1/sampling/oc", `{"p":[0.01]}`, 422, "body", []string{"give the plan"}},
		{"OC with two plans", "POST", "/api/v1/sampling/oc", `{"n":10,"c":0,"n1":10,"c1":0,"r1":2,"n2":10,"c2":1,"p":[0.01]}`, 422, "body", []string{"one form only"}},
		{"OC single without c", "POST", "/api/v1/sampling/oc", `{"n":10,"p":[0.01]}`, 422, "body.c", []string{"is required"}},
		{"OC without p", "POST", "/api/v1/sampling/oc", `{"n":10,"c":0}`, 422, "body.p", nil},
		{"OC with p and range", "POST", "/api/v1/sampling/oc", `{"n":10,"c":0,"p":[0.1],"range":{"from":0,"to":0.1,"points":5}}`, 422, "body.range", nil},
		{"OC with too many points", "POST", "/api/v1/sampling/oc", `{"n":10,"c":0,"range":{"from":0,"to":0.1,"points":1001}}`, 422, "body.range.points", nil},
		{"OC with an empty range", "POST", "/api/v1/sampling/oc", `{"n":10,"c":0,"range":{"from":0.1,"to":0.1,"points":5}}`, 422, "body.range.to", nil},
		{"OC fraction above 1", "POST", "/api/v1/sampling/oc", `{"n":10,"c":0,"p":[0.5,1.5]}`, 422, "body.p[1]", []string{"poisson"}},
		{"OC hypergeometric without lot", "POST", "/api/v1/sampling/oc", `{"n":10,"c":0,"model":"hypergeometric","p":[0.1]}`, 422, "body.lot", nil},
		{"OC plan larger than the lot", "POST", "/api/v1/sampling/oc", `{"n":100,"c":0,"lot":50,"p":[0.1]}`, 422, "body.lot", []string{"more than the lot"}},
		{"OC Re not above Ac", "POST", "/api/v1/sampling/oc", `{"n":10,"c":2,"r":2,"p":[0.1]}`, 422, "body", []string{"must exceed Ac"}},
		{"OC multiple with a huge Re", "POST", "/api/v1/sampling/oc", `{"stages":[{"sample_size":100000,"ac":10,"re":5000},{"sample_size":100000,"ac":4000,"re":5001}],"p":[0.01]}`,
			422, "body.stages[0].re", []string{"up to 1000"}},
		{"design with swapped points", "POST", "/api/v1/sampling/design", `{"producer":{"p":0.15,"pa":0.95},"consumer":{"p":0.05,"pa":0.1}}`, 422, "body", []string{"producer's p"}},
		{"LQ of a tiny lot", "POST", "/api/v1/sampling/lq", `{"lot":10,"lq":0.01}`, 422, "body", []string{"no nonconforming unit"}},
		{"switching with a bad AQL", "POST", "/api/v1/sampling/switching", `{"lot":3000,"aql":"2.6","lots":[{"defects":0}]}`, 422, "body.aql", []string{allAQLs}},
		{"switching with more defects than units", "POST", "/api/v1/sampling/switching", `{"lot":3000,"aql":"2.5","lots":[{"defects":0},{"defects":126}]}`, 422, "body.lots[1]", []string{"lot 2:", "sample of 125"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			var body []byte
			if c.body != "" {
				body = []byte(c.body)
			}
			r := e.do(c.method, c.path, "inspector", body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			p := r.problem(t)
			if locs := p.locations(); len(locs) == 0 || locs[0] != c.loc {
				t.Errorf("locations %v, want %s first: %s", locs, c.loc, r.body)
			}
			for _, d := range c.detail {
				if !strings.Contains(p.Detail, d) {
					t.Errorf("detail lacks %q: %s", d, p.Detail)
				}
			}
		})
	}
}

// TestSamplingSwitchingDiscontinued replays five rejections on tightened
// inspection: inspection is discontinued, and the lots after it are
// reported as not judged rather than judged.
func TestSamplingSwitchingDiscontinued(t *testing.T) {
	e := samplingEnv(t)
	got := e.call(t, "POST", "/api/v1/sampling/switching",
		`{"lot":3000,"aql":2.5,"start":"tightened","lots":[{"defects":9},{"defects":9},{"defects":9},{"defects":9},{"defects":9},{"defects":0},{"defects":0}]}`, 200)
	lots := got["lots"].([]any)
	last := lots[len(lots)-1].(map[string]any)
	if len(lots) != 5 || got["discontinued"] != true || got["lots_not_judged"] != 2.0 || last["discontinued"] != true ||
		!strings.Contains(got["message"].(string), "Lots 6 to 7 are not judged") {
		t.Errorf("%v", got)
	}
}

// TestSamplingOCRange checks the range form: evenly spaced qualities with
// both ends included, and the AOQL beside them.
func TestSamplingOCRange(t *testing.T) {
	e := samplingEnv(t)
	got := e.call(t, "POST", "/api/v1/sampling/oc", `{"n":1250,"c":21,"lot":1000000,"model":"hypergeometric","range":{"from":0,"to":0.05,"points":1000}}`, 200)
	pts := got["points"].([]any)
	first, last := pts[0].(map[string]any), pts[len(pts)-1].(map[string]any)
	if len(pts) != 1000 || first["p"] != 0.0 || last["p"] != 0.05 || first["pa"] != 1.0 || last["lot_nonconforming"] != 50000.0 {
		t.Errorf("%d points, first %v, last %v", len(pts), first, last)
	}
	aoql, at := got["aoql"].(float64), got["aoql_at_p"].(float64)
	for _, p := range pts {
		if p.(map[string]any)["aoq"].(float64) > aoql+1e-15 {
			t.Errorf("AOQ %v above the AOQL %v at p = %v", p.(map[string]any)["aoq"], aoql, at)
		}
	}
}

// FuzzSampling sends arbitrary input to every sampling operation: a body
// to the POST operations, a query to GET /sampling/plan. No input may get a
// 5xx, and a refusal is a problem document.
func FuzzSampling(f *testing.F) {
	ops := []struct{ method, path string }{
		{"POST", "/api/v1/sampling/plan"}, {"GET", "/api/v1/sampling/plan"}, {"POST", "/api/v1/sampling/oc"},
		{"POST", "/api/v1/sampling/design"}, {"POST", "/api/v1/sampling/lq"}, {"POST", "/api/v1/sampling/switching"},
	}
	seeds := [][]string{
		{ // plan
			`{"lot":3000,"classes":[{"name":"major","aql":2.5}]}`,
			`{"lot":3000,"standard":"z1.4","severity":"reduced","level":"S-4","classes":[{"name":"a","aql":"0.010"},{"name":"b","zero_tolerance":true}]}`,
			`{"lot":3000,"largest_letter":true,"classes":[{"name":"a","aql":0.10},{"name":"b","aql":0.15},{"name":"c","aql":0.25}]}`,
			`{"lot":2,"scheme":"multiple","standard":"z1.4","classes":[{"name":"a","aql":1000}]}`,
			`{"lot":9223372036854775807,"classes":[{"name":"a","aql":65}]}`,
			`{"lot":1e30,"classes":[{"name":"a","aql":2.5}]}`,
			`{"lot":3000,"classes":[{"name":"a","aql":"2.5%"}]}`,
			`{"lot":3000,"classes":[{"name":"a","aql":-2.5}]}`,
			`{"lot":3000,"classes":[{"name":"a","aql":"` + strings.Repeat("9", 30) + `"}]}`,
			`{"lot":3000,"classes":[{"name":"苏州\u0007","aql":1.0}]}`,
			`{"lot":3000,"scheme":"double","classes":[{"name":"a","aql":1.0}]}`,
			`{"lot":3000,"classes":null}`, `{"lot":"3000","classes":[]}`, `{`, `[]`, `null`, ``,
		},
		{ // plan query
			"lot=3000&aql=2.5", "lot=3000&aql=critical=0.065,major=2.5,minor=4.0&largest_letter=true",
			"lot=3000&aql=a=0,b=zero", "lot=3000&aql=a=1,a=2", "lot=3000&aql=,,,", "lot=3000&aql==", "lot=-1&aql=1.0",
			"lot=3000&aql=1.0&scheme=double&standard=z1.4", "lot=3000&aql=1.0&level=s3", "lot=99999999999999999999&aql=1.0",
			"lot=3000&aql=%E5%B7%A5=1.0", "lot=3000&aql=1.0&aql=2.5", "aql=1.0", "",
		},
		{ // oc
			`{"n":80,"c":2,"p":[0.01,0.02]}`,
			`{"n1":50,"c1":1,"r1":4,"n2":50,"c2":4,"lot":2000,"model":"hypergeometric","range":{"from":0,"to":0.2,"points":50}}`,
			`{"stages":[{"sample_size":13,"ac":-1,"re":2},{"sample_size":13,"ac":0,"re":3},{"sample_size":13,"ac":1,"re":3}],"p":[0.05]}`,
			`{"n":10000000,"c":9999999,"lot":10000000,"model":"hypergeometric","p":[0.999999]}`,
			`{"n":1,"c":0,"model":"poisson","p":[1e308]}`,
			`{"n":5,"c":3,"r":2,"p":[0.1]}`, `{"n":5,"c":0,"p":[-0.1]}`, `{"n":5,"c":0,"p":[]}`,
			`{"stages":[],"p":[0.1]}`, `{"n":0,"c":0,"p":[0.1]}`, `{}`, `null`,
		},
		{ // design
			`{"producer":{"p":0.05,"pa":0.95},"consumer":{"p":0.15,"pa":0.075}}`,
			`{"producer":{"p":0.001,"pa":0.95},"consumer":{"p":0.0011,"pa":0.05},"model":"poisson"}`,
			`{"producer":{"p":0.01,"pa":0.95},"consumer":{"p":0.02,"pa":0.1},"model":"hypergeometric","lot":100}`,
			`{"producer":{"p":0,"pa":1},"consumer":{"p":1,"pa":0}}`, `{"producer":{},"consumer":{}}`,
		},
		{ // lq
			`{"lot":1000,"lq":0.05}`, `{"lot":10000000,"lq":0.0000001,"max_c":20}`, `{"lot":2,"lq":1,"max_c":0}`, `{"lot":5,"lq":0}`,
		},
		{ // switching
			`{"lot":3000,"aql":2.5,"lots":[{"defects":1},{"defects":9},{"defects":3,"resubmitted":true}]}`,
			`{"lot":3000,"aql":"1.0","standard":"z1.4","start":"reduced","approve_reduced":true,"lots":[{"defects":1,"irregular":true,"lot":50}]}`,
			`{"lot":3000,"aql":2.5,"start":"tightened","lots":[{"defects":9},{"defects":9},{"defects":9},{"defects":9},{"defects":9},{"defects":0}]}`,
			`{"lot":3000,"aql":2.5,"lots":[{"defects":-1}]}`, `{"lot":3000,"aql":2.5,"lots":[{"defects":0,"lot":1}]}`,
			`{"lot":3000,"aql":2.5,"lots":[]}`,
		},
	}
	for op, list := range seeds {
		for _, s := range list {
			f.Add(uint8(op), s)
		}
	}
	envs := fuzzEnvs(f)
	f.Fuzz(func(t *testing.T, op uint8, input string) {
		o := ops[int(op)%len(ops)]
		for _, e := range envs {
			e.t = t
			events, users := e.counts()
			var req *http.Request
			if o.method == "GET" {
				req = e.request(o.method, o.path, "supplier", nil)
				req.URL.RawQuery = input
			} else {
				req = e.request(o.method, o.path, "supplier", []byte(input))
			}
			check(t, e, e.serve(req), events, users)
		}
	})
}
