// Package qms holds the domain of the quality management system: its nouns
// (users, roles, audit events), their validation, the permission rules and the
// error kinds shared by every surface. It performs no I/O and imports neither
// database/sql nor net/http.
package qms
