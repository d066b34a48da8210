package notify

import (
	"bufio"
	"bytes"
	"context"
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

// sink is an SMTP server for tests: enough of RFC 5321 for net/smtp
// (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeping
// every message it accepts.
type sink struct {
	t        *testing.T
	l        net.Listener
	cert     *tls.Config // the server side of STARTTLS and implicit TLS
	Roots    *x509.CertPool
	implicit bool   // TLS from the first byte (port 465 style)
	startTLS bool   // offer STARTTLS
	user     string // require AUTH PLAIN with user and password
	password string
	rcptErr  string // the reply to every RCPT, such as "550 5.1.1 no such user"

	mu   sync.Mutex
	msgs []sunk
}

// sunk is a message the sink accepted.
type sunk struct {
	From, To string
	Data     []byte
	TLS      bool
	User     string // the authenticated user, if any
}

func newSink(t *testing.T, opts ...func(*sink)) *sink {
	t.Helper()
	s := &sink{t: t}
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

// settings returns the notification settings that point at the sink.
func (s *sink) settings(tlsMode string) config.Notify {
	_, port, _ := net.SplitHostPort(s.l.Addr().String())
	n, _ := strconv.Atoi(port)
	return config.Notify{SMTPHost: "127.0.0.1", SMTPPort: n, SMTPTLS: tlsMode, SMTPUser: s.user, SMTPPassword: s.password,
		SMTPFrom: "QMS 质量 <qms@example.com>"}
}

// mailer returns an SMTP mailer for the sink that trusts its certificate.
func (s *sink) mailer(t *testing.T, tlsMode string) *SMTP {
	t.Helper()
	m, err := NewSMTP(s.settings(tlsMode))
	if err != nil {
		t.Fatal(err)
	}
	m.TLSConfig = &tls.Config{RootCAs: s.Roots}
	m.Timeout = 10 * time.Second
	return m
}

func (s *sink) messages() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunk(nil), s.msgs...)
}

func (s *sink) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	isTLS := false
	if s.implicit {
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
	var m sunk
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
			if s.startTLS && !isTLS {
				ext = append(ext, "250-STARTTLS")
			}
			if s.user != "" {
				ext = append(ext, "250-AUTH PLAIN")
			}
			reply(append(ext, "250 8BITMIME")...)
		case "STARTTLS":
			if !s.startTLS || isTLS {
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
			if strings.ToUpper(mech) != "PLAIN" || err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.password {
				reply("535 5.7.8 authentication failed")
				continue
			}
			authed = parts[1]
			reply("235 2.7.0 authenticated")
		case "MAIL":
			if s.user != "" && authed == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			m = sunk{From: strings.Trim(strings.TrimPrefix(strings.Fields(arg)[0], "FROM:"), "<>"), TLS: isTLS, User: authed}
			reply("250 2.1.0 ok")
		case "RCPT":
			if s.rcptErr != "" {
				reply(s.rcptErr)
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
func testCert(t *testing.T) (*tls.Config, *x509.CertPool) {
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

// parsed is a received message, decoded.
type parsed struct {
	header  mail.Header
	subject string
	to      *mail.Address
	from    *mail.Address
	body    string
}

func parseMessage(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, data)
	}
	var p parsed
	p.header = msg.Header
	dec := new(mime.WordDecoder)
	if p.subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	tos, err := msg.Header.AddressList("To")
	if err != nil || len(tos) != 1 {
		t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
	}
	p.to = tos[0]
	if p.from, err = mail.ParseAddress(msg.Header.Get("From")); err != nil {
		t.Fatalf("From %q: %v", msg.Header.Get("From"), err)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	p.body = string(b)
	return p
}

const (
	zhSubject = "证书到期提醒：宁波华美电器有限公司 ISO 9001:2015 证书将在 30 天后到期，请尽快联系认证机构安排再认证审核"
	viSubject = "Nhắc nhở: chứng chỉ ISO 9001 của Công ty TNHH May Việt Tiến sắp hết hạn"
)

func TestComposeHeadersAndBody(t *testing.T) {
	from := mail.Address{Name: "QMS 质量", Address: "qms@example.com"}
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	body := "Chứng chỉ hết hạn ngày 2027-01-31.\n.a line that starts with a dot\n" + strings.Repeat("长", 80) + "\nTschüß"
	for _, subject := range []string{zhSubject, viSubject, "Plain ASCII subject", "Injected\r\nBcc: evil@example.com"} {
		raw := Compose(from, &Message{To: mail.Address{Name: "Nguyễn Thị Hoa", Address: "hoa@example.vn"}, Subject: subject, Body: body,
			MessageID: "qms-notification-1-2@example.com", EventType: "certificate.expiring"}, now)
		for i, l := range bytes.Split(raw, []byte("\r\n")) {
			if len(l) > 998 || bytes.ContainsAny(l, "\r\n") {
				t.Fatalf("line %d is not a proper line: %q", i, l)
			}
			if i > 0 && bytes.IndexFunc(l, func(r rune) bool { return r > 0x7e }) >= 0 {
				t.Fatalf("line %d is not 7-bit: %q", i, l)
			}
		}
		p := parseMessage(t, raw)
		want := subject
		if strings.Contains(subject, "\r\n") {
			want = "Injected  Bcc: evil@example.com"
			if p.header.Get("Bcc") != "" {
				t.Fatal("a line break in the subject added a header")
			}
		}
		if p.subject != want {
			t.Errorf("subject = %q, want %q", p.subject, want)
		}
		if p.to.Name != "Nguyễn Thị Hoa" || p.to.Address != "hoa@example.vn" || p.from.Name != "QMS 质量" || p.from.Address != "qms@example.com" {
			t.Errorf("To %+v, From %+v", p.to, p.from)
		}
		if p.body != strings.ReplaceAll(body, "\n", "\r\n")+"\r\n" {
			t.Errorf("body = %q", p.body)
		}
		for k, v := range map[string]string{"Message-Id": "<qms-notification-1-2@example.com>", "Mime-Version": "1.0",
			"Content-Type": "text/plain; charset=UTF-8", "Auto-Submitted": "auto-generated", "X-Qms-Event": "certificate.expiring",
			"Date": "Fri, 27 Nov 2026 08:00:00 +0700"} {
			if got := p.header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
	}
}

func TestSMTPSend(t *testing.T) {
	msg := &Message{To: mail.Address{Name: "张伟", Address: "zhang.wei@example.cn"}, Subject: zhSubject,
		Body: "宁波华美电器有限公司的证书将于 2027-01-31 到期。\n\nOpen in qms: https://qms.example.com/certificates/42", MessageID: "m1@example.com"}
	for _, c := range []struct {
		name string
		opts []func(*sink)
		mode string
		tls  bool
	}{
		{"local relay, no TLS", nil, config.SMTPNoTLS, false},
		{"STARTTLS with authentication", []func(*sink){func(s *sink) { s.startTLS, s.user, s.password = true, "qms", "pa55 wörd" }}, config.SMTPStartTLS, true},
		{"implicit TLS with authentication", []func(*sink){func(s *sink) { s.implicit, s.user, s.password = true, "qms", "secret" }}, config.SMTPTLS, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSink(t, c.opts...)
			if err := s.mailer(t, c.mode).Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			got := s.messages()
			if len(got) != 1 {
				t.Fatalf("the sink got %d messages", len(got))
			}
			m := got[0]
			if m.From != "qms@example.com" || m.To != "zhang.wei@example.cn" || m.TLS != c.tls || m.User != s.user {
				t.Errorf("envelope %+v", m)
			}
			p := parseMessage(t, m.Data)
			if p.subject != zhSubject || p.body != strings.ReplaceAll(msg.Body, "\n", "\r\n")+"\r\n" || p.to.Name != "张伟" {
				t.Errorf("message: subject %q, to %+v, body %q", p.subject, p.to, p.body)
			}
		})
	}
}

func TestSMTPFailures(t *testing.T) {
	msg := &Message{To: mail.Address{Address: "nobody@example.com"}, Subject: "x", Body: "x"}
	ctx := context.Background()

	// A server without STARTTLS is refused when STARTTLS is required: no
	// password or message goes out in the clear.
	plain := newSink(t, func(s *sink) { s.user, s.password = "qms", "secret" })
	err := plain.mailer(t, config.SMTPStartTLS).Send(ctx, msg)
	if err == nil || !isPermanent(err) || !strings.Contains(err.Error(), "does not offer STARTTLS") || len(plain.messages()) != 0 {
		t.Errorf("no STARTTLS: %v", err)
	}
	// net/smtp refuses to send a password over an unencrypted connection to
	// another host; to the local relay it may.
	m := plain.mailer(t, config.SMTPNoTLS)
	m.Password = "wrong"
	if err := m.Send(ctx, msg); err == nil || !isPermanent(err) {
		t.Errorf("wrong password: %v; want a permanent 535", err)
	}
	// 5xx is permanent, 4xx is worth retrying.
	for code, permanent := range map[string]bool{"550 5.1.1 no such user": true, "451 4.3.0 try again later": false} {
		s := newSink(t, func(s *sink) { s.rcptErr = code })
		err := s.mailer(t, config.SMTPNoTLS).Send(ctx, msg)
		if err == nil || isPermanent(err) != permanent || !strings.Contains(err.Error(), code[:3]) {
			t.Errorf("RCPT answered %q: %v (permanent %v)", code, err, isPermanent(err))
		}
	}
	// A certificate that is not trusted fails the handshake.
	s := newSink(t, func(s *sink) { s.startTLS = true })
	m = s.mailer(t, config.SMTPStartTLS)
	m.TLSConfig = nil
	if err := m.Send(ctx, msg); err == nil || len(s.messages()) != 0 {
		t.Errorf("untrusted certificate: %v", err)
	}
	// Nobody listening: a network error, retried.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().(*net.TCPAddr)
	l.Close()
	m = &SMTP{Host: "127.0.0.1", Port: addr.Port, From: mail.Address{Address: "qms@example.com"}, TLS: config.SMTPNoTLS}
	if err := m.Send(ctx, msg); err == nil || isPermanent(err) || !strings.Contains(err.Error(), "connect to the SMTP server") {
		t.Errorf("closed port: %v; want a temporary error saying it could not connect", err)
	}
}

func TestNewSMTPSettings(t *testing.T) {
	if m, err := NewSMTP(config.Notify{}); m != nil || err != nil {
		t.Errorf("no host: %v, %v; want e-mail off", m, err)
	}
	if _, err := NewSMTP(config.Notify{SMTPHost: "smtp.example.com"}); err == nil || !strings.Contains(err.Error(), "QMS_SMTP_FROM") {
		t.Errorf("no sender: %v", err)
	}
	m, err := NewSMTP(config.Notify{SMTPHost: "smtp.example.com", SMTPFrom: "qms@example.com", SMTPTLS: config.SMTPTLS})
	if err != nil || m.Port != 465 || m.TLS != config.SMTPTLS || m.From.Address != "qms@example.com" {
		t.Errorf("NewSMTP = %+v, %v", m, err)
	}
}
