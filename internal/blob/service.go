package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"

	"qms/internal/qms"
	"qms/internal/store"
)

// Access decides whether actor a may read (or attach files to) the record
// ownerType/ownerID. It returns nil when a may, and otherwise an error of
// kind forbidden or not found (the file service answers both as "not
// found", so that file ids reveal nothing).
type Access func(ctx context.Context, a qms.Actor, ownerType string, ownerID int64) error

// OwnerRules are what a module registers for the files of its records.
type OwnerRules struct {
	// Read decides who may read the files of a record. Required.
	Read Access
	// Attach decides who may upload a file straight onto a record through
	// the generic upload (POST /api/v1/files with owner_type and owner_id).
	// nil: nobody; the module attaches files in its own operations.
	Attach Access
}

// Service stores uploads as file records and reads them back, checking
// permissions. It is safe for concurrent use.
type Service struct {
	st       *store.Store
	blobs    Store
	maxBytes int64
	tmpDir   string        // where uploads are spooled; "" for the system default
	decoding chan struct{} // bounds concurrent image decoding (memory)

	mu     sync.RWMutex
	owners map[string]OwnerRules
}

// NewService returns the file service over the database and the blob
// store, accepting uploads up to maxBytes (0: DefaultMaxBytes).
func NewService(st *store.Store, blobs Store, maxBytes int64) *Service {
	s := &Service{st: st, blobs: blobs, maxBytes: Rules{MaxBytes: maxBytes}.maxBytes(),
		decoding: make(chan struct{}, 2), owners: map[string]OwnerRules{}}
	if d, ok := blobs.(*Disk); ok {
		s.tmpDir = d.TempDir()
	}
	return s
}

// MaxBytes is the largest upload accepted.
func (s *Service) MaxBytes() int64 { return s.maxBytes }

// Blobs returns the underlying blob store.
func (s *Service) Blobs() Store { return s.blobs }

// RegisterOwner sets the access rules for the files of records of
// ownerType (such as "certificate" or "inspection"). Until a type is
// registered, only internal staff may read its files. Call it while
// wiring the program, before serving; it panics on a missing Read rule,
// which is a programming error.
func (s *Service) RegisterOwner(ownerType string, r OwnerRules) {
	if ownerType == "" || r.Read == nil {
		panic("blob: RegisterOwner needs an owner type and a Read rule")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owners[ownerType] = r
}

func (s *Service) rules(ownerType string) (OwnerRules, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.owners[ownerType]
	return r, ok
}

// Upload is a file as a client sent it.
type Upload struct {
	Name        string    // the file name sent with it
	ContentType string    // the media type sent with it, if any
	Body        io.Reader // the content
	Allowed     []Type    // accepted types; nil means DefaultAllowed
}

var errFileNotFound = qms.Errorf(qms.KindNotFound, "File not found")

func actor(ctx context.Context) (qms.Actor, error) {
	a, ok := qms.ActorFrom(ctx)
	if !ok {
		return a, qms.Errorf(qms.KindUnauthenticated, "Sign in first.")
	}
	return a, nil
}

// Prepare checks an upload (Check: sniffed type, size, complete image or
// document), stores its content and, for images, its thumbnail, and returns
// the file record to create, not yet saved: a module sets its owner and
// calls tx.CreateFile in the transaction that creates or changes the
// owning record. Requires qms.CanUploadFiles. Returns invalid with a
// message saying what was received and what is accepted.
func (s *Service) Prepare(ctx context.Context, u Upload) (*store.File, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !qms.CanUploadFiles(a) {
		return nil, qms.Errorf(qms.KindForbidden, "Your role (%s) may not upload files.", a.Role.Label())
	}
	tmp, err := os.CreateTemp(s.tmpDir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("spool upload: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, ctxReader{ctx, io.LimitReader(u.Body, s.maxBytes+1)})
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		n = s.maxBytes + 1 // the request was larger than any accepted file
	case err != nil:
		return nil, fmt.Errorf("receive upload: %w", err)
	}
	select {
	case s.decoding <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c, err := Check(tmp, n, Claim{Name: u.Name, ContentType: u.ContentType}, Rules{Allowed: u.Allowed, MaxBytes: s.maxBytes})
	var thumb []byte
	if err == nil && c.Type.IsImage() {
		thumb, err = Thumbnail(c, ThumbSize)
	}
	<-s.decoding
	if err != nil {
		return nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	sum, size, err := s.blobs.Put(ctx, tmp)
	if err != nil {
		return nil, err
	}
	f := &store.File{SHA256: sum, Size: size, ContentType: string(c.Type), Name: storedName(u.Name, c.Type),
		Width: c.Width, Height: c.Height}
	if thumb != nil {
		if f.ThumbSHA256, _, err = s.blobs.Put(ctx, bytes.NewReader(thumb)); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// storedName is the sanitised name of an upload, ending in an extension
// of its type when its own says nothing ("scan" becomes "scan.pdf").
func storedName(name string, t Type) string {
	name = SanitizeName(name)
	if name == "" {
		name = "file"
	}
	if ext, _ := extType(name); ext == "" {
		name += t.Ext()
	}
	return name
}

// Upload checks and stores an upload and creates its file record,
// audited. With an owner type it belongs to that record at once, which the
// owner's registered Attach rule must allow (CheckAttach); without, it
// stays unattached (readable by its uploader and internal staff) until a
// module attaches it (tx.AttachFile). Requires qms.CanUploadFiles. Returns
// invalid, forbidden or not found (the owner record may not be seen).
func (s *Service) Upload(ctx context.Context, u Upload, ownerType string, ownerID int64) (*store.File, error) {
	if err := s.CheckAttach(ctx, ownerType, ownerID); err != nil {
		return nil, err
	}
	f, err := s.Prepare(ctx, u)
	if err != nil {
		return nil, err
	}
	f.OwnerType, f.OwnerID = ownerType, ownerID
	return f, s.Create(ctx, f)
}

// CheckAttach returns nil when the actor in ctx may upload a file straight
// onto the record ownerType/ownerID (an empty owner type: an unattached
// upload, always nil). Returns invalid when the owner type takes no such
// uploads, else what the owner's Attach rule returns.
func (s *Service) CheckAttach(ctx context.Context, ownerType string, ownerID int64) error {
	a, err := actor(ctx)
	if err != nil || ownerType == "" {
		return err
	}
	r, ok := s.rules(ownerType)
	if !ok || r.Attach == nil {
		msg := fmt.Sprintf("takes no uploads for %q: upload without an owner, or through the page or operation of the record", ownerType)
		return &qms.Error{Kind: qms.KindInvalid, Message: "Files cannot be uploaded onto this kind of record here", Fields: map[string]string{"owner_type": msg}}
	}
	if ownerID <= 0 {
		return &qms.Error{Kind: qms.KindInvalid, Message: "The owner is not valid", Fields: map[string]string{"owner_id": "must be the id of the record the file belongs to"}}
	}
	return r.Attach(ctx, a, ownerType, ownerID)
}

// Create saves the record of a prepared file (Prepare), audited, in its
// own transaction. Modules that create the owning record at the same time
// call tx.CreateFile in their transaction instead.
func (s *Service) Create(ctx context.Context, f *store.File) error {
	return s.st.Update(ctx, func(tx *store.Tx) error { return tx.CreateFile(f) })
}

// CanRead returns nil when a may read f: a voided file only internal staff
// (qms.CanReadVoidedFiles); an unattached file its uploader and internal
// staff (qms.CanUseUnattachedFile); an attached file whoever the Read rule
// of its owner type allows, and internal staff only while no rule is
// registered. Otherwise it returns not found.
func (s *Service) CanRead(ctx context.Context, a qms.Actor, f *store.File) error {
	switch {
	case f.VoidedAt != nil && !qms.CanReadVoidedFiles(a):
		return errFileNotFound
	case !f.Attached():
		if !qms.CanUseUnattachedFile(a, f.UploadedBy) {
			return errFileNotFound
		}
		return nil
	}
	r, ok := s.rules(f.OwnerType)
	if !ok {
		if !qms.CanViewInternal(a) {
			return errFileNotFound
		}
		return nil
	}
	err := r.Read(ctx, a, f.OwnerType, f.OwnerID)
	switch qms.ErrorKind(err) {
	case qms.KindForbidden, qms.KindNotFound:
		return errFileNotFound
	}
	return err
}

// File returns the file record with the given id if the actor in ctx may
// read it (CanRead). Returns unauthenticated, or not found both for a file
// that does not exist and one the actor may not see.
func (s *Service) File(ctx context.Context, id int64) (*store.File, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var f *store.File
	if err := s.st.View(ctx, func(tx *store.Tx) error {
		f, err = tx.File(id)
		return err
	}); err != nil {
		if qms.ErrorKind(err) == qms.KindNotFound {
			return nil, errFileNotFound
		}
		return nil, err
	}
	if err := s.CanRead(ctx, a, f); err != nil {
		return nil, err
	}
	return f, nil
}

// Void marks a file void with a reason, audited; the content stays
// stored. Requires qms.CanVoidFiles. Returns not found, forbidden, invalid
// (no reason) or a conflict (voided already, or a stale version).
func (s *Service) Void(ctx context.Context, id int64, reason string, version int64) (*store.File, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.File(ctx, id); err != nil {
		return nil, err
	}
	if !qms.CanVoidFiles(a) {
		return nil, qms.Errorf(qms.KindForbidden, "Your role (%s) may not void files.", a.Role.Label())
	}
	var f *store.File
	err = s.st.Update(ctx, func(tx *store.Tx) error {
		f, err = tx.VoidFile(id, reason, version)
		return err
	})
	return f, err
}

// Open returns the content of f, or of its thumbnail. The caller has
// checked that the actor may read f (File does). Returns not found when
// f has no thumbnail; content missing from the store is an internal error.
func (s *Service) Open(ctx context.Context, f *store.File, thumb bool) (Object, error) {
	sum := f.SHA256
	if thumb {
		if f.ThumbSHA256 == "" {
			return nil, qms.Errorf(qms.KindNotFound, "This file has no thumbnail: only images have one")
		}
		sum = f.ThumbSHA256
	}
	obj, err := s.blobs.Open(ctx, sum)
	if err != nil {
		return nil, fmt.Errorf("file %d: open content %s: %v", f.ID, sum, err) // not a not-found for the client: the store lost data
	}
	return obj, nil
}

// Serve writes f (or its thumbnail) as the response (ServeObject). The
// caller has checked that the actor may read f (File does). Returns an
// error, before anything is written, when the content cannot be opened.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, f *store.File, thumb bool) error {
	obj, err := s.Open(r.Context(), f, thumb)
	if err != nil {
		return err
	}
	defer obj.Close()
	ServeObject(w, r, f, thumb, obj)
	return nil
}

// ServeObject writes obj, the content of f or of its thumbnail, as the
// response: the stored content type, Content-Disposition with the
// original name (inline, or attachment when the query has download=1 or
// true), X-Content-Type-Options: nosniff, the SHA-256 as ETag, and
// revalidation on every use so that a withdrawn permission takes effect at
// once. Conditional and range requests are answered by http.ServeContent.
func ServeObject(w http.ResponseWriter, r *http.Request, f *store.File, thumb bool, obj Object) {
	ctype, sum, name := f.ContentType, f.SHA256, f.Name
	if thumb {
		ctype, sum, name = string(JPEG), f.ThumbSHA256, thumbName(f.Name)
	}
	disposition := "inline"
	if v := r.URL.Query().Get("download"); v == "1" || v == "true" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", ContentDisposition(disposition, name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+sum+`"`)
	h.Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, r, "", f.CreatedAt, obj)
}

// thumbName is the download name of a thumbnail: "photo.png" gives
// "photo-thumb.jpg".
func thumbName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	return name + "-thumb.jpg"
}
