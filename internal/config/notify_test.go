package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func resolveNotify(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := Bind(fs, Server)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return Resolve(fs, vals, func(k string) string { return env[k] })
}

func TestNotifySettings(t *testing.T) {
	c, err := resolveNotify(t, nil)
	if err != nil || c.Notify.SMTPHost != "" || c.Notify.Port() != 587 || c.Notify.TLSMode() != SMTPStartTLS || c.Notify.Check() != nil {
		t.Fatalf("defaults: %+v, %v", c.Notify, err)
	}
	c, err = resolveNotify(t, map[string]string{"QMS_SMTP_HOST": "smtp.example.com", "QMS_SMTP_USER": "qms",
		"QMS_SMTP_PASSWORD": "hunter2 hunter2", "QMS_SMTP_FROM": "质量 <qms@example.com>", "QMS_SMTP_TLS": "TLS",
		"QMS_BASE_URL": "https://qms.example.com/"}, "--smtp-port", "2465", "--webhook-allow-loopback")
	if err != nil {
		t.Fatal(err)
	}
	n := c.Notify
	if n.SMTPHost != "smtp.example.com" || n.Port() != 2465 || n.TLSMode() != SMTPTLS || n.SMTPPassword != "hunter2 hunter2" ||
		!strings.Contains(n.SMTPFrom, "qms@example.com") || n.BaseURL != "https://qms.example.com" || !n.WebhookAllowLoopback || n.Check() != nil {
		t.Errorf("resolved %+v", n)
	}
	out := strings.Join(c.Lines(All()), "\n")
	if strings.Contains(out, "hunter2") || !strings.Contains(out, "QMS_SMTP_PASSWORD") || !strings.Contains(out, "REDACTED") {
		t.Errorf("qms config output does not redact the SMTP password:\n%s", out)
	}
	if (Notify{SMTPTLS: SMTPTLS}).Port() != 465 || (Notify{SMTPTLS: SMTPNoTLS}).Port() != 25 {
		t.Error("default ports")
	}
	if err := (Notify{SMTPHost: "smtp.example.com"}).Check(); err == nil || !strings.Contains(err.Error(), "QMS_SMTP_FROM") {
		t.Errorf("a host without a sender: %v", err)
	}

	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"QMS_SMTP_PORT": "0"}, nil, "QMS_SMTP_PORT"},
		{nil, []string{"--smtp-port", "smtp"}, "--smtp-port"},
		{map[string]string{"QMS_SMTP_HOST": "smtp.example.com:587"}, nil, "QMS_SMTP_HOST"},
		{map[string]string{"QMS_SMTP_FROM": "not an address"}, nil, "QMS_SMTP_FROM"},
		{map[string]string{"QMS_SMTP_TLS": "ssl"}, nil, "QMS_SMTP_TLS"},
		{map[string]string{"QMS_BASE_URL": "qms.example.com"}, nil, "QMS_BASE_URL"},
		{map[string]string{"QMS_BASE_URL": "https://u:p@qms.example.com"}, nil, "QMS_BASE_URL"},
		{map[string]string{"QMS_WEBHOOK_ALLOW_LOOPBACK": "sometimes"}, nil, "QMS_WEBHOOK_ALLOW_LOOPBACK"},
	} {
		if _, err := resolveNotify(t, c.env, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v; want an error naming %s", c.env, c.args, err, c.want)
		}
	}
}
