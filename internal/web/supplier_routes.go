package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"qms/internal/qms"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

// The supplier pages: suppliers, sites, certificates, verifications,
// overrides, the expiring and approved lists, the supplier settings, the
// CSV import and export, and the supplier portal. Every read and change
// goes through package supplierops, which checks permissions and keeps
// supplier users to their own supplier: a record of another supplier is
// "not found" on every page.

// registerSuppliers adds the routes of the supplier pages. Pages about one
// record take any signed-in user and leave the decision to supplierops
// (not found for a supplier user's foreign record, forbidden for a role
// that may not act).
func (u *UI) registerSuppliers(mux router) {
	mux.Handle("GET /suppliers", u.guard(signedIn, u.supplierList))
	mux.Handle("GET /suppliers.csv", u.guard(signedIn, u.supplierCSV))
	mux.Handle("GET /suppliers/new", u.guard(qms.CanEditQualityRecords, u.supplierNew))
	mux.Handle("POST /suppliers", u.guard(qms.CanEditQualityRecords, u.supplierCreate))
	mux.Handle("GET /suppliers/import", u.guard(qms.CanApprove, u.importForm))
	mux.Handle("POST /suppliers/import", u.guardImport(qms.CanApprove, u.importRun))
	mux.Handle("GET /suppliers/{id}", u.guard(signedIn, u.supplierShow))
	mux.Handle("GET /suppliers/{id}/edit", u.guard(signedIn, u.supplierEdit))
	mux.Handle("POST /suppliers/{id}", u.guard(signedIn, u.supplierUpdate))
	mux.Handle("POST /suppliers/{id}/status", u.guard(signedIn, u.supplierStatus))
	mux.Handle("POST /suppliers/{id}/void", u.guard(signedIn, u.supplierVoid))
	mux.Handle("POST /suppliers/{id}/overrides", u.guard(signedIn, u.overrideCreate))
	mux.Handle("POST /overrides/{id}/void", u.guard(signedIn, u.overrideVoid))

	mux.Handle("GET /suppliers/{id}/sites/new", u.guard(signedIn, u.siteNew))
	mux.Handle("POST /suppliers/{id}/sites", u.guard(signedIn, u.siteCreate))
	mux.Handle("GET /sites/{id}/edit", u.guard(signedIn, u.siteEdit))
	mux.Handle("POST /sites/{id}", u.guard(signedIn, u.siteUpdate))
	mux.Handle("POST /sites/{id}/void", u.guard(signedIn, u.siteVoid))

	mux.Handle("GET /suppliers/{id}/certificates/new", u.guard(signedIn, u.certificateNew))
	mux.Handle("POST /suppliers/{id}/certificates", u.guard(signedIn, u.certificateCreate))
	mux.Handle("GET /certificates/expiring", u.guard(signedIn, u.expiringList))
	mux.Handle("GET /certificates/{id}", u.guard(signedIn, u.certificateShow))
	mux.Handle("GET /certificates/{id}/edit", u.guard(signedIn, u.certificateEdit))
	mux.Handle("POST /certificates/{id}", u.guard(signedIn, u.certificateUpdate))
	mux.Handle("POST /certificates/{id}/review", u.guard(signedIn, u.certificateReview))
	mux.Handle("POST /certificates/{id}/void", u.guard(signedIn, u.certificateVoid))
	mux.Handle("POST /certificates/{id}/verifications", u.guard(signedIn, u.verificationAdd))
	mux.Handle("POST /verifications/{id}/void", u.guard(signedIn, u.verificationVoid))

	mux.Handle("GET /approved-suppliers", u.guard(qms.CanViewInternal, u.approvedList))
	mux.Handle("GET /approved-suppliers.csv", u.guard(qms.CanViewInternal, u.approvedCSV))

	mux.Handle("GET /settings/suppliers", u.guard(qms.CanManageSettings, u.settingsShow))
	mux.Handle("POST /settings/suppliers", u.guard(qms.CanManageSettings, u.settingsUpdate))
	mux.Handle("POST /settings/categories", u.guard(qms.CanManageSettings, u.categoryCreate))
	mux.Handle("POST /settings/categories/{id}", u.guard(qms.CanManageSettings, u.categoryUpdate))
	mux.Handle("POST /settings/accreditation-bodies", u.guard(qms.CanManageSettings, u.abCreate))
	mux.Handle("POST /settings/accreditation-bodies/{id}", u.guard(qms.CanManageSettings, u.abUpdate))
	mux.Handle("POST /settings/requirements", u.guard(qms.CanManageSettings, u.requirementCreate))
	mux.Handle("POST /settings/requirements/{id}/void", u.guard(qms.CanManageSettings, u.requirementVoid))

	mux.Handle("GET /portal/certificates/new", u.guard(isExternal, u.portalCertificateNew))
	mux.Handle("POST /portal/certificates", u.guard(isExternal, u.portalCertificateCreate))
	mux.Handle("GET /portal/certificates/{id}", u.guard(signedIn, u.portalCertificateShow))
	u.registerScorecards(mux)
}

// router is where routes are registered: an *http.ServeMux.
type router interface {
	Handle(pattern string, h http.Handler)
}

// ops returns the supplier operations over the UI's store.
func (u *UI) ops() *supplierops.Service {
	return &supplierops.Service{Store: u.account.Store, Auth: u.auth}
}

func supplierPath(id int64) string    { return "/suppliers/" + strconv.FormatInt(id, 10) }
func certificatePath(id int64) string { return "/certificates/" + strconv.FormatInt(id, 10) }

// postedVersion reads the hidden version field of a form.
func postedVersion(r *http.Request) int64 {
	v, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	return v
}

// postedReason reads and checks a reason field.
func postedReason(r *http.Request, p qms.Problems, field string) string {
	s := strings.TrimSpace(r.PostForm.Get(field))
	qms.CheckText(p, field, strings.NewReplacer("\r\n", " ", "\n", " ").Replace(s), supplier.MaxReasonLen)
	return s
}

// actionFailed answers a failed POST from a record's page: a problem the
// user can fix goes back to the page as a flash message; anything else is
// returned for fail to answer.
func (u *UI) actionFailed(w http.ResponseWriter, r *http.Request, back string, err error) error {
	fields, msg, _, ok := formError(err)
	if !ok {
		return err
	}
	if len(fields) > 0 {
		var parts []string
		for _, f := range sortedKeys(fields) {
			parts = append(parts, f+": "+fields[f])
		}
		msg = strings.TrimSuffix(msg, ".") + ": " + strings.Join(parts, "; ")
	}
	u.redirect(w, r, back, "error", sentenceCase(msg))
	return nil
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	return string(r)
}

// pageOffset reads the ?page= parameter (1-based) into an offset.
func pageOffset(q url.Values, size int) (page, offset int) {
	page, _ = strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	if page > 100000 {
		page = 100000
	}
	return page, (page - 1) * size
}

// pageURL returns path with the query v and the given page.
func pageURL(path string, v url.Values, page int) string {
	c := cloneValues(v)
	c.Del("page")
	if page > 1 {
		c.Set("page", strconv.Itoa(page))
	}
	if len(c) == 0 {
		return path
	}
	return path + "?" + c.Encode()
}
