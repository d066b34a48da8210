package web

import (
	"net/http"
	"strconv"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// The supplier portal: a supplier user's own supplier, sites and
// certificates, what the buyer still needs, and the form to submit a new
// certificate. Nothing of any other supplier is reachable from here.

type supplierPortalPage struct {
	layout
	Detail  *store.SupplierDetail // nil when the account's supplier is not in qms
	Missing []supplier.Check      // requirements not met, without the buyer's overrides
}

func (*supplierPortalPage) template() string { return "portal" }

// supplierPortal is the start page of supplier users; internal users go to
// the dashboard.
func (u *UI) supplierPortal(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	if qms.CanViewInternal(a) {
		http.Redirect(w, r, home(a), http.StatusSeeOther)
		return nil
	}
	p := &supplierPortalPage{layout: layout{Title: "Supplier portal"}}
	if a.SupplierID != nil {
		d, err := u.ops().SupplierDetail(r.Context(), *a.SupplierID)
		switch {
		case qms.ErrorKind(err) == qms.KindNotFound:
		case err != nil:
			return err
		case d.Supplier.VoidedAt == nil:
			p.Detail = d
			p.Title = d.Supplier.DisplayName()
			for _, c := range d.Gate.Checks {
				if !c.Met() {
					p.Missing = append(p.Missing, c)
				}
			}
		}
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// ownSupplier returns the supplier of a supplier user, or not found.
func (u *UI) ownSupplier(r *http.Request, a qms.Actor) (*supplier.Supplier, error) {
	if a.SupplierID == nil {
		return nil, qms.Errorf(qms.KindNotFound, "your account is not linked to a supplier")
	}
	s, err := u.ops().Supplier(r.Context(), *a.SupplierID)
	if err != nil {
		return nil, err
	}
	if s.VoidedAt != nil {
		return nil, qms.Errorf(qms.KindNotFound, "supplier not found")
	}
	return s, nil
}

// portalCertificateNew shows a supplier user the form to submit a certificate.
func (u *UI) portalCertificateNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	s, err := u.ownSupplier(r, a)
	if err != nil {
		return err
	}
	p := &certificateFormPage{layout: layout{Title: "Submit a certificate"}, Supplier: s, Portal: true,
		Form:   certForm{Kind: string(supplier.KindManagementSystem), HolderName: firstOf(s.NameLatin, s.Name)},
		Action: "/portal/certificates", Cancel: "/portal"}
	return u.showCertificateForm(w, r, http.StatusOK, p, nil)
}

// portalCertificateCreate submits a supplier user's certificate for review.
func (u *UI) portalCertificateCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	s, err := u.ownSupplier(r, a)
	if err != nil {
		return err
	}
	form := postedCertForm(r)
	p := qms.Problems{}
	c := form.certificate(p)
	c.SupplierID = s.ID
	err = p.Err()
	var scan *store.File
	if err == nil {
		scan, err = u.postedScan(r)
	}
	if err == nil {
		err = u.ops().CreateCertificateWithScan(r.Context(), &c, scan)
	}
	if err != nil {
		if _, _, _, ok := formError(err); !ok {
			return err
		}
		page := &certificateFormPage{layout: layout{Title: "Submit a certificate"}, Supplier: s, Portal: true, Form: form,
			Action: "/portal/certificates", Cancel: "/portal"}
		return u.showCertificateForm(w, r, 0, page, err)
	}
	u.redirect(w, r, "/portal/certificates/"+strconv.FormatInt(c.ID, 10), "success",
		"Thank you. The certificate was submitted; it counts once the buyer's quality team has reviewed it.")
	return nil
}

// portalCertificateShow shows a supplier user one of its certificates;
// internal users go to the certificate's page.
func (u *UI) portalCertificateShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := u.ops().Certificate(r.Context(), id)
	if err != nil {
		return err
	}
	if qms.CanViewInternal(a) {
		http.Redirect(w, r, certificatePath(id), http.StatusSeeOther)
		return nil
	}
	p := &certificatePage{layout: layout{Title: d.Certificate.StandardName() + " " + d.Certificate.Number}, D: d, Portal: true}
	if err := u.withScans(r, a, p); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}
