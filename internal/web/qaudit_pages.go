package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/auditreport"
	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/store"
)

// ---- List ----

type qauditListPage struct {
	layout
	Audits    []qaudit.QualityAudit
	Findings  []qaudit.AuditFinding // open nonconformities, due first (internal staff)
	Status    string
	Type      string
	Statuses  []qaudit.Status
	Types     []qaudit.Type
	CanManage bool
	Internal  bool
	Today     qms.Date
	NextURL   string
}

func (*qauditListPage) template() string { return "qaudit_list" }

func (u *UI) qauditList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	q := r.URL.Query()
	p := &qauditListPage{layout: layout{Title: "Audits"}, Status: q.Get("status"), Type: q.Get("type"), Statuses: qaudit.Statuses, Types: qaudit.Types,
		CanManage: qaudit.CanManage(a), Internal: qaudit.CanSeeProgramme(a), Today: qms.DateOf(u.account.Store.Now())}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	var next int64
	var err error
	p.Audits, next, err = u.qaudits().List(r.Context(), qauditops.Filter{Status: qaudit.Status(p.Status), Type: qaudit.Type(p.Type), Before: before})
	if err != nil {
		return err
	}
	if next > 0 {
		v := q
		v.Set("before", strconv.FormatInt(next, 10))
		p.NextURL = "/audits?" + v.Encode()
	}
	if p.Internal {
		if p.Findings, err = u.qaudits().Findings(r.Context(), store.FindingFilter{Status: qaudit.FindingOpen, Limit: 100}); err != nil {
			return err
		}
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// ---- Planning ----

type qauditFormPage struct {
	layout
	Form    qaudit.QualityAudit
	Opt     *qauditops.Options
	Types   []qaudit.Type
	Errors  map[string]string
	Problem string
}

func (*qauditFormPage) template() string { return "qaudit_form" }

// OnTeam tells the form whether user id is on the team.
func (p *qauditFormPage) OnTeam(id int64) bool {
	return slices.ContainsFunc(p.Form.Team, func(m qaudit.TeamMember) bool { return m.ID == id })
}

func (u *UI) qauditFormOf(r *http.Request, form qaudit.QualityAudit) (*qauditFormPage, error) {
	opt, err := u.qaudits().FormOptions(r.Context())
	if err != nil {
		return nil, err
	}
	return &qauditFormPage{layout: layout{Title: "Plan an audit"}, Form: form, Opt: opt, Types: qaudit.Types}, nil
}

func (u *UI) qauditNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	q := r.URL.Query()
	form := qaudit.QualityAudit{Type: qaudit.TypeInternal, TemplateKey: qaudit.KeyISO9001, LeadID: a.UserID}
	p := qms.Problems{}
	form.ProgrammeItemID = qaID(p, r, "item")
	form.SupplierID = qaID(p, r, "supplier_id")
	form.ProcessID = qaID(p, r, "process_id")
	form.PlannedStart = qaDate(p, r, "start")
	if t := qaudit.Type(q.Get("type")); t.Valid() {
		form.Type = t
	}
	if k := q.Get("template"); k != "" {
		form.TemplateKey = k
	}
	if form.SupplierID > 0 {
		form.Type, form.TemplateKey = qaudit.TypeSupplier, cmpOr(q.Get("template"), qaudit.KeyFactory)
	}
	form.Title = q.Get("title")
	page, err := u.qauditFormOf(r, form)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, page)
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// postedAudit reads the plan form.
func postedAudit(r *http.Request) (qaudit.QualityAudit, qms.Problems) {
	p := qms.Problems{}
	f := r.Form
	a := qaudit.QualityAudit{Type: qaudit.Type(f.Get("type")), Title: f.Get("title"), Scope: f.Get("scope"), Criteria: f.Get("criteria"),
		TemplateKey: f.Get("template_key"), Auditee: f.Get("auditee")}
	a.ProgrammeItemID = qaID(p, r, "programme_item_id")
	a.LeadID = qaID(p, r, "lead_id")
	if a.Type == qaudit.TypeSupplier {
		a.SupplierID = qaID(p, r, "supplier_id")
	} else {
		a.ProcessID = qaID(p, r, "process_id")
	}
	for _, v := range f["team"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			a.Team = append(a.Team, qaudit.TeamMember{ID: id})
		}
	}
	a.PlannedStart = qaDate(p, r, "planned_start")
	a.PlannedEnd = qaDate(p, r, "planned_end")
	return a, p
}

func (u *UI) qauditCreate(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	a, p := postedAudit(r)
	var err error
	if len(p) > 0 { // say everything that is wrong at once
		for k, v := range qms.ErrorFields(a.Validate()) {
			p.Add(k, v)
		}
		err = p.Err()
	} else {
		err = u.qaudits().Plan(r.Context(), &a)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		page, perr := u.qauditFormOf(r, a)
		if perr != nil {
			return perr
		}
		page.Errors, page.Problem = fields, msg
		u.render(w, r, code, page)
		return nil
	}
	u.redirect(w, r, qaAudit(a.ID), "success", fmt.Sprintf("Audit %s planned with %s.", a.Number(), a.TemplateName))
	return nil
}

// ---- The audit page ----

type qauditShowPage struct {
	layout
	V       *qauditops.AuditView
	Owners  []qauditops.Option
	Grades  []qaudit.Grade
	Today   qms.Date
	Problem string
	// The question whose answer was refused, with what was posted.
	QLine    int
	QErrors  map[string]string
	QProblem string
	QForm    qaudit.Answer
}

func (*qauditShowPage) template() string { return "qaudit_show" }

// Answer returns what the form of question q shows: what was just posted
// when its answer was refused, else the stored answer.
func (p *qauditShowPage) Answer(q qaudit.Question) qaudit.Answer {
	if q.Line == p.QLine {
		return p.QForm
	}
	return qaudit.Answer{Grade: q.Grade, Evidence: q.Evidence, Photos: q.Photos}
}

// NCRNumber is the number of an NCR for people.
func (p *qauditShowPage) NCRNumber(id int64) string { return ncr.Number(id) }

// CAPANumber is the number of a finding's CAPA for people: a SCAR for a
// supplier audit.
func (p *qauditShowPage) CAPANumber(id int64) string {
	c := capa.CAPA{ID: id, Kind: capa.KindInternal}
	if p.V.Audit.Type == qaudit.TypeSupplier {
		c.Kind = capa.KindSupplier
	}
	return c.Number()
}

// Answered counts the answered questions.
func (p *qauditShowPage) Answered() int { return p.V.Score.Questions - p.V.Score.Unanswered }

// Running reports whether the checklist may be answered now.
func (p *qauditShowPage) Running() bool {
	return p.V.CanConduct && p.V.Audit.Status == qaudit.StatusInProgress
}

func (u *UI) qauditPageOf(r *http.Request, a qms.Actor, id int64) (*qauditShowPage, error) {
	v, err := u.qaudits().Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := &qauditShowPage{layout: layout{Title: v.Audit.Number() + " " + v.Audit.Title}, V: v, Grades: qaudit.Grades, Today: qms.DateOf(u.account.Store.Now())}
	if qaudit.CanManage(a) && v.Audit.Status.Done() {
		opt, err := u.qaudits().FormOptions(r.Context())
		if err != nil {
			return nil, err
		}
		p.Owners = opt.Owners
	}
	return p, nil
}

func (u *UI) qauditShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if a.Role == qms.RoleSupplier {
		// A supplier user reads the issued report, not the working page.
		if _, err := u.qaudits().Get(r.Context(), id); err != nil {
			return err
		}
		http.Redirect(w, r, qaAudit(id)+"/report", http.StatusSeeOther)
		return nil
	}
	p, err := u.qauditPageOf(r, a, id)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// qauditFailed re-renders the audit page with the error of a form, or
// returns err when no form can show it.
func (u *UI) qauditFailed(w http.ResponseWriter, r *http.Request, a qms.Actor, id int64, err error, setup func(p *qauditShowPage)) error {
	fields, msg, code, ok := formError(err)
	if !ok {
		return err
	}
	p, perr := u.qauditPageOf(r, a, id)
	if perr != nil {
		return perr
	}
	p.Problem = msg
	if len(fields) > 0 {
		var parts []string
		for k, v := range fields {
			parts = append(parts, k+": "+v)
		}
		slices.Sort(parts)
		p.Problem = msg + " — " + strings.Join(parts, "; ")
	}
	if setup != nil {
		setup(p)
	}
	u.render(w, r, code, p)
	return nil
}

func (u *UI) qauditStart(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	au, err := u.qaudits().Start(r.Context(), id, postedVersion(r))
	if err != nil {
		return u.qauditFailed(w, r, a, id, err, nil)
	}
	u.redirect(w, r, qaAudit(id), "success", fmt.Sprintf("Audit %s started: answer its questions.", au.Number()))
	return nil
}

func (u *UI) qauditCancel(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := u.qaudits().Cancel(r.Context(), id, postedVersion(r), r.Form.Get("reason")); err != nil {
		return u.qauditFailed(w, r, a, id, err, nil)
	}
	u.redirect(w, r, qaAudit(id), "success", "Audit cancelled.")
	return nil
}

func (u *UI) qauditComplete(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	au, err := u.qaudits().Complete(r.Context(), id, postedVersion(r), r.Form.Get("summary"))
	if err != nil {
		return u.qauditFailed(w, r, a, id, err, nil)
	}
	msg := fmt.Sprintf("Report of %s issued.", au.Number())
	if au.Status == qaudit.StatusClosed {
		msg += " No nonconformity: the audit is closed."
	}
	u.redirect(w, r, qaAudit(id), "success", msg)
	return nil
}

func (u *UI) qauditAnswer(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	line, err := strconv.Atoi(r.PathValue("line"))
	if err != nil || line <= 0 {
		return qms.Errorf(qms.KindNotFound, "There is no such question.")
	}
	ans := qaudit.Answer{Grade: qaudit.Grade(r.Form.Get("grade")), Evidence: r.Form.Get("evidence")}
	var photo *blob.Upload
	if r.MultipartForm != nil && len(r.MultipartForm.File["photo"]) > 0 {
		fh := r.MultipartForm.File["photo"][0]
		if fh.Size > 0 || fh.Filename != "" {
			body, err := fh.Open()
			if err != nil {
				return err
			}
			defer body.Close()
			photo = &blob.Upload{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Body: body}
		}
	}
	if _, err := u.qaudits().Answer(r.Context(), id, line, ans, photo); err != nil {
		fields, msg, _, ok := formError(err)
		if !ok {
			return err
		}
		return u.qauditFailed(w, r, a, id, err, func(p *qauditShowPage) {
			p.Problem = ""
			p.QLine, p.QErrors, p.QProblem, p.QForm = line, fields, msg, ans
		})
	}
	u.redirect(w, r, qaAudit(id)+"#q-"+strconv.Itoa(line), "", "")
	return nil
}

// ---- Findings ----

// qauditFinding runs a change of a finding and returns to its audit.
func (u *UI) qauditFinding(w http.ResponseWriter, r *http.Request, a qms.Actor, change func(id, version int64) (string, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	auditID, _ := strconv.ParseInt(r.Form.Get("audit_id"), 10, 64)
	msg, err := change(id, postedVersion(r))
	if err != nil {
		if auditID > 0 {
			return u.qauditFailed(w, r, a, auditID, err, nil)
		}
		return err
	}
	u.redirect(w, r, qaAudit(auditID)+"#findings", "success", msg)
	return nil
}

func (u *UI) qauditFindingNCR(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.qauditFinding(w, r, a, func(id, version int64) (string, error) {
		n, err := u.qaudits().RaiseNCR(r.Context(), id, version)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s raised from %s.", n.Number(), qaudit.FindingNumber(id)), nil
	})
}

func (u *UI) qauditFindingCAPA(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.qauditFinding(w, r, a, func(id, version int64) (string, error) {
		owner, _ := strconv.ParseInt(r.Form.Get("owner_id"), 10, 64)
		c, err := u.qaudits().RaiseCAPA(r.Context(), id, version, owner)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s opened for %s.", c.Number(), qaudit.FindingNumber(id)), nil
	})
}

func (u *UI) qauditFindingDue(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.qauditFinding(w, r, a, func(id, version int64) (string, error) {
		p := qms.Problems{}
		due := qaDate(p, r, "due_on")
		if err := p.Err(); err != nil {
			return "", err
		}
		if _, err := u.qaudits().SetDue(r.Context(), id, version, due, r.Form.Get("reason")); err != nil {
			return "", err
		}
		return "Due date moved.", nil
	})
}

func (u *UI) qauditFindingClose(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.qauditFinding(w, r, a, func(id, version int64) (string, error) {
		if _, err := u.qaudits().CloseFinding(r.Context(), id, version, r.Form.Get("note")); err != nil {
			return "", err
		}
		return qaudit.FindingNumber(id) + " closed.", nil
	})
}

// ---- Report ----

type qauditReportPage struct {
	layout
	R    *auditreport.Report
	PDF  string
	Back string
}

func (*qauditReportPage) template() string { return "qaudit_report" }

func (u *UI) qauditReport(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := u.qaudits().Report(r.Context(), id, time.Now().UTC())
	if err != nil {
		return err
	}
	back := qaAudit(id)
	if a.Role == qms.RoleSupplier {
		back = "/audits"
	}
	u.render(w, r, http.StatusOK, &qauditReportPage{layout: layout{Title: rep.Title + " " + rep.Number}, R: rep, PDF: qaAudit(id) + "/report.pdf", Back: back})
	return nil
}

func (u *UI) qauditReportPDF(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fonts := u.fonts
	if fonts == nil {
		if fonts, err = report.LoadFonts("", u.log); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := u.qaudits().ReportPDF(r.Context(), &buf, id, fonts, time.Now().UTC()); err != nil {
		return err
	}
	disposition := "inline"
	if v := r.URL.Query().Get("download"); v == "1" || v == "true" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", blob.ContentDisposition(disposition, "audit-report-"+qaudit.Number(id)+".pdf"))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = buf.WriteTo(w)
	return err
}

// ---- Programme ----

type qauditProgrammePage struct {
	layout
	Year       int
	P          *qaudit.Programme
	Programmes []qaudit.Programme
	Opt        *qauditops.Options
	Tally      map[string]int // slots by status
	Risks      []qaudit.Risk
	Subjects   []qaudit.Subject
	CanManage  bool
	Errors     map[string]string
	Problem    string
}

func (*qauditProgrammePage) template() string { return "qaudit_programme" }

func (u *UI) qauditProgrammePageOf(r *http.Request, a qms.Actor, year int) (*qauditProgrammePage, error) {
	p := &qauditProgrammePage{layout: layout{Title: fmt.Sprintf("Audit programme %d", year)}, Year: year, Risks: qaudit.Risks,
		Subjects: qaudit.Subjects, CanManage: qaudit.CanManage(a)}
	var err error
	if p.Programmes, err = u.qaudits().Programmes(r.Context()); err != nil {
		return nil, err
	}
	p.P, err = u.qaudits().Programme(r.Context(), year)
	switch {
	case qms.ErrorKind(err) == qms.KindNotFound:
		p.P = nil
	case err != nil:
		return nil, err
	default:
		p.Tally = slotTally(p.P.Items)
	}
	if p.CanManage {
		if p.Opt, err = u.qaudits().FormOptions(r.Context()); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (u *UI) qauditProgramme(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	year := u.account.Store.Now().Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= qaudit.MinYear && y <= qaudit.MaxYear {
		year = y
	}
	p, err := u.qauditProgrammePageOf(r, a, year)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

func (u *UI) qauditProgrammeFailed(w http.ResponseWriter, r *http.Request, a qms.Actor, year int, err error) error {
	fields, msg, code, ok := formError(err)
	if !ok {
		return err
	}
	p, perr := u.qauditProgrammePageOf(r, a, year)
	if perr != nil {
		return perr
	}
	p.Errors, p.Problem = fields, msg
	u.render(w, r, code, p)
	return nil
}

func (u *UI) qauditProgrammeCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	year, _ := strconv.Atoi(r.Form.Get("year"))
	pg := &qaudit.Programme{Year: year, Title: r.Form.Get("title"), Objectives: r.Form.Get("objectives")}
	if err := u.qaudits().CreateProgramme(r.Context(), pg); err != nil {
		return u.qauditProgrammeFailed(w, r, a, max(year, qaudit.MinYear), err)
	}
	u.redirect(w, r, fmt.Sprintf("/audit-programme?year=%d", year), "success", pg.Title+" created.")
	return nil
}

func (u *UI) qauditItemAdd(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.Form.Get("year"))
	p := qms.Problems{}
	it := &qaudit.ProgrammeItem{ProgrammeID: id, Subject: qaudit.Subject(r.Form.Get("subject")), Risk: qaudit.Risk(r.Form.Get("risk")),
		Clause: r.Form.Get("clause"), Name: r.Form.Get("name"), TemplateKey: r.Form.Get("template_key"), Notes: r.Form.Get("notes"),
		AuditType: qaudit.Type(r.Form.Get("audit_type"))}
	switch it.Subject {
	case qaudit.SubjectSupplier:
		it.SupplierID = qaID(p, r, "supplier_id")
	case qaudit.SubjectProcess:
		it.ProcessID = qaID(p, r, "process_id")
	}
	err = p.Err()
	if err == nil {
		err = u.qaudits().AddItem(r.Context(), it)
	}
	if err != nil {
		return u.qauditProgrammeFailed(w, r, a, year, err)
	}
	u.redirect(w, r, fmt.Sprintf("/audit-programme?year=%d", year), "success", it.Name+" added to the programme, audited "+it.Risk.Frequency()+".")
	return nil
}

func (u *UI) qauditItemRemove(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.Form.Get("year"))
	if err := u.qaudits().RemoveItem(r.Context(), id, r.Form.Get("reason")); err != nil {
		return u.qauditProgrammeFailed(w, r, a, year, err)
	}
	u.redirect(w, r, fmt.Sprintf("/audit-programme?year=%d", year), "success", "Line removed from the programme.")
	return nil
}

// ---- Templates ----

type qauditTemplatesPage struct {
	layout
	Templates []qaudit.Template
	CanManage bool
	Problem   string
}

func (*qauditTemplatesPage) template() string { return "qaudit_templates" }

func (u *UI) qauditTemplates(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	ts, err := u.qaudits().Templates(r.Context())
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, &qauditTemplatesPage{layout: layout{Title: "Audit checklists"}, Templates: ts, CanManage: qaudit.CanManage(a)})
	return nil
}

func (u *UI) qauditTemplateCopy(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	t, err := u.qaudits().CopyTemplate(r.Context(), r.Form.Get("key"), r.Form.Get("name"))
	if err != nil {
		if _, msg, code, ok := formError(err); ok {
			ts, terr := u.qaudits().Templates(r.Context())
			if terr != nil {
				return terr
			}
			u.render(w, r, code, &qauditTemplatesPage{layout: layout{Title: "Audit checklists"}, Templates: ts, CanManage: true, Problem: msg})
			return nil
		}
		return err
	}
	u.redirect(w, r, "/audit-templates/"+t.Key, "success", "Copy made: edit its questions.")
	return nil
}

type qauditTemplatePage struct {
	layout
	T       *qaudit.Template
	Text    string // the questions, one per line: clause | section | question | evidence to ask for
	CanEdit bool
	Errors  map[string]string
	Problem string
}

func (*qauditTemplatePage) template() string { return "qaudit_template" }

// templateText is the editable form of a template's questions.
func templateText(qs []qaudit.TemplateQuestion) string {
	var b strings.Builder
	for _, q := range qs {
		b.WriteString(q.Clause + " | " + q.Section + " | " + q.Text + " | " + q.Guidance + "\n")
	}
	return b.String()
}

// parseTemplateText reads the questions of the editor, one per line:
// clause | section | question | evidence to ask for (the last is optional).
func parseTemplateText(s string) ([]qaudit.TemplateQuestion, error) {
	p := qms.Problems{}
	var out []qaudit.TemplateQuestion
	for i, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) < 3 || len(parts) > 4 {
			p.Add("questions", fmt.Sprintf("line %d: write clause | section | question | evidence to ask for (the evidence is optional)", i+1))
			continue
		}
		q := qaudit.TemplateQuestion{Clause: strings.TrimSpace(parts[0]), Section: strings.TrimSpace(parts[1]), Text: strings.TrimSpace(parts[2])}
		if len(parts) == 4 {
			q.Guidance = strings.TrimSpace(parts[3])
		}
		out = append(out, q)
	}
	return out, p.Err()
}

func (u *UI) qauditTemplate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	t, err := u.qaudits().Template(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, &qauditTemplatePage{layout: layout{Title: t.Name}, T: t, Text: templateText(t.Questions),
		CanEdit: qaudit.CanManage(a) && !t.Builtin && t.VoidedAt == nil})
	return nil
}

func (u *UI) qauditTemplateSave(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	cur, err := u.qaudits().Template(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	t := *cur
	t.Name, t.Standard, t.Description = r.Form.Get("name"), r.Form.Get("standard"), r.Form.Get("description")
	text := r.Form.Get("questions")
	qs, err := parseTemplateText(text)
	if err == nil {
		t.Questions = qs
		err = u.qaudits().UpdateTemplate(r.Context(), &t, postedVersion(r), r.Form.Get("reason"))
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		u.render(w, r, code, &qauditTemplatePage{layout: layout{Title: cur.Name}, T: &t, Text: text, CanEdit: true, Errors: fields, Problem: msg})
		return nil
	}
	u.redirect(w, r, "/audit-templates/"+t.Key, "success", "Checklist saved.")
	return nil
}

// slotTally counts a programme's slots by status, keyed by its name.
func slotTally(items []qaudit.ProgrammeItem) map[string]int {
	out := map[string]int{}
	for k, n := range qaudit.Tally(items) {
		out[string(k)] = n
	}
	return out
}
