// Package config holds the settings of qms: defaults, overridden by QMS_*
// environment variables, overridden by command-line flags. A bad value stops
// start-up with a message naming the setting.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration, passed explicitly (no globals).
type Config struct {
	DataDir         string        // embedded SQLite database and files
	DatabaseURL     string        // postgres:// URL; when set, used instead of SQLite
	Addr            string        // HTTP listen address
	Demo            bool          // load the demo data set at start
	LogLevel        slog.Level    // debug, info, warn, error
	LogFormat       string        // text or json
	SessionIdle     time.Duration // a session unused this long ends
	SessionAbsolute time.Duration // a session ends this long after sign-in
	SecureCookies   bool          // set Secure on cookies (serve behind HTTPS)
	TrustedOrigins  []string      // extra origins allowed to post forms (CSRF)
	ShutdownTimeout time.Duration // how long SIGTERM waits for requests and jobs
	Workers         int           // background job workers per instance
	PDFCJKFont      string        // TrueType font for CJK text in PDFs; empty: search known paths
	ReportClient    string        // client or company name on inspection reports (report.go)
	Notify          Notify        // e-mail, links and webhooks (notify.go)
	Files           Files         // file store: upload limit, S3 (blob.go)
}

// Default returns the configuration when nothing is set.
func Default() Config {
	return Config{
		DataDir:         "./qms-data",
		Addr:            "localhost:8080",
		LogLevel:        slog.LevelInfo,
		LogFormat:       "text",
		SessionIdle:     2 * time.Hour,
		SessionAbsolute: 12 * time.Hour,
		ShutdownTimeout: 20 * time.Second,
		Workers:         2,
	}
}

// setting describes one configurable value.
type setting struct {
	flag, env, usage string
	secret           bool
	get              func(c *Config) string
	set              func(c *Config, v string) error
}

var settings = []setting{
	{"data", "QMS_DATA_DIR", "directory of the embedded SQLite database and stored files", false,
		func(c *Config) string { return c.DataDir }, func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"db", "QMS_DATABASE_URL", "PostgreSQL URL (postgres://user:pass@host/db); when given, used instead of the embedded SQLite database", true,
		func(c *Config) string { return c.DatabaseURL }, setDatabaseURL},
	{"addr", "QMS_ADDR", "HOST:PORT the web server listens on", false,
		func(c *Config) string { return c.Addr }, setAddr},
	{"demo", "QMS_DEMO", "load the demo data set (suppliers, users for every role, records) if the database is empty", false,
		func(c *Config) string { return strconv.FormatBool(c.Demo) }, func(c *Config, v string) (err error) { c.Demo, err = parseBool(v); return }},
	{"log-level", "QMS_LOG_LEVEL", "log level: debug, info, warn or error", false,
		func(c *Config) string { return strings.ToLower(c.LogLevel.String()) }, setLogLevel},
	{"log-format", "QMS_LOG_FORMAT", "log format: text or json", false,
		func(c *Config) string { return c.LogFormat }, setLogFormat},
	{"session-idle", "QMS_SESSION_IDLE", "a session unused this long ends (e.g. 30m, 2h)", false,
		func(c *Config) string { return c.SessionIdle.String() }, durationSetter(func(c *Config) *time.Duration { return &c.SessionIdle })},
	{"session-max", "QMS_SESSION_MAX", "a session ends this long after sign-in (e.g. 12h)", false,
		func(c *Config) string { return c.SessionAbsolute.String() }, durationSetter(func(c *Config) *time.Duration { return &c.SessionAbsolute })},
	{"secure-cookies", "QMS_SECURE_COOKIES", "mark cookies Secure; set when qms is served over HTTPS", false,
		func(c *Config) string { return strconv.FormatBool(c.SecureCookies) }, func(c *Config, v string) (err error) { c.SecureCookies, err = parseBool(v); return }},
	{"trusted-origins", "QMS_TRUSTED_ORIGINS", "comma-separated origins (https://host) allowed to submit forms besides qms's own", false,
		func(c *Config) string { return strings.Join(c.TrustedOrigins, ",") }, setOrigins},
	{"shutdown-timeout", "QMS_SHUTDOWN_TIMEOUT", "how long a stop waits for requests and jobs in flight", false,
		func(c *Config) string { return c.ShutdownTimeout.String() }, durationSetter(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{"workers", "QMS_WORKERS", "background job workers in this instance (1 to 64)", false,
		func(c *Config) string { return strconv.Itoa(c.Workers) }, setWorkers},
}

// Storage names the settings every command that touches data takes.
var Storage = []string{"data", "db", "log-level", "log-format"}

// Server names the settings of qms serve.
var Server = []string{"data", "db", "addr", "demo", "log-level", "log-format", "session-idle", "session-max",
	"secure-cookies", "trusted-origins", "shutdown-timeout", "workers"}

func lookup(name string) *setting {
	for i := range settings {
		if settings[i].flag == name {
			return &settings[i]
		}
	}
	panic("config: unknown setting " + name)
}

// Bind registers the named settings as flags on fs, with string values that
// Resolve parses.
func Bind(fs *flag.FlagSet, names []string) map[string]*string {
	vals := map[string]*string{}
	d := Default()
	for _, n := range names {
		s := lookup(n)
		usage := fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.get(&d))
		p := new(string)
		if s.get(&d) == "false" { // a switch: --demo means --demo=true
			fs.BoolFunc(s.flag, usage, func(v string) error { *p = v; return nil })
		} else {
			fs.StringVar(p, s.flag, "", usage)
		}
		vals[n] = p
	}
	return vals
}

// Resolve builds the configuration from defaults, then the environment, then
// the flags that were set on fs. It returns an error naming the setting whose
// value is not valid.
func Resolve(fs *flag.FlagSet, vals map[string]*string, getenv func(string) string) (Config, error) {
	c := Default()
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for n, p := range vals {
		s := lookup(n)
		if v := getenv(s.env); v != "" {
			if err := s.set(&c, v); err != nil {
				return c, fmt.Errorf("environment variable %s=%q: %v", s.env, redact(s, v), err)
			}
		}
		if set[n] {
			if err := s.set(&c, *p); err != nil {
				return c, fmt.Errorf("flag --%s=%q: %v", s.flag, redact(s, *p), err)
			}
		}
	}
	if c.SessionIdle > c.SessionAbsolute {
		return c, fmt.Errorf("--session-idle (%s) must not be longer than --session-max (%s)", c.SessionIdle, c.SessionAbsolute)
	}
	return c, nil
}

func redact(s *setting, v string) string {
	if s.secret {
		return Redact(v)
	}
	return v
}

// Redact hides the password in a URL.
func Redact(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
	}
	return u.String()
}

// Lines returns "flag (ENV) = value" lines for the named settings, with
// secrets redacted: the output of qms config.
func (c Config) Lines(names []string) []string {
	var out []string
	for _, n := range names {
		s := lookup(n)
		out = append(out, fmt.Sprintf("%-17s %-21s %s", s.flag, s.env, redact(s, s.get(&c))))
	}
	return out
}

// All names every setting.
func All() []string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.flag
	}
	return names
}

func setDatabaseURL(c *Config, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return fmt.Errorf("must be a PostgreSQL URL such as postgres://user:password@host:5432/qms")
	}
	c.DatabaseURL = v
	return nil
}

func setAddr(c *Config, v string) error {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("must be HOST:PORT, for example localhost:8080 or :8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q must be a number from 0 to 65535", port)
	}
	_ = host
	c.Addr = v
	return nil
}

func setLogLevel(c *Config, v string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return fmt.Errorf("must be debug, info, warn or error")
	}
	c.LogLevel = l
	return nil
}

func setLogFormat(c *Config, v string) error {
	if v != "text" && v != "json" {
		return fmt.Errorf("must be text or json")
	}
	c.LogFormat = v
	return nil
}

func setOrigins(c *Config, v string) error {
	c.TrustedOrigins = nil
	for _, o := range strings.Split(v, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("origin %q must look like https://host or https://host:port", o)
		}
		c.TrustedOrigins = append(c.TrustedOrigins, o)
	}
	return nil
}

func setWorkers(c *Config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 64 {
		return fmt.Errorf("must be a whole number from 1 to 64")
	}
	c.Workers = n
	return nil
}

func durationSetter(field func(c *Config) *time.Duration) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("must be a positive duration such as 30s, 15m or 2h")
		}
		*field(c) = d
		return nil
	}
}

func parseBool(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("must be true or false")
	}
	return b, nil
}

// EnvName returns the environment variable of the named setting.
func EnvName(name string) string { return lookup(name).env }
