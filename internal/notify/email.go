package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"

	"qms/internal/config"
)

// Message is one plain-text e-mail.
type Message struct {
	To        mail.Address
	Subject   string
	Body      string // plain text; line breaks as \n
	MessageID string // without angle brackets; the same on every attempt
	EventType string // sent as X-QMS-Event
}

// Mailer sends e-mail. SMTP is the implementation; tests may use another.
type Mailer interface {
	Send(ctx context.Context, m *Message) error
}

// SMTP sends e-mail through an SMTP server.
type SMTP struct {
	Host      string
	Port      int
	Username  string // empty: no authentication
	Password  string
	From      mail.Address
	TLS       string      // config.SMTPStartTLS, config.SMTPTLS or config.SMTPNoTLS
	TLSConfig *tls.Config // nil: verify the server's certificate for Host with the system roots
	Timeout   time.Duration
	Now       func() time.Time // the Date header; time.Now when nil
}

// NewSMTP returns the mailer the settings describe, or nil when e-mail is
// off (no host). Returns an error naming the setting that is wrong.
func NewSMTP(c config.Notify) (*SMTP, error) {
	if c.SMTPHost == "" {
		return nil, nil
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	from, err := mail.ParseAddress(c.SMTPFrom)
	if err != nil {
		return nil, fmt.Errorf("QMS_SMTP_FROM %q is not an e-mail address", c.SMTPFrom)
	}
	return &SMTP{Host: c.SMTPHost, Port: c.Port(), Username: c.SMTPUser, Password: c.SMTPPassword, From: *from,
		TLS: c.TLSMode(), Timeout: 30 * time.Second}, nil
}

// permanentSMTP marks an error that retrying cannot fix: a 5xx reply, or a
// server that lacks what the settings require.
type permanentSMTP struct{ error }

func (e permanentSMTP) Unwrap() error { return e.error }

// isPermanent reports whether a send failed for good.
func isPermanent(err error) bool {
	var p permanentSMTP
	if errors.As(err, &p) {
		return true
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500
}

// Send delivers m in one SMTP session: EHLO, STARTTLS (or implicit TLS),
// AUTH PLAIN when a user is set, MAIL, RCPT, DATA and QUIT, all within the
// timeout and ctx.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to the SMTP server %s: %w", addr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() }) // a stalled server cannot hold the job
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	tc := s.tlsConfig()
	if s.TLS == config.SMTPTLS {
		tconn := tls.Client(conn, tc)
		if err := tconn.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS with the SMTP server %s: %w", addr, err)
		}
		conn = tconn
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return fmt.Errorf("SMTP server %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello(helloName()); err != nil {
		return fmt.Errorf("SMTP EHLO: %w", err)
	}
	if s.TLS == config.SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return permanentSMTP{fmt.Errorf("the SMTP server %s does not offer STARTTLS; set QMS_SMTP_TLS=tls for implicit TLS, or none for a local relay", addr)}
		}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("SMTP STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return permanentSMTP{fmt.Errorf("the SMTP server %s does not offer authentication, but QMS_SMTP_USER is set", addr)}
		}
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("SMTP authentication as %s: %w", s.Username, err)
		}
	}
	if err := c.Mail(s.From.Address); err != nil {
		return fmt.Errorf("SMTP MAIL FROM:<%s>: %w", s.From.Address, err)
	}
	if err := c.Rcpt(m.To.Address); err != nil {
		return fmt.Errorf("SMTP RCPT TO:<%s>: %w", m.To.Address, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if _, err := w.Write(Compose(s.From, m, now())); err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("SMTP QUIT: %w", err) // the server accepted the message; a failed QUIT is still reported
	}
	return nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		c := s.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.Host
		}
		return c
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// helloName is the name qms greets SMTP servers with: the host name when
// it looks like one, else localhost.
func helloName() string {
	h, err := os.Hostname()
	if err != nil || h == "" || strings.ContainsAny(h, " \t\r\n") {
		return "localhost"
	}
	return h
}

// Compose returns the message as sent: RFC 5322 headers with RFC 2047
// encoded words for non-ASCII subjects and names, and a UTF-8 plain-text
// body in quoted-printable, with CRLF line ends.
func Compose(from mail.Address, m *Message, now time.Time) []byte {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", m.To.String())
	header("Subject", encodeHeader(m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	id := m.MessageID
	if id == "" {
		r := make([]byte, 12)
		rand.Read(r)
		id = hex.EncodeToString(r) + "@" + domainOf(from.Address)
	}
	header("Message-ID", "<"+id+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	if m.EventType != "" {
		header(HeaderEvent, m.EventType)
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\r", "\n")
	qp.Write([]byte(body))
	qp.Close()
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// encodeHeader encodes a header value as RFC 2047 encoded words when it is
// not plain ASCII, folding long values between the words.
func encodeHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' ' // no header injection, whatever the caller passed
		}
		return r
	}, s)
	return strings.ReplaceAll(mime.BEncoding.Encode("UTF-8", s), "?= =?", "?=\r\n =?")
}

func domainOf(addr string) string {
	if _, d, ok := strings.Cut(addr, "@"); ok && d != "" {
		return d
	}
	return "qms.invalid"
}
