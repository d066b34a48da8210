package web

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
)

//go:embed templates
var templateFS embed.FS

// layout is what every page shows around its content. Each page struct
// embeds it; render fills it in.
type layout struct {
	Title     string
	Actor     *qms.Actor // nil on the sign-in page and for anonymous errors
	Nav       []navLink
	Flash     *flash
	RequestID string
	Unread    int // the signed-in user's unread notifications, on the bell
}

func (l *layout) base() *layout { return l }

// CanViewAuditLog says whether the page may link to the audit log.
func (l *layout) CanViewAuditLog() bool { return l.Actor != nil && qms.CanViewAuditLog(*l.Actor) }

// CanOpen says whether the page may link to path: false for the user list
// and the audit log when the actor may not open them, true otherwise (the
// other pages decide per record).
func (l *layout) CanOpen(path string) bool {
	switch path {
	case "/users":
		return l.Actor != nil && qms.CanListUsers(*l.Actor)
	case "/audit":
		return l.CanViewAuditLog()
	}
	return true
}

// page is the data of one page: a struct that embeds layout and names its
// template (a file in templates/pages without .html).
type page interface {
	base() *layout
	template() string
}

// mustParseTemplates parses the layout and partials once, then each page on
// a clone of them, and panics on any error.
func mustParseTemplates(as *assets) map[string]*template.Template {
	funcs := template.FuncMap{
		"static":   as.URL,
		"datetime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"date":     func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	}
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil || len(files) == 0 {
		panic("web: no page templates embedded")
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, f))
		if t.Lookup("content") == nil {
			panic("web: " + f + " defines no \"content\" template")
		}
		pages[path.Base(f)[:len(path.Base(f))-len(".html")]] = t
	}
	return pages
}

// render writes a page with the given status. The page is executed into a
// buffer first, so a template error becomes a clean 500, not half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, p page) {
	l := p.base()
	if a, ok := qms.ActorFrom(r.Context()); ok {
		l.Actor = &a
		l.Nav = navFor(a, r.URL.Path)
		l.Unread = u.unread(r.Context(), a)
	}
	l.RequestID = qms.RequestID(r.Context())
	if l.Flash == nil {
		l.Flash = u.takeFlash(w, r)
	}
	t, ok := u.pages[p.template()]
	var buf bytes.Buffer
	var err error
	if !ok {
		err = errNoTemplate(p.template())
	} else {
		err = t.ExecuteTemplate(&buf, "layout", p)
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if err != nil {
		u.log.Error("render page", "template", p.template(), "err", err, "request_id", l.RequestID)
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("An internal error occurred while showing this page. Request id: " + l.RequestID + "\n"))
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// tokenTable is a list of API tokens, with revoke buttons when allowed.
type tokenTable struct {
	Tokens    []store.Token
	CanRevoke bool
	Back      string // the page to return to after revoking
}

// secret is a password or token secret shown once.
type secret struct {
	Label string
	Value string
}

type errNoTemplate string

func (e errNoTemplate) Error() string { return "no page template " + string(e) }

// flash is a one-time message shown on the page after a redirect.
type flash struct {
	Kind    string `json:"k"` // "success", "error" or "info"
	Message string `json:"m"`
}

const flashCookie = "qms_flash"

// setFlash stores a message for the next page the browser shows.
func (u *UI) setFlash(w http.ResponseWriter, kind, msg string) {
	b, _ := json.Marshal(flash{Kind: kind, Message: msg})
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: u.auth.Policy.SecureCookie, SameSite: http.SameSiteLaxMode,
	})
}

// takeFlash returns the pending message, if any, and removes it.
func (u *UI) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: u.auth.Policy.SecureCookie, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var f flash
	if err != nil || json.Unmarshal(b, &f) != nil || f.Message == "" {
		return nil
	}
	switch f.Kind {
	case "success", "error", "info":
	default:
		f.Kind = "info"
	}
	return &f
}

// redirect sends the browser to a local path with 303 See Other, with a
// flash message when msg is not empty.
func (u *UI) redirect(w http.ResponseWriter, r *http.Request, to, kind, msg string) {
	if msg != "" {
		u.setFlash(w, kind, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
