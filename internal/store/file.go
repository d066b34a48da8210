package store

import (
	"database/sql"
	"regexp"
	"time"

	"qms/internal/qms"
)

// Files: the records of uploads (certificate scans, inspection photos,
// reports, evidence). The content is in the file store (package blob) under
// its SHA-256; several records may share content. Files are never deleted,
// only voided with a reason.

const entityFile = "file"

// MaxFileNameLen is the longest original file name stored, in characters.
const MaxFileNameLen = 255

// File is the record of one uploaded file.
type File struct {
	ID          int64      `json:"id"`
	SHA256      string     `json:"sha256"`
	Size        int64      `json:"size"`
	ContentType string     `json:"content_type"`
	Name        string     `json:"original_name"`
	Width       int        `json:"width,omitempty"`        // pixels as displayed; 0 for documents
	Height      int        `json:"height,omitempty"`       // pixels as displayed; 0 for documents
	ThumbSHA256 string     `json:"thumb_sha256,omitempty"` // the JPEG thumbnail of an image
	OwnerType   string     `json:"owner_type,omitempty"`   // the entity type of the record it belongs to; "" while unattached
	OwnerID     int64      `json:"owner_id,omitempty"`
	UploadedBy  int64      `json:"uploaded_by"` // user id; 0 for the system
	CreatedAt   time.Time  `json:"created_at"`
	VoidedAt    *time.Time `json:"voided_at,omitempty"`
	VoidReason  string     `json:"void_reason,omitempty"`
	Version     int64      `json:"version"`
}

// Attached reports whether the file belongs to a record.
func (f *File) Attached() bool { return f.OwnerType != "" }

const fileColumns = `id, sha256, size, content_type, original_name, width, height, thumb_sha256, owner_type, owner_id,
	uploaded_by, created_at, voided_at, void_reason, version`

func scanFile(sc rowScanner, f *File) error {
	var by sql.NullInt64
	var voided sql.NullTime
	if err := sc.Scan(&f.ID, &f.SHA256, &f.Size, &f.ContentType, &f.Name, &f.Width, &f.Height, &f.ThumbSHA256,
		&f.OwnerType, &f.OwnerID, &by, &f.CreatedAt, &voided, &f.VoidReason, &f.Version); err != nil {
		return err
	}
	f.UploadedBy = by.Int64
	f.CreatedAt = f.CreatedAt.UTC()
	f.VoidedAt = nullTime(voided)
	return nil
}

var (
	sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)
	ownerName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

func checkOwner(p qms.Problems, ownerType string, ownerID int64) {
	switch {
	case ownerType == "" && ownerID != 0:
		p.Add("owner_type", "is required with owner_id")
	case ownerType != "" && !ownerName.MatchString(ownerType):
		p.Add("owner_type", "must be an entity type such as certificate or inspection (lower-case letters, digits, _)")
	case ownerType != "" && ownerID <= 0:
		p.Add("owner_id", "must be the id of the record the file belongs to")
	}
}

// CreateFile inserts the record of an upload whose content (and thumbnail)
// the file store already holds, uploaded by the transaction's actor,
// audited. f.OwnerType and f.OwnerID may name the record it belongs to, or
// stay empty for an upload that is attached later (AttachFile). Returns an
// invalid error for bad fields.
func (tx *Tx) CreateFile(f *File) error {
	p := qms.Problems{}
	if !sha256Hex.MatchString(f.SHA256) {
		p.Add("sha256", "must be a SHA-256 in lower-case hex")
	}
	if f.ThumbSHA256 != "" && !sha256Hex.MatchString(f.ThumbSHA256) {
		p.Add("thumb_sha256", "must be a SHA-256 in lower-case hex")
	}
	if f.Size <= 0 {
		p.Add("size", "must be positive")
	}
	if f.ContentType == "" {
		p.Add("content_type", "is required")
	}
	qms.CheckText(p, "content_type", f.ContentType, 100)
	qms.CheckText(p, "original_name", f.Name, MaxFileNameLen)
	if f.Width < 0 || f.Height < 0 {
		p.Add("width", "must not be negative")
	}
	checkOwner(p, f.OwnerType, f.OwnerID)
	if err := p.Err(); err != nil {
		return err
	}
	f.UploadedBy, f.CreatedAt, f.Version, f.VoidedAt, f.VoidReason = tx.Actor.UserID, tx.Now, 1, nil, ""
	id, err := tx.Insert(`INSERT INTO files (sha256, size, content_type, original_name, width, height, thumb_sha256,
		owner_type, owner_id, uploaded_by, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		f.SHA256, f.Size, f.ContentType, f.Name, f.Width, f.Height, f.ThumbSHA256, f.OwnerType, f.OwnerID,
		sql.NullInt64{Int64: f.UploadedBy, Valid: f.UploadedBy != 0}, tx.Now)
	if err != nil {
		return mapError(err, "the file")
	}
	f.ID = id
	return tx.Audit(entityFile, id, qms.ActionCreate, nil, f, "")
}

// File returns the file record with the given id, voided or not. Returns
// not found.
func (tx *Tx) File(id int64) (*File, error) {
	var f File
	err := scanFile(tx.QueryRow("SELECT "+fileColumns+" FROM files WHERE id = ?", id), &f)
	if err != nil {
		return nil, mapError(err, "File")
	}
	return &f, nil
}

// FilesOf returns the files of one record in upload order, voided ones
// included (check VoidedAt).
func (tx *Tx) FilesOf(ownerType string, ownerID int64) ([]File, error) {
	rows, err := tx.Query("SELECT "+fileColumns+" FROM files WHERE owner_type = ? AND owner_id = ? ORDER BY id", ownerType, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := scanFile(rows, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// AttachFile makes an unattached file belong to a record, audited. Only
// its uploader or internal staff may attach it (qms.CanUseUnattachedFile),
// so nobody can claim another user's upload by its id. Attaching a file to
// the record it already belongs to changes nothing. Returns not found,
// forbidden, invalid, or a conflict when the file is voided or belongs to
// another record.
func (tx *Tx) AttachFile(id int64, ownerType string, ownerID int64) (*File, error) {
	p := qms.Problems{}
	checkOwner(p, ownerType, ownerID)
	if ownerType == "" {
		p.Add("owner_type", "is required")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	before, err := tx.File(id)
	if err != nil {
		return nil, err
	}
	switch {
	case !qms.CanUseUnattachedFile(tx.Actor, before.UploadedBy):
		return nil, qms.Errorf(qms.KindNotFound, "File not found")
	case before.OwnerType == ownerType && before.OwnerID == ownerID:
		return before, nil
	case before.Attached():
		return nil, qms.Errorf(qms.KindConflict, "File %d already belongs to another record; upload it again to use it here", id)
	case before.VoidedAt != nil:
		return nil, alreadyVoided("This file")
	}
	res, err := tx.Exec(`UPDATE files SET owner_type = ?, owner_id = ?, version = version + 1
		WHERE id = ? AND owner_type = '' AND version = ?`, ownerType, ownerID, id, before.Version)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This file"); err != nil {
		return nil, err
	}
	after, err := tx.File(id)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityFile, id, qms.ActionUpdate, before, after, "")
}

// VoidFile marks a file void with a reason, if its version is still
// expected, audited. The content stays stored. Returns not found, invalid
// (no reason), or a conflict when it is voided already or the version is
// stale.
func (tx *Tx) VoidFile(id int64, reason string, expected int64) (*File, error) {
	reason, err := requireReason(reason)
	if err != nil {
		return nil, err
	}
	before, err := tx.File(id)
	if err != nil {
		return nil, err
	}
	if before.VoidedAt != nil {
		return nil, alreadyVoided("This file")
	}
	res, err := tx.Exec(`UPDATE files SET voided_at = ?, void_reason = ?, version = version + 1 WHERE id = ? AND version = ?`,
		tx.Now, reason, id, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This file"); err != nil {
		return nil, err
	}
	after, err := tx.File(id)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityFile, id, qms.ActionVoid, before, after, reason)
}
