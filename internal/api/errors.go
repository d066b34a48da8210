package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/qms"
	"qms/internal/server"
)

// statusOf is the one table from error kinds to HTTP status codes.
var statusOf = map[qms.Kind]int{
	qms.KindInvalid:         http.StatusUnprocessableEntity,
	qms.KindUnauthenticated: http.StatusUnauthorized,
	qms.KindForbidden:       http.StatusForbidden,
	qms.KindNotFound:        http.StatusNotFound,
	qms.KindConflict:        http.StatusConflict,
	qms.KindTooMany:         http.StatusTooManyRequests,
	qms.KindInternal:        http.StatusInternalServerError,
}

// Status returns the HTTP status of an error kind.
func Status(k qms.Kind) int {
	if s, ok := statusOf[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Problem turns an error of the domain into the RFC 9457 problem that huma
// writes: the status from the kind, the user-safe message as detail, and
// one entry per invalid field located as body.<field>. Internal errors are
// logged here, once, and answered with a generic message. An error that
// already is a problem, such as one from Invalid, passes unchanged.
func (a *API) Problem(ctx context.Context, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err // already a problem, e.g. from Invalid
	}
	kind := qms.ErrorKind(err)
	status := Status(kind)
	switch {
	case kind != qms.KindInternal:
	case ctx.Err() != nil: // the client went away; nobody reads the answer
		a.log.Debug("api request abandoned", "err", err, "request_id", qms.RequestID(ctx))
	default:
		a.log.Error("api request failed", "err", err, "request_id", qms.RequestID(ctx))
	}
	p := &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: sentence(qms.ErrorMessage(err))}
	fields := qms.ErrorFields(err)
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		p.Errors = append(p.Errors, &huma.ErrorDetail{Location: "body." + f, Message: fields[f]})
	}
	if len(names) > 0 {
		p.Detail = withDetails(p.Detail, p.Errors)
	}
	if kind == qms.KindUnauthenticated {
		h := http.Header{}
		h.Set("WWW-Authenticate", `Bearer realm="qms"`)
		return huma.ErrorWithHeaders(p, h)
	}
	return p
}

// Invalid returns a 422 problem about one request parameter, for checks an
// operation makes itself; location is like "query.to" or "body.reason".
func Invalid(location, message string) error {
	d := &huma.ErrorDetail{Location: location, Message: message}
	return &huma.ErrorModel{Status: http.StatusUnprocessableEntity, Title: http.StatusText(http.StatusUnprocessableEntity),
		Detail: withDetails("The request is not valid", []*huma.ErrorDetail{d}), Errors: []*huma.ErrorDetail{d}}
}

// sentence capitalises the first letter of a domain message, which is
// written to follow other text, so that it can stand alone as a detail.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// withDetails appends the per-field messages to a problem's detail, so that
// the detail alone says what is wrong.
func withDetails(detail string, errs []*huma.ErrorDetail) string {
	var parts []string
	for _, e := range errs {
		if e == nil {
			continue
		}
		if e.Location != "" {
			parts = append(parts, e.Location+": "+e.Message)
		} else {
			parts = append(parts, e.Message)
		}
	}
	if len(parts) == 0 {
		return detail
	}
	return detail + ": " + strings.Join(parts, "; ")
}

// tidyProblem is the last word on every problem huma writes, including
// those from its own request validation: 5xx never carry internal text,
// details are spelled out, and secrets and whole bodies are not echoed back.
func tidyProblem(_ huma.Context, _ string, v any) (any, error) {
	p, ok := v.(*huma.ErrorModel)
	if !ok {
		return v, nil
	}
	var errs []*huma.ErrorDetail
	for _, e := range p.Errors {
		if e == nil {
			continue
		}
		switch v := e.Value.(type) {
		case map[string]any, []any:
			e.Value = nil // the enclosing object, or the whole body: not worth echoing
		case string:
			if len(v) > 256 {
				e.Value = nil // the client has it; a long echo only weighs
			}
		}
		if e.Location == "body" || strings.Contains(e.Location, "password") || strings.Contains(e.Location, "secret") {
			e.Value = nil
		}
		if prop, ok := strings.CutPrefix(e.Message, "expected required property "); ok {
			if prop, ok = strings.CutSuffix(prop, " to be present"); ok {
				e.Location, e.Message = e.Location+"."+prop, "is required"
			}
		}
		if strings.HasPrefix(e.Message, "invalid date/time for format") {
			e.Message = "expected an RFC 3339 date and time such as 2024-05-01T08:00:00Z"
		}
		errs = append(errs, e)
	}
	p.Errors = errs
	switch {
	case p.Status >= 500:
		p.Detail = qms.ErrorMessage(errors.New("internal"))
		p.Errors = nil
	case p.Status == http.StatusRequestEntityTooLarge:
		p.Detail = fmt.Sprintf("The request body is too large: at most %d bytes (1 MiB) are accepted", MaxBodyBytes)
		p.Errors = nil
	case p.Detail == "validation failed":
		p.Detail = withDetails("The request is not valid", p.Errors)
	case p.Detail == "request body is required":
		p.Detail = "The request needs a JSON body"
	}
	return p, nil
}

// requireActor refuses, with 401, a request that carries no valid session
// or token. When a token was sent but refused it says why (revoked,
// expired, unknown).
func (a *API) requireActor(ctx huma.Context, next func(huma.Context)) {
	if _, ok := qms.ActorFrom(ctx.Context()); ok {
		next(ctx)
		return
	}
	msg := "Authentication is required: send an API token as \"Authorization: Bearer <token>\", or sign in"
	challenge := `Bearer realm="qms"`
	if err := server.AuthError(ctx.Context()); err != nil {
		msg = sentence(qms.ErrorMessage(err))
		challenge = `Bearer realm="qms", error="invalid_token"`
	}
	ctx.SetHeader("WWW-Authenticate", challenge)
	huma.WriteErr(a.huma, ctx, http.StatusUnauthorized, msg)
}

// checkQueryText refuses query parameters that are not correctly
// percent-encoded, not valid UTF-8 text, or hold control characters, so no
// operation has to check its free-text filters itself (PostgreSQL, for
// one, cannot store NUL or invalid UTF-8). It reads the query the way huma
// does: pairs separated by &, nothing else.
func (a *API) checkQueryText(ctx huma.Context, next func(huma.Context)) {
	u := ctx.URL()
	for _, pair := range strings.Split(u.RawQuery, "&") {
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		msg := ""
		switch {
		case err1 != nil || err2 != nil:
			msg = "is not correctly percent-encoded"
		case !utf8.ValidString(name) || !utf8.ValidString(value):
			msg = "is not valid UTF-8 text"
		case strings.IndexFunc(name+value, isControl) >= 0:
			msg = "contains a control character"
		}
		if msg != "" {
			loc := "query." + strings.Map(func(r rune) rune {
				if isControl(r) {
					return '\uFFFD'
				}
				return r
			}, strings.ToValidUTF8(name, "\uFFFD"))
			huma.WriteErr(a.huma, ctx, http.StatusUnprocessableEntity, "validation failed", &huma.ErrorDetail{Location: loc, Message: msg})
			return
		}
	}
	next(ctx)
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// jsonFormat reads request bodies strictly: the body must be valid UTF-8
// (encoding/json would silently replace bad bytes), and syntax and type
// errors say where they are without Go type names.
var jsonFormat = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	},
	Unmarshal: func(data []byte, v any) error {
		if !utf8.Valid(data) {
			return fmt.Errorf("is not valid UTF-8 text (at byte %d)", invalidUTF8At(data))
		}
		err := json.Unmarshal(data, v)
		if p, ok := v.(*any); ok && err == nil {
			if at := findNUL(*p, "body"); at != "" {
				return fmt.Errorf("%s contains a NUL character (\\u0000), which cannot be stored", at)
			}
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return fmt.Errorf("is not valid JSON (at byte %d): %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
		case errors.As(err, &typ):
			return fmt.Errorf("%s: expected %s, got %s", typ.Field, jsonType(typ.Type.Kind().String()), typ.Value)
		case err != nil:
			return fmt.Errorf("is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil
	},
}

// findNUL returns the location of the first string in a decoded JSON value
// (keys included) that holds U+0000, or "".
func findNUL(v any, at string) string {
	switch v := v.(type) {
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return at
		}
	case []any:
		for i, x := range v {
			if loc := findNUL(x, at+"["+strconv.Itoa(i)+"]"); loc != "" {
				return loc
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.IndexByte(k, 0) >= 0 {
				return at
			}
			if loc := findNUL(v[k], at+"."+k); loc != "" {
				return loc
			}
		}
	}
	return ""
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "an integer in range"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	}
	return kind
}

// fallback answers requests under Prefix that match no operation: 405 with
// Allow when the path exists for other methods, else 404, both as problems.
func fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := *r
			probe.Method = m
			if _, pattern := mux.Handler(&probe); pattern != "" && pattern != Prefix+"/" {
				allow = append(allow, m)
			}
		}
		status, detail := http.StatusNotFound, "There is no API operation at "+r.URL.Path+"; see "+Prefix+"/openapi.json"
		if len(allow) > 0 {
			status, detail = http.StatusMethodNotAllowed, r.Method+" is not allowed here; use "+strings.Join(allow, ", ")
			w.Header().Set("Allow", strings.Join(allow, ", "))
		}
		var buf bytes.Buffer
		json.NewEncoder(&buf).Encode(&huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: detail})
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		w.Write(buf.Bytes())
	})
}
