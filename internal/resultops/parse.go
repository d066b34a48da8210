package resultops

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// ThirdParty is an agency's inspection result as imported: one lot of a
// product from a supplier's site. Supplier, site and product are given by
// number or by name (the product by SKU). Defects are counted per class;
// the defective units per class are optional and default to the defects
// (each defect on its own unit), and the defective units in all to their
// sum.
type ThirdParty struct {
	Agency     string `json:"agency" doc:"The inspection agency, e.g. QIMA, V-Trust, SGS."`
	ReportNo   string `json:"report_no,omitempty" doc:"The agency's report number; a result is imported once per agency and report number."`
	Date       string `json:"date" format:"date" doc:"The inspection date, YYYY-MM-DD."`
	PONumber   string `json:"po_number,omitempty"`
	Supplier   string `json:"supplier" doc:"The supplier's number in qms, or its name (or Latin name)."`
	Site       string `json:"site" doc:"The factory site's number, or its name among the supplier's sites."`
	Product    string `json:"product" doc:"The product's SKU, or its number prefixed with #."`
	Kind       string `json:"inspection_type" doc:"incoming (IQC), pre_production (PPI), in_process (DUPRO), pre_shipment (PSI, FRI) or container_loading (CLC)."`
	LotSize    int    `json:"lot_size"`
	SampleSize int    `json:"sample_size"`

	CriticalDefects int `json:"critical_defects,omitempty"`
	MajorDefects    int `json:"major_defects,omitempty"`
	MinorDefects    int `json:"minor_defects,omitempty"`
	// Optional defective units per class and in all.
	CriticalDefective *int `json:"critical_defective,omitempty"`
	MajorDefective    *int `json:"major_defective,omitempty"`
	MinorDefective    *int `json:"minor_defective,omitempty"`
	DefectiveUnits    *int `json:"defective_units,omitempty"`

	Verdict      string `json:"verdict" doc:"pass, fail or pending, as the agency reported it."`
	Decision     string `json:"decision,omitempty" doc:"The client's decision, if taken: release, release_concession, rework or reject."`
	Resubmitted  bool   `json:"resubmitted,omitempty" doc:"A re-inspection after rework: counted in the rates with resubmissions, ignored by the switching rules."`
	ReportFileID int64  `json:"report_file_id,omitempty" doc:"The agency's report, uploaded first with POST /files (unattached); it is attached to the lot result."`
}

// Columns are the columns of the CSV import file, in this order in the
// template; an import may give them in any order and leave out the
// optional ones.
var Columns = []string{
	"agency", "report_no", "date", "po_number", "supplier", "site", "product", "inspection_type", "lot_size", "sample_size",
	"critical_defects", "major_defects", "minor_defects", "critical_defective", "major_defective", "minor_defective", "defective_units",
	"verdict", "decision", "resubmitted", "report_file_id",
}

// required are the columns an import file must have.
var required = []string{"agency", "date", "supplier", "site", "product", "inspection_type", "lot_size", "sample_size", "verdict"}

// MaxImportRows bounds the results of one import.
const MaxImportRows = 50000

// RowError is one problem of an import: the row (the CSV header is row 1;
// in a JSON array the first result is row 1), the column or field ("" for
// the row as a whole) and what is wrong.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func (e RowError) String() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Message)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Message)
}

// Row is one parsed result with its row number. Invalid rows have
// problems of their own (listed in the batch's errors); the import still
// looks up their records, to report every problem, but never stores them.
type Row struct {
	Row     int
	Result  ThirdParty
	Invalid bool
}

// Batch is a parsed import: the results that could be read, every problem
// of the file's form, and how many results it holds in all.
type Batch struct {
	Rows   []Row
	Errors []RowError
	Read   int
}

// ParseKind reads an inspection type as agencies write it: the kind's
// name, or PSI, FRI, DUPRO, IPI, IQC, PPI, CLC, LS; case, spaces and
// hyphens do not matter.
func ParseKind(s string) (inspection.Kind, bool) {
	k := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "pre_shipment", "psi", "fri", "final_random_inspection", "final":
		return inspection.KindPreShipment, true
	case "in_process", "dupro", "during_production", "ipi", "inline":
		return inspection.KindInProcess, true
	case "incoming", "iqc", "receiving":
		return inspection.KindIncoming, true
	case "pre_production", "ppi":
		return inspection.KindPreProduction, true
	case "container_loading", "clc", "ls", "loading_supervision", "container_loading_check":
		return inspection.KindContainerLoading, true
	}
	return "", false
}

// ParseVerdict reads a reported verdict: pass, fail or pending (passed,
// failed, on hold, hold are understood).
func ParseVerdict(s string) (inspection.Verdict, bool) {
	switch strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "_", " "))), " ") {
	case "pass", "passed", "accepted", "conform":
		return inspection.VerdictPass, true
	case "fail", "failed", "rejected", "not conform":
		return inspection.VerdictFail, true
	case "pending", "on hold", "hold":
		return inspection.VerdictPending, true
	}
	return "", false
}

// check reports the problems a result has on its own, before any record
// is looked up: required values, numbers, the date, the type and verdict.
func (t *ThirdParty) check(row int, bad func(row int, col, format string, args ...any)) bool {
	ok := true
	fail := func(col, format string, args ...any) {
		bad(row, col, format, args...)
		ok = false
	}
	for col, v := range map[string]string{"agency": t.Agency, "supplier": t.Supplier, "site": t.Site, "product": t.Product} {
		if strings.TrimSpace(v) == "" {
			fail(col, "is required")
		}
	}
	for col, v := range map[string]string{"agency": t.Agency, "report_no": t.ReportNo, "po_number": t.PONumber, "supplier": t.Supplier,
		"site": t.Site, "product": t.Product, "decision": t.Decision} {
		if !utf8.ValidString(v) {
			fail(col, "is not valid UTF-8 text: save the file as UTF-8")
		} else if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			fail(col, "contains control characters")
		} else if utf8.RuneCountInString(v) > inspection.MaxNameLen {
			fail(col, "is longer than %d characters", inspection.MaxNameLen)
		}
	}
	if strings.TrimSpace(t.Date) == "" {
		fail("date", "is required")
	} else if _, err := qms.ParseDate(strings.TrimSpace(t.Date)); err != nil {
		fail("date", "“%s” is not a date: write it as YYYY-MM-DD", clip(t.Date))
	}
	if _, k := ParseKind(t.Kind); !k {
		fail("inspection_type", "“%s” is not an inspection type: write pre_shipment (PSI), in_process (DUPRO), incoming (IQC), pre_production (PPI) or container_loading (CLC)", clip(t.Kind))
	}
	if _, v := ParseVerdict(t.Verdict); !v {
		fail("verdict", "“%s” is not a verdict: write pass, fail or pending", clip(t.Verdict))
	}
	if t.Decision != "" {
		if !slices.Contains(inspection.DecisionKinds(inspection.KindPreShipment), inspection.DecisionKind(strings.TrimSpace(t.Decision))) {
			fail("decision", "“%s” is not a decision: write release, release_concession, rework or reject", clip(t.Decision))
		}
	}
	if t.LotSize < 1 || t.LotSize > inspection.MaxQuantity {
		fail("lot_size", "must be from 1 to %d units", inspection.MaxQuantity)
	}
	if t.SampleSize < 0 || t.SampleSize > inspection.MaxQuantity {
		fail("sample_size", "must be a number of units")
	}
	return ok
}

// lotResult returns the lot result of a checked row for the given
// records.
func (t *ThirdParty) lotResult(supplierID, siteID, productID int64) inspection.LotResult {
	kind, _ := ParseKind(t.Kind)
	verdict, _ := ParseVerdict(t.Verdict)
	date, _ := qms.ParseDate(strings.TrimSpace(t.Date))
	or := func(p *int, def int) int {
		if p != nil {
			return *p
		}
		return def
	}
	r := inspection.LotResult{Source: inspection.SourceThirdParty, Agency: t.Agency, ExternalRef: t.ReportNo,
		SupplierID: supplierID, SiteID: siteID, ProductID: productID, Kind: kind, InspectedOn: date, PONumber: t.PONumber,
		LotSize: t.LotSize, SampleSize: t.SampleSize, CriticalDefects: t.CriticalDefects, MajorDefects: t.MajorDefects, MinorDefects: t.MinorDefects,
		CriticalDefective: or(t.CriticalDefective, t.CriticalDefects), MajorDefective: or(t.MajorDefective, t.MajorDefects),
		MinorDefective: or(t.MinorDefective, t.MinorDefects), Verdict: verdict, Decision: inspection.DecisionKind(strings.TrimSpace(t.Decision)),
		Resubmitted: t.Resubmitted}
	r.DefectiveUnits = or(t.DefectiveUnits, r.CriticalDefective+r.MajorDefective+r.MinorDefective)
	return r
}

// columnOf maps a field of a lot result's validation to the import's
// column.
func columnOf(field string) string {
	switch field {
	case "supplier_id":
		return "supplier"
	case "site_id":
		return "site"
	case "product_id":
		return "product"
	case "inspected_on":
		return "date"
	case "external_ref":
		return "report_no"
	case "kind":
		return "inspection_type"
	}
	return field
}

func clip(s string) string {
	s = strings.ToValidUTF8(s, "�")
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// ParseCSV reads a CSV import file (UTF-8, with or without a byte order
// mark, separated by commas or semicolons; see Columns). It returns the
// rows it could read and every problem of the file's form; the records are
// looked up when the rows are imported. It fails only when r cannot be
// read.
func ParseCSV(r io.Reader) (*Batch, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	var errs []RowError
	bad := func(row int, col, format string, args ...any) {
		errs = append(errs, RowError{Row: row, Column: col, Message: fmt.Sprintf(format, args...)})
	}
	if len(bytes.TrimSpace(data)) == 0 {
		bad(1, "", "the file is empty: the first row must name the columns, such as %s", strings.Join(required, ","))
		return &Batch{Errors: errs}, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	if line, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(line, []byte(";")) > 0 && bytes.Count(line, []byte(",")) == 0 {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		bad(1, "", "the header row cannot be read: %s", csvProblem(err))
		return &Batch{Errors: errs}, nil
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !utf8.ValidString(h):
			bad(1, "", "column %d: the name is not valid UTF-8 text", i+1)
		case name == "":
			bad(1, "", "column %d has no name", i+1)
		case !slices.Contains(Columns, name):
			bad(1, clip(name), "is not a column of this file; the columns are: %s", strings.Join(Columns, ", "))
		case col[name] != 0:
			bad(1, name, "appears twice in the header")
		default:
			col[name] = i + 1
		}
	}
	for _, c := range required {
		if col[c] == 0 {
			bad(1, c, "the column is required")
		}
	}
	if len(errs) > 0 {
		return &Batch{Errors: errs}, nil
	}
	var rows []Row
	read := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		row := 0 // the line the record starts on: blank lines are skipped
		if err != nil {
			read++
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				row = pe.StartLine
			}
			bad(row, "", "the row cannot be read: %s", csvProblem(err))
			continue
		}
		row, _ = cr.FieldPos(0)
		if allEmpty(rec) {
			continue
		}
		read++
		if read > MaxImportRows {
			bad(row, "", "the file has more than %d results: split it", MaxImportRows)
			break
		}
		if len(rec) > len(header) {
			bad(row, "", "has %d values but the header names %d columns", len(rec), len(header))
			continue
		}
		ok := true
		get := func(name string) string {
			i := col[name]
			if i == 0 || i > len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i-1])
		}
		num := func(name string) int {
			s := strings.ReplaceAll(get(name), ",", "")
			if s == "" {
				return 0
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				bad(row, name, "“%s” is not a whole number", clip(s))
				ok = false
			}
			return n
		}
		optNum := func(name string) *int {
			if get(name) == "" {
				return nil
			}
			n := num(name)
			return &n
		}
		t := ThirdParty{Agency: get("agency"), ReportNo: get("report_no"), Date: get("date"), PONumber: get("po_number"),
			Supplier: get("supplier"), Site: get("site"), Product: get("product"), Kind: get("inspection_type"),
			LotSize: num("lot_size"), SampleSize: num("sample_size"), CriticalDefects: num("critical_defects"), MajorDefects: num("major_defects"),
			MinorDefects: num("minor_defects"), CriticalDefective: optNum("critical_defective"), MajorDefective: optNum("major_defective"),
			MinorDefective: optNum("minor_defective"), DefectiveUnits: optNum("defective_units"), Verdict: get("verdict"), Decision: get("decision")}
		switch strings.ToLower(get("resubmitted")) {
		case "", "no", "false", "0", "n":
		case "yes", "true", "1", "y":
			t.Resubmitted = true
		default:
			bad(row, "resubmitted", "write yes or no")
			ok = false
		}
		if s := get("report_file_id"); s != "" {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				bad(row, "report_file_id", "“%s” is not a file number", clip(s))
				ok = false
			}
			t.ReportFileID = id
		}
		valid := t.check(row, bad) && ok
		rows = append(rows, Row{Row: row, Result: t, Invalid: !valid})
	}
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Row - b.Row })
	return &Batch{Rows: rows, Errors: errs, Read: read}, nil
}

// ParseJSON reads a JSON import: an array of results (ThirdParty), or an
// object {"results": [...]}. Row numbers count the results from 1. It
// fails only when r cannot be read; a document that is not such JSON is a
// problem in row 0.
func ParseJSON(r io.Reader) (*Batch, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		var wrap struct {
			Results []json.RawMessage `json:"results"`
		}
		if err2 := json.Unmarshal(data, &wrap); err2 != nil || wrap.Results == nil {
			return &Batch{Errors: []RowError{{Row: 0, Message: "not a JSON array of results (or an object with \"results\"): " + jsonProblem(err)}}}, nil
		}
		items = wrap.Results
	}
	var errs []RowError
	bad := func(row int, col, format string, args ...any) {
		errs = append(errs, RowError{Row: row, Column: col, Message: fmt.Sprintf(format, args...)})
	}
	var rows []Row
	for i, raw := range items {
		row := i + 1
		if row > MaxImportRows {
			bad(row, "", "more than %d results: split the import", MaxImportRows)
			break
		}
		var t jsonResult
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&t); err != nil {
			bad(row, "", "%s", jsonProblem(err))
			continue
		}
		valid := t.check(row, bad)
		rows = append(rows, Row{Row: row, Result: ThirdParty(t), Invalid: !valid})
	}
	return &Batch{Rows: rows, Errors: errs, Read: min(len(items), MaxImportRows+1)}, nil
}

// CheckRows checks results given as values (an API's list) as the parsers
// check a file's rows, and returns them as a batch.
func CheckRows(rows []Row) *Batch {
	b := &Batch{Read: len(rows)}
	bad := func(row int, col, format string, args ...any) {
		b.Errors = append(b.Errors, RowError{Row: row, Column: col, Message: fmt.Sprintf(format, args...)})
	}
	for _, r := range rows {
		r.Invalid = !r.Result.check(r.Row, bad)
		b.Rows = append(b.Rows, r)
	}
	return b
}

// jsonResult is ThirdParty whose references may also be JSON numbers.
type jsonResult ThirdParty

func (t *jsonResult) UnmarshalJSON(b []byte) error {
	type plain ThirdParty
	var aux struct {
		plain
		Supplier json.RawMessage `json:"supplier"`
		Site     json.RawMessage `json:"site"`
		Product  json.RawMessage `json:"product"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	*t = jsonResult(aux.plain)
	for _, f := range []struct {
		raw  json.RawMessage
		dst  *string
		name string
		hash bool
	}{{aux.Supplier, &t.Supplier, "supplier", false}, {aux.Site, &t.Site, "site", false}, {aux.Product, &t.Product, "product", true}} {
		if len(f.raw) == 0 || string(f.raw) == "null" {
			continue
		}
		var s string
		if err := json.Unmarshal(f.raw, &s); err == nil {
			*f.dst = s
			continue
		}
		var n int64
		if err := json.Unmarshal(f.raw, &n); err != nil || n <= 0 {
			return fmt.Errorf("%s must be a number or a name", f.name)
		}
		*f.dst = strconv.FormatInt(n, 10)
		if f.hash {
			*f.dst = "#" + *f.dst
		}
	}
	return nil
}

func (t *jsonResult) check(row int, bad func(int, string, string, ...any)) bool {
	return (*ThirdParty)(t).check(row, bad)
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s must be a %s", cmpOr(te.Field, "the value"), te.Type.String())
	}
	return clip(err.Error())
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			return "a quotation mark is out of place; a value with quotation marks must be enclosed in \"...\" with each inner \" doubled"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

func allEmpty(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}
