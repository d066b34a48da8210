package chart

import (
	"math"
	"strconv"
	"strings"
)

// Ticks returns about n "nice" tick values (steps of 1, 2 or 5 times a power
// of ten) and the range they span, which covers [lo, hi]. When fixed is set
// the range stays [lo, hi] and only ticks inside it are returned.
func Ticks(lo, hi float64, n int, fixed bool) (ticks []float64, min, max, step float64) {
	if n < 2 {
		n = 2
	}
	if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		if fixed {
			return []float64{lo}, lo, hi, 0
		}
		d := math.Abs(lo) / 10
		if d == 0 {
			d = 1
		}
		lo, hi = lo-d, hi+d
	}
	step = niceNum(niceNum(hi-lo, false)/float64(n-1), true)
	if fixed {
		min, max = lo, hi
	} else {
		min, max = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	}
	d := decimals(step)
	first := math.Ceil(min/step-1e-9) * step
	for i := 0; ; i++ {
		v := round(first+float64(i)*step, d)
		if v > max+step*1e-9 {
			break
		}
		ticks = append(ticks, v)
		if i > 1000 {
			break
		}
	}
	return ticks, min, max, step
}

// niceNum returns a number of the form 1, 2 or 5 (or 10) times a power of
// ten near x: rounded when round is set, otherwise not less than x
// (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
func niceNum(x float64, round bool) float64 {
	if x <= 0 {
		return 1
	}
	e := math.Floor(math.Log10(x))
	f := x / math.Pow(10, e)
	var nf float64
	switch {
	case round && f < 1.5:
		nf = 1
	case round && f < 3:
		nf = 2
	case round && f < 7:
		nf = 5
	case round:
		nf = 10
	case f <= 1:
		nf = 1
	case f <= 2:
		nf = 2
	case f <= 5:
		nf = 5
	default:
		nf = 10
	}
	return nf * math.Pow(10, e)
}

// decimals is the number of decimals that shows multiples of step exactly.
func decimals(step float64) int {
	if step <= 0 || math.IsNaN(step) || math.IsInf(step, 0) {
		return 0
	}
	d := int(-math.Floor(math.Log10(step) + 1e-9))
	if d < 0 {
		return 0
	}
	if d > 12 {
		return 12
	}
	// A step such as 0.25 needs one more decimal than its magnitude says.
	for d < 12 && math.Abs(step*math.Pow(10, float64(d))-math.Round(step*math.Pow(10, float64(d)))) > 1e-6 {
		d++
	}
	return d
}

func round(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no -0
	}
	return r
}

// tickLabel formats a tick on an axis whose ticks are step apart.
func tickLabel(v, step float64, percent bool) string {
	if percent {
		return strconv.FormatFloat(round(v*100, decimals(step*100)), 'f', decimals(step*100), 64) + "%"
	}
	return strconv.FormatFloat(round(v, decimals(step)), 'f', decimals(step), 64)
}

// FormatValue formats a data value compactly (four significant digits, no
// exponent for everyday magnitudes).
func FormatValue(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	a := math.Abs(v)
	if a != 0 && (a < 1e-4 || a >= 1e9) {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if a >= 1000 {
		return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		// Four significant digits.
		sig := 4 - int(math.Floor(math.Log10(a))) - 1
		if a == 0 {
			sig = 0
		}
		if sig < 0 {
			sig = 0
		}
		s = strconv.FormatFloat(round(v, sig), 'f', -1, 64)
	}
	return s
}
