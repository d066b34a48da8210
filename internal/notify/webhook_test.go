package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
)

func TestSignAndVerify(t *testing.T) {
	body := []byte(`{"id":1,"subject":"证书到期"}`)
	now := time.Unix(1_800_000_000, 0)
	ts := "1800000000"
	sig := Sign("whsec_abc", ts, body)
	// The documented construction: hex HMAC-SHA256 of "timestamp.body".
	mac := hmac.New(sha256.New, []byte("whsec_abc"))
	mac.Write([]byte(ts + "." + string(body)))
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); sig != want {
		t.Fatalf("signature %q, want %q", sig, want)
	}
	if err := VerifySignature("whsec_abc", ts, sig, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("a good signature: %v", err)
	}
	for name, c := range map[string]struct {
		secret, ts, sig string
		body            []byte
		now             time.Time
	}{
		"other secret":    {"whsec_other", ts, sig, body, now},
		"changed body":    {"whsec_abc", ts, sig, []byte(`{"id":2,"subject":"证书到期"}`), now},
		"changed time":    {"whsec_abc", "1800000001", sig, body, now},
		"replayed later":  {"whsec_abc", ts, sig, body, now.Add(6 * time.Minute)},
		"from the future": {"whsec_abc", ts, sig, body, now.Add(-6 * time.Minute)},
		"no timestamp":    {"whsec_abc", "", sig, body, now},
		"no signature":    {"whsec_abc", ts, "", body, now},
		"bare hex":        {"whsec_abc", ts, strings.TrimPrefix(sig, "sha256="), body, now},
	} {
		if err := VerifySignature(c.secret, c.ts, c.sig, c.body, c.now, 5*time.Minute); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	if a, b := NewSecret(), NewSecret(); a == b || !strings.HasPrefix(a, "whsec_") || len(a) != 6+64 {
		t.Errorf("secrets %q, %q", a, b)
	}
}

func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		url  string
		want string // part of the message; "" when allowed
	}{
		{"https://erp.example.com/hooks/qms?x=1", ""},
		{"http://10.0.0.5:8080/qms", ""}, // a receiver on the company network
		{"https://[2001:db8::1]/hook", ""},
		{"https://例子.测试/hook", ""},
		{"http://localhost:9000/hook", ""}, // names are checked when connecting
		{"", "is required"},
		{"ftp://example.com/x", "https://"},
		{"javascript:alert(1)", "https://"},
		{"/relative/path", "https://"},
		{"https://user:pass@example.com/hook", "user name or password"},
		{"https://token@example.com/hook", "user name or password"},
		{"https://", "no host"},
		{"https://example.com/a b", "spaces"},
		{"https://example.com/\x00", "control"},
		{"https://example.com/#frag", "fragment"},
		{"https://example.com:99999/", "port"},
		{"http://169.254.169.254/latest/meta-data/", "link-local"},
		{"http://[fe80::1]/", "link-local"},
		{"http://[fd00:ec2::254]/", "AWS metadata"},
		{"http://100.100.100.200/", "Alibaba"},
		{"http://[::ffff:169.254.169.254]/", "link-local"},
		{"http://0.0.0.0:8080/", "unspecified"},
		{"http://[::]/", "unspecified"},
		{"http://224.0.0.1/", "multicast"},
		{"http://255.255.255.255/", "broadcast"},
		{"https://example.com/" + strings.Repeat("a", MaxURLLen), "at most"},
	} {
		err := CheckURL(c.url)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckURL(%q) = %v; want it allowed", c.url, err)
		case c.want != "" && (err == nil || qms.ErrorKind(err) != qms.KindInvalid || !strings.Contains(qms.ErrorFields(err)["url"], c.want)):
			t.Errorf("CheckURL(%q) = %v; want invalid saying %q", c.url, err, c.want)
		}
	}
}

func TestRefusedAddresses(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.216.34": false, "10.1.2.3": false, "192.168.1.10": false, "2001:db8::5": false,
		"127.0.0.1": true, "::1": true, "127.1.2.3": true, "169.254.169.254": true, "169.254.0.1": true,
		"fe80::abcd": true, "fd00:ec2::254": true, "100.100.100.200": true, "168.63.129.16": true,
		"0.0.0.0": true, "0.1.2.3": true, "::": true, "239.1.1.1": true, "ff02::1": true, "::ffff:127.0.0.1": true,
	} {
		if got := refused(netip.MustParseAddr(addr), false) != ""; got != want {
			t.Errorf("refused(%s) = %v, want %v", addr, got, want)
		}
	}
	if why := refused(netip.MustParseAddr("127.0.0.1"), true); why != "" {
		t.Errorf("loopback refused although allowed: %s", why)
	}
	if why := refused(netip.MustParseAddr("169.254.169.254"), true); why == "" {
		t.Error("allowing loopback must not allow link-local")
	}
}

// TestWebhookClientChecksResolvedAddresses posts to a loopback server by
// name: the address policy applies after resolution, so the name does not
// get around it.
func TestWebhookClientChecksResolvedAddresses(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	byName := "http://localhost:" + port + "/hook"
	r := post(context.Background(), NewWebhookClient(false), byName, "s", "ncr.created", 1, []byte(`{}`), time.Now())
	if r.err == nil || !r.permanent || !strings.Contains(r.err.Error(), "loopback") || hits != 0 {
		t.Fatalf("post to %s with loopback refused: %+v, %d hits", byName, r, hits)
	}
	r = post(context.Background(), NewWebhookClient(true), srv.URL, "s", "ncr.created", 1, []byte(`{}`), time.Now())
	if r.err != nil || r.code != http.StatusOK || hits != 1 {
		t.Fatalf("post with loopback allowed: %+v, %d hits", r, hits)
	}
	r = post(context.Background(), NewWebhookClient(true), "http://169.254.169.254/latest/meta-data/", "s", "x.y", 1, []byte(`{}`), time.Now())
	if r.err == nil || !r.permanent {
		t.Errorf("metadata address: %+v", r)
	}
}

func TestWebhookPostAnswers(t *testing.T) {
	var got *http.Request
	var gotBody []byte
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		got, gotBody = r, must(io.ReadAll(r.Body))
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "数据库不可用\x00\nstack trace line 2", http.StatusServiceUnavailable)
	})
	stop := make(chan struct{})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer close(stop)
	client := NewWebhookClient(true)
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":7,"type":"ncr.created"}`)

	r := post(context.Background(), client, srv.URL+"/ok", "whsec_x", "ncr.created", 42, body, now)
	if r.err != nil || r.code != http.StatusAccepted || got == nil {
		t.Fatalf("post = %+v", r)
	}
	h := got.Header
	if h.Get(HeaderEvent) != "ncr.created" || h.Get(HeaderDelivery) != "42" || h.Get(HeaderTimestamp) != "1800000000" ||
		h.Get("Content-Type") != "application/json" || string(gotBody) != string(body) || got.Method != http.MethodPost {
		t.Errorf("request %v %v body %s", got.Method, h, gotBody)
	}
	if err := VerifySignature("whsec_x", h.Get(HeaderTimestamp), h.Get(HeaderSignature), gotBody, now, time.Minute); err != nil {
		t.Errorf("the signature does not verify: %v", err)
	}

	got = nil
	r = post(context.Background(), client, srv.URL+"/moved", "s", "x.y", 1, body, now)
	if r.err == nil || r.code != http.StatusFound || got != nil || !strings.Contains(r.err.Error(), "does not follow") {
		t.Errorf("redirect: %+v (followed: %v)", r, got != nil)
	}
	r = post(context.Background(), client, srv.URL+"/broken", "s", "x.y", 1, body, now)
	if r.err == nil || r.permanent || r.code != http.StatusServiceUnavailable || !strings.Contains(r.err.Error(), "503 Service Unavailable: 数据库不可用") ||
		strings.ContainsAny(r.err.Error(), "\x00\n") {
		t.Errorf("503: %+v", r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r = post(ctx, client, srv.URL+"/slow", "s", "x.y", 1, body, now)
	if r.err == nil || r.permanent || r.code != 0 {
		t.Errorf("no answer: %+v", r)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestSubscribed(t *testing.T) {
	for _, c := range []struct {
		patterns []string
		typ      string
		want     bool
	}{
		{[]string{"*"}, "certificate.expiring", true},
		{[]string{"certificate.*"}, "certificate.expiring", true},
		{[]string{"certificate.*"}, "certificates.expiring", false},
		{[]string{"certificate.*"}, "capa.stage_overdue", false},
		{[]string{"capa.*"}, "capa.stage.overdue", true},
		{[]string{"ncr.created", "capa.closed"}, "capa.closed", true},
		{[]string{"ncr.created"}, "ncr.created_again", false},
		{nil, "ncr.created", false},
	} {
		if got := Subscribed(c.patterns, c.typ); got != c.want {
			t.Errorf("Subscribed(%v, %s) = %v", c.patterns, c.typ, got)
		}
	}
}
