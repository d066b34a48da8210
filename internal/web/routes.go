package web

import (
	"net/http"

	"qms/internal/qms"
)

// Register adds the routes of the web interface to mux. Each page names the
// rule that decides who may open it.
func (u *UI) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/{path...}", u.assets)

	mux.HandleFunc("GET /login", u.loginForm)
	mux.HandleFunc("POST /login", u.login)
	mux.HandleFunc("POST /logout", u.logout)

	mux.Handle("GET /{$}", u.guard(signedIn, u.dashboard))
	mux.Handle("GET /portal", u.guard(signedIn, u.supplierPortal))

	mux.Handle("GET /users", u.guard(qms.CanListUsers, u.userList))
	mux.Handle("GET /users/new", u.guard(qms.CanManageUsers, u.userNew))
	mux.Handle("POST /users", u.guard(qms.CanManageUsers, u.userCreate))
	mux.Handle("GET /users/{id}", u.guard(qms.CanListUsers, u.userShow))
	mux.Handle("POST /users/{id}", u.guard(qms.CanManageUsers, u.userUpdate))
	mux.Handle("POST /users/{id}/disable", u.guard(qms.CanManageUsers, u.userSetDisabled(true)))
	mux.Handle("POST /users/{id}/enable", u.guard(qms.CanManageUsers, u.userSetDisabled(false)))
	mux.Handle("POST /users/{id}/password", u.guard(qms.CanManageUsers, u.userResetPassword))

	mux.Handle("GET /account", u.guard(signedIn, u.accountShow))
	mux.Handle("POST /account/password", u.guard(signedIn, u.passwordChange))
	mux.Handle("POST /account/tokens", u.guard(signedIn, u.tokenCreate))
	mux.Handle("POST /tokens/{id}/revoke", u.guard(signedIn, u.tokenRevoke))

	mux.Handle("GET /audit", u.guard(qms.CanViewAuditLog, u.auditList))

	mux.Handle("GET /sampling", u.guard(qms.CanViewInternal, u.samplingPage))
	mux.Handle("GET /sampling/card", u.guard(qms.CanViewInternal, u.samplingCard))
	u.registerSuppliers(mux)
	u.registerCertificateScans(mux)
	u.registerSupplierReports(mux)
	u.registerFiles(mux)
	u.registerResults(mux)
	u.registerNotifications(mux)
	u.registerInspections(mux)
	u.registerNCRs(mux)
	u.registerQualitySystem(mux)
	u.registerQAudits(mux)
	u.registerDocuments(mux)

	mux.HandleFunc("/", u.notFound)
}
