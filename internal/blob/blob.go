// Package blob stores the files of qms (certificate scans, inspection
// photos, reports, evidence) and serves them. It provides:
//
//   - Store, the content-addressed byte store, with two implementations:
//     Disk (files/ab/cd/<sha256> under the data directory) and S3 (any
//     S3-compatible object storage, through minio-go). Identical content is
//     stored once; nothing is ever deleted.
//   - Check, the pure upload validation: the content is sniffed (the name and
//     the declared type are never trusted), images are decoded, their EXIF
//     orientation is read, and Thumbnail renders a small JPEG preview.
//   - Service, which turns an upload into a row of the files table (written
//     with its audit event), decides who may read a file through the access
//     rules that modules register per owner entity type, and serves files
//     over HTTP with safe headers.
//
// The package must not import the web or api packages; they call it.
package blob

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"

	"qms/internal/config"
	"qms/internal/qms"
)

// Store keeps blobs by the SHA-256 of their content. Implementations are
// safe for concurrent use.
type Store interface {
	// Put stores the content of r and returns its SHA-256 (lower-case hex)
	// and size. Storing content that is already there keeps one copy.
	Put(ctx context.Context, r io.Reader) (sum string, size int64, err error)
	// Open returns the content with the given SHA-256. Returns a not-found
	// error when there is none.
	Open(ctx context.Context, sum string) (Object, error)
	// Exists reports whether content with the given SHA-256 is stored.
	Exists(ctx context.Context, sum string) (bool, error)
	// Stat returns the size of the stored content. Returns a not-found error
	// when there is none.
	Stat(ctx context.Context, sum string) (Info, error)
}

// Object is stored content, open for reading. Seeking lets HTTP serve
// ranges and conditional requests.
type Object interface {
	io.ReadSeekCloser
}

// Info describes stored content.
type Info struct {
	SHA256 string
	Size   int64
}

// ValidSum reports whether s is a SHA-256 in lower-case hex: the only
// form a Store accepts, so that a sum can never name another path.
func ValidSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// key is where content lives, relative to the store's root: the same
// layout on disk and in a bucket, so that moving from one to the other is
// a plain copy.
func key(sum string) string {
	return path.Join("files", sum[0:2], sum[2:4], sum)
}

func checkSum(sum string) error {
	if !ValidSum(sum) {
		return qms.Errorf(qms.KindInvalid, "%q is not a SHA-256 content hash", sum)
	}
	return nil
}

func notFound(sum string) error {
	return qms.Errorf(qms.KindNotFound, "the content %s is not in the file store", sum)
}

// Open returns the Store the configuration asks for: S3 when an endpoint
// is set, else the disk under the data directory. For S3 it checks at once
// that the bucket can be reached, so that a bad setting stops start-up.
// Returns an error naming the setting that is missing or wrong.
func Open(ctx context.Context, c config.Config, log *slog.Logger) (Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if c.Files.S3.Endpoint == "" {
		if c.DatabaseURL != "" {
			log.Warn("files are stored on this machine's disk: set QMS_S3_ENDPOINT when several instances share the database",
				"dir", c.DataDir)
		}
		return NewDisk(c.DataDir)
	}
	s, err := NewS3(ctx, c.Files.S3)
	if err != nil {
		return nil, err
	}
	log.Info("files are stored in S3-compatible storage", "endpoint", c.Files.S3.Endpoint, "bucket", c.Files.S3.Bucket)
	return s, nil
}

// describeSize writes n bytes for people: "812 bytes", "3.4 MiB", "20 MiB".
func describeSize(n int64) string {
	unit, div := "", float64(1)
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		unit, div = "KiB", 1<<10
	case n < 1<<30:
		unit, div = "MiB", 1<<20
	default:
		unit, div = "GiB", 1<<30
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/div), ".0") + " " + unit
}

func isNotFound(err error) bool { return qms.ErrorKind(err) == qms.KindNotFound }

// TooLarge is the error for a request body larger than any accepted
// upload of at most maxBytes.
func TooLarge(maxBytes int64) error {
	msg := fmt.Sprintf("The upload is larger than %s, the most a file may have.", describeSize(maxBytes))
	return &qms.Error{Kind: qms.KindInvalid, Message: msg, Fields: map[string]string{"file": msg}}
}
