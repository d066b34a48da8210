package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/qms"
)

func TestStatusTable(t *testing.T) {
	want := map[qms.Kind]int{
		qms.KindInvalid:         422,
		qms.KindUnauthenticated: 401,
		qms.KindForbidden:       403,
		qms.KindNotFound:        404,
		qms.KindConflict:        409,
		qms.KindTooMany:         429,
		qms.KindInternal:        500,
	}
	for k, s := range want {
		if got := api.Status(k); got != s {
			t.Errorf("Status(%v) = %d, want %d", k, got, s)
		}
	}
}

func TestProblem(t *testing.T) {
	var logs bytes.Buffer
	a := api.New(nil, &auth.Service{}, slog.New(slog.NewTextHandler(&logs, nil)))
	ctx := qms.WithRequestID(context.Background(), "req-42")
	cases := []struct {
		err       error
		status    int
		detail    string
		locations []string
	}{
		{fmt.Errorf("query users: %w", errors.New("pq: relation \"users_secret\" does not exist")), 500, "An internal error occurred", nil},
		{&qms.Error{Kind: qms.KindInternal, Message: "disk full at /var/lib/qms"}, 500, "An internal error occurred", nil},
		{qms.Errorf(qms.KindNotFound, "user not found"), 404, "User not found", nil},
		{fmt.Errorf("wrapped: %w", qms.Errorf(qms.KindConflict, "stale")), 409, "Stale", nil},
		{qms.Problems{"email": "is required", "name": "is too long"}.Err(), 422,
			"Some fields are not valid: body.email: is required; body.name: is too long", []string{"body.email", "body.name"}},
		{qms.Errorf(qms.KindUnauthenticated, "sign in"), 401, "Sign in", nil},
		{api.Invalid("query.to", "must be after from"), 422, "query.to: must be after from", []string{"query.to"}},
	}
	for _, c := range cases {
		err := a.Problem(ctx, c.err)
		var p *huma.ErrorModel
		if !errors.As(err, &p) {
			t.Fatalf("Problem(%v) = %T", c.err, err)
		}
		if p.Status != c.status || !strings.Contains(p.Detail, c.detail) {
			t.Errorf("Problem(%v) = %d %q, want %d %q", c.err, p.Status, p.Detail, c.status, c.detail)
		}
		var locs []string
		for _, d := range p.Errors {
			locs = append(locs, d.Location)
		}
		if strings.Join(locs, ",") != strings.Join(c.locations, ",") {
			t.Errorf("Problem(%v) locations %v, want %v", c.err, locs, c.locations)
		}
		if strings.Contains(p.Detail, "users_secret") || strings.Contains(p.Detail, "/var/lib") {
			t.Errorf("internal text reached the client: %q", p.Detail)
		}
		var he huma.HeadersError
		if c.status == http.StatusUnauthorized && (!errors.As(err, &he) || he.GetHeaders().Get("WWW-Authenticate") == "") {
			t.Errorf("401 without WWW-Authenticate")
		}
	}
	// Internal errors are logged once each, with the request id and the cause.
	if n := strings.Count(logs.String(), "api request failed"); n != 2 {
		t.Errorf("%d internal errors logged, want 2:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "users_secret") || !strings.Contains(logs.String(), "req-42") {
		t.Errorf("the log lacks the cause or the request id:\n%s", logs.String())
	}
}
