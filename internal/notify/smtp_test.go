package notify

import (
	"bytes"
	"context"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"qms/internal/config"
	"qms/internal/notify/notifytest"
)

// mailer returns an SMTP mailer for the sink that trusts its certificate.
func mailer(t *testing.T, s *notifytest.Sink, tlsMode string) *SMTP {
	t.Helper()
	m, err := NewSMTP(s.Settings(tlsMode))
	if err != nil {
		t.Fatal(err)
	}
	m.TLSConfig = s.ClientTLS()
	m.Timeout = 10 * time.Second
	return m
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
		p := notifytest.Parse(t, raw)
		want := subject
		if strings.Contains(subject, "\r\n") {
			want = "Injected  Bcc: evil@example.com"
			if p.Header.Get("Bcc") != "" {
				t.Fatal("a line break in the subject added a header")
			}
		}
		if p.Subject != want {
			t.Errorf("subject = %q, want %q", p.Subject, want)
		}
		if p.To.Name != "Nguyễn Thị Hoa" || p.To.Address != "hoa@example.vn" || p.From.Name != "QMS 质量" || p.From.Address != "qms@example.com" {
			t.Errorf("To %+v, From %+v", p.To, p.From)
		}
		if p.Body != strings.ReplaceAll(body, "\n", "\r\n")+"\r\n" {
			t.Errorf("body = %q", p.Body)
		}
		for k, v := range map[string]string{"Message-Id": "<qms-notification-1-2@example.com>", "Mime-Version": "1.0",
			"Content-Type": "text/plain; charset=UTF-8", "Auto-Submitted": "auto-generated", "X-Qms-Event": "certificate.expiring",
			"Date": "Fri, 27 Nov 2026 08:00:00 +0700"} {
			if got := p.Header.Get(k); got != v {
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
		opts []func(*notifytest.Sink)
		mode string
		tls  bool
	}{
		{"local relay, no TLS", nil, config.SMTPNoTLS, false},
		{"STARTTLS with authentication", []func(*notifytest.Sink){func(s *notifytest.Sink) { s.StartTLS, s.User, s.Password = true, "qms", "pa55 wörd" }}, config.SMTPStartTLS, true},
		{"implicit TLS with authentication", []func(*notifytest.Sink){func(s *notifytest.Sink) { s.Implicit, s.User, s.Password = true, "qms", "secret" }}, config.SMTPTLS, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := notifytest.NewSink(t, c.opts...)
			if err := mailer(t, s, c.mode).Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			got := s.Messages()
			if len(got) != 1 {
				t.Fatalf("the sink got %d messages", len(got))
			}
			m := got[0]
			if m.From != "qms@example.com" || m.To != "zhang.wei@example.cn" || m.TLS != c.tls || m.User != s.User {
				t.Errorf("envelope %+v", m)
			}
			p := notifytest.Parse(t, m.Data)
			if p.Subject != zhSubject || p.Body != strings.ReplaceAll(msg.Body, "\n", "\r\n")+"\r\n" || p.To.Name != "张伟" {
				t.Errorf("message: subject %q, to %+v, body %q", p.Subject, p.To, p.Body)
			}
		})
	}
}

func TestSMTPFailures(t *testing.T) {
	msg := &Message{To: mail.Address{Address: "nobody@example.com"}, Subject: "x", Body: "x"}
	ctx := context.Background()

	// A server without STARTTLS is refused when STARTTLS is required: no
	// password or message goes out in the clear.
	plain := notifytest.NewSink(t, func(s *notifytest.Sink) { s.User, s.Password = "qms", "secret" })
	err := mailer(t, plain, config.SMTPStartTLS).Send(ctx, msg)
	if err == nil || !isPermanent(err) || !strings.Contains(err.Error(), "does not offer STARTTLS") || len(plain.Messages()) != 0 {
		t.Errorf("no STARTTLS: %v", err)
	}
	// net/smtp refuses to send a password over an unencrypted connection to
	// another host; to the local relay it may.
	m := mailer(t, plain, config.SMTPNoTLS)
	m.Password = "wrong"
	if err := m.Send(ctx, msg); err == nil || !isPermanent(err) {
		t.Errorf("wrong password: %v; want a permanent 535", err)
	}
	// 5xx is permanent, 4xx is worth retrying.
	for code, permanent := range map[string]bool{"550 5.1.1 no such user": true, "451 4.3.0 try again later": false} {
		s := notifytest.NewSink(t, func(s *notifytest.Sink) { s.RcptErr = code })
		err := mailer(t, s, config.SMTPNoTLS).Send(ctx, msg)
		if err == nil || isPermanent(err) != permanent || !strings.Contains(err.Error(), code[:3]) {
			t.Errorf("RCPT answered %q: %v (permanent %v)", code, err, isPermanent(err))
		}
	}
	// A certificate that is not trusted fails the handshake.
	s := notifytest.NewSink(t, func(s *notifytest.Sink) { s.StartTLS = true })
	m = mailer(t, s, config.SMTPStartTLS)
	m.TLSConfig = nil
	if err := m.Send(ctx, msg); err == nil || len(s.Messages()) != 0 {
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
