package supplierops

import (
	"context"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// ImportOptions control an import.
type ImportOptions struct {
	// DryRun checks every row against the database and reports every
	// problem, and writes nothing.
	DryRun bool
	// Progress, when set, is called after each record with the number of
	// records done and the total.
	Progress func(done, total int)
}

// ImportReport says what an import did, or would do.
type ImportReport struct {
	Rows         int        `json:"rows"`         // data rows read
	Suppliers    int        `json:"suppliers"`    // suppliers created (or that would be)
	Sites        int        `json:"sites"`        // sites created
	Certificates int        `json:"certificates"` // certificates created
	Errors       []RowError `json:"errors"`       // every problem found, by row
	Committed    bool       `json:"committed"`    // the records were written
	// StatusesIgnored counts supplier rows whose status column says
	// something other than prospect: new suppliers start as prospects and
	// are approved on their page, with a reason.
	StatusesIgnored int `json:"statuses_ignored"`
}

// errRollback ends the import transaction without writing anything.
var errRollback = errors.New("import: roll back")

// Import reads a CSV file of suppliers, sites and certificates (see
// Columns) and creates them all in one transaction, or none: when any row
// has a problem, or on a dry run, nothing is written and the report lists
// every problem with its row and column. Requires qms.CanApprove. Returns an
// error only when the import could not run (permission, a broken file
// stream, the database); problems of the file are in the report.
func (s *Service) Import(ctx context.Context, r io.Reader, opt ImportOptions) (*ImportReport, error) {
	if !qms.CanApprove(actor(ctx)) {
		return nil, forbidden("import suppliers")
	}
	b, errs, err := ParseCSV(r)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Rows: b.Rows, Errors: errs}
	for _, row := range b.Suppliers {
		if row.Status != "" && row.Status != supplier.StatusProspect {
			rep.StatusesIgnored++
		}
	}
	imp := &importer{b: b, rep: rep, opt: opt, total: len(b.Suppliers) + len(b.Sites) + len(b.Certificates),
		suppliers: map[string]int64{}, sites: map[string]int64{}, failed: map[string]int{}}
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := imp.run(tx); err != nil {
			return err
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
	if rep.Errors == nil {
		rep.Errors = []RowError{}
	}
	return rep, nil
}

type importer struct {
	b         *Batch
	rep       *ImportReport
	opt       ImportOptions
	done      int
	total     int
	suppliers map[string]int64 // supplier ref -> id
	sites     map[string]int64 // site ref -> id
	failed    map[string]int   // ref of a supplier or site row with problems -> its row ("site:" prefix for sites)
}

func (im *importer) progress() {
	im.done++
	if im.opt.Progress != nil {
		im.opt.Progress(im.done, im.total)
	}
}

// row runs one record's change inside a savepoint, so that a failed row
// leaves nothing behind and the transaction can go on checking the next.
// Problems of the record become row errors; other errors end the import.
func (im *importer) row(tx *store.Tx, row int, columns map[string]string, change func() error) (bool, error) {
	defer im.progress()
	if _, err := tx.Exec("SAVEPOINT import_row"); err != nil {
		return false, err
	}
	err := change()
	if err == nil {
		_, err = tx.Exec("RELEASE SAVEPOINT import_row")
		return err == nil, err
	}
	if _, rerr := tx.Exec("ROLLBACK TO SAVEPOINT import_row"); rerr != nil {
		return false, rerr
	}
	if _, rerr := tx.Exec("RELEASE SAVEPOINT import_row"); rerr != nil {
		return false, rerr
	}
	switch qms.ErrorKind(err) {
	case qms.KindInvalid, qms.KindConflict, qms.KindNotFound, qms.KindForbidden:
	default:
		return false, err
	}
	fields := qms.ErrorFields(err)
	if len(fields) == 0 {
		im.rep.Errors = append(im.rep.Errors, RowError{Row: row, Message: qms.ErrorMessage(err)})
		return false, nil
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		col := columns[f]
		if col == "" {
			col = columnOf(f)
		}
		im.rep.Errors = append(im.rep.Errors, RowError{Row: row, Column: col, Message: fields[f]})
	}
	return false, nil
}

// columnOf maps a field of a record's validation to the file's column.
func columnOf(field string) string {
	switch {
	case strings.HasPrefix(field, "contacts."):
		parts := strings.Split(field, ".")
		return "contact_" + parts[len(parts)-1]
	case field == "standard_version":
		return "standard"
	case field == "site_ids":
		return "sites"
	case field == "supplier_id":
		return "supplier"
	}
	return field
}

func (im *importer) fail(row int, col, msg string) {
	im.rep.Errors = append(im.rep.Errors, RowError{Row: row, Column: col, Message: msg})
}

// supplierID resolves a supplier reference: a supplier row of the file, or
// the number of an existing supplier.
func (im *importer) supplierID(row int, ref string) (int64, bool) {
	if id, ok := im.suppliers[ref]; ok {
		return id, true
	}
	if r, ok := im.failed[ref]; ok {
		im.fail(row, "supplier", "the supplier “"+ref+"” (row "+strconv.Itoa(r)+") has problems; fix them first")
		return 0, false
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return 0, false // reported by ParseCSV
	}
	return id, true
}

func (im *importer) run(tx *store.Tx) error {
	for i := range im.b.Suppliers {
		r := &im.b.Suppliers[i]
		sup := r.Supplier
		ok, err := im.row(tx, r.Row, nil, func() error { return tx.CreateSupplier(&sup) })
		if err != nil {
			return err
		}
		if ok {
			im.suppliers[r.Ref] = sup.ID
			im.rep.Suppliers++
		} else {
			im.failed[r.Ref] = r.Row
		}
	}
	for i := range im.b.Sites {
		r := &im.b.Sites[i]
		site := r.Site
		id, ok := im.supplierID(r.Row, r.SupplierRef)
		if ok {
			site.SupplierID = id
			ok, err := im.row(tx, r.Row, map[string]string{"supplier_id": "supplier"}, func() error {
				if _, err := tx.Supplier(id); err != nil {
					return &qms.Error{Kind: qms.KindNotFound, Message: "no such supplier",
						Fields: map[string]string{"supplier_id": "there is no supplier number " + strconv.FormatInt(id, 10)}}
				}
				return tx.CreateSite(&site)
			})
			if err != nil {
				return err
			}
			if ok {
				if r.Ref != "" {
					im.sites[r.Ref] = site.ID
				}
				im.rep.Sites++
				continue
			}
		} else {
			im.progress()
		}
		if r.Ref != "" {
			im.failed["site:"+r.Ref] = r.Row
		}
	}
	for i := range im.b.Certificates {
		r := &im.b.Certificates[i]
		c := r.Certificate
		id, ok := im.supplierID(r.Row, r.SupplierRef)
		for _, ref := range r.SiteRefs {
			if sid, found := im.sites[ref]; found {
				c.SiteIDs = append(c.SiteIDs, sid)
			} else if row, bad := im.failed["site:"+ref]; bad {
				im.fail(r.Row, "sites", "the site “"+ref+"” (row "+strconv.Itoa(row)+") has problems; fix them first")
				ok = false
			} else if n, err := strconv.ParseInt(ref, 10, 64); err == nil && n > 0 {
				c.SiteIDs = append(c.SiteIDs, n)
			} else {
				ok = false // reported by ParseCSV
			}
		}
		if !ok {
			im.progress()
			continue
		}
		c.SupplierID = id
		ok, err := im.row(tx, r.Row, map[string]string{"kind": "cert_kind"}, func() error {
			if _, err := tx.Supplier(id); err != nil {
				return &qms.Error{Kind: qms.KindNotFound, Message: "no such supplier",
					Fields: map[string]string{"supplier_id": "there is no supplier number " + strconv.FormatInt(id, 10)}}
			}
			return tx.CreateCertificate(&c)
		})
		if err != nil {
			return err
		}
		if ok {
			im.rep.Certificates++
		}
	}
	return nil
}

// Export writes the suppliers matching f (paging ignored), their active
// sites and their certificates (neither voided nor rejected) as CSV in the
// import format, and returns how many suppliers it wrote. A supplier user
// exports its own supplier only, without internal notes.
func (s *Service) Export(ctx context.Context, w io.Writer, f store.SupplierFilter) (int, error) {
	a := actor(ctx)
	if !a.Role.Valid() {
		return 0, forbidden("export suppliers")
	}
	cw, err := newCSVWriter(w)
	if err != nil {
		return 0, err
	}
	n := 0
	f.Offset, f.Limit = 0, store.MaxPageSize
	for {
		page, err := s.ListSuppliers(ctx, f)
		if err != nil {
			return n, err
		}
		ids := make([]int64, len(page.Items))
		for i := range page.Items {
			ids[i] = page.Items[i].ID
		}
		var sites []supplier.Site
		var certs []supplier.Certificate
		err = s.Store.View(ctx, func(tx *store.Tx) error {
			var err error
			if sites, err = tx.SitesOf(ids); err != nil {
				return err
			}
			certs, err = tx.CertificatesOf(ids)
			return err
		})
		if err != nil {
			return n, err
		}
		for i := range page.Items {
			sup := &page.Items[i]
			if external(a) {
				sup.Notes = ""
			}
			if err := cw.supplier(sup); err != nil {
				return n, err
			}
			n++
			for j := range sites {
				if sites[j].SupplierID == sup.ID {
					if external(a) {
						sites[j].Notes = ""
					}
					if err := cw.site(&sites[j]); err != nil {
						return n, err
					}
				}
			}
			for j := range certs {
				if certs[j].SupplierID == sup.ID {
					if err := cw.certificate(&certs[j]); err != nil {
						return n, err
					}
				}
			}
		}
		if err := cw.flush(); err != nil {
			return n, err
		}
		if page.Next == 0 {
			return n, nil
		}
		f.Offset = int(page.Next)
	}
}
