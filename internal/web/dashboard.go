package web

import (
	"net/http"

	"qms/internal/qms"
	"qms/internal/store"
)

type dashboardPage struct {
	layout
	Links   []quickLink
	Modules []moduleCard
	Recent  []auditRow // the latest changes, for those who may see the audit log
}

func (*dashboardPage) template() string { return "dashboard" }

// dashboard is the start page of internal users; suppliers go to their portal.
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	if !qms.CanViewInternal(a) {
		http.Redirect(w, r, home(a), http.StatusSeeOther)
		return nil
	}
	p := &dashboardPage{layout: layout{Title: "Dashboard"}}
	for _, l := range quickLinks {
		if l.Allow(a) {
			p.Links = append(p.Links, l)
		}
	}
	for _, c := range moduleCards {
		if c.Allow(a) {
			p.Modules = append(p.Modules, c)
		}
	}
	if qms.CanViewAuditLog(a) {
		events, _, err := u.account.ListAudit(r.Context(), store.AuditFilter{Limit: 6})
		if err != nil {
			return err
		}
		p.Recent = auditRows(events, a)
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}
