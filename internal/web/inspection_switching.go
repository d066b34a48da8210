package web

import (
	"net/http"
	"strconv"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// The switching state on the supplier page: the supplier page loads this
// panel (htmx) from GET /suppliers/{id}/switching, so that the supplier
// pages need one line to show it.

type switchingPanel struct {
	layout
	SupplierID int64
	Table      streamTable
}

func (*switchingPanel) template() string { return "switching_panel" }

// supplierSwitchingPanel is the fragment with the severity in force per
// product and class for a supplier, and why.
func (u *UI) supplierSwitchingPanel(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rows, err := u.insp().SupplierSwitching(r.Context(), id)
	if err != nil {
		return err
	}
	u.renderFragment(w, r, &switchingPanel{SupplierID: id,
		Table: streamTable{Streams: streamViews(rows), ByProduct: true, CanResume: qms.CanApprove(a), Back: supplierPath(id)}})
	return nil
}

// switchingResume resumes a discontinued stream at tightened inspection,
// with a reason (a quality manager, once the supplier has acted).
func (u *UI) switchingResume(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := r.PostForm
	p := qms.Problems{}
	sup := formInt64(p, f.Get("supplier_id"), "supplier_id")
	prod := formInt64(p, f.Get("product_id"), "product_id")
	back := localPath(f.Get("next"), productPath(prod))
	err := p.Err()
	if err == nil {
		err = u.insp().ResumeSwitching(r.Context(), sup, prod, inspection.DefectClass(f.Get("class")), f.Get("reason"))
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, back, "success", "Acceptance inspection resumed at tightened inspection for supplier "+strconv.FormatInt(sup, 10)+".")
	return nil
}
