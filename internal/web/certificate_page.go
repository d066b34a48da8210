package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

type certificatePage struct {
	layout
	D          *store.CertificateDetail
	Methods    []supplier.Method
	Results    []supplier.Result
	Today      string
	CanEdit    bool // change the certificate, add verifications
	CanApprove bool // review, void
	Portal     bool // a supplier user's view
	Scans      []scanView
	CanAddScan bool // upload a scan here (certificate_scan.go)
}

// withScans adds the certificate's scans, and whether a may add one, to p.
func (u *UI) withScans(r *http.Request, a qms.Actor, p *certificatePage) error {
	files, err := u.ops().Scans(r.Context(), p.D.Certificate.ID)
	if err != nil {
		return err
	}
	p.Scans = scanViews(files)
	p.CanAddScan = u.files != nil && supplierops.CanAddScan(a, &p.D.Certificate) && p.D.Supplier.VoidedAt == nil
	return nil
}

func (*certificatePage) template() string { return "certificate" }

// certificateShow is a certificate's page: its derived status and red flags
// in plain words, its details and covered sites, its verification records
// and the review. A supplier user sees its own certificates in the portal.
func (u *UI) certificateShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := u.ops().Certificate(r.Context(), id)
	if err != nil {
		return err
	}
	if !qms.CanViewInternal(a) {
		http.Redirect(w, r, "/portal/certificates/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
	active := d.Certificate.VoidedAt == nil && d.Supplier.VoidedAt == nil
	p := &certificatePage{layout: layout{Title: d.Certificate.StandardName() + " " + d.Certificate.Number}, D: d,
		Methods: supplier.Methods, Results: supplier.Results, Today: qms.DateOf(time.Now().UTC()).String(),
		CanEdit: qms.CanEditQualityRecords(a) && active, CanApprove: qms.CanApprove(a) && active}
	if err := u.withScans(r, a, p); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// certificateReview accepts or rejects a submitted certificate.
func (u *UI) certificateReview(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	note := postedReason(r, p, "note")
	err = p.Err()
	var c *supplier.Certificate
	if err == nil {
		c, err = u.ops().ReviewCertificate(r.Context(), id, supplier.Review(r.PostForm.Get("review")), note, postedVersion(r))
	}
	if err != nil {
		return u.actionFailed(w, r, certificatePath(id), err)
	}
	u.redirect(w, r, certificatePath(id), "success", "The certificate is "+string(c.Review)+".")
	return nil
}

// certificateVoid voids a certificate with a reason.
func (u *UI) certificateVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	err = p.Err()
	var c *supplier.Certificate
	if err == nil {
		c, err = u.ops().VoidCertificate(r.Context(), id, reason, postedVersion(r))
	}
	if err != nil {
		return u.actionFailed(w, r, certificatePath(id), err)
	}
	u.redirect(w, r, supplierPath(c.SupplierID), "success", "Certificate "+c.Number+" voided: it no longer counts for anything.")
	return nil
}

// verificationAdd records a check of a certificate.
func (u *UI) verificationAdd(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	p := qms.Problems{}
	v := &supplier.Verification{CertificateID: id, Method: supplier.Method(f.Get("method")), Result: supplier.Result(f.Get("result")),
		Note: postedReason(r, p, "note")}
	if v.CheckedOn, err = qms.ParseDate(f.Get("checked_on")); err != nil {
		p.Add("checked_on", "must be a date such as 2026-11-27")
	}
	err = p.Err()
	if err == nil {
		err = u.ops().AddVerification(r.Context(), v)
	}
	if err != nil {
		return u.actionFailed(w, r, certificatePath(id)+"#verifications", err)
	}
	u.redirect(w, r, certificatePath(id)+"#verifications", "success", "Verification recorded: "+v.Result.Label()+".")
	return nil
}

// verificationVoid voids a wrong verification record.
func (u *UI) verificationVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	back := localPath(r.PostForm.Get("next"), "/certificates/expiring")
	err = p.Err()
	var v *supplier.Verification
	if err == nil {
		v, err = u.ops().VoidVerification(r.Context(), id, reason)
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, certificatePath(v.CertificateID)+"#verifications", "success", "The verification record was voided.")
	return nil
}

// ---- Expiring certificates ----

const expiringPerPage = 50

type expiringPage struct {
	layout
	Within   string
	Default  int // the configured warning period
	Items    []expiringRow
	Total    int
	Page     int
	PrevURL  string
	NextURL  string
	Errors   map[string]string
	Internal bool
}

func (*expiringPage) template() string { return "expiring" }

// expiringRow is a certificate on the expiring list.
type expiringRow struct {
	store.CertificateView
	When string // "in 12 days", "expired 3 days ago"
}

// daysText says in words how far the expiry date is from today.
func daysText(left *int) string {
	switch {
	case left == nil:
		return ""
	case *left < -1:
		return "expired " + strconv.Itoa(-*left) + " days ago"
	case *left == -1:
		return "expired yesterday"
	case *left == 0:
		return "last valid day today"
	case *left == 1:
		return "in 1 day"
	}
	return "in " + strconv.Itoa(*left) + " days"
}

// expiringList lists the certificates expiring within a period (the
// configured warning period by default) and every expired one, soonest
// and longest expired first: expired certificates never drop off it.
func (u *UI) expiringList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	if !qms.CanViewInternal(a) {
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	set, err := u.ops().Settings(ctx)
	if err != nil {
		return err
	}
	p := &expiringPage{layout: layout{Title: "Expiring certificates"}, Within: strings.TrimSpace(r.Form.Get("within")),
		Default: set.ExpiryWarningDays, Internal: true}
	within := 0
	if p.Within != "" {
		n, err := strconv.Atoi(p.Within)
		if err != nil || n < 1 || n > 3660 {
			p.Errors = map[string]string{"within": "must be a number of days from 1 to 3660"}
			u.render(w, r, http.StatusBadRequest, p)
			return nil
		}
		within = n
	}
	var offset int
	p.Page, offset = pageOffset(r.Form, expiringPerPage)
	page, err := u.ops().Expiring(ctx, store.ExpiringFilter{Within: within, Offset: offset, Limit: expiringPerPage})
	if err != nil {
		return err
	}
	for _, c := range page.Items {
		p.Items = append(p.Items, expiringRow{CertificateView: c, When: daysText(c.Status.DaysLeft)})
	}
	p.Total = page.Total
	v := url.Values{}
	if p.Within != "" {
		v.Set("within", p.Within)
	}
	if page.Next != 0 {
		p.NextURL = pageURL("/certificates/expiring", v, p.Page+1)
	}
	if p.Page > 1 {
		p.PrevURL = pageURL("/certificates/expiring", v, p.Page-1)
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}
