package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"qms/internal/document"
	"qms/internal/esign"
	"qms/internal/qms"
	"qms/internal/supplier"
)

// Controlled documents (ISO 9001 7.5): documents, their revisions through
// the workflow of package document, named reviewers, the approval
// signature, effective dates, and read-and-understood acknowledgements.
// Every function that changes something applies the workflow rule of
// package document to the transaction's actor and audits the change.

// Audit entity types and actions of documents.
const (
	entityDocument        = "document"
	entityDocRevision     = "document_revision"
	entityAcknowledgement = "document_acknowledgement"
	actionDocSubmit       = "submit"
	actionDocReview       = "review"
	actionDocReturn       = "return"
	actionDocApprove      = "approve"
	actionDocSchedule     = "schedule"
	actionDocEffective    = "effective"
	actionDocSupersede    = "supersede"
	actionDocObsolete     = "obsolete"
	actionDocPeriodic     = "periodic_review"
	actionAcknowledge     = "acknowledge"
	actionAssign          = "assign"
)

const documentColumns = `d.id, d.number, d.title, d.type, d.process_id, COALESCE(p.name, ''), d.owner_id, d.owner_name, d.review_months,
	d.next_review_on, d.ack_roles, d.ack_users, d.ack_days, d.effective_revision_id, d.effective_revision, d.obsoleted_at,
	d.created_at, d.updated_at, d.version`

const documentFrom = ` FROM documents d LEFT JOIN processes p ON p.id = d.process_id`

func scanDocument(sc scanner, d *document.Document) error {
	var roles, users string
	var eff sql.NullInt64
	if err := sc.Scan(&d.ID, &d.Number, &d.Title, &d.Type, &d.ProcessID, &d.ProcessName, &d.OwnerID, &d.OwnerName, &d.ReviewMonths,
		dateDest{&d.NextReviewOn}, &roles, &users, &d.AckDays, &eff, &d.EffectiveRevision, &d.ObsoletedAt,
		&d.CreatedAt, &d.UpdatedAt, &d.Version); err != nil {
		return err
	}
	d.EffectiveRevisionID = eff.Int64
	d.Obsolete = d.ObsoletedAt != nil
	d.AckRoles = nil
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			d.AckRoles = append(d.AckRoles, qms.Role(r))
		}
	}
	d.AckUsers = nil
	if err := json.Unmarshal([]byte(users), &d.AckUsers); err != nil {
		return fmt.Errorf("document %d ack_users: %w", d.ID, err)
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return nil
}

func ackRoles(rs []qms.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func ackUsers(us []int64) string {
	if us == nil {
		us = []int64{}
	}
	b, _ := json.Marshal(us)
	return string(b)
}

// Document returns a document. Returns not found.
func (tx *Tx) Document(id int64) (*document.Document, error) {
	var d document.Document
	if err := scanDocument(tx.QueryRow("SELECT "+documentColumns+documentFrom+" WHERE d.id = ?", id), &d); err != nil {
		return nil, mapError(err, "document")
	}
	return &d, nil
}

// checkDocumentRefs checks that the owner is an enabled internal user and
// the process exists, and returns the owner's name.
func (tx *Tx) checkDocumentRefs(ownerID int64, processID *int64, ackUsers []int64) (string, error) {
	p := qms.Problems{}
	owner, err := tx.User(ownerID)
	switch {
	case qms.ErrorKind(err) == qms.KindNotFound:
		p.Add("owner_id", "is not a user")
	case err != nil:
		return "", err
	case owner.Disabled || owner.Role == qms.RoleSupplier:
		p.Add("owner_id", "must be an active member of the quality staff")
	}
	if processID != nil {
		if _, err := tx.Process(*processID); qms.ErrorKind(err) == qms.KindNotFound {
			p.Add("process_id", "is not a process of the register")
		} else if err != nil {
			return "", err
		}
	}
	if len(ackUsers) > 0 {
		var n int
		args := int64Args(ackUsers)
		if err := tx.QueryRow("SELECT COUNT(*) FROM users WHERE role <> 'supplier' AND id IN ("+placeholders(len(ackUsers))+")", args...).Scan(&n); err != nil {
			return "", err
		}
		if n != len(ackUsers) {
			p.Add("ack_users", "must be users of the quality staff")
		}
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	return owner.Name, nil
}

// CreateDocument creates a document with its first revision, a draft by
// the transaction's actor (document.CanEdit). d and first are validated
// (a document needs an owner; the revision a change description); d.ID,
// first.ID and their fields are set. Returns forbidden, invalid or
// conflict (a taken number).
func (tx *Tx) CreateDocument(d *document.Document, first *document.Revision) error {
	if !document.CanEdit(tx.Actor) {
		return qms.Errorf(qms.KindForbidden, "your role may not write documents")
	}
	err := d.Validate()
	first.Status, first.Revision = document.StatusDraft, 1
	if cerr := first.CheckContent(); cerr != nil {
		err = mergeProblems(err, cerr)
	}
	if err != nil {
		return err
	}
	if d.OwnerName, err = tx.checkDocumentRefs(d.OwnerID, d.ProcessID, d.AckUsers); err != nil {
		return err
	}
	d.ID, err = tx.Insert(`INSERT INTO documents (number, number_key, title, type, process_id, owner_id, owner_name, review_months, ack_roles,
		ack_users, ack_days, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Number, document.NumberKey(d.Number), d.Title, d.Type, d.ProcessID, d.OwnerID, d.OwnerName, d.ReviewMonths, ackRoles(d.AckRoles),
		ackUsers(d.AckUsers), d.AckDays, tx.Now, tx.Now)
	if err != nil {
		return mapError(err, "A document numbered "+d.Number)
	}
	saved, err := tx.Document(d.ID)
	if err != nil {
		return err
	}
	*d = *saved
	if err := tx.Audit(entityDocument, d.ID, qms.ActionCreate, nil, d, ""); err != nil {
		return err
	}
	first.DocumentID = d.ID
	return tx.insertRevision(first)
}

// mergeProblems joins the field messages of two invalid errors.
func mergeProblems(a, b error) error {
	if a == nil {
		return b
	}
	p := qms.Problems{}
	for k, v := range qms.ErrorFields(a) {
		p.Add(k, v)
	}
	for k, v := range qms.ErrorFields(b) {
		p.Add(k, v)
	}
	return p.Err()
}

// UpdateDocument changes a document's title, type, process, owner,
// review period and who acknowledges (the number stays), if it is still
// at version expected. Returns forbidden, invalid, not found or conflict.
func (tx *Tx) UpdateDocument(d *document.Document, expected int64, reason string) error {
	if !document.CanEdit(tx.Actor) {
		return qms.Errorf(qms.KindForbidden, "your role may not change documents")
	}
	before, err := tx.Document(d.ID)
	if err != nil {
		return err
	}
	d.Number = before.Number
	if err := d.Validate(); err != nil {
		return err
	}
	if d.OwnerName, err = tx.checkDocumentRefs(d.OwnerID, d.ProcessID, d.AckUsers); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE documents SET title = ?, type = ?, process_id = ?, owner_id = ?, owner_name = ?, review_months = ?, ack_roles = ?,
		ack_users = ?, ack_days = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		d.Title, d.Type, d.ProcessID, d.OwnerID, d.OwnerName, d.ReviewMonths, ackRoles(d.AckRoles), ackUsers(d.AckUsers), d.AckDays, tx.Now,
		d.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This document"); err != nil {
		return err
	}
	if err := tx.refreshSearch(d.ID); err != nil {
		return err
	}
	after, err := tx.Document(d.ID)
	if err != nil {
		return err
	}
	*d = *after
	return tx.Audit(entityDocument, d.ID, qms.ActionUpdate, before, after, reason)
}

// DocumentFilter selects documents.
type DocumentFilter struct {
	Q         string        // words that begin words of the number, title or text of the revision in force, ignoring case and diacritics
	Type      document.Type // "" for all
	ProcessID int64         // 0 for all
	Obsolete  bool          // include obsolete documents
	Limit     int           // at most MaxPageSize (default 50)
	Offset    int
}

// DocumentRow is a document in a list, with the status of its latest
// revision.
type DocumentRow struct {
	document.Document
	LatestRevision int             `json:"latest_revision"`
	LatestStatus   document.Status `json:"latest_status"`
}

// ListDocuments returns documents by number, matching f, and whether more
// follow.
func (tx *Tx) ListDocuments(f DocumentFilter) ([]DocumentRow, bool, error) {
	var where []string
	var args []any
	for _, t := range document.Terms(supplier.Fold(f.Q)) {
		// Each term of the query begins a term of the document (a prefix
		// search on the index of terms).
		where = append(where, "d.id IN (SELECT document_id FROM document_terms WHERE term >= ? AND term < ?)")
		args = append(args, t, t+"\U0010FFFF")
	}
	if f.Type != "" {
		where, args = append(where, "d.type = ?"), append(args, f.Type)
	}
	if f.ProcessID > 0 {
		where, args = append(where, "d.process_id = ?"), append(args, f.ProcessID)
	}
	if !f.Obsolete {
		where = append(where, "d.obsoleted_at IS NULL")
	}
	// The page of documents first, then its processes and latest
	// revisions: joining those for every match before sorting costs far
	// more when a search matches most documents.
	page := "SELECT * FROM documents d"
	if len(where) > 0 {
		page += " WHERE " + strings.Join(where, " AND ")
	}
	limit := clampLimit(f.Limit)
	q := "SELECT " + documentColumns + `, COALESCE(r.revision, 0), COALESCE(r.status, '') FROM (` + page + ` ORDER BY d.number_key LIMIT ? OFFSET ?) d
		LEFT JOIN processes p ON p.id = d.process_id
		LEFT JOIN document_revisions r ON r.id = (SELECT MAX(id) FROM document_revisions WHERE document_id = d.id)
		ORDER BY d.number_key`
	rows, err := scanAllTx(tx, q, append(args, limit+1, max(f.Offset, 0)), func(sc scanner, r *DocumentRow) error {
		return scanDocumentRow(sc, r)
	})
	if err != nil {
		return nil, false, err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	return rows, more, nil
}

func scanDocumentRow(sc scanner, r *DocumentRow) error {
	return scanDocument(rowWith{sc, []any{&r.LatestRevision, &r.LatestStatus}}, &r.Document)
}

// rowWith scans extra columns after those a scan function reads.
type rowWith struct {
	sc    scanner
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.sc.Scan(append(dest, r.extra...)...) }

// refreshSearch rewrites the terms search reads for a document: those of
// its number, title and the text of the revision in force, or of the
// latest one.
func (tx *Tx) refreshSearch(docID int64) error {
	d, err := tx.Document(docID)
	if err != nil {
		return err
	}
	var body string
	err = tx.QueryRow(`SELECT body FROM document_revisions WHERE document_id = ? ORDER BY CASE WHEN status = 'effective' THEN 0 ELSE 1 END,
		revision DESC LIMIT 1`, docID).Scan(&body)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if _, err := tx.Exec("DELETE FROM document_terms WHERE document_id = ?", docID); err != nil {
		return err
	}
	terms := document.Terms(supplier.Fold(d.Number + "\n" + d.Title + "\n" + body))
	for len(terms) > 0 {
		n := min(len(terms), 250)
		args := make([]any, 0, 2*n)
		for _, t := range terms[:n] {
			args = append(args, t, docID)
		}
		if _, err := tx.Exec("INSERT INTO document_terms (term, document_id) VALUES "+strings.TrimSuffix(strings.Repeat("(?, ?), ", n), ", "), args...); err != nil {
			return err
		}
		terms = terms[n:]
	}
	return nil
}

// ---- Revisions ----

const revisionColumns = `id, document_id, revision, status, change_description, body, file_id, file_name, file_sha256, author_id, author_name,
	submitted_at, approved_at, approved_by_id, approved_by, signature_id, effective_on, withdrawn_at, obsolete_reason, created_at, updated_at, version`

func scanRevision(sc scanner, r *document.Revision) error {
	if err := sc.Scan(&r.ID, &r.DocumentID, &r.Revision, &r.Status, &r.ChangeDescription, &r.Body, &r.FileID, &r.FileName, &r.FileSHA256,
		&r.AuthorID, &r.AuthorName, &r.SubmittedAt, &r.ApprovedAt, &r.ApprovedByID, &r.ApprovedBy, &r.SignatureID, dateDest{&r.EffectiveOn},
		&r.WithdrawnAt, &r.ObsoleteReason, &r.CreatedAt, &r.UpdatedAt, &r.Version); err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	for _, t := range []*time.Time{r.SubmittedAt, r.ApprovedAt, r.WithdrawnAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
	return nil
}

// Revision returns a revision with its reviewers. Returns not found.
func (tx *Tx) Revision(id int64) (*document.Revision, error) {
	var r document.Revision
	if err := scanRevision(tx.QueryRow("SELECT "+revisionColumns+" FROM document_revisions WHERE id = ?", id), &r); err != nil {
		return nil, mapError(err, "revision")
	}
	var err error
	r.Reviewers, err = tx.reviewers(id)
	return &r, err
}

func (tx *Tx) reviewers(revID int64) ([]document.Reviewer, error) {
	return scanAllTx(tx, `SELECT user_id, name, decision, comment, reviewed_at FROM document_reviewers WHERE revision_id = ? ORDER BY name, user_id`,
		[]any{revID}, func(sc scanner, v *document.Reviewer) error {
			err := sc.Scan(&v.UserID, &v.Name, &v.Decision, &v.Comment, &v.ReviewedAt)
			if v.ReviewedAt != nil {
				*v.ReviewedAt = v.ReviewedAt.UTC()
			}
			return err
		})
}

// Revisions returns every revision of a document, newest first, with
// their reviewers.
func (tx *Tx) Revisions(docID int64) ([]document.Revision, error) {
	revs, err := scanAllTx(tx, "SELECT "+revisionColumns+" FROM document_revisions WHERE document_id = ? ORDER BY revision DESC",
		[]any{docID}, scanRevision)
	if err != nil {
		return nil, err
	}
	for i := range revs {
		if revs[i].Reviewers, err = tx.reviewers(revs[i].ID); err != nil {
			return nil, err
		}
	}
	return revs, nil
}

func (tx *Tx) insertRevision(r *document.Revision) error {
	r.AuthorID, r.AuthorName = tx.Actor.UserID, tx.Actor.Name
	r.Status = document.StatusDraft
	if err := tx.revisionFile(r); err != nil {
		return err
	}
	var err error
	r.ID, err = tx.Insert(`INSERT INTO document_revisions (document_id, revision, status, change_description, body, file_id, file_name, file_sha256,
		author_id, author_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.DocumentID, r.Revision, r.Status, r.ChangeDescription, r.Body, r.FileID, r.FileName, r.FileSHA256, r.AuthorID, r.AuthorName, tx.Now, tx.Now)
	if err != nil {
		return mapError(err, "This revision")
	}
	if err := tx.attachRevisionFile(r); err != nil {
		return err
	}
	if err := tx.refreshSearch(r.DocumentID); err != nil {
		return err
	}
	saved, err := tx.Revision(r.ID)
	if err != nil {
		return err
	}
	*r = *saved
	return tx.Audit(entityDocRevision, r.ID, qms.ActionCreate, nil, r, "")
}

// revisionFile fills in the name and hash of the revision's file.
func (tx *Tx) revisionFile(r *document.Revision) error {
	r.FileName, r.FileSHA256 = "", ""
	if r.FileID == nil {
		return nil
	}
	f, err := tx.File(*r.FileID)
	if qms.ErrorKind(err) == qms.KindNotFound {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid", Fields: map[string]string{"file_id": "is not a stored file"}}
	}
	if err != nil {
		return err
	}
	if f.VoidedAt != nil || f.Attached() && !(f.OwnerType == entityDocRevision && f.OwnerID == r.ID) {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid",
			Fields: map[string]string{"file_id": "belongs to another record or was voided: upload the file again"}}
	}
	r.FileName, r.FileSHA256 = f.Name, f.SHA256
	return nil
}

func (tx *Tx) attachRevisionFile(r *document.Revision) error {
	if r.FileID == nil {
		return nil
	}
	f, err := tx.File(*r.FileID)
	if err != nil || f.Attached() {
		return err
	}
	_, err = tx.AttachFile(f.ID, entityDocRevision, r.ID)
	return err
}

// CreateRevision starts the next revision of a document as a draft by the
// transaction's actor, with the text of the latest revision to edit
// unless r holds text or a file. One revision at a time is in progress:
// while a draft, a revision in review or an approved one waiting for its
// effective date exists, it returns conflict. Returns forbidden, invalid,
// not found or conflict.
func (tx *Tx) CreateRevision(docID int64, r *document.Revision) error {
	if !document.CanEdit(tx.Actor) {
		return qms.Errorf(qms.KindForbidden, "your role may not write documents")
	}
	d, err := tx.Document(docID)
	if err != nil {
		return err
	}
	if d.Obsolete {
		return qms.Errorf(qms.KindConflict, "document %s is obsolete: it takes no new revisions", d.Number)
	}
	revs, err := tx.Revisions(docID)
	if err != nil {
		return err
	}
	for _, o := range revs {
		switch o.Status {
		case document.StatusDraft, document.StatusInReview, document.StatusApproved:
			return qms.Errorf(qms.KindConflict, "revision %d of %s is %s: finish or withdraw it before starting another",
				o.Revision, d.Number, strings.ToLower(o.Status.Label()))
		}
	}
	if r.Body == "" && r.FileID == nil && len(revs) > 0 && revs[0].FileID == nil {
		r.Body = revs[0].Body
	}
	if err := r.CheckContent(); err != nil {
		return err
	}
	r.DocumentID, r.Revision = docID, 1
	if len(revs) > 0 {
		r.Revision = revs[0].Revision + 1
	}
	return tx.insertRevision(r)
}

// UpdateRevision changes the text, file and change description of a
// draft, if it is still at version expected. Returns forbidden, invalid,
// not found or conflict.
func (tx *Tx) UpdateRevision(r *document.Revision, expected int64) error {
	before, err := tx.Revision(r.ID)
	if err != nil {
		return err
	}
	if err := document.CheckEdit(tx.Actor, before); err != nil {
		return err
	}
	if err := r.CheckContent(); err != nil {
		return err
	}
	if err := tx.revisionFile(r); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE document_revisions SET change_description = ?, body = ?, file_id = ?, file_name = ?, file_sha256 = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`, r.ChangeDescription, r.Body, r.FileID, r.FileName, r.FileSHA256, tx.Now, r.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This revision"); err != nil {
		return err
	}
	if err := tx.attachRevisionFile(r); err != nil {
		return err
	}
	if err := tx.refreshSearch(before.DocumentID); err != nil {
		return err
	}
	return tx.revisionChanged(r, before, qms.ActionUpdate, "")
}

// revisionChanged reads the revision back into r and audits the change.
func (tx *Tx) revisionChanged(r *document.Revision, before *document.Revision, action, reason string) error {
	after, err := tx.Revision(before.ID)
	if err != nil {
		return err
	}
	*r = *after
	return tx.Audit(entityDocRevision, after.ID, action, before, after, reason)
}

// setStatus moves revision id from version expected to status with the
// extra assignments set (", col = ?" pairs with args).
func (tx *Tx) setRevisionStatus(id, expected int64, to document.Status, set string, args ...any) error {
	q := "UPDATE document_revisions SET status = ?, updated_at = ?, version = version + 1" + set + " WHERE id = ? AND version = ?"
	res, err := tx.Exec(q, append(append([]any{to, tx.Now}, args...), id, expected)...)
	if err != nil {
		return err
	}
	return CheckVersion(res, "This revision")
}

// SubmitRevision sends a draft for review by the named reviewers (users
// of the quality staff, never its author). Returns forbidden, invalid,
// not found or conflict.
func (tx *Tx) SubmitRevision(id, expected int64, reviewerIDs []int64) (*document.Revision, error) {
	before, err := tx.Revision(id)
	if err != nil {
		return nil, err
	}
	if err := document.CheckReviewers(before.AuthorID, reviewerIDs); err != nil {
		return nil, err
	}
	r := *before
	r.Reviewers = nil
	for _, uid := range reviewerIDs {
		u, err := tx.User(uid)
		if qms.ErrorKind(err) == qms.KindNotFound || err == nil && (u.Disabled || u.Role == qms.RoleSupplier) {
			return nil, &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid",
				Fields: map[string]string{"reviewers": "must be active users of the quality staff"}}
		}
		if err != nil {
			return nil, err
		}
		r.Reviewers = append(r.Reviewers, document.Reviewer{UserID: u.ID, Name: u.Name, Decision: document.ReviewPending})
	}
	if err := document.CheckSubmit(tx.Actor, &r); err != nil {
		return nil, err
	}
	if _, err := tx.Exec("DELETE FROM document_reviewers WHERE revision_id = ?", id); err != nil {
		return nil, err
	}
	for _, rv := range r.Reviewers {
		if _, err := tx.Exec("INSERT INTO document_reviewers (revision_id, user_id, name, decision) VALUES (?, ?, ?, ?)",
			id, rv.UserID, rv.Name, rv.Decision); err != nil {
			return nil, err
		}
	}
	if err := tx.setRevisionStatus(id, expected, document.StatusInReview, ", submitted_at = ?", tx.Now); err != nil {
		return nil, err
	}
	return &r, tx.revisionChanged(&r, before, actionDocSubmit, "")
}

// RecordReview records the review of the transaction's actor, a named
// reviewer of a revision in review: agrees, or asks for changes (with a
// comment). Returns forbidden, invalid, not found or conflict.
func (tx *Tx) RecordReview(id int64, d document.ReviewDecision, comment string) (*document.Revision, error) {
	before, err := tx.Revision(id)
	if err != nil {
		return nil, err
	}
	comment = strings.TrimSpace(comment)
	if err := document.CheckReview(tx.Actor, before, d, comment); err != nil {
		return nil, err
	}
	if _, err := tx.Exec("UPDATE document_reviewers SET decision = ?, comment = ?, reviewed_at = ? WHERE revision_id = ? AND user_id = ?",
		d, comment, tx.Now, id, tx.Actor.UserID); err != nil {
		return nil, err
	}
	if _, err := tx.Exec("UPDATE document_revisions SET updated_at = ?, version = version + 1 WHERE id = ?", tx.Now, id); err != nil {
		return nil, err
	}
	var r document.Revision
	return &r, tx.revisionChanged(&r, before, actionDocReview, comment)
}

// ReturnRevision sends a revision in review back to draft, with a reason;
// the reviews recorded are cleared. Returns forbidden, not found or
// conflict.
func (tx *Tx) ReturnRevision(id, expected int64, reason string) (*document.Revision, error) {
	before, err := tx.Revision(id)
	if err != nil {
		return nil, err
	}
	if err := document.CheckReturn(tx.Actor, before); err != nil {
		return nil, err
	}
	if _, err := tx.Exec("UPDATE document_reviewers SET decision = 'pending', comment = '', reviewed_at = NULL WHERE revision_id = ?", id); err != nil {
		return nil, err
	}
	if err := tx.setRevisionStatus(id, expected, document.StatusDraft, ", submitted_at = NULL"); err != nil {
		return nil, err
	}
	var r document.Revision
	return &r, tx.revisionChanged(&r, before, actionDocReturn, strings.TrimSpace(reason))
}

// ApproveRevision approves a reviewed revision with the electronic
// signature of the transaction's actor (meaning approved) over its
// canonical content (document.ApprovalContent). The actor is a quality
// manager who is not the author, re-authenticated by the caller. Returns
// forbidden, invalid, not found or conflict.
func (tx *Tx) ApproveRevision(id, expected int64, comment string) (*document.Revision, error) {
	before, err := tx.Revision(id)
	if err != nil {
		return nil, err
	}
	if err := document.CheckApprove(tx.Actor, before); err != nil {
		return nil, err
	}
	d, err := tx.Document(before.DocumentID)
	if err != nil {
		return nil, err
	}
	sig, err := tx.sign(esign.Request{RecordType: esign.DocumentApproval, EntityID: id, Meaning: esign.MeaningApproved, Comment: comment},
		document.ApprovalContent(d, before))
	if err != nil {
		return nil, err
	}
	if err := tx.setRevisionStatus(id, expected, document.StatusApproved, ", approved_at = ?, approved_by_id = ?, approved_by = ?, signature_id = ?",
		tx.Now, tx.Actor.UserID, tx.Actor.Name, sig.ID); err != nil {
		return nil, err
	}
	var r document.Revision
	return &r, tx.revisionChanged(&r, before, actionDocApprove, comment)
}

// documentApprovalContent is the current canonical content of an approved
// revision, for checking its signature.
func (tx *Tx) documentApprovalContent(revID int64) (any, error) {
	r, err := tx.Revision(revID)
	if err != nil {
		return nil, err
	}
	d, err := tx.Document(r.DocumentID)
	if err != nil {
		return nil, err
	}
	return document.ApprovalContent(d, r), nil
}

// MakeEffective makes an approved revision effective from date on (not
// before its approval): at once when on is today or earlier, else on that
// day (PromoteScheduled). Returns forbidden, invalid, not found or
// conflict.
func (tx *Tx) MakeEffective(id, expected int64, on qms.Date) (*document.Revision, error) {
	before, err := tx.Revision(id)
	if err != nil {
		return nil, err
	}
	action, err := document.CheckEffective(tx.Actor, before, on, tx.today())
	if err != nil {
		return nil, err
	}
	if err := tx.setRevisionStatus(id, expected, document.StatusApproved, ", effective_on = ?", dateValue(on)); err != nil {
		return nil, err
	}
	var r document.Revision
	if err := tx.revisionChanged(&r, before, actionDocSchedule, ""); err != nil {
		return nil, err
	}
	if action == document.ActionEffective {
		return tx.putInForce(&r)
	}
	return &r, nil
}

// putInForce makes approved revision r effective now: the revision in
// force so far is superseded, the document's next periodic review is set,
// and the acknowledgements of the people it names are assigned.
func (tx *Tx) putInForce(r *document.Revision) (*document.Revision, error) {
	d, err := tx.Document(r.DocumentID)
	if err != nil {
		return nil, err
	}
	if d.EffectiveRevisionID != 0 {
		old, err := tx.Revision(d.EffectiveRevisionID)
		if err != nil {
			return nil, err
		}
		if err := tx.setRevisionStatus(old.ID, old.Version, document.StatusSuperseded, ", withdrawn_at = ?", tx.Now); err != nil {
			return nil, err
		}
		var o document.Revision
		if err := tx.revisionChanged(&o, old, actionDocSupersede, fmt.Sprintf("revision %d became effective", r.Revision)); err != nil {
			return nil, err
		}
	}
	before := *r
	if err := tx.setRevisionStatus(r.ID, r.Version, document.StatusEffective, ""); err != nil {
		return nil, err
	}
	if err := tx.revisionChanged(r, &before, actionDocEffective, ""); err != nil {
		return nil, err
	}
	from := r.EffectiveOn
	if from.After(tx.today()) || from.IsZero() {
		from = tx.today()
	}
	if _, err := tx.Exec(`UPDATE documents SET effective_revision_id = ?, effective_revision = ?, next_review_on = ?, updated_at = ?,
		version = version + 1 WHERE id = ?`, r.ID, r.Revision, dateValue(document.NextReview(from, d.ReviewMonths)), tx.Now, d.ID); err != nil {
		return nil, err
	}
	after, err := tx.Document(d.ID)
	if err != nil {
		return nil, err
	}
	if err := tx.Audit(entityDocument, d.ID, actionDocEffective, d, after, ""); err != nil {
		return nil, err
	}
	if err := tx.refreshSearch(d.ID); err != nil {
		return nil, err
	}
	if _, err := tx.assignAcknowledgements(after, r); err != nil {
		return nil, err
	}
	return r, nil
}

// assignAcknowledgements assigns revision r to every enabled user the
// document names (by role or by user), due AckDays from today, and
// returns them.
func (tx *Tx) assignAcknowledgements(d *document.Document, r *document.Revision) ([]document.Acknowledgement, error) {
	users, err := tx.NotifyRecipients(d.AckUsers, d.AckRoles)
	if err != nil {
		return nil, err
	}
	due := tx.today().AddDate(0, 0, d.AckDays)
	var out []document.Acknowledgement
	for _, u := range users {
		if u.Role == qms.RoleSupplier {
			continue
		}
		a := document.Acknowledgement{DocumentID: d.ID, DocumentNumber: d.Number, DocumentTitle: d.Title, RevisionID: r.ID, Revision: r.Revision,
			UserID: u.ID, UserName: u.Name, DueOn: due, CreatedAt: tx.Now}
		if a.ID, err = tx.Insert(`INSERT INTO document_acknowledgements (document_id, revision_id, user_id, user_name, due_on, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.DocumentID, a.RevisionID, a.UserID, a.UserName, dateValue(a.DueOn), tx.Now); err != nil {
			return nil, err
		}
		if err := tx.Audit(entityAcknowledgement, a.ID, actionAssign, nil, a, ""); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// PromoteScheduled makes effective every approved revision whose
// effective date has come (the daily job; the actor is qms.System), and
// returns them.
func (tx *Tx) PromoteScheduled() ([]document.Revision, error) {
	ids, err := scanAllTx(tx, "SELECT id FROM document_revisions WHERE status = 'approved' AND effective_on <= ? ORDER BY effective_on, id",
		[]any{dateValue(tx.today())}, func(sc scanner, id *int64) error { return sc.Scan(id) })
	if err != nil {
		return nil, err
	}
	var out []document.Revision
	for _, id := range ids {
		r, err := tx.Revision(id)
		if err != nil {
			return nil, err
		}
		if r, err = tx.putInForce(r); err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

// ObsoleteRevision withdraws an approved or effective revision with a
// reason. Withdrawing the revision in force makes the document obsolete.
// Returns forbidden, invalid, not found or conflict.
func (tx *Tx) ObsoleteRevision(id, expected int64, reason string) (*document.Revision, error) {
	before, err := tx.Revision(id)
	if err != nil {
		return nil, err
	}
	if err := document.CheckObsolete(tx.Actor, before, reason); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if err := tx.setRevisionStatus(id, expected, document.StatusObsolete, ", withdrawn_at = ?, obsolete_reason = ?", tx.Now, reason); err != nil {
		return nil, err
	}
	var r document.Revision
	if err := tx.revisionChanged(&r, before, actionDocObsolete, reason); err != nil {
		return nil, err
	}
	if before.Status == document.StatusEffective {
		d, err := tx.Document(r.DocumentID)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`UPDATE documents SET effective_revision_id = NULL, obsoleted_at = ?, next_review_on = NULL, updated_at = ?,
			version = version + 1 WHERE id = ?`, tx.Now, tx.Now, d.ID); err != nil {
			return nil, err
		}
		after, err := tx.Document(d.ID)
		if err != nil {
			return nil, err
		}
		if err := tx.Audit(entityDocument, d.ID, actionDocObsolete, d, after, reason); err != nil {
			return nil, err
		}
	}
	return &r, nil
}

// RecordPeriodicReview records that a document's owner or a quality
// manager reviewed it and found it still suitable: the next review date
// moves on by its review period. Returns forbidden, not found or conflict.
func (tx *Tx) RecordPeriodicReview(docID, expected int64, note string) (*document.Document, error) {
	d, err := tx.Document(docID)
	if err != nil {
		return nil, err
	}
	if !document.CanApprove(tx.Actor) && tx.Actor.UserID != d.OwnerID {
		return nil, qms.Errorf(qms.KindForbidden, "only the document's owner or a quality manager can record its periodic review")
	}
	if d.EffectiveRevisionID == 0 {
		return nil, qms.Errorf(qms.KindConflict, "document %s has no revision in force to review", d.Number)
	}
	res, err := tx.Exec("UPDATE documents SET next_review_on = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		dateValue(document.NextReview(tx.today(), d.ReviewMonths)), tx.Now, docID, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This document"); err != nil {
		return nil, err
	}
	after, err := tx.Document(docID)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityDocument, docID, actionDocPeriodic, d, after, strings.TrimSpace(note))
}

// DocumentsPastReview returns the documents in force whose periodic
// review date is before today, the most overdue first: a gap for the
// clause evidence map.
func (tx *Tx) DocumentsPastReview(today qms.Date) ([]document.Document, error) {
	return scanAllTx(tx, "SELECT "+documentColumns+documentFrom+` WHERE d.obsoleted_at IS NULL AND d.effective_revision_id IS NOT NULL
		AND d.next_review_on < ? ORDER BY d.next_review_on, d.number_key`, []any{dateValue(today)}, scanDocument)
}

// DocumentsReviewDue returns the documents in force whose periodic review
// falls on or before day by.
func (tx *Tx) DocumentsReviewDue(by qms.Date) ([]document.Document, error) {
	return scanAllTx(tx, "SELECT "+documentColumns+documentFrom+` WHERE d.obsoleted_at IS NULL AND d.effective_revision_id IS NOT NULL
		AND d.next_review_on <= ? ORDER BY d.next_review_on, d.number_key`, []any{dateValue(by)}, scanDocument)
}

// ---- Acknowledgements ----

const ackColumns = `a.id, a.document_id, d.number, d.title, a.revision_id, r.revision, a.user_id, a.user_name, a.due_on, a.acknowledged_at, a.created_at`

const ackFrom = ` FROM document_acknowledgements a JOIN documents d ON d.id = a.document_id JOIN document_revisions r ON r.id = a.revision_id`

func scanAck(sc scanner, a *document.Acknowledgement) error {
	if err := sc.Scan(&a.ID, &a.DocumentID, &a.DocumentNumber, &a.DocumentTitle, &a.RevisionID, &a.Revision, &a.UserID, &a.UserName,
		dateDest{&a.DueOn}, &a.AcknowledgedAt, &a.CreatedAt); err != nil {
		return err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	if a.AcknowledgedAt != nil {
		*a.AcknowledgedAt = a.AcknowledgedAt.UTC()
	}
	return nil
}

// AckFilter selects acknowledgements.
type AckFilter struct {
	UserID     int64    // 0 for everyone
	DocumentID int64    // 0 for every document
	RevisionID int64    // 0 for every revision
	Open       bool     // only those not acknowledged yet
	OverdueOn  qms.Date // only those open and due before this day
	Limit      int      // at most MaxPageSize (default 50)
}

// Acknowledgements returns acknowledgements matching f, those due first.
func (tx *Tx) Acknowledgements(f AckFilter) ([]document.Acknowledgement, error) {
	var where []string
	var args []any
	if f.UserID > 0 {
		where, args = append(where, "a.user_id = ?"), append(args, f.UserID)
	}
	if f.DocumentID > 0 {
		where, args = append(where, "a.document_id = ?"), append(args, f.DocumentID)
	}
	if f.RevisionID > 0 {
		where, args = append(where, "a.revision_id = ?"), append(args, f.RevisionID)
	}
	if f.Open || !f.OverdueOn.IsZero() {
		where = append(where, "a.acknowledged_at IS NULL")
	}
	if !f.OverdueOn.IsZero() {
		where, args = append(where, "a.due_on < ?"), append(args, dateValue(f.OverdueOn))
	}
	q := "SELECT " + ackColumns + ackFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY CASE WHEN a.acknowledged_at IS NULL THEN 0 ELSE 1 END, a.due_on, a.id LIMIT ?"
	return scanAllTx(tx, q, append(args, clampLimit(f.Limit)), scanAck)
}

// OverdueAcknowledgements returns every acknowledgement still open after
// its due date on day today, the most overdue first: the overdue
// training records, a gap for the clause evidence map.
func (tx *Tx) OverdueAcknowledgements(today qms.Date) ([]document.Acknowledgement, error) {
	return scanAllTx(tx, "SELECT "+ackColumns+ackFrom+" WHERE a.acknowledged_at IS NULL AND a.due_on < ? ORDER BY a.due_on, a.id",
		[]any{dateValue(today)}, scanAck)
}

// Acknowledge records that the transaction's actor read and understood
// the revision of acknowledgement id, assigned to them. Returns not found
// (not theirs) or conflict (already acknowledged, or the revision is no
// longer in force).
func (tx *Tx) Acknowledge(id int64) (*document.Acknowledgement, error) {
	var a document.Acknowledgement
	if err := scanAck(tx.QueryRow("SELECT "+ackColumns+ackFrom+" WHERE a.id = ?", id), &a); err != nil {
		return nil, mapError(err, "acknowledgement")
	}
	if a.UserID != tx.Actor.UserID || tx.Actor.UserID <= 0 {
		return nil, qms.Errorf(qms.KindNotFound, "acknowledgement not found")
	}
	if a.AcknowledgedAt != nil {
		return nil, qms.Errorf(qms.KindConflict, "you acknowledged revision %d of %s already", a.Revision, a.DocumentNumber)
	}
	r, err := tx.Revision(a.RevisionID)
	if err != nil {
		return nil, err
	}
	if r.Status != document.StatusEffective {
		return nil, qms.Errorf(qms.KindConflict, "revision %d of %s is %s: acknowledge the revision in force instead",
			a.Revision, a.DocumentNumber, strings.ToLower(r.Status.Label()))
	}
	before := a
	if _, err := tx.Exec("UPDATE document_acknowledgements SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL", tx.Now, id); err != nil {
		return nil, err
	}
	now := tx.Now.UTC()
	a.AcknowledgedAt = &now
	return &a, tx.Audit(entityAcknowledgement, id, actionAcknowledge, before, a, "")
}
