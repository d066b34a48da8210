package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"qms/internal/qms"
	"qms/internal/supplier"
)

// contactRows is how many contact rows the supplier and site forms offer.
const contactRows = 3

// categoryChoice is a category checkbox of a form.
type categoryChoice struct {
	Code, Name string
	Checked    bool
}

func categoryChoices(all []supplier.Category, checked []string) []categoryChoice {
	var out []categoryChoice
	for _, c := range all {
		on := slices.Contains(checked, c.Code)
		if c.VoidedAt != nil && !on {
			continue
		}
		out = append(out, categoryChoice{Code: c.Code, Name: c.Name, Checked: on})
	}
	// Codes no longer in the list stay as they were.
	for _, code := range checked {
		if !slices.ContainsFunc(out, func(c categoryChoice) bool { return c.Code == code }) {
			out = append(out, categoryChoice{Code: code, Name: code, Checked: true})
		}
	}
	return out
}

// postedContacts reads the contact rows of a form.
func postedContacts(r *http.Request) []supplier.Contact {
	f := r.PostForm
	names, roles, emails, phones := f["contact_name"], f["contact_role"], f["contact_email"], f["contact_phone"]
	n := max(len(names), len(roles), len(emails), len(phones))
	at := func(s []string, i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	var out []supplier.Contact
	for i := range min(n, supplier.MaxContacts+1) {
		c := supplier.Contact{Name: at(names, i), Role: at(roles, i), Email: at(emails, i), Phone: at(phones, i)}
		if strings.TrimSpace(c.Name+c.Role+c.Email+c.Phone) != "" {
			out = append(out, c)
		}
	}
	return out
}

// contactForm pads contacts to the rows the form shows.
func contactForm(cs []supplier.Contact) []supplier.Contact {
	out := slices.Clone(cs)
	for len(out) < contactRows || len(out) < len(cs)+1 && len(out) < supplier.MaxContacts {
		out = append(out, supplier.Contact{})
	}
	return out
}

type supplierFormPage struct {
	layout
	Supplier   *supplier.Supplier // nil for a new supplier
	Form       supplier.Supplier
	Contacts   []supplier.Contact
	Categories []categoryChoice
	Kinds      []supplier.Kind
	Version    int64
	Reason     string
	Errors     map[string]string
	Problem    string
	CanVoid    bool
}

func (*supplierFormPage) template() string { return "supplier_form" }

func (u *UI) showSupplierForm(w http.ResponseWriter, r *http.Request, code int, cur *supplier.Supplier, form supplier.Supplier, version int64, reason string, err error) error {
	cats, cerr := u.ops().Categories(r.Context())
	if cerr != nil {
		return cerr
	}
	p := &supplierFormPage{layout: layout{Title: "New supplier"}, Supplier: cur, Form: form, Contacts: contactForm(form.Contacts),
		Categories: categoryChoices(cats, form.Categories), Kinds: supplier.Kinds, Version: version, Reason: reason}
	if cur != nil {
		p.Title = "Edit " + cur.DisplayName()
		a, _ := qms.ActorFrom(r.Context())
		p.CanVoid = qms.CanApprove(a)
	}
	if err != nil {
		p.Errors, p.Problem, code, _ = formError(err)
	}
	u.render(w, r, code, p)
	return nil
}

func postedSupplier(r *http.Request) supplier.Supplier {
	f := r.PostForm
	return supplier.Supplier{Name: f.Get("name"), NameLatin: f.Get("name_latin"), Kind: supplier.Kind(f.Get("kind")),
		Country: f.Get("country"), Address: f.Get("address"), Notes: f.Get("notes"), Categories: f["categories"],
		Contacts: postedContacts(r)}
}

// supplierNew shows the form for a new supplier.
func (u *UI) supplierNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.showSupplierForm(w, r, http.StatusOK, nil, supplier.Supplier{Kind: supplier.KindManufacturer}, 0, "", nil)
}

// supplierCreate creates a supplier (a prospect).
func (u *UI) supplierCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	s := postedSupplier(r)
	form := s
	if err := u.ops().CreateSupplier(r.Context(), &s); err != nil {
		if _, _, _, ok := formError(err); !ok {
			return err
		}
		return u.showSupplierForm(w, r, 0, nil, form, 0, "", err)
	}
	u.redirect(w, r, supplierPath(s.ID), "success", "Supplier "+s.DisplayName()+" created as a prospect. Add its sites and certificates.")
	return nil
}

// supplierEdit shows the form to change a supplier.
func (u *UI) supplierEdit(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := u.ops().Supplier(r.Context(), id)
	if err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return qms.Errorf(qms.KindForbidden, "Your role (%s) may not change suppliers.", a.Role.Label())
	}
	return u.showSupplierForm(w, r, http.StatusOK, s, *s, s.Version, "", nil)
}

// supplierUpdate saves the supplier form.
func (u *UI) supplierUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s := postedSupplier(r)
	s.ID = id
	form := s
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	err = p.Err()
	if err == nil {
		err = u.ops().UpdateSupplier(r.Context(), &s, postedVersion(r), reason)
	}
	if err != nil {
		if _, _, _, ok := formError(err); !ok {
			return err
		}
		cur, cerr := u.ops().Supplier(r.Context(), id)
		if cerr != nil {
			return cerr
		}
		return u.showSupplierForm(w, r, 0, cur, form, postedVersion(r), reason, err)
	}
	u.redirect(w, r, supplierPath(id), "success", "Changes saved.")
	return nil
}

// ---- Sites ----

type siteFormPage struct {
	layout
	Supplier   *supplier.Supplier
	Site       *supplier.Site // nil for a new site
	Form       supplier.Site
	Contacts   []supplier.Contact
	Categories []categoryChoice
	Version    int64
	Reason     string
	Errors     map[string]string
	Problem    string
	CanVoid    bool
}

func (*siteFormPage) template() string { return "site_form" }

func (u *UI) showSiteForm(w http.ResponseWriter, r *http.Request, code int, sup *supplier.Supplier, cur *supplier.Site, form supplier.Site, version int64, reason string, err error) error {
	cats, cerr := u.ops().Categories(r.Context())
	if cerr != nil {
		return cerr
	}
	p := &siteFormPage{layout: layout{Title: "New site of " + sup.DisplayName()}, Supplier: sup, Site: cur, Form: form,
		Contacts: contactForm(form.Contacts), Categories: categoryChoices(cats, form.Categories), Version: version, Reason: reason}
	if cur != nil {
		p.Title = "Edit " + cur.DisplayName()
		a, _ := qms.ActorFrom(r.Context())
		p.CanVoid = qms.CanApprove(a)
	}
	if err != nil {
		p.Errors, p.Problem, code, _ = formError(err)
	}
	u.render(w, r, code, p)
	return nil
}

func postedSite(r *http.Request) supplier.Site {
	f := r.PostForm
	return supplier.Site{Name: f.Get("name"), NameLatin: f.Get("name_latin"), Address: f.Get("address"), AddressLatin: f.Get("address_latin"),
		Country: f.Get("country"), Capacity: f.Get("capacity"), Notes: f.Get("notes"), Categories: f["categories"], Contacts: postedContacts(r)}
}

// editableSupplier loads the supplier of the path for a form that changes
// its records: not found unless visible, forbidden unless the role may edit.
func (u *UI) editableSupplier(r *http.Request, a qms.Actor) (*supplier.Supplier, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	s, err := u.ops().Supplier(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !qms.CanEditQualityRecords(a) {
		return nil, qms.Errorf(qms.KindForbidden, "Your role (%s) may not change suppliers' records.", a.Role.Label())
	}
	return s, nil
}

// siteNew shows the form for a new site of a supplier.
func (u *UI) siteNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	s, err := u.editableSupplier(r, a)
	if err != nil {
		return err
	}
	return u.showSiteForm(w, r, http.StatusOK, s, nil, supplier.Site{Country: s.Country, Categories: s.Categories}, 0, "", nil)
}

// siteCreate adds a site to a supplier.
func (u *UI) siteCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	site := postedSite(r)
	site.SupplierID = id
	form := site
	if err := u.ops().CreateSite(r.Context(), &site); err != nil {
		if _, _, _, ok := formError(err); !ok {
			return err
		}
		s, serr := u.ops().Supplier(r.Context(), id)
		if serr != nil {
			return serr
		}
		return u.showSiteForm(w, r, 0, s, nil, form, 0, "", err)
	}
	u.redirect(w, r, supplierPath(id)+"#sites", "success", "Site "+site.DisplayName()+" added.")
	return nil
}

// siteEdit shows the form to change a site.
func (u *UI) siteEdit(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	site, err := u.ops().Site(r.Context(), id)
	if err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return qms.Errorf(qms.KindForbidden, "Your role (%s) may not change sites.", a.Role.Label())
	}
	s, err := u.ops().Supplier(r.Context(), site.SupplierID)
	if err != nil {
		return err
	}
	return u.showSiteForm(w, r, http.StatusOK, s, site, *site, site.Version, "", nil)
}

// siteUpdate saves the site form.
func (u *UI) siteUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	site := postedSite(r)
	site.ID = id
	form := site
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	err = p.Err()
	if err == nil {
		err = u.ops().UpdateSite(r.Context(), &site, postedVersion(r), reason)
	}
	if err != nil {
		if _, _, _, ok := formError(err); !ok {
			return err
		}
		cur, cerr := u.ops().Site(r.Context(), id)
		if cerr != nil {
			return cerr
		}
		s, serr := u.ops().Supplier(r.Context(), cur.SupplierID)
		if serr != nil {
			return serr
		}
		return u.showSiteForm(w, r, 0, s, cur, form, postedVersion(r), reason, err)
	}
	u.redirect(w, r, supplierPath(site.SupplierID)+"#sites", "success", "Site "+site.DisplayName()+" saved.")
	return nil
}

// supplierVoid voids a supplier with a reason: it leaves every list; its
// records stay.
func (u *UI) supplierVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	err = p.Err()
	var s *supplier.Supplier
	if err == nil {
		s, err = u.ops().VoidSupplier(r.Context(), id, reason, postedVersion(r))
	}
	if err != nil {
		return u.actionFailed(w, r, supplierPath(id)+"/edit", err)
	}
	u.redirect(w, r, "/suppliers", "success", "Supplier "+s.DisplayName()+" voided. Its records stay in the history.")
	return nil
}

// siteVoid voids a site with a reason.
func (u *UI) siteVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	err = p.Err()
	var s *supplier.Site
	if err == nil {
		s, err = u.ops().VoidSite(r.Context(), id, reason, postedVersion(r))
	}
	if err != nil {
		return u.actionFailed(w, r, "/sites/"+strconv.FormatInt(id, 10)+"/edit", err)
	}
	u.redirect(w, r, supplierPath(s.SupplierID)+"#sites", "success", "Site "+s.DisplayName()+" voided.")
	return nil
}
