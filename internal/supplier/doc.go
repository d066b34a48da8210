// Package supplier holds the supplier-management domain of qms: suppliers
// (legal entities) and their factory sites, the supplier status lifecycle,
// certificates and test reports with their verification records, the
// derived certificate status and red flags, product categories, the
// certificate requirements per category or market, overrides, and the
// approval gate that approval, inspection booking and shipment release ask.
//
// Every rule here is a pure function of its arguments (today's date is an
// argument too): the package performs no I/O and imports only the standard
// library and qms. It must not import database/sql or net/http.
package supplier
