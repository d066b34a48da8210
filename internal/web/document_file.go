package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qms/internal/blob"
	"qms/internal/document"
	"qms/internal/pdfstamp"
	"qms/internal/qms"
)

// documentFile serves the file of a revision (the one in force, or
// ?rev=N). The file of the revision in force is served as stored; a PDF of
// a revision not in force comes back stamped on every page with the mark
// of its PDF text (revisionMark). A PDF that cannot be read for stamping is
// refused with a message rather than handed out unmarked. Word files and
// images are served as stored: their page says the revision's status.
func (u *UI) documentFile(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	if u.files == nil {
		return errNoFileStore
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rev, _ := strconv.Atoi(r.URL.Query().Get("rev"))
	v, err := u.docs().Document(r.Context(), id, rev)
	if err != nil {
		return err
	}
	if v.Shown == nil || v.Shown.FileID == nil {
		return qms.Errorf(qms.KindNotFound, "This revision holds text, not a file: open its PDF instead.")
	}
	f, err := u.files.File(r.Context(), *v.Shown.FileID)
	if err != nil {
		return err
	}
	mark := revisionMark(v.Shown.Status)
	if mark == "" || f.ContentType != string(blob.PDF) {
		return u.files.Serve(w, r, f, false)
	}
	obj, err := u.files.Open(r.Context(), f, false)
	if err != nil {
		return err
	}
	defer obj.Close()
	raw, err := io.ReadAll(obj)
	if err != nil {
		return err
	}
	out, err := pdfstamp.Stamp(raw, mark)
	if err != nil {
		u.log.Warn("document file not stamped", "file", f.ID, "err", err)
		return qms.Errorf(qms.KindConflict, "This PDF of revision %d (%s) could not be read to mark it %q, so it is not handed out unmarked. "+
			"Open revision %d's page for its status, or ask the document owner to upload a readable PDF.",
			v.Shown.Revision, v.Shown.Status.Label(), mark, v.Shown.Revision)
	}
	disposition := "inline"
	if d := r.URL.Query().Get("download"); d == "1" || d == "true" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", string(blob.PDF))
	h.Set("Content-Disposition", blob.ContentDisposition(disposition, f.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(out))
	return nil
}

// revisionMark is the words that mark a revision not in force, as in the
// footer of its PDF text: "SUPERSEDED – not for use", "DRAFT – not in
// force"; empty for the revision in force.
func revisionMark(s document.Status) string {
	switch {
	case s == document.StatusEffective:
		return ""
	case s.Withdrawn():
		return strings.ToUpper(s.Label()) + " – not for use"
	default:
		return strings.ToUpper(s.Label()) + " – not in force"
	}
}
