package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"qms/internal/qms"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

// The supplier settings (administrators): the thresholds of the
// certificate rules, product categories, accreditation bodies and
// certificate requirements. And the CSV import of suppliers.

type supplierSettingsPage struct {
	layout
	Settings     *supplier.Settings
	Categories   []supplier.Category
	Bodies       []supplier.AccreditationBody
	Requirements []supplier.Requirement
	Standards    []string
	Tiers        *tierForm         // the scorecard tier thresholds (supplier_scorecard.go)
	Errors       map[string]string // of the form named by Form
	Form         string            // which form the errors belong to
}

func (*supplierSettingsPage) template() string { return "supplier_settings" }

// ErrorsFor returns the field errors if they belong to the named form.
func (p *supplierSettingsPage) ErrorsFor(form string) map[string]string {
	if p.Form != form {
		return nil
	}
	return p.Errors
}

func (u *UI) showSettings(w http.ResponseWriter, r *http.Request, code int, form string, err error) error {
	ctx := r.Context()
	p := &supplierSettingsPage{layout: layout{Title: "Supplier settings"}, Form: form}
	var e error
	if p.Settings, e = u.ops().Settings(ctx); e != nil {
		return e
	}
	p.Bodies = p.Settings.AccreditationBodies
	if p.Categories, e = u.ops().Categories(ctx); e != nil {
		return e
	}
	if p.Requirements, e = u.ops().Requirements(ctx); e != nil {
		return e
	}
	if p.Tiers, e = u.scorecardTiers(r); e != nil {
		return e
	}
	for _, s := range supplier.Standards {
		if s.Current {
			p.Standards = append(p.Standards, s.Code)
		}
	}
	if err != nil {
		var msg string
		p.Errors, msg, code, _ = formError(err)
		if len(p.Errors) == 0 {
			p.Flash = &flash{Kind: "error", Message: sentenceCase(msg)}
		}
	}
	u.render(w, r, code, p)
	return nil
}

// settingsShow shows the supplier settings.
func (u *UI) settingsShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.showSettings(w, r, http.StatusOK, "", nil)
}

// settingsDone answers a settings form: the page again with the problem,
// or a redirect with a message.
func (u *UI) settingsDone(w http.ResponseWriter, r *http.Request, form, anchor, msg string, err error) error {
	if err != nil {
		if _, _, _, ok := formError(err); !ok {
			return err
		}
		return u.showSettings(w, r, 0, form, err)
	}
	u.redirect(w, r, "/settings/suppliers#"+anchor, "success", msg)
	return nil
}

func formInt(r *http.Request, p qms.Problems, field string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(field)))
	if err != nil {
		p.Add(field, "must be a whole number")
	}
	return n
}

// settingsUpdate changes the thresholds of the certificate rules.
func (u *UI) settingsUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p := qms.Problems{}
	set := &supplier.Settings{ExpiryWarningDays: formInt(r, p, "expiry_warning_days"), MaxValidityYears: formInt(r, p, "max_validity_years"),
		SurveillanceMonths: formInt(r, p, "surveillance_months"), VerificationMaxAgeMonths: formInt(r, p, "verification_max_age_months")}
	reason := postedReason(r, p, "reason")
	err := p.Err()
	if err == nil {
		err = u.ops().UpdateSettings(r.Context(), set, postedVersion(r), reason)
	}
	return u.settingsDone(w, r, "thresholds", "thresholds", "Settings saved.", err)
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// categoryCreate adds a product category.
func (u *UI) categoryCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := r.PostForm
	c := &supplier.Category{Code: f.Get("code"), Name: f.Get("name"), Keywords: splitLines(f.Get("keywords"))}
	err := u.ops().CreateCategory(r.Context(), c)
	return u.settingsDone(w, r, "category", "categories", "Category "+c.Name+" added.", err)
}

// categoryUpdate changes a category's name and keywords, or voids it.
func (u *UI) categoryUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	if err := p.Err(); err != nil {
		return u.settingsDone(w, r, "category-"+strconv.FormatInt(id, 10), "categories", "", err)
	}
	if f.Get("void") != "" {
		err = u.ops().VoidCategory(r.Context(), id, reason, postedVersion(r))
		return u.settingsDone(w, r, "category-"+strconv.FormatInt(id, 10), "categories", "Category voided.", err)
	}
	c := &supplier.Category{ID: id, Name: f.Get("name"), Keywords: splitLines(f.Get("keywords"))}
	err = u.ops().UpdateCategory(r.Context(), c, postedVersion(r), reason)
	return u.settingsDone(w, r, "category-"+strconv.FormatInt(id, 10), "categories", "Category "+c.Name+" saved.", err)
}

func postedAB(r *http.Request) *supplier.AccreditationBody {
	f := r.PostForm
	return &supplier.AccreditationBody{Code: f.Get("code"), Name: f.Get("name"), Country: f.Get("country"),
		Recognised: f.Get("recognised") == "1", Aliases: splitLines(f.Get("aliases")), Note: f.Get("note")}
}

// abCreate adds an accreditation body.
func (u *UI) abCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	ab := postedAB(r)
	err := u.ops().CreateAccreditationBody(r.Context(), ab)
	return u.settingsDone(w, r, "ab", "bodies", "Accreditation body "+ab.Code+" added.", err)
}

// abUpdate changes an accreditation body, recognising it or not.
func (u *UI) abUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ab := postedAB(r)
	ab.ID = id
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	err = p.Err()
	if err == nil {
		err = u.ops().UpdateAccreditationBody(r.Context(), ab, postedVersion(r), reason)
	}
	return u.settingsDone(w, r, "ab-"+strconv.FormatInt(id, 10), "bodies", "Accreditation body "+ab.Code+" saved.", err)
}

// requirementCreate adds a certificate requirement.
func (u *UI) requirementCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := r.PostForm
	req := &supplier.Requirement{Standard: f.Get("standard"), Category: f.Get("category"), Market: f.Get("market"), Note: f.Get("note")}
	err := u.ops().CreateRequirement(r.Context(), req)
	return u.settingsDone(w, r, "requirement", "requirements", "Requirement added: "+req.Describe()+".", err)
}

// requirementVoid ends a certificate requirement.
func (u *UI) requirementVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	err = p.Err()
	if err == nil {
		_, err = u.ops().VoidRequirement(r.Context(), id, reason, postedVersion(r))
	}
	return u.settingsDone(w, r, "requirement-"+strconv.FormatInt(id, 10), "requirements", "The requirement no longer applies.", err)
}

// ---- CSV import ----

// maxImportBytes bounds an uploaded import file.
const maxImportBytes = 32 << 20

type importPage struct {
	layout
	Report  *supplierops.ImportReport
	DryRun  bool
	File    string
	Columns []string
	Problem string
}

func (*importPage) template() string { return "supplier_import" }

// importForm shows the upload form of the CSV import.
func (u *UI) importForm(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	u.render(w, r, http.StatusOK, &importPage{layout: layout{Title: "Import suppliers"}, DryRun: true, Columns: supplierops.Columns})
	return nil
}

// guardImport is guard for the import upload: a multipart form of up to
// maxImportBytes.
func (u *UI) guardImport(allow func(qms.Actor) bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := qms.ActorFrom(r.Context())
		if !ok {
			u.toLogin(w, r)
			return
		}
		if !allow(a) {
			u.fail(w, r, qms.Errorf(qms.KindForbidden, "Your role (%s) may not open this page.", a.Role.Label()))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes+1<<20)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			u.fail(w, r, qms.Errorf(qms.KindInvalid, "The upload could not be read: choose a CSV file of at most 32 MB."))
			return
		}
		defer r.MultipartForm.RemoveAll()
		if err := h(w, r, a); err != nil {
			u.fail(w, r, err)
		}
	})
}

// importRun checks (dry run) or imports an uploaded CSV file.
func (u *UI) importRun(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p := &importPage{layout: layout{Title: "Import suppliers"}, DryRun: r.FormValue("dry_run") != "", Columns: supplierops.Columns}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		p.Problem = "Choose the CSV file to import."
		u.render(w, r, http.StatusBadRequest, p)
		return nil
	}
	defer f.Close()
	if utf8.ValidString(hdr.Filename) {
		p.File = hdr.Filename
	}
	rep, err := u.ops().Import(r.Context(), io.LimitReader(f, maxImportBytes), supplierops.ImportOptions{DryRun: p.DryRun})
	if err != nil {
		return err
	}
	p.Report = rep
	code := http.StatusOK
	if len(rep.Errors) > 0 {
		code = http.StatusUnprocessableEntity
	}
	u.render(w, r, code, p)
	return nil
}
