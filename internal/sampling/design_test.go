package sampling

import (
	"math"
	"strings"
	"testing"
)

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// naivePa sums the probability terms directly, each from log-gammas: the
// straightforward reference (also used by the benchmarks).
func naivePa(m Model, lot, n, c int, p float64) float64 {
	s := 0.0
	switch m {
	case Binomial:
		if p == 0 {
			return 1
		}
		for d := 0; d <= c && d <= n; d++ {
			s += math.Exp(lchoose(n, d) + float64(d)*math.Log(p) + float64(n-d)*math.Log1p(-p))
		}
	case Poisson:
		l := float64(n) * p
		for d := 0; d <= c; d++ {
			lg, _ := math.Lgamma(float64(d + 1))
			s += math.Exp(-l + float64(d)*math.Log(l) - lg)
		}
	case Hypergeometric:
		D := LotNonconforming(p, lot)
		for d := 0; d <= c && d <= n && d <= D; d++ {
			if n-d > lot-D {
				continue
			}
			s += math.Exp(lchoose(D, d) + lchoose(lot-D, n-d) - lchoose(lot, n))
		}
	}
	return s
}

func TestDesignSmallestPlan(t *testing.T) {
	cases := []struct {
		prod, cons RiskPoint
		m          Model
		lot        int
	}{
		{RiskPoint{0.05, 0.95}, RiskPoint{0.15, 0.075}, Binomial, 0},
		{RiskPoint{0.05, 0.95}, RiskPoint{0.15, 0.075}, Poisson, 0},
		{RiskPoint{0.05, 0.95}, RiskPoint{0.15, 0.075}, Hypergeometric, 500},
		{RiskPoint{0.01, 0.95}, RiskPoint{0.06, 0.10}, Binomial, 0},
		{RiskPoint{0.02, 0.90}, RiskPoint{0.08, 0.05}, Hypergeometric, 2000},
		{RiskPoint{0.01, 0.95}, RiskPoint{0.05, 0.10}, Poisson, 0},
	}
	for _, c := range cases {
		d, err := Design(c.prod, c.cons, c.m, c.lot)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		// The plan meets both points (checked with the naive sum)...
		a1, a2 := naivePa(c.m, c.lot, d.N, d.C, c.prod.P), naivePa(c.m, c.lot, d.N, d.C, c.cons.P)
		if a1 < c.prod.Pa || a2 > c.cons.Pa || math.Abs(a1-d.PaProducer) > 1e-9 || math.Abs(a2-d.PaConsumer) > 1e-9 {
			t.Errorf("%+v: %+v, naive Pa %v %v", c, d, a1, a2)
		}
		// ...and no smaller sample with any c does.
		for n := 1; n < d.N; n++ {
			for cc := 0; cc < n; cc++ {
				if naivePa(c.m, c.lot, n, cc, c.prod.P) >= c.prod.Pa && naivePa(c.m, c.lot, n, cc, c.cons.P) <= c.cons.Pa {
					t.Fatalf("%+v: designed n=%d c=%d, but n=%d c=%d also meets both points", c, d.N, d.C, n, cc)
				}
			}
		}
		t.Logf("%s lot %d: n=%d c=%d Pa(p1)=%.4f Pa(p2)=%.4f", c.m, c.lot, d.N, d.C, d.PaProducer, d.PaConsumer)
	}
}

func TestDesignSmallP2(t *testing.T) {
	for _, m := range []Model{Binomial, Poisson, Hypergeometric} {
		lot := 0
		if m == Hypergeometric {
			lot = 1_000_000
		}
		d, err := Design(RiskPoint{0.0002, 0.95}, RiskPoint{0.001, 0.10}, m, lot)
		if err != nil {
			t.Fatal(err)
		}
		if d.PaProducer < 0.95 || d.PaConsumer > 0.10 {
			t.Errorf("%s: %+v", m, d)
		}
		// Minimal n for its c: n-1 fails the consumer's point.
		if pa(m, lot, d.N-1, d.C, 0.001) <= 0.10 {
			t.Errorf("%s: n-1 also meets the consumer's point", m)
		}
		t.Logf("%s: %+v", m, d)
	}
}

func TestDesignErrors(t *testing.T) {
	bad := []struct {
		prod, cons RiskPoint
		m          Model
		lot        int
	}{
		{RiskPoint{0.15, 0.95}, RiskPoint{0.05, 0.10}, Binomial, 0},
		{RiskPoint{0.05, 0.05}, RiskPoint{0.15, 0.10}, Binomial, 0},
		{RiskPoint{0.05, 0.95}, RiskPoint{0.15, 0.10}, Hypergeometric, 0},
		{RiskPoint{0.05, 0.95}, RiskPoint{0.051, 0.10}, Hypergeometric, 100},
		{RiskPoint{0.05, 0.95}, RiskPoint{1.5, 0.10}, Binomial, 0},
		{RiskPoint{0.05, 0.95}, RiskPoint{0.15, 0.10}, 0, 0},
	}
	for _, c := range bad {
		if _, err := Design(c.prod, c.cons, c.m, c.lot); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
}

func TestDesignLQ(t *testing.T) {
	plans, err := DesignLQ(1000, 0.05, 3)
	if err != nil || len(plans) != 4 {
		t.Fatalf("%+v %v", plans, err)
	}
	for _, p := range plans {
		if p.PaLQ > 0.10 || !strings.Contains(p.Label, "not ISO 2859-2") || p.LotNonconforming != 50 {
			t.Errorf("%+v", p)
		}
		if naivePa(Hypergeometric, 1000, p.N, p.C, 0.05) > 0.10 || naivePa(Hypergeometric, 1000, p.N-1, p.C, 0.05) <= 0.10 {
			t.Errorf("c=%d: n=%d is not the smallest", p.C, p.N)
		}
	}
	// Lot 10 at LQ 20 %: D = 2 allows c = 0 and 1 only. c = 0: P(0) =
	// (10-n)(9-n)/90 <= 0.1 first at n = 7; c = 1: P(d <= 1) = 1 -
	// n(n-1)/90 <= 0.1 only at n = 10, 100 % inspection.
	plans, err = DesignLQ(10, 0.20, 5)
	if err != nil || len(plans) != 2 || plans[0].N != 7 || plans[1].N != 10 || !plans[1].FullInspection {
		t.Errorf("%+v %v", plans, err)
	}
	if _, err := DesignLQ(10, 0.01, 1); err == nil {
		t.Error("D = 0 accepted")
	}
}
