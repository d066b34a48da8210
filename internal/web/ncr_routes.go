package web

import (
	"net/http"
	"strconv"
	"strings"

	"qms/internal/capaops"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// The NCR and CAPA pages: the NCR list, raising an NCR (also in one click
// from a failed inspection), the NCR page with containment actions, the
// disposition split by quantity, the MRB approval signed with the
// password, the cost, the moves and voiding; the CAPA list with ageing,
// the CAPA page as an 8D (stage editor, review, due dates, effectiveness
// criterion with its evidence, internal notes, signed closure); the Pareto
// and cost of poor quality views; the NCR and 8D reports; and the supplier
// portal pages of corrective action requests. Every read and change of an
// NCR or CAPA goes through ncrops and capaops, which check permissions and
// keep supplier users to their own requests ("not found" for any other).

// registerNCRs adds the routes of the NCR and CAPA pages.
func (u *UI) registerNCRs(mux router) {
	mux.Handle("GET /ncrs", u.guard(qms.CanViewInternal, u.ncrList))
	mux.Handle("GET /ncrs/new", u.guard(qms.CanEditQualityRecords, u.ncrNew))
	mux.Handle("POST /ncrs", u.guard(qms.CanEditQualityRecords, u.ncrCreate))
	mux.Handle("GET /ncrs/pareto", u.guard(qms.CanViewInternal, u.ncrPareto))
	mux.Handle("GET /ncrs/cost", u.guard(qms.CanViewInternal, u.ncrCOPQ))
	mux.Handle("GET /ncrs/{id}", u.guard(qms.CanViewInternal, u.ncrShow))
	mux.Handle("POST /ncrs/{id}", u.guard(qms.CanViewInternal, u.ncrUpdate))
	mux.Handle("GET /ncrs/{id}/report", u.guard(qms.CanViewInternal, u.ncrReport))
	mux.Handle("GET /ncrs/{id}/report.pdf", u.guard(qms.CanViewInternal, u.ncrReportPDF))
	mux.Handle("POST /ncrs/{id}/actions", u.guard(qms.CanViewInternal, u.ncrActionAdd))
	mux.Handle("POST /ncrs/{id}/actions/{action}", u.guard(qms.CanViewInternal, u.ncrActionFinish))
	mux.Handle("POST /ncrs/{id}/disposition", u.guard(qms.CanViewInternal, u.ncrDisposition))
	mux.Handle("POST /ncrs/{id}/approve", u.guard(qms.CanViewInternal, u.ncrApprove))
	mux.Handle("POST /ncrs/{id}/cost", u.guard(qms.CanViewInternal, u.ncrCost))
	mux.Handle("POST /ncrs/{id}/move", u.guard(qms.CanViewInternal, u.ncrMove))
	mux.Handle("POST /inspections/{id}/ncr", u.guard(qms.CanEditQualityRecords, u.ncrRaise))

	mux.Handle("GET /capas", u.guard(qms.CanViewInternal, u.capaList))
	mux.Handle("GET /capas/new", u.guard(qms.CanEditQualityRecords, u.capaNew))
	mux.Handle("POST /capas", u.guard(qms.CanEditQualityRecords, u.capaCreate))
	mux.Handle("GET /capas/{id}", u.guard(qms.CanViewInternal, u.capaShow))
	mux.Handle("GET /capas/{id}/report", u.guard(signedIn, u.capaReport))
	mux.Handle("GET /capas/{id}/report.pdf", u.guard(signedIn, u.capaReportPDF))
	mux.Handle("POST /capas/{id}/stages/{stage}", u.guard(signedIn, u.capaStageSave))
	mux.Handle("POST /capas/{id}/stages/{stage}/review", u.guard(qms.CanViewInternal, u.capaStageReview))
	mux.Handle("POST /capas/{id}/stages/{stage}/due", u.guard(qms.CanViewInternal, u.capaStageDue))
	mux.Handle("POST /capas/{id}/criterion", u.guard(qms.CanViewInternal, u.capaCriterion))
	mux.Handle("POST /capas/{id}/evaluate", u.guard(qms.CanViewInternal, u.capaEvaluate))
	mux.Handle("POST /capas/{id}/notes", u.guard(qms.CanViewInternal, u.capaNote))
	mux.Handle("POST /capas/{id}/move", u.guard(qms.CanViewInternal, u.capaMove))
	mux.Handle("POST /capas/{id}/close", u.guard(qms.CanViewInternal, u.capaClose))
	mux.Handle("POST /capas/{id}/evidence", u.guardUpload(signedIn, u.capaEvidence))

	mux.Handle("GET /portal/scars", u.guard(signedIn, u.scarList))
	mux.Handle("GET /portal/scars/{id}", u.guard(signedIn, u.scarShow))
}

// ncrs returns the NCR operations over the UI's store.
func (u *UI) ncrs() *ncrops.Service { return &ncrops.Service{Store: u.account.Store, Auth: u.auth} }

// capas returns the CAPA operations over the UI's store.
func (u *UI) capas() *capaops.Service { return &capaops.Service{Store: u.account.Store, Auth: u.auth} }

func ncrPath(id int64) string  { return "/ncrs/" + strconv.FormatInt(id, 10) }
func capaPath(id int64) string { return "/capas/" + strconv.FormatInt(id, 10) }
func scarPath(id int64) string { return "/portal/scars/" + strconv.FormatInt(id, 10) }

// supplierNames returns the names of the suppliers an internal user may
// list, by id, and the list for filters.
func (u *UI) supplierNames(r *http.Request) (map[int64]string, []supplier.Supplier, error) {
	page, err := u.ops().ListSuppliers(r.Context(), store.SupplierFilter{Limit: store.MaxPageSize})
	if err != nil {
		return nil, nil, err
	}
	m := make(map[int64]string, len(page.Items))
	for i := range page.Items {
		m[page.Items[i].ID] = page.Items[i].DisplayName()
	}
	return m, page.Items, nil
}

// supplierName returns the name of one supplier the actor may see, or ""
// when there is none.
func (u *UI) supplierName(r *http.Request, id int64) string {
	if id == 0 {
		return ""
	}
	s, err := u.ops().Supplier(r.Context(), id)
	if err != nil {
		return "supplier " + strconv.FormatInt(id, 10)
	}
	return s.DisplayName()
}

// productName returns "SKU name" of a product an internal user may see, or
// "".
func (u *UI) productName(r *http.Request, id int64) string {
	if id == 0 {
		return ""
	}
	p, err := u.insp().Product(r.Context(), id)
	if err != nil {
		return "product " + strconv.FormatInt(id, 10)
	}
	return strings.TrimSpace(p.SKU + " " + p.Name)
}

// formLines splits a textarea into its non-empty trimmed lines.
func formLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// lineCells splits a line of a textarea list into n fields separated by "|"
// (missing fields are empty).
func lineCells(line string, n int) []string {
	parts := strings.SplitN(line, "|", n)
	for len(parts) < n {
		parts = append(parts, "")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
