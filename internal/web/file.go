package web

import (
	"errors"
	"net/http"

	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/store"
)

// Stored files: GET /files/{id} and /files/{id}/thumb serve a file to
// whoever may read it (blob.Service.CanRead: the rule its owner's module
// registered), and module pages take uploads with guardUpload and
// formFile.

// WithFiles gives the UI the file service and returns u.
func (u *UI) WithFiles(f *blob.Service) *UI {
	u.files = f
	return u
}

func (u *UI) registerFiles(mux *http.ServeMux) {
	mux.Handle("GET /files/{id}", u.guard(signedIn, u.fileShow(false)))
	mux.Handle("GET /files/{id}/thumb", u.guard(signedIn, u.fileShow(true)))
}

var errNoFileStore = errors.New("web: no file service (WithFiles was not called)")

// fileShow serves the file (or its thumbnail) with its stored content
// type; ?download=1 asks the browser to save it.
func (u *UI) fileShow(thumb bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
		if u.files == nil {
			return errNoFileStore
		}
		id, err := pathID(r)
		if err != nil {
			return err
		}
		f, err := u.files.File(r.Context(), id)
		if err != nil {
			return err
		}
		return u.files.Serve(w, r, f, thumb)
	}
}

// maxFormMemory is how much of a multipart form is kept in memory; the
// rest (the files) is spooled to temporary files.
const maxFormMemory = 1 << 20

// guardUpload is guard for forms that carry files
// (enctype="multipart/form-data"): the body may be as large as the upload
// limit plus 1 MiB for the other fields. Handlers read files with
// formFile and the other fields from r.Form as usual.
func (u *UI) guardUpload(allow func(qms.Actor) bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := qms.ActorFrom(r.Context())
		if !ok {
			u.toLogin(w, r)
			return
		}
		if !allow(a) {
			u.fail(w, r, qms.Errorf(qms.KindForbidden, "Your role (%s) may not open this page.", a.Role.Label()))
			return
		}
		if u.files == nil {
			u.fail(w, r, errNoFileStore)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, u.files.MaxBytes()+maxFormBytes)
		if err := r.ParseMultipartForm(maxFormMemory); err != nil {
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				err = blob.TooLarge(u.files.MaxBytes())
			case errors.Is(err, http.ErrNotMultipart):
				err = qms.Errorf(qms.KindInvalid, "This form must be sent as multipart/form-data, with the file attached.")
			default:
				err = qms.Errorf(qms.KindInvalid, "The form could not be read: it is malformed or incomplete.")
			}
			u.fail(w, r, err)
			return
		}
		if err := readForm(w, r); err != nil { // checks the fields' UTF-8; the body is read already
			u.fail(w, r, err)
			return
		}
		if err := h(w, r, a); err != nil {
			u.fail(w, r, err)
		}
	})
}

// formFile checks and stores the file of the form field (blob.Service.Prepare)
// and returns its record, not yet saved: the handler sets the owner and
// calls tx.CreateFile with the change it makes. ok is false when the field
// holds no file. Errors are invalid, with the message under field.
func (u *UI) formFile(r *http.Request, field string, allowed []blob.Type) (f *store.File, ok bool, err error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
		return nil, false, nil
	}
	fh := r.MultipartForm.File[field][0]
	if fh.Size == 0 && fh.Filename == "" {
		return nil, false, nil // the browser sends an empty part when no file was chosen
	}
	body, err := fh.Open()
	if err != nil {
		return nil, false, err
	}
	defer body.Close()
	f, err = u.files.Prepare(r.Context(), blob.Upload{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Body: body, Allowed: allowed})
	if err != nil {
		if msgs := qms.ErrorFields(err); msgs["file"] != "" && field != "file" {
			err = &qms.Error{Kind: qms.ErrorKind(err), Message: qms.ErrorMessage(err), Fields: map[string]string{field: msgs["file"]}}
		}
		return nil, false, err
	}
	return f, true, nil
}
