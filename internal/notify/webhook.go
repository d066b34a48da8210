package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"qms/internal/qms"
)

// WebhookTimeout is how long one delivery attempt may take, connecting
// included.
const WebhookTimeout = 10 * time.Second

// MaxURLLen is the longest webhook URL accepted.
const MaxURLLen = 2000

// Headers of a webhook delivery.
const (
	HeaderEvent     = "X-QMS-Event"
	HeaderDelivery  = "X-QMS-Delivery"
	HeaderTimestamp = "X-QMS-Timestamp"
	HeaderSignature = "X-QMS-Signature"
)

// NewSecret returns a new webhook signing secret: "whsec_" and 32 random
// bytes in hex.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// Sign returns the X-QMS-Signature value of a delivery: "sha256=" and the
// hex HMAC-SHA256, keyed with the secret, of the timestamp, a dot and the
// body.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a received delivery: the signature must match
// the body and timestamp (compared in constant time), and the timestamp
// must be within tolerance of now, so that a captured delivery cannot be
// replayed later.
func VerifySignature(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("the timestamp header is missing or not a number")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("the timestamp is %s away from now, more than %s", d.Round(time.Second), tolerance)
	}
	if !hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature)) {
		return errors.New("the signature does not match the body")
	}
	return nil
}

// CheckURL reports what is wrong with a webhook URL: it must be an http or
// https URL with a host, no user name or password, and no address that is
// always refused (see the package documentation). Host names are checked
// again, after resolution, when a delivery connects.
func CheckURL(raw string) error {
	bad := func(msg string) error {
		return &qms.Error{Kind: qms.KindInvalid, Message: "The webhook URL is not allowed", Fields: map[string]string{"url": msg}}
	}
	if raw == "" {
		return bad("is required")
	}
	if len(raw) > MaxURLLen || !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return bad(fmt.Sprintf("must be a URL of at most %d characters without spaces or control characters", MaxURLLen))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("is not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("must start with https:// (or http://)")
	case u.User != nil:
		return bad("must not contain a user name or password: authenticate the requests with the signature")
	case u.Hostname() == "":
		return bad("has no host name")
	case u.Fragment != "":
		return bad("must not have a #fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return bad("has a port that is not a number from 1 to 65535")
		}
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
		if why := refused(ip, true); why != "" {
			return bad("points at " + why)
		}
	}
	return nil
}

// metadataAddrs are cloud metadata services outside 169.254.0.0/16.
var metadataAddrs = map[netip.Addr]string{
	netip.MustParseAddr("fd00:ec2::254"):   "the AWS metadata service",
	netip.MustParseAddr("100.100.100.200"): "the Alibaba Cloud metadata service",
	netip.MustParseAddr("168.63.129.16"):   "the Azure platform service",
}

// refused says why qms must not connect to ip, or "" when it may.
func refused(ip netip.Addr, allowLoopback bool) string {
	ip = ip.Unmap()
	if why, ok := metadataAddrs[ip]; ok {
		return why + " (" + ip.String() + ")"
	}
	switch {
	case ip.IsLinkLocalUnicast():
		return "a link-local address (" + ip.String() + "), where cloud metadata services live"
	case ip.IsUnspecified(), ip.Is4() && ip.As4()[0] == 0:
		return "an unspecified address (" + ip.String() + ")"
	case ip.IsMulticast(), ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "a multicast or broadcast address (" + ip.String() + ")"
	case ip.IsLoopback() && !allowLoopback:
		return "a loopback address (" + ip.String() + "); set QMS_WEBHOOK_ALLOW_LOOPBACK=true to allow it for development"
	}
	return ""
}

// errRefused marks a connection refused by the address policy: retrying
// cannot help.
var errRefused = errors.New("address refused")

// NewWebhookClient returns the HTTP client deliveries are posted with:
// WebhookTimeout per attempt, no redirects followed, no proxy, and
// connections only to addresses the policy allows (checked on the
// resolved address).
func NewWebhookClient(allowLoopback bool) *http.Client {
	d := &net.Dialer{
		Timeout: WebhookTimeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s is not an IP address and port", errRefused, address)
			}
			if why := refused(ap.Addr(), allowLoopback); why != "" {
				return fmt.Errorf("%w: qms does not send webhooks to %s", errRefused, why)
			}
			return nil
		},
	}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   WebhookTimeout,
		ResponseHeaderTimeout: WebhookTimeout,
	}
	return &http.Client{
		Timeout:       WebhookTimeout,
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// postResult is the outcome of one delivery attempt.
type postResult struct {
	code      int
	err       error
	permanent bool // retrying cannot help
	duration  time.Duration
}

// post sends one signed delivery attempt.
func post(ctx context.Context, client *http.Client, target, secret, eventType string, deliveryID int64, body []byte, now time.Time) postResult {
	if err := CheckURL(target); err != nil {
		return postResult{err: fmt.Errorf("the webhook URL is not allowed: %s", qms.ErrorFields(err)["url"]), permanent: true}
	}
	ctx, cancel := context.WithTimeout(ctx, WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return postResult{err: err, permanent: true}
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "qms-webhook/1")
	h.Set(HeaderEvent, eventType)
	h.Set(HeaderDelivery, strconv.FormatInt(deliveryID, 10))
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, Sign(secret, ts, body))
	start := time.Now()
	res, err := client.Do(req)
	r := postResult{duration: time.Since(start)}
	if err != nil {
		r.err, r.permanent = describeNetError(err), errors.Is(err, errRefused)
		return r
	}
	defer res.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // lets the connection be reused
	r.duration = time.Since(start)
	r.code = res.StatusCode
	if res.StatusCode < 200 || res.StatusCode > 299 {
		msg := "the endpoint answered " + res.Status
		if loc := res.Header.Get("Location"); loc != "" && res.StatusCode >= 300 && res.StatusCode < 400 {
			msg += " (a redirect to " + printable(loc, 200) + ", which qms does not follow: register the final URL)"
		} else if s := printable(string(snippet), 200); s != "" {
			msg += ": " + s
		}
		r.err = errors.New(msg)
	}
	return r
}

// describeNetError says what went wrong with a request, without Go's
// wrapping noise.
func describeNetError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("no answer within %s", WebhookTimeout)
		}
		err = ue.Err
	}
	return err
}

// printable returns s as one line of at most n characters of valid UTF-8
// without control characters, for a log.
func printable(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }), " ")
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}
