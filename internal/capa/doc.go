// Package capa holds the domain of corrective and preventive actions (ISO
// 9001 10.2) in the 8D form: D0 emergency response, D1 team, D2 problem
// description, D3 interim containment with verification, D4 root cause for
// occurrence and for non-detection (5 Whys chains and an Ishikawa diagram
// with the 6M categories, as data) with its verification, D5 permanent
// actions, D6 implementation with evidence, D7 prevention of recurrence
// (links to the specs, documents and inspection plans changed) and D8
// closure. Each stage has a due date from configurable defaults, a state
// (open, submitted, accepted, returned) and a review by the buyer; a
// supplier corrective action request (SCAR) is a CAPA addressed to a
// supplier whose users answer D3 to D7, and the buyer's internal notes are
// kept apart from what the supplier sees.
//
// Effectiveness is proven by data: a CAPA states a Criterion (defect code,
// class or any defect at a supplier, optionally on one product: at most k
// defective units per N inspected over the next m inspections or d days),
// and Evaluate judges it over the series of lot results (pass, fail, or
// not enough data yet, with the evidence). A CAPA closes once its
// criterion passes, or when a quality manager overrides it with a signed
// reason.
//
// The package is pure: it performs no I/O and imports only the standard
// library, qms and inspection. It must not import database/sql or
// net/http.
package capa
