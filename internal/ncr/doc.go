// Package ncr holds the domain of nonconformance reports (ISO 9001 8.7):
// the NCR with its source and links (supplier, site, product, spec
// revision, PO and lot, inspection, complaint), requirement versus what was
// found, the defects, containment actions with owners and due dates, the
// disposition split by quantity (use as is, rework, repair, regrade, scrap,
// return to supplier, sort) with the Material Review Board's two-person
// approval, the cost of poor quality in integer minor units, and the state
// machine open -> contained -> dispositioned -> verified -> closed, or
// voided with a reason.
//
// It also says whether a lot whose inspection raised an NCR may be
// released (CheckLotRelease) and seeds an NCR from a failed inspection
// (FromInspection).
//
// Every rule is a pure function of its arguments (the actor and today's
// date are arguments too): the package performs no I/O and imports only
// the standard library, qms and inspection. It must not import
// database/sql or net/http.
package ncr
