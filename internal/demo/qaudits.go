package demo

import (
	"context"
	"fmt"
	"io"
	"strings"

	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/store"
)

// LoadAudits adds the audit demo to a database that has the demo users,
// suppliers and process register (Load, LoadDocuments) and no audit
// programme yet: this year's programme by risk (processes and suppliers),
// a closed internal audit of document control, a completed internal
// audit of product inspection with a minor nonconformity followed up by a
// CAPA, an observation and an opportunity for improvement, a completed
// supplier audit of the portal supplier with a major nonconformity (NCR
// and supplier corrective action request raised) and a minor one closed,
// and an audit planned for later in the year. It does nothing when a
// programme exists.
func LoadAudits(ctx context.Context, st *store.Store, out io.Writer) error {
	sys := qms.WithActor(ctx, qms.Actor{Name: "demo loader", Role: qms.RoleAdmin, Via: "system"})
	var progs []qaudit.Programme
	if err := st.View(sys, func(tx *store.Tx) (err error) { progs, err = tx.AuditProgrammes(); return err }); err != nil || len(progs) > 0 {
		return err
	}
	l := &auditLoader{ops: &qauditops.Service{Store: st}, st: st}
	ul := &loader{st: st}
	var err error
	if l.qm, l.qmID, err = ul.as(ctx, "qm@demo.qms"); err != nil {
		return err
	}
	if l.aud, l.audID, err = ul.as(ctx, "auditor@demo.qms"); err != nil {
		return err
	}
	if l.ins, l.insID, err = ul.as(ctx, "inspector2@demo.qms"); err != nil {
		return err
	}
	if err := l.load(sys); err != nil {
		return fmt.Errorf("demo audits: %w", err)
	}
	fmt.Fprintf(out, "demo: an audit programme with %d lines, %d audits and %d findings\n", l.items, l.audits, l.findings)
	return nil
}

type auditLoader struct {
	st                      *store.Store
	ops                     *qauditops.Service
	qm, aud, ins            context.Context
	qmID, audID, insID      int64
	items, audits, findings int
}

// answers grades a checklist: conform unless clause (or, for the factory
// checklist, the area's number) has an answer here.
type demoAnswer struct {
	grade    qaudit.Grade
	evidence string
}

// run plans, starts, answers and completes an audit, returning it issued.
func (l *auditLoader) run(a *qaudit.QualityAudit, answers map[string]demoAnswer, na func(clause string) bool, summary string) (*qaudit.QualityAudit, error) {
	if err := l.ops.Plan(l.qm, a); err != nil {
		return nil, err
	}
	l.audits++
	started, err := l.ops.Start(l.aud, a.ID, a.Version)
	if err != nil {
		return nil, err
	}
	v, err := l.ops.Get(l.aud, a.ID)
	if err != nil {
		return nil, err
	}
	for i, q := range v.Questions {
		ans := qaudit.Answer{Grade: qaudit.GradeConform}
		if d, ok := answers[q.Clause]; ok {
			ans = qaudit.Answer{Grade: d.grade, Evidence: d.evidence}
		} else if na != nil && na(q.Clause) {
			ans.Grade = qaudit.GradeNA
		}
		by := l.aud
		if i%3 == 2 && a.OnTeam(l.insID) {
			by = l.ins // the team member answers a share
		}
		if _, err := l.ops.Answer(by, a.ID, q.Line, ans, nil); err != nil {
			return nil, fmt.Errorf("%s question %s: %w", a.Number(), q.Clause, err)
		}
	}
	done, err := l.ops.Complete(l.aud, a.ID, started.Version, summary)
	if err != nil {
		return nil, err
	}
	fs, err := l.ops.Get(l.qm, a.ID)
	if err != nil {
		return nil, err
	}
	l.findings += len(fs.Findings)
	return done, nil
}

func (l *auditLoader) load(sys context.Context) error {
	today := qms.DateOf(l.st.Now())
	year := today.Year()
	var procs map[string]int64
	var portal, hengtong int64
	err := l.st.View(sys, func(tx *store.Tx) error {
		ps, err := tx.Processes()
		if err != nil {
			return err
		}
		procs = map[string]int64{}
		for _, p := range ps {
			procs[p.Name] = p.ID
		}
		page, err := tx.ListSuppliers(store.SupplierFilter{Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		for _, s := range page.Items {
			switch s.Name {
			case PortalSupplier:
				portal = s.ID
			case "东莞市恒通塑胶制品有限公司":
				hengtong = s.ID
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if portal == 0 {
		return fmt.Errorf("the demo supplier %s is missing", PortalSupplier)
	}

	pg := &qaudit.Programme{Year: year, Objectives: "Audit every process of the quality system and every approved factory at least once a year; " +
		"high-risk processes and factories every quarter (ISO 19011 §5)."}
	if err := l.ops.CreateProgramme(l.qm, pg); err != nil {
		return err
	}
	item := func(it qaudit.ProgrammeItem) (int64, error) {
		it.ProgrammeID = pg.ID
		if err := l.ops.AddItem(l.qm, &it); err != nil {
			return 0, err
		}
		l.items++
		return it.ID, nil
	}
	lines := map[string]int64{}
	for _, it := range []qaudit.ProgrammeItem{
		{Subject: qaudit.SubjectProcess, ProcessID: procs["Supplier management"], Name: "Supplier management", Risk: qaudit.RiskHigh, TemplateKey: qaudit.KeyISO9001},
		{Subject: qaudit.SubjectProcess, ProcessID: procs["Product inspection"], Name: "Product inspection", Risk: qaudit.RiskMedium, TemplateKey: qaudit.KeyISO9001},
		{Subject: qaudit.SubjectProcess, ProcessID: procs["Document control"], Name: "Document control", Risk: qaudit.RiskLow, TemplateKey: qaudit.KeyISO9001},
		{Subject: qaudit.SubjectClause, Clause: "10.2", Risk: qaudit.RiskMedium, TemplateKey: qaudit.KeyISO9001, Notes: "Follow the CAPA backlog"},
		{Subject: qaudit.SubjectSupplier, SupplierID: portal, Risk: qaudit.RiskHigh, TemplateKey: qaudit.KeyFactory},
		{Subject: qaudit.SubjectSupplier, SupplierID: hengtong, Risk: qaudit.RiskMedium, TemplateKey: qaudit.KeyFactory},
	} {
		if it.Subject == qaudit.SubjectSupplier && it.SupplierID == 0 {
			continue
		}
		if it.Subject == qaudit.SubjectProcess && it.ProcessID == 0 {
			continue // no process register loaded
		}
		id, err := item(it)
		if err != nil {
			return err
		}
		lines[it.Name+it.Clause+fmt.Sprint(it.SupplierID)] = id
	}
	jan := qms.NewDate(year, 1, 15)
	earlier := func(days int) qms.Date { // a day this year before today
		d := today.AddDate(0, 0, -days)
		if d.Before(jan) {
			return jan
		}
		return d
	}
	designNA := func(c string) bool { return strings.HasPrefix(c, "8.3") }

	// A closed internal audit of document control: everything conforms.
	if id := procs["Document control"]; id != 0 {
		a := &qaudit.QualityAudit{Type: qaudit.TypeInternal, Title: "Document control " + fmt.Sprint(year), Scope: "Clause 7.5 and the document register",
			TemplateKey: qaudit.KeyISO9001, ProcessID: id, Auditee: "Document control", LeadID: l.audID, PlannedStart: earlier(60),
			ProgrammeItemID: lines["Document control0"]}
		if _, err := l.run(a, nil, designNA, "The document register is complete and every document reviewed on time."); err != nil {
			return err
		}
	}

	// A completed internal audit of product inspection with a minor
	// nonconformity (CAPA), an observation and an OFI.
	if id := procs["Product inspection"]; id != 0 {
		a := &qaudit.QualityAudit{Type: qaudit.TypeInternal, Title: "Product inspection " + fmt.Sprint(year), Scope: "Inspection planning, AQL sampling, release (8.6), calibration of gauges",
			TemplateKey: qaudit.KeyISO9001, ProcessID: id, Auditee: "QC team Shenzhen", LeadID: l.audID, Team: []qaudit.TeamMember{{ID: l.insID}},
			PlannedStart: earlier(20), ProgrammeItemID: lines["Product inspection0"]}
		done, err := l.run(a, map[string]demoAnswer{
			"7.1.5.2": {qaudit.GradeMinor, "Caliper C-07 used on PSI 2026-0412 was 3 weeks past its calibration date; no assessment of the results measured with it."},
			"8.6":     {qaudit.GradeObservation, "Release decisions are recorded, but two reports were signed the day after shipment."},
			"9.1.3":   {qaudit.GradeOFI, "Rejection rates per product family could feed the monthly review automatically."},
		}, designNA, "The inspection process works; calibration control of field gauges needs a fix.")
		if err != nil {
			return err
		}
		v, err := l.ops.Get(l.qm, done.ID)
		if err != nil {
			return err
		}
		for _, f := range v.Findings {
			if f.Grade == qaudit.GradeMinor {
				if _, err := l.ops.RaiseCAPA(l.qm, f.ID, f.Version, l.qmID); err != nil {
					return err
				}
			}
		}
	}

	// A completed supplier audit of the portal supplier: a major (NCR and
	// SCAR), a minor closed at once with its evidence.
	a := &qaudit.QualityAudit{Type: qaudit.TypeSupplier, Title: "Factory re-audit " + fmt.Sprint(year), Scope: "Fuyong plant: stamping, assembly, final inspection, warehouse",
		TemplateKey: qaudit.KeyFactory, SupplierID: portal, Auditee: "QA manager 陈静", LeadID: l.audID, Team: []qaudit.TeamMember{{ID: l.insID}},
		PlannedStart: earlier(30), ProgrammeItemID: lines[fmt.Sprint(portal)]}
	done, err := l.run(a, map[string]demoAnswer{
		"2.2":  {qaudit.GradeMajor, "No IQC records for the steel coil lots of March; 3 of 5 lots sampled had none. 来料检验记录缺失。"},
		"6.1":  {qaudit.GradeMinor, "The last 8D (customer return RMA-2291) has no effectiveness check."},
		"10.1": {qaudit.GradeObservation, "Inspection tables at the end of line 2 have 450 lux; 750 lux is the factory's own rule."},
	}, nil, "A capable factory; incoming inspection must be restored before the next order ships.")
	if err != nil {
		return err
	}
	v, err := l.ops.Get(l.qm, done.ID)
	if err != nil {
		return err
	}
	for _, f := range v.Findings {
		switch f.Grade {
		case qaudit.GradeMajor:
			if _, err := l.ops.RaiseNCR(l.qm, f.ID, f.Version); err != nil {
				return err
			}
			if _, err := l.ops.RaiseCAPA(l.qm, f.ID, f.Version+1, l.qmID); err != nil {
				return err
			}
		case qaudit.GradeMinor:
			if _, err := l.ops.CloseFinding(l.qm, f.ID, f.Version, "The factory sent the effectiveness check of RMA-2291 (30 days without recurrence); verified by e-mail."); err != nil {
				return err
			}
		}
	}

	// An audit planned for later in the year.
	if id := procs["Supplier management"]; id != 0 {
		next := today.AddDate(0, 0, 30)
		if next.Year() != year {
			next = qms.NewDate(year, 12, 1)
		}
		p := &qaudit.QualityAudit{Type: qaudit.TypeProcess, Title: "Supplier management", Scope: "Supplier approval, certificates, scorecards (8.4)",
			TemplateKey: qaudit.KeyISO9001, ProcessID: id, Auditee: "Sourcing", LeadID: l.audID, PlannedStart: next,
			ProgrammeItemID: lines["Supplier management0"]}
		if err := l.ops.Plan(l.qm, p); err != nil {
			return err
		}
		l.audits++
	}
	return nil
}
