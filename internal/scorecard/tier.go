package scorecard

import (
	"fmt"

	"qms/internal/qms"
)

// Level is what a tier asks for. Rates are compared in whole numbers, so
// a boundary value is exact: an acceptance of exactly MinAcceptanceBP, a
// PPM of exactly MaxPPM and exactly MaxOverdueCAPAs overdue CAPAs meet it.
type Level struct {
	// MinAcceptanceBP is the lowest lot acceptance rate, in basis points
	// (hundredths of a per cent): 9800 is 98 %.
	MinAcceptanceBP int `json:"min_acceptance_bp"`
	// MaxPPM is the highest PPM (defective units per million inspected).
	MaxPPM int `json:"max_ppm"`
	// MaxOverdueCAPAs is the most open CAPAs with an overdue 8D stage.
	MaxOverdueCAPAs int `json:"max_overdue_capas"`
	// CertificatesRequired: every required certificate must be in force
	// (or waived by an override).
	CertificatesRequired bool `json:"certificates_required"`
}

// Thresholds are the configurable tier rule: tier A when the scorecard
// meets A, else B when it meets B, else C; not rated with fewer than
// MinLots lots in the period.
type Thresholds struct {
	A       Level `json:"a"`
	B       Level `json:"b"`
	MinLots int   `json:"min_lots"`
	Version int64 `json:"version"`
}

// DefaultThresholds are the defaults: A at 98 % lot acceptance, at most
// 1,000 PPM, no overdue CAPA and every required certificate in force; B
// at 95 %, at most 5,000 PPM and at most one overdue CAPA; at least one
// lot to be rated.
func DefaultThresholds() Thresholds {
	return Thresholds{
		A:       Level{MinAcceptanceBP: 9800, MaxPPM: 1000, MaxOverdueCAPAs: 0, CertificatesRequired: true},
		B:       Level{MinAcceptanceBP: 9500, MaxPPM: 5000, MaxOverdueCAPAs: 1},
		MinLots: 1,
	}
}

// Validate checks the thresholds: rates within range and B no stricter
// than A. Returns invalid with the fields (a_min_acceptance, b_max_ppm ...).
func (th *Thresholds) Validate() error {
	p := qms.Problems{}
	for _, l := range []struct {
		name string
		lv   *Level
	}{{"a", &th.A}, {"b", &th.B}} {
		if l.lv.MinAcceptanceBP < 0 || l.lv.MinAcceptanceBP > 10000 {
			p.Add(l.name+"_min_acceptance", "must be between 0 and 100 %")
		}
		if l.lv.MaxPPM < 0 || l.lv.MaxPPM > 1_000_000 {
			p.Add(l.name+"_max_ppm", "must be between 0 and 1,000,000")
		}
		if l.lv.MaxOverdueCAPAs < 0 || l.lv.MaxOverdueCAPAs > 1000 {
			p.Add(l.name+"_max_overdue_capas", "must be between 0 and 1,000")
		}
	}
	if _, bad := p["b_min_acceptance"]; !bad && th.B.MinAcceptanceBP > th.A.MinAcceptanceBP {
		p.Add("b_min_acceptance", "must not be above tier A's")
	}
	if _, bad := p["b_max_ppm"]; !bad && th.B.MaxPPM < th.A.MaxPPM {
		p.Add("b_max_ppm", "must not be below tier A's")
	}
	if _, bad := p["b_max_overdue_capas"]; !bad && th.B.MaxOverdueCAPAs < th.A.MaxOverdueCAPAs {
		p.Add("b_max_overdue_capas", "must not be below tier A's")
	}
	if th.B.CertificatesRequired && !th.A.CertificatesRequired {
		p.Add("b_certificates_required", "cannot be required for tier B but not for tier A")
	}
	if th.MinLots < 1 || th.MinLots > 10000 {
		p.Add("min_lots", "must be between 1 and 10,000 lots")
	}
	return p.Err()
}

// Rate returns the tier of sc and, unless it is A, the reasons in plain
// words: what keeps it from A (when B) or from B (when C), or why it is not
// rated.
func (th Thresholds) Rate(sc Scorecard) (Tier, []string) {
	if sc.Lots < th.MinLots {
		return TierUnrated, []string{fmt.Sprintf("Not rated: %d lots inspected in the period, %d needed.", sc.Lots, th.MinLots)}
	}
	if r := th.A.misses(sc, "A"); len(r) == 0 {
		return TierA, []string{}
	} else if r2 := th.B.misses(sc, "B"); len(r2) == 0 {
		return TierB, r
	} else {
		return TierC, r2
	}
}

// misses lists what sc lacks for the level.
func (l Level) misses(sc Scorecard, tier string) []string {
	var out []string
	accepted, lots := int64(sc.Accepted), int64(sc.Lots)
	if accepted*10000 < int64(l.MinAcceptanceBP)*lots {
		// Rounded down, so a rate short of the threshold never reads as it.
		out = append(out, fmt.Sprintf("Lot acceptance %s is below tier %s's %s.", BasisPoints(int(accepted*10000/lots)), tier, BasisPoints(l.MinAcceptanceBP)))
	}
	if sc.DefectiveUnits*1_000_000 > int64(l.MaxPPM)*sc.SampleUnits {
		out = append(out, fmt.Sprintf("%d PPM is above tier %s's %d.", RoundPPM(sc.PPM), tier, l.MaxPPM))
	}
	if sc.CAPAs.Overdue > l.MaxOverdueCAPAs {
		out = append(out, fmt.Sprintf("%d overdue CAPA%s; tier %s allows %d.", sc.CAPAs.Overdue, plural(sc.CAPAs.Overdue), tier, l.MaxOverdueCAPAs))
	}
	if l.CertificatesRequired && sc.Certificates.RequiredNotMet > 0 {
		out = append(out, fmt.Sprintf("%d required certificate%s missing, expired or suspended; tier %s needs them all in force.",
			sc.Certificates.RequiredNotMet, plural(sc.Certificates.RequiredNotMet), tier))
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// BasisPoints formats basis points as a percentage: 9850 -> "98.5 %",
// 9800 -> "98 %".
func BasisPoints(bp int) string {
	if bp%100 == 0 {
		return fmt.Sprintf("%d %%", bp/100)
	}
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	if s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s + " %"
}

// ParsePercent reads a percentage as typed ("98", "98.5", "99.25") into
// basis points; ok is false for anything else (more than two decimals,
// signs, other text).
func ParsePercent(s string) (bp int, ok bool) {
	whole, frac, dot := 0, 0, false
	digits, fracDigits := 0, 0
	for _, r := range s {
		switch {
		case r == '.' && !dot:
			dot = true
		case r >= '0' && r <= '9' && !dot:
			whole = whole*10 + int(r-'0')
			digits++
		case r >= '0' && r <= '9' && dot:
			if fracDigits == 2 {
				return 0, false
			}
			frac = frac*10 + int(r-'0')
			fracDigits++
		default:
			return 0, false
		}
		if digits > 3 {
			return 0, false
		}
	}
	if digits == 0 && fracDigits == 0 {
		return 0, false
	}
	if fracDigits == 1 {
		frac *= 10
	}
	return whole*100 + frac, true
}
