package sampling

import (
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"
)

// exactPMF returns P(Y = y) for y = 0..k exactly (binomial, hypergeometric)
// or to 300 bits (Poisson, whose e^-lambda is irrational).
type exactModel struct {
	m   Model
	p   *big.Rat // binomial p, Poisson mean per unit
	lot int64    // hypergeometric lot size
	D   int64    // hypergeometric nonconforming units
}

func ratBinom(n, k int64) *big.Rat {
	if k < 0 || k > n {
		return new(big.Rat)
	}
	return new(big.Rat).SetInt(new(big.Int).Binomial(n, k))
}

// expNeg returns e^-x for a rational x >= 0 to about 300 bits, by the
// Taylor series of e^x.
func expNeg(x *big.Rat) *big.Rat {
	sum := big.NewRat(1, 1)
	term := big.NewRat(1, 1)
	eps := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), 320))
	for k := int64(1); ; k++ {
		term.Mul(term, x)
		term.Quo(term, big.NewRat(k, 1))
		sum.Add(sum, term)
		if term.Cmp(eps) < 0 && k > 2 {
			break
		}
	}
	// Round to 400 bits to keep the numbers small.
	f := new(big.Float).SetPrec(400).SetRat(sum)
	f.Quo(new(big.Float).SetPrec(400).SetInt64(1), f)
	r, _ := f.Rat(nil)
	return r
}

// pmf of a sample of n after m units with d nonconforming were drawn.
func (e exactModel) pmf(n, m, d int64, k int) []*big.Rat {
	out := make([]*big.Rat, k+1)
	switch e.m {
	case Binomial:
		q := new(big.Rat).Sub(big.NewRat(1, 1), e.p)
		for y := 0; y <= k; y++ {
			t := ratBinom(n, int64(y))
			t.Mul(t, ratPow(e.p, int64(y)))
			t.Mul(t, ratPow(q, n-int64(y)))
			out[y] = t
		}
	case Hypergeometric:
		N, D := e.lot-m, e.D-d
		den := ratBinom(N, n)
		for y := 0; y <= k; y++ {
			t := ratBinom(D, int64(y))
			t.Mul(t, ratBinom(N-D, n-int64(y)))
			out[y] = t.Quo(t, den)
		}
	case Poisson:
		lambda := new(big.Rat).Mul(e.p, big.NewRat(n, 1))
		base := expNeg(lambda)
		t := new(big.Rat).Set(base)
		for y := 0; y <= k; y++ {
			if y > 0 {
				t = new(big.Rat).Mul(t, lambda)
				t.Quo(t, big.NewRat(int64(y), 1))
			}
			out[y] = t
		}
	}
	return out
}

func ratPow(x *big.Rat, n int64) *big.Rat {
	num := new(big.Int).Exp(x.Num(), big.NewInt(n), nil)
	den := new(big.Int).Exp(x.Denom(), big.NewInt(n), nil)
	return new(big.Rat).SetFrac(num, den)
}

// exactOC is the independent computation: every path of cumulative counts
// enumerated with rationals.
func exactOC(s Scheme, e exactModel, lot int64, pEff *big.Rat) (pa, asn, ati, aoq float64) {
	cur := map[int]*big.Rat{0: big.NewRat(1, 1)}
	Pa, ASN, ATI, AOQ := new(big.Rat), new(big.Rat), new(big.Rat), new(big.Rat)
	var m int64
	for k, st := range s.Stages {
		reach := new(big.Rat)
		for _, w := range cur {
			reach.Add(reach, w)
		}
		ASN.Add(ASN, new(big.Rat).Mul(reach, big.NewRat(int64(st.N), 1)))
		next := map[int]*big.Rat{}
		acc := new(big.Rat)
		for d, w := range cur {
			kmax := st.Re - 1 - d
			if kmax < 0 {
				continue
			}
			for y, py := range e.pmf(int64(st.N), m, int64(d), kmax) {
				t := new(big.Rat).Mul(w, py)
				c := d + y
				if c <= st.Ac || k == len(s.Stages)-1 {
					acc.Add(acc, t)
				} else {
					if next[c] == nil {
						next[c] = new(big.Rat)
					}
					next[c].Add(next[c], t)
				}
			}
		}
		m += int64(st.N)
		Pa.Add(Pa, acc)
		ATI.Add(ATI, new(big.Rat).Mul(acc, big.NewRat(m, 1)))
		if lot > 0 {
			AOQ.Add(AOQ, new(big.Rat).Mul(acc, big.NewRat(lot-m, lot)))
		}
		cur = next
	}
	pa, _ = Pa.Float64()
	asn, _ = ASN.Float64()
	if lot > 0 {
		rej := new(big.Rat).Sub(big.NewRat(1, 1), Pa)
		ATI.Add(ATI, rej.Mul(rej, big.NewRat(lot, 1)))
		ati, _ = ATI.Float64()
		aoq, _ = AOQ.Mul(AOQ, pEff).Float64()
	} else {
		ati = math.NaN()
		aoq, _ = new(big.Rat).Mul(Pa, pEff).Float64()
	}
	return
}

func near(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}

func TestTextbookPa(t *testing.T) {
	// n=80, c=2, binomial, p=0.02: Pa = 0.78441888...
	o, err := OC(Single(80, 2), Binomial, 0, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(o.Pa-0.784418886975) > 1e-12 {
		t.Errorf("Pa = %.15f", o.Pa)
	}
	if o.ASN != 80 || !math.IsNaN(o.ATI) || math.Abs(o.AOQ-0.02*o.Pa) > 1e-15 {
		t.Errorf("%+v", o)
	}
}

func TestOCAgainstExactRationals(t *testing.T) {
	dbl, _ := DoublePlan(Z14, Normal, 'K', mustAQL(t, "2.5"))
	mul, _ := MultiplePlan(Z14, Normal, 'K', mustAQL(t, "2.5"))
	redDbl, _ := DoublePlan(Z14, Reduced, 'K', mustAQL(t, "2.5"))
	mulT, _ := MultiplePlan(Z14, Tightened, 'H', mustAQL(t, "1.0"))
	schemes := map[string]Scheme{
		"80/2":           Single(80, 2),
		"13/0":           Single(13, 0),
		"125/7":          Single(125, 7),
		"315/10":         Single(315, 10),
		"2000/21":        Single(2000, 21),
		"reduced 20 0/2": {Stages: []Stage{{N: 20, Ac: 0, Re: 2}}},
		"double K 2.5":   dbl.Scheme(),
		"multiple K 2.5": mul.Scheme(),
		"reduced double": redDbl.Scheme(),
		"multiple T H":   mulT.Scheme(),
	}
	ps := []*big.Rat{big.NewRat(0, 1), big.NewRat(1, 1000), big.NewRat(1, 100), big.NewRat(1, 50), big.NewRat(1, 20), big.NewRat(3, 25), big.NewRat(3, 10)}
	for name, s := range schemes {
		for _, lot := range []int64{0, 5000} {
			for _, model := range []Model{Binomial, Hypergeometric, Poisson} {
				if model == Hypergeometric && lot == 0 {
					continue
				}
				if int64(s.TotalN()) > lot && lot > 0 {
					continue
				}
				for _, pr := range ps {
					p, _ := pr.Float64()
					e := exactModel{m: model, p: pr, lot: lot}
					pEff := pr
					if model == Hypergeometric {
						e.D = int64(LotNonconforming(p, int(lot)))
						pEff = big.NewRat(e.D, lot)
					}
					if model == Poisson && name == "2000/21" && p > 0.05 {
						continue // lambda = 600: the exact series is slow and Pa ~ 0
					}
					got, err := OC(s, model, int(lot), p)
					if err != nil {
						t.Fatalf("%s %s lot %d p %v: %v", name, model, lot, p, err)
					}
					pa, asn, ati, aoq := exactOC(s, e, lot, pEff)
					if !near(got.Pa, pa, 1e-12) || !near(got.ASN, asn, 1e-12) || !near(got.ATI, ati, 1e-12) || !near(got.AOQ, aoq, 1e-12) {
						t.Errorf("%s %s lot %d p %v:\n got   Pa %.15g ASN %.15g ATI %.15g AOQ %.15g\n exact Pa %.15g ASN %.15g ATI %.15g AOQ %.15g",
							name, model, lot, p, got.Pa, got.ASN, got.ATI, got.AOQ, pa, asn, ati, aoq)
					}
				}
			}
		}
	}
}

// Large lots and samples: hypergeometric with N = 10^7 and n = 10^4, and
// binomial with n = 10^4, against 300-bit big.Float products.
func TestOCLargeStable(t *testing.T) {
	const prec = 300
	hyperExact := func(N, D, n int64, c int) float64 {
		// P(Y=0) = prod (N-D-i)/(N-i), then the ratio recurrence.
		t0 := new(big.Float).SetPrec(prec).SetInt64(1)
		for i := int64(0); i < n; i++ {
			t0.Mul(t0, new(big.Float).SetPrec(prec).SetInt64(N-D-i))
			t0.Quo(t0, new(big.Float).SetPrec(prec).SetInt64(N-i))
		}
		sum := new(big.Float).SetPrec(prec).Set(t0)
		term := t0
		for y := int64(0); y < int64(c); y++ {
			term = new(big.Float).SetPrec(prec).Mul(term, new(big.Float).SetPrec(prec).SetInt64((D-y)*(n-y)))
			term.Quo(term, new(big.Float).SetPrec(prec).SetInt64((y+1)*(N-D-n+y+1)))
			sum.Add(sum, term)
		}
		f, _ := sum.Float64()
		return f
	}
	binomExact := func(n int64, p *big.Rat, c int) float64 {
		pf := new(big.Float).SetPrec(prec).SetRat(p)
		qf := new(big.Float).SetPrec(prec).Sub(new(big.Float).SetPrec(prec).SetInt64(1), pf)
		t0 := new(big.Float).SetPrec(prec).SetInt64(1)
		for i := int64(0); i < n; i++ {
			t0.Mul(t0, qf)
		}
		sum := new(big.Float).SetPrec(prec).Set(t0)
		term := t0
		ratio := new(big.Float).SetPrec(prec).Quo(pf, qf)
		for y := int64(0); y < int64(c); y++ {
			term = new(big.Float).SetPrec(prec).Mul(term, ratio)
			term.Mul(term, new(big.Float).SetPrec(prec).SetInt64(n-y))
			term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(y+1))
			sum.Add(sum, term)
		}
		f, _ := sum.Float64()
		return f
	}
	for _, c := range []struct {
		N, n int64
		c    int
		p    float64
	}{{10_000_000, 10_000, 21, 0.002}, {10_000_000, 10_000, 21, 0.0025}, {10_000_000, 10_000, 0, 0.0001},
		{10_000_000, 1250, 21, 0.015}, {1_000_000, 1250, 10, 0.01}, {10_000_000, 10_000, 100, 0.01}} {
		D := int64(LotNonconforming(c.p, int(c.N)))
		want := hyperExact(c.N, D, c.n, c.c)
		got, err := OC(Single(int(c.n), c.c), Hypergeometric, int(c.N), c.p)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Pa-want) > 1e-12 || got.LotNonconforming != int(D) {
			t.Errorf("hyper N=%d n=%d c=%d p=%v: Pa %.15g, want %.15g", c.N, c.n, c.c, c.p, got.Pa, want)
		}
		if c.p > 0.001 && (want < 1e-6 || want > 1-1e-6) {
			t.Logf("note: N=%d n=%d c=%d p=%v Pa=%g is in a tail", c.N, c.n, c.c, c.p, want)
		}
	}
	for _, c := range []struct {
		n int64
		c int
		p *big.Rat
	}{{10_000, 21, big.NewRat(1, 500)}, {10_000, 100, big.NewRat(1, 100)}, {10_000, 5, big.NewRat(1, 10_000)}, {10_000, 300, big.NewRat(3, 100)}} {
		p, _ := c.p.Float64()
		want := binomExact(c.n, c.p, c.c)
		got, _ := OC(Single(int(c.n), c.c), Binomial, 0, p)
		if math.Abs(got.Pa-want) > 1e-12 {
			t.Errorf("binomial n=%d c=%d p=%v: Pa %.15g, want %.15g", c.n, c.c, p, got.Pa, want)
		}
	}
	// The hypergeometric model tends to the binomial one for a huge lot.
	h, _ := OC(Single(1250, 21), Hypergeometric, 10_000_000, 0.012)
	b, _ := OC(Single(1250, 21), Binomial, 0, 0.012)
	if math.Abs(h.Pa-b.Pa) > 1e-3 || h.Pa == b.Pa {
		t.Errorf("hyper %v binomial %v", h.Pa, b.Pa)
	}
}

func TestPoissonModel(t *testing.T) {
	// n=50, c=3, 2 nonconformities per 100 units: lambda = 1,
	// Pa = e^-1 (1 + 1 + 1/2 + 1/6) = 8/3 e^-1.
	o, err := OC(Single(50, 3), Poisson, 0, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	if want := 8.0 / 3 * math.Exp(-1); math.Abs(o.Pa-want) > 1e-14 {
		t.Errorf("Pa %.16g, want %.16g", o.Pa, want)
	}
	// Above 1 nonconformity per unit is allowed for Poisson only.
	if _, err := OC(Single(5, 10), Poisson, 0, 1.5); err != nil {
		t.Error(err)
	}
	if _, err := OC(Single(5, 10), Binomial, 0, 1.5); err == nil {
		t.Error("binomial p > 1 accepted")
	}
	if ModelForAQL(mustAQL(t, "15")) != Poisson || ModelForAQL(mustAQL(t, "10")) != Binomial {
		t.Error("ModelForAQL")
	}
}

func TestOCEdgesAndJSON(t *testing.T) {
	o, _ := OC(Single(80, 2), Binomial, 1000, 0)
	if o.Pa != 1 || o.AOQ != 0 || o.ATI != 80 {
		t.Errorf("p=0: %+v", o)
	}
	o, _ = OC(Single(80, 2), Binomial, 1000, 1)
	if o.Pa != 0 || o.ATI != 1000 {
		t.Errorf("p=1: %+v", o)
	}
	for _, c := range []struct {
		s   Scheme
		m   Model
		lot int
		p   float64
	}{{Single(80, 2), Hypergeometric, 0, 0.1}, {Single(80, 2), Binomial, 50, 0.1}, {Single(80, 2), Binomial, 0, -0.1},
		{Single(80, 2), Binomial, 0, math.NaN()}, {Scheme{}, Binomial, 0, 0.1}, {Single(80, 2), 0, 0, 0.1}} {
		if _, err := OC(c.s, c.m, c.lot, c.p); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
	// D = round(p*N), halves up, regardless of binary rounding.
	for _, c := range []struct {
		p    float64
		N, D int
	}{{0.0125, 1000, 13}, {0.0025, 1000, 3}, {0.0035, 1000, 4}, {0.0124, 1000, 12}, {0.1, 10, 1}, {0.15, 10, 2}, {0.001, 1000000, 1000}} {
		if got := LotNonconforming(c.p, c.N); got != c.D {
			t.Errorf("round(%v*%d) = %d, want %d", c.p, c.N, got, c.D)
		}
	}
	h, _ := OC(Single(80, 2), Hypergeometric, 1000, 0.0125)
	b, _ := json.Marshal([]OCPoint{h, o})
	s := string(b)
	if !strings.Contains(s, `"lot_nonconforming":13`) || strings.Count(s, "lot_nonconforming") != 1 {
		t.Errorf("JSON %s", s)
	}
	for _, k := range []string{`"p":`, `"pa":`, `"aoq":`, `"ati":`, `"asn":`} {
		if strings.Count(s, k) != 2 {
			t.Errorf("JSON lacks %s: %s", k, s)
		}
	}
	o, _ = OC(Single(80, 2), Binomial, 0, 0.1)
	if b, _ := json.Marshal(o); !strings.Contains(string(b), `"ati":null`) {
		t.Errorf("unknown ATI: %s", b)
	}
}

func TestAOQL(t *testing.T) {
	// Scan the AOQ of n=80, c=2, N=1000 densely; AOQL must be the maximum.
	for _, m := range []Model{Binomial, Poisson, Hypergeometric} {
		r, err := AOQL(Single(80, 2), m, 1000)
		if err != nil {
			t.Fatal(err)
		}
		best := 0.0
		for i := 0; i <= 1000; i++ {
			o, _ := OC(Single(80, 2), m, 1000, float64(i)/10000)
			best = math.Max(best, o.AOQ)
		}
		if r.AOQL < best-1e-12 || r.AOQL > best*1.001 {
			t.Errorf("%s: AOQL %v at %v, scan max %v", m, r.AOQL, r.AtP, best)
		}
		o, _ := OC(Single(80, 2), m, 1000, r.AtP)
		if math.Abs(o.AOQ-r.AOQL) > 1e-12 {
			t.Errorf("%s: AOQ at AtP %v != AOQL %v", m, o.AOQ, r.AOQL)
		}
	}
	// Double plan.
	d, _ := DoublePlan(Z14, Normal, 'K', mustAQL(t, "2.5"))
	r, err := AOQL(d.Scheme(), Binomial, 3000)
	if err != nil || r.AOQL <= 0 || r.AtP <= 0 {
		t.Errorf("double: %+v %v", r, err)
	}
}
