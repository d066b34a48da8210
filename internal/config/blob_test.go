package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func resolveFiles(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := Bind(fs, Server)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return Resolve(fs, vals, func(k string) string { return env[k] })
}

func TestFileSettings(t *testing.T) {
	c, err := resolveFiles(t, nil)
	if err != nil || c.Files.MaxBytes() != 20<<20 || c.Files.S3 != (S3{}) || c.Files.S3.Check() != nil {
		t.Fatalf("defaults: %+v, %v", c.Files, err)
	}
	c, err = resolveFiles(t, map[string]string{"QMS_S3_ENDPOINT": "minio.internal:9000", "QMS_S3_BUCKET": "qms-files",
		"QMS_S3_ACCESS_KEY": "qms", "QMS_S3_SECRET_KEY": "s3cr3t-k3y/with+chars", "QMS_S3_REGION": "eu-central-1",
		"QMS_FILES_MAX_SIZE": "50MiB"}, "--s3-use-ssl=false", "--files-max-size", "1.5 GiB")
	if err == nil || !strings.Contains(err.Error(), "--files-max-size") {
		t.Fatalf("a limit over 1 GiB: %v", err)
	}
	c, err = resolveFiles(t, map[string]string{"QMS_S3_ENDPOINT": "minio.internal:9000", "QMS_S3_BUCKET": "qms-files",
		"QMS_S3_ACCESS_KEY": "qms", "QMS_S3_SECRET_KEY": "s3cr3t-k3y/with+chars", "QMS_S3_REGION": "eu-central-1",
		"QMS_FILES_MAX_SIZE": "50MiB"}, "--s3-use-ssl=false", "--files-max-size", "512KiB")
	if err != nil {
		t.Fatal(err)
	}
	want := S3{Endpoint: "minio.internal:9000", Bucket: "qms-files", AccessKey: "qms", SecretKey: "s3cr3t-k3y/with+chars",
		Region: "eu-central-1", PlainHTTP: true}
	if c.Files.S3 != want || c.Files.MaxBytes() != 512<<10 || c.Files.S3.Check() != nil {
		t.Errorf("resolved %+v", c.Files)
	}
	out := strings.Join(c.Lines(All()), "\n")
	for _, s := range []string{"QMS_S3_SECRET_KEY", "REDACTED", "512KiB", "minio.internal:9000"} {
		if !strings.Contains(out, s) {
			t.Errorf("qms config output lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "s3cr3t") {
		t.Errorf("qms config output shows the S3 secret key:\n%s", out)
	}
	if err := (S3{Endpoint: "s3.example.com", AccessKey: "k", SecretKey: "s"}).Check(); err == nil || !strings.Contains(err.Error(), "QMS_S3_BUCKET") {
		t.Errorf("missing bucket: %v", err)
	}
}

func TestFileSettingsRefused(t *testing.T) {
	for env, want := range map[[2]string]string{
		{"QMS_S3_ENDPOINT", "https://s3.example.com"}: "without scheme",
		{"QMS_S3_ENDPOINT", "s3.example.com/bucket"}:  "without scheme",
		{"QMS_S3_ENDPOINT", "s3.example.com:99999"}:   "port",
		{"QMS_S3_USE_SSL", "maybe"}:                   "true or false",
		{"QMS_FILES_MAX_SIZE", "lots"}:                "20MiB",
		{"QMS_FILES_MAX_SIZE", "-5MiB"}:               "20MiB",
		{"QMS_FILES_MAX_SIZE", "NaN"}:                 "20MiB",
		{"QMS_FILES_MAX_SIZE", "100"}:                 "from 1KiB",
	} {
		_, err := resolveFiles(t, map[string]string{env[0]: env[1]})
		if err == nil || !strings.Contains(err.Error(), env[0]) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=%s: %v", env[0], env[1], err)
		}
	}
	for in, want := range map[string]int64{"20971520": 20 << 20, "20MiB": 20 << 20, "20 mib": 20 << 20, "20M": 20 << 20, "20MB": 20e6, "1.5KiB": 1536, "1GiB": 1 << 30} {
		if n, err := parseSize(in); err != nil || n != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
	for n, want := range map[int64]string{20 << 20: "20MiB", 1536: "1536", 1 << 30: "1GiB", 5 << 10: "5KiB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %s, want %s", n, got, want)
		}
	}
}
