// Package qaudit holds the domain of quality audits: the yearly audit
// programme (ISO 19011 §5) with its frequency by risk, internal audits
// (ISO 9001 9.2), supplier audits (8.4) and process or product audits with
// their scope, criteria, lead auditor, team and auditee, the independence
// rule (nobody audits their own process), the status machine (planned ->
// in progress -> completed with the report issued -> closed once every
// finding is closed, or cancelled with a reason), checklist templates (the
// shipped ISO 9001:2015, ISO 13485:2016 and factory technical audit
// checklists, embedded, and users' own copies), the answers to their
// questions with the finding grades of ISO/IEC 17021-1 (conform, minor or
// major nonconformity, observation, opportunity for improvement), the
// score, and the findings that follow up nonconformities (with due dates
// and links to NCRs and CAPAs).
//
// The package is pure: it performs no I/O (the templates are embedded) and
// imports only the standard library and qms. It must not import
// database/sql or net/http.
package qaudit
