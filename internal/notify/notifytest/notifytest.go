// Package notifytest provides a local SMTP sink for tests: a real SMTP
// server on 127.0.0.1 that keeps every message it accepts, with optional
// STARTTLS, implicit TLS and AUTH PLAIN, and a parser for what it received.
package notifytest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/config"
)

// Sink is an SMTP server for tests: enough of RFC 5321 for net/smtp (EHLO,
// STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeping every
// message it accepts. Set its options in NewSink's option functions.
type Sink struct {
	Roots    *x509.CertPool // trusts the sink's self-signed certificate
	Implicit bool           // TLS from the first byte (port 465 style)
	StartTLS bool           // offer STARTTLS
	User     string         // require AUTH PLAIN with User and Password
	Password string
	RcptErr  string // the reply to every RCPT, such as "550 5.1.1 no such user"

	l    net.Listener
	cert *tls.Config // the server side of STARTTLS and implicit TLS

	mu   sync.Mutex
	msgs []Message
}

// Message is a message the sink accepted: its envelope and raw data.
type Message struct {
	From, To string
	Data     []byte
	TLS      bool
	User     string // the authenticated user, if any
}

// NewSink starts a sink on a free port of 127.0.0.1, configured by opts,
// and stops it when the test ends.
func NewSink(t testing.TB, opts ...func(*Sink)) *Sink {
	t.Helper()
	s := &Sink{}
	s.cert, s.Roots = testCert(t)
	for _, o := range opts {
		o(s)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.l = l
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); s.serve(c) }()
		}
	}()
	return s
}

// Settings returns notification settings that point at the sink with the
// given TLS mode (config.SMTPNoTLS, SMTPStartTLS or SMTPTLS), its user and
// password, and a sender. A mailer made from them must trust Roots (use
// ClientTLS) unless the mode is config.SMTPNoTLS.
func (s *Sink) Settings(tlsMode string) config.Notify {
	_, port, _ := net.SplitHostPort(s.l.Addr().String())
	n, _ := strconv.Atoi(port)
	return config.Notify{SMTPHost: "127.0.0.1", SMTPPort: n, SMTPTLS: tlsMode, SMTPUser: s.User, SMTPPassword: s.Password,
		SMTPFrom: "QMS 质量 <qms@example.com>"}
}

// ClientTLS returns a client TLS configuration that trusts the sink.
func (s *Sink) ClientTLS() *tls.Config { return &tls.Config{RootCAs: s.Roots} }

// Messages returns the messages accepted so far, in order.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *Sink) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	isTLS := false
	if s.Implicit {
		tc := tls.Server(c, s.cert)
		if err := tc.Handshake(); err != nil {
			return
		}
		c, isTLS = tc, true
	}
	r := bufio.NewReader(c)
	reply := func(lines ...string) {
		for _, l := range lines {
			io.WriteString(c, l+"\r\n")
		}
	}
	reply("220 sink.test ESMTP ready")
	var m Message
	authed := ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-sink.test greets " + arg}
			if s.StartTLS && !isTLS {
				ext = append(ext, "250-STARTTLS")
			}
			if s.User != "" {
				ext = append(ext, "250-AUTH PLAIN")
			}
			reply(append(ext, "250 8BITMIME")...)
		case "STARTTLS":
			if !s.StartTLS || isTLS {
				reply("503 5.5.1 not now")
				continue
			}
			reply("220 2.0.0 go ahead")
			tc := tls.Server(c, s.cert)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, isTLS = tc, true
			r = bufio.NewReader(c)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(b), "\x00")
			if strings.ToUpper(mech) != "PLAIN" || err != nil || len(parts) != 3 || parts[1] != s.User || parts[2] != s.Password {
				reply("535 5.7.8 authentication failed")
				continue
			}
			authed = parts[1]
			reply("235 2.7.0 authenticated")
		case "MAIL":
			if s.User != "" && authed == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			m = Message{From: strings.Trim(strings.TrimPrefix(strings.Fields(arg)[0], "FROM:"), "<>"), TLS: isTLS, User: authed}
			reply("250 2.1.0 ok")
		case "RCPT":
			if s.RcptErr != "" {
				reply(s.RcptErr)
				continue
			}
			m.To = strings.Trim(strings.TrimPrefix(arg, "TO:"), "<>")
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			var data bytes.Buffer
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, ".")) // undo dot-stuffing
			}
			m.Data = data.Bytes()
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			reply("250 2.0.0 queued")
		case "RSET", "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("500 5.5.2 unknown command")
		}
	}
}

// testCert returns a server TLS configuration with a self-signed
// certificate for 127.0.0.1 and localhost, and a pool that trusts it.
func testCert(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sink.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// Parsed is a received message, decoded: its headers, the decoded subject,
// the addresses and the quoted-printable body.
type Parsed struct {
	Header  mail.Header
	Subject string
	To      *mail.Address
	From    *mail.Address
	Body    string
}

// Parse decodes a message as qms composes it (one recipient, a
// quoted-printable UTF-8 body), failing the test when it does not parse.
func Parse(t testing.TB, data []byte) Parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, data)
	}
	var p Parsed
	p.Header = msg.Header
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	tos, err := msg.Header.AddressList("To")
	if err != nil || len(tos) != 1 {
		t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
	}
	p.To = tos[0]
	if p.From, err = mail.ParseAddress(msg.Header.Get("From")); err != nil {
		t.Fatalf("From %q: %v", msg.Header.Get("From"), err)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	p.Body = string(b)
	return p
}
