package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"qms/internal/auth"
	"qms/internal/document"
	"qms/internal/documentops"
	"qms/internal/process"
	"qms/internal/qms"
	"qms/internal/store"
)

// LoadDocuments adds the quality system's own records to a database that
// has the demo users and suppliers (Load) and no documents yet: the
// process register, a quality manual with its revision history, the
// quality policy, procedures, a work instruction, a form and an external
// standard (each through review and a signed approval, in force, some
// with a new revision in progress), read-and-understood acknowledgements
// (some done), and risks and opportunities with actions. It does nothing
// when documents exist.
func LoadDocuments(ctx context.Context, st *store.Store, out io.Writer) error {
	var rows []store.DocumentRow
	sys := qms.WithActor(ctx, qms.Actor{Name: "demo loader", Role: qms.RoleAdmin, Via: "system"})
	if err := st.View(sys, func(tx *store.Tx) (err error) {
		rows, _, err = tx.ListDocuments(store.DocumentFilter{Limit: 1, Obsolete: true})
		return err
	}); err != nil || len(rows) > 0 {
		return err
	}
	l := &docLoader{st: st, svc: &documentops.Service{Store: st, Auth: &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}}}
	people := map[string]*context.Context{"qm@demo.qms": &l.qm, "admin@demo.qms": &l.admin, "inspector@demo.qms": &l.ins, "buyer@demo.qms": &l.buyer}
	ids := map[string]*int64{"qm@demo.qms": &l.qmID, "admin@demo.qms": &l.adminID, "inspector@demo.qms": &l.insID, "buyer@demo.qms": &l.buyerID}
	for email, c := range people {
		ul := &loader{st: st}
		var err error
		if *c, *ids[email], err = ul.as(ctx, email); err != nil {
			return err
		}
	}
	if err := l.load(); err != nil {
		return fmt.Errorf("demo documents: %w", err)
	}
	fmt.Fprintf(out, "demo: %d processes, %d controlled documents with their revision history, %d risks and opportunities\n", l.procs, l.docs, l.risks)
	return nil
}

type docLoader struct {
	st                            *store.Store
	svc                           *documentops.Service
	qm, admin, ins, buyer         context.Context
	qmID, adminID, insID, buyerID int64
	procs, docs, risks            int
}

// issue takes revision r of a document through review (by the buyer) and
// approval (by whoever is not its author) and makes it effective today.
func (l *docLoader) issue(author context.Context, r *document.Revision) error {
	approver := l.admin
	if author == l.admin {
		approver = l.qm
	}
	rev, err := l.svc.Submit(author, r.ID, r.Version, []int64{l.buyerID})
	if err != nil {
		return err
	}
	if rev, err = l.svc.Review(l.buyer, rev.ID, document.ReviewApproved, "Clear and complete."); err != nil {
		return err
	}
	if rev, err = l.svc.Approve(approver, rev.ID, rev.Version, Password, "Approved for use."); err != nil {
		return err
	}
	today := qms.DateOf(l.st.Now())
	rev, err = l.svc.MakeEffective(approver, rev.ID, rev.Version, today)
	if err == nil {
		*r = *rev
	}
	return err
}

// doc creates a document and issues each text as a revision; draft, when
// set, is left as a new revision in progress.
func (l *docLoader) doc(author context.Context, d document.Document, texts []demoRev, draft *demoRev) (*document.Document, error) {
	for i, t := range texts {
		r := document.Revision{ChangeDescription: t.change, Body: t.body}
		var err error
		if i == 0 {
			err = l.svc.CreateDocument(author, &d, &r, nil)
		} else {
			err = l.svc.CreateRevision(author, d.ID, &r, nil)
		}
		if err != nil {
			return nil, fmt.Errorf("%s revision %d: %w", d.Number, i+1, err)
		}
		if err := l.issue(author, &r); err != nil {
			return nil, fmt.Errorf("%s revision %d: %w", d.Number, i+1, err)
		}
	}
	if draft != nil {
		r := document.Revision{ChangeDescription: draft.change, Body: draft.body}
		if err := l.svc.CreateRevision(author, d.ID, &r, nil); err != nil {
			return nil, err
		}
		if draft.submit {
			if _, err := l.svc.Submit(author, r.ID, r.Version, []int64{l.buyerID, l.insID}); err != nil {
				return nil, err
			}
		}
	}
	l.docs++
	return &d, nil
}

type demoRev struct {
	change, body string
	submit       bool
}

func (l *docLoader) load() error {
	procs := map[string]int64{}
	for _, p := range []process.Process{
		{Name: "Leadership and quality system", OwnerID: l.adminID, Purpose: "Set the policy and objectives; review the system.",
			Inputs: "Interested parties' needs\nAudit results\nPerformance data", Outputs: "Quality policy\nObjectives\nManagement review decisions",
			KPIs: "Objectives met\nManagement review held each year"},
		{Name: "Supplier management", OwnerID: l.qmID, Purpose: "Select, approve and monitor contract factories (ISO 9001 8.4).",
			Inputs: "Sourcing requests\nCertificates\nFactory audits", Outputs: "Approved supplier list\nScorecards",
			KPIs: "Lot acceptance rate ≥ 97 %\nNo approved supplier with an expired certificate"},
		{Name: "Product inspection", OwnerID: l.qmID, Purpose: "Verify every order before it ships (8.6).",
			Inputs: "Released specs\nPurchase orders", Outputs: "Inspection reports\nRelease decisions", KPIs: "Inspections on time\nEscapes to customers"},
		{Name: "Nonconformity and corrective action", OwnerID: l.qmID, Purpose: "Contain, disposition and correct (8.7, 10.2).",
			Inputs: "Failed inspections\nComplaints", Outputs: "NCRs\nCAPAs", KPIs: "CAPAs closed on time ≥ 90 %"},
		{Name: "Document control", OwnerID: l.adminID, Purpose: "Keep documented information current and available (7.5).",
			Inputs: "Change requests", Outputs: "Controlled documents\nTraining records", KPIs: "Documents reviewed on time\nAcknowledgements on time"},
	} {
		if err := l.svc.CreateProcess(l.admin, &p); err != nil {
			return err
		}
		procs[p.Name] = p.ID
		l.procs++
	}
	pid := func(name string) *int64 { id := procs[name]; return &id }
	staff := []qms.Role{qms.RoleQualityManager, qms.RoleInspector, qms.RoleViewer, qms.RoleAuditor}

	manual := "# Quality manual\n\n## 1 Scope\n\nWe design consumer hardware and have it made by contract factories in China and Vietnam. " +
		"The quality management system covers sourcing, supplier management, product specifications and inspection.\n\n" +
		"## 2 Processes\n\n- Leadership and quality system\n- Supplier management\n- Product inspection\n- Nonconformity and corrective action\n- Document control\n"
	manual2 := manual + "\n## 3 Exclusions\n\nDesign and development (8.3) is done by the brand; no exclusion applies.\n"
	manual3 := manual2 + "\n## 4 Interaction of processes\n\nEvery failed inspection raises an NCR; repeated or major NCRs raise a CAPA with the supplier.\n"
	if _, err := l.doc(l.qm, document.Document{Number: "QM-001", Title: "Quality manual", Type: document.TypeManual, OwnerID: l.qmID,
		ProcessID: pid("Leadership and quality system"), AckRoles: staff, ReviewMonths: 12}, []demoRev{
		{change: "First issue", body: manual}, {change: "Exclusions stated (ISO 9001 4.3)", body: manual2},
		{change: "Interaction of processes described (4.4)", body: manual3}}, nil); err != nil {
		return err
	}
	policy, err := l.doc(l.admin, document.Document{Number: "POL-001", Title: "Quality policy", Type: document.TypePolicy, OwnerID: l.adminID,
		ProcessID: pid("Leadership and quality system"), AckRoles: staff, AckDays: 30}, []demoRev{{change: "First issue", body: "# Quality policy\n\n" +
		"We deliver products that do what we promise, safely, every time.\n\n1. We choose factories that prove their quality, not only certify it.\n" +
		"2. We inspect before we ship, by the numbers.\n3. We fix causes, not symptoms.\n4. We improve every year, measured by our objectives.\n"}}, nil)
	if err != nil {
		return err
	}
	sop75 := "# Control of documented information\n\n## Purpose\n\nDocuments are approved before use, reviewed periodically and available where needed.\n\n" +
		"## Procedure\n\n1. The author writes a draft and names the reviewers.\n2. Each reviewer records their review.\n" +
		"3. A quality manager other than the author approves it with an electronic signature.\n4. The revision becomes effective from a date; the previous one is superseded.\n"
	if _, err := l.doc(l.admin, document.Document{Number: "SOP-7.5-01", Title: "Control of documented information", Type: document.TypeProcedure,
		OwnerID: l.adminID, ProcessID: pid("Document control"), AckRoles: []qms.Role{qms.RoleQualityManager}}, []demoRev{
		{change: "First issue", body: sop75}, {change: "Read-and-understood acknowledgements added",
			body: sop75 + "5. Everyone the document names reads it and acknowledges it within the set days.\n"}},
		&demoRev{change: "Periodic review every 12 months", body: sop75 + "5. Everyone the document names reads it and acknowledges it within the set days.\n" +
			"6. The owner reviews each document at least every 12 months.\n", submit: true}); err != nil {
		return err
	}
	if _, err := l.doc(l.qm, document.Document{Number: "SOP-8.4-01", Title: "Supplier evaluation and approval", Type: document.TypeProcedure,
		OwnerID: l.qmID, ProcessID: pid("Supplier management"), AckRoles: []qms.Role{qms.RoleQualityManager, qms.RoleViewer}}, []demoRev{
		{change: "First issue", body: "# Supplier evaluation and approval\n\n1. Check the certificate: accredited body, scope, site, validity.\n" +
			"2. Audit the factory (QMS, incoming control, production control, final inspection).\n3. Approve after a passed first article inspection.\n" +
			"4. Re-evaluate every year from the scorecard.\n"}}, nil); err != nil {
		return err
	}
	ncrBody := "# Control of nonconforming output\n\n1. Hold the lot; tag it.\n2. Record an NCR with the defects and quantities.\n" +
		"3. The MRB decides the disposition: rework, sort, use as is with a concession, return or scrap.\n"
	if _, err := l.doc(l.qm, document.Document{Number: "SOP-8.7-01", Title: "Control of nonconforming output", Type: document.TypeProcedure,
		OwnerID: l.qmID, ProcessID: pid("Nonconformity and corrective action"), AckRoles: []qms.Role{qms.RoleInspector, qms.RoleQualityManager}},
		[]demoRev{{change: "First issue", body: ncrBody}}, &demoRev{change: "Hold tags", body: ncrBody + "4. Red hold tags on every carton of a held lot.\n"}); err != nil {
		return err
	}
	if _, err := l.doc(l.qm, document.Document{Number: "WI-8.6-01", Title: "Pre-shipment inspection", Type: document.TypeWorkInstruction,
		OwnerID: l.qmID, ProcessID: pid("Product inspection"), AckRoles: []qms.Role{qms.RoleInspector}, AckDays: 7}, []demoRev{
		{change: "First issue", body: "# Pre-shipment inspection\n\n- At least 80 % packed, 100 % produced.\n- Draw the sample from random cartons.\n" +
			"- Record every defect with a photo; measure the critical dimensions.\n- Verdict by the plan's Ac/Re per class.\n"}}, nil); err != nil {
		return err
	}
	if _, err := l.doc(l.qm, document.Document{Number: "EXT-2859-1", Title: "ISO 2859-1:1999 Sampling procedures for inspection by attributes",
		Type: document.TypeExternal, OwnerID: l.qmID, ProcessID: pid("Product inspection"), ReviewMonths: 36}, []demoRev{
		{change: "Registered", body: "External standard, held by the quality manager. Edition 1999 with Cor 1:2001. Check for a new edition at each review.\n"}}, nil); err != nil {
		return err
	}
	if _, err := l.doc(l.qm, document.Document{Number: "REC-9.2-01", Title: "Internal audit report template", Type: document.TypeRecordTemplate,
		OwnerID: l.qmID, ProcessID: pid("Leadership and quality system")}, []demoRev{{change: "First issue", body: "# Internal audit report\n\n" +
		"| Field | Entry |\n|---|---|\n| Process audited | |\n| Criteria | ISO 9001:2015 clauses |\n| Auditor (independent of the process) | |\n" +
		"| Findings (major, minor, observation, OFI) | |\n"}}, nil); err != nil {
		return err
	}
	form := document.Document{Number: "FRM-8.7-01", Title: "Hold tag", Type: document.TypeForm, OwnerID: l.qmID, ProcessID: pid("Nonconformity and corrective action")}
	if err := l.svc.CreateDocument(l.qm, &form, &document.Revision{ChangeDescription: "First issue",
		Body: "HOLD — do not ship\n\nNCR no.: ____  Lot: ____  Date: ____  Held by: ____\n"}, nil); err != nil {
		return err
	}
	l.docs++
	// The inspector read the policy.
	acks, err := l.svc.MyAcknowledgements(l.ins, true)
	if err != nil {
		return err
	}
	for _, a := range acks {
		if a.DocumentID == policy.ID {
			if _, err := l.svc.Acknowledge(l.ins, a.ID); err != nil {
				return err
			}
		}
	}

	sups, err := l.svc.Suppliers(l.qm)
	if err != nil {
		return err
	}
	sup := func(i int) *int64 {
		if i >= len(sups) {
			return nil
		}
		id := sups[i].ID
		return &id
	}
	today := qms.DateOf(l.st.Now())
	for _, r := range []process.Risk{
		{Title: "Single factory for the best-selling product", Description: "All units of the top SKU come from one factory.", Likelihood: 3, Severity: 5,
			ProcessID: pid("Supplier management"), SupplierID: sup(0), OwnerID: l.qmID, ReviewOn: today.AddDate(0, 3, 0), Treatment: "Qualify a second source."},
		{Title: "Fake or lapsed ISO 9001 certificates", Likelihood: 2, Severity: 4, ProcessID: pid("Supplier management"), OwnerID: l.qmID,
			ReviewOn: today.AddDate(0, 6, 0), Treatment: "Verify every certificate with the accreditation body's database."},
		{Title: "Defects escaping pre-shipment inspection", Likelihood: 2, Severity: 5, ProcessID: pid("Product inspection"), SupplierID: sup(1),
			OwnerID: l.qmID, ReviewOn: today.AddDate(0, 0, 20), Treatment: "Tightened inspection after rejections; CTQ checks on every lot."},
		{Title: "Peak season inspector capacity", Likelihood: 4, Severity: 2, ProcessID: pid("Product inspection"), OwnerID: l.adminID,
			ReviewOn: today.AddDate(0, 2, 0), Treatment: "Frame agreement with a third-party agency."},
		{Kind: process.KindOpportunity, Title: "Share scorecards with factories monthly", Likelihood: 4, Severity: 3,
			ProcessID: pid("Supplier management"), OwnerID: l.qmID, ReviewOn: today.AddDate(0, 4, 0)},
	} {
		if err := l.svc.CreateRisk(l.qm, &r); err != nil {
			return err
		}
		l.risks++
		if r.Score >= 10 {
			a := process.RiskAction{RiskID: r.ID, Description: "Act on: " + r.Treatment, OwnerID: l.qmID, DueOn: today.AddDate(0, 1, 0)}
			if err := l.svc.AddRiskAction(l.qm, &a); err != nil {
				return err
			}
		}
	}
	return nil
}
