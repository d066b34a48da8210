package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"qms/internal/config"
)

// S3 stores blobs in a bucket of S3-compatible object storage (AWS S3,
// MinIO, Ceph, Garage ...) under the same keys as Disk
// (files/ab/cd/<sha256>). Each upload carries Content-MD5, which every
// S3-compatible server checks (checksums in trailing headers are not
// supported everywhere).
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 connects to the bucket c names and checks that it exists. Returns
// an error naming the setting to fix.
func NewS3(ctx context.Context, c config.S3) (*S3, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	client, err := minio.New(c.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: !c.PlainHTTP,
		Region: c.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("QMS_S3_ENDPOINT=%q: %v", c.Endpoint, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("cannot use the S3 file storage at %s (check QMS_S3_ENDPOINT, QMS_S3_USE_SSL, QMS_S3_ACCESS_KEY, QMS_S3_SECRET_KEY, QMS_S3_REGION): %v",
			c.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("QMS_S3_BUCKET=%q: the bucket does not exist at %s; create it first", c.Bucket, c.Endpoint)
	}
	return &S3{client: client, bucket: c.Bucket}, nil
}

// Put implements Store. The content is hashed before the upload (a
// seekable reader is read twice, anything else is spooled to a temporary
// file), so that the key is known and content already there is not sent
// again.
func (s *S3) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		tmp, err := os.CreateTemp("", "qms-s3-put-*")
		if err != nil {
			return "", 0, fmt.Errorf("store file: %w", err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, ctxReader{ctx, r}); err != nil {
			return "", 0, fmt.Errorf("store file: %w", err)
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return "", 0, fmt.Errorf("store file: %w", err)
		}
		rs = tmp
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, rs})
	if err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if info, err := s.Stat(ctx, sum); err == nil && info.Size == n {
		return sum, n, nil // stored before: keep the one copy
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	_, err = s.client.PutObject(ctx, s.bucket, key(sum), io.LimitReader(rs, n), n, minio.PutObjectOptions{
		ContentType:    "application/octet-stream",
		SendContentMd5: true, // the server refuses a body damaged on the way
	})
	if err != nil {
		return "", 0, fmt.Errorf("store file %s in S3 bucket %s: %w", sum, s.bucket, err)
	}
	return sum, n, nil
}

// Open implements Store.
func (s *S3) Open(ctx context.Context, sum string) (Object, error) {
	if err := checkSum(sum); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key(sum), minio.GetObjectOptions{})
	if err != nil {
		return nil, s.mapErr(sum, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s.mapErr(sum, err)
	}
	return obj, nil
}

// Exists implements Store.
func (s *S3) Exists(ctx context.Context, sum string) (bool, error) {
	_, err := s.Stat(ctx, sum)
	if err != nil && isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, sum string) (Info, error) {
	if err := checkSum(sum); err != nil {
		return Info{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, key(sum), minio.StatObjectOptions{})
	if err != nil {
		return Info{}, s.mapErr(sum, err)
	}
	return Info{SHA256: sum, Size: oi.Size}, nil
}

func (s *S3) mapErr(sum string, err error) error {
	resp := minio.ToErrorResponse(err)
	if resp.Code == minio.NoSuchKey || resp.StatusCode == http.StatusNotFound && resp.Code != minio.NoSuchBucket {
		return notFound(sum)
	}
	return fmt.Errorf("read file %s from S3 bucket %s: %w", sum, s.bucket, err)
}
