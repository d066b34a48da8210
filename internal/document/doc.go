// Package document holds controlled documents under ISO 9001:2015 clause
// 7.5 (documented information): documents (quality manual, procedures,
// work instructions, forms, record templates, external documents,
// policies) with their revisions, the revision workflow (draft, in review
// with named reviewers, approved with an electronic signature, effective
// from a date, superseded or obsolete), read-and-understood
// acknowledgements (training records, clause 7.2), the canonical content
// an approval signs, a line diff between Markdown revisions and a safe
// rendering of their Markdown.
//
// The package is pure: it imports the standard library and qms only. It
// must not import database/sql or net/http.
package document
