// Package inspectionreport builds the report of an inspection, laid out
// like a professional inspection agency's (QIMA, V-Trust, Intertek, SGS,
// BV): a summary with the overall verdict and the section table; order and
// quantity; the sampling plan and the result per defect class against Ac
// and Re; the defect list with photos; measurements with the readings out
// of tolerance marked; on-site tests; product conformity, packing and
// marking checks; container loading data; photos; remarks; the decision,
// amendments and signatures.
//
// Build turns an inspection, its result and the records it refers to into
// a Report, a model of ready-to-print strings that the web UI's template
// shows as HTML and WritePDF draws as an A4 PDF with package report. The
// package is pure: data in, document out. It reads no clock, no database
// and no files; it must not import database/sql, net/http, internal/store
// or internal/blob.
package inspectionreport

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/supplier"
)

// FileInfo is what the report needs to know of a file a photo reference
// names: its name and whether it is an image (a PDF is listed, not drawn).
type FileInfo struct {
	Name  string
	Image bool
}

// Input is everything a report shows.
type Input struct {
	Inspection *inspection.Inspection // required
	Spec       *inspection.Spec       // the pinned spec revision; required
	Product    *inspection.Product    // required
	Supplier   *supplier.Supplier     // required
	Site       *supplier.Site         // required
	// Result is the result reported at submission (Inspection.Result);
	// before submission the caller passes inspection.Evaluate's running
	// result, and the report is a draft.
	Result     *inspection.Result
	Amendments []inspection.Amendment
	// Files describes the files the entries' photo references name; a
	// reference missing here prints as "not available".
	Files map[int64]FileInfo
	// Client is the buyer's (client's or company's) name printed in the
	// header of every page and first among the report's fields, if any
	// (the report-client setting).
	Client string
	// Signatures are the inspection's electronic signatures (a first
	// article decision), each checked against the inspection now.
	Signatures []esign.Check
	// Generated is when the report is generated (the caller's clock).
	Generated time.Time
}

// Tones of a value: how a verdict is coloured.
const (
	TonePlain   = ""
	TonePass    = "pass"
	ToneFail    = "fail"
	TonePending = "pending"
	ToneInfo    = "info"
)

// Field is one labelled value.
type Field struct {
	Label, Value string
	Tone         string
}

// SectionLine is one row of the summary's section table.
type SectionLine struct {
	Section inspection.Section
	Label   string
	Result  string // Conform, Not conform, N/A, Not assessed
	Tone    string
	Note    string
}

// ClassLine is the result of one defect class against its plan.
type ClassLine struct {
	Class      string
	AQL        string // "2.5", or "0 (zero tolerance)"
	Severity   string
	CodeLetter string
	SampleSize int
	Ac, Re     int
	Found      int
	Beyond     int // found on units beyond this class's sample (reported, not judged)
	Result     string
	Tone       string
	Note       string // why the severity is in force; reduced-inspection reinstatement
}

// DefectLine is one recorded defect.
type DefectLine struct {
	No          int
	Unit        int
	Code        string
	Description string
	Class       string
	Tone        string
	Location    string
	Note        string
	Photos      []string // photo references, "P1"
	RecordedBy  string
}

// DefectCount is one line of the defect summary: how often a defect was
// found, per class.
type DefectCount struct {
	Code, Description      string
	Critical, Major, Minor int
}

// Reading is one measured value.
type Reading struct {
	Unit  int
	Value string
	Out   bool // out of tolerance
}

// MeasurementLine gathers the readings of one dimensional characteristic.
type MeasurementLine struct {
	No          int
	Name        string
	Critical    bool
	Requirement string
	Readings    []Reading
	Out         int // readings out of tolerance
	Result      string
	Tone        string
}

// TestLine is the result of one on-site test.
type TestLine struct {
	No         int
	Name       string
	Type       string
	SampleSize int
	Ac, Re     int
	Tested     int
	Failed     int
	Result     string
	Tone       string
	Details    string // failed units with their readings and notes
	Photos     []string
}

// CheckLine is the result of one requirement or checklist item.
type CheckLine struct {
	No          int
	Name        string
	Requirement string
	Result      string
	Tone        string
	Note        string
	Photos      []string
}

// CheckGroup is the checks of one report section.
type CheckGroup struct {
	Section inspection.Section
	Label   string
	Lines   []CheckLine
}

// FAILine is the first-article result of one characteristic.
type FAILine struct {
	No          int
	Name        string
	Kind        string
	Critical    bool
	Requirement string
	Values      string
	Gauge       string
	Result      string
	Tone        string
	Note        string
	Photos      []string
}

// Photo is a picture of the report, numbered P1, P2 ... in report order.
type Photo struct {
	Ref     string
	FileID  int64
	Caption string
	Image   bool // false: a file that is not a picture, or not available
	Missing bool // the file is not available to the reader
	General bool // a general photo, not one of a defect, test or check
}

// Remark is a remark with its author.
type Remark struct {
	Text, By, At string
}

// Amendment is a note added after submission, with its reason.
type Amendment struct {
	Text, Reason, By, At string
}

// Signature is one signature box.
type Signature struct {
	Role, Name, Date, Meaning string
}

// Report is an inspection report, every value ready to print.
type Report struct {
	InspectionID int64
	Number       string // e.g. PSI-000042
	Title        string // e.g. Pre-shipment inspection report
	Subtitle     string // kind code, PO and supplier
	Client       string // the client or company the report is for, if configured
	Status       string // Draft, Submitted, Decided, Cancelled
	Draft        bool   // not submitted: the result is the running tally
	Verdict      string // PASS, FAIL, PENDING, INCOMPLETE
	VerdictTone  string
	// VerdictNote explains the verdict: why it failed, what is pending.
	VerdictNote string
	Reasons     []string

	Header     []Field
	Sections   []SectionLine
	Order      []Field
	Sampling   []Field
	Classes    []ClassLine
	Defects    []DefectLine
	Summary    []DefectCount
	Measure    []MeasurementLine
	Tests      []TestLine
	Checks     []CheckGroup
	Container  []Field
	FAI        []FAILine
	Photos     []Photo // every photo, in reference order
	Remarks    []Remark
	Decision   []Field
	Amendments []Amendment
	Signatures []Signature
	Footer     string
	Generated  time.Time
}

// DefectPhotos returns the photos of defects, tests and checks (those
// referred to from a table), in order.
func (r *Report) DefectPhotos() []Photo {
	return slices.DeleteFunc(slices.Clone(r.Photos), func(p Photo) bool { return p.General })
}

// GeneralPhotos returns the general photos of the inspection.
func (r *Report) GeneralPhotos() []Photo {
	return slices.DeleteFunc(slices.Clone(r.Photos), func(p Photo) bool { return !p.General })
}

// KindCode is the short code agencies print for an inspection kind.
func KindCode(k inspection.Kind) string {
	switch k {
	case inspection.KindIncoming:
		return "IQC"
	case inspection.KindPreProduction:
		return "PPI"
	case inspection.KindInProcess:
		return "DUPRO"
	case inspection.KindPreShipment:
		return "PSI"
	case inspection.KindContainerLoading:
		return "CLC"
	case inspection.KindFirstArticle:
		return "FAI"
	}
	return "INS"
}

// Number is the report number of an inspection, e.g. PSI-000042.
func Number(in *inspection.Inspection) string {
	return fmt.Sprintf("%s-%06d", KindCode(in.Kind), in.ID)
}

// resultLabel names a section or check result.
func resultLabel(r inspection.SectionResult) (string, string) {
	switch r {
	case inspection.Conform:
		return "Conform", TonePass
	case inspection.NotConform:
		return "Not conform", ToneFail
	case inspection.NotApplicable:
		return "N/A", TonePlain
	}
	return "Not assessed", TonePending
}

// verdictLabel names a verdict in capitals with its tone.
func verdictLabel(v inspection.Verdict) (string, string) {
	switch v {
	case inspection.VerdictPass:
		return "PASS", TonePass
	case inspection.VerdictFail:
		return "FAIL", ToneFail
	case inspection.VerdictPending:
		return "PENDING", TonePending
	case inspection.VerdictIncomplete:
		return "INCOMPLETE", TonePending
	}
	return "NOT JUDGED", TonePlain
}

// itemLabel names a container checklist item.
func itemLabel(item string) string {
	s := strings.ReplaceAll(item, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// thousands formats n with thousands separators: 12,500.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// Build makes the report of an inspection. It never fails: what is
// missing prints as such.
func Build(in Input) *Report {
	x := in.Inspection
	res := in.Result
	if res == nil {
		res = x.Result
	}
	if res == nil {
		res = &inspection.Result{Verdict: inspection.VerdictIncomplete}
	}
	b := &builder{in: in, res: res, photoOf: map[int64]string{}}
	r := &Report{
		InspectionID: x.ID,
		Number:       Number(x),
		Title:        x.Kind.Label() + " report",
		Generated:    in.Generated,
	}
	b.r = r
	r.Subtitle = KindCode(x.Kind)
	if x.Lot.PONumber != "" {
		r.Subtitle += " · PO " + x.Lot.PONumber
	}
	r.Subtitle += " · " + in.Supplier.DisplayName()
	r.Client = in.Client

	switch x.Status {
	case inspection.StatusPlanned, inspection.StatusInProgress:
		r.Status, r.Draft = "Draft", true
		r.Footer = "DRAFT – running tally, not a submitted report"
	case inspection.StatusSubmitted:
		r.Status, r.Footer = "Submitted", "Submitted report – awaiting the decision"
	case inspection.StatusDecided:
		r.Status, r.Footer = "Decided", "Final report"
	case inspection.StatusCancelled:
		r.Status, r.Draft = "Cancelled", true
		r.Footer = "CANCELLED – " + x.CancelReason
	}
	if len(in.Amendments) > 0 {
		r.Footer += " · amended"
	}
	verdict := x.Verdict
	if r.Draft || verdict == "" {
		verdict = res.Verdict
	}
	r.Verdict, r.VerdictTone = verdictLabel(verdict)
	r.Reasons = slices.Clone(res.Reasons)
	switch {
	case verdict == inspection.VerdictPending:
		computed, _ := verdictLabel(x.ComputedVerdict)
		r.VerdictNote = "Pending the client's decision: " + x.PendingReason
		if x.ComputedVerdict != "" {
			r.VerdictNote += " (computed result: " + computed + ")"
		}
	case verdict == inspection.VerdictFail:
		r.VerdictNote = "Not accepted: see the findings below. The shipment is on hold until the client decides."
	case verdict == inspection.VerdictPass:
		r.VerdictNote = "Every defect class within its acceptance number and every section conform."
		if x.Kind == inspection.KindFirstArticle {
			r.VerdictNote = "Every characteristic of the spec revision meets its requirement."
		}
	case r.Draft:
		r.VerdictNote = "Draft: the result so far, from what is recorded."
	}
	if d := x.Decision; d != nil {
		r.VerdictNote += fmt.Sprintf(" Decision: %s by %s on %s.", d.Kind.Label(), d.By, qms.DateOf(d.At))
	}
	r.VerdictNote = strings.TrimSpace(r.VerdictNote)

	b.header()
	b.sections()
	b.order()
	b.sampling()
	b.defects()
	b.measurements()
	b.tests()
	b.checks()
	b.container()
	b.fai()
	b.photos()
	b.remarks()
	b.decision()
	b.signatures()
	return r
}

type builder struct {
	in      Input
	res     *inspection.Result
	r       *Report
	photoOf map[int64]string // file id -> photo ref
}

// photo numbers a photo (once per file) and returns its reference.
func (b *builder) photo(id int64, caption string, general bool) string {
	if ref, ok := b.photoOf[id]; ok {
		return ref
	}
	ref := "P" + strconv.Itoa(len(b.r.Photos)+1)
	b.photoOf[id] = ref
	f, ok := b.in.Files[id]
	p := Photo{Ref: ref, FileID: id, Caption: ref + " – " + caption, Image: ok && f.Image, Missing: !ok, General: general}
	if ok && !f.Image {
		p.Caption += " (" + f.Name + ")"
	}
	if !ok {
		p.Caption += " (not available)"
	}
	b.r.Photos = append(b.r.Photos, p)
	return ref
}

func (b *builder) refs(ids []int64, caption string) []string {
	var refs []string
	for _, id := range ids {
		refs = append(refs, b.photo(id, caption, false))
	}
	return refs
}

func (b *builder) header() {
	in, x := b.in, b.in.Inspection
	serviceDate := x.PlannedOn.String()
	if x.SubmittedAt != nil {
		serviceDate = qms.DateOf(*x.SubmittedAt).String()
	} else if x.StartedAt != nil {
		serviceDate = qms.DateOf(*x.StartedAt).String()
	}
	inspector := x.Inspector.Name
	if inspector == "" {
		inspector = x.SubmittedBy
	}
	agency := "Internal (buyer's quality team)"
	if x.Inspector.ThirdParty() {
		agency = x.Inspector.Agency
	}
	factory := in.Site.DisplayName()
	if addr := cmp.Or(in.Site.Address, in.Site.AddressLatin); addr != "" {
		factory += "\n" + addr
		if in.Site.AddressLatin != "" && in.Site.AddressLatin != addr {
			factory += "\n" + in.Site.AddressLatin
		}
	}
	spec := fmt.Sprintf("Revision %d", in.Spec.Revision)
	if in.Spec.Title != "" {
		spec += ": " + in.Spec.Title
	}
	if in.Spec.DrawingRef != "" {
		spec += " (drawing " + in.Spec.DrawingRef + ")"
	}
	product := in.Product.Name
	if in.Product.Customer != "" {
		product += " – for " + in.Product.Customer
	}
	if in.Product.Market != "" {
		product += " (" + in.Product.Market + ")"
	}
	var h []Field
	if in.Client != "" {
		h = append(h, Field{Label: "Client", Value: in.Client})
	}
	h = append(h, []Field{
		{Label: "Report no.", Value: b.r.Number},
		{Label: "Inspection type", Value: x.Kind.Label()},
		{Label: "Service date", Value: serviceDate},
		{Label: "Inspector", Value: inspector},
		{Label: "Inspection by", Value: agency},
		{Label: "Supplier", Value: in.Supplier.DisplayName()},
		{Label: "Factory", Value: factory},
		{Label: "PO no.", Value: cmp.Or(x.Lot.PONumber, "–")},
		{Label: "Item / SKU", Value: in.Product.SKU},
		{Label: "Product", Value: product},
		{Label: "Spec", Value: spec},
	}...)
	if in.Spec.GoldenSampleRef != "" {
		h = append(h, Field{Label: "Golden sample", Value: in.Spec.GoldenSampleRef})
	}
	if x.ResubmissionOf != nil {
		h = append(h, Field{Label: "Re-inspection", Value: fmt.Sprintf("of inspection %d after rework (ignored by the switching rules)", *x.ResubmissionOf), Tone: ToneInfo})
	}
	h = append(h, Field{Label: "Status", Value: b.r.Status})
	b.r.Header = h
}

func (b *builder) sections() {
	for _, s := range b.res.Sections {
		label, tone := resultLabel(s.Result)
		note := s.Note
		if s.Derived != "" && s.Recorded != "" && s.Derived != s.Recorded {
			d, _ := resultLabel(s.Derived)
			note = strings.TrimSpace(note + " (from the data: " + d + ")")
		}
		b.r.Sections = append(b.r.Sections, SectionLine{Section: s.Section, Label: s.Section.Label(), Result: label, Tone: tone, Note: note})
	}
}

func (b *builder) order() {
	x := b.in.Inspection
	l := x.Lot
	f := []Field{
		{Label: "PO no.", Value: cmp.Or(l.PONumber, "–")},
		{Label: "Order quantity", Value: qty(l.OrderQuantity)},
		{Label: "Lot size (presented)", Value: thousands(l.LotSize) + " pcs"},
	}
	if x.Kind != inspection.KindFirstArticle {
		f = append(f,
			Field{Label: "Produced", Value: fmt.Sprintf("%s pcs (%d %%)", thousands(l.Produced), inspection.PercentOf(l.Produced, l.LotSize))},
			Field{Label: "Packed", Value: fmt.Sprintf("%s pcs (%d %%)", thousands(l.Packed), inspection.PercentOf(l.Packed, l.LotSize))})
		if st := x.Stage; st.AtProducedPercent > 0 || st.MinPackedPercent > 0 {
			req := fmt.Sprintf("%d %% produced", st.AtProducedPercent)
			if st.MinPackedPercent > 0 {
				req += fmt.Sprintf(", at least %d %% packed", st.MinPackedPercent)
			}
			f = append(f, Field{Label: "Required by the plan", Value: req})
		}
	} else {
		f = append(f, Field{Label: "First articles", Value: strconv.Itoa(x.FAIPieces)})
	}
	if c := b.res.Cartons; c != nil {
		tone := TonePlain
		if c.PackingList > 0 && c.Counted != c.PackingList {
			tone = ToneFail
		}
		f = append(f,
			Field{Label: "Cartons (packing list)", Value: thousands(c.PackingList)},
			Field{Label: "Cartons counted", Value: thousands(c.Counted), Tone: tone},
			Field{Label: "Cartons opened", Value: thousands(c.Opened)})
		if c.Note != "" {
			f = append(f, Field{Label: "Carton note", Value: c.Note})
		}
	}
	b.r.Order = f
}

func qty(n int) string {
	if n <= 0 {
		return "–"
	}
	return thousands(n) + " pcs"
}

func (b *builder) sampling() {
	x := b.in.Inspection
	sp := x.Sampling
	if sp == nil {
		return
	}
	counting := "defective units, each by its most serious defect"
	if sp.Counting == inspection.CountDefects {
		counting = "defects (every defect in its class)"
	}
	b.r.Sampling = []Field{
		{Label: "Standard", Value: sp.Standard.Title()},
		{Label: "Inspection level", Value: sp.Level.String()},
		{Label: "Lot size", Value: thousands(sp.Lot) + " pcs"},
		{Label: "Code letter", Value: sp.CodeLetter.String()},
		{Label: "Sample size", Value: thousands(sp.UnitsToDraw) + " pcs"},
		{Label: "Units inspected", Value: thousands(b.res.UnitsInspected) + " pcs"},
		{Label: "Counting", Value: counting},
		{Label: "Defective units / defects", Value: fmt.Sprintf("%d / %d", b.res.DefectiveUnits, b.res.DefectsTotal)},
	}
	for _, c := range b.res.Classes {
		aql := c.AQL.String()
		if c.ZeroTolerance {
			aql = "0 (zero tolerance)"
		}
		label, tone := verdictLabel(c.Verdict)
		cl := ClassLine{Class: c.Class.Label(), AQL: aql, Severity: c.Severity.String(), CodeLetter: c.CodeLetter.String(),
			SampleSize: c.SampleSize, Ac: c.Ac, Re: c.Re, Found: c.Found, Beyond: c.FoundBeyond, Result: label, Tone: tone}
		if c.FullInspection {
			cl.Note = "100 % inspection. "
		}
		if cp, ok := sp.Class(c.Class); ok && cp.SeverityReason != "" {
			cl.Note += "Severity: " + cp.SeverityReason + "."
		}
		if c.ReinstateNormal {
			cl.Note += " Accepted; normal inspection is reinstated (reduced inspection, Ac < found < Re)."
		}
		cl.Note = strings.TrimSpace(cl.Note)
		b.r.Classes = append(b.r.Classes, cl)
	}
}

func (b *builder) defects() {
	counts := map[string]*DefectCount{}
	var order []string
	for i, d := range b.res.Defects {
		label, tone := d.Class.Label(), TonePending
		switch d.Class {
		case inspection.Critical, inspection.Major:
			tone = ToneFail
		}
		desc := d.Description
		line := DefectLine{No: i + 1, Unit: d.Unit, Code: d.Code, Description: desc, Class: label, Tone: tone,
			Location: d.Location, Note: d.Note, RecordedBy: d.RecordedBy}
		line.Photos = b.refs(d.Photos, fmt.Sprintf("Defect %d: %s, %s, unit %d", i+1, cmp.Or(d.Code, "—"), desc, d.Unit))
		b.r.Defects = append(b.r.Defects, line)
		key := d.Code + "\x00" + desc
		c := counts[key]
		if c == nil {
			c = &DefectCount{Code: d.Code, Description: desc}
			counts[key] = c
			order = append(order, key)
		}
		switch d.Class {
		case inspection.Critical:
			c.Critical++
		case inspection.Major:
			c.Major++
		case inspection.Minor:
			c.Minor++
		}
	}
	for _, k := range order {
		b.r.Summary = append(b.r.Summary, *counts[k])
	}
	slices.SortStableFunc(b.r.Summary, func(a, c DefectCount) int {
		return cmp.Compare(c.Critical*1e6+c.Major*1e3+c.Minor, a.Critical*1e6+a.Major*1e3+a.Minor)
	})
}

func (b *builder) measurements() {
	for _, m := range b.res.Measurements {
		ml := MeasurementLine{No: m.No, Name: m.Name, Critical: m.Critical, Requirement: m.Requirement, Out: m.OutOfTolerance}
		for _, rd := range m.Readings {
			ml.Readings = append(ml.Readings, Reading{Unit: rd.Unit, Value: inspection.FormatNumber(rd.Value), Out: rd.OutOfTolerance})
		}
		switch {
		case len(m.Readings) == 0:
			ml.Result, ml.Tone = "Not measured", TonePending
		case m.OutOfTolerance > 0:
			ml.Result, ml.Tone = "Not conform", ToneFail
		default:
			ml.Result, ml.Tone = "Conform", TonePass
		}
		b.r.Measure = append(b.r.Measure, ml)
	}
}

func (b *builder) tests() {
	for _, t := range b.res.Tests {
		tl := TestLine{No: t.No, Name: t.Name, Type: strings.ReplaceAll(t.Type, "_", " "), SampleSize: t.SampleSize, Ac: t.Ac, Re: t.Re,
			Tested: t.Tested, Failed: t.Failed}
		switch t.Verdict {
		case "":
			tl.Result, tl.Tone = "Not tested", TonePending
		default:
			label, tone := verdictLabel(t.Verdict)
			tl.Result, tl.Tone = label, tone
		}
		var details []string
		for _, e := range t.Results {
			if !e.Pass || e.Note != "" || e.Value != "" {
				s := fmt.Sprintf("unit %d: ", e.Unit)
				if e.Pass {
					s += "pass"
				} else {
					s += "FAIL"
				}
				for _, v := range []string{e.Value, e.Note} {
					if v != "" {
						s += ", " + v
					}
				}
				details = append(details, s)
			}
			tl.Photos = append(tl.Photos, b.refs(e.Photos, fmt.Sprintf("Test %s, unit %d", t.Name, e.Unit))...)
		}
		tl.Details = strings.Join(details, "; ")
		b.r.Tests = append(b.r.Tests, tl)
	}
}

func (b *builder) checks() {
	groups := map[inspection.Section]*CheckGroup{}
	var order []inspection.Section
	for _, c := range b.res.Checks {
		if c.Section == inspection.SecContainer {
			continue
		}
		g := groups[c.Section]
		if g == nil {
			g = &CheckGroup{Section: c.Section, Label: c.Section.Label()}
			groups[c.Section] = g
			order = append(order, c.Section)
		}
		label, tone := resultLabel(c.Result)
		g.Lines = append(g.Lines, CheckLine{No: c.Characteristic, Name: c.Name, Requirement: c.Requirement, Result: label, Tone: tone, Note: c.Note,
			Photos: b.refs(c.Photos, fmt.Sprintf("%s: %s", c.Section.Label(), c.Name))})
	}
	for _, s := range order {
		b.r.Checks = append(b.r.Checks, *groups[s])
	}
}

func (b *builder) container() {
	x := b.in.Inspection
	if x.Kind != inspection.KindContainerLoading && b.res.Container == nil {
		return
	}
	var f []Field
	if c := b.res.Container; c != nil {
		f = append(f, Field{Label: "Container no.", Value: c.ContainerNo}, Field{Label: "Seal no.", Value: c.SealNo})
		if c.Type != "" {
			f = append(f, Field{Label: "Container type", Value: c.Type})
		}
		if c.Note != "" {
			f = append(f, Field{Label: "Note", Value: c.Note})
		}
	} else {
		f = append(f, Field{Label: "Container no.", Value: "not recorded", Tone: TonePending})
	}
	for _, c := range b.res.Checks {
		if c.Section != inspection.SecContainer {
			continue
		}
		label, tone := resultLabel(c.Result)
		v := label
		if c.Note != "" {
			v += " – " + c.Note
		}
		refs := b.refs(c.Photos, "Container: "+itemLabel(c.Item))
		if len(refs) > 0 {
			v += " (" + strings.Join(refs, ", ") + ")"
		}
		f = append(f, Field{Label: itemLabel(c.Item), Value: v, Tone: tone})
	}
	b.r.Container = f
}

func (b *builder) fai() {
	for _, row := range b.res.FAI {
		fl := FAILine{No: row.No, Name: row.Name, Kind: string(row.Kind), Critical: row.Critical, Requirement: row.Requirement, Gauge: row.Gauge, Note: row.Note}
		var vals []string
		for _, v := range row.Values {
			vals = append(vals, inspection.FormatNumber(v))
		}
		fl.Values = strings.Join(vals, "; ")
		if row.UnitOfMeasure != "" && fl.Values != "" {
			fl.Values += " " + row.UnitOfMeasure
		}
		if fl.Values == "" {
			fl.Values = row.Result
		}
		switch {
		case row.Pass == nil:
			fl.Result, fl.Tone = "No result", TonePending
		case *row.Pass:
			fl.Result, fl.Tone = "Pass", TonePass
		default:
			fl.Result, fl.Tone = "Fail", ToneFail
		}
		fl.Photos = b.refs(row.Photos, fmt.Sprintf("Characteristic %d: %s", row.No, row.Name))
		b.r.FAI = append(b.r.FAI, fl)
	}
}

func (b *builder) photos() {
	for i, p := range b.res.Photos {
		caption := "Photo " + strconv.Itoa(i+1)
		if p.Caption != "" {
			caption = p.Caption
		}
		if p.Section != "" {
			caption += " (" + p.Section.Label() + ")"
		}
		b.photo(p.FileID, caption, true)
	}
}

func (b *builder) remarks() {
	x := b.in.Inspection
	if x.Remarks != "" {
		b.r.Remarks = append(b.r.Remarks, Remark{Text: x.Remarks, By: "Remark at booking", At: x.PlannedOn.String()})
	}
	for _, rm := range b.res.Remarks {
		b.r.Remarks = append(b.r.Remarks, Remark{Text: rm.Text, By: rm.RecordedBy, At: stamp(rm.RecordedAt)})
	}
	for _, o := range x.GateOverrides {
		if o.Reason == "" { // redacted for a supplier's user
			continue
		}
		b.r.Remarks = append(b.r.Remarks, Remark{Text: fmt.Sprintf("Booked although the %s gate blocked it (%s): %s", o.Gate, o.Blocked, o.Reason), By: o.By, At: stamp(o.At)})
	}
	for _, a := range b.in.Amendments {
		b.r.Amendments = append(b.r.Amendments, Amendment{Text: a.Text, Reason: a.Reason, By: a.By, At: stamp(a.At)})
	}
}

func (b *builder) decision() {
	d := b.in.Inspection.Decision
	if d == nil {
		return
	}
	tone := ToneFail
	if d.Kind.Accepts() {
		tone = TonePass
		if d.Kind == inspection.DecideConcession || d.Kind == inspection.DecideApproveConditional {
			tone = TonePending
		}
	}
	if d.Kind == inspection.DecideRework {
		tone = TonePending
	}
	f := []Field{
		{Label: "Decision", Value: d.Kind.Label(), Tone: tone},
		{Label: "Decided by", Value: d.By},
		{Label: "Decided on", Value: stamp(d.At)},
	}
	if d.Reason != "" {
		f = append(f, Field{Label: "Reason", Value: d.Reason})
	}
	if d.Conditions != "" {
		f = append(f, Field{Label: "Conditions", Value: d.Conditions})
	}
	if d.ReinspectionID != nil {
		f = append(f, Field{Label: "Re-inspection", Value: fmt.Sprintf("Inspection %d (resubmitted lot)", *d.ReinspectionID)})
	}
	if n := b.in.Inspection.NCRID; n != nil {
		f = append(f, Field{Label: "NCR", Value: fmt.Sprintf("NCR %d", *n)})
	}
	for _, c := range b.in.Signatures {
		f = append(f, signatureField(c))
	}
	b.r.Decision = f
}

// signatureField is an electronic signature's manifestation: meaning,
// signer, role, time, what was signed and its digest, and whether the
// record still matches it.
func signatureField(c esign.Check) Field {
	s := c.Signature
	v := fmt.Sprintf("%s by %s (%s), %s — %s, SHA-256 %.16s… — ", s.Meaning.Label(), s.SignerName, strings.ToLower(s.SignerRole.Label()),
		stamp(s.SignedAt), s.RecordType.Label(), s.ContentHash)
	if c.Matches {
		return Field{Label: "Electronic signature", Value: v + "matches the record", Tone: TonePass}
	}
	return Field{Label: "Electronic signature", Value: v + "no longer matches: the record changed after signing", Tone: ToneFail}
}

func (b *builder) signatures() {
	x := b.in.Inspection
	insp := Signature{Role: "Inspector", Name: x.Inspector.Name}
	if x.Inspector.ThirdParty() {
		insp.Name += ", " + x.Inspector.Agency
	}
	if x.SubmittedAt != nil {
		insp.Date = stamp(*x.SubmittedAt)
		if x.SubmittedBy != "" && x.SubmittedBy != x.Inspector.Name {
			insp.Meaning = "Submitted by " + x.SubmittedBy + ". "
		}
		insp.Meaning += "Report submitted electronically, result " + b.r.Verdict
	} else {
		insp.Meaning = "Not submitted yet"
	}
	factory := Signature{Role: "Factory representative", Meaning: "Acknowledged the field report on site"}
	qm := Signature{Role: "Quality manager (decision)", Meaning: "Awaiting the decision"}
	if d := x.Decision; d != nil {
		qm.Name, qm.Date = d.By, stamp(d.At)
		qm.Meaning = "Decided electronically: " + d.Kind.Label()
		for _, c := range b.in.Signatures {
			if d.SignatureID != nil && c.Signature.ID == *d.SignatureID {
				qm.Meaning = fmt.Sprintf("Signed electronically (%s): %s", strings.ToLower(c.Signature.Meaning.Label()), d.Kind.Label())
				if !c.Matches {
					qm.Meaning += " — the signature no longer matches the record"
				}
			}
		}
	}
	b.r.Signatures = []Signature{insp, factory, qm}
}
