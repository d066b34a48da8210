package sampling

import (
	"errors"
	"fmt"
)

// RiskPoint is a point of the OC curve a plan must pass: quality P and
// probability of acceptance Pa (1 - alpha for the producer, beta for the
// consumer).
type RiskPoint struct {
	P  float64 `json:"p"`
	Pa float64 `json:"pa"`
}

// DesignResult is a designed single sampling plan.
type DesignResult struct {
	N          int     `json:"n"`
	C          int     `json:"c"`
	PaProducer float64 `json:"pa_producer"`
	PaConsumer float64 `json:"pa_consumer"`
}

// Limits of the design search.
const (
	maxDesignN = 10_000_000
	maxDesignC = 5_000
)

// pa is the probability of acceptance of the single plan (n, c).
func pa(m Model, lot, n, c int, p float64) float64 {
	var d dist
	switch m {
	case Hypergeometric:
		d = dist{model: Hypergeometric, n: n, lotN: lot, lotD: LotNonconforming(p, lot)}
	case Poisson:
		d = dist{model: Poisson, lambda: float64(n) * p}
	default:
		d = dist{model: Binomial, n: n, p: p, q: 1 - p}
	}
	return d.cdf(c)
}

// Design returns the smallest single sampling plan (n, c) whose OC curve
// passes the producer's point (Pa(p1) >= 1 - alpha) and the consumer's
// point (Pa(p2) <= beta) under model m (lot needed for the hypergeometric
// model, where D = round(p*N)).
//
// For each c from 0 up, the smallest n with Pa(p2) <= beta is found by
// bisection (Pa falls as n grows); the first c whose n also meets the
// producer's point gives the smallest n of all feasible plans, because that
// smallest n grows with c.
func Design(producer, consumer RiskPoint, m Model, lot int) (DesignResult, error) {
	if !m.valid() {
		return DesignResult{}, errors.New("sampling: invalid model")
	}
	p1, p2 := producer.P, consumer.P
	if err := checkP(m, p1); err != nil {
		return DesignResult{}, fmt.Errorf("producer's point: %w", err)
	}
	if err := checkP(m, p2); err != nil {
		return DesignResult{}, fmt.Errorf("consumer's point: %w", err)
	}
	switch {
	case !(p1 > 0 && p2 > p1):
		return DesignResult{}, fmt.Errorf("need 0 < producer's p (%v) < consumer's p (%v)", p1, p2)
	case !(consumer.Pa > 0 && consumer.Pa < producer.Pa && producer.Pa < 1):
		return DesignResult{}, fmt.Errorf("need 0 < consumer's Pa (%v) < producer's Pa (%v) < 1", consumer.Pa, producer.Pa)
	}
	nMax := maxDesignN
	if m == Hypergeometric {
		if lot < 2 {
			return DesignResult{}, errors.New("the hypergeometric model needs the lot size")
		}
		d1, d2 := LotNonconforming(p1, lot), LotNonconforming(p2, lot)
		if d2 <= d1 {
			return DesignResult{}, fmt.Errorf("in a lot of %d, p1 and p2 give %d and %d nonconforming units: no plan can tell them apart", lot, d1, d2)
		}
		nMax = lot
	}
	nLo := 1
	for c := 0; c <= maxDesignC; c++ {
		if nLo < c+1 {
			nLo = c + 1
		}
		// Smallest n in [nLo, nMax] with Pa(p2) <= beta.
		if nLo > nMax || pa(m, lot, nMax, c, p2) > consumer.Pa {
			break
		}
		lo, hi := nLo, nLo
		for pa(m, lot, hi, c, p2) > consumer.Pa {
			lo = hi + 1
			hi = min(2*hi, nMax)
		}
		for lo < hi {
			mid := lo + (hi-lo)/2
			if pa(m, lot, mid, c, p2) <= consumer.Pa {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		n := lo
		if a := pa(m, lot, n, c, p1); a >= producer.Pa {
			return DesignResult{N: n, C: c, PaProducer: a, PaConsumer: pa(m, lot, n, c, p2)}, nil
		}
		nLo = n
	}
	return DesignResult{}, fmt.Errorf("no single sampling plan with n <= %d and c <= %d meets both points under the %s model", nMax, maxDesignC, m)
}

// LQLabel marks limiting-quality plans as computed.
const LQLabel = "computed (hypergeometric model, Pa(LQ) <= 10 %), not ISO 2859-2 tables"

// LQPlan is a limiting-quality plan for an isolated lot.
type LQPlan struct {
	N                int     `json:"n"`
	C                int     `json:"c"`
	PaLQ             float64 `json:"pa_lq"`
	LotNonconforming int     `json:"lot_nonconforming"`
	FullInspection   bool    `json:"full_inspection"`
	Label            string  `json:"label"`
}

// DesignLQ returns, for c = 0..maxC, the smallest sample n from a lot of N
// such that the probability of accepting a lot at the limiting quality lq
// (D = round(lq*N) nonconforming units, hypergeometric model) is at most
// 10 %. The first entry (c = 0) is the smallest plan; larger c protect the
// producer better at the cost of larger samples. The list stops early when
// even 100 % inspection would accept the lot at LQ (D <= c). These plans are
// computed, not taken from the ISO 2859-2 tables (which are not public).
func DesignLQ(lot int, lq float64, maxC int) ([]LQPlan, error) {
	const beta = 0.10
	switch {
	case lot < 2:
		return nil, errors.New("a lot of at least 2 units is needed")
	case !(lq > 0 && lq <= 1):
		return nil, fmt.Errorf("limiting quality %v must be in (0, 1]", lq)
	case maxC < 0 || maxC > maxDesignC:
		return nil, fmt.Errorf("maximum c %d must be in 0..%d", maxC, maxDesignC)
	}
	D := LotNonconforming(lq, lot)
	if D == 0 {
		return nil, fmt.Errorf("in a lot of %d, LQ %v means no nonconforming unit (round(LQ*N) = 0)", lot, lq)
	}
	var out []LQPlan
	nLo := 1
	for c := 0; c <= maxC && c < D; c++ {
		nLo = max(nLo, c+1)
		lo, hi := nLo, lot
		for lo < hi {
			mid := lo + (hi-lo)/2
			if pa(Hypergeometric, lot, mid, c, lq) <= beta {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		out = append(out, LQPlan{N: lo, C: c, PaLQ: pa(Hypergeometric, lot, lo, c, lq),
			LotNonconforming: D, FullInspection: lo == lot, Label: LQLabel})
		nLo = lo
	}
	return out, nil
}
