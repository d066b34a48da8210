package supplierops

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"qms/internal/qms"
	"qms/internal/supplier"
)

// The CSV file of suppliers, sites and certificates: one row per record,
// its kind in the column "record" (supplier, site or certificate). Rows
// refer to each other by "ref": a site's "supplier" is the ref of a
// supplier row in the same file (or the number of a supplier already in
// qms), and a certificate's "sites" lists the refs of site rows (or the
// numbers of existing sites) separated by ";". Lists (categories, sites)
// are separated by ";"; several contacts by " | " in each contact column,
// position by position. Dates are YYYY-MM-DD. The file is UTF-8, with or
// without a byte order mark, separated by commas (or semicolons, as some
// spreadsheet programs write).

// Columns are the columns of the file, in the order the export writes them.
// An import may leave out any but "record", in any order.
var Columns = []string{
	"record", "ref", "supplier", "status", "name", "name_latin", "kind", "country", "address", "address_latin",
	"categories", "capacity", "contact_name", "contact_role", "contact_email", "contact_phone", "notes",
	"cert_kind", "standard", "number", "certification_body", "accreditation_body", "scope", "holder_name", "holder_address",
	"sites", "issue_date", "expiry_date", "original_date", "last_surveillance_date",
}

// Record kinds of the column "record".
const (
	RecordSupplier    = "supplier"
	RecordSite        = "site"
	RecordCertificate = "certificate"
)

// MaxImportRows bounds the rows of one import file.
const MaxImportRows = 200000

// RowError is one problem of an import file: the row (the header is row
// 1; a quoted value over several lines is still one row), the column ("" for
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

// SupplierRow is a supplier row of an import file.
type SupplierRow struct {
	Row      int
	Ref      string
	Status   supplier.Status // as exported; informational, not imported
	Supplier supplier.Supplier
}

// SiteRow is a site row of an import file.
type SiteRow struct {
	Row         int
	Ref         string
	SupplierRef string
	Site        supplier.Site
}

// CertificateRow is a certificate row of an import file.
type CertificateRow struct {
	Row         int
	SupplierRef string
	SiteRefs    []string
	Certificate supplier.Certificate
}

// Batch is a parsed import file.
type Batch struct {
	Rows         int // data rows, not counting the header
	Suppliers    []SupplierRow
	Sites        []SiteRow
	Certificates []CertificateRow
}

// ParseCSV reads an import file. It returns every row it could read and
// every problem it found in the file's form (the header, quoting, dates,
// references that cannot be resolved within the file); the records
// themselves are checked when they are imported. It fails only when the
// file cannot be read at all.
func ParseCSV(r io.Reader) (*Batch, []RowError, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	var errs []RowError
	bad := func(row int, col, format string, args ...any) {
		errs = append(errs, RowError{Row: row, Column: col, Message: fmt.Sprintf(format, args...)})
	}
	b := &Batch{}
	if len(bytes.TrimSpace(data)) == 0 {
		bad(1, "", "the file is empty: the first row must name the columns, such as record,ref,supplier,name,...")
		return b, errs, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false

	header, err := cr.Read()
	if err != nil {
		bad(1, "", "the header row cannot be read: %s", csvProblem(err))
		return b, errs, nil
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
			bad(1, clipText(name, 40), "is not a column of this file; the columns are: %s", strings.Join(Columns, ", "))
		case col[name] != 0:
			bad(1, name, "appears twice in the header")
		default:
			col[name] = i + 1
		}
	}
	if col["record"] == 0 {
		bad(1, "record", "the column \"record\" is required: it says whether a row is a supplier, a site or a certificate")
	}
	if len(errs) > 0 {
		return b, errs, nil
	}

	supplierRefs := map[string]int{} // ref -> row
	siteRefs := map[string]int{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
				bad(row, "", "the row cannot be read: %s", csvProblem(err))
				continue
			}
			if rec == nil {
				bad(row, "", "the row cannot be read: %s", csvProblem(err))
				continue
			}
		}
		if allEmpty(rec) {
			continue // blank lines, as spreadsheets leave at the end
		}
		b.Rows++
		if b.Rows > MaxImportRows {
			bad(row, "", "the file has more than %d rows: split it", MaxImportRows)
			break
		}
		if len(rec) > len(header) {
			bad(row, "", "has %d values but the header names %d columns", len(rec), len(header))
			continue
		}
		rowOK := true
		get := func(name string) string {
			i := col[name]
			if i == 0 || i > len(rec) {
				return ""
			}
			v := rec[i-1]
			if !utf8.ValidString(v) {
				bad(row, name, "is not valid UTF-8 text: save the file as UTF-8 (\"CSV UTF-8\" in spreadsheet programs)")
				rowOK = false
				return ""
			}
			return strings.TrimSpace(v)
		}
		date := func(name string) qms.Date {
			s := get(name)
			if s == "" {
				return qms.Date{}
			}
			d, err := parseDate(s)
			if err != nil {
				bad(row, name, "“%s” is not a date: write it as YYYY-MM-DD, such as 2027-03-31", clipText(s, 40))
				rowOK = false
			}
			return d
		}
		kind := strings.ToLower(get("record"))
		ref := get("ref")
		switch kind {
		case RecordSupplier:
			r := SupplierRow{Row: row, Ref: ref, Status: supplier.Status(strings.ToLower(get("status")))}
			if r.Status != "" && !r.Status.Valid() {
				bad(row, "status", "“%s” is not a supplier status", clipText(string(r.Status), 40))
				rowOK = false
			}
			s := &r.Supplier
			s.Name, s.NameLatin, s.Kind = get("name"), get("name_latin"), supplier.Kind(strings.ToLower(get("kind")))
			if s.Kind == "" {
				s.Kind = supplier.KindManufacturer
			}
			s.Country, s.Address, s.Notes = get("country"), get("address"), get("notes")
			s.Categories = splitList(get("categories"))
			s.Contacts = contacts(get("contact_name"), get("contact_role"), get("contact_email"), get("contact_phone"))
			switch {
			case ref == "":
				bad(row, "ref", "is required for a supplier: the key its sites and certificates use in the column \"supplier\"")
				rowOK = false
			case supplierRefs[ref] != 0:
				bad(row, "ref", "“%s” is already the ref of the supplier in row %d", clipText(ref, 40), supplierRefs[ref])
				rowOK = false
			default:
				supplierRefs[ref] = row
			}
			if rowOK {
				b.Suppliers = append(b.Suppliers, r)
			}
		case RecordSite:
			r := SiteRow{Row: row, Ref: ref, SupplierRef: get("supplier")}
			s := &r.Site
			s.Name, s.NameLatin, s.Address, s.AddressLatin = get("name"), get("name_latin"), get("address"), get("address_latin")
			s.Country, s.Capacity, s.Notes = get("country"), get("capacity"), get("notes")
			s.Categories = splitList(get("categories"))
			s.Contacts = contacts(get("contact_name"), get("contact_role"), get("contact_email"), get("contact_phone"))
			if r.SupplierRef == "" {
				bad(row, "supplier", "is required: the ref of a supplier row, or the number of a supplier in qms")
				rowOK = false
			}
			if ref != "" {
				if siteRefs[ref] != 0 {
					bad(row, "ref", "“%s” is already the ref of the site in row %d", clipText(ref, 40), siteRefs[ref])
					rowOK = false
				} else {
					siteRefs[ref] = row
				}
			}
			if rowOK {
				b.Sites = append(b.Sites, r)
			}
		case RecordCertificate:
			r := CertificateRow{Row: row, SupplierRef: get("supplier"), SiteRefs: splitList(get("sites"))}
			c := &r.Certificate
			c.Kind = supplier.CertKind(strings.ToLower(get("cert_kind")))
			if c.Kind == "" {
				c.Kind = supplier.KindManagementSystem
			}
			c.Standard, c.Number = get("standard"), get("number")
			c.CertificationBody, c.AccreditationBody = get("certification_body"), get("accreditation_body")
			c.Scope, c.HolderName, c.HolderAddress = get("scope"), get("holder_name"), get("holder_address")
			c.IssueDate, c.ExpiryDate = date("issue_date"), date("expiry_date")
			c.OriginalDate, c.LastSurveillanceDate = date("original_date"), date("last_surveillance_date")
			if r.SupplierRef == "" {
				bad(row, "supplier", "is required: the ref of a supplier row, or the number of a supplier in qms")
				rowOK = false
			}
			if rowOK {
				b.Certificates = append(b.Certificates, r)
			}
		case "":
			bad(row, "record", "is empty: write supplier, site or certificate")
		default:
			bad(row, "record", "“%s” is not a kind of record: write supplier, site or certificate", clipText(kind, 40))
		}
	}
	// References within the file.
	for _, r := range b.Sites {
		if supplierRefs[r.SupplierRef] == 0 && !isNumber(r.SupplierRef) {
			bad(r.Row, "supplier", "“%s” is not the ref of a supplier row in this file, nor the number of a supplier", clipText(r.SupplierRef, 40))
		}
	}
	for _, r := range b.Certificates {
		if supplierRefs[r.SupplierRef] == 0 && !isNumber(r.SupplierRef) {
			bad(r.Row, "supplier", "“%s” is not the ref of a supplier row in this file, nor the number of a supplier", clipText(r.SupplierRef, 40))
		}
		for _, s := range r.SiteRefs {
			if siteRefs[s] == 0 && !isNumber(s) {
				bad(r.Row, "sites", "“%s” is not the ref of a site row in this file, nor the number of a site", clipText(s, 40))
			}
		}
	}
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Row - b.Row })
	return b, errs, nil
}

// separator guesses the field separator from the header line: a semicolon
// when it has semicolons and no commas, else a comma.
func separator(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(line, []byte(";")) > 0 && bytes.Count(line, []byte(",")) == 0 {
		return ';'
	}
	return ','
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
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

func isNumber(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0
}

// parseDate reads YYYY-MM-DD, also with / or . between the parts.
func parseDate(s string) (qms.Date, error) {
	return qms.ParseDate(strings.NewReplacer("/", "-", ".", "-").Replace(s))
}

// splitList splits a list separated by ";" (or ","), trimming and dropping
// empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// contacts builds contacts from the contact columns, each a list separated
// by "|", position by position.
func contacts(names, roles, emails, phones string) []supplier.Contact {
	n, r, e, p := splitBar(names), splitBar(roles), splitBar(emails), splitBar(phones)
	count := max(len(n), len(r), len(e), len(p))
	out := []supplier.Contact{}
	at := func(s []string, i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	for i := range count {
		out = append(out, supplier.Contact{Name: at(n, i), Role: at(r, i), Email: at(e, i), Phone: at(p, i)})
	}
	return out
}

func splitBar(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func clipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Refs of exported records.
func supplierRef(id int64) string { return "supplier-" + itoa(id) }
func siteRef(id int64) string     { return "site-" + itoa(id) }

// csvWriter writes the rows of an export.
type csvWriter struct {
	w *csv.Writer
}

// newCSVWriter starts an export: a byte order mark (so that spreadsheet
// programs read the names as UTF-8) and the header.
func newCSVWriter(w io.Writer) (*csvWriter, error) {
	if _, err := io.WriteString(w, "\xEF\xBB\xBF"); err != nil {
		return nil, err
	}
	cw := &csvWriter{w: csv.NewWriter(w)}
	return cw, cw.w.Write(Columns)
}

func (cw *csvWriter) row(vals map[string]string) error {
	rec := make([]string, len(Columns))
	for i, c := range Columns {
		rec[i] = vals[c]
	}
	return cw.w.Write(rec)
}

func contactColumns(vals map[string]string, cs []supplier.Contact) {
	var n, r, e, p []string
	for _, c := range cs {
		n, r, e, p = append(n, c.Name), append(r, c.Role), append(e, c.Email), append(p, c.Phone)
	}
	join := func(s []string) string {
		if strings.Join(s, "") == "" {
			return ""
		}
		return strings.Join(s, " | ")
	}
	vals["contact_name"], vals["contact_role"], vals["contact_email"], vals["contact_phone"] = join(n), join(r), join(e), join(p)
}

func (cw *csvWriter) supplier(s *supplier.Supplier) error {
	v := map[string]string{"record": RecordSupplier, "ref": supplierRef(s.ID), "status": string(s.Status), "name": s.Name,
		"name_latin": s.NameLatin, "kind": string(s.Kind), "country": s.Country, "address": s.Address,
		"categories": strings.Join(s.Categories, ";"), "notes": s.Notes}
	contactColumns(v, s.Contacts)
	return cw.row(v)
}

func (cw *csvWriter) site(s *supplier.Site) error {
	v := map[string]string{"record": RecordSite, "ref": siteRef(s.ID), "supplier": supplierRef(s.SupplierID), "name": s.Name,
		"name_latin": s.NameLatin, "country": s.Country, "address": s.Address, "address_latin": s.AddressLatin,
		"categories": strings.Join(s.Categories, ";"), "capacity": s.Capacity, "notes": s.Notes}
	contactColumns(v, s.Contacts)
	return cw.row(v)
}

func (cw *csvWriter) certificate(c *supplier.Certificate) error {
	sites := make([]string, len(c.SiteIDs))
	for i, id := range c.SiteIDs {
		sites[i] = siteRef(id)
	}
	return cw.row(map[string]string{"record": RecordCertificate, "supplier": supplierRef(c.SupplierID), "cert_kind": string(c.Kind),
		"standard": c.StandardName(), "number": c.Number, "certification_body": c.CertificationBody,
		"accreditation_body": c.AccreditationBody, "scope": c.Scope, "holder_name": c.HolderName, "holder_address": c.HolderAddress,
		"sites": strings.Join(sites, ";"), "issue_date": c.IssueDate.String(), "expiry_date": c.ExpiryDate.String(),
		"original_date": c.OriginalDate.String(), "last_surveillance_date": c.LastSurveillanceDate.String()})
}

func (cw *csvWriter) flush() error {
	cw.w.Flush()
	return cw.w.Error()
}
