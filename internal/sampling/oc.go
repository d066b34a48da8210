package sampling

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Model is the probability model of the count found in a sample.
type Model uint8

// The models. The zero Model is invalid.
const (
	// Binomial: fraction nonconforming p, units drawn from an unlimited
	// lot (or with replacement).
	Binomial Model = iota + 1
	// Hypergeometric: a lot of N units holding D = round(p*N) nonconforming
	// ones, units drawn without replacement.
	Hypergeometric
	// Poisson: nonconformities with a mean of p per unit (100*p per 100
	// units); p may exceed 1. The model for AQLs above 10.
	Poisson
)

var modelNames = [...]string{Binomial: "binomial", Hypergeometric: "hypergeometric", Poisson: "poisson"}

func (m Model) valid() bool { return m >= Binomial && m <= Poisson }

// String returns "binomial", "hypergeometric" or "poisson".
func (m Model) String() string {
	if m.valid() {
		return modelNames[m]
	}
	return fmt.Sprintf("Model(%d)", uint8(m))
}

// MarshalText encodes the model name.
func (m Model) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses a model name.
func (m *Model) UnmarshalText(b []byte) error {
	v, err := ParseModel(string(b))
	if err == nil {
		*m = v
	}
	return err
}

// ParseModel accepts binomial, hypergeometric and poisson (case-insensitive).
func ParseModel(s string) (Model, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "binomial":
		return Binomial, nil
	case "hypergeometric", "hyper":
		return Hypergeometric, nil
	case "poisson":
		return Poisson, nil
	}
	return 0, fmt.Errorf("unknown model %q; use binomial, hypergeometric or poisson", s)
}

// ModelForAQL returns the model that matches how an AQL is expressed:
// Poisson (nonconformities per 100 units) above AQL 10, binomial (percent
// nonconforming) up to 10.
func ModelForAQL(a AQL) Model {
	if a.Value() > 10 {
		return Poisson
	}
	return Binomial
}

// LotNonconforming returns D = round(p*N), the number of nonconforming
// units assumed in a lot of N for the hypergeometric model. Halves round
// up; a product within 1e-12 (relative) of a half counts as the half, so
// that decimal inputs such as p = 0.0125, N = 1000 give 13 regardless of
// binary rounding.
func LotNonconforming(p float64, lot int) int {
	x := p * float64(lot)
	f := math.Floor(x)
	if x-f >= 0.5-1e-12*math.Max(1, x) {
		f++
	}
	return int(f)
}

// OCPoint holds the operating characteristics of a scheme at one quality.
type OCPoint struct {
	// P is the process quality: fraction nonconforming (binomial,
	// hypergeometric) or nonconformities per unit (Poisson).
	P float64 `json:"p"`
	// Pa is the probability of acceptance.
	Pa float64 `json:"pa"`
	// AOQ is the average outgoing quality with rectifying inspection
	// (rejected lots 100 % inspected, nonconforming units found replaced):
	// p * sum_k Pa_k * (N - m_k) / N, where Pa_k is the probability of
	// accepting after the k-th sample and m_k the units inspected by then;
	// p*Pa when the lot size is unknown. For the hypergeometric model p is
	// D/N.
	AOQ float64 `json:"aoq"`
	// ATI is the average total inspection: sum_k m_k*Pa_k + N*(1 - Pa).
	// NaN (JSON null) when the lot size is unknown.
	ATI float64 `json:"ati"`
	// ASN is the average sample number (no curtailment).
	ASN float64 `json:"asn"`
	// LotNonconforming is D = round(p*N) for the hypergeometric model and
	// -1 for the other models (then omitted from JSON).
	LotNonconforming int `json:"lot_nonconforming"`
}

// MarshalJSON writes {"p","pa","aoq","ati","asn"} plus
// "lot_nonconforming" for the hypergeometric model; an unknown ATI is null.
func (o OCPoint) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	num := func(key string, v float64) {
		b.WriteString(`"` + key + `":`)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b.WriteString("null")
		} else {
			b.Write(strconv.AppendFloat(nil, v, 'g', -1, 64))
		}
	}
	b.WriteByte('{')
	num("p", o.P)
	b.WriteByte(',')
	num("pa", o.Pa)
	b.WriteByte(',')
	num("aoq", o.AOQ)
	b.WriteByte(',')
	num("ati", o.ATI)
	b.WriteByte(',')
	num("asn", o.ASN)
	if o.LotNonconforming >= 0 {
		b.WriteString(`,"lot_nonconforming":`)
		b.WriteString(strconv.Itoa(o.LotNonconforming))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ocEval evaluates one scheme repeatedly, reusing its buffers.
type ocEval struct {
	s     Scheme
	m     Model
	lot   int
	cum   []int     // cumulative sample size after each stage
	accAt []float64 // probability of accepting after stage k
	reach []float64 // probability of drawing stage k
	cur   []float64
	next  []float64
	pmf   []float64
}

func newOCEval(s Scheme, m Model, lot int) (*ocEval, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if !m.valid() {
		return nil, errors.New("sampling: invalid model")
	}
	total := s.TotalN()
	switch {
	case lot < 0:
		return nil, fmt.Errorf("lot size %d is negative", lot)
	case m == Hypergeometric && lot == 0:
		return nil, errors.New("the hypergeometric model needs the lot size")
	case lot > 0 && total > lot:
		return nil, fmt.Errorf("the scheme draws up to %d units, more than the lot of %d", total, lot)
	}
	k := len(s.Stages)
	e := &ocEval{s: s, m: m, lot: lot, cum: make([]int, k), accAt: make([]float64, k), reach: make([]float64, k)}
	c := 0
	for i, st := range s.Stages {
		c += st.N
		e.cum[i] = c
	}
	return e, nil
}

func checkP(m Model, p float64) error {
	switch {
	case math.IsNaN(p) || p < 0 || math.IsInf(p, 0):
		return fmt.Errorf("quality p = %v must be a finite number >= 0", p)
	case m != Poisson && p > 1:
		return fmt.Errorf("fraction nonconforming p = %v exceeds 1 (use the poisson model for nonconformities per unit)", p)
	}
	return nil
}

// at evaluates the scheme at quality p.
func (e *ocEval) at(p float64) (OCPoint, error) {
	if err := checkP(e.m, p); err != nil {
		return OCPoint{}, err
	}
	out := OCPoint{P: p, LotNonconforming: -1, ATI: math.NaN()}
	D := 0
	pEff := p
	if e.m == Hypergeometric {
		D = LotNonconforming(p, e.lot)
		out.LotNonconforming = D
		pEff = float64(D) / float64(e.lot)
	}
	st := e.s.Stages
	if len(st) == 1 {
		// Single sampling: accepted when d < Re (d <= Ac, or in a reduced
		// plan's gap).
		d := e.sampleDist(p, D, 0, 0, st[0].N)
		e.accAt[0] = d.cdf(st[0].Re - 1)
		e.reach[0] = 1
	} else {
		e.multiStage(p, D)
	}
	pa, ati, aoqSum := 0.0, 0.0, 0.0
	for k := range st {
		out.ASN += float64(st[k].N) * e.reach[k]
		pa += e.accAt[k]
		ati += float64(e.cum[k]) * e.accAt[k]
		if e.lot > 0 {
			aoqSum += e.accAt[k] * float64(e.lot-e.cum[k]) / float64(e.lot)
		}
	}
	out.Pa = clamp01(pa)
	if e.lot > 0 {
		out.ATI = ati + float64(e.lot)*(1-pa)
		out.AOQ = pEff * aoqSum
	} else {
		out.AOQ = p * out.Pa
	}
	return out, nil
}

func clamp01(x float64) float64 { return math.Min(1, math.Max(0, x)) }

// sampleDist is the distribution of the count in a sample of n units after
// m units holding d nonconforming ones were already drawn.
func (e *ocEval) sampleDist(p float64, D, m, d, n int) dist {
	switch e.m {
	case Hypergeometric:
		return dist{model: Hypergeometric, n: n, lotN: e.lot - m, lotD: D - d}
	case Poisson:
		return dist{model: Poisson, lambda: float64(n) * p}
	}
	return dist{model: Binomial, n: n, p: p, q: 1 - p}
}

// multiStage fills accAt and reach by following the distribution of the
// cumulative count over the continuing states (Ac_k < d < Re_k) of each
// stage.
func (e *ocEval) multiStage(p float64, D int) {
	st := e.s.Stages
	maxRe := st[len(st)-1].Re
	if len(e.cur) < maxRe+1 {
		e.cur = make([]float64, maxRe+1)
		e.next = make([]float64, maxRe+1)
		e.pmf = make([]float64, maxRe+1)
	}
	cur, next := e.cur[:maxRe+1], e.next[:maxRe+1]
	clear(cur)
	cur[0] = 1 // before the first sample: count 0 with certainty
	m := 0
	for k, s := range st {
		reach := 0.0
		for _, v := range cur {
			reach += v
		}
		e.reach[k] = reach
		clear(next)
		acc := 0.0
		last := k == len(st)-1
		// Binomial and Poisson counts of a new sample do not depend on what
		// was found before: one pmf serves every state.
		shared := e.m != Hypergeometric
		if shared && s.Re >= 1 {
			dd := e.sampleDist(p, D, m, 0, s.N)
			dd.fill(e.pmf[:s.Re])
		}
		for d, w := range cur {
			if w == 0 {
				continue
			}
			kmax := s.Re - 1 - d // the largest count that does not reject
			if kmax < 0 {
				continue
			}
			pmf := e.pmf[:kmax+1]
			if !shared {
				dd := e.sampleDist(p, D, m, d, s.N)
				dd.fill(pmf)
			}
			for y, py := range pmf {
				c := d + y
				if c <= s.Ac || last {
					acc += w * py
				} else {
					next[c] += w * py
				}
			}
		}
		e.accAt[k] = acc
		m += s.N
		cur, next = next, cur
	}
}

// OC returns the operating characteristics of a scheme at quality p. The
// lot size may be 0 (unknown) except for the hypergeometric model; without
// it ATI is NaN and AOQ is p*Pa.
func OC(s Scheme, m Model, lot int, p float64) (OCPoint, error) {
	e, err := newOCEval(s, m, lot)
	if err != nil {
		return OCPoint{}, err
	}
	return e.at(p)
}

// OCCurve evaluates a scheme at every quality in ps.
func OCCurve(s Scheme, m Model, lot int, ps []float64) ([]OCPoint, error) {
	e, err := newOCEval(s, m, lot)
	if err != nil {
		return nil, err
	}
	out := make([]OCPoint, len(ps))
	for i, p := range ps {
		if out[i], err = e.at(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AOQLResult is the average outgoing quality limit: the largest AOQ over
// all qualities, and the quality where it occurs.
type AOQLResult struct {
	AOQL float64 `json:"aoql"`
	AtP  float64 `json:"at_p"`
}

// AOQL returns the maximum of the AOQ curve. For the hypergeometric model
// the maximum is over the whole numbers D of nonconforming units in the lot
// (AtP = D/N); otherwise over p, found on a grid and refined by
// golden-section search to a relative precision of about 1e-9 in p.
func AOQL(s Scheme, m Model, lot int) (AOQLResult, error) {
	e, err := newOCEval(s, m, lot)
	if err != nil {
		return AOQLResult{}, err
	}
	aoq := func(p float64) float64 {
		o, _ := e.at(p)
		return o.AOQ
	}
	if m == Hypergeometric {
		return aoqlDiscrete(lot, func(D int) float64 { return aoq(float64(D) / float64(lot)) }), nil
	}
	// Bracket: beyond hi, Pa is negligible (or p reaches 1).
	hi := 1.0 / float64(s.TotalN())
	for {
		o, _ := e.at(hi)
		if o.Pa < 1e-9 || (m != Poisson && hi >= 1) {
			break
		}
		hi *= 2
		if m != Poisson && hi > 1 {
			hi = 1
		}
	}
	const grid = 400
	best, bi := -1.0, 0
	for i := 0; i <= grid; i++ {
		if v := aoq(hi * float64(i) / grid); v > best {
			best, bi = v, i
		}
	}
	a := hi * float64(max(bi-1, 0)) / grid
	b := hi * float64(min(bi+1, grid)) / grid
	const g = 0.6180339887498949
	x1, x2 := b-g*(b-a), a+g*(b-a)
	f1, f2 := aoq(x1), aoq(x2)
	for b-a > 1e-9*b {
		if f1 < f2 {
			a, x1, f1 = x1, x2, f2
			x2 = a + g*(b-a)
			f2 = aoq(x2)
		} else {
			b, x2, f2 = x2, x1, f1
			x1 = b - g*(b-a)
			f1 = aoq(x1)
		}
	}
	x := (a + b) / 2
	res := AOQLResult{AOQL: aoq(x), AtP: x}
	if hi*float64(bi)/grid != x && best > res.AOQL {
		res = AOQLResult{AOQL: best, AtP: hi * float64(bi) / grid}
	}
	return res, nil
}

// aoqlDiscrete maximises f over D = 0..N: a grid, then a ternary search in
// the bracket around the grid maximum, then a scan of the last few values.
func aoqlDiscrete(N int, f func(int) float64) AOQLResult {
	const grid = 400
	step := max(N/grid, 1)
	best, bd := -1.0, 0
	for D := 0; D <= N; D += step {
		if v := f(D); v > best {
			best, bd = v, D
		}
	}
	a, b := max(bd-step, 0), min(bd+step, N)
	for b-a > 4 {
		m1 := a + (b-a)/3
		m2 := b - (b-a)/3
		if f(m1) < f(m2) {
			a = m1
		} else {
			b = m2
		}
	}
	for D := a; D <= b; D++ {
		if v := f(D); v > best {
			best, bd = v, D
		}
	}
	return AOQLResult{AOQL: best, AtP: float64(bd) / float64(N)}
}
