package document

import (
	"crypto/sha256"
	"encoding/hex"
)

// approval is what an approval signature of a revision covers.
type approval struct {
	DocumentID        int64  `json:"document_id"`
	Number            string `json:"number"`
	Title             string `json:"title"`
	Type              Type   `json:"type"`
	Revision          int    `json:"revision"`
	RevisionID        int64  `json:"revision_id"`
	ChangeDescription string `json:"change_description"`
	AuthorID          int64  `json:"author_id"`
	BodySHA256        string `json:"body_sha256"`
	FileSHA256        string `json:"file_sha256"`
}

// ApprovalContent is the canonical content an approval signature of
// revision r of document d vouches for (esign.Hash of it): the document's
// number, title and type, the revision, its change description and author,
// and the SHA-256 of its text and of its file. Status, dates and the
// signature itself are not part of it; changing the text or the file after
// approval makes the signature stop matching.
func ApprovalContent(d *Document, r *Revision) any {
	sum := sha256.Sum256([]byte(r.Body))
	return approval{DocumentID: d.ID, Number: d.Number, Title: d.Title, Type: d.Type, Revision: r.Revision, RevisionID: r.ID,
		ChangeDescription: r.ChangeDescription, AuthorID: r.AuthorID, BodySHA256: hex.EncodeToString(sum[:]), FileSHA256: r.FileSHA256}
}
