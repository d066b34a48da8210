package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"qms/internal/blob"
	"qms/internal/evidence"
	"qms/internal/qms"
	"qms/internal/qmsops"
	"qms/internal/store"
)

type evidencePage struct {
	layout
	Map      evidence.Map
	Settings store.QMSSettings
	From, To string
	Errors   map[string]string
	Problem  string
	CanPack  bool
	CanMode  bool
}

func (*evidencePage) template() string { return "evidence" }

func (u *UI) showEvidence(w http.ResponseWriter, r *http.Request, a qms.Actor, code int, edit func(p *evidencePage)) error {
	ops := u.qmsOps()
	m, err := ops.EvidenceMap(r.Context())
	if err != nil {
		return err
	}
	set, err := ops.Settings(r.Context())
	if err != nil {
		return err
	}
	p := &evidencePage{layout: layout{Title: "Clause evidence map"}, Map: m, Settings: set, From: m.Today.AddDate(-1, 0, 1).String(), To: m.Today.String(),
		CanPack: qms.CanViewAuditLog(a), CanMode: qms.CanManageSettings(a)}
	if edit != nil {
		edit(p)
	}
	u.render(w, r, code, p)
	return nil
}

func (u *UI) evidenceMap(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.showEvidence(w, r, a, http.StatusOK, nil)
}

// evidencePack answers with the audit pack ZIP of the period posted.
func (u *UI) evidencePack(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p := qms.Problems{}
	o := qmsops.PackOptions{From: reviewFormDate(r, p, "from"), To: reviewFormDate(r, p, "to"), MaxInspections: 100, Files: u.files, Now: time.Now().UTC()}
	err := p.Err()
	if err == nil {
		err = qmsops.CheckPackOptions(o)
	}
	if err == nil {
		o.Fonts, err = u.reportFonts()
	}
	var buf bytes.Buffer
	if err == nil {
		_, err = u.qmsOps().AuditPack(r.Context(), &buf, o)
	}
	if err != nil {
		fields, msg, code, ok := formError(mergeProblems(p, err))
		if !ok {
			return err
		}
		return u.showEvidence(w, r, a, code, func(pg *evidencePage) {
			pg.Errors, pg.Problem, pg.From, pg.To = fields, msg, r.PostForm.Get("from"), r.PostForm.Get("to")
		})
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", blob.ContentDisposition("attachment", "qms-audit-pack-"+o.To.String()+".zip"))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = buf.WriteTo(w)
	return err
}

// qmsSettingsUpdate switches ISO 13485 mode (an administrator).
func (u *UI) qmsSettingsUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	on := r.PostForm.Get("iso13485") == "1"
	if _, err := u.qmsOps().SetISO13485Mode(r.Context(), on, postedVersion(r), r.PostForm.Get("reason")); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showEvidence(w, r, a, code, func(pg *evidencePage) { pg.Errors, pg.Problem = fields, msg })
	}
	msg := "ISO 13485 mode is off."
	if on {
		msg = "ISO 13485 mode is on: its clauses and required procedures are checked, complaints are records, and approvals must be signed."
	}
	u.redirect(w, r, "/evidence", "success", msg)
	return nil
}
