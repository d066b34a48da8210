// Package ncrreport builds the report of a nonconformance (NCR) and the 8D
// report of a CAPA or supplier corrective action request: a model of
// ready-to-print sections (labelled fields, tables, text, 5 Whys chains,
// the Ishikawa diagram) that the web UI's template shows as HTML and
// WritePDF draws as an A4 PDF with package report.
//
// The NCR report holds the links, requirement versus finding, defects,
// containment actions with owners and due dates, the disposition split by
// quantity, the cost of poor quality and the MRB signatures. The 8D report
// holds D0 to D8 with their due dates and reviews, the 5 Whys chains, the
// Ishikawa diagram by 6M category, the effectiveness criterion with its
// evidence (which inspections, counts, rate), the closure and the
// signature manifestations.
//
// The package is pure: data in, document out. It reads no clock, no
// database and no files; it must not import database/sql, net/http,
// internal/store or internal/blob. Callers pass what the actor may see
// (a supplier user's CAPA through capa.SupplierView, without signatures).
package ncrreport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"qms/internal/capa"
	"qms/internal/chart"
	"qms/internal/esign"
	"qms/internal/inspectionreport"
	"qms/internal/ncr"
	"qms/internal/qms"
)

// Tones of a value, as in inspectionreport.
const (
	TonePlain   = ""
	TonePass    = "pass"
	ToneFail    = "fail"
	TonePending = "pending"
)

// Field is one labelled value.
type Field struct {
	Label, Value string
	Tone         string
}

// Cell is one table cell.
type Cell struct {
	Text string
	Tone string
}

// Table is a table with a header row.
type Table struct {
	Columns []string
	Widths  []float64 // relative widths in the PDF (nil: equal)
	Rows    [][]Cell
	Empty   string // shown when there are no rows
}

// Why is a 5 Whys chain for people.
type Why struct {
	Leg       string // Occurrence, Detection (escape point), Systemic
	Problem   string
	Whys      []string
	RootCause string
}

// Block is one part of a section: exactly one of its fields is set.
type Block struct {
	Subheading string
	Fields     []Field
	Table      *Table
	Text       string // a paragraph; '\n' breaks lines
	Note       string // small grey text
	Whys       []Why
	Ishikawa   *chart.Ishikawa
}

// Section is a numbered part of the report.
type Section struct {
	Title  string
	Blocks []Block
}

// Signature is the manifestation of one electronic signature (21 CFR
// 11.50) and whether the record still matches what was signed.
type Signature struct {
	Meaning       string
	Signer        string
	Role          string
	At            string
	Manifestation string
	Status        string
	Valid         bool
}

// Report is an NCR or 8D report ready to print.
type Report struct {
	Title      string // "Nonconformance report", "8D report"
	Number     string
	Subtitle   string
	Status     string // the badge
	StatusTone string
	Header     []Field
	Sections   []Section
	Signatures []Signature
	Footer     string
	Generated  string
	generated  time.Time
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func dateText(d qms.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.String()
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		s = s[1:]
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func signatures(checks []esign.Check) []Signature {
	out := make([]Signature, 0, len(checks))
	for _, c := range checks {
		s := c.Signature
		out = append(out, Signature{Meaning: s.Meaning.Label(), Signer: s.SignerName, Role: s.SignerRole.Label(), At: stamp(s.SignedAt),
			Manifestation: s.Manifestation(), Status: c.Status, Valid: c.Matches})
	}
	return out
}

// NCRInput is everything an NCR report shows. Names are for people; empty
// ones print as a dash.
type NCRInput struct {
	NCR        *ncr.NCR // with its defects and containment actions; required
	Supplier   string
	Site       string
	Product    string
	Spec       string // the spec revision the requirement comes from
	Inspection string // the report number of the linked inspection
	CAPAs      []string
	Signatures []esign.Check // MRB approvals, checked against the NCR now
	Client     string
	Generated  time.Time // the caller's clock
}

func statusTone(s ncr.Status) string {
	switch s {
	case ncr.StatusClosed, ncr.StatusVerified:
		return TonePass
	case ncr.StatusVoided:
		return TonePlain
	case ncr.StatusOpen:
		return ToneFail
	}
	return TonePending
}

// BuildNCR makes the report of an NCR. It never fails: what is missing
// prints as such.
func BuildNCR(in NCRInput) *Report {
	n := in.NCR
	r := &Report{Title: "Nonconformance report", Number: n.Number(), Subtitle: n.Source.Label(), Status: strings.ToUpper(n.Status.Label()),
		StatusTone: statusTone(n.Status), Generated: stamp(in.Generated), generated: in.Generated, Footer: in.Client}
	r.Header = []Field{
		{Label: "Title", Value: n.Title},
		{Label: "Severity", Value: n.Severity.Label(), Tone: severityTone(string(n.Severity))},
		{Label: "Detected on", Value: dateText(n.DetectedOn)},
		{Label: "Raised by", Value: n.CreatedBy + ", " + stamp(n.CreatedAt)},
		{Label: "Supplier", Value: orDash(in.Supplier)},
		{Label: "Factory site", Value: orDash(in.Site)},
		{Label: "Product", Value: orDash(in.Product)},
		{Label: "Spec revision", Value: orDash(in.Spec)},
		{Label: "PO", Value: orDash(n.PONumber)},
		{Label: "Lot / batch", Value: orDash(n.LotRef)},
		{Label: "Inspection", Value: orDash(in.Inspection)},
		{Label: "CAPA", Value: orDash(strings.Join(in.CAPAs, ", "))},
	}
	if n.ComplaintRef != "" {
		r.Header = append(r.Header, Field{Label: "Complaint / RMA", Value: n.ComplaintRef})
	}
	if n.AuditRef != "" {
		r.Header = append(r.Header, Field{Label: "Audit", Value: n.AuditRef})
	}

	finding := Section{Title: "Requirement and finding"}
	finding.Blocks = append(finding.Blocks,
		Block{Fields: []Field{{Label: "Requirement", Value: orDash(n.Requirement)}, {Label: "Found", Value: n.Found}}},
		Block{Fields: []Field{{Label: "Quantity inspected", Value: thousands(int64(n.QuantityInspected))},
			{Label: "Quantity affected", Value: thousands(int64(n.QuantityAffected)), Tone: ToneFail},
			{Label: "Cause category", Value: causeLabel(n.CauseCategory)}}})
	dt := &Table{Columns: []string{"Code", "Description", "Class", "Units"}, Widths: []float64{1, 4, 1, 1}, Empty: "No defect lines"}
	for _, d := range n.Defects {
		dt.Rows = append(dt.Rows, []Cell{{Text: orDash(d.Code)}, {Text: d.Description}, {Text: d.Class.Label(), Tone: severityTone(string(d.Class))}, {Text: thousands(int64(d.Quantity))}})
	}
	finding.Blocks = append(finding.Blocks, Block{Subheading: "Defects"}, Block{Table: dt})
	r.Sections = append(r.Sections, finding)

	ct := &Table{Columns: []string{"Action", "Description", "Owner", "Due", "Status", "Result"}, Widths: []float64{1.3, 3, 1.4, 1.1, 1, 2.5}, Empty: "No containment actions"}
	for _, a := range n.Actions {
		tone := TonePending
		switch a.Status {
		case ncr.ActionDone:
			tone = TonePass
		case ncr.ActionCancelled:
			tone = TonePlain
		}
		if a.Overdue(qms.DateOf(in.Generated)) {
			tone = ToneFail
		}
		ct.Rows = append(ct.Rows, []Cell{{Text: a.Kind.Label()}, {Text: a.Description}, {Text: a.OwnerName}, {Text: dateText(a.DueOn)},
			{Text: string(a.Status), Tone: tone}, {Text: a.Result}})
	}
	r.Sections = append(r.Sections, Section{Title: "Containment", Blocks: []Block{{Table: ct}}})

	disp := Section{Title: "Disposition"}
	dp := &Table{Columns: []string{"Disposition", "Quantity", "Rationale", "MRB"}, Widths: []float64{1.5, 1, 4, 1}, Empty: "Not dispositioned yet"}
	total := 0
	for _, l := range n.Disposition {
		mrb := ""
		if l.Kind.NeedsMRB() {
			mrb = "required"
		}
		total += l.Quantity
		dp.Rows = append(dp.Rows, []Cell{{Text: l.Kind.Label()}, {Text: thousands(int64(l.Quantity))}, {Text: l.Rationale}, {Text: mrb}})
	}
	disp.Blocks = append(disp.Blocks, Block{Table: dp})
	if len(n.Disposition) > 0 {
		tone := TonePass
		if total != n.QuantityAffected {
			tone = ToneFail
		}
		disp.Blocks = append(disp.Blocks, Block{Fields: []Field{{Label: "Dispositioned", Value: fmt.Sprintf("%s of %s units", thousands(int64(total)), thousands(int64(n.QuantityAffected))), Tone: tone}}})
	}
	if ncr.NeedsMRB(n.Disposition) {
		var names []string
		for _, a := range n.MRB {
			names = append(names, fmt.Sprintf("%s (%s, %s)", a.Name, a.Role.Label(), stamp(a.At)))
		}
		disp.Blocks = append(disp.Blocks, Block{Fields: []Field{{Label: "MRB approvals", Value: orDash(strings.Join(names, "; ")),
			Tone: map[bool]string{true: TonePass, false: TonePending}[len(n.MRB) >= ncr.MaxMRBApprover]}}})
	}
	if n.Verification != "" {
		disp.Blocks = append(disp.Blocks, Block{Fields: []Field{{Label: "Verification", Value: n.Verification}}})
	}
	r.Sections = append(r.Sections, disp)

	c := n.Cost
	if !c.IsZero() {
		money := func(v int64) string { return ncr.FormatMoney(v, c.Currency) }
		r.Sections = append(r.Sections, Section{Title: "Cost of poor quality", Blocks: []Block{{Table: &Table{
			Columns: []string{"Scrap", "Rework", "Sorting", "Freight", "Other", "Total", "Charged back"},
			Rows: [][]Cell{{{Text: money(c.Scrap)}, {Text: money(c.Rework)}, {Text: money(c.Sorting)}, {Text: money(c.Freight)},
				{Text: money(c.Other)}, {Text: money(c.Total()), Tone: ToneFail}, {Text: money(c.ChargedBack)}}}}}}})
	}
	if n.Status == ncr.StatusVoided || n.StatusReason != "" {
		r.Sections = append(r.Sections, Section{Title: "Status", Blocks: []Block{{Fields: []Field{{Label: n.Status.Label(), Value: orDash(n.StatusReason)}}}}})
	}
	r.Signatures = signatures(in.Signatures)
	return r
}

func severityTone(s string) string {
	switch s {
	case "critical", "major":
		return ToneFail
	}
	return TonePending
}

func causeLabel(c ncr.Category) string {
	if c == "" {
		return "Not yet known"
	}
	return c.Label()
}

// Fishbone returns the Ishikawa diagram of a CAPA's root cause with one
// bone per 6M category, in the usual order, causes that data confirmed or
// ruled out marked.
func Fishbone(title string, d *capa.Ishikawa) *chart.Ishikawa {
	by := d.ByCategory()
	f := &chart.Ishikawa{Title: title, Effect: d.Effect}
	for _, cat := range ncr.Categories {
		b := chart.Bone{Label: cat.Label()}
		for _, c := range by[cat] {
			cc := chart.Cause{Text: c.Text, Sub: c.SubCauses}
			if c.Confirmed != nil {
				cc.Check = chart.RuledOut
				if *c.Confirmed {
					cc.Check = chart.Confirmed
				}
			}
			b.Causes = append(b.Causes, cc)
		}
		f.Bones = append(f.Bones, b)
	}
	return f
}

// CAPAInput is everything an 8D report shows.
type CAPAInput struct {
	CAPA     *capa.CAPA // with stages and report; required
	Supplier string
	Product  string
	// Sources names what the CAPA answers (NCR numbers, findings,
	// complaints); empty for a supplier user.
	Sources    []string
	Reviews    []capa.Review
	Files      map[int64]string // evidence file names by id
	Signatures []esign.Check    // the closure's signatures
	Client     string
	Generated  time.Time
}

func capaTone(s capa.Status) string {
	switch s {
	case capa.StatusClosed:
		return TonePass
	case capa.StatusCancelled:
		return TonePlain
	}
	return TonePending
}

func stateTone(s capa.StageState) string {
	switch s {
	case capa.StageAccepted:
		return TonePass
	case capa.StageReturned:
		return ToneFail
	}
	return TonePending
}

// Build8D makes the 8D report of a CAPA or supplier request. It never
// fails: what is missing prints as such.
func Build8D(in CAPAInput) *Report {
	c := in.CAPA
	today := qms.DateOf(in.Generated)
	sub := "Corrective action (8D)"
	if c.Type == capa.TypePreventive {
		sub = "Preventive action (8D)"
	}
	if c.Kind == capa.KindSupplier {
		sub = "Supplier corrective action request (8D)"
	}
	r := &Report{Title: "8D report", Number: c.Number(), Subtitle: sub, Status: strings.ToUpper(string(c.Status)), StatusTone: capaTone(c.Status),
		Generated: stamp(in.Generated), generated: in.Generated, Footer: in.Client}
	r.Header = []Field{
		{Label: "Title", Value: c.Title},
		{Label: "Severity", Value: c.Severity.Label(), Tone: severityTone(string(c.Severity))},
		{Label: "Supplier", Value: orDash(in.Supplier)},
		{Label: "Product", Value: orDash(in.Product)},
		{Label: "Owner", Value: orDash(c.Owner)},
		{Label: "Opened on", Value: dateText(c.OpenedOn)},
		{Label: "Days open", Value: strconv.Itoa(c.AgeDays(today))},
		{Label: "Current stage", Value: string(c.CurrentStage()) + " " + c.CurrentStage().Title()},
	}
	if len(in.Sources) > 0 {
		r.Header = append(r.Header, Field{Label: "Answers", Value: strings.Join(in.Sources, ", ")})
	}

	st := &Table{Columns: []string{"Stage", "Discipline", "Due", "State", "Reviewed", "Comment"}, Widths: []float64{0.6, 2.2, 1.1, 1.1, 2, 3}}
	for _, s := range capa.Stages {
		rec := c.Stage(s)
		due := dateText(rec.DueOn)
		state := Cell{Text: string(rec.State), Tone: stateTone(rec.State)}
		if rec.Overdue(today) && c.Status.Active() {
			due += " (overdue)"
			state.Tone = ToneFail
		}
		rev := ""
		if rec.ReviewedAt != nil {
			rev = rec.ReviewedBy + ", " + stamp(*rec.ReviewedAt)
		}
		st.Rows = append(st.Rows, []Cell{{Text: string(s)}, {Text: s.Title()}, {Text: due}, state, {Text: rev}, {Text: rec.Comment}})
	}
	r.Sections = append(r.Sections, Section{Title: "Stages", Blocks: []Block{{Table: st}}})

	rep := &c.Report
	stage := func(s capa.Stage, blocks ...Block) {
		r.Sections = append(r.Sections, Section{Title: string(s) + " " + s.Title(), Blocks: blocks})
	}
	stage(capa.D0, Block{Fields: []Field{{Label: "Symptom", Value: orDash(rep.D0.Symptom)}, {Label: "Emergency response", Value: orDash(rep.D0.Response)}}})
	team := &Table{Columns: []string{"Member", "Function"}, Empty: "No members named yet"}
	for _, m := range rep.D1.Members {
		team.Rows = append(team.Rows, []Cell{{Text: m.Name}, {Text: m.Function}})
	}
	stage(capa.D1, Block{Fields: []Field{{Label: "Leader", Value: orDash(rep.D1.Leader)}, {Label: "Champion", Value: orDash(rep.D1.Champion)}}}, Block{Table: team})
	d2 := rep.D2
	stage(capa.D2, Block{Fields: []Field{{Label: "What", Value: orDash(d2.What)}, {Label: "Where", Value: orDash(d2.Where)}, {Label: "When", Value: orDash(d2.When)},
		{Label: "How many", Value: orDash(d2.HowMany)}, {Label: "How detected", Value: orDash(d2.HowDetected)}, {Label: "Is not", Value: orDash(d2.IsNot)}}})
	ica := &Table{Columns: []string{"Containment action", "Owner", "Due", "Done", "Result"}, Widths: []float64{3, 1.4, 1.1, 1.1, 2.5}, Empty: "No containment actions yet"}
	for _, a := range rep.D3.Actions {
		done := Cell{Text: "open", Tone: TonePending}
		if a.Done {
			done = Cell{Text: a.DoneOn.String(), Tone: TonePass}
		}
		ica.Rows = append(ica.Rows, []Cell{{Text: a.Description}, {Text: a.Owner}, {Text: dateText(a.DueOn)}, done, {Text: a.Result}})
	}
	stage(capa.D3, Block{Table: ica}, Block{Fields: []Field{{Label: "Verification", Value: orDash(rep.D3.Verification)}}})

	d4 := rep.D4
	whys := []Why{why("Occurrence (why it was made)", d4.Occurrence), why("Detection (why it escaped)", d4.Detection)}
	if d4.Systemic != nil {
		whys = append(whys, why("Systemic (why the system allowed it)", *d4.Systemic))
	}
	stage(capa.D4, Block{Subheading: "5 Whys"}, Block{Whys: whys}, Block{Subheading: "Ishikawa diagram (6M)"},
		Block{Ishikawa: Fishbone("", &d4.Ishikawa)},
		Block{Fields: []Field{{Label: "Root cause category", Value: causeLabel(d4.Category)}, {Label: "Verification", Value: orDash(d4.Verification)}}})

	pca := &Table{Columns: []string{"No.", "Permanent action", "Addresses", "Owner", "Due"}, Widths: []float64{0.5, 3.5, 1.2, 1.4, 1.1}, Empty: "No permanent actions yet"}
	for i, a := range rep.D5.Actions {
		pca.Rows = append(pca.Rows, []Cell{{Text: strconv.Itoa(i + 1)}, {Text: a.Description}, {Text: string(a.Addresses)}, {Text: a.Owner}, {Text: dateText(a.DueOn)}})
	}
	stage(capa.D5, Block{Table: pca}, Block{Fields: []Field{{Label: "Verification", Value: orDash(rep.D5.Verification)}}})
	impl := &Table{Columns: []string{"Action", "Done on", "Evidence", "Files"}, Widths: []float64{0.7, 1.1, 4, 2}, Empty: "Nothing implemented yet"}
	for _, it := range rep.D6.Items {
		var files []string
		for _, id := range it.Files {
			name := in.Files[id]
			if name == "" {
				name = fmt.Sprintf("file %d", id)
			}
			files = append(files, name)
		}
		impl.Rows = append(impl.Rows, []Cell{{Text: strconv.Itoa(it.Action)}, {Text: dateText(it.DoneOn)}, {Text: it.Evidence}, {Text: strings.Join(files, ", ")}})
	}
	removed := "no"
	if rep.D6.ContainmentRemoved {
		removed = "yes"
	}
	stage(capa.D6, Block{Table: impl}, Block{Fields: []Field{{Label: "Interim containment removed", Value: removed}, {Label: "Validation", Value: orDash(rep.D6.Validation)}}})
	ch := &Table{Columns: []string{"Changed", "Reference", "What changed"}, Widths: []float64{1.4, 1.6, 4}, Empty: "No changes recorded yet"}
	for _, x := range rep.D7.Changes {
		ref := x.Ref
		if ref == "" {
			ref = fmt.Sprintf("#%d", x.RefID)
		}
		ch.Rows = append(ch.Rows, []Cell{{Text: strings.ReplaceAll(string(x.Kind), "_", " ")}, {Text: ref}, {Text: x.Description}})
	}
	stage(capa.D7, Block{Fields: []Field{{Label: "Summary", Value: orDash(rep.D7.Summary)}}}, Block{Table: ch},
		Block{Fields: []Field{{Label: "Read-across", Value: orDash(rep.D7.ReadAcross)}}})
	stage(capa.D8, Block{Fields: []Field{{Label: "Summary", Value: orDash(rep.D8.Summary)}, {Label: "Lessons learned", Value: orDash(rep.D8.LessonsLearned)},
		{Label: "Recognition", Value: orDash(rep.D8.Recognition)}}})

	r.Sections = append(r.Sections, effectiveness(c, in.Supplier, in.Product))

	if len(in.Reviews) > 0 {
		rt := &Table{Columns: []string{"Stage", "Decision", "By", "At", "Comment"}, Widths: []float64{0.6, 1, 1.6, 1.6, 4}}
		for _, v := range in.Reviews {
			rt.Rows = append(rt.Rows, []Cell{{Text: string(v.Stage)}, {Text: string(v.Decision), Tone: stateTone(v.Decision)}, {Text: v.By}, {Text: stamp(v.At)}, {Text: v.Comment}})
		}
		r.Sections = append(r.Sections, Section{Title: "Review history", Blocks: []Block{{Table: rt}}})
	}
	if cl := c.Closure; cl != nil {
		fs := []Field{{Label: "Closed by", Value: cl.By + ", " + stamp(cl.At)}, {Label: "Effectiveness at closure", Value: string(cl.Outcome), Tone: outcomeTone(cl.Outcome)}}
		if cl.Override {
			fs = append(fs, Field{Label: "Override", Value: orDash(cl.OverrideReason), Tone: TonePending})
		}
		r.Sections = append(r.Sections, Section{Title: "Closure", Blocks: []Block{{Fields: fs}}})
	}
	r.Signatures = signatures(in.Signatures)
	return r
}

func why(leg string, w capa.WhyChain) Why {
	return Why{Leg: leg, Problem: w.Problem, Whys: w.Whys, RootCause: w.RootCause}
}

func outcomeTone(o capa.Outcome) string {
	switch o {
	case capa.OutcomePass:
		return TonePass
	case capa.OutcomeFail:
		return ToneFail
	}
	return TonePending
}

// effectiveness is the criterion and its evidence: which inspections, the
// counts and the rate.
func effectiveness(c *capa.CAPA, supplier, product string) Section {
	s := Section{Title: "Effectiveness"}
	if c.Criterion == nil {
		s.Blocks = append(s.Blocks, Block{Text: "No effectiveness criterion is stated yet."})
		return s
	}
	cr := c.Criterion
	if supplier == "" {
		supplier = fmt.Sprintf("supplier %d", cr.SupplierID)
	}
	if cr.ProductID == 0 {
		product = ""
	}
	s.Blocks = append(s.Blocks, Block{Fields: []Field{{Label: "Criterion", Value: cr.Describe(supplier, product)}}})
	ev := c.Evaluation
	if ev == nil {
		s.Blocks = append(s.Blocks, Block{Text: "Not evaluated yet."})
		return s
	}
	per := cr.PerUnits
	if per == 0 {
		per = capa.DefaultPerUnits
	}
	s.Blocks = append(s.Blocks, Block{Fields: []Field{
		{Label: "Outcome", Value: strings.ToUpper(string(ev.Outcome)), Tone: outcomeTone(ev.Outcome)},
		{Label: "Evidence", Value: ev.Message},
		{Label: "Inspected", Value: thousands(ev.Inspected) + " units"},
		{Label: "Defective", Value: thousands(ev.Defective) + " units"},
		{Label: "Rate", Value: fmt.Sprintf("%.2f per %s (at most %d allowed)", ev.Rate(per), thousands(int64(per)), cr.MaxDefective)},
		{Label: "Evaluated on", Value: dateText(ev.EvaluatedOn)},
	}})
	t := &Table{Columns: []string{"Inspection", "Date", "Type", "Inspected", "Defective", "Rate"}, Widths: []float64{1.5, 1.2, 1.8, 1, 1, 1.4}, Empty: "No inspections in the window yet"}
	for _, p := range ev.Points {
		ref := fmt.Sprintf("result %d (imported)", p.LotResultID)
		if p.InspectionID > 0 {
			ref = fmt.Sprintf("%s-%06d", inspectionreport.KindCode(p.Kind), p.InspectionID)
		}
		rate := 0.0
		if p.Inspected > 0 {
			rate = float64(p.Defective) * float64(per) / float64(p.Inspected)
		}
		tone := TonePass
		if p.Defective*per > cr.MaxDefective*p.Inspected {
			tone = ToneFail
		}
		t.Rows = append(t.Rows, []Cell{{Text: ref}, {Text: p.InspectedOn.String()}, {Text: p.Kind.Label()}, {Text: thousands(int64(p.Inspected))},
			{Text: thousands(int64(p.Defective)), Tone: tone}, {Text: fmt.Sprintf("%.2f / %s", rate, thousands(int64(per)))}})
	}
	s.Blocks = append(s.Blocks, Block{Table: t})
	return s
}
