package sampling

import (
	"fmt"
	"strconv"
	"strings"
)

// Standard names the sampling standard whose tables are used.
type Standard uint8

// The supported standards. The zero Standard is invalid.
const (
	// ISO2859 is ISO 2859-1:1999 (the 1999 tables; the 2026 edition's tables
	// are not public).
	ISO2859 Standard = iota + 1
	// Z14 is ANSI/ASQ Z1.4-2008, whose tables are those of MIL-STD-105E.
	Z14
)

var standardNames = [...]string{ISO2859: "iso2859-1", Z14: "z1.4"}

// String returns "iso2859-1" or "z1.4".
func (s Standard) String() string {
	if s == ISO2859 || s == Z14 {
		return standardNames[s]
	}
	return fmt.Sprintf("Standard(%d)", uint8(s))
}

// Title is the standard's full name for reports.
func (s Standard) Title() string {
	switch s {
	case ISO2859:
		return "ISO 2859-1:1999"
	case Z14:
		return "ANSI/ASQ Z1.4-2008 (MIL-STD-105E tables)"
	}
	return s.String()
}

// MarshalText encodes the standard as its name.
func (s Standard) MarshalText() ([]byte, error) {
	if s != ISO2859 && s != Z14 {
		return nil, fmt.Errorf("sampling: invalid standard %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses a standard name (see ParseStandard).
func (s *Standard) UnmarshalText(b []byte) error {
	v, err := ParseStandard(string(b))
	if err == nil {
		*s = v
	}
	return err
}

// ParseStandard accepts "iso2859-1" (also "iso", "iso2859") and "z1.4"
// (also "z14", "ansi"), case-insensitively.
func ParseStandard(s string) (Standard, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "iso2859-1", "iso2859", "iso", "iso-2859-1":
		return ISO2859, nil
	case "z1.4", "z14", "ansi", "ansi/asq z1.4":
		return Z14, nil
	}
	return 0, fmt.Errorf("unknown standard %q; use iso2859-1 or z1.4", s)
}

// Severity is the inspection severity: normal, tightened or reduced.
type Severity uint8

// The inspection severities. The zero Severity is invalid.
const (
	Normal Severity = iota + 1
	Tightened
	Reduced
)

var severityNames = [...]string{Normal: "normal", Tightened: "tightened", Reduced: "reduced"}

func (s Severity) valid() bool { return s >= Normal && s <= Reduced }

// String returns "normal", "tightened" or "reduced".
func (s Severity) String() string {
	if s.valid() {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) {
	if !s.valid() {
		return nil, fmt.Errorf("sampling: invalid severity %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err == nil {
		*s = v
	}
	return err
}

// ParseSeverity accepts normal, tightened and reduced, case-insensitively.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "normal":
		return Normal, nil
	case "tightened", "tight":
		return Tightened, nil
	case "reduced":
		return Reduced, nil
	}
	return 0, fmt.Errorf("unknown severity %q; use normal, tightened or reduced", s)
}

// Level is an inspection level of Table I.
type Level uint8

// The inspection levels: special S-1..S-4 and general I, II, III.
const (
	LevelS1 Level = iota + 1
	LevelS2
	LevelS3
	LevelS4
	LevelI
	LevelII
	LevelIII
)

var levelNames = [...]string{LevelS1: "S-1", LevelS2: "S-2", LevelS3: "S-3", LevelS4: "S-4", LevelI: "I", LevelII: "II", LevelIII: "III"}

// Levels lists the inspection levels in Table I's column order.
func Levels() []Level {
	return []Level{LevelS1, LevelS2, LevelS3, LevelS4, LevelI, LevelII, LevelIII}
}

func (l Level) valid() bool { return l >= LevelS1 && l <= LevelIII }

// String returns the level as printed in Table I ("S-1" ... "III").
func (l Level) String() string {
	if l.valid() {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// MarshalText encodes the level as printed in Table I.
func (l Level) MarshalText() ([]byte, error) {
	if !l.valid() {
		return nil, fmt.Errorf("sampling: invalid level %d", uint8(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText parses a level (see ParseLevel).
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err == nil {
		*l = v
	}
	return err
}

// ParseLevel accepts S-1..S-4 (also S1..S4) and I, II, III (also 1, 2, 3),
// case-insensitively.
func ParseLevel(s string) (Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "S-1", "S1":
		return LevelS1, nil
	case "S-2", "S2":
		return LevelS2, nil
	case "S-3", "S3":
		return LevelS3, nil
	case "S-4", "S4":
		return LevelS4, nil
	case "I", "1":
		return LevelI, nil
	case "II", "2":
		return LevelII, nil
	case "III", "3":
		return LevelIII, nil
	}
	return 0, fmt.Errorf("unknown inspection level %q; use S-1, S-2, S-3, S-4, I, II or III", s)
}

// CodeLetter is a sample size code letter, stored as its ASCII letter
// ('A'..'S' without I and O). The zero CodeLetter is invalid. 'S' exists
// only in the tightened tables (n = 3150, AQL 0.025).
type CodeLetter byte

const letterSeq = "ABCDEFGHJKLMNPQRS"

const numLetters = len(letterSeq)

// letterIndex maps 'A'..'S' to 0..16, -1 elsewhere.
var letterIndex = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(letterSeq); i++ {
		t[letterSeq[i]] = int8(i)
	}
	return t
}()

func (c CodeLetter) index() int { return int(letterIndex[c]) }

func letterAt(i int) CodeLetter { return CodeLetter(letterSeq[i]) }

// CodeLetters lists the code letters A..S in order.
func CodeLetters() []CodeLetter {
	out := make([]CodeLetter, numLetters)
	for i := range out {
		out[i] = letterAt(i)
	}
	return out
}

// Valid reports whether c is one of A..S.
func (c CodeLetter) Valid() bool { return c.index() >= 0 }

// String returns the letter, or "" for an invalid CodeLetter.
func (c CodeLetter) String() string {
	if !c.Valid() {
		return ""
	}
	return letterSeq[c.index() : c.index()+1]
}

// MarshalText encodes the letter.
func (c CodeLetter) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText parses a code letter.
func (c *CodeLetter) UnmarshalText(b []byte) error {
	v, err := ParseCodeLetter(string(b))
	if err == nil {
		*c = v
	}
	return err
}

// ParseCodeLetter parses one of the letters A..S (not I or O).
func ParseCodeLetter(s string) (CodeLetter, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 1 && letterIndex[s[0]] >= 0 {
		return CodeLetter(s[0]), nil
	}
	return 0, fmt.Errorf("unknown code letter %q; use one of %s", s, strings.Join(strings.Split(letterSeq, ""), ", "))
}

// AQL is one of the 26 preferred acceptance quality limits, in percent
// nonconforming (up to 10) or nonconformities per 100 units. It is stored as
// an index; the zero AQL means "no AQL" (used for a buyer's zero-tolerance
// class) and is not a valid table column.
type AQL uint8

// aqlMilli are the preferred AQLs in thousandths of a percent.
var aqlMilli = [...]uint32{10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000, 1500, 2500, 4000, 6500,
	10000, 15000, 25000, 40000, 65000, 100000, 150000, 250000, 400000, 650000, 1000000}

// aqlText are the column headers as printed in the tables.
var aqlText = [...]string{"0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65",
	"1.0", "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000"}

const numAQL = len(aqlMilli)

// AQLs lists the 26 preferred AQLs from 0.010 to 1000.
func AQLs() []AQL {
	out := make([]AQL, numAQL)
	for i := range out {
		out[i] = AQL(i + 1)
	}
	return out
}

func (a AQL) valid() bool { return a >= 1 && int(a) <= numAQL }

func (a AQL) col() int { return int(a) - 1 }

// Value returns the AQL as a number (2.5 for AQL 2.5; 0 for the zero AQL).
func (a AQL) Value() float64 {
	if !a.valid() {
		return 0
	}
	return float64(aqlMilli[a.col()]) / 1000
}

// String returns the AQL as printed in the tables ("0.010", "2.5", "1000");
// "0" for the zero AQL.
func (a AQL) String() string {
	if !a.valid() {
		return "0"
	}
	return aqlText[a.col()]
}

// Tighter returns the next smaller preferred AQL (the column to the left),
// or false at 0.010.
func (a AQL) Tighter() (AQL, bool) {
	if !a.valid() || a == 1 {
		return 0, false
	}
	return a - 1, true
}

// MarshalJSON encodes the AQL as a JSON number (0 for the zero AQL).
func (a AQL) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, a.Value(), 'f', -1, 64), nil
}

// UnmarshalJSON accepts a JSON number or string holding a preferred AQL,
// or 0 for the zero AQL (as MarshalJSON writes it).
func (a *AQL) UnmarshalJSON(b []byte) error {
	t := strings.Trim(string(b), `"`)
	if t == "0" {
		*a = 0
		return nil
	}
	v, err := ParseAQL(t)
	if err == nil {
		*a = v
	}
	return err
}

// ValidAQLs is the list of preferred AQLs for error messages.
func ValidAQLs() string { return strings.Join(aqlText[:], ", ") }

// AQLError reports a value that is not one of the preferred AQLs.
type AQLError struct{ Input string }

func (e *AQLError) Error() string {
	return fmt.Sprintf("AQL %q is not a preferred AQL value; valid values are %s", e.Input, ValidAQLs())
}

// ParseAQL parses a preferred AQL written in decimal ("2.5", "2.50",
// "0.01", "0.010", "10", "1000"). Any other value is rejected with an
// *AQLError listing the valid ones; values are never snapped to the nearest
// preferred AQL.
func ParseAQL(s string) (AQL, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(t, "%")
	milli, ok := parseMilli(t)
	if ok {
		for i, m := range aqlMilli {
			if m == milli {
				return AQL(i + 1), nil
			}
		}
	}
	return 0, &AQLError{Input: s}
}

// AQLFromValue returns the preferred AQL equal to v, which must be exactly
// the float64 nearest to a preferred value (as produced by parsing "2.5").
func AQLFromValue(v float64) (AQL, error) {
	for i, m := range aqlMilli {
		if v == float64(m)/1000 {
			return AQL(i + 1), nil
		}
	}
	return 0, &AQLError{Input: strconv.FormatFloat(v, 'g', -1, 64)}
}

// parseMilli parses a plain non-negative decimal into thousandths, exactly;
// it fails on more than three significant decimals, signs or exponents.
func parseMilli(s string) (uint32, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if hasDot {
		frac = strings.TrimRight(frac, "0")
	}
	if intPart == "" && frac == "" || len(frac) > 3 {
		return 0, false
	}
	var v uint64
	for _, r := range intPart {
		if r < '0' || r > '9' {
			return 0, false
		}
		v = v*10 + uint64(r-'0')
		if v > 1e9 {
			return 0, false
		}
	}
	v *= 1000
	scale := uint64(100)
	for _, r := range frac {
		if r < '0' || r > '9' {
			return 0, false
		}
		v += uint64(r-'0') * scale
		scale /= 10
	}
	return uint32(v), true
}
