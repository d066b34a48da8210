package sampling

import "math"

// Probability mass functions in log space, after C. Loader, "Fast and
// accurate computation of binomial probabilities" (2000), the method of R's
// dbinom/dhyper/dpois: the Stirling-formula error term and a deviance term
// avoid the cancellation of differences of large log-gammas, so the results
// keep full relative precision for n up to 10^4 and lots up to 10^7.

const lnSqrt2Pi = 0.918938533204672741780329736406 // log(sqrt(2*pi))
const ln2Pi = 1.837877066409345483560659472811     // log(2*pi)

// stirlerr(n) = log(n!) - log(sqrt(2*pi*n)*(n/e)^n).
func stirlerr(n float64) float64 {
	const (
		s0 = 1.0 / 12
		s1 = 1.0 / 360
		s2 = 1.0 / 1260
		s3 = 1.0 / 1680
		s4 = 1.0 / 1188
	)
	if n <= 15 {
		if n == 0 {
			return 0
		}
		lg, _ := math.Lgamma(n + 1)
		return lg - (n+0.5)*math.Log(n) + n - lnSqrt2Pi
	}
	nn := n * n
	switch {
	case n > 500:
		return (s0 - s1/nn) / n
	case n > 80:
		return (s0 - (s1-s2/nn)/nn) / n
	case n > 35:
		return (s0 - (s1-(s2-s3/nn)/nn)/nn) / n
	}
	return (s0 - (s1-(s2-(s3-s4/nn)/nn)/nn)/nn) / n
}

// bd0(x, np) = x*log(x/np) + np - x, accurately also when x is close to np.
func bd0(x, np float64) float64 {
	if math.Abs(x-np) < 0.1*(x+np) {
		v := (x - np) / (x + np)
		s := (x - np) * v
		if math.Abs(s) < math.SmallestNonzeroFloat64 {
			return s
		}
		ej := 2 * x * v
		v *= v
		for j := 1; j < 1000; j++ {
			ej *= v
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
	}
	return x*math.Log(x/np) + np - x
}

// logDbinom returns log P(X = x) for X ~ Binomial(n, p), q = 1 - p.
func logDbinom(x, n, p, q float64) float64 {
	if p == 0 {
		if x == 0 {
			return 0
		}
		return math.Inf(-1)
	}
	if q == 0 {
		if x == n {
			return 0
		}
		return math.Inf(-1)
	}
	if x < 0 || x > n {
		return math.Inf(-1)
	}
	if x == 0 {
		if n == 0 {
			return 0
		}
		if p < 0.1 {
			return -bd0(n, n*q) - n*p
		}
		return n * math.Log(q)
	}
	if x == n {
		if q < 0.1 {
			return -bd0(n, n*p) - n*q
		}
		return n * math.Log(p)
	}
	lc := stirlerr(n) - stirlerr(x) - stirlerr(n-x) - bd0(x, n*p) - bd0(n-x, n*q)
	lf := ln2Pi + math.Log(x) + math.Log1p(-x/n)
	return lc - 0.5*lf
}

// logDhyper returns log P(X = x) when n units are drawn without replacement
// from a lot of r nonconforming and b conforming units.
func logDhyper(x, r, b, n float64) float64 {
	if x < 0 || n < x || r < x || n-x > b {
		return math.Inf(-1)
	}
	if n == 0 {
		return 0
	}
	p := n / (r + b)
	q := (r + b - n) / (r + b)
	return logDbinom(x, r, p, q) + logDbinom(n-x, b, p, q) - logDbinom(n, r+b, p, q)
}

// logDpois returns log P(X = x) for X ~ Poisson(lambda).
func logDpois(x, lambda float64) float64 {
	switch {
	case x < 0:
		return math.Inf(-1)
	case lambda == 0:
		if x == 0 {
			return 0
		}
		return math.Inf(-1)
	case x == 0:
		return -lambda
	}
	return -stirlerr(x) - bd0(x, lambda) - 0.5*(ln2Pi+math.Log(x))
}

// dist is the distribution of the count in one sample.
type dist struct {
	model  Model
	n      int     // sample size (binomial, hypergeometric)
	p, q   float64 // binomial
	lambda float64 // Poisson mean
	lotN   int     // hypergeometric: units left in the lot
	lotD   int     // hypergeometric: nonconforming units left in the lot
}

// support returns the smallest and largest possible counts (hi = MaxInt for
// Poisson).
func (d *dist) support() (lo, hi int) {
	switch d.model {
	case Hypergeometric:
		lo = d.n - (d.lotN - d.lotD)
		if lo < 0 {
			lo = 0
		}
		return lo, min(d.n, d.lotD)
	case Poisson:
		return 0, math.MaxInt
	}
	if d.p == 0 {
		return 0, 0
	}
	if d.q == 0 {
		return d.n, d.n
	}
	return 0, d.n
}

func (d *dist) mode() int {
	switch d.model {
	case Hypergeometric:
		return int(float64(d.n+1) * float64(d.lotD+1) / float64(d.lotN+2))
	case Poisson:
		if d.lambda > 1e15 {
			return math.MaxInt / 2
		}
		return int(d.lambda)
	}
	return int(float64(d.n+1) * d.p)
}

func (d *dist) logPMF(x int) float64 {
	switch d.model {
	case Hypergeometric:
		return logDhyper(float64(x), float64(d.lotD), float64(d.lotN-d.lotD), float64(d.n))
	case Poisson:
		return logDpois(float64(x), d.lambda)
	}
	return logDbinom(float64(x), float64(d.n), d.p, d.q)
}

// up returns P(x+1)/P(x), for x and x+1 inside the support.
func (d *dist) up(x int) float64 {
	fx := float64(x)
	switch d.model {
	case Hypergeometric:
		return (float64(d.lotD) - fx) * (float64(d.n) - fx) / ((fx + 1) * (float64(d.lotN-d.lotD-d.n) + fx + 1))
	case Poisson:
		return d.lambda / (fx + 1)
	}
	return (float64(d.n) - fx) / (fx + 1) * (d.p / d.q)
}

// negligible is the relative size below which further tail terms are
// dropped from a sum (they cannot change it in float64).
const negligible = 1e-18

// cdf returns P(X <= k). The terms are summed outward from the mode (or
// from k when k is below it) by exact ratios of neighbours, starting from
// one term computed in log space, and stop when they are negligible.
func (d *dist) cdf(k int) float64 {
	lo, hi := d.support()
	if k < lo {
		return 0
	}
	if k >= hi {
		return 1
	}
	a := d.mode()
	if a > k {
		a = k
	}
	if a < lo {
		a = lo
	}
	t0 := math.Exp(d.logPMF(a))
	s := t0
	t := t0
	for x := a; x > lo; x-- {
		t /= d.up(x - 1)
		s += t
		if t < s*negligible {
			break
		}
	}
	t = t0
	for x := a; x < k; x++ {
		t *= d.up(x)
		s += t
		if t < s*negligible {
			break
		}
	}
	if s > 1 {
		s = 1
	}
	return s
}

// fill sets out[x] = P(X = x) for x = 0..len(out)-1.
func (d *dist) fill(out []float64) {
	clear(out)
	if len(out) == 0 {
		return
	}
	k := len(out) - 1
	lo, hi := d.support()
	if k > hi {
		k = hi
	}
	if k < lo {
		return
	}
	a := d.mode()
	if a > k {
		a = k
	}
	if a < lo {
		a = lo
	}
	t0 := math.Exp(d.logPMF(a))
	out[a] = t0
	t := t0
	for x := a; x > lo && t > 0; x-- {
		t /= d.up(x - 1)
		out[x-1] = t
	}
	t = t0
	for x := a; x < k && t > 0; x++ {
		t *= d.up(x)
		out[x+1] = t
	}
}
