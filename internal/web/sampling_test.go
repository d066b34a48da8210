package web

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// samplingSamplePages are the sampling pages for TestTemplatesRender: a
// plan of every kind, a form with errors, and the card with and without a
// plan.
func samplingSamplePages() []page {
	pageOf := func(q string) *samplingPage {
		v, _ := url.ParseQuery(q)
		f := readSamplingForm(v)
		p := &samplingPage{layout: layout{Title: "Sampling plan"}, Form: f, Levels: levelOptions, Standards: standardOptions,
			Severities: severityOptions, Schemes: schemeOptions, AQLs: aqlTexts(), Errors: map[string]string{}}
		if len(v) > 0 {
			plan, errs, order := resolvePlan(f)
			p.Plan, p.Errors, p.FieldsBad = plan, errs, len(errs) > 0
			for _, k := range order {
				p.Problems = append(p.Problems, errs[k])
			}
			p.CardURL, p.APIURL = "/sampling/card?"+q, apiPlanURL(f)
		}
		return p
	}
	cardOf := func(q string) *samplingCardPage {
		v, _ := url.ParseQuery(q)
		plan, errs, _ := resolvePlan(readSamplingForm(v))
		p := &samplingCardPage{layout: layout{Title: "Sampling plan card"}, Plan: plan, PageURL: "/sampling?" + q, Date: "2026-11-27"}
		for _, e := range errs {
			p.Errors = append(p.Errors, e)
		}
		return p
	}
	return []page{
		pageOf(""),
		pageOf("lot=3000&class=critical&aql=0.065&class=major&aql=2.5&class=minor&aql=4.0&class=%E5%A4%96%E8%A7%82+<b>&aql=&rule=aql&rule=aql&rule=aql&rule=zero"),
		pageOf("lot=3000&largest=1&class=a&aql=0.10&class=b&aql=0.15&class=c&aql=0.25"),
		pageOf("lot=200&standard=z1.4&severity=reduced&class=major&aql=1.0"),
		pageOf("lot=1000&standard=z1.4&scheme=multiple&class=major&aql=2.5&class=minor&aql=65"),
		pageOf("lot=x&class=major&aql=2.4&class=&aql=1.0&scheme=double"),
		cardOf("lot=3000&class=critical&aql=0.065&class=major&aql=2.5&class=buyer&aql=&rule=aql&rule=aql&rule=zero"),
		cardOf("lot=1000&standard=z1.4&scheme=double&class=major&aql=2.5"),
		cardOf("lot=1&class=major&aql=2.5"),
	}
}

// classRow is one row of the plan table as the page shows it.
type classRow struct{ name, aql, letter, n, ac, re, countIn string }

var (
	planRowRE = regexp.MustCompile(`(?s)<tr data-class="[^"]*">\s*<th scope="row">(.*?)</th>\s*<td class="aql"[^>]*>(.*?)</td>\s*<td class="letter"[^>]*>(.*?)</td>\s*` +
		`<td class="num n"[^>]*>(.*?)</td>\s*<td class="num ac"[^>]*>(.*?)</td>\s*<td class="num re"[^>]*>(.*?)</td>\s*<td class="count"[^>]*>(.*?)</td>`)
	svgRE  = regexp.MustCompile(`(?s)<svg .*?</svg>`)
	tagsRE = regexp.MustCompile(`<[^>]*>`)
)

// planRows reads the plan table of a page.
func planRows(body string) []classRow {
	var out []classRow
	for _, m := range planRowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, classRow{m[1], strings.TrimSpace(tagsRE.ReplaceAllString(m[2], "")), m[3], m[4], m[5], m[6], m[7]})
	}
	return out
}

// wellFormed reports whether s parses as XML.
func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestSamplingPage opens the sampling plan page as every role and checks
// what it computes and says, the OC curves, the plan card, and the
// add and remove buttons.
func TestSamplingPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		// Every internal role may use it and finds it in the navigation; a supplier may not.
		for _, role := range qms.Roles {
			c := ap.signedIn(ap.user(role, string(role)+"@example.com", "User "+string(role)))
			r := c.get("/sampling")
			inNav := strings.Contains(navHTML(r.body), `href="/sampling"`)
			if role == qms.RoleSupplier {
				if r.code != http.StatusForbidden || inNav {
					t.Errorf("supplier: /sampling answers %d, in the navigation %v", r.code, inNav)
				}
				continue
			}
			r.must(t, http.StatusOK, `id="plan-placeholder"`, `value="critical"`, `value="0.065"`, `value="major"`, `value="2.5"`, `value="minor"`, `value="4.0"`)
			if !inNav || !strings.Contains(navHTML(r.body), `href="/sampling" aria-current="page"`) {
				t.Errorf("%s: the navigation does not offer the sampling page as current:\n%s", role, navHTML(r.body))
			}
		}
		ap.client().get("/sampling?lot=5").redirectsTo(t, "/login?next=%2Fsampling%3Flot%3D5")
		c := ap.signedIn(ap.user(qms.RoleInspector, "ivan@example.com", "Ivan Inspector"))

		t.Run("three classes", func(t *testing.T) {
			r := c.get("/sampling?lot=3000&level=II&class=critical&aql=0.065&class=major&aql=2.5&class=minor&aql=4.0")
			r.must(t, http.StatusOK, `id="code-letter">K<`, `id="units-to-draw">200<`, "Table I range 1,201 to 3,200",
				"No plan at K (n = 125) for AQL 0.065: follow the arrow down to L (n = 200).",
				"The plan at L: n = 200, Ac 0, Re 1 (n, Ac and Re all from row L).",
				"The table has a plan at K for AQL 2.5: n = 125, Ac 7, Re 8.")
			want := []classRow{
				{"critical", "0.065 %", "L", "200", "0", "1", "all 200 units drawn"},
				{"major", "2.5 %", "K", "125", "7", "8", "the first 125 of the 200 units drawn"},
				{"minor", "4.0 %", "K", "125", "10", "11", "the first 125 of the 200 units drawn"},
			}
			if got := planRows(r.body); !equalRows(got, want) {
				t.Errorf("plan table %+v, want %+v", got, want)
			}
			svgs := svgRE.FindAllString(r.body, -1)
			if len(svgs) != 3 {
				t.Fatalf("%d OC curves, want one per class", len(svgs))
			}
			for _, s := range svgs {
				if err := wellFormed(s); err != nil {
					t.Errorf("the OC curve is not well-formed XML: %v\n%s", err, s)
				}
				if !strings.Contains(s, "<path") || !strings.Contains(s, ">LQ ") || !strings.Contains(s, "(Pa 10 %)") {
					t.Errorf("the OC curve lacks its curve or the consumer's risk point:\n%s", s)
				}
			}
			if !strings.Contains(svgs[1], ">AQL 2.5 %<") {
				t.Errorf("the major class's curve does not mark the AQL:\n%s", svgs[1])
			}
			for _, s := range []string{"Pa at the AQL", "LQ (Pa = 10 %)", "AOQL", `href="/sampling/card?`, `href="/api/v1/sampling/plan?`} {
				if !strings.Contains(r.body, s) {
					t.Errorf("the page lacks %q", s)
				}
			}
		})

		t.Run("named edge cells", func(t *testing.T) {
			for _, tc := range []struct {
				query string
				want  []classRow
				also  []string
			}{
				{"lot=8&class=major&aql=10", []classRow{{"major", "10 %", "C", "5", "1", "2", "all 5 units drawn"}},
					[]string{`id="code-letter">A<`, "No plan at A (n = 2) for AQL 10: follow the arrow down to B (n = 3).", "No plan at B either: follow the arrow down to C (n = 5)."}},
				{"lot=500001&level=III&class=critical&aql=0.015", []classRow{{"critical", "0.015 %", "P", "800", "0", "1", "all 800 units drawn"}},
					[]string{`id="code-letter">R<`, "No plan at R (n = 2,000) for AQL 0.015: follow the arrow up to Q (n = 1,250)."}},
				{"lot=200000&level=III&severity=tightened&class=critical&aql=0.025", []classRow{{"critical", "0.025 %", "S", "3,150", "1", "2", "all 3,150 units drawn"}}, nil},
				{"lot=600000&level=III&severity=tightened&class=critical&aql=0.025", []classRow{{"critical", "0.025 %", "S", "3,150", "1", "2", "all 3,150 units drawn"}}, nil},
				{"lot=200&severity=reduced&class=major&aql=1.0", []classRow{{"major", "1.0 %", "J", "32", "1", "2", "all 32 units drawn"}}, []string{`id="code-letter">G<`}},
				{"lot=200&standard=z1.4&severity=reduced&class=major&aql=1.0", []classRow{{"major", "1.0 %", "H", "20", "0", "2", "all 20 units drawn"}},
					[]string{"with more than 0 but fewer than 2 nonconforming units the lot is accepted, and normal inspection is reinstated"}},
				{"lot=6&class=major&aql=1.0", []classRow{{"major", "1.0 %", "E", "6", "0", "1", `every unit of the lot (6) <span class="badge badge-full">100 % inspection</span>`}},
					[]string{"n = 13 is not less than the lot of 6: inspect every unit (100 % inspection)."}},
				{"lot=3000&largest=1&class=a&aql=0.10&class=b&aql=0.15&class=c&aql=0.25", []classRow{
					{"a", "0.10 %", "N", "500", "1", "2", "all 500 units drawn"},
					{"b", "0.15 %", "N", "500", "2", "3", "all 500 units drawn"},
					{"c", "0.25 %", "N", "500", "3", "4", "all 500 units drawn"}},
					[]string{"rounds started at K → L → M → N", "Largest code letter for all classes: start at N instead of K (rounds K → L → M → N).",
						"The table has a plan at N for AQL 0.10: n = 500, Ac 1, Re 2."}},
				{"lot=3000&class=a&aql=0.10&class=b&aql=0.15&class=c&aql=0.25", []classRow{
					{"a", "0.10 %", "K", "125", "0", "1", "the first 125 of the 200 units drawn"},
					{"b", "0.15 %", "J", "80", "0", "1", "the first 80 of the 200 units drawn"},
					{"c", "0.25 %", "L", "200", "1", "2", "all 200 units drawn"}},
					[]string{"No plan at K (n = 125) for AQL 0.15: follow the arrow up to J (n = 80)."}},
			} {
				r := c.get("/sampling?" + tc.query)
				r.must(t, http.StatusOK, tc.also...)
				if got := planRows(r.body); !equalRows(got, tc.want) {
					t.Errorf("%s: plan table %+v, want %+v", tc.query, got, tc.want)
				}
			}
		})

		t.Run("zero tolerance and Poisson", func(t *testing.T) {
			r := c.get("/sampling?lot=3000&class=buyer&aql=&rule=zero&class=cosmetic&aql=65&rule=aql")
			r.must(t, http.StatusOK, `zero tolerance</span>`, "Buyer rule, not a table plan", "AQL 65 per 100 units", "poisson model")
			rows := planRows(r.body)
			if len(rows) != 2 || rows[0].n != rows[1].n || rows[0].ac != "0" || rows[0].re != "1" {
				t.Errorf("zero tolerance must judge all units drawn with 0/1: %+v", rows)
			}
		})

		t.Run("double and multiple", func(t *testing.T) {
			r := c.get("/sampling?lot=1000&standard=z1.4&scheme=double&class=major&aql=2.5")
			r.must(t, http.StatusOK, `id="code-letter">J<`, `id="units-to-draw">50<`, "double plan, row J", "Average sample number at the AQL")
			if n := len(svgRE.FindAllString(r.body, -1)); n != 1 {
				t.Errorf("%d OC curves for one class", n)
			}
			c.get("/sampling?lot=1000&scheme=double&class=major&aql=2.5").must(t, http.StatusBadRequest,
				"ISO 2859-1:1999&#39;s double and multiple plans are not public", "choose ANSI/ASQ Z1.4")
		})

		t.Run("errors in plain words", func(t *testing.T) {
			r := c.get("/sampling?lot=3000&class=major&aql=2.4&class=minor&aql=4.0")
			r.must(t, http.StatusBadRequest, `id="plan-problems"`, `value="2.4"`,
				"2.4 is not one of the preferred AQLs, which are 0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000. Choose one of them: qms does not round to the nearest.")
			if strings.Contains(r.body, `id="plan-table"`) {
				t.Error("a plan is shown for an AQL that is not a preferred value")
			}
			c.get("/sampling?lot=&class=major&aql=2.5").must(t, http.StatusBadRequest, "Enter the lot size")
			c.get("/sampling?lot=1&class=major&aql=2.5").must(t, http.StatusBadRequest, "A lot must have at least 2 units")
			c.get("/sampling?lot=12x&class=major&aql=2.5").must(t, http.StatusBadRequest, "is not a whole number of units")
			c.get("/sampling?lot=3000&class=major&aql=2.5&class=major&aql=1.0").must(t, http.StatusBadRequest, "The class &#34;major&#34; is already in the list")
			c.get("/sampling?lot=3000&class=&aql=2.5").must(t, http.StatusBadRequest, "Give this class a name")
			c.get("/sampling?lot=3000&class=major&aql=").must(t, http.StatusBadRequest, "Enter the AQL of this class")
			c.get("/sampling?lot=3000&class=&aql=").must(t, http.StatusBadRequest, "Add at least one class")
			c.get("/sampling?lot=3,000&class=major&aql=2.5").must(t, http.StatusOK, `id="code-letter">K<`)
		})

		t.Run("add and remove a class", func(t *testing.T) {
			r := c.get("/sampling?lot=3000&class=critical&aql=0.065&class=major&aql=2.5&add=1")
			if r.code != http.StatusSeeOther || !strings.HasSuffix(r.loc, "&class=critical&aql=0.065&class=major&aql=2.5&class=&aql=#classes") || strings.Contains(r.loc, "add=") {
				t.Fatalf("add: %d to %q", r.code, r.loc)
			}
			c.get(strings.TrimSuffix(r.loc, "#classes")).must(t, http.StatusOK, `id="s-class-2"`, `id="code-letter">K<`)
			r = c.get("/sampling?lot=3000&class=critical&aql=0.065&class=major&aql=2.5&class=buyer&aql=&rule=aql&rule=aql&rule=zero&remove=0")
			if r.code != http.StatusSeeOther || !strings.HasSuffix(r.loc, "&class=major&aql=2.5&rule=aql&class=buyer&aql=&rule=zero#classes") {
				t.Fatalf("remove: %d to %q", r.code, r.loc)
			}
		})

		t.Run("plan card", func(t *testing.T) {
			r := c.get("/sampling/card?lot=3000&class=critical&aql=0.065&class=major&aql=2.5&class=minor&aql=4.0")
			r.must(t, http.StatusOK, "<h1>Sampling plan card</h1>", `id="card-units">200<`, `id="card-plan"`, "☐ accept ☐ reject",
				"the first 125 of the 200 units drawn", `href="/sampling?`, "How to judge", "Risks of this plan", "Sign-off")
			if strings.Contains(r.body, "<svg") || strings.Contains(r.body, "<form class=\"card sampling-form") {
				t.Error("the plan card carries the form or the charts")
			}
			css := c.get(staticURL(t, r.body, "sampling.css"))
			css.must(t, http.StatusOK, "@media print", "@page { size: A4;", ".no-print")
			c.get("/sampling/card?lot=1&class=major&aql=2.5").must(t, http.StatusBadRequest, `id="card-problems"`, "at least 2 units")
			ap.signedIn(ap.user(qms.RoleSupplier, "factory@example.com", "Factory QA")).get("/sampling/card?lot=3000&aql=2.5").must(t, http.StatusForbidden)
		})
	})
}

// staticURL finds the hashed URL of a static file linked from a page.
func staticURL(t *testing.T, body, name string) string {
	t.Helper()
	base := strings.TrimSuffix(name, ".css")
	m := regexp.MustCompile(`/static/` + regexp.QuoteMeta(base) + `\.[0-9a-f]+\.css`).FindString(body)
	if m == "" {
		t.Fatalf("the page does not link %s", name)
	}
	return m
}

func equalRows(a, b []classRow) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSamplingForm checks reading and writing the form's query: what the
// page's address holds is what the form shows.
func TestSamplingForm(t *testing.T) {
	q, _ := url.ParseQuery("lot=3000&level=I&standard=z1.4&severity=tightened&scheme=single&largest=1&class=a&class=b&class=c&aql=0.10&aql=&aql=0.25&rule=aql&rule=zero")
	f := readSamplingForm(q)
	want := []samplingRow{{Name: "a", AQL: "0.10"}, {Name: "b", Zero: true}, {Name: "c", AQL: "0.25"}}
	if f.Lot != "3000" || f.Level != "I" || f.Standard != "z1.4" || f.Severity != "tightened" || !f.Largest || len(f.Rows) != 3 {
		t.Fatalf("%+v", f)
	}
	for i := range want {
		if f.Rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, f.Rows[i], want[i])
		}
	}
	enc := f.encode()
	if enc != "lot=3000&level=I&standard=z1.4&severity=tightened&scheme=single&largest=1&class=a&aql=0.10&rule=aql&class=b&aql=&rule=zero&class=c&aql=0.25&rule=aql" {
		t.Errorf("encoded as %s", enc)
	}
	back, _ := url.ParseQuery(enc)
	if again := readSamplingForm(back); again.Lot != f.Lot || !equalSamplingRows(again.Rows, f.Rows) || again.Largest != f.Largest || again.Standard != f.Standard {
		t.Errorf("the query does not round-trip: %+v -> %s -> %+v", f, enc, again)
	}
	many := url.Values{}
	for i := 0; i < 50; i++ {
		many.Add("class", "c")
	}
	if n := len(readSamplingForm(many).Rows); n != maxSamplingRows {
		t.Errorf("%d rows read, want at most %d", n, maxSamplingRows)
	}
	if d := readSamplingForm(url.Values{}); len(d.Rows) != 3 || d.Rows[0].AQL != "0.065" {
		t.Errorf("default form %+v", d)
	}
}

func equalSamplingRows(a, b []samplingRow) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
