package web

import (
	"time"

	"qms/internal/complaint"
	"qms/internal/evidence"
	"qms/internal/mgmtreview"
	"qms/internal/objective"
	"qms/internal/qms"
	"qms/internal/qmsops"
	"qms/internal/store"
)

// reviewSamplePages are sample data for the quality system's pages:
// objectives, management reviews, complaints and the evidence map.
func reviewSamplePages() []page {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	today := qms.DateOf(now)
	o := objective.Objective{ID: 1, Title: "Lot acceptance ≥ 97 % <script>alert(1)</script>", Metric: objective.LotAcceptance, Comparison: objective.AtLeast,
		Target: 97, Owner: "张伟 <script>alert(1)</script>", From: "2026-01", To: "2026-12", Version: 2}
	met := objective.Evaluate(o, []objective.Sample{{Month: "2026-01", Num: 98, Den: 100}, {Month: "2026-03", Num: 99, Den: 100}})
	none := objective.Evaluate(objective.Objective{ID: 2, Title: "NCRs", Metric: objective.NCRCount, Comparison: objective.AtMost, Target: 3,
		Owner: "Lena", From: "2026-01", To: "2026-02"}, nil)
	rv := &mgmtreview.Review{ID: 1, Title: "Management review 2026", HeldOn: today, From: today.AddDate(-1, 0, 1), To: today, Status: mgmtreview.Draft,
		Attendees: []mgmtreview.Attendee{{Name: "王芳 <script>alert(1)</script>", Role: "总经理"}}, Decisions: []string{"Keep going"}, Version: 3}
	closed := *rv
	closed.Status, closed.ClosedBy, closed.ClosedAt = mgmtreview.Closed, "Lena Vogel", &now
	pack := &mgmtreview.Pack{GeneratedAt: now, From: rv.From, To: rv.To, LastReview: today.AddDate(-1, 0, 0),
		PreviousActions: []mgmtreview.ActionLine{{Review: "MR-0000", Description: "Audit A", Owner: "Lena", DueOn: today, Status: mgmtreview.ActionOpen, Overdue: true}},
		Changes:         []mgmtreview.ChangeLine{{Number: "QP-01", Title: "Document control", Revision: "2", EffectiveOn: today, Change: "Reviewers"}}, ChangesKnown: true,
		Complaints: mgmtreview.ComplaintStats{Received: 2, Reportable: 1, Open: 1, Lines: []mgmtreview.ComplaintLine{{Number: "CMP-00001", Customer: "Müller"}}},
		Objectives: []mgmtreview.ObjectiveLine{{Title: "Lot acceptance", Target: "≥ 97 %", Value: "98.5 %", Status: "met"}},
		Processes:  []mgmtreview.ProcessLine{{Name: "Purchasing", Owner: "Lena", KPIs: "OTD", Risks: 2}}, ProcessesKnown: true,
		NCRs: mgmtreview.NCRStats{Opened: 3, BySeverity: map[string]int64{"major": 3}}, CAPAs: mgmtreview.CAPAStats{Opened: 1, Closed: 1, ClosedOnTime: 1},
		Monitoring: []mgmtreview.RateLine{{Kind: "pre_shipment", Lots: 10, Rejected: 1}},
		Audits:     []mgmtreview.AuditLine{{Number: "AUD-1", Title: "Internal audit", Kind: "internal", Date: today, Findings: 2, OpenFindings: 1}}, AuditsKnown: true,
		Suppliers: []mgmtreview.SupplierLine{{Name: "华强", Status: "approved", Lots: 10, Rejected: 1, NCRs: 2}},
		Risks:     []mgmtreview.RiskLine{{Title: "Single source", Kind: "risk", Level: "high", Owner: "Lena", ReviewOn: today.String()}}, RisksKnown: true}
	actions := []mgmtreview.Action{{ID: 1, ReviewID: 1, Description: "Audit supplier A", Owner: "Lena", DueOn: today, Status: mgmtreview.ActionOpen, Version: 1},
		{ID: 2, ReviewID: 1, Description: "Hire", Owner: "Lena", DueOn: today, Status: mgmtreview.ActionDone, Result: "Hired", Version: 2}}
	c := &complaint.Complaint{ID: 1, ReceivedOn: today, Customer: "Müller <script>alert(1)</script>", Description: "No sound", Reportable: true,
		Reportability: "reported to BfArM", NCRID: 4, CAPAID: 2, Status: complaint.Open, Version: 1}
	cc := *c
	cc.Status = complaint.Closed
	facts := evidence.Facts{Today: today, ApprovedExpired: []string{"华强"}, ProcessesKnown: true, Processes: []evidence.ProcessAudit{{Name: "Design"}}}
	counts := map[evidence.Kind]evidence.Count{evidence.KindNCRs: {N: 4, Known: true}, evidence.KindDocuments: {}}
	m := evidence.Build(today, true, counts, facts, []evidence.ProcedureDoc{{ID: 9, Number: "QP-08", Title: "Complaint handling"}})
	return []page{
		&objectivesPage{layout: layout{Title: "Quality objectives"}, Rows: objectiveRows([]objective.Result{met, none}, 360, 150), Metrics: objective.Metrics,
			Form: objectiveForm{Metric: "ncr_count", Comparison: "<="}, Errors: map[string]string{"target": "must be a number"}, Problem: "invalid", CanEdit: true},
		&objectivesPage{layout: layout{Title: "Quality objectives"}},
		&objectivePage{layout: layout{Title: o.Title}, Row: objectiveRows([]objective.Result{met}, 760, 280)[0], Metrics: objective.Metrics,
			Form: objectiveFormOf(&o), CanEdit: true, Errors: map[string]string{"reason": "is required"}},
		&objectivePage{layout: layout{Title: "NCRs"}, Row: objectiveRows([]objective.Result{none}, 760, 280)[0]},
		&reviewsPage{layout: layout{Title: "Management reviews"}, Reviews: []mgmtreview.Review{*rv, closed}, CanEdit: true, Problem: "x",
			Errors: map[string]string{"title": "is required"}},
		&reviewsPage{layout: layout{Title: "Management reviews"}},
		&reviewPage{layout: layout{Title: "MR"}, ReviewDetail: &qmsops.ReviewDetail{Review: rv, Actions: actions, Pack: pack, Live: true, Today: today},
			Form: reviewFormOf(rv), CanEdit: true, Draft: true, PDF: "/reviews/1/review.pdf", Overdue: map[int64]bool{1: true}, Problem: "stale"},
		&reviewPage{layout: layout{Title: "MR"}, ReviewDetail: &qmsops.ReviewDetail{Review: &closed, Pack: &mgmtreview.Pack{}, Today: today},
			Form: reviewFormOf(&closed), PDF: "/reviews/1/review.pdf", Overdue: map[int64]bool{}},
		&complaintsPage{layout: layout{Title: "Customer complaints"}, Complaints: []complaint.Complaint{*c, cc}, Status: "open", CanCreate: true,
			NextURL: "/complaints?before=1", Errors: map[string]string{"customer": "is required"}},
		&complaintsPage{layout: layout{Title: "Customer complaints"}},
		&complaintPage{layout: layout{Title: "CMP"}, Complaint: c, Form: complaintFormOf(c), CanEdit: true, Problem: "x"},
		&complaintPage{layout: layout{Title: "CMP"}, Complaint: &cc, Form: complaintFormOf(&cc)},
		&evidencePage{layout: layout{Title: "Clause evidence map"}, Map: m, Settings: store.QMSSettings{ISO13485: true, Version: 1}, From: "2026-01-01",
			To: today.String(), CanPack: true, CanMode: true, Errors: map[string]string{"from": "bad"}},
		&evidencePage{layout: layout{Title: "Clause evidence map"}, Map: evidence.Build(today, false, nil, evidence.Facts{Today: today, LastReview: today}, nil)},
	}
}
