package qaudit

import "qms/internal/qms"

// Permission rules of audits. Quality managers (and administrators) plan
// and manage the programme, audits, templates and findings; the lead
// auditor and the team (auditors, inspectors, quality managers) conduct
// their audit. Supplier users never see internal audits; a supplier user
// sees its own supplier's supplier audits once their report is issued
// (completed or closed), to answer the findings.

// CanManage: plan the programme and audits, edit templates, raise NCRs and
// CAPAs from findings and close findings.
func CanManage(a qms.Actor) bool { return qms.CanApprove(a) }

// CanBeAuditor reports whether a user of role r may lead or join an audit
// team: the buyer's quality staff and auditors, never a supplier user or a
// read-only viewer.
func CanBeAuditor(r qms.Role) bool {
	return r == qms.RoleAdmin || r == qms.RoleQualityManager || r == qms.RoleAuditor || r == qms.RoleInspector
}

// CanConduct: start the audit, answer its questions, attach photos and
// issue the report. The team conducts its audit; managers any audit.
func CanConduct(a qms.Actor, au *QualityAudit) bool {
	return CanManage(a) || (CanBeAuditor(a.Role) && au.OnTeam(a.UserID))
}

// CanSee: see the audit, its answers and findings. Internal staff see
// every audit; a supplier user sees only its supplier's issued supplier
// audits.
func CanSee(a qms.Actor, au *QualityAudit) bool {
	if a.Role == qms.RoleSupplier {
		return au.Type == TypeSupplier && au.Status.Done() && qms.CanSeeSupplier(a, au.SupplierID)
	}
	return qms.CanViewInternal(a)
}

// CanSeeProgramme: see the audit programme and the list of audits.
func CanSeeProgramme(a qms.Actor) bool { return qms.CanViewInternal(a) }

// NotFound is the error for an audit the actor may not see (or that does
// not exist): the same either way.
func NotFound(id int64) error { return qms.Errorf(qms.KindNotFound, "Audit %s not found", Number(id)) }

// Forbidden is the error for something the actor's role may not do.
func Forbidden(what string) error {
	return qms.Errorf(qms.KindForbidden, "Your role may not %s", what)
}
