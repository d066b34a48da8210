package web

import (
	"net/http"
	"net/url"
	"strconv"

	"qms/internal/qms"
	"qms/internal/store"
)

const usersPerPage = 50

type userListPage struct {
	layout
	Query     string
	Role      qms.Role
	Roles     []qms.Role
	Users     []qms.User
	NextURL   string // the next page, "" on the last
	FirstURL  string // the first page, "" on the first
	CanManage bool
}

func (*userListPage) template() string { return "users" }

// userList lists users with a search over name and e-mail and a role filter.
func (u *UI) userList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	q := r.Form
	p := &userListPage{layout: layout{Title: "Users"}, Query: q.Get("q"), Role: qms.Role(q.Get("role")),
		Roles: qms.Roles, CanManage: qms.CanManageUsers(a)}
	bad := qms.Problems{}
	qms.CheckText(bad, "q", p.Query, qms.MaxNameLen)
	if p.Role != "" && !p.Role.Valid() {
		bad.Add("role", "is not a role")
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	if err := bad.Err(); err != nil {
		return err
	}
	users, next, err := u.account.ListUsers(r.Context(), store.UserFilter{Query: p.Query, Role: p.Role, After: after, Limit: usersPerPage})
	if err != nil {
		return err
	}
	p.Users = users
	filter := url.Values{}
	if p.Query != "" {
		filter.Set("q", p.Query)
	}
	if p.Role != "" {
		filter.Set("role", string(p.Role))
	}
	if next != 0 {
		v := cloneValues(filter)
		v.Set("after", strconv.FormatInt(next, 10))
		p.NextURL = "/users?" + v.Encode()
	}
	if after != 0 {
		p.FirstURL = "/users?" + filter.Encode()
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
