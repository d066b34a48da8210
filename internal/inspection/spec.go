package inspection

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
	"qms/internal/sampling"
)

// SpecStatus is where a spec revision stands: draft -> released ->
// superseded. Only a released revision can be inspected against.
type SpecStatus string

const (
	SpecDraft      SpecStatus = "draft"      // being written; may change
	SpecReleased   SpecStatus = "released"   // approved by a quality manager; never changes
	SpecSuperseded SpecStatus = "superseded" // replaced by a later released revision
)

// CharKind is what sort of requirement a characteristic is.
type CharKind string

const (
	CharDimensional CharKind = "dimensional" // a measured value against a nominal and tolerance
	CharAttribute   CharKind = "attribute"   // a visual or attribute check against a criterion or golden sample
	CharTest        CharKind = "test"        // an on-site test with its own sample size and Ac/Re
	CharPacking     CharKind = "packing"     // a packing requirement
	CharMarking     CharKind = "marking"     // a marking or labelling requirement
)

// CharKinds lists the characteristic kinds.
var CharKinds = []CharKind{CharDimensional, CharAttribute, CharTest, CharPacking, CharMarking}

// Valid reports whether k is one of CharKinds.
func (k CharKind) Valid() bool { return slices.Contains(CharKinds, k) }

// Tolerance is the allowed range of a dimensional characteristic: either
// plus/minus deviations from the nominal, or limits (Min, Max or both).
type Tolerance struct {
	Plus  *float64 `json:"plus,omitempty"`  // upper deviation, >= 0 (with Minus: the +/- form)
	Minus *float64 `json:"minus,omitempty"` // lower deviation as a magnitude, >= 0
	Min   *float64 `json:"min,omitempty"`   // lower limit (the min/max form)
	Max   *float64 `json:"max,omitempty"`   // upper limit
}

// TestSpec is how an on-site test is sampled: a sample size from an
// inspection level (often a special level, S-1..S-4) for the lot size, or a
// fixed number of units; and its acceptance and rejection numbers.
type TestSpec struct {
	Type       string         `json:"type"`                  // function, drop, barcode_scan, hi_pot, ...
	Procedure  string         `json:"procedure,omitempty"`   // how the test is done, e.g. "ISTA 1A drop sequence, 76 cm"
	Level      sampling.Level `json:"level,omitempty"`       // sample size from Table I at this level; 0 for a fixed size
	SampleSize int            `json:"sample_size,omitempty"` // the fixed sample size when Level is 0
	Ac         int            `json:"ac"`
	Re         int            `json:"re"`
}

// Common on-site test types (others may be named freely).
var TestTypes = []string{"function", "drop", "barcode_scan", "hi_pot", "earth_continuity", "assembly", "rub", "adhesion", "colour_fastness", "weight", "odour", "moisture", "other"}

// Characteristic is one numbered requirement of a spec. No is its balloon
// number on the drawing or spec sheet, unique within the spec.
type Characteristic struct {
	No       int      `json:"no"`
	Kind     CharKind `json:"kind"`
	Name     string   `json:"name"`
	Critical bool     `json:"critical,omitempty"` // a critical (CTQ, key) characteristic

	// Dimensional.
	Nominal   *float64  `json:"nominal,omitempty"`
	Tolerance Tolerance `json:"tolerance,omitzero"`
	Unit      string    `json:"unit,omitempty"`   // unit of measure, e.g. mm, g, N, V
	Method    string    `json:"method,omitempty"` // method or gauge, e.g. "caliper 0.01 mm"

	// Attribute checks; also used by packing and marking requirements.
	Criterion       string  `json:"criterion,omitempty"`        // what conforms, in words
	ReferencePhotos []int64 `json:"reference_photos,omitempty"` // ids of files showing the reference
	GoldenSampleRef string  `json:"golden_sample_ref,omitempty"`

	// On-site tests.
	Test *TestSpec `json:"test,omitempty"`
}

// Spec is one revision of a product's spec sheet.
type Spec struct {
	ID              int64            `json:"id"`
	ProductID       int64            `json:"product_id"`
	Revision        int              `json:"revision"` // 1, 2, 3 ... per product, assigned on creation
	Title           string           `json:"title"`
	DrawingRef      string           `json:"drawing_ref"` // drawing number and revision, if any
	GoldenSampleRef string           `json:"golden_sample_ref"`
	Notes           string           `json:"notes"`
	Characteristics []Characteristic `json:"characteristics"`
	Status          SpecStatus       `json:"status"`

	ReleasedAt    *time.Time `json:"released_at,omitempty"`
	ReleasedByID  int64      `json:"released_by_id,omitempty"`
	ReleasedBy    string     `json:"released_by,omitempty"`
	ReleaseReason string     `json:"release_reason,omitempty"`
	// SignatureID is the electronic signature of the release (issue 6
	// brings signatures; until then it is nil).
	SignatureID  *int64     `json:"signature_id,omitempty"`
	SupersededAt *time.Time `json:"superseded_at,omitempty"`
	SupersededBy *int64     `json:"superseded_by,omitempty"` // the spec revision that replaced it

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// MaxCharacteristics bounds the characteristics of one spec.
const MaxCharacteristics = 1000

// Limits returns the lower and upper limits of a dimensional characteristic
// (nil for an open side).
func (c *Characteristic) Limits() (lo, hi *float64) {
	t := c.Tolerance
	if t.Plus != nil || t.Minus != nil {
		if c.Nominal == nil {
			return nil, nil
		}
		if t.Minus != nil {
			v := *c.Nominal - *t.Minus
			lo = &v
		}
		if t.Plus != nil {
			v := *c.Nominal + *t.Plus
			hi = &v
		}
		return lo, hi
	}
	return t.Min, t.Max
}

// eps is the slack allowed at a limit for binary floating point: a reading
// printed as the limit is within tolerance.
func eps(limit float64) float64 { return 1e-9 * math.Max(1, math.Abs(limit)) }

// InTolerance reports whether value is within the limits of a dimensional
// characteristic (limits included).
func (c *Characteristic) InTolerance(value float64) bool {
	lo, hi := c.Limits()
	if lo != nil && value < *lo-eps(*lo) {
		return false
	}
	if hi != nil && value > *hi+eps(*hi) {
		return false
	}
	return true
}

// Plausible reports whether a reading can be a measurement of the
// characteristic at all, rather than a typing error or a reading in another
// unit (5000 or 1200 for a 120 ± 0.5 mm length). It must be a finite number
// and, for a two-sided tolerance, lie within one reference size (or ten
// tolerance bands, if larger) of the reference value (the nominal, or the
// middle of the limits); for a maximum only, be at most ten times the
// maximum in size; for a minimum only (a pull force), at most a hundred
// times the minimum.
func (c *Characteristic) Plausible(value float64) bool {
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return false
	}
	const tiny = 1e-9
	lo, hi := c.Limits()
	switch {
	case lo != nil && hi != nil:
		ref := (*lo + *hi) / 2
		if c.Nominal != nil {
			ref = *c.Nominal
		}
		return math.Abs(value-ref) <= math.Max(math.Max(10*(*hi-*lo), math.Abs(ref)), tiny)
	case hi != nil:
		return math.Abs(value) <= 10*math.Max(math.Abs(*hi), tiny)
	case lo != nil:
		return math.Abs(value) <= 100*math.Max(math.Abs(*lo), tiny)
	}
	return true
}

// NormalizeUnit folds a unit of measure for comparison: trimmed, lower
// case, µ and μ as u ("µm" = "um").
func NormalizeUnit(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	return strings.NewReplacer("µ", "u", "μ", "u", "°", "deg").Replace(u)
}

// FormatNumber renders a spec number without needless digits.
func FormatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Requirement renders the characteristic's requirement in words, as the
// first-article report and the inspection report print it.
func (c *Characteristic) Requirement() string {
	switch c.Kind {
	case CharDimensional:
		t := c.Tolerance
		unit := ""
		if c.Unit != "" {
			unit = " " + c.Unit
		}
		if (t.Plus != nil || t.Minus != nil) && c.Nominal != nil {
			plus, minus := 0.0, 0.0
			if t.Plus != nil {
				plus = *t.Plus
			}
			if t.Minus != nil {
				minus = *t.Minus
			}
			if plus == minus {
				return FormatNumber(*c.Nominal) + " ± " + FormatNumber(plus) + unit
			}
			return FormatNumber(*c.Nominal) + " +" + FormatNumber(plus) + "/−" + FormatNumber(minus) + unit
		}
		switch {
		case t.Min != nil && t.Max != nil:
			return FormatNumber(*t.Min) + " – " + FormatNumber(*t.Max) + unit
		case t.Min != nil:
			return "≥ " + FormatNumber(*t.Min) + unit
		case t.Max != nil:
			return "≤ " + FormatNumber(*t.Max) + unit
		}
		return ""
	case CharTest:
		if c.Test == nil {
			return c.Criterion
		}
		s := c.Test.Type
		if c.Test.Procedure != "" {
			s += ": " + c.Test.Procedure
		}
		if c.Criterion != "" {
			s += " — " + c.Criterion
		}
		return s
	}
	return c.Criterion
}

// validate checks one characteristic, recording problems under prefix.
func (c *Characteristic) validate(p qms.Problems, f string) {
	c.Name, c.Unit, c.Method = strings.TrimSpace(c.Name), strings.TrimSpace(c.Unit), strings.TrimSpace(c.Method)
	c.Criterion, c.GoldenSampleRef = strings.TrimSpace(c.Criterion), strings.TrimSpace(c.GoldenSampleRef)
	if !c.Kind.Valid() {
		p.Add(f+".kind", "must be dimensional, attribute, test, packing or marking")
		return
	}
	if c.No <= 0 {
		p.Add(f+".no", "must be a positive balloon number")
	}
	qms.CheckText(p, f+".name", c.Name, MaxNameLen)
	if c.Name == "" {
		p.Add(f+".name", "is required")
	}
	qms.CheckText(p, f+".unit", c.Unit, 32)
	qms.CheckText(p, f+".method", c.Method, MaxNameLen)
	checkLongText(p, f+".criterion", c.Criterion, MaxTextLen)
	qms.CheckText(p, f+".golden_sample_ref", c.GoldenSampleRef, MaxNameLen)
	if len(c.ReferencePhotos) > MaxPhotosPerEntry {
		p.Add(f+".reference_photos", "at most "+strconv.Itoa(MaxPhotosPerEntry)+" photos")
	}
	for _, id := range c.ReferencePhotos {
		if id <= 0 {
			p.Add(f+".reference_photos", "must be file ids")
		}
	}
	finite := func(field string, v *float64) {
		if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
			p.Add(f+"."+field, "must be a finite number")
		}
	}
	t := &c.Tolerance
	switch c.Kind {
	case CharDimensional:
		finite("nominal", c.Nominal)
		finite("tolerance.plus", t.Plus)
		finite("tolerance.minus", t.Minus)
		finite("tolerance.min", t.Min)
		finite("tolerance.max", t.Max)
		if c.Unit == "" {
			p.Add(f+".unit", "is required for a dimensional characteristic, e.g. mm")
		}
		pm := t.Plus != nil || t.Minus != nil
		mm := t.Min != nil || t.Max != nil
		switch {
		case pm && mm:
			p.Add(f+".tolerance", "give either plus/minus deviations or min/max limits, not both")
		case pm:
			if c.Nominal == nil {
				p.Add(f+".nominal", "is required with a plus/minus tolerance")
			}
			if t.Plus == nil || t.Minus == nil {
				p.Add(f+".tolerance", "give both the plus and the minus deviation (0 for none)")
			} else if *t.Plus < 0 || *t.Minus < 0 {
				p.Add(f+".tolerance", "deviations are magnitudes: use 0.2 and 0.1 for +0.2/−0.1")
			} else if *t.Plus+*t.Minus <= 0 {
				p.Add(f+".tolerance", "a tolerance of ±0 cannot be met: give a band")
			}
		case mm:
			if t.Min != nil && t.Max != nil && *t.Min >= *t.Max {
				p.Add(f+".tolerance", "min must be below max")
			}
			if c.Nominal != nil && !c.InTolerance(*c.Nominal) {
				p.Add(f+".nominal", "lies outside its own limits")
			}
		default:
			p.Add(f+".tolerance", "is required: plus/minus deviations or min/max limits")
		}
		if c.Test != nil {
			p.Add(f+".test", "only a test characteristic has test sampling")
		}
	case CharTest:
		if c.Test == nil {
			p.Add(f+".test", "is required: the test type, its sample size or level, and Ac/Re")
			break
		}
		ts := c.Test
		ts.Type, ts.Procedure = strings.TrimSpace(ts.Type), strings.TrimSpace(ts.Procedure)
		qms.CheckText(p, f+".test.type", ts.Type, 64)
		if ts.Type == "" {
			p.Add(f+".test.type", "is required, e.g. "+strings.Join(TestTypes[:4], ", "))
		}
		checkLongText(p, f+".test.procedure", ts.Procedure, MaxTextLen)
		switch {
		case ts.Level != 0 && ts.SampleSize != 0:
			p.Add(f+".test.sample_size", "give either an inspection level or a fixed sample size, not both")
		case ts.Level != 0:
			if _, err := sampling.CodeLetterFor(2, ts.Level); err != nil {
				p.Add(f+".test.level", "must be S-1, S-2, S-3, S-4, I, II or III")
			}
		case ts.SampleSize <= 0 || ts.SampleSize > 10000:
			p.Add(f+".test.sample_size", "give a fixed sample size from 1 to 10000, or an inspection level")
		}
		if ts.Ac < 0 || ts.Re != ts.Ac+1 {
			p.Add(f+".test.re", "a single sampling plan has Ac >= 0 and Re = Ac + 1 (Ac 0, Re 1 for a zero-tolerance test)")
		}
	default: // attribute, packing, marking
		if c.Criterion == "" {
			p.Add(f+".criterion", "is required: say what conforms")
		}
		if c.Test != nil {
			p.Add(f+".test", "only a test characteristic has test sampling")
		}
		if c.Nominal != nil || !t.isZero() {
			p.Add(f+".tolerance", "only a dimensional characteristic has a nominal and tolerance")
		}
	}
}

func (t Tolerance) isZero() bool {
	return t.Plus == nil && t.Minus == nil && t.Min == nil && t.Max == nil
}

// Validate trims and checks a spec revision and its characteristics. When
// every balloon number is 0 they are numbered 1, 2, 3 ... in order. Returns
// an invalid error listing every problem.
func (s *Spec) Validate() error {
	p := qms.Problems{}
	s.Title, s.DrawingRef = strings.TrimSpace(s.Title), strings.TrimSpace(s.DrawingRef)
	s.GoldenSampleRef, s.Notes = strings.TrimSpace(s.GoldenSampleRef), strings.TrimSpace(s.Notes)
	if s.ProductID <= 0 {
		p.Add("product_id", "is required")
	}
	qms.CheckText(p, "title", s.Title, MaxNameLen)
	qms.CheckText(p, "drawing_ref", s.DrawingRef, MaxNameLen)
	qms.CheckText(p, "golden_sample_ref", s.GoldenSampleRef, MaxNameLen)
	checkLongText(p, "notes", s.Notes, MaxLongTextLen)
	if s.Characteristics == nil {
		s.Characteristics = []Characteristic{}
	}
	if len(s.Characteristics) > MaxCharacteristics {
		p.Add("characteristics", "at most "+strconv.Itoa(MaxCharacteristics)+" characteristics")
		return p.Err()
	}
	numbered := slices.ContainsFunc(s.Characteristics, func(c Characteristic) bool { return c.No != 0 })
	seen := map[int]bool{}
	for i := range s.Characteristics {
		c := &s.Characteristics[i]
		if !numbered {
			c.No = i + 1
		}
		f := "characteristics." + strconv.Itoa(i)
		c.validate(p, f)
		if c.No > 0 && seen[c.No] {
			p.Add(f+".no", fmt.Sprintf("balloon number %d is used twice", c.No))
		}
		seen[c.No] = true
	}
	return p.Err()
}

// Characteristic returns the characteristic with balloon number no.
func (s *Spec) Characteristic(no int) (*Characteristic, bool) {
	for i := range s.Characteristics {
		if s.Characteristics[i].No == no {
			return &s.Characteristics[i], true
		}
	}
	return nil, false
}

// Has reports whether the spec has a characteristic of kind k.
func (s *Spec) Has(k CharKind) bool {
	return slices.ContainsFunc(s.Characteristics, func(c Characteristic) bool { return c.Kind == k })
}

// CheckEditSpec checks that a spec revision may still be changed: only a
// draft that is not voided may. Returns conflict.
func CheckEditSpec(s *Spec) error {
	switch {
	case s.VoidedAt != nil:
		return qms.Errorf(qms.KindConflict, "spec revision %d is voided and can no longer be changed", s.Revision)
	case s.Status != SpecDraft:
		return qms.Errorf(qms.KindConflict, "spec revision %d is %s and can no longer be changed: draft a new revision", s.Revision, s.Status)
	}
	return nil
}

// Release is a quality manager's release of a draft spec revision.
type Release struct {
	Reason string `json:"reason"`
	// SignatureID is the electronic signature given for the release. Issue
	// 6 brings signatures and will require it here; today it is optional.
	SignatureID *int64 `json:"signature_id,omitempty"`
}

// CheckRelease checks that actor a may release spec s: a quality manager
// or administrator (qms.CanApprove), a draft that is not voided and has at
// least one characteristic. Returns forbidden, conflict or invalid.
func CheckRelease(a qms.Actor, s *Spec, r *Release) error {
	if !qms.CanApprove(a) {
		return forbidden("release a spec: a quality manager does")
	}
	if err := CheckEditSpec(s); err != nil {
		return err
	}
	p := qms.Problems{}
	r.Reason = strings.TrimSpace(r.Reason)
	checkLongText(p, "reason", r.Reason, MaxReasonLen)
	if r.SignatureID != nil && *r.SignatureID <= 0 {
		p.Add("signature_id", "is not a signature")
	}
	if len(s.Characteristics) == 0 {
		p.Add("characteristics", "a spec without characteristics cannot be released: nothing could be inspected against it")
	}
	return p.Err()
}

// CheckInspectable checks that an inspection may be run against spec s of
// product productID: it must be that product's released revision. Returns
// invalid.
func CheckInspectable(s *Spec, productID int64) error {
	switch {
	case s.ProductID != productID:
		return &qms.Error{Kind: qms.KindInvalid, Message: "The spec revision belongs to another product",
			Fields: map[string]string{"spec_id": "is a spec of another product"}}
	case s.VoidedAt != nil || s.Status != SpecReleased:
		return &qms.Error{Kind: qms.KindInvalid, Message: fmt.Sprintf("Spec revision %d is %s: only a released revision can be inspected against", s.Revision, orVoided(s)),
			Fields: map[string]string{"spec_id": "must be a released spec revision"}}
	}
	return nil
}

func orVoided(s *Spec) string {
	if s.VoidedAt != nil {
		return "voided"
	}
	return string(s.Status)
}
