package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Disk stores blobs as files under a root directory, at
// files/ab/cd/<sha256>. A blob is written to a temporary file, synced and
// renamed into place, so that a crash never leaves a partial blob under
// its hash.
type Disk struct {
	root string
}

// NewDisk returns the disk store under dir (usually the data directory),
// creating dir/files if needed.
func NewDisk(dir string) (*Disk, error) {
	if dir == "" {
		dir = "qms-data"
	}
	d := &Disk{root: dir}
	if err := os.MkdirAll(d.tmpDir(), 0o750); err != nil {
		return nil, fmt.Errorf("create the file store in %s: %w", dir, err)
	}
	return d, nil
}

func (d *Disk) tmpDir() string { return filepath.Join(d.root, "files", "tmp") }

func (d *Disk) path(sum string) string { return filepath.Join(d.root, filepath.FromSlash(key(sum))) }

// TempDir is where uploads are spooled before they are stored: on the same
// file system as the blobs.
func (d *Disk) TempDir() string { return d.tmpDir() }

// Put implements Store.
func (d *Disk) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	tmp, err := os.CreateTemp(d.tmpDir(), "put-*")
	if err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx, r})
	if err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("store file: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := d.path(sum)
	if fi, err := os.Stat(dst); err == nil && fi.Size() == n {
		return sum, n, nil // stored before: keep the one copy
	}
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o440); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	committed = true
	if err := syncDir(dir); err != nil {
		return "", 0, fmt.Errorf("store file: sync directory: %w", err)
	}
	return sum, n, nil
}

// Open implements Store.
func (d *Disk) Open(_ context.Context, sum string) (Object, error) {
	if err := checkSum(sum); err != nil {
		return nil, err
	}
	f, err := os.Open(d.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(sum)
	}
	return f, err
}

// Exists implements Store.
func (d *Disk) Exists(_ context.Context, sum string) (bool, error) {
	if err := checkSum(sum); err != nil {
		return false, err
	}
	_, err := os.Stat(d.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Stat implements Store.
func (d *Disk) Stat(_ context.Context, sum string) (Info, error) {
	if err := checkSum(sum); err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(d.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, notFound(sum)
	}
	if err != nil {
		return Info{}, err
	}
	return Info{SHA256: sum, Size: fi.Size()}, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
