package web

import (
	"log/slog"
	"net/http"
	"net/url"

	"qms/internal/auth"
	"qms/internal/qms"
)

// statusOf maps each error kind to the HTTP status of the HTML surface.
var statusOf = map[qms.Kind]int{
	qms.KindInvalid:         http.StatusBadRequest,
	qms.KindUnauthenticated: http.StatusUnauthorized,
	qms.KindForbidden:       http.StatusForbidden,
	qms.KindNotFound:        http.StatusNotFound,
	qms.KindConflict:        http.StatusConflict,
	qms.KindTooMany:         http.StatusTooManyRequests,
	qms.KindInternal:        http.StatusInternalServerError,
}

func status(err error) int { return statusOf[qms.ErrorKind(err)] }

// headings are the titles of the error pages.
var headings = map[int]string{
	http.StatusBadRequest:          "This request is not valid",
	http.StatusForbidden:           "You do not have access to this page",
	http.StatusNotFound:            "Page not found",
	http.StatusConflict:            "This change conflicts with another",
	http.StatusTooManyRequests:     "Too many requests",
	http.StatusInternalServerError: "Something went wrong",
}

type errorPage struct {
	layout
	Status  int
	Message string
	Home    string
}

func (*errorPage) template() string { return "error" }

// fail answers a request whose handler failed: unauthenticated requests go
// to the sign-in page, everything else gets an error page with the safe
// message of err. Server errors are logged once, with the request id.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	if code == http.StatusUnauthorized {
		u.toLogin(w, r)
		return
	}
	level := slog.LevelDebug
	if code >= 500 {
		level = slog.LevelError
	}
	a, _ := qms.ActorFrom(r.Context())
	u.log.Log(r.Context(), level, "web request failed", "err", err, "status", code,
		"request_id", qms.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "user_id", a.UserID)
	u.showError(w, r, code, qms.ErrorMessage(err))
}

func (u *UI) showError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	p := &errorPage{Status: code, Message: msg, Home: "/login"}
	p.Title = headings[code]
	if a, ok := qms.ActorFrom(r.Context()); ok {
		p.Home = home(a)
	}
	u.render(w, r, code, p)
}

// notFound answers every path no route matches.
func (u *UI) notFound(w http.ResponseWriter, r *http.Request) {
	u.showError(w, r, http.StatusNotFound, "There is no page at this address. Check the link, or start again from the dashboard.")
}

// toLogin sends a request without a valid session to the sign-in page,
// remembering the page it asked for (GET requests only).
func (u *UI) toLogin(w http.ResponseWriter, r *http.Request) {
	to := "/login"
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		to += "?" + url.Values{"next": {r.URL.RequestURI()}}.Encode()
	}
	if c, err := r.Cookie(auth.CookieName); err == nil && c.Value != "" {
		u.setFlash(w, "info", "Your session has ended; please sign in again.")
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
