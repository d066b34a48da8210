package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// certForm holds the certificate form as typed: dates stay text so that a
// wrong one comes back as it was entered.
type certForm struct {
	Kind, Standard, Number, CertificationBody, AccreditationBody, Scope string
	HolderName, HolderAddress                                           string
	IssueDate, ExpiryDate, OriginalDate, LastSurveillanceDate           string
	SiteIDs                                                             []int64
}

func certFormOf(c *supplier.Certificate) certForm {
	return certForm{Kind: string(c.Kind), Standard: c.StandardName(), Number: c.Number, CertificationBody: c.CertificationBody,
		AccreditationBody: c.AccreditationBody, Scope: c.Scope, HolderName: c.HolderName, HolderAddress: c.HolderAddress,
		IssueDate: c.IssueDate.String(), ExpiryDate: c.ExpiryDate.String(), OriginalDate: c.OriginalDate.String(),
		LastSurveillanceDate: c.LastSurveillanceDate.String(), SiteIDs: c.SiteIDs}
}

func postedCertForm(r *http.Request) certForm {
	f := r.PostForm
	c := certForm{Kind: f.Get("kind"), Standard: f.Get("standard"), Number: f.Get("number"), CertificationBody: f.Get("certification_body"),
		AccreditationBody: f.Get("accreditation_body"), Scope: f.Get("scope"), HolderName: f.Get("holder_name"),
		HolderAddress: f.Get("holder_address"), IssueDate: f.Get("issue_date"), ExpiryDate: f.Get("expiry_date"),
		OriginalDate: f.Get("original_date"), LastSurveillanceDate: f.Get("last_surveillance_date")}
	for _, s := range f["site_ids"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			c.SiteIDs = append(c.SiteIDs, id)
		}
	}
	return c
}

// certificate turns the form into a certificate, with a problem for each
// date that is not a date.
func (f certForm) certificate(p qms.Problems) supplier.Certificate {
	c := supplier.Certificate{Kind: supplier.CertKind(f.Kind), Standard: f.Standard, Number: f.Number, CertificationBody: f.CertificationBody,
		AccreditationBody: f.AccreditationBody, Scope: f.Scope, HolderName: f.HolderName, HolderAddress: f.HolderAddress, SiteIDs: f.SiteIDs}
	for _, d := range []struct {
		field, text string
		into        *qms.Date
	}{{"issue_date", f.IssueDate, &c.IssueDate}, {"expiry_date", f.ExpiryDate, &c.ExpiryDate},
		{"original_date", f.OriginalDate, &c.OriginalDate}, {"last_surveillance_date", f.LastSurveillanceDate, &c.LastSurveillanceDate}} {
		v, err := qms.ParseDate(d.text)
		if err != nil {
			p.Add(d.field, "must be a date such as 2027-03-31")
		}
		*d.into = v
	}
	return c
}

// siteChoice is a site checkbox of the certificate form.
type siteChoice struct {
	ID      int64
	Name    string
	Address string
	Checked bool
}

type certificateFormPage struct {
	layout
	Supplier    *supplier.Supplier
	Certificate *supplier.Certificate // nil for a new one
	Form        certForm
	Sites       []siteChoice
	Kinds       []supplier.CertKind
	Standards   []string // catalogue names to suggest
	Bodies      []string // accreditation body codes to suggest
	Action      string   // where the form posts
	Cancel      string
	Portal      bool // a supplier user's submission
	ScanUpload  bool // the form takes the scan (a multipart form)
	Version     int64
	Reason      string
	Errors      map[string]string
	Problem     string
}

func (*certificateFormPage) template() string { return "certificate_form" }

func (u *UI) showCertificateForm(w http.ResponseWriter, r *http.Request, code int, p *certificateFormPage, err error) error {
	ctx := r.Context()
	sites, serr := u.ops().Sites(ctx, p.Supplier.ID)
	if serr != nil {
		return serr
	}
	for _, s := range sites {
		checked := slices.Contains(p.Form.SiteIDs, s.ID)
		if s.VoidedAt != nil && !checked {
			continue
		}
		p.Sites = append(p.Sites, siteChoice{ID: s.ID, Name: s.DisplayName(), Address: firstOf(s.AddressLatin, s.Address), Checked: checked})
	}
	if p.Certificate == nil && u.files != nil {
		// A new certificate's form carries its scan: it posts as a
		// multipart form to the same path as the form's page.
		p.ScanUpload = true
		p.Action = strings.TrimSuffix(p.Action, "/certificates") + "/certificates/new"
	}
	p.Kinds = supplier.CertKinds
	for _, s := range supplier.Standards {
		if s.Current {
			p.Standards = append(p.Standards, s.Name())
		}
	}
	if !p.Portal {
		bodies, berr := u.ops().AccreditationBodies(ctx)
		if berr != nil {
			return berr
		}
		for _, b := range bodies {
			if b.Recognised {
				p.Bodies = append(p.Bodies, b.Code)
			}
		}
	}
	if err != nil {
		p.Errors, p.Problem, code, _ = formError(err)
	}
	u.render(w, r, code, p)
	return nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// certificateNew shows the form for a new certificate of a supplier.
func (u *UI) certificateNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	s, err := u.editableSupplier(r, a)
	if err != nil {
		return err
	}
	p := &certificateFormPage{layout: layout{Title: "New certificate for " + s.DisplayName()}, Supplier: s,
		Form:   certForm{Kind: string(supplier.KindManagementSystem), HolderName: firstOf(s.NameLatin, s.Name)},
		Action: supplierPath(s.ID) + "/certificates", Cancel: supplierPath(s.ID)}
	return u.showCertificateForm(w, r, http.StatusOK, p, nil)
}

// certificateCreate records a certificate of a supplier.
func (u *UI) certificateCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	form := postedCertForm(r)
	p := qms.Problems{}
	c := form.certificate(p)
	c.SupplierID = id
	err = p.Err()
	var scan *store.File
	if err == nil && r.MultipartForm != nil {
		// Another supplier's id is "not found" before any upload is stored.
		if _, serr := u.ops().Supplier(r.Context(), id); serr != nil {
			return serr
		}
		scan, err = u.postedScan(r)
	}
	if err == nil {
		err = u.ops().CreateCertificateWithScan(r.Context(), &c, scan)
	}
	if err != nil {
		if _, _, _, ok := formError(err); !ok {
			return err
		}
		s, serr := u.ops().Supplier(r.Context(), id)
		if serr != nil {
			return serr
		}
		page := &certificateFormPage{layout: layout{Title: "New certificate for " + s.DisplayName()}, Supplier: s, Form: form,
			Action: supplierPath(s.ID) + "/certificates", Cancel: supplierPath(s.ID)}
		return u.showCertificateForm(w, r, 0, page, err)
	}
	u.redirect(w, r, certificatePath(c.ID), "success", "Certificate "+c.StandardName()+" "+c.Number+" recorded.")
	return nil
}

// certificateEdit shows the form to change a certificate.
func (u *UI) certificateEdit(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := u.ops().Certificate(r.Context(), id)
	if err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return qms.Errorf(qms.KindForbidden, "Your role (%s) may not change certificates.", a.Role.Label())
	}
	c := d.Certificate
	p := &certificateFormPage{layout: layout{Title: "Edit " + c.StandardName() + " " + c.Number}, Supplier: &d.Supplier, Certificate: &c,
		Form: certFormOf(&c), Action: certificatePath(id), Cancel: certificatePath(id), Version: c.Version}
	return u.showCertificateForm(w, r, http.StatusOK, p, nil)
}

// certificateUpdate saves the certificate form.
func (u *UI) certificateUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	form := postedCertForm(r)
	p := qms.Problems{}
	c := form.certificate(p)
	c.ID = id
	reason := postedReason(r, p, "reason")
	err = p.Err()
	if err == nil {
		err = u.ops().UpdateCertificate(r.Context(), &c, postedVersion(r), reason)
	}
	if err != nil {
		if _, _, _, ok := formError(err); !ok {
			return err
		}
		d, derr := u.ops().Certificate(r.Context(), id)
		if derr != nil {
			return derr
		}
		cur := d.Certificate
		page := &certificateFormPage{layout: layout{Title: "Edit " + cur.StandardName() + " " + cur.Number}, Supplier: &d.Supplier,
			Certificate: &cur, Form: form, Action: certificatePath(id), Cancel: certificatePath(id), Version: postedVersion(r), Reason: reason}
		return u.showCertificateForm(w, r, 0, page, err)
	}
	u.redirect(w, r, certificatePath(id), "success", "Changes saved.")
	return nil
}
