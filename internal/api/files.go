package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/store"
)

// WithFiles gives the API the file service and returns a.
func (a *API) WithFiles(f *blob.Service) *API {
	a.files = f
	return a
}

// File is a stored file as the API shows it.
type File struct {
	ID           int64      `json:"id"`
	SHA256       string     `json:"sha256" doc:"The SHA-256 of the content in hex; also the ETag of the download."`
	Size         int64      `json:"size" doc:"The size in bytes."`
	ContentType  string     `json:"content_type" enum:"image/jpeg,image/png,application/pdf" doc:"The type found in the content (never the one the uploader claimed)."`
	Name         string     `json:"original_name" doc:"The uploaded file name, without directories, control or invisible characters."`
	Width        int        `json:"width,omitempty" doc:"Images: the width in pixels as displayed (EXIF orientation applied)."`
	Height       int        `json:"height,omitempty" doc:"Images: the height in pixels as displayed."`
	URL          string     `json:"url" doc:"Where to download the content."`
	ThumbnailURL string     `json:"thumbnail_url,omitempty" doc:"Images: where to download a JPEG thumbnail of at most 320 pixels."`
	OwnerType    string     `json:"owner_type,omitempty" doc:"The kind of record the file belongs to; absent while it belongs to none."`
	OwnerID      int64      `json:"owner_id,omitempty" doc:"The id of the record the file belongs to."`
	UploadedBy   int64      `json:"uploaded_by" doc:"The id of the user who uploaded it; 0 for qms itself."`
	CreatedAt    time.Time  `json:"created_at"`
	VoidedAt     *time.Time `json:"voided_at,omitempty" doc:"When the file was voided; its content is then withdrawn from suppliers."`
	VoidReason   string     `json:"void_reason,omitempty"`
	Version      int64      `json:"version" doc:"Send it back when voiding."`
}

func fileOut(f *store.File) File {
	out := File{ID: f.ID, SHA256: f.SHA256, Size: f.Size, ContentType: f.ContentType, Name: f.Name, Width: f.Width, Height: f.Height,
		URL: Prefix + "/files/" + strconv.FormatInt(f.ID, 10), OwnerType: f.OwnerType, OwnerID: f.OwnerID, UploadedBy: f.UploadedBy,
		CreatedAt: f.CreatedAt, VoidedAt: f.VoidedAt, VoidReason: f.VoidReason, Version: f.Version}
	if f.ThumbSHA256 != "" {
		out.ThumbnailURL = out.URL + "/thumb"
	}
	return out
}

type fileIDInput struct {
	ID       int64 `path:"id" minimum:"1" doc:"The id of the file."`
	Download bool  `query:"download" doc:"Ask the browser to save the file (Content-Disposition: attachment) instead of showing it."`
}

type uploadFileOutput struct {
	Location string `header:"Location"`
	Body     File
}

type fileOutput struct {
	Body File
}

// VoidFileRequest is the body of POST /files/{id}/void.
type VoidFileRequest struct {
	Reason  string `json:"reason" minLength:"1" maxLength:"1000" doc:"Why the file is voided, for the audit trail."`
	Version int64  `json:"version" minimum:"1" doc:"The version of the file the change is based on; a stale version gets 409."`
}

type voidFileInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The id of the file."`
	Body VoidFileRequest
}

// requestKey carries the *http.Request and its writer into an operation
// that reads its body itself (the streamed multipart upload).
type requestKey struct{}

type rawRequest struct {
	r *http.Request
	w http.ResponseWriter
}

func withRequest(ctx huma.Context, next func(huma.Context)) {
	r, w := humago.Unwrap(ctx)
	next(huma.WithValue(ctx, requestKey{}, rawRequest{r, w}))
}

func (a *API) registerFiles() {
	tags := []string{"Files"}
	a.huma.OpenAPI().Tags = append(a.huma.OpenAPI().Tags, &huma.Tag{Name: "Files",
		Description: "Uploaded photos, scans and reports (JPEG, PNG, PDF). The type is found from the content, whatever the name says; " +
			"images get a thumbnail. Files are never deleted, only voided. Who may read a file depends on the record it belongs to."})
	binary := func(desc string) *huma.Response {
		r := &huma.Response{Description: desc, Content: map[string]*huma.MediaType{}, Headers: map[string]*huma.Param{
			"ETag":                {Description: "The SHA-256 of the content, quoted.", Schema: &huma.Schema{Type: "string"}},
			"Content-Disposition": {Description: "inline (or attachment with download=true) with the original file name, as filename and, when not ASCII, filename* (RFC 6266).", Schema: &huma.Schema{Type: "string"}},
		}}
		for _, t := range blob.DefaultAllowed {
			r.Content[string(t)] = &huma.MediaType{Schema: &huma.Schema{Type: "string", ContentEncoding: "binary"}}
		}
		return r
	}
	maxMiB := strconv.FormatInt(a.maxUpload()>>20, 10)
	Handle(a, huma.Operation{OperationID: "upload-file", Method: http.MethodPost, Path: "/files", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
		Middlewares: huma.Middlewares{withRequest},
		Summary:     "Upload a file",
		Description: "Every role but viewer and auditor. A multipart/form-data body with the file in the field `file`. " +
			"The content decides the type: a file whose content is not a JPEG, PNG or PDF, does not match its name or declared type, " +
			"is damaged, or is too large gets 422 saying what was received. Without an owner the file belongs to no record yet: " +
			"its uploader and internal staff can read it, and the record's own operation attaches it by id."}, a.uploadFile)
	// The body is streamed by the operation itself, so it is described only
	// now: described at registration, huma would read and decode it first.
	a.huma.OpenAPI().Paths["/files"].Post.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"multipart/form-data": {
		Schema: &huma.Schema{Type: "object", Required: []string{"file"}, Properties: map[string]*huma.Schema{
			"file":       {Type: "string", ContentEncoding: "binary", Description: "The file: a JPEG, PNG or PDF of at most " + maxMiB + " MiB (QMS_FILES_MAX_SIZE)."},
			"owner_type": {Type: "string", Description: "The kind of record to attach the file to, for kinds that take uploads here. Send it before file."},
			"owner_id":   {Type: "integer", Description: "The id of that record."},
		}},
		Encoding: map[string]*huma.Encoding{"file": {ContentType: "image/jpeg, image/png, application/pdf"}},
	}}}
	Handle(a, huma.Operation{OperationID: "get-file", Method: http.MethodGet, Path: "/files/{id}", Tags: tags,
		Errors: []int{http.StatusNotFound}, Responses: map[string]*huma.Response{"200": binary("The content, with its stored type.")},
		Summary: "Download a file", Description: "For whoever may see the record the file belongs to; 404 for everyone else. " +
			"Supports If-None-Match (the ETag is the SHA-256) and Range."}, a.getFile(false))
	Handle(a, huma.Operation{OperationID: "get-file-thumbnail", Method: http.MethodGet, Path: "/files/{id}/thumb", Tags: tags,
		Errors: []int{http.StatusNotFound}, Responses: map[string]*huma.Response{"200": binary("A JPEG of at most 320 pixels, turned upright.")},
		Summary: "Download a file's thumbnail", Description: "Images only; 404 for documents. The same permission as the file."}, a.getFile(true))
	Handle(a, huma.Operation{OperationID: "void-file", Method: http.MethodPost, Path: "/files/{id}/void", Tags: tags,
		Errors:  []int{http.StatusNotFound, http.StatusConflict},
		Summary: "Void a file", Description: "Quality managers and admins. The file stays stored and listed, marked void with the reason; " +
			"suppliers can no longer open it."}, a.voidFile)
}

func (a *API) maxUpload() int64 {
	if a.files == nil {
		return blob.DefaultMaxBytes
	}
	return a.files.MaxBytes()
}

var errNoFileService = errors.New("api: no file service (WithFiles was not called)")

// maxFieldBytes bounds the text fields of an upload form.
const maxFieldBytes = 100

func (a *API) uploadFile(ctx context.Context, _ *struct{}) (*uploadFileOutput, error) {
	if a.files == nil {
		return nil, errNoFileService
	}
	if act := Actor(ctx); !qms.CanUploadFiles(act) {
		return nil, qms.Errorf(qms.KindForbidden, "Your role may not upload files")
	}
	raw, _ := ctx.Value(requestKey{}).(rawRequest)
	if mt, _, _ := mime.ParseMediaType(raw.r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, Invalid("body", "must be multipart/form-data with the file in the field \"file\"")
	}
	raw.r.Body = http.MaxBytesReader(raw.w, raw.r.Body, a.files.MaxBytes()+MaxBodyBytes)
	mr, err := raw.r.MultipartReader()
	if err != nil {
		return nil, Invalid("body", "is not a valid multipart/form-data body")
	}
	var (
		f         *store.File
		ownerType string
		ownerID   int64
		checked   bool // the owner was checked before the file was stored
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bodyError(err, a.files.MaxBytes())
		}
		switch name := part.FormName(); name {
		case "file":
			if f != nil {
				return nil, Invalid("body.file", "holds more than one file; upload one file per request")
			}
			if ownerType != "" || ownerID != 0 {
				if err := a.files.CheckAttach(ctx, ownerType, ownerID); err != nil {
					return nil, err
				}
				checked = true
			}
			f, err = a.files.Prepare(ctx, blob.Upload{Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Body: part})
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					return nil, blob.TooLarge(a.files.MaxBytes())
				}
				return nil, err
			}
		case "owner_type", "owner_id":
			v, err := formValue(part)
			if err != nil {
				return nil, bodyError(err, a.files.MaxBytes())
			}
			if msg := checkField(v); msg != "" {
				return nil, Invalid("body."+name, msg)
			}
			if name == "owner_type" {
				ownerType = v
			} else if ownerID, err = strconv.ParseInt(v, 10, 64); err != nil || ownerID <= 0 {
				return nil, Invalid("body.owner_id", "must be a whole number from 1")
			}
		default:
			return nil, Invalid("body", "has the unknown field "+strconv.Quote(strings.ToValidUTF8(name, "\uFFFD"))+"; send file, and optionally owner_type and owner_id")
		}
	}
	if f == nil {
		return nil, Invalid("body.file", "is required: attach the file in the field \"file\"")
	}
	if (ownerType == "") != (ownerID == 0) {
		return nil, Invalid("body.owner_type", "owner_type and owner_id go together")
	}
	if !checked {
		if err := a.files.CheckAttach(ctx, ownerType, ownerID); err != nil {
			return nil, err
		}
	}
	f.OwnerType, f.OwnerID = ownerType, ownerID
	if err := a.files.Create(ctx, f); err != nil {
		return nil, err
	}
	out := &uploadFileOutput{Body: fileOut(f)}
	out.Location = out.Body.URL
	return out, nil
}

// bodyError explains why a multipart body could not be read.
func bodyError(err error, maxBytes int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return blob.TooLarge(maxBytes)
	}
	return Invalid("body", "is not a valid multipart/form-data body: it is malformed or incomplete")
}

// formValue reads a short text field of a multipart form.
func formValue(part io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1)) // checkField reports a longer one
	return string(b), err
}

// checkField returns what is wrong with a text field of the upload form.
func checkField(v string) string {
	switch {
	case len(v) > maxFieldBytes:
		return "is too long"
	case !utf8.ValidString(v):
		return "is not valid UTF-8 text"
	case strings.IndexFunc(v, isControl) >= 0:
		return "contains a control character"
	}
	return ""
}

func (a *API) getFile(thumb bool) func(context.Context, *fileIDInput) (*huma.StreamResponse, error) {
	return func(ctx context.Context, in *fileIDInput) (*huma.StreamResponse, error) {
		if a.files == nil {
			return nil, errNoFileService
		}
		f, err := a.files.File(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		obj, err := a.files.Open(ctx, f, thumb) // before streaming, so that errors become problems
		if err != nil {
			return nil, err
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			defer obj.Close()
			r, w := humago.Unwrap(hctx)
			blob.ServeObject(w, r, f, thumb, obj)
		}}, nil
	}
}

func (a *API) voidFile(ctx context.Context, in *voidFileInput) (*fileOutput, error) {
	if a.files == nil {
		return nil, errNoFileService
	}
	if err := checkReason("body.reason", in.Body.Reason); err != nil {
		return nil, err
	}
	f, err := a.files.Void(ctx, in.ID, in.Body.Reason, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &fileOutput{Body: fileOut(f)}, nil
}
