package config

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
)

// Files are the settings of the file store (certificate scans, inspection
// photos, reports): the upload size limit and, optionally, S3-compatible
// object storage instead of the data directory.
type Files struct {
	MaxSize int64 // largest accepted upload in bytes; 0 means DefaultMaxFileSize
	S3      S3
}

// S3 says where S3-compatible object storage is; an empty Endpoint means
// files stay on local disk under the data directory.
type S3 struct {
	Endpoint  string // host or host:port, no scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	PlainHTTP bool // talk HTTP instead of HTTPS (QMS_S3_USE_SSL=false)
}

// DefaultMaxFileSize is the upload size limit when none is set: 20 MiB.
const DefaultMaxFileSize = 20 << 20

// MaxBytes returns the effective upload size limit.
func (f Files) MaxBytes() int64 {
	if f.MaxSize <= 0 {
		return DefaultMaxFileSize
	}
	return f.MaxSize
}

// redacted is what qms config prints for a secret that is set.
const redacted = "REDACTED"

func init() {
	s3 := func(c *Config) *S3 { return &c.Files.S3 }
	text := func(field func(s *S3) *string) (func(c *Config) string, func(c *Config, v string) error) {
		return func(c *Config) string { return *field(s3(c)) },
			func(c *Config, v string) error { *field(s3(c)) = strings.TrimSpace(v); return nil }
	}
	bucketGet, bucketSet := text(func(s *S3) *string { return &s.Bucket })
	accessGet, accessSet := text(func(s *S3) *string { return &s.AccessKey })
	regionGet, regionSet := text(func(s *S3) *string { return &s.Region })
	settings = append(settings,
		setting{"files-max-size", "QMS_FILES_MAX_SIZE", "largest file accepted for upload, in bytes or with a unit (20MiB, 500KiB, 1GiB)", false,
			func(c *Config) string { return formatSize(c.Files.MaxBytes()) }, setMaxFileSize},
		setting{"s3-endpoint", "QMS_S3_ENDPOINT", "S3-compatible object storage for files, as host or host:port (no scheme); empty keeps files in the data directory", false,
			func(c *Config) string { return c.Files.S3.Endpoint }, setS3Endpoint},
		setting{"s3-bucket", "QMS_S3_BUCKET", "bucket of the S3 file storage (must exist)", false, bucketGet, bucketSet},
		setting{"s3-access-key", "QMS_S3_ACCESS_KEY", "access key of the S3 file storage", false, accessGet, accessSet},
		setting{"s3-secret-key", "QMS_S3_SECRET_KEY", "secret key of the S3 file storage", true,
			func(c *Config) string {
				if c.Files.S3.SecretKey == "" {
					return ""
				}
				return redacted
			},
			func(c *Config, v string) error { c.Files.S3.SecretKey = v; return nil }},
		setting{"s3-region", "QMS_S3_REGION", "region of the S3 file storage (empty: ask the server)", false, regionGet, regionSet},
		setting{"s3-use-ssl", "QMS_S3_USE_SSL", "talk HTTPS to the S3 file storage; false for plain HTTP", false,
			func(c *Config) string { return strconv.FormatBool(!c.Files.S3.PlainHTTP) },
			func(c *Config, v string) error {
				b, err := parseBool(v)
				c.Files.S3.PlainHTTP = !b
				return err
			}},
	)
	Server = append(Server, "files-max-size", "s3-endpoint", "s3-bucket", "s3-access-key", "s3-secret-key", "s3-region", "s3-use-ssl")
}

// Check reports the first S3 setting that is missing when an endpoint is
// set, naming it.
func (s S3) Check() error {
	if s.Endpoint == "" {
		return nil
	}
	for _, req := range []struct{ v, env string }{
		{s.Bucket, "QMS_S3_BUCKET (--s3-bucket)"},
		{s.AccessKey, "QMS_S3_ACCESS_KEY (--s3-access-key)"},
		{s.SecretKey, "QMS_S3_SECRET_KEY (--s3-secret-key)"},
	} {
		if req.v == "" {
			return fmt.Errorf("%s is required when QMS_S3_ENDPOINT is set", req.env)
		}
	}
	return nil
}

func setS3Endpoint(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		c.Files.S3.Endpoint = ""
		return nil
	}
	if strings.Contains(v, "://") || strings.ContainsAny(v, "/?#@ ") {
		return fmt.Errorf("must be a host or host:port without scheme or path, such as s3.eu-central-1.amazonaws.com or minio.internal:9000 (set --s3-use-ssl=false for plain HTTP)")
	}
	if strings.Contains(v, ":") {
		_, port, err := net.SplitHostPort(v)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 1 || n > 65535 {
			return fmt.Errorf("must be host or host:port with a port from 1 to 65535")
		}
	}
	c.Files.S3.Endpoint = v
	return nil
}

// sizeUnits are the units setMaxFileSize understands, longest first.
var sizeUnits = []struct {
	name string
	n    int64
}{
	{"gib", 1 << 30}, {"mib", 1 << 20}, {"kib", 1 << 10},
	{"gb", 1e9}, {"mb", 1e6}, {"kb", 1e3},
	{"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}, {"b", 1},
}

func setMaxFileSize(c *Config, v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	if n < 1<<10 || n > 1<<30 {
		return fmt.Errorf("must be from 1KiB to 1GiB")
	}
	c.Files.MaxSize = n
	return nil
}

// parseSize reads "20971520", "20MiB", "20 MB", "1.5GiB".
func parseSize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(s, u.name); ok {
			s, mult = strings.TrimSpace(num), u.n
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("must be a size in bytes or with a unit, such as 20MiB, 500KiB or 1GiB")
	}
	return int64(f * float64(mult)), nil
}

// formatSize writes n in the largest binary unit that divides it exactly.
func formatSize(n int64) string {
	for _, u := range []struct {
		name string
		n    int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.n && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}
