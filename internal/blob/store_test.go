package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"qms/internal/config"
	"qms/internal/qms"
)

// The S3 implementation is tested against gofakes3, an S3 server in this
// process (fast, always available), and, when a MinIO server binary is
// against a real MinIO server built from the Go module proxy (.ci/run builds
// it once per machine, about three minutes). Set QMS_TEST_MINIO to the
// binary, put minio on PATH, or build it with
//
//	GOBIN=/tmp/minio-bin go install github.com/minio/minio@<minioVersion>
//
// Without a binary the real-server test skips, except under CI=true, where
// it fails; a MinIO that does not start fails the test.

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// testStore runs the contract of Store against s.
func testStore(t *testing.T, s Store) {
	ctx := context.Background()
	content := []byte("检验报告 inspection report: 5 defects, AQL 2.5\n")
	want := sumOf(content)

	sum, n, err := s.Put(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if sum != want || n != int64(len(content)) {
		t.Fatalf("Put = %s, %d; want %s, %d", sum, n, want, len(content))
	}
	// The same content again, from a reader that cannot seek: the same blob.
	sum2, n2, err := s.Put(ctx, io.MultiReader(bytes.NewReader(content)))
	if err != nil || sum2 != want || n2 != n {
		t.Fatalf("second Put = %s, %d, %v", sum2, n2, err)
	}
	if ok, err := s.Exists(ctx, want); !ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
	if info, err := s.Stat(ctx, want); err != nil || info.Size != n || info.SHA256 != want {
		t.Fatalf("Stat = %+v, %v", info, err)
	}
	obj, err := s.Open(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("Open read %q, %v", got, err)
	}
	if _, err := obj.Seek(6, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(obj)
	if err != nil || !bytes.Equal(rest, content[6:]) {
		t.Fatalf("after Seek read %q, %v", rest, err)
	}
	obj.Close()

	missing := sumOf([]byte("not stored"))
	if ok, err := s.Exists(ctx, missing); ok || err != nil {
		t.Errorf("Exists(missing) = %v, %v", ok, err)
	}
	if _, err := s.Stat(ctx, missing); qms.ErrorKind(err) != qms.KindNotFound {
		t.Errorf("Stat(missing): %v", err)
	}
	if _, err := s.Open(ctx, missing); qms.ErrorKind(err) != qms.KindNotFound {
		t.Errorf("Open(missing): %v", err)
	}
	for _, bad := range []string{"", "../../../etc/passwd", strings.ToUpper(want), want[:63], want + "0", "files/" + want[6:]} {
		if _, err := s.Open(ctx, bad); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("Open(%q): %v", bad, err)
		}
		if _, err := s.Exists(ctx, bad); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("Exists(%q): %v", bad, err)
		}
	}

	// A larger blob, stored by several writers at once.
	big := bytes.Repeat([]byte("0123456789abcdef質量"), 200_000) // 4.4 MB
	var wg sync.WaitGroup
	errs := make([]error, 4)
	sums := make([]string, 4)
	for i := range 4 {
		wg.Go(func() { sums[i], _, errs[i] = s.Put(ctx, bytes.NewReader(big)) })
	}
	wg.Wait()
	for i := range 4 {
		if errs[i] != nil || sums[i] != sumOf(big) {
			t.Fatalf("concurrent Put %d = %s, %v", i, sums[i], errs[i])
		}
	}
	obj, err = s.Open(ctx, sumOf(big))
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	h := sha256.New()
	if _, err := io.Copy(h, obj); err != nil || hex.EncodeToString(h.Sum(nil)) != sumOf(big) {
		t.Fatalf("read back the large blob: %v", err)
	}

	// A cancelled context stops a Put.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.Put(cctx, bytes.NewReader([]byte("never stored"))); err == nil {
		t.Error("Put with a cancelled context succeeded")
	}
}

func TestDisk(t *testing.T) {
	dir := t.TempDir()
	d, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, d)

	content := []byte("one copy only")
	sum, _, err := d.Put(context.Background(), bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "files", sum[:2], sum[2:4], sum)
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(b, content) {
		t.Fatalf("content not at %s: %v", path, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm()&0o222 != 0 {
		t.Errorf("a stored blob is writable: %v", fi.Mode())
	}
	left, _ := os.ReadDir(filepath.Join(dir, "files", "tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	var blobs int
	filepath.WalkDir(filepath.Join(dir, "files"), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			blobs++
		}
		return nil
	})
	if blobs != 3 { // the report, the large blob and this one, each once
		t.Errorf("%d blobs on disk, want 3", blobs)
	}
}

// fakeS3 starts gofakes3 with an empty bucket and returns its settings.
func fakeS3(t testing.TB) config.S3 {
	t.Helper()
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	if err := backend.CreateBucket("qms-files"); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	return config.S3{Endpoint: u.Host, Bucket: "qms-files", AccessKey: "test-key", SecretKey: "test-secret", Region: "us-east-1", PlainHTTP: true}
}

func TestS3Fake(t *testing.T) {
	s, err := NewS3(context.Background(), fakeS3(t))
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, s)
}

func TestS3Settings(t *testing.T) {
	ctx := context.Background()
	good := fakeS3(t)
	for name, tc := range map[string]struct {
		c    config.S3
		want string
	}{
		"no bucket":      {config.S3{Endpoint: good.Endpoint, AccessKey: "k", SecretKey: "s"}, "QMS_S3_BUCKET (--s3-bucket) is required"},
		"no secret":      {config.S3{Endpoint: good.Endpoint, Bucket: "b", AccessKey: "k"}, "QMS_S3_SECRET_KEY"},
		"missing bucket": {config.S3{Endpoint: good.Endpoint, Bucket: "nope", AccessKey: "k", SecretKey: "s", PlainHTTP: true}, `QMS_S3_BUCKET="nope": the bucket does not exist`},
		"unreachable":    {config.S3{Endpoint: closedPort(t), Bucket: "b", AccessKey: "k", SecretKey: "s", PlainHTTP: true}, "cannot use the S3 file storage"},
	} {
		_, err := NewS3(ctx, tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	st, err := Open(ctx, config.Config{DataDir: t.TempDir()}, nil)
	if _, ok := st.(*Disk); err != nil || !ok {
		t.Errorf("Open without S3: %T, %v", st, err)
	}
	st, err = Open(ctx, config.Config{Files: config.Files{S3: good}}, nil)
	if _, ok := st.(*S3); err != nil || !ok {
		t.Errorf("Open with S3: %T, %v", st, err)
	}
}

func closedPort(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// minioVersion is the MinIO server .ci/run builds for the tests (AGPLv3; a
// test tool only, never shipped).
const minioVersion = "v0.0.0-20260212201848-7aac2a2c5b7c"

// minioBinary finds a MinIO server binary, or returns "".
func minioBinary() string {
	if p := os.Getenv("QMS_TEST_MINIO"); p != "" {
		return p
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p
	}
	if _, err := os.Stat("/tmp/minio-bin/minio"); err == nil {
		return "/tmp/minio-bin/minio"
	}
	return ""
}

// startMinIO runs a real MinIO server on a free port with a bucket and
// returns its settings; it stops when the test ends.
func startMinIO(t *testing.T) config.S3 {
	bin := minioBinary()
	if bin == "" {
		msg := "no MinIO server binary: the S3 store was tested against gofakes3 only. For a real server: " +
			"GOBIN=/tmp/minio-bin go install github.com/minio/minio@" + minioVersion + " (about 3 minutes; .ci/run does it), or set QMS_TEST_MINIO"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	addr := closedPort(t)
	const user, pass = "qmsminio", "qms-minio-secret"
	cmd := exec.Command(bin, "server", t.TempDir(), "--address", addr, "--quiet")
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+user, "MINIO_ROOT_PASSWORD="+pass, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start MinIO %s: %v", bin, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/minio/health/ready")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("MinIO did not become ready: %v\n%s", err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	c := config.S3{Endpoint: addr, Bucket: "qms-files", AccessKey: user, SecretKey: pass, PlainHTTP: true}
	mc, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(user, pass, "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := mc.MakeBucket(context.Background(), c.Bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestS3MinIO(t *testing.T) {
	c := startMinIO(t)
	s, err := NewS3(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, s)
	bad := c
	bad.SecretKey = "wrong"
	if _, err := NewS3(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "cannot use") {
		t.Errorf("a wrong secret key: %v", err)
	}
}
