package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"qms/internal/capa"
	"qms/internal/capaops"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/ncrops"
	"qms/internal/ncrreport"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

const evil = "<script>alert(1)</script>"

// ncrSamplePages returns data for every NCR, CAPA and request page, full
// and nearly empty, with text that must be escaped.
func ncrSamplePages() []page {
	now := time.Date(2026, 3, 20, 9, 30, 0, 0, time.UTC)
	today := qms.DateOf(now)
	sups := []supplier.Supplier{{ID: 3, Name: "深圳市华强电子有限公司 " + evil}}
	names := map[int64]string{3: "深圳市华强电子有限公司 " + evil}
	n := ncr.NCR{ID: 42, Source: ncr.SourcePreShipment, Status: ncr.StatusContained, Title: "No sound " + evil, Severity: inspection.Major, SupplierID: 3,
		ProductID: 5, InspectionID: 17, Requirement: "Plays 1 min", Found: "8 of 125 without sound " + evil, DetectedOn: today, QuantityInspected: 125,
		QuantityAffected: 3200, Defects: []ncr.Defect{{Code: "FUN-01", Description: "No sound", Class: inspection.Major, Quantity: 8}},
		Disposition: []ncr.DispositionLine{{Kind: ncr.UseAsIs, Quantity: 200, Rationale: evil}, {Kind: ncr.Sort, Quantity: 3000}},
		MRB:         []ncr.Approval{{Name: "Lena Vogel", Role: qms.RoleQualityManager, At: now}},
		Cost:        ncr.Cost{Currency: "EUR", Scrap: 12550},
		Actions: []ncr.Action{{ID: 1, Kind: ncr.Quarantine, Description: evil, OwnerName: "李伟", DueOn: today.AddDate(0, 0, -2), Status: ncr.ActionOpen, Version: 1},
			{ID: 2, Kind: ncr.HoldShipment, OwnerName: "Anna", DueOn: today, Status: ncr.ActionDone, Result: "held"}},
		CreatedBy: "Lena Vogel", CreatedAt: now, Version: 4}
	sig := esign.Signature{Meaning: esign.MeaningApproved, SignerName: "Lena " + evil, SignerRole: qms.RoleQualityManager, RecordType: esign.NCRDisposition,
		EntityType: "ncr", EntityID: 42, ContentHash: strings.Repeat("a", 64), SignedAt: now}
	d := &ncrops.Detail{NCR: n, Signatures: []esign.Check{{Signature: sig, Matches: false, Status: esign.StatusChanged}},
		CAPAs: []capa.CAPA{{ID: 7, Kind: capa.KindSupplier, Status: capa.StatusOpen}}, Moves: []ncr.Move{ncr.MoveDisposition, ncr.MoveVoid}}
	ncrPg := &ncrPage{layout: layout{Title: n.Number()}, D: d, Supplier: names[3], Product: "BS-20", Disposed: 3200, NeedsMRB: true,
		Kinds: ncr.DispositionKinds, ActionKinds: ncr.ActionKinds, CanEdit: true, CanApprove: true, CanMRB: true, CanReport: true, Categories: ncr.Categories, Today: today,
		Moves: []moveButton{{Move: "disposition", Label: "Decide disposition"}, {Move: "void", Label: "Void", Reason: "say why"}},
		Money: map[string]string{"scrap": "125.50", "total": "125.50 EUR"}, CostFields: costFields}

	in := capaSample(today, now)
	age := &store.CAPAAgePage{Items: []store.CAPAAge{store.Ageing(*in, names[3], today)}, Total: 1, Next: 50, Today: today}
	capaPg := &capaPage{layout: layout{Title: in.Number()}, D: &capaops.Detail{CAPA: in, Ageing: capaops.AgeingOf(in, today), Reviews: []capa.Review{{Stage: capa.D3, Decision: capa.StageReturned, Comment: evil, By: "Lena", At: now}},
		Notes: []capa.Note{{Text: "internal " + evil, By: "Lena", At: now}}, Files: []store.File{{ID: 9, Name: "photo " + evil + ".jpg", ContentType: "image/jpeg"}},
		Signatures: []esign.Check{{Signature: sig, Matches: true, Status: esign.StatusValid}}}, C: in, Supplier: names[3],
		Sources: []capaSourceLink{{Label: "NCR-00042", URL: "/ncrs/42"}}, Criterion: "Defect FUN-01 " + evil, Per: 1000, Rate: "1.40",
		CanReview: true, CanNote: true, CanUpload: true, CanClose: true, Moves: []moveButton{{Move: "cancel", Label: "Cancel", Reason: "say why"}},
		Fishbone: "<svg></svg>"}
	capaPg.Stages = stageEditors(qms.Actor{UserID: 2, Role: qms.RoleQualityManager}, in, today, nil)
	portal := *capaPg
	portal.Portal, portal.CanReview, portal.CanNote, portal.CanClose, portal.Moves = true, false, false, false, nil
	portal.Stages = stageEditors(qms.Actor{UserID: 9, Role: qms.RoleSupplier, SupplierID: &in.SupplierID}, capa.SupplierView(in), today, nil)

	counts := []store.ParetoCount{{Key: "FUN-01", Label: "FUN-01 " + evil, NCRs: 5, Units: 30}, {Key: "SCR", Label: "Scratch", NCRs: 2, Units: 3}}
	rep := ncrreport.Build8D(ncrreport.CAPAInput{CAPA: in, Supplier: names[3], Generated: now, Signatures: []esign.Check{{Signature: sig, Status: esign.StatusValid, Matches: true}}})
	copq := copqLines([]store.COPQRow{{SupplierID: 3, Supplier: names[3], Month: "2026-03", Cost: ncr.Cost{Currency: "EUR", Scrap: 100}, NCRs: 1}})
	return []page{
		&ncrListPage{layout: layout{Title: "NCRs"}, Statuses: ncr.Statuses, Suppliers: sups, Names: names, NCRs: []ncr.NCR{n}, NextURL: "/ncrs?before=42", CanRaise: true},
		&ncrListPage{layout: layout{Title: "NCRs"}, Errors: map[string]string{"status": "bad"}},
		&ncrNewPage{layout: layout{Title: "Raise an NCR"}, Form: ncrForm{Title: evil, Severity: "major"}, Sources: ncr.Sources, Categories: ncr.Categories,
			Suppliers: sups, Errors: map[string]string{"found": "is required"}, Problem: "Some fields are not valid"},
		ncrPg,
		&ncrPage{layout: layout{Title: "NCR"}, D: &ncrops.Detail{NCR: ncr.NCR{ID: 1, Status: ncr.StatusVoided}}, Money: map[string]string{}},
		&capaListPage{layout: layout{Title: "CAPAs"}, Statuses: capa.Statuses, Suppliers: sups, Page: age, NextURL: "/capas?offset=50", CanOpen: true, Active: true},
		&capaListPage{layout: layout{Title: "CAPAs"}},
		&capaNewPage{layout: layout{Title: "Open a CAPA"}, Form: capaForm{Title: evil}, Suppliers: sups, Errors: map[string]string{"sources": "x"}, Problem: "invalid"},
		capaPg, &portal,
		&ncrParetoPage{layout: layout{Title: "Pareto"}, Suppliers: sups, Charts: []paretoChart{pareto("defect", "NCRs by defect code", counts), pareto("cause", "By cause", nil)}},
		&ncrParetoPage{layout: layout{Title: "Pareto"}, Errors: map[string]string{"from": "bad"}},
		&ncrCOPQPage{layout: layout{Title: "COPQ"}, Suppliers: sups, Rows: copq, Totals: copq, Charts: copqCharts([]store.COPQRow{
			{SupplierID: 3, Supplier: names[3], Month: "2026-03", Cost: ncr.Cost{Currency: "EUR", Scrap: 100}, NCRs: 1},
			{SupplierID: 4, Supplier: "Sao Việt", Month: "2026-02", Cost: ncr.Cost{Currency: "JPY", Rework: 5000}, NCRs: 2}})},
		&ncrCOPQPage{layout: layout{Title: "COPQ"}},
		reportPage(rep, "/capas/7/report.pdf", "/capas/7"),
		&scarListPage{layout: layout{Title: "Requests"}, Page: age},
		&scarListPage{layout: layout{Title: "Requests"}},
	}
}

// capaSample is a supplier request with content in every stage.
func capaSample(today qms.Date, now time.Time) *capa.CAPA {
	yes := true
	c := &capa.CAPA{ID: 7, Kind: capa.KindSupplier, Type: capa.TypeCorrective, Status: capa.StatusOpen, Title: "No sound " + evil, Severity: inspection.Major,
		SupplierID: 3, ProductID: 5, OwnerID: 2, Owner: "Lena Vogel", OpenedOn: today.AddDate(0, 0, -20), Version: 5,
		Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: 42}}}
	for _, s := range capa.Stages {
		st := capa.StageOpen
		if s.Index() < 3 {
			st = capa.StageAccepted
		}
		c.Stages = append(c.Stages, capa.StageRecord{Stage: s, DueOn: c.OpenedOn.AddDate(0, 0, capa.DefaultDueDays[s]), State: st})
	}
	c.Stages[3].State, c.Stages[3].Comment, c.Stages[4].State = capa.StageReturned, "Sort the transit stock too "+evil, capa.StageSubmitted
	c.Report.D1 = capa.Team{Leader: "张伟", Members: []capa.Member{{Name: "李娜", Function: evil}}}
	c.Report.D4 = capa.RootCause{Occurrence: capa.WhyChain{Whys: []string{"Iron too cold", evil}, RootCause: "No check"},
		Ishikawa: capa.Ishikawa{Effect: "No sound", Causes: []capa.Cause{{Category: ncr.CatMachine, Text: "Iron drift " + evil, SubCauses: []string{"a", "b"}, Confirmed: &yes}}}}
	c.Report.D6 = capa.Implementation{Items: []capa.Implemented{{Action: 1, DoneOn: today, Evidence: "photos", Files: []int64{9}}}, ContainmentRemoved: true}
	c.Criterion = &capa.Criterion{SupplierID: 3, ProductID: 5, DefectCode: "FUN-01", MaxDefective: 3, PerUnits: 1000, Inspections: 3, StartOn: today}
	ev := capa.Evaluate(*c.Criterion, []capa.Point{{LotResultID: 1, InspectionID: 21, InspectedOn: today, Kind: inspection.KindPreShipment, Inspected: 200, Defective: 1}}, today)
	c.Evaluation = &ev
	return c
}

// TestNCRTemplates renders every NCR and CAPA page for a quality manager
// and checks what each must show, escaped; the supplier's view shows no
// internal notes and only D3 to D7 as forms.
func TestNCRTemplates(t *testing.T) {
	u := testUI(t)
	qm := qms.Actor{UserID: 2, Name: "Lena Vogel", Role: qms.RoleQualityManager}
	seen := map[string]bool{}
	for _, p := range ncrSamplePages() {
		first := !seen[p.template()]
		seen[p.template()] = true
		r := httptest.NewRequest("GET", "/ncrs", nil)
		w := httptest.NewRecorder()
		u.render(w, r.WithContext(qms.WithActor(r.Context(), qm)), http.StatusOK, p)
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
			t.Fatalf("%s: status %d, body:\n%s", p.template(), w.Code, body)
		}
		if strings.Contains(body, evil) {
			t.Errorf("%s: text reached the page unescaped", p.template())
		}
		want := map[string][]string{
			"ncr":        {`id="ncr-edit-form"`, `id="disposition-form"`, `name="qty_use_as_is" value="200"`, `id="approve-form"`, "no longer matching", `class="overdue"`, `id="move-void"`, `id="open-capa"`},
			"capa_list":  {`class="overdue"`, "D3 <span", `id="new-capa"`, "1 in all"},
			"ncr_pareto": {`class="chart chart-pareto"`, "FUN-01 &lt;script&gt;"},
			"ncr_copq":   {"1.00 EUR", `id="copq-EUR"`, `id="copq-JPY"`, `class="chart chart-pareto"`, "Cost (JPY)"},
			"ncr_report": {"5 Whys", `class="chart chart-ishikawa"`, "Electronic signatures", "D8 Closure and recognition"},
		}[p.template()]
		if !first {
			want = nil
		}
		if cp, ok := p.(*capaPage); ok {
			if cp.Portal {
				want = []string{`id="form-D3"`, `id="comment-D3"`, "Sort the transit stock too", `id="evidence-form"`}
				for _, not := range []string{"internal &lt;script", `id="note-form"`, `id="form-D0"`, `id="close-form"`, `id="review-D4"`, `id="criterion-form"`} {
					if strings.Contains(body, not) {
						t.Errorf("supplier's request page shows %q", not)
					}
				}
			} else {
				want = []string{`id="form-D3"`, `id="review-D4"`, `id="accept-D4"`, `id="note-form"`, `id="close-form"`, `id="criterion-form"`, "inspection 21", `id="fishbone"`}
			}
		}
		for _, s := range want {
			if !strings.Contains(body, s) {
				t.Errorf("%s lacks %q", p.template(), s)
			}
		}
	}
}

func TestStageFormRoundTrip(t *testing.T) {
	today := qms.NewDate(2026, 3, 20)
	c := capaSample(today, today.Time())
	c.Report.D3 = capa.Containment{Actions: []capa.InterimAction{{Description: "Sort stock", Owner: "李娜", DueOn: today, Done: true, DoneOn: today, Result: "37 rejects"},
		{Description: "Hold transit", Owner: "Anna", DueOn: today.AddDate(0, 0, 2)}}, Verification: "re-inspected"}
	c.Report.D5 = capa.Actions{Actions: []capa.PermanentAction{{Description: "Controlled irons", Addresses: capa.LegDetection, Owner: "张伟", DueOn: today}}}
	c.Report.D7 = capa.Prevention{Summary: "all lines", Changes: []capa.Change{{Kind: capa.ChangeSpec, RefID: 12, Description: "new test"}, {Kind: capa.ChangeDocument, Ref: "WI-7", Description: "x"}}}
	for _, s := range capa.Stages {
		form := map[string][]string{}
		for _, f := range stageFields(c, s) {
			form[f.Name] = []string{f.Value}
		}
		p := qms.Problems{}
		got := stageContent(s, form, p)
		if err := p.Err(); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if err := capa.CheckContent(&c.Report, got, false); err != nil {
			t.Errorf("%s: %v", s, err)
		}
		back := &capa.CAPA{}
		back.Report.Set(got)
		for i, f := range stageFields(back, s) {
			if want := stageFields(c, s)[i]; f.Value != want.Value {
				t.Errorf("%s %s: %q after the round trip, want %q", s, f.Name, f.Value, want.Value)
			}
		}
	}
	p := qms.Problems{}
	stageContent(capa.D3, map[string][]string{"actions": {"Sort | me | tomorrow"}}, p)
	stageContent(capa.D4, map[string][]string{"cause_machine": {"drift | | maybe"}}, p)
	if err := p.Err(); err == nil || !strings.Contains(err.Error(), "") || len(qms.ErrorFields(err)) != 2 {
		t.Errorf("bad lines: %v", err)
	}
}
