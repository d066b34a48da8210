package web

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/inspectionops/insptest"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/store"
	"qms/internal/supplier"
)

// inspectionSamplePages returns data for every product and inspection
// page template, full and nearly empty, for TestTemplatesRender.
func inspectionSamplePages() []page {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	prod := &inspection.Product{ID: 5, SKU: "BS-20", Name: "蓝牙音箱 <script>alert(1)</script>", Category: "electronics", Customer: "Müller", Market: "EU",
		Description: "line 1\nline 2", CreatedAt: now, UpdatedAt: now, Version: 2}
	spec := insptest.SpecOf(5)
	spec.ID, spec.Revision, spec.Status, spec.ReleasedAt, spec.ReleasedBy, spec.Version = 9, 2, inspection.SpecReleased, &now, "Wang Fang", 3
	for i := range spec.Characteristics {
		spec.Characteristics[i].No = i + 1
	}
	draft := *spec
	draft.ID, draft.Status, draft.ReleasedAt = 10, inspection.SpecDraft, nil
	plan := insptest.PlanOf(5)
	plan.ID, plan.Version, plan.Counting = 3, 1, inspection.CountDefectives
	sup := &supplier.Supplier{ID: 7, Name: "深圳精密五金有限公司", NameLatin: "Shenzhen Precision"}
	site := &supplier.Site{ID: 11, SupplierID: 7, Name: "一厂", NameLatin: "Plant 1"}
	samp, err := inspection.PlanSampling(inspection.SamplingInput{Standard: sampling.ISO2859, Level: sampling.LevelII, Classes: plan.Classes,
		Counting: inspection.CountDefectives, Lot: 500, Severity: map[inspection.DefectClass]sampling.Severity{inspection.Major: sampling.Tightened},
		SeverityReason: map[inspection.DefectClass]string{inspection.Major: "tightened since inspection 3"}, Tests: spec.Characteristics[3:4]})
	if err != nil {
		panic(err)
	}
	uid := int64(4)
	in := &inspection.Inspection{ID: 42, Kind: inspection.KindPreShipment, Status: inspection.StatusInProgress, ProductID: 5, SpecID: 9, SupplierID: 7, SiteID: 11,
		Lot: inspection.Lot{PONumber: "PO-1", OrderQuantity: 600, LotSize: 500, Produced: 500, Packed: 450}, Inspector: inspection.Inspector{UserID: &uid, Name: "Trần Văn Hùng"},
		PlannedOn: qms.NewDate(2026, 3, 2), Stage: inspection.DefaultStage(inspection.KindPreShipment), Sampling: samp, Remarks: "remark",
		GateOverrides: []inspection.GateOverride{{Gate: "fai", Reason: "booked", Blocked: "no FAI", By: "QM", At: now}}, CreatedAt: now, UpdatedAt: now, Version: 3}
	entries := []inspection.Entry{
		{ID: 1, InspectionID: 42, Key: "k-00000001", Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 1, To: 10}, RecordedBy: "Hùng", RecordedAt: now},
		{ID: 2, InspectionID: 42, Key: "k-00000002", Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: 3, Code: "SCR-01", Description: "Scratch",
			Class: inspection.Minor, Location: "top", Photos: []int64{77}}, RecordedBy: "Hùng", RecordedAt: now},
		{ID: 3, InspectionID: 42, Key: "k-00000003", Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 121,
			UnitOfMeasure: "mm", OutOfTolerance: true}, RecordedAt: now},
		{ID: 4, InspectionID: 42, Key: "k-00000004", Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 42, Counted: 42, Opened: 7}, RecordedAt: now},
		{ID: 5, InspectionID: 42, Key: "k-00000005", Kind: inspection.EntryPhoto, Photo: &inspection.PhotoEntry{FileID: 78, Caption: "marks"}, RecordedAt: now},
		{ID: 6, InspectionID: 42, Key: "k-00000006", Kind: inspection.EntryRemark, Remark: &inspection.RemarkEntry{Text: "factory QA present"}, RecordedAt: now},
		{ID: 7, InspectionID: 42, Key: "k-00000007", Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: 4, Unit: 1, Pass: false}, RecordedAt: now},
	}
	res := inspection.Evaluate(in, spec, entries)
	photos := []store.File{{ID: 77, Name: "defect.jpg", ThumbSHA256: "ab"}, {ID: 78, Name: "marks.pdf"}}
	view := &inspectionops.View{Inspection: in, Product: prod, Spec: spec, Supplier: sup, Site: site, Plan: plan, Entries: entries, Result: res,
		Amendments: []inspection.Amendment{{ID: 1, Text: "42 cartons", Reason: "typo", By: "QM", At: now}},
		Library:    []inspection.DefectCode{{Code: "SCR-01", Description: "Scratch", Class: inspection.Minor}}, Photos: photos, Reinspections: []int64{43}, NCRReady: true}
	decided := *in
	decided.Status, decided.Verdict, decided.ComputedVerdict, decided.Result = inspection.StatusDecided, inspection.VerdictFail, inspection.VerdictFail, res
	re := int64(43)
	decided.Decision = &inspection.Decision{Kind: inspection.DecideRework, Reason: "sort", ReinspectionID: &re, By: "QM", At: now}
	dview := *view
	dview.Inspection = &decided
	fai := *in
	fai.Kind, fai.Sampling, fai.FAIPieces = inspection.KindFirstArticle, nil, 2
	fview := *view
	fview.Inspection, fview.Result = &fai, inspection.Evaluate(&fai, spec, nil)
	clc := *in
	clc.Kind, clc.Sampling = inspection.KindContainerLoading, nil
	cview := *view
	cview.Inspection, cview.Result = &clc, inspection.Evaluate(&clc, spec, nil)
	row := inspectionops.Row{Inspection: *in, ProductSKU: "BS-20", ProductName: prod.Name, SupplierName: "Shenzhen", SiteName: "Plant 1"}
	stream := inspectionops.StreamRow{Stream: inspection.Stream{SupplierID: 7, ProductID: 5, Class: inspection.Major, Reason: "tightened since inspection 3",
		LastInspectionID: 3, State: sampling.SwitchState{Severity: sampling.Tightened}}, SupplierName: "Shenzhen", ProductSKU: "BS-20"}
	stopped := stream
	stopped.State.Discontinued = true
	streams := streamTable{Streams: streamViews([]inspectionops.StreamRow{stream, stopped}), CanResume: true, Back: "/products/5"}
	pv := &inspectionops.Preview{Product: prod, Spec: spec, Supplier: sup, Site: site, Plan: plan, Stage: in.Stage, Sampling: samp,
		Severity: map[inspection.DefectClass]string{inspection.Major: "tightened"}, FAIGate: &inspection.FAIGateResult{Message: "no approved FAI"},
		SupplierGate: supplier.GateResult{Checks: []supplier.Check{{Requirement: supplier.Requirement{Standard: "ISO 9001"}, Blocking: true, Message: "missing"}}},
		Blocked:      []string{"no FAI"}, Gates: []string{"supplier", "fai"}}
	form := planFormFrom(nil)
	form.Kind, form.Override["fai"] = "pre_shipment", true
	rec := func(v *inspectionops.View) *recordPage {
		cfg, _ := json.Marshal(map[string]any{"id": v.Inspection.ID})
		p := &recordPage{layout: layout{Title: "Record"}, V: v, Config: string(cfg), Units: []int{1, 2, 3}, Grid: true, MeasRows: []int{1, 2},
			Dims: []recDim{{No: 1, Name: "Length", Unit: "mm", Req: "120 ± 0.5"}}, Checks: []recCheck{{No: 3, Name: "Colour", Section: inspection.SecProductConformity}},
			Container: []recCheck{{Item: "walls", Name: "Walls"}}, Tests: []recTest{{No: 4, Name: "Function", N: 2, Units: []int{1, 2}}},
			Sections: inspection.SectionsFor(v.Inspection.Kind), Library: []recCode{{Code: "SCR-01", Desc: "Scratch", Class: inspection.Minor}},
			Classes: inspection.Classes, Recordable: true, FAI: v.Result.FAI, FAIPieces: []int{1, 2}, Key: "web-1"}
		return p
	}
	people := []inspectionops.Person{{ID: 4, Name: "Trần Văn Hùng", Role: qms.RoleInspector}}
	return []page{
		&productListPage{layout: layout{Title: "Products"}, Products: []inspection.Product{*prod}, Total: 1, PrevURL: "/products", NextURL: "/products?page=2",
			CanCreate: true, Categories: []supplier.Category{{Code: "electronics", Name: "Electronics"}}},
		&productListPage{layout: layout{Title: "Products"}},
		&productFormPage{layout: layout{Title: "Edit"}, Product: prod, Form: productFormOf(prod), Errors: map[string]string{"sku": "taken"}, Problem: "conflict"},
		&productFormPage{layout: layout{Title: "New"}},
		&productPage{layout: layout{Title: "BS-20"}, Product: prod, Category: "Electronics", Specs: []inspection.Spec{*spec, draft},
			Plans: []planRow{{Plan: *plan}, {Plan: *plan, SupplierName: "Shenzhen"}}, Switching: streams, Inspections: []inspectionops.Row{row},
			Suppliers: []supplier.Supplier{*sup}, CanEdit: true, CanApprove: true},
		&productPage{layout: layout{Title: "BS-20"}, Product: prod},
		func() page {
			p := &specPage{layout: layout{Title: "Spec"}, Spec: &draft, Product: prod, Editable: true, CanRelease: true, CanEdit: true, Kinds: inspection.CharKinds,
				Levels: inspLevels, TestTypes: inspection.TestTypes, Errors: map[string]string{"title": "too long"}, Problem: "invalid"}
			for i, c := range draft.Characteristics {
				p.Rows = append(p.Rows, charRowOf(i, c))
			}
			p.Rows[0].Error = "unit: is required"
			p.withBlanks()
			return p
		}(),
		&specPage{layout: layout{Title: "Spec"}, Spec: spec, Product: prod},
		&defectsPage{layout: layout{Title: "Defects"}, Category: "electronics", Categories: []supplier.Category{{Code: "electronics", Name: "Electronics"}},
			Codes:   []inspection.DefectCode{{ID: 1, Code: "SCR-01", Description: "Scratch", Class: inspection.Minor}, {ID: 2, Code: "OLD", Class: inspection.Major, VoidedAt: &now}},
			Classes: inspection.Classes, CanEdit: true, Errors: map[string]string{"code": "bad"}, Problem: "invalid"},
		&defectsPage{layout: layout{Title: "Defects"}},
		func() page {
			p := planFormOf(plan)
			p.layout, p.Product, p.Plan, p.Supplier, p.AQLs, p.Levels, p.CanEdit = layout{Title: "Plan"}, prod, plan, sup, aqlChoices, inspLevels, true
			p.Errors = map[string]string{"classes.0.aql": "bad", "stages.1.kind": "twice"}
			return p
		}(),
		func() page {
			p := planFormOf(defaultPlan())
			p.layout, p.Product, p.AQLs, p.Levels = layout{Title: "Plan"}, prod, aqlChoices, inspLevels
			return p
		}(),
		&inspectionListPage{layout: layout{Title: "Inspections"}, Kinds: kindOptions(), Statuses: inspection.Statuses, Suppliers: []supplier.Supplier{*sup},
			Products: []inspection.Product{*prod}, Inspections: []inspectionops.Row{row}, NextURL: "/inspections?before=1", FirstURL: "/inspections", CanPlan: true,
			Internal: true, Query: inspectionQuery{Kind: "pre_shipment", Supplier: "7"}, Errors: map[string]string{"from": "bad"}},
		&inspectionListPage{layout: layout{Title: "Inspections"}},
		&inspectionNewPage{layout: layout{Title: "Plan"}, Form: form, Kinds: kindOptions(), Products: []inspection.Product{*prod}, Suppliers: []supplier.Supplier{*sup},
			Sites: []supplier.Site{*site}, People: people, Preview: pv, Ready: true, CanOverride: true, Errors: map[string]string{"lot_size": "bad"}, Problem: "blocked"},
		&inspectionNewPage{layout: layout{Title: "Plan"}, Form: planFormFrom(nil), Preview: &inspectionops.Preview{SamplingError: "no plan", SupplierGate: supplier.GateResult{Allowed: true}}},
		&inspectionNewPage{layout: layout{Title: "Plan"}, Form: planFormFrom(nil)},
		&inspectionPage{layout: layout{Title: "Inspection"}, V: view, R: res, Internal: true, CanRecord: true, CanSubmit: true, CanCancel: true, CanEdit: true,
			Decisions: inspection.DecisionKinds(in.Kind), Photos: map[int64]photoView{77: {ID: 77, Thumb: true}}, General: []photoView{{ID: 78, Name: "marks.pdf"}},
			Errors: map[string]string{"reason": "required"}, Problem: "invalid"},
		&inspectionPage{layout: layout{Title: "Inspection"}, V: &dview, R: res, CanDecide: true, CanReturn: true, CanAmend: true, Decisions: inspection.DecisionKinds(in.Kind),
			ReportURL: "/inspections/42/report.pdf", DecideForm: decideForm{Kind: "rework"}},
		&inspectionPage{layout: layout{Title: "FAI"}, V: &fview, R: fview.Result},
		&inspectionEditPage{layout: layout{Title: "Edit"}, V: view, Form: headerForm(in), People: people, Errors: map[string]string{"lot_size": "fixed"}, Problem: "conflict"},
		&inspectionEditPage{layout: layout{Title: "Edit"}, V: &fview, Form: headerForm(&fai)},
		rec(view), rec(&fview), rec(&cview), rec(&dview),
		&switchingPanel{Table: streamTable{Streams: streams.Streams, ByProduct: true, CanResume: true}},
		&switchingPanel{},
	}
}

// TestInspectionServiceWorker checks the service worker's script as
// served: a script of this origin, not cached by HTTP, allowed the scope
// of the recording pages, listing every static file by its content-hash
// URL (and no placeholder left).
func TestInspectionServiceWorker(t *testing.T) {
	u := &UI{assets: mustLoadAssets()}
	mux := &recordingMux{}
	u.registerInspections(mux)
	if !slices.Contains(mux.patterns, "GET /inspections/sw.js") {
		t.Fatal("no route for the service worker")
	}
	w := httptest.NewRecorder()
	u.inspectionServiceWorker(w, httptest.NewRequest("GET", "/inspections/sw.js", nil))
	body := w.Body.String()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") || w.Header().Get("Cache-Control") != "no-cache" ||
		w.Header().Get("Service-Worker-Allowed") != "/inspections/" {
		t.Errorf("headers %v", w.Header())
	}
	if strings.Contains(body, "__ASSETS__") || strings.Contains(body, "__VERSION__") {
		t.Error("a placeholder is left in the script")
	}
	for _, name := range []string{"inspection.js", "inspection.css", "app.css", "app.js", "vendor/htmx-2.0.11.min.js"} {
		url, err := u.assets.URL(name)
		if err != nil || !strings.Contains(body, `"`+url+`"`) {
			t.Errorf("the worker does not keep %s (%s, %v)", name, url, err)
		}
	}
}
