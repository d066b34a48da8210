package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Notify holds the settings of the notification channels (package notify):
// e-mail over SMTP, links in messages and webhook delivery. E-mail is off
// while SMTPHost is empty.
type Notify struct {
	SMTPHost     string // the mail server; empty turns e-mail off
	SMTPPort     int    // 0: 587 for starttls, 465 for tls, 25 for none
	SMTPUser     string // empty: no authentication
	SMTPPassword string
	SMTPFrom     string // sender address, optionally with a name: "qms <qms@example.com>"
	SMTPTLS      string // starttls (default), tls (implicit, "SMTPS") or none
	BaseURL      string // how users reach qms, e.g. https://qms.example.com; for links in e-mails
	// WebhookAllowLoopback lets webhooks post to loopback addresses
	// (127.0.0.0/8, ::1), for development; they are refused otherwise.
	WebhookAllowLoopback bool
}

// SMTP TLS modes.
const (
	SMTPStartTLS = "starttls"
	SMTPTLS      = "tls"
	SMTPNoTLS    = "none"
)

// Port returns the SMTP port to connect to: the one set, or the usual one
// for the TLS mode.
func (n Notify) Port() int {
	if n.SMTPPort != 0 {
		return n.SMTPPort
	}
	switch n.TLSMode() {
	case SMTPTLS:
		return 465
	case SMTPNoTLS:
		return 25
	}
	return 587
}

// TLSMode returns the SMTP TLS mode, starttls when none is set.
func (n Notify) TLSMode() string {
	if n.SMTPTLS == "" {
		return SMTPStartTLS
	}
	return n.SMTPTLS
}

// Check reports settings that are valid alone but not together: e-mail
// needs a sender address.
func (n Notify) Check() error {
	if n.SMTPHost != "" && n.SMTPFrom == "" {
		return fmt.Errorf("QMS_SMTP_FROM (--smtp-from) must be set when QMS_SMTP_HOST is: the address e-mails come from, such as \"qms <qms@example.com>\"")
	}
	if n.SMTPPassword != "" && n.SMTPUser == "" {
		return fmt.Errorf("QMS_SMTP_PASSWORD is set without QMS_SMTP_USER (--smtp-user)")
	}
	return nil
}

// notifySettings are the names of the notification settings, which qms
// serve takes.
var notifySettings = []string{"smtp-host", "smtp-port", "smtp-user", "smtp-password", "smtp-from", "smtp-tls", "base-url", "webhook-allow-loopback"}

func init() {
	settings = append(settings,
		setting{"smtp-host", "QMS_SMTP_HOST", "SMTP server for e-mail notifications; empty turns e-mail off", false,
			func(c *Config) string { return c.Notify.SMTPHost }, setSMTPHost},
		setting{"smtp-port", "QMS_SMTP_PORT", "SMTP port; empty: 587 for starttls, 465 for tls, 25 for none", false,
			func(c *Config) string {
				if c.Notify.SMTPPort == 0 {
					return ""
				}
				return strconv.Itoa(c.Notify.SMTPPort)
			}, setSMTPPort},
		setting{"smtp-user", "QMS_SMTP_USER", "SMTP user name; empty: no authentication", false,
			func(c *Config) string { return c.Notify.SMTPUser },
			func(c *Config, v string) error { c.Notify.SMTPUser = v; return nil }},
		// The getter shows only whether a password is set: it is what qms config prints.
		setting{"smtp-password", "QMS_SMTP_PASSWORD", "SMTP password (prefer the environment variable to the flag)", true,
			func(c *Config) string {
				if c.Notify.SMTPPassword == "" {
					return ""
				}
				return "REDACTED"
			},
			func(c *Config, v string) error { c.Notify.SMTPPassword = v; return nil }},
		setting{"smtp-from", "QMS_SMTP_FROM", "sender of e-mails: an address, optionally with a name (\"qms <qms@example.com>\")", false,
			func(c *Config) string { return c.Notify.SMTPFrom }, setSMTPFrom},
		setting{"smtp-tls", "QMS_SMTP_TLS", "SMTP encryption: starttls, tls (implicit TLS, port 465) or none (a local relay only)", false,
			func(c *Config) string { return c.Notify.TLSMode() }, setSMTPTLS},
		setting{"base-url", "QMS_BASE_URL", "the address users reach qms at (https://qms.example.com), for links in e-mails", false,
			func(c *Config) string { return c.Notify.BaseURL }, setBaseURL},
		setting{"webhook-allow-loopback", "QMS_WEBHOOK_ALLOW_LOOPBACK", "let webhooks post to loopback addresses (127.0.0.1, ::1), for development", false,
			func(c *Config) string { return strconv.FormatBool(c.Notify.WebhookAllowLoopback) },
			func(c *Config, v string) (err error) { c.Notify.WebhookAllowLoopback, err = parseBool(v); return }},
	)
	Server = append(Server, notifySettings...)
}

func setSMTPHost(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if strings.ContainsAny(v, "/:@ ") && net.ParseIP(v) == nil {
		return fmt.Errorf("must be a host name or IP address such as smtp.example.com (the port goes in QMS_SMTP_PORT)")
	}
	c.Notify.SMTPHost = v
	return nil
}

func setSMTPPort(c *Config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("must be a port number from 1 to 65535")
	}
	c.Notify.SMTPPort = n
	return nil
}

func setSMTPFrom(c *Config, v string) error {
	a, err := mail.ParseAddress(v)
	if err != nil {
		return fmt.Errorf("must be an e-mail address such as qms@example.com or \"qms <qms@example.com>\"")
	}
	c.Notify.SMTPFrom = a.String()
	return nil
}

func setSMTPTLS(c *Config, v string) error {
	switch v = strings.ToLower(v); v {
	case SMTPStartTLS, SMTPTLS, SMTPNoTLS:
		c.Notify.SMTPTLS = v
		return nil
	}
	return fmt.Errorf("must be starttls, tls or none")
}

func setBaseURL(c *Config, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must be an http or https address such as https://qms.example.com")
	}
	c.Notify.BaseURL = strings.TrimSuffix(v, "/")
	return nil
}
