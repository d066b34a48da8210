package qms

// Permission rules: one function per rule, each a pure predicate over the
// actor (and the record, where the rule depends on it). Handlers and commands
// call these and never test roles themselves.

// isInternal reports whether a is a member of the buyer's own staff.
func isInternal(a Actor) bool { return a.Role.Valid() && a.Role != RoleSupplier }

// CanManageUsers: create, change, disable users and reset their passwords.
func CanManageUsers(a Actor) bool { return a.Role == RoleAdmin }

// CanListUsers: see the list of user accounts.
func CanListUsers(a Actor) bool { return a.Role == RoleAdmin || a.Role == RoleAuditor }

// CanViewAuditLog: read the audit trail of all records.
func CanViewAuditLog(a Actor) bool {
	return a.Role == RoleAdmin || a.Role == RoleQualityManager || a.Role == RoleAuditor
}

// CanManageTokens: create and revoke API tokens for the given user. Every
// role but the read-only auditor manages its own tokens (a supplier user's
// token reaches only what the supplier user may see); an admin manages
// everyone's.
func CanManageTokens(a Actor, ownerID int64) bool {
	if a.Role == RoleAdmin {
		return true
	}
	return a.UserID == ownerID && a.Role.Valid() && a.Role != RoleAuditor
}

// CanViewInternal: see the buyer's internal pages (dashboard, lists of all
// suppliers' records). Suppliers see only their portal.
func CanViewInternal(a Actor) bool { return isInternal(a) }

// CanEditQualityRecords: create and change quality records (specs,
// inspections, NCRs ...). Read-only roles and suppliers may not.
func CanEditQualityRecords(a Actor) bool {
	return a.Role == RoleAdmin || a.Role == RoleQualityManager || a.Role == RoleInspector
}

// CanApprove: approve, release and disposition (quality manager duties).
func CanApprove(a Actor) bool { return a.Role == RoleAdmin || a.Role == RoleQualityManager }

// CanManageQMS: set quality objectives, record management reviews and their actions, handle complaints (quality managers).
func CanManageQMS(a Actor) bool { return a.Role == RoleAdmin || a.Role == RoleQualityManager }

// CanManageSettings: change the configuration of the modules (certificate
// rules and thresholds, accreditation bodies, product categories,
// certificate requirements).
func CanManageSettings(a Actor) bool { return a.Role == RoleAdmin }

// CanSeeSupplier: see the records of the supplier with the given id. Internal
// staff see every supplier; a supplier user sees only its own.
func CanSeeSupplier(a Actor, supplierID int64) bool {
	if a.Role == RoleSupplier {
		return a.SupplierID != nil && *a.SupplierID == supplierID
	}
	return isInternal(a)
}

// CanSeeCorrectiveActions: see CAPAs (internal staff, all of them) or
// corrective action requests (a supplier user with a supplier, its own).
func CanSeeCorrectiveActions(a Actor) bool {
	return isInternal(a) || a.Role == RoleSupplier && a.SupplierID != nil
}
