package web

import (
	"time"

	"qms/internal/document"
	"qms/internal/documentops"
	"qms/internal/esign"
	"qms/internal/process"
	"qms/internal/qms"
	"qms/internal/store"
)

// documentSamplePages are the document, process and risk pages with sample
// data for TestTemplatesRender (names with markup, to check escaping).
func documentSamplePages() []page {
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	today := qms.NewDate(2026, 11, 2)
	pid := int64(4)
	fid := int64(9)
	sid := int64(12)
	d := &document.Document{ID: 1, Number: "SOP-001", Title: "Control of documents <script>alert(1)</script>", Type: document.TypeProcedure,
		ProcessID: &pid, ProcessName: "Document control", OwnerID: 1, OwnerName: "Ada <b>Admin</b>", ReviewMonths: 12, NextReviewOn: today.AddDate(0, -1, 0),
		AckRoles: []qms.Role{qms.RoleInspector}, AckDays: 14, EffectiveRevisionID: 2, EffectiveRevision: 2, Version: 3}
	revs := []document.Revision{
		{ID: 3, DocumentID: 1, Revision: 3, Status: document.StatusInReview, ChangeDescription: "Hold tags", Body: "# Scope\n<script>alert(1)</script>",
			AuthorID: 2, AuthorName: "Anna", Reviewers: []document.Reviewer{{UserID: 1, Name: "Ada", Decision: document.ReviewChanges, Comment: "more", ReviewedAt: &now}},
			Version: 2},
		{ID: 2, DocumentID: 1, Revision: 2, Status: document.StatusEffective, ChangeDescription: "Scope", Body: "# Scope\n- one", AuthorID: 2,
			AuthorName: "Anna", ApprovedAt: &now, ApprovedBy: "Paul", SignatureID: &sid, EffectiveOn: today, Version: 5},
		{ID: 1, DocumentID: 1, Revision: 1, Status: document.StatusSuperseded, ChangeDescription: "First issue", FileID: &fid, FileName: "sop.pdf",
			FileSHA256: "ab", AuthorID: 2, AuthorName: "Anna", WithdrawnAt: &now, Version: 6},
	}
	acks := []document.Acknowledgement{{ID: 1, DocumentID: 1, DocumentNumber: "SOP-001", DocumentTitle: "Control <i>x</i>", RevisionID: 2, Revision: 2,
		UserID: 1, UserName: "Ada", DueOn: today.AddDate(0, 0, -2)}, {ID: 2, DocumentID: 1, DocumentNumber: "SOP-001", RevisionID: 2, Revision: 2,
		UserID: 3, UserName: "Ivo", DueOn: today, AcknowledgedAt: &now}}
	sig := esign.Signature{ID: 12, RecordType: esign.DocumentApproval, EntityType: "document_revision", EntityID: 2, Meaning: esign.MeaningApproved,
		SignerID: 4, SignerName: "Paul", SignerRole: qms.RoleQualityManager, ContentHash: "0123456789abcdef0123", SignedAt: now}
	staff := []qms.User{{ID: 1, Name: "Ada <b>", Email: "ada@example.com", Role: qms.RoleAdmin}, {ID: 3, Name: "Ivo", Role: qms.RoleInspector}}
	view := func(shown int) *documentops.DocumentView {
		return &documentops.DocumentView{Document: d, Revisions: revs, Shown: &revs[shown], Signatures: []esign.Check{esign.CheckAgainst(sig, "0123")},
			Acks: acks, Mine: &acks[0]}
	}
	docPage := func(shown int, banner string, edit bool) *documentPage {
		v := view(shown)
		return &documentPage{layout: layout{Title: "SOP-001"}, View: v, Doc: d, Rev: v.Shown, Rendered: document.Markdown(v.Shown.Body), Banner: banner,
			Editable: edit, CanSubmit: edit, CanReview: true, CanReturn: true, CanApprove: true, CanEffective: true, CanObsolete: true, CanNewRev: true,
			CanPeriodic: true, Staff: staff, ReviewerIDs: map[int64]bool{1: true}, Today: today, Signatures: v.Signatures}
	}
	rows := []store.DocumentRow{{Document: *d, LatestRevision: 3, LatestStatus: document.StatusInReview}}
	tbl := ackTable{Acks: acks, Today: today, Back: "/documents", Self: 1}
	risk := &process.Risk{ID: 1, Kind: process.KindRisk, Title: "Single source <script>", ProcessID: &pid, ProcessName: "Purchasing",
		SupplierName: "宁波 <b>", Likelihood: 4, Severity: 5, Score: 20, Level: process.LevelSevere, OwnerID: 1, OwnerName: "Ada", ReviewOn: today,
		Status: process.RiskOpen, Actions: []process.RiskAction{{ID: 1, RiskID: 1, Description: "Second source <i>", OwnerName: "Ivo", DueOn: today.AddDate(0, 0, -1),
			Status: process.ActionOpen}}}
	proc := &process.Process{ID: 4, Name: "Purchasing <b>", Purpose: "Buy", OwnerID: 1, OwnerName: "Ada", Inputs: "needs", Outputs: "POs", KPIs: "OTD"}
	return []page{
		&documentListPage{layout: layout{Title: "Documents"}, Q: "<q>", Types: document.Types, Rows: rows, More: true, NextURL: "/documents?page=2",
			ToRead: acks, Overdue: acks, PastReview: []document.Document{*d}, CanCreate: true, Today: today, ToReadTable: tbl, OverdueTable: tbl},
		&documentListPage{layout: layout{Title: "Documents"}, Types: document.Types},
		&documentFormPage{layout: layout{Title: "New document"}, Doc: *d, Rev: revs[0], Types: document.Types, Staff: staff,
			Processes: []processOption{{4, "Document control"}}, Roles: qms.Roles, Errors: map[string]string{"owner_id": "is required"}, Problem: "fix it"},
		docPage(0, "IN REVIEW — revision 3 is not in force yet.", true),
		docPage(1, "", false),
		docPage(2, "SUPERSEDED — revision 1 is not in force.", false),
		&documentDiffPage{layout: layout{Title: "diff"}, Doc: d, From: &revs[1], To: &revs[0], Lines: document.Diff(revs[1].Body, revs[0].Body), Added: 1, Removed: 1},
		&trainingPage{layout: layout{Title: "Training records"}, Mine: tbl, Overdue: tbl},
		&trainingPage{layout: layout{Title: "Training records"}},
		&processListPage{layout: layout{Title: "Processes"}, Processes: []process.Process{*proc}, CanCreate: true},
		&processPage{layout: layout{Title: proc.Name}, View: &documentops.ProcessView{Process: proc, Documents: rows, Risks: []process.Risk{*risk}},
			Form: *proc, Version: 1, Staff: staff, CanEdit: true, Errors: map[string]string{"name": "taken"}},
		&processPage{layout: layout{Title: "New process"}, Staff: staff, CanEdit: true},
		&riskListPage{layout: layout{Title: "Risks"}, Risks: []process.Risk{*risk}, CanCreate: true, Today: today},
		&riskPage{layout: layout{Title: risk.Title}, Risk: risk, Form: *risk, Version: 1, Staff: staff, Processes: []process.Process{*proc},
			Suppliers: []supplierOption{{1, "宁波"}}, CanEdit: true, Scale: []int{1, 2, 3, 4, 5}, Today: today},
		&riskPage{layout: layout{Title: "New"}, Scale: []int{1, 2, 3, 4, 5}, CanEdit: true, Today: today},
	}
}
