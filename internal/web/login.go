package web

import (
	"net/http"

	"qms/internal/auth"
	"qms/internal/qms"
)

type loginPage struct {
	layout
	Email string
	Next  string
	Error string
}

func (*loginPage) template() string { return "login" }

// loginForm shows the sign-in form, or sends a signed-in user on.
func (u *UI) loginForm(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		u.fail(w, r, err)
		return
	}
	next := r.Form.Get("next")
	if a, ok := qms.ActorFrom(r.Context()); ok {
		http.Redirect(w, r, localPath(next, home(a)), http.StatusSeeOther)
		return
	}
	u.render(w, r, http.StatusOK, &loginPage{layout: layout{Title: "Sign in"}, Next: localPath(next, "")})
}

// login checks the credentials and starts a session. Wrong credentials and
// throttled attempts re-render the form with the reason.
func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		u.fail(w, r, err)
		return
	}
	email, next := r.PostForm.Get("email"), localPath(r.PostForm.Get("next"), "")
	session, user, err := u.auth.Login(r.Context(), email, r.PostForm.Get("password"), auth.ClientAddr(r), r.UserAgent())
	if err != nil {
		code := status(err)
		if code >= 500 {
			u.fail(w, r, err)
			return
		}
		p := &loginPage{layout: layout{Title: "Sign in"}, Email: email, Next: next, Error: qms.ErrorMessage(err)}
		u.render(w, r, code, p)
		return
	}
	if c, err := r.Cookie(auth.CookieName); err == nil && c.Value != "" {
		u.auth.Logout(r.Context(), c.Value) // replace, do not pile up, this browser's session
	}
	http.SetCookie(w, u.auth.SessionCookie(session))
	http.Redirect(w, r, localPath(next, home(qms.ActorOf(user, "session"))), http.StatusSeeOther)
}

// logout ends the session of this browser.
func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(auth.CookieName); err == nil && c.Value != "" {
		if err := u.auth.Logout(r.Context(), c.Value); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, u.auth.ClearCookie())
	u.redirect(w, r, "/login", "success", "You have signed out.")
}
