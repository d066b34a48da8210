package web

import (
	"fmt"
	"net/http"
	"strconv"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplierops"
)

// Certificate scans: the scanned document (PDF or image) of a certificate,
// uploaded with the new-certificate forms (internal and portal) or on the
// certificate's page, and served by GET /files/{id} to whoever may see the
// certificate (supplierops.RegisterFiles).

// registerCertificateScans adds the routes that take scans. The
// new-certificate forms post here as multipart forms when the UI has a
// file store; their plain-form routes stay in registerSuppliers.
func (u *UI) registerCertificateScans(mux router) {
	mux.Handle("POST /suppliers/{id}/certificates/new", u.guardUpload(signedIn, u.certificateCreate))
	mux.Handle("POST /portal/certificates/new", u.guardUpload(isExternal, u.portalCertificateCreate))
	mux.Handle("POST /certificates/{id}/scans", u.guardUpload(signedIn, u.certificateScanAdd))
}

// scanView is a scan as the certificate page lists it.
type scanView struct {
	ID     int64
	Name   string
	Size   string
	Kind   string // "PDF", "JPEG image" ...
	Image  bool   // has a thumbnail
	Voided bool
	Reason string
	When   string
}

func scanViews(files []store.File) []scanView {
	out := make([]scanView, 0, len(files))
	for _, f := range files {
		v := scanView{ID: f.ID, Name: f.Name, Size: byteSize(f.Size), Image: f.ThumbSHA256 != "", Voided: f.VoidedAt != nil,
			Reason: f.VoidReason, When: f.CreatedAt.UTC().Format("2006-01-02")}
		switch f.ContentType {
		case "application/pdf":
			v.Kind = "PDF"
		case "image/jpeg":
			v.Kind = "JPEG image"
		case "image/png":
			v.Kind = "PNG image"
		default:
			v.Kind = f.ContentType
		}
		out = append(out, v)
	}
	return out
}

// byteSize says a size in bytes for people: "340 KB", "2.1 MB".
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " bytes"
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " KB"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// postedScan checks and stores the scan of a form (field "scan"), or
// returns nil when none was chosen. Errors are invalid, under "scan".
func (u *UI) postedScan(r *http.Request) (*store.File, error) {
	if u.files == nil || r.MultipartForm == nil {
		return nil, nil
	}
	f, ok, err := u.formFile(r, "scan", supplierops.ScanTypes)
	if err != nil || !ok {
		return nil, err
	}
	return f, nil
}

// certificateScanAdd adds a scan to a certificate from its page (the
// internal page, or the portal page of a supplier user's submitted
// certificate).
func (u *UI) certificateScanAdd(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	back := certificatePath(id)
	if !qms.CanViewInternal(a) {
		back = "/portal/certificates/" + strconv.FormatInt(id, 10)
	}
	back += "#scans"
	// The certificate is checked first, so that another supplier's id is
	// "not found" whatever the upload holds.
	if _, err := u.ops().Certificate(r.Context(), id); err != nil {
		return err
	}
	f, err := u.postedScan(r)
	if err == nil && f == nil {
		err = &qms.Error{Kind: qms.KindInvalid, Message: "Choose the scanned document first", Fields: map[string]string{"scan": "is required: a PDF, JPEG or PNG"}}
	}
	created := false
	if err == nil {
		created, err = u.ops().AddScan(r.Context(), id, f)
	}
	if err != nil {
		if msg := qms.ErrorFields(err)["scan"]; msg != "" && qms.ErrorKind(err) == qms.KindInvalid {
			u.redirect(w, r, back, "error", sentenceCase(msg)) // the message names the file already
			return nil
		}
		if qms.ErrorKind(err) == qms.KindForbidden {
			return err
		}
		return u.actionFailed(w, r, back, err)
	}
	msg := "Scan added: " + f.Name + "."
	if !created {
		msg = "This certificate has this scan already (" + f.Name + ")."
	}
	u.redirect(w, r, back, "success", msg)
	return nil
}
