package web

import (
	"net/http"
	"strings"
	"time"

	"qms/internal/auth"
	"qms/internal/qms"
)

type accountPage struct {
	layout
	User           *qms.User
	CanTokens      bool // may create and revoke own tokens
	Tokens         tokenTable
	TokenName      string
	TokenExpires   string
	TokenErrors    map[string]string
	NewToken       *secret // a new token's secret, shown once
	PasswordErrors map[string]string
}

func (*accountPage) template() string { return "account" }

// showAccount renders the signed-in user's account page after edit has
// adjusted it.
func (u *UI) showAccount(w http.ResponseWriter, r *http.Request, a qms.Actor, code int, edit func(p *accountPage)) error {
	user, err := u.account.User(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	p := &accountPage{layout: layout{Title: "My account"}, User: user, CanTokens: qms.CanManageTokens(a, a.UserID)}
	p.Tokens = tokenTable{CanRevoke: p.CanTokens, Back: "/account"}
	if p.CanTokens || qms.CanListUsers(a) {
		if p.Tokens.Tokens, err = u.account.ListTokens(r.Context(), a.UserID); err != nil {
			return err
		}
	}
	if edit != nil {
		edit(p)
	}
	u.render(w, r, code, p)
	return nil
}

// accountShow shows the signed-in user's details, password form and tokens.
func (u *UI) accountShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.showAccount(w, r, a, http.StatusOK, nil)
}

// passwordChange changes the signed-in user's password after checking the
// current one (a sign-in attempt, so it is throttled like one). Changing
// the password ends every session; this browser gets a new one.
func (u *UI) passwordChange(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	ctx, v := r.Context(), r.PostForm
	current, pw := v.Get("current_password"), v.Get("new_password")
	bad := qms.Problems{}
	if pw != v.Get("confirm_password") {
		bad.Add("confirm_password", "does not match the new password")
	}
	if err := qms.CheckPassword(pw); err != nil {
		bad.Add("new_password", qms.ErrorFields(err)["password"])
	}
	code := http.StatusBadRequest
	if len(bad) == 0 {
		err := u.account.ChangeOwnPassword(ctx, current, pw, auth.ClientAddr(r))
		switch qms.ErrorKind(err) {
		case qms.KindInvalid:
			for f, m := range qms.ErrorFields(err) {
				bad.Add(f, m)
			}
		case qms.KindTooMany:
			bad.Add("current_password", qms.ErrorMessage(err))
			code = http.StatusTooManyRequests
		default:
			if err != nil {
				return err
			}
		}
	}
	if len(bad) > 0 {
		return u.showAccount(w, r, a, code, func(p *accountPage) { p.PasswordErrors = bad })
	}
	session, _, err := u.auth.Login(ctx, a.Email, pw, auth.ClientAddr(r), r.UserAgent())
	if err != nil {
		u.redirect(w, r, "/login", "success", "Your password has been changed. Sign in with the new password.")
		return nil
	}
	http.SetCookie(w, u.auth.SessionCookie(session))
	u.redirect(w, r, "/account", "success", "Your password has been changed. You have been signed out everywhere else.")
	return nil
}

// tokenCreate creates an API token for the signed-in user and shows its
// secret once.
func (u *UI) tokenCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	name, expires := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("expires")
	var exp *time.Time
	var err error
	if expires != "" {
		d, perr := time.Parse("2006-01-02", expires)
		if perr != nil {
			err = &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid",
				Fields: map[string]string{"expires_at": "must be a date such as 2027-12-31"}}
		} else {
			d = d.Add(24 * time.Hour) // valid through the chosen day (UTC)
			exp = &d
		}
	}
	var token string
	if err == nil {
		_, token, err = u.account.CreateToken(r.Context(), a.UserID, name, exp)
	}
	if err != nil {
		fields, _, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showAccount(w, r, a, code, func(p *accountPage) {
			p.TokenName, p.TokenExpires, p.TokenErrors = name, expires, fields
		})
	}
	return u.showAccount(w, r, a, http.StatusCreated, func(p *accountPage) {
		p.NewToken = &secret{Label: "Your new API token:", Value: token}
		p.Flash = &flash{Kind: "success", Message: "API token \u201c" + name + "\u201d created."}
	})
}

// tokenRevoke revokes an API token (one's own, or anyone's for an
// administrator) and goes back to the page it came from.
func (u *UI) tokenRevoke(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	back := localPath(r.PostForm.Get("next"), "/account")
	reason := r.PostForm.Get("reason")
	bad := qms.Problems{}
	qms.CheckText(bad, "reason", reason, maxReason)
	err = bad.Err()
	if err == nil {
		err = u.account.RevokeToken(r.Context(), id, reason)
	}
	if err != nil {
		if _, msg, _, ok := formError(err); ok {
			u.redirect(w, r, back, "error", msg)
			return nil
		}
		return err
	}
	u.redirect(w, r, back, "success", "The API token was revoked.")
	return nil
}
