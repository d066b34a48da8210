package web

import (
	"net/http"
	"strconv"
	"strings"

	"qms/internal/account"
	"qms/internal/qms"
)

// maxReason is the longest reason for a change, in characters.
const maxReason = 1000

type userPage struct {
	layout
	User        *qms.User // nil on the new-user form
	Form        userForm
	Errors      map[string]string
	Problem     string // what went wrong with the form as a whole
	Roles       []qms.Role
	CanManage   bool
	Self        bool // the page shows the signed-in user
	Tokens      tokenTable
	NewPassword *secret // a generated password, shown once
}

func (*userPage) template() string { return "user" }

// userForm holds the fields of the user form as typed.
type userForm struct {
	Email, Name, Role, SupplierID, Reason, Version string
}

func userFormOf(u *qms.User) userForm {
	f := userForm{Email: u.Email, Name: u.Name, Role: string(u.Role), Version: strconv.FormatInt(u.Version, 10)}
	if u.SupplierID != nil {
		f.SupplierID = strconv.FormatInt(*u.SupplierID, 10)
	}
	return f
}

func postedUserForm(r *http.Request) userForm {
	v := r.PostForm
	return userForm{Email: v.Get("email"), Name: v.Get("name"), Role: v.Get("role"),
		SupplierID: strings.TrimSpace(v.Get("supplier_id")), Reason: v.Get("reason"), Version: v.Get("version")}
}

// parse checks what the web form adds to the user's own validation: the
// supplier id and the version as numbers, the reason's length.
func (f userForm) parse(p qms.Problems) (supplier *int64, version int64) {
	if f.SupplierID != "" {
		id, err := strconv.ParseInt(f.SupplierID, 10, 64)
		if err != nil || id <= 0 {
			p.Add("supplier_id", "must be the number of a supplier")
		} else {
			supplier = &id
		}
	}
	qms.CheckText(p, "reason", f.Reason, maxReason)
	version, _ = strconv.ParseInt(f.Version, 10, 64)
	return supplier, version
}

// showUser renders a user's page with the stored user and tokens, after
// edit has adjusted the page.
func (u *UI) showUser(w http.ResponseWriter, r *http.Request, a qms.Actor, id int64, code int, edit func(p *userPage)) error {
	user, err := u.account.User(r.Context(), id)
	if err != nil {
		return err
	}
	tokens, err := u.account.ListTokens(r.Context(), id)
	if err != nil {
		return err
	}
	p := &userPage{layout: layout{Title: user.Name}, User: user, Form: userFormOf(user), Roles: qms.Roles,
		CanManage: qms.CanManageUsers(a), Self: a.UserID == id,
		Tokens: tokenTable{Tokens: tokens, CanRevoke: qms.CanManageTokens(a, id), Back: userPath(id)}}
	if edit != nil {
		edit(p)
	}
	u.render(w, r, code, p)
	return nil
}

// userShow shows a user: an edit form for administrators, the details for auditors.
func (u *UI) userShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return u.showUser(w, r, a, id, http.StatusOK, nil)
}

// userNew shows the form for a new user.
func (u *UI) userNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	u.render(w, r, http.StatusOK, &userPage{layout: layout{Title: "New user"}, Roles: qms.Roles, CanManage: true,
		Form: userForm{Role: string(qms.RoleViewer)}})
	return nil
}

// userCreate creates a user. A generated password is shown once.
func (u *UI) userCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := postedUserForm(r)
	bad := qms.Problems{}
	supplier, _ := f.parse(bad)
	in := account.NewUser{Email: f.Email, Name: f.Name, Role: qms.Role(f.Role), SupplierID: supplier, Password: r.PostForm.Get("password")}
	err := bad.Err()
	var user *qms.User
	var pw string
	if err == nil {
		user, pw, err = u.account.CreateUser(r.Context(), in)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		u.render(w, r, code, &userPage{layout: layout{Title: "New user"}, Roles: qms.Roles, CanManage: true,
			Form: f, Errors: fields, Problem: msg})
		return nil
	}
	if in.Password != "" {
		u.redirect(w, r, userPath(user.ID), "success", "User "+user.Name+" created.")
		return nil
	}
	return u.showUser(w, r, a, user.ID, http.StatusCreated, func(p *userPage) {
		p.NewPassword = &secret{Label: "The password of " + user.Name + ":", Value: pw}
		p.Flash = &flash{Kind: "success", Message: "User " + user.Name + " created."}
	})
}

// userUpdate saves the user form. A stale version re-renders the form with
// the conflict message.
func (u *UI) userUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := postedUserForm(r)
	bad := qms.Problems{}
	supplier, version := f.parse(bad)
	err = bad.Err()
	if err == nil {
		_, err = u.account.UpdateUser(r.Context(), id, account.UserChange{Email: f.Email, Name: f.Name,
			Role: qms.Role(f.Role), SupplierID: supplier, Version: version, Reason: f.Reason})
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showUser(w, r, a, id, code, func(p *userPage) {
			p.Form, p.Errors, p.Problem = f, fields, msg
		})
	}
	u.redirect(w, r, userPath(id), "success", "Changes saved.")
	return nil
}

// userSetDisabled returns the handler that disables or re-enables a user.
func (u *UI) userSetDisabled(disabled bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		reason := r.PostForm.Get("reason")
		bad := qms.Problems{}
		qms.CheckText(bad, "reason", reason, maxReason)
		err = bad.Err()
		var user *qms.User
		if err == nil {
			user, err = u.account.SetDisabled(r.Context(), id, disabled, reason)
		}
		if err != nil {
			if _, msg, _, ok := formError(err); ok {
				u.redirect(w, r, userPath(id), "error", msg)
				return nil
			}
			return err
		}
		msg := user.Name + " can sign in again."
		if disabled {
			msg = user.Name + " is disabled: their sessions have ended and their API tokens are revoked."
		}
		u.redirect(w, r, userPath(id), "success", msg)
		return nil
	}
}

// userResetPassword gives a user a new generated password, shown once.
// Administrators change their own password on their account page.
func (u *UI) userResetPassword(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if id == a.UserID {
		u.redirect(w, r, "/account", "info", "Change your own password here.")
		return nil
	}
	reason := r.PostForm.Get("reason")
	bad := qms.Problems{}
	qms.CheckText(bad, "reason", reason, maxReason)
	pw := ""
	err = bad.Err()
	if err == nil {
		pw, err = u.account.ResetPassword(r.Context(), id, "", reason)
	}
	if err != nil {
		if _, msg, _, ok := formError(err); ok {
			u.redirect(w, r, userPath(id), "error", msg)
			return nil
		}
		return err
	}
	return u.showUser(w, r, a, id, http.StatusOK, func(p *userPage) {
		p.NewPassword = &secret{Label: "The new password of " + p.User.Name + ":", Value: pw}
		p.Flash = &flash{Kind: "success", Message: "A new password was generated and the user's sessions were ended."}
	})
}

func userPath(id int64) string { return "/users/" + strconv.FormatInt(id, 10) }
