// Package inspection holds the product-quality domain of qms: products and
// their spec sheets under revision control (characteristics, on-site tests,
// packing and marking requirements), the defect library per product
// category, inspection plans, inspections of every kind (incoming,
// pre-production, in-process, pre-shipment, container loading, first
// article) with their sampling snapshot, the recording of sample units
// (append-only entries with client idempotency keys), the verdict per defect
// class and overall, the decision after the report, the first-article gate,
// the switching streams per supplier x product x class, and the lot results
// that rejection rates and scorecards read.
//
// Sampling plans and switching rules come from package sampling and are
// never re-implemented here. Every rule is a pure function of its arguments
// (today's date and the actor are arguments too): the package performs no
// I/O and imports only the standard library, qms, sampling and supplier. It
// must not import database/sql or net/http.
package inspection
