package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"qms/internal/qms"
)

// handlerFunc is a page handler: it gets the signed-in actor and returns an
// error for fail to answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request, a qms.Actor) error

// maxFormBytes limits the size of a form body.
const maxFormBytes = 1 << 20

// guard returns a handler that lets only signed-in actors for whom allow is
// true reach h, with the form already read and checked.
func (u *UI) guard(allow func(qms.Actor) bool, h handlerFunc) http.Handler {
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
		if err := readForm(w, r); err != nil {
			u.fail(w, r, err)
			return
		}
		if err := h(w, r, a); err != nil {
			u.fail(w, r, err)
		}
	})
}

// readForm parses the query and the form body (at most maxFormBytes) and
// refuses input that is not valid UTF-8, so that no handler ever sees it.
func readForm(w http.ResponseWriter, r *http.Request) error {
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}
	if err := r.ParseForm(); err != nil {
		return qms.Errorf(qms.KindInvalid, "The form could not be read: it is malformed or larger than 1 MB.")
	}
	for k, vs := range r.Form {
		if !utf8.ValidString(k) {
			return errNotUTF8
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return errNotUTF8
			}
		}
	}
	return nil
}

var errNotUTF8 = qms.Errorf(qms.KindInvalid, "The form contains text that is not valid UTF-8. Retype it, or paste it from another program.")

// pathID returns the numeric id in the path, or a not-found error.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, qms.Errorf(qms.KindNotFound, "There is no record with this id.")
	}
	return id, nil
}

// localPath returns next if it is a path on this site, else fallback. It
// keeps redirects after sign-in from leading to other sites.
func localPath(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}

// formError splits an error that a form can show next to its fields (invalid
// input, or a conflict such as a stale version or a duplicate) into the
// per-field messages, the overall message and the status. ok is false for
// every other error, which the handler returns for fail to answer.
func formError(err error) (fields map[string]string, msg string, code int, ok bool) {
	switch qms.ErrorKind(err) {
	case qms.KindInvalid, qms.KindConflict:
		return qms.ErrorFields(err), qms.ErrorMessage(err), status(err), true
	}
	return nil, "", 0, false
}
