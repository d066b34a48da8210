package inspection

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
)

// EntryKind is what one recording entry holds.
type EntryKind string

const (
	EntryUnits       EntryKind = "units"       // sample units From..To were inspected
	EntryDefect      EntryKind = "defect"      // a defect found on a sample unit
	EntryMeasurement EntryKind = "measurement" // a reading of a dimensional characteristic on a sample unit
	EntryTest        EntryKind = "test"        // an on-site test result on one test unit
	EntryCheck       EntryKind = "check"       // an attribute, packing or marking requirement, or a container checklist item
	EntrySection     EntryKind = "section"     // the inspector's result of a report section
	EntryCartons     EntryKind = "cartons"     // carton count: packing list, counted, opened
	EntryContainer   EntryKind = "container"   // container and seal numbers
	EntryPhoto       EntryKind = "photo"       // a general photo
	EntryRemark      EntryKind = "remark"      // a remark for the report
	EntryFAI         EntryKind = "fai"         // a first-article result of one characteristic
	EntryVoid        EntryKind = "void"        // voids an earlier entry, with a reason
)

// EntryKinds lists the entry kinds.
var EntryKinds = []EntryKind{EntryUnits, EntryDefect, EntryMeasurement, EntryTest, EntryCheck, EntrySection, EntryCartons, EntryContainer, EntryPhoto, EntryRemark, EntryFAI, EntryVoid}

// Section is a section of the inspection report.
type Section string

const (
	SecQuantity          Section = "quantity"
	SecProductConformity Section = "product_conformity"
	SecPacking           Section = "packing"
	SecMarking           Section = "marking"
	SecWorkmanship       Section = "workmanship"
	SecTests             Section = "tests"
	SecMeasurements      Section = "measurements"
	SecContainer         Section = "container" // container condition (container loading checks)
)

// SectionsFor lists the report sections of an inspection kind, in report
// order (none for a first article inspection, which is judged per
// characteristic).
func SectionsFor(k Kind) []Section {
	switch {
	case k == KindContainerLoading:
		return []Section{SecQuantity, SecContainer, SecPacking, SecMarking}
	case k.Sampled():
		return []Section{SecQuantity, SecProductConformity, SecPacking, SecMarking, SecWorkmanship, SecTests, SecMeasurements}
	}
	return nil
}

// Label is the section's name for people.
func (s Section) Label() string {
	switch s {
	case SecQuantity:
		return "Quantity"
	case SecProductConformity:
		return "Product conformity"
	case SecPacking:
		return "Packing"
	case SecMarking:
		return "Marking and labelling"
	case SecWorkmanship:
		return "Workmanship (AQL)"
	case SecTests:
		return "On-site tests"
	case SecMeasurements:
		return "Measurements"
	case SecContainer:
		return "Container condition"
	}
	return string(s)
}

// SectionResult is the result of a section or a check: conform, not
// conform, or not applicable; empty when not assessed.
type SectionResult string

const (
	Conform       SectionResult = "conform"
	NotConform    SectionResult = "not_conform"
	NotApplicable SectionResult = "not_applicable"
)

// Valid reports whether r is conform, not_conform or not_applicable.
func (r SectionResult) Valid() bool { return r == Conform || r == NotConform || r == NotApplicable }

func (r SectionResult) rank() int {
	switch r {
	case NotApplicable:
		return 1
	case Conform:
		return 2
	case NotConform:
		return 3
	}
	return 0
}

// stricter returns the stricter of two results (not conform over conform
// over not applicable over not assessed).
func stricter(a, b SectionResult) SectionResult {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// ContainerItems is the container condition checklist.
var ContainerItems = []string{"walls", "doors_and_seals", "floor", "roof", "odour", "moisture", "pests"}

// Entry payloads.
type (
	// UnitsEntry marks sample units From..To (inclusive) as inspected.
	UnitsEntry struct {
		From int `json:"from"`
		To   int `json:"to"`
	}
	// DefectEntry is a defect found on a sample unit. Code is a code of the
	// category's defect library (its class is the default), or empty with a
	// description.
	DefectEntry struct {
		Unit           int         `json:"unit"`
		Code           string      `json:"code,omitempty"`
		Description    string      `json:"description,omitempty"`
		Class          DefectClass `json:"class"`
		Location       string      `json:"location,omitempty"`
		Note           string      `json:"note,omitempty"`
		Photos         []int64     `json:"photos,omitempty"`         // file ids
		Characteristic int         `json:"characteristic,omitempty"` // the spec characteristic not met, if any
	}
	// MeasurementEntry is one reading of a dimensional characteristic on a
	// sample unit. OutOfTolerance is computed.
	MeasurementEntry struct {
		Unit           int     `json:"unit"`
		Characteristic int     `json:"characteristic"`
		Value          float64 `json:"value"`
		UnitOfMeasure  string  `json:"uom"`
		OutOfTolerance bool    `json:"out_of_tolerance"`
	}
	// TestEntry is the result of an on-site test on one of its units.
	TestEntry struct {
		Characteristic int     `json:"characteristic"`
		Unit           int     `json:"unit"`
		Pass           bool    `json:"pass"`
		Value          string  `json:"value,omitempty"` // a reading, e.g. "1.5 kV 60 s, no breakdown"
		Note           string  `json:"note,omitempty"`
		Photos         []int64 `json:"photos,omitempty"`
	}
	// CheckEntry is the result of one attribute, packing or marking
	// requirement of the spec (Characteristic), or of one container
	// checklist item (Item).
	CheckEntry struct {
		Characteristic int           `json:"characteristic,omitempty"`
		Item           string        `json:"item,omitempty"`
		Result         SectionResult `json:"result"`
		Note           string        `json:"note,omitempty"`
		Photos         []int64       `json:"photos,omitempty"`
	}
	// SectionEntry is the inspector's result of a report section.
	SectionEntry struct {
		Section Section       `json:"section"`
		Result  SectionResult `json:"result"`
		Note    string        `json:"note,omitempty"`
	}
	// CartonsEntry is the carton count.
	CartonsEntry struct {
		PackingList int    `json:"packing_list"` // cartons on the packing list
		Counted     int    `json:"counted"`      // cartons counted
		Opened      int    `json:"opened"`       // cartons opened to draw the sample
		Note        string `json:"note,omitempty"`
	}
	// ContainerEntry identifies the container loaded.
	ContainerEntry struct {
		ContainerNo string `json:"container_no"`
		SealNo      string `json:"seal_no"`
		Type        string `json:"type,omitempty"` // e.g. 40' HC
		Note        string `json:"note,omitempty"`
	}
	// PhotoEntry is a general photo for the report.
	PhotoEntry struct {
		FileID  int64   `json:"file_id"`
		Caption string  `json:"caption,omitempty"`
		Section Section `json:"section,omitempty"`
	}
	// RemarkEntry is a remark for the report.
	RemarkEntry struct {
		Text string `json:"text"`
	}
	// FAIEntry is the first-article result of one characteristic: the
	// measured values (one per piece) of a dimensional characteristic,
	// whose pass/fail is computed, or the pass/fail and result text of any
	// other characteristic.
	FAIEntry struct {
		Characteristic int       `json:"characteristic"`
		Values         []float64 `json:"values,omitempty"`
		UnitOfMeasure  string    `json:"uom,omitempty"`
		Result         string    `json:"result,omitempty"`
		Pass           *bool     `json:"pass,omitempty"`
		Gauge          string    `json:"gauge,omitempty"`
		Note           string    `json:"note,omitempty"`
		Photos         []int64   `json:"photos,omitempty"`
	}
	// VoidEntry voids an earlier entry of the same inspection.
	VoidEntry struct {
		EntryID int64  `json:"entry_id"`
		Reason  string `json:"reason"`
	}
)

// Entry is one append-only recording entry. Key is generated by the client
// (a tablet that may resend after a dropped connection): recording the
// same key twice stores one entry. Exactly the payload of Kind is set.
type Entry struct {
	ID           int64     `json:"id"`
	InspectionID int64     `json:"inspection_id"`
	Key          string    `json:"key"`
	Kind         EntryKind `json:"kind"`

	Units       *UnitsEntry       `json:"units,omitempty"`
	Defect      *DefectEntry      `json:"defect,omitempty"`
	Measurement *MeasurementEntry `json:"measurement,omitempty"`
	Test        *TestEntry        `json:"test,omitempty"`
	Check       *CheckEntry       `json:"check,omitempty"`
	Section     *SectionEntry     `json:"section,omitempty"`
	Cartons     *CartonsEntry     `json:"cartons,omitempty"`
	Container   *ContainerEntry   `json:"container,omitempty"`
	Photo       *PhotoEntry       `json:"photo,omitempty"`
	Remark      *RemarkEntry      `json:"remark,omitempty"`
	FAI         *FAIEntry         `json:"fai,omitempty"`
	Void        *VoidEntry        `json:"void,omitempty"`

	RecordedByID int64     `json:"recorded_by_id"`
	RecordedBy   string    `json:"recorded_by"`
	RecordedAt   time.Time `json:"recorded_at"`
}

// Payload returns the entry's payload (for storage), or nil.
func (e *Entry) Payload() any {
	switch e.Kind {
	case EntryUnits:
		return e.Units
	case EntryDefect:
		return e.Defect
	case EntryMeasurement:
		return e.Measurement
	case EntryTest:
		return e.Test
	case EntryCheck:
		return e.Check
	case EntrySection:
		return e.Section
	case EntryCartons:
		return e.Cartons
	case EntryContainer:
		return e.Container
	case EntryPhoto:
		return e.Photo
	case EntryRemark:
		return e.Remark
	case EntryFAI:
		return e.FAI
	case EntryVoid:
		return e.Void
	}
	return nil
}

// payloadCount counts the payloads set.
func (e *Entry) payloadCount() int {
	n := 0
	for _, set := range []bool{e.Units != nil, e.Defect != nil, e.Measurement != nil, e.Test != nil, e.Check != nil, e.Section != nil,
		e.Cartons != nil, e.Container != nil, e.Photo != nil, e.Remark != nil, e.FAI != nil, e.Void != nil} {
		if set {
			n++
		}
	}
	return n
}

// MaxKeyLen bounds idempotency keys.
const MaxKeyLen = 64

// ValidKey reports whether k is an idempotency key: 8 to 64 letters,
// digits, '-', '_', '.' or ':' (a UUID qualifies).
func ValidKey(k string) bool {
	if len(k) < 8 || len(k) > MaxKeyLen {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':') {
			return false
		}
	}
	return true
}

// EntryContext is what an entry is checked against.
type EntryContext struct {
	Inspection *Inspection
	Spec       *Spec        // the pinned spec revision
	Library    []DefectCode // the product category's defect codes in use
	// Target is the entry a void entry voids (nil when there is none).
	Target *Entry
	// TargetVoided reports whether Target is already voided.
	TargetVoided bool
}

// kindAllows reports whether an entry kind may be recorded in an
// inspection of kind k.
func kindAllows(k Kind, e EntryKind) bool {
	switch e {
	case EntryUnits, EntryDefect, EntryMeasurement, EntryTest:
		return k.Sampled()
	case EntryCheck, EntrySection, EntryCartons:
		return k != KindFirstArticle
	case EntryContainer:
		return k == KindContainerLoading
	case EntryFAI:
		return k == KindFirstArticle
	case EntryPhoto, EntryRemark, EntryVoid:
		return true
	}
	return false
}

// Validate trims and checks an entry against the inspection and its spec,
// and fills in what is computed (a defect's default class, whether a
// reading is out of tolerance). It does not check the inspection's status
// (CheckRecordable does). Returns an invalid error.
func (e *Entry) Validate(c EntryContext) error {
	p := qms.Problems{}
	in := c.Inspection
	e.Key = strings.TrimSpace(e.Key)
	if !ValidKey(e.Key) {
		p.Add("key", "must be an idempotency key of 8 to 64 letters, digits, - _ . or : (for example a UUID)")
	}
	if !slices.Contains(EntryKinds, e.Kind) {
		p.Add("kind", "is not an entry kind")
		return p.Err()
	}
	if e.payloadCount() != 1 || e.Payload() == nil || isNilPayload(e) {
		p.Add(string(e.Kind), "give exactly the "+string(e.Kind)+" data of the entry")
		return p.Err()
	}
	if !kindAllows(in.Kind, e.Kind) {
		p.Add("kind", fmt.Sprintf("a %s entry does not belong in a %s", e.Kind, strings.ToLower(in.Kind.Label())))
		return p.Err()
	}
	units := 0
	if in.Sampling != nil {
		units = in.Sampling.UnitsToDraw
	}
	checkUnit := func(f string, u, n int, what string) {
		if u < 1 || u > n {
			p.Add(f, fmt.Sprintf("unit %d is beyond the %s of %d units: number units 1 to %d", u, what, n, n))
		}
	}
	switch e.Kind {
	case EntryUnits:
		u := e.Units
		checkUnit("units.from", u.From, units, "sample size")
		checkUnit("units.to", u.To, units, "sample size")
		if u.To < u.From {
			p.Add("units.to", "must not be below from")
		}
	case EntryDefect:
		validateDefect(p, e.Defect, units, c)
	case EntryMeasurement:
		m := e.Measurement
		checkUnit("measurement.unit", m.Unit, units, "sample size")
		ch, ok := c.Spec.Characteristic(m.Characteristic)
		if !ok || ch.Kind != CharDimensional {
			p.Add("measurement.characteristic", fmt.Sprintf("spec revision %d has no dimensional characteristic %d", c.Spec.Revision, m.Characteristic))
			break
		}
		m.UnitOfMeasure = checkReading(p, "measurement", ch, m.UnitOfMeasure, m.Value)
		m.OutOfTolerance = !ch.InTolerance(m.Value)
	case EntryTest:
		t := e.Test
		tp, ok := in.Sampling.Test(t.Characteristic)
		if !ok {
			p.Add("test.characteristic", fmt.Sprintf("the inspection's plan has no on-site test %d", t.Characteristic))
			break
		}
		checkUnit("test.unit", t.Unit, tp.SampleSize, "test sample size")
		t.Value, t.Note = strings.TrimSpace(t.Value), strings.TrimSpace(t.Note)
		qms.CheckText(p, "test.value", t.Value, MaxNameLen)
		checkLongText(p, "test.note", t.Note, MaxTextLen)
		checkPhotos(p, "test.photos", t.Photos)
	case EntryCheck:
		validateCheck(p, e.Check, in, c.Spec)
	case EntrySection:
		s := e.Section
		if !slices.Contains(SectionsFor(in.Kind), s.Section) {
			p.Add("section.section", "is not a section of this report")
		}
		if !s.Result.Valid() {
			p.Add("section.result", "must be conform, not_conform or not_applicable")
		}
		s.Note = strings.TrimSpace(s.Note)
		checkLongText(p, "section.note", s.Note, MaxTextLen)
	case EntryCartons:
		ct := e.Cartons
		for f, v := range map[string]int{"packing_list": ct.PackingList, "counted": ct.Counted, "opened": ct.Opened} {
			if v < 0 || v > MaxQuantity {
				p.Add("cartons."+f, "must be a number of cartons")
			}
		}
		if ct.Opened > ct.Counted {
			p.Add("cartons.opened", fmt.Sprintf("%d cartons opened of %d counted", ct.Opened, ct.Counted))
		}
		ct.Note = strings.TrimSpace(ct.Note)
		checkLongText(p, "cartons.note", ct.Note, MaxTextLen)
	case EntryContainer:
		ct := e.Container
		ct.ContainerNo = strings.ToUpper(strings.Join(strings.Fields(ct.ContainerNo), ""))
		ct.SealNo, ct.Type, ct.Note = strings.TrimSpace(ct.SealNo), strings.TrimSpace(ct.Type), strings.TrimSpace(ct.Note)
		if msg := CheckContainerNumber(ct.ContainerNo); msg != "" {
			p.Add("container.container_no", msg)
		}
		qms.CheckText(p, "container.seal_no", ct.SealNo, 64)
		if ct.SealNo == "" {
			p.Add("container.seal_no", "is required")
		}
		qms.CheckText(p, "container.type", ct.Type, 64)
		checkLongText(p, "container.note", ct.Note, MaxTextLen)
	case EntryPhoto:
		ph := e.Photo
		if ph.FileID <= 0 {
			p.Add("photo.file_id", "is required")
		}
		ph.Caption = strings.TrimSpace(ph.Caption)
		qms.CheckText(p, "photo.caption", ph.Caption, MaxNameLen)
		if ph.Section != "" && !slices.Contains(SectionsFor(in.Kind), ph.Section) {
			p.Add("photo.section", "is not a section of this report")
		}
	case EntryRemark:
		e.Remark.Text = strings.TrimSpace(e.Remark.Text)
		checkLongText(p, "remark.text", e.Remark.Text, MaxLongTextLen)
		if e.Remark.Text == "" {
			p.Add("remark.text", "is required")
		}
	case EntryFAI:
		validateFAI(p, e.FAI, in, c.Spec)
	case EntryVoid:
		v := e.Void
		v.Reason = checkReason(p, "void.reason", v.Reason, "say why the entry is voided")
		switch {
		case c.Target == nil || c.Target.InspectionID != in.ID:
			p.Add("void.entry_id", "is not an entry of this inspection")
		case c.Target.Kind == EntryVoid:
			p.Add("void.entry_id", "a void cannot be voided: record the entry again")
		case c.TargetVoided:
			p.Add("void.entry_id", "is already voided")
		}
	}
	return p.Err()
}

func isNilPayload(e *Entry) bool {
	switch v := e.Payload().(type) {
	case *UnitsEntry:
		return v == nil
	case *DefectEntry:
		return v == nil
	case *MeasurementEntry:
		return v == nil
	case *TestEntry:
		return v == nil
	case *CheckEntry:
		return v == nil
	case *SectionEntry:
		return v == nil
	case *CartonsEntry:
		return v == nil
	case *ContainerEntry:
		return v == nil
	case *PhotoEntry:
		return v == nil
	case *RemarkEntry:
		return v == nil
	case *FAIEntry:
		return v == nil
	case *VoidEntry:
		return v == nil
	}
	return true
}

func checkPhotos(p qms.Problems, f string, ids []int64) {
	if len(ids) > MaxPhotosPerEntry {
		p.Add(f, "at most "+strconv.Itoa(MaxPhotosPerEntry)+" photos")
	}
	for _, id := range ids {
		if id <= 0 {
			p.Add(f, "must be file ids")
		}
	}
}

func validateDefect(p qms.Problems, d *DefectEntry, units int, c EntryContext) {
	if d.Unit < 1 || d.Unit > units {
		p.Add("defect.unit", fmt.Sprintf("unit %d is beyond the sample size of %d units: number units 1 to %d", d.Unit, units, units))
	}
	d.Code, d.Description = NormalizeDefectCode(d.Code), strings.TrimSpace(d.Description)
	d.Location, d.Note = strings.TrimSpace(d.Location), strings.TrimSpace(d.Note)
	if d.Code != "" {
		i := slices.IndexFunc(c.Library, func(x DefectCode) bool { return x.Code == d.Code && x.VoidedAt == nil })
		if i < 0 {
			p.Add("defect.code", "“"+d.Code+"” is not in the defect library of this product's category: pick a code, or describe the defect")
		} else {
			if d.Class == "" {
				d.Class = c.Library[i].Class
			}
			if d.Description == "" {
				d.Description = c.Library[i].Description
			}
		}
	} else if d.Description == "" {
		p.Add("defect.description", "is required without a defect code")
	}
	if !d.Class.Valid() {
		p.Add("defect.class", "must be critical, major or minor")
	}
	qms.CheckText(p, "defect.description", d.Description, MaxTextLen)
	qms.CheckText(p, "defect.location", d.Location, MaxLocationLen)
	checkLongText(p, "defect.note", d.Note, MaxTextLen)
	checkPhotos(p, "defect.photos", d.Photos)
	if d.Characteristic != 0 {
		if _, ok := c.Spec.Characteristic(d.Characteristic); !ok {
			p.Add("defect.characteristic", fmt.Sprintf("spec revision %d has no characteristic %d", c.Spec.Revision, d.Characteristic))
		}
	}
}

// checkReading checks a reading's unit of measure (empty means the
// characteristic's) and plausibility, and returns the unit to store.
func checkReading(p qms.Problems, f string, ch *Characteristic, uom string, values ...float64) string {
	uom = strings.TrimSpace(uom)
	if uom == "" {
		uom = ch.Unit
	}
	if NormalizeUnit(uom) != NormalizeUnit(ch.Unit) {
		p.Add(f+".uom", fmt.Sprintf("is %s, but characteristic %d (%s) is measured in %s: convert the reading", uom, ch.No, ch.Name, ch.Unit))
	}
	for _, v := range values {
		if !ch.Plausible(v) {
			p.Add(f+".value", fmt.Sprintf("%s %s cannot be a reading of %s (%s): check the value and its unit", FormatNumber(v), uom, ch.Name, ch.Requirement()))
			break
		}
	}
	return ch.Unit
}

func validateCheck(p qms.Problems, ck *CheckEntry, in *Inspection, spec *Spec) {
	ck.Item, ck.Note = strings.TrimSpace(ck.Item), strings.TrimSpace(ck.Note)
	switch {
	case ck.Characteristic != 0 && ck.Item != "":
		p.Add("check.item", "check either a spec characteristic or a container checklist item")
	case ck.Item != "":
		if in.Kind != KindContainerLoading || !slices.Contains(ContainerItems, ck.Item) {
			p.Add("check.item", "must be a container checklist item: "+strings.Join(ContainerItems, ", "))
		}
	default:
		ch, ok := spec.Characteristic(ck.Characteristic)
		if !ok || (ch.Kind != CharAttribute && ch.Kind != CharPacking && ch.Kind != CharMarking) {
			p.Add("check.characteristic", fmt.Sprintf("spec revision %d has no attribute, packing or marking requirement %d", spec.Revision, ck.Characteristic))
		}
	}
	if !ck.Result.Valid() {
		p.Add("check.result", "must be conform, not_conform or not_applicable")
	}
	checkLongText(p, "check.note", ck.Note, MaxTextLen)
	checkPhotos(p, "check.photos", ck.Photos)
}

func validateFAI(p qms.Problems, f *FAIEntry, in *Inspection, spec *Spec) {
	f.Result, f.Gauge, f.Note = strings.TrimSpace(f.Result), strings.TrimSpace(f.Gauge), strings.TrimSpace(f.Note)
	qms.CheckText(p, "fai.result", f.Result, MaxTextLen)
	qms.CheckText(p, "fai.gauge", f.Gauge, MaxNameLen)
	checkLongText(p, "fai.note", f.Note, MaxTextLen)
	checkPhotos(p, "fai.photos", f.Photos)
	ch, ok := spec.Characteristic(f.Characteristic)
	if !ok {
		p.Add("fai.characteristic", fmt.Sprintf("spec revision %d has no characteristic %d", spec.Revision, f.Characteristic))
		return
	}
	if ch.Kind != CharDimensional {
		if len(f.Values) > 0 {
			p.Add("fai.values", "only a dimensional characteristic has measured values: give pass and the result")
		}
		if f.Pass == nil {
			p.Add("fai.pass", "is required: does the first article meet “"+ch.Requirement()+"”?")
		}
		return
	}
	if len(f.Values) == 0 || len(f.Values) > in.FAIPieces {
		p.Add("fai.values", fmt.Sprintf("give one measured value per first article: 1 to %d values", in.FAIPieces))
		return
	}
	f.UnitOfMeasure = checkReading(p, "fai", ch, f.UnitOfMeasure, f.Values...)
	pass := true
	for _, v := range f.Values {
		pass = pass && ch.InTolerance(v)
	}
	if f.Pass != nil && *f.Pass != pass {
		p.Add("fai.pass", "is computed from the measured values and the tolerance: leave it out")
	}
	f.Pass = &pass
}

// containerLetter are the ISO 6346 values of the letters A..Z (multiples
// of 11 are skipped).
var containerLetter = [26]int{10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38}

// CheckContainerNumber checks an ISO 6346 container number (owner code,
// category, serial number, check digit: "CSQU3054383") and returns what is
// wrong, or "".
func CheckContainerNumber(s string) string {
	if len(s) != 11 {
		return "must be an ISO 6346 container number: 4 letters and 7 digits, e.g. CSQU3054383"
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := s[i]
		var v int
		switch {
		case i < 4 && c >= 'A' && c <= 'Z':
			v = containerLetter[c-'A']
		case i >= 4 && c >= '0' && c <= '9':
			v = int(c - '0')
		default:
			return "must be an ISO 6346 container number: 4 letters and 7 digits, e.g. CSQU3054383"
		}
		sum += v << i
	}
	if s[10] < '0' || s[10] > '9' {
		return "must be an ISO 6346 container number: 4 letters and 7 digits, e.g. CSQU3054383"
	}
	if check := sum % 11 % 10; int(s[10]-'0') != check {
		return fmt.Sprintf("the check digit of %s should be %d: check the number on the container door", s, check)
	}
	return ""
}
