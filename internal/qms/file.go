package qms

// Permission rules for stored files (certificate scans, photos, reports).
// Reading a file attached to a record is decided by the module that owns
// the record (it registers a rule with the file service); these rules cover
// what does not depend on the record.

// CanUploadFiles: upload files. Every role that records or submits
// something may (suppliers upload their certificates); the read-only
// viewer and auditor may not.
func CanUploadFiles(a Actor) bool {
	return a.Role.Valid() && a.Role != RoleViewer && a.Role != RoleAuditor
}

// CanUseUnattachedFile: read, or attach to a record, a file that belongs to
// no record yet. Its uploader may, and so may internal staff; a supplier
// user never reaches another user's upload.
func CanUseUnattachedFile(a Actor, uploadedBy int64) bool {
	return isInternal(a) || a.Role.Valid() && a.UserID != 0 && a.UserID == uploadedBy
}

// CanVoidFiles: void a file (it stays stored and listed, marked void with
// the reason). Quality managers and admins.
func CanVoidFiles(a Actor) bool { return CanApprove(a) }

// CanReadVoidedFiles: open the content of a voided file. Internal staff
// only: a file voided because it was uploaded by mistake is withdrawn from
// suppliers.
func CanReadVoidedFiles(a Actor) bool { return isInternal(a) }
