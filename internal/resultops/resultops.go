// Package resultops holds the operations on inspection results that the
// web UI, the JSON API and the command line share: third-party results
// imported from inspection agencies (one at a time, or a CSV or JSON file
// all-or-nothing with a dry run), lot results and their rejection rates
// and PPM per supplier, site, product, inspection kind and month, and the
// data of an inspection's report (the inspection with its records and
// photos, for package inspectionreport).
//
// Each operation takes the actor from the context (qms.WithActor; the
// command line acts as qms.System) and checks it with the qms.Can* rules.
// Supplier isolation lives here: a supplier user sees only its own
// supplier's results, rates and reports, and another supplier's record is
// "not found", never "forbidden".
//
// The package must not import net/http, package web or package api.
package resultops

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
)

// Service performs the result operations.
type Service struct {
	Store *store.Store
}

// OwnerLotResult is the owner type of the files attached to lot results
// (an agency's report).
const OwnerLotResult = "lot_result"

func actor(ctx context.Context) qms.Actor {
	a, _ := qms.ActorFrom(ctx)
	return a
}

func forbidden(what string) error { return qms.Errorf(qms.KindForbidden, "your role may not %s", what) }

func notFound(what string) error { return qms.Errorf(qms.KindNotFound, "%s not found", what) }

// Imported is a stored third-party result and what it did to the
// switching streams.
type Imported struct {
	Row       int                    `json:"row,omitempty"`
	LotResult inspection.LotResult   `json:"lot_result"`
	Switching store.SwitchingOutcome `json:"switching"`
}

// ImportOptions control an import.
type ImportOptions struct {
	// DryRun checks every row against the database, reports every problem
	// and writes nothing.
	DryRun bool
}

// ImportReport says what an import did, or would do.
type ImportReport struct {
	Rows      int        `json:"rows"`      // results read
	Imported  []Imported `json:"imported"`  // results stored (or that would be)
	Errors    []RowError `json:"errors"`    // every problem found, by row
	Committed bool       `json:"committed"` // the results were written
}

var errRollback = errors.New("resultops: roll back")

// Record imports one third-party result (ThirdParty), audited, with its
// effect on the switching streams. Requires qms.CanEditQualityRecords.
// Returns forbidden, invalid (field errors named by ThirdParty's JSON
// names) or conflict (the agency's report is already imported).
func (s *Service) Record(ctx context.Context, t ThirdParty) (*Imported, error) {
	rep, err := s.Import(ctx, CheckRows([]Row{{Row: 1, Result: t}}), ImportOptions{})
	if err != nil {
		return nil, err
	}
	if len(rep.Errors) > 0 {
		p := qms.Problems{}
		conflict := ""
		for _, e := range rep.Errors {
			if e.Column == "report_no" && strings.Contains(e.Message, "already imported") {
				conflict = e.Message
			}
			p.Add(cmpOr(e.Column, "result"), e.Message)
		}
		if conflict != "" {
			return nil, qms.Errorf(qms.KindConflict, "%s", conflict)
		}
		return nil, &qms.Error{Kind: qms.KindInvalid, Message: "The result cannot be imported", Fields: p}
	}
	return &rep.Imported[0], nil
}

// Import stores a parsed import (ParseCSV, ParseJSON) in one transaction,
// or nothing: when any row has a problem (the parser's or the records'),
// or on a dry run, nothing is written and the report lists every problem
// by row and column. Each result is stored as a lot result, audited, with
// its report file attached and its effect on the switching streams
// (store.Tx.AdvanceStreamsThirdParty). Requires
// qms.CanEditQualityRecords. Returns an error only when the import could
// not run (permission, the database).
func (s *Service) Import(ctx context.Context, b *Batch, opt ImportOptions) (*ImportReport, error) {
	if !qms.CanEditQualityRecords(actor(ctx)) {
		return nil, forbidden("import inspection results")
	}
	rep := &ImportReport{Rows: b.Read, Imported: []Imported{}, Errors: append([]RowError{}, b.Errors...)}
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		im := importer{tx: tx, rep: rep, seen: map[string]int{}}
		for _, r := range b.Rows {
			if err := im.row(r); err != nil {
				return err
			}
		}
		if opt.DryRun || len(rep.Errors) > 0 {
			return errRollback
		}
		return nil
	})
	switch {
	case errors.Is(err, errRollback):
	case err != nil:
		return nil, err
	default:
		rep.Committed = true
	}
	sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Row < rep.Errors[j].Row })
	return rep, nil
}

type importer struct {
	tx   *store.Tx
	rep  *ImportReport
	seen map[string]int // agency + report number -> row, within the import
}

func (im *importer) fail(row int, col, msg string) {
	im.rep.Errors = append(im.rep.Errors, RowError{Row: row, Column: col, Message: msg})
}

// row imports one result inside a savepoint, so that a failed row leaves
// nothing behind and the next rows are still checked.
func (im *importer) row(r Row) error {
	tx := im.tx
	t := r.Result
	before := len(im.rep.Errors)
	supplierID := im.supplier(r.Row, t.Supplier)
	var siteID, productID int64
	if supplierID > 0 {
		siteID = im.site(r.Row, supplierID, t.Site)
	}
	productID = im.product(r.Row, t.Product)
	if t.ReportNo != "" {
		key := strings.ToLower(strings.TrimSpace(t.Agency)) + "\x00" + strings.TrimSpace(t.ReportNo)
		if prev, ok := im.seen[key]; ok {
			im.fail(r.Row, "report_no", fmt.Sprintf("report %s of %s is already in row %d of this import", t.ReportNo, t.Agency, prev))
		} else {
			im.seen[key] = r.Row
			id, err := tx.LotResultByReport(t.Agency, t.ReportNo)
			switch {
			case err == nil:
				im.fail(r.Row, "report_no", fmt.Sprintf("report %s of %s is already imported as lot result %d", t.ReportNo, t.Agency, id))
			case qms.ErrorKind(err) != qms.KindNotFound:
				return err
			}
		}
	}
	if r.Invalid || len(im.rep.Errors) > before {
		return nil
	}
	lr := t.lotResult(supplierID, siteID, productID)
	if _, err := tx.Exec("SAVEPOINT import_row"); err != nil {
		return err
	}
	var out store.SwitchingOutcome
	err := tx.InsertLotResult(&lr)
	if err == nil && t.ReportFileID > 0 {
		if _, ferr := tx.AttachFile(t.ReportFileID, OwnerLotResult, lr.ID); ferr != nil {
			err = fileProblem(ferr, t.ReportFileID)
		}
	}
	if err == nil {
		out, err = tx.AdvanceStreamsThirdParty(&lr)
	}
	if err == nil {
		_, err = tx.Exec("RELEASE SAVEPOINT import_row")
		if err == nil {
			im.rep.Imported = append(im.rep.Imported, Imported{Row: r.Row, LotResult: lr, Switching: out})
		}
		return err
	}
	if _, rerr := tx.Exec("ROLLBACK TO SAVEPOINT import_row"); rerr != nil {
		return rerr
	}
	if _, rerr := tx.Exec("RELEASE SAVEPOINT import_row"); rerr != nil {
		return rerr
	}
	switch qms.ErrorKind(err) {
	case qms.KindInvalid, qms.KindConflict, qms.KindNotFound, qms.KindForbidden:
	default:
		return err
	}
	fields := qms.ErrorFields(err)
	if len(fields) == 0 {
		im.fail(r.Row, "", qms.ErrorMessage(err))
		return nil
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		im.fail(r.Row, columnOf(f), fields[f])
	}
	return nil
}

func fileProblem(err error, id int64) error {
	switch qms.ErrorKind(err) {
	case qms.KindInvalid, qms.KindConflict, qms.KindNotFound:
		return &qms.Error{Kind: qms.KindInvalid, Message: "The report file cannot be attached",
			Fields: map[string]string{"report_file_id": fmt.Sprintf("file %d: %s", id, qms.ErrorMessage(err))}}
	}
	return err
}

// supplier resolves a supplier reference: its number or its name.
func (im *importer) supplier(row int, ref string) int64 {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		sup, err := im.tx.Supplier(id)
		if err != nil || sup.VoidedAt != nil {
			im.fail(row, "supplier", fmt.Sprintf("there is no supplier number %d", id))
			return 0
		}
		return id
	}
	id, err := im.tx.SupplierByName(ref)
	if err != nil {
		im.fail(row, "supplier", qms.ErrorMessage(err))
		return 0
	}
	return id
}

// site resolves a site reference among the supplier's sites in use: its
// number or its name (or Latin name), ignoring case.
func (im *importer) site(row int, supplierID int64, ref string) int64 {
	ref = strings.TrimSpace(ref)
	sites, err := im.tx.Sites(supplierID)
	if err != nil {
		im.fail(row, "site", qms.ErrorMessage(err))
		return 0
	}
	id, _ := strconv.ParseInt(ref, 10, 64)
	var found []int64
	for _, st := range sites {
		if st.VoidedAt != nil {
			continue
		}
		if st.ID == id || strings.EqualFold(st.Name, ref) || strings.EqualFold(st.NameLatin, ref) {
			found = append(found, st.ID)
		}
	}
	switch len(found) {
	case 1:
		return found[0]
	case 0:
		im.fail(row, "site", fmt.Sprintf("the supplier has no site “%s”: give the site's number or its name", clip(ref)))
	default:
		im.fail(row, "site", fmt.Sprintf("the supplier has several sites named “%s”: give the site's number", clip(ref)))
	}
	return 0
}

// product resolves a product reference: its SKU, or "#" and its number.
func (im *importer) product(row int, ref string) int64 {
	ref = strings.TrimSpace(ref)
	if n, ok := strings.CutPrefix(ref, "#"); ok {
		id, err := strconv.ParseInt(n, 10, 64)
		if err == nil && id > 0 {
			if p, err := im.tx.Product(id); err == nil && p.VoidedAt == nil {
				return id
			}
		}
		im.fail(row, "product", fmt.Sprintf("there is no product number %s", clip(n)))
		return 0
	}
	p, err := im.tx.ProductBySKU(ref)
	if err != nil || p.VoidedAt != nil {
		im.fail(row, "product", fmt.Sprintf("there is no product with the SKU “%s”", clip(ref)))
		return 0
	}
	return p.ID
}
