package sampling

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// Benchmarks of issue 3, each beside a straightforward reference
// implementation measured in the same run (see BENCHMARKS.sampling.md).

var benchLots = []int{6, 90, 151, 3000, 4000, 35001, 500001, 1200}

// --- plan lookup ---------------------------------------------------------

func BenchmarkPlanLookup(b *testing.B) {
	aqls := AQLs()
	var sink int
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p, err := SinglePlan(ISO2859, Normal, LevelII, benchLots[i%len(benchLots)], aqls[10+i%6])
		if err != nil {
			b.Fatal(err)
		}
		sink += p.SampleSize
	}
	_ = sink
}

// naiveTables is the reference: the CSV text split into strings once, and
// every lookup scans and parses them as a simple implementation would.
type naiveTables struct {
	table1, normal [][]string
}

func loadNaive(tb testing.TB) naiveTables {
	split := func(name string) [][]string {
		b, err := File(name)
		if err != nil {
			tb.Fatal(err)
		}
		var rows [][]string
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			rows = append(rows, strings.Split(strings.TrimRight(l, "\r"), ","))
		}
		return rows
	}
	return naiveTables{split("table1_code_letters.csv"), split("master_single_normal_iso1999.csv")}
}

func (t naiveTables) lookup(lot int, level, aql string) (letter string, n, ac, re int, err error) {
	col := -1
	for i, h := range t.table1[0] {
		if h == level {
			col = i
		}
	}
	for _, r := range t.table1[1:] {
		lo, _ := strconv.Atoi(r[0])
		hi, e := strconv.Atoi(r[1])
		if lot >= lo && (e != nil || lot <= hi) {
			letter = r[col]
		}
	}
	acol := -1
	for i, h := range t.normal[0] {
		if h == aql {
			acol = i
		}
	}
	row := -1
	for i, r := range t.normal {
		if r[0] == letter {
			row = i
		}
	}
	for {
		switch v := t.normal[row][acol]; v {
		case "v":
			row++
		case "^":
			row--
		default:
			parts := strings.Split(v, "/")
			ac, _ = strconv.Atoi(parts[0])
			re, _ = strconv.Atoi(parts[1])
			n, _ = strconv.Atoi(t.normal[row][1])
			if n >= lot {
				n = lot
			}
			return t.normal[row][0], n, ac, re, nil
		}
	}
}

func BenchmarkPlanLookupReference(b *testing.B) {
	t := loadNaive(b)
	aqls := AQLs()
	var sink int
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, n, _, _, err := t.lookup(benchLots[i%len(benchLots)], "II", aqls[10+i%6].String())
		if err != nil {
			b.Fatal(err)
		}
		sink += n
	}
	_ = sink
}

func TestNaiveLookupAgrees(t *testing.T) {
	nt := loadNaive(t)
	for _, lot := range benchLots {
		for _, a := range AQLs() {
			p, err := SinglePlan(ISO2859, Normal, LevelII, lot, a)
			if err != nil {
				t.Fatal(err)
			}
			letter, n, ac, re, _ := nt.lookup(lot, "II", a.String())
			if letter != p.FinalCodeLetter.String() || n != p.SampleSize || ac != p.Ac || re != p.Re {
				t.Errorf("lot %d AQL %s: naive %s %d %d/%d, engine %+v", lot, a, letter, n, ac, re, p)
			}
		}
	}
}

// --- OC curve: n = 1250, c = 21 (code Q at AQL 1.0), N = 10^6 ------------

const benchN, benchC, benchLot = 1250, 21, 1_000_000

func benchPs() []float64 {
	ps := make([]float64, 1000)
	for i := range ps {
		ps[i] = 0.05 * float64(i) / float64(len(ps)-1)
	}
	return ps
}

func BenchmarkOCCurveHypergeometric(b *testing.B) {
	ps := benchPs()
	s := Single(benchN, benchC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := OCCurve(s, Hypergeometric, benchLot, ps); err != nil {
			b.Fatal(err)
		}
	}
}

// Reference: every term C(D,d) C(N-D,n-d) / C(N,n) from log-gammas,
// summed directly (naivePa in design_test.go).
func BenchmarkOCCurveHypergeometricReference(b *testing.B) {
	ps := benchPs()
	b.ReportAllocs()
	for b.Loop() {
		out := make([]float64, len(ps))
		for i, p := range ps {
			out[i] = naivePa(Hypergeometric, benchLot, benchN, benchC, p)
		}
	}
}

// The reference loses precision to cancellation of log-gammas near 1.3e7;
// this measures how much, against the engine (itself checked against
// 300-bit arithmetic in TestOCLargeStable).
func TestOCCurveReferenceAccuracy(t *testing.T) {
	ps := benchPs()
	pts, err := OCCurve(Single(benchN, benchC), Hypergeometric, benchLot, ps)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, p := range ps {
		worst = math.Max(worst, math.Abs(pts[i].Pa-naivePa(Hypergeometric, benchLot, benchN, benchC, p)))
	}
	t.Logf("largest |Pa(engine) - Pa(log-gamma reference)| over the 1000 points: %.2g", worst)
	if worst > 1e-6 {
		t.Errorf("engine and reference disagree by %g", worst)
	}
}

// --- plan design -----------------------------------------------------------

// naiveDesign is the straightforward search: for c = 0, 1, ... scan n
// upward from c+1 until Pa(p2) <= beta, each Pa a direct sum.
func naiveDesign(prod, cons RiskPoint, m Model, lot int) (n, c int) {
	for c = 0; ; c++ {
		for n = c + 1; naivePa(m, lot, n, c, cons.P) > cons.Pa; n++ {
		}
		if naivePa(m, lot, n, c, prod.P) >= prod.Pa {
			return n, c
		}
	}
}

var designCases = []struct {
	name       string
	prod, cons RiskPoint
	m          Model
	lot        int
}{
	{"p2=0.1/binomial", RiskPoint{0.02, 0.95}, RiskPoint{0.1, 0.10}, Binomial, 0},
	{"p2=0.01/binomial", RiskPoint{0.002, 0.95}, RiskPoint{0.01, 0.10}, Binomial, 0},
	{"p2=0.001/binomial", RiskPoint{0.0002, 0.95}, RiskPoint{0.001, 0.10}, Binomial, 0},
	{"p2=0.001/poisson", RiskPoint{0.0002, 0.95}, RiskPoint{0.001, 0.10}, Poisson, 0},
	{"p2=0.001/hypergeometric-N=1e6", RiskPoint{0.0002, 0.95}, RiskPoint{0.001, 0.10}, Hypergeometric, 1_000_000},
}

func BenchmarkDesign(b *testing.B) {
	for _, c := range designCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Design(c.prod, c.cons, c.m, c.lot); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDesignReference(b *testing.B) {
	for _, c := range designCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				naiveDesign(c.prod, c.cons, c.m, c.lot)
			}
		})
	}
}

func TestDesignAgreesWithNaiveSearch(t *testing.T) {
	for _, c := range designCases {
		d, err := Design(c.prod, c.cons, c.m, c.lot)
		if err != nil {
			t.Fatal(err)
		}
		n, cc := naiveDesign(c.prod, c.cons, c.m, c.lot)
		if n != d.N || cc != d.C {
			t.Errorf("%s: engine n=%d c=%d, naive n=%d c=%d", c.name, d.N, d.C, n, cc)
		}
		t.Log(fmt.Sprintf("%s: n=%d c=%d", c.name, d.N, d.C))
	}
}
