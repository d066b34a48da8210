package ncrreport

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"qms/internal/capa"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/report/pdftest"
)

var generated = time.Date(2026, 3, 20, 9, 30, 0, 0, time.UTC)

func testFonts(t testing.TB) *report.Fonts {
	t.Helper()
	fs, err := report.LoadFonts(os.Getenv("QMS_PDF_CJK_FONT"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if fs.CJKFont() == "" {
		msg := "no CJK TrueType font found: install fonts-lxgw-wenkai"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return fs
}

func sampleNCR() NCRInput {
	at := time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)
	n := &ncr.NCR{ID: 42, Source: ncr.SourcePreShipment, Status: ncr.StatusDispositioned, Title: "蓝牙音箱 no sound", Severity: inspection.Major,
		SupplierID: 3, ProductID: 5, InspectionID: 17, PONumber: "PO-2026-0042", LotRef: "LOT-7", Requirement: "Function test: pairs and plays 1 min",
		Found: "8 of 125 units without sound 无声音", DetectedOn: qms.NewDate(2026, 3, 13), QuantityInspected: 125, QuantityAffected: 3200,
		CauseCategory: ncr.CatMachine,
		Defects:       []ncr.Defect{{Code: "FUN-01", Description: "No sound", Class: inspection.Major, Quantity: 8}},
		Disposition: []ncr.DispositionLine{{Kind: ncr.Sort, Quantity: 3000, Rationale: "100 % function test"},
			{Kind: ncr.UseAsIs, Quantity: 150, Rationale: "cosmetic only, customer concession CN-12"}, {Kind: ncr.Scrap, Quantity: 50, Rationale: "dead units"}},
		MRB:       []ncr.Approval{{Name: "Lena Vogel", Role: qms.RoleQualityManager, At: at}, {Name: "王芳", Role: qms.RoleQualityManager, At: at}},
		Cost:      ncr.Cost{Currency: "EUR", Scrap: 125000, Sorting: 48050, Freight: 9900, ChargedBack: 100000},
		Actions:   []ncr.Action{{Kind: ncr.Quarantine, Description: "Lot to MRB cage", OwnerName: "仓库 李伟", DueOn: qms.NewDate(2026, 3, 14), Status: ncr.ActionDone, Result: "tagged"}},
		CreatedBy: "Lena Vogel", CreatedAt: at}
	sig := esign.Signature{ID: 9, RecordType: esign.NCRDisposition, EntityType: "ncr", EntityID: 42, Meaning: esign.MeaningApproved, SignerName: "王芳",
		SignerRole: qms.RoleQualityManager, Method: "password", ContentHash: strings.Repeat("ab", 32), SignedAt: at}
	return NCRInput{NCR: n, Supplier: "深圳市华强电子有限公司", Product: "BS-20-BLK 蓝牙音箱", Inspection: "PSI-000017", CAPAs: []string{"SCAR-00007"},
		Signatures: []esign.Check{{Signature: sig, Matches: true, Status: esign.StatusValid}, {Signature: sig, Matches: false, Status: esign.StatusChanged}},
		Generated:  generated}
}

func sampleCAPA() CAPAInput {
	today := qms.NewDate(2026, 3, 1)
	yes, no := true, false
	c := &capa.CAPA{ID: 7, Kind: capa.KindSupplier, Type: capa.TypeCorrective, Status: capa.StatusVerifying, Title: "No sound on BS-20 无声", Severity: inspection.Major,
		SupplierID: 3, ProductID: 5, Owner: "Lena Vogel", OpenedOn: today}
	for _, s := range capa.Stages {
		c.Stages = append(c.Stages, capa.StageRecord{Stage: s, DueOn: today.AddDate(0, 0, capa.DefaultDueDays[s]), State: capa.StageAccepted})
	}
	c.Stages[8].State = capa.StageOpen
	c.Report = capa.Report{
		D0: capa.Emergency{Symptom: "Speakers without sound", Response: "Lot on hold"},
		D1: capa.Team{Leader: "张伟", Members: []capa.Member{{Name: "李娜", Function: "production"}}},
		D2: capa.Problem{What: "No sound", Where: "Line 2", When: "Week 9", HowMany: "8 of 125", HowDetected: "PSI function test"},
		D3: capa.Containment{Actions: []capa.InterimAction{{Description: "Sort stock at the factory", Owner: "李娜", DueOn: today, Done: true, DoneOn: today, Result: "37 rejects"}},
			Verification: "Re-inspection of 200 sorted units: 0 defects"},
		D4: capa.RootCause{
			Occurrence: capa.WhyChain{Problem: "Wire not soldered", Whys: []string{"Iron too cold 烙铁温度低", "No temperature check"}, RootCause: "No daily iron temperature check"},
			Detection:  capa.WhyChain{Whys: []string{"Function test skipped when late"}, RootCause: "Test not mandatory in the control plan"},
			Ishikawa: capa.Ishikawa{Effect: "No sound", Causes: []capa.Cause{
				{Category: ncr.CatMachine, Text: "Iron temperature drift", Confirmed: &yes},
				{Category: ncr.CatMan, Text: "New operator", Confirmed: &no},
				{Category: ncr.CatMaterial, Text: "Solder wire lot 焊锡"}}},
			Category: ncr.CatMachine, Verification: "Reproduced at 280 °C"},
		D5: capa.Actions{Actions: []capa.PermanentAction{{Description: "Controlled irons", Addresses: capa.LegOccurrence, Owner: "张伟", DueOn: today}}},
		D6: capa.Implementation{Items: []capa.Implemented{{Action: 1, DoneOn: today, Evidence: "Photos of the check sheet", Files: []int64{5}}}, ContainmentRemoved: true},
		D7: capa.Prevention{Summary: "All speaker lines", Changes: []capa.Change{{Kind: capa.ChangeWorkInstruction, Ref: "WI-SOL-003 rev 4", Description: "Daily check"}}},
	}
	c.Criterion = &capa.Criterion{SupplierID: 3, ProductID: 5, DefectCode: "FUN-01", MaxDefective: 3, PerUnits: 1000, Inspections: 3, StartOn: today}
	series := []capa.Point{
		{LotResultID: 1, InspectionID: 21, InspectedOn: today.AddDate(0, 0, 3), Kind: inspection.KindPreShipment, Inspected: 200, Defective: 0},
		{LotResultID: 2, InspectionID: 22, InspectedOn: today.AddDate(0, 0, 9), Kind: inspection.KindPreShipment, Inspected: 315, Defective: 1},
		{LotResultID: 3, InspectedOn: today.AddDate(0, 0, 12), Kind: inspection.KindPreShipment, Inspected: 200, Defective: 0},
	}
	ev := capa.Evaluate(*c.Criterion, series, today.AddDate(0, 0, 15))
	c.Evaluation = &ev
	return CAPAInput{CAPA: c, Supplier: "深圳市华强电子有限公司", Product: "BS-20-BLK", Sources: []string{"NCR-00042"}, Files: map[int64]string{5: "check-sheet.jpg"},
		Reviews:   []capa.Review{{Stage: capa.D4, Decision: capa.StageReturned, Comment: "Operator error is not a root cause", By: "Lena Vogel", At: generated}},
		Generated: generated}
}

func TestNCRModel(t *testing.T) {
	in := sampleNCR()
	r := BuildNCR(in)
	if r.Number != "NCR-00042" || r.Status != "DISPOSITIONED" || len(r.Signatures) != 2 || r.Signatures[1].Valid {
		t.Fatalf("%+v", r)
	}
	var got []string
	for _, s := range r.Sections {
		got = append(got, s.Title)
	}
	if strings.Join(got, "|") != "Requirement and finding|Containment|Disposition|Cost of poor quality" {
		t.Errorf("sections %q", got)
	}
	// The disposition adds up: 3,200 of 3,200, green.
	disp := r.Sections[2]
	found := false
	for _, b := range disp.Blocks {
		for _, f := range b.Fields {
			if f.Label == "Dispositioned" {
				found = f.Value == "3,200 of 3,200 units" && f.Tone == TonePass
			}
		}
	}
	if !found {
		t.Errorf("disposition total missing or wrong: %+v", disp.Blocks)
	}
	cost := r.Sections[3].Blocks[0].Table.Rows[0]
	if cost[5].Text != "1,829.50 EUR" || cost[6].Text != "1,000.00 EUR" {
		t.Errorf("cost row %+v", cost)
	}
}

func Test8DModel(t *testing.T) {
	in := sampleCAPA()
	r := Build8D(in)
	if r.Number != "SCAR-00007" || r.Subtitle != "Supplier corrective action request (8D)" {
		t.Fatalf("%q %q", r.Number, r.Subtitle)
	}
	var titles []string
	var fish *Block
	for i, s := range r.Sections {
		titles = append(titles, s.Title)
		for j := range s.Blocks {
			if s.Blocks[j].Ishikawa != nil {
				fish = &r.Sections[i].Blocks[j]
			}
		}
	}
	want := "Stages|D0 Emergency response|D1 Team|D2 Problem description|D3 Interim containment|D4 Root cause|D5 Permanent corrective actions|D6 Implementation and validation|D7 Prevention of recurrence|D8 Closure and recognition|Effectiveness|Review history"
	if strings.Join(titles, "|") != want {
		t.Errorf("sections\n%s\nwant\n%s", strings.Join(titles, "|"), want)
	}
	if fish == nil || len(fish.Ishikawa.Bones) != 6 || len(fish.Ishikawa.Bones[1].Causes) != 1 || fish.Ishikawa.Bones[1].Causes[0].Check != 1 {
		t.Fatalf("Ishikawa %+v", fish)
	}
	eff := r.Sections[10]
	var ev *Table
	for _, b := range eff.Blocks {
		if b.Table != nil {
			ev = b.Table
		}
	}
	if ev == nil || len(ev.Rows) != 3 || ev.Rows[0][0].Text != "PSI-000021" || ev.Rows[2][0].Text != "result 3 (imported)" || ev.Rows[1][4].Text != "1" {
		t.Errorf("evidence %+v", ev)
	}
}

func TestPDFs(t *testing.T) {
	pdftest.Require(t)
	fonts := testFonts(t)
	for _, c := range []struct {
		name string
		r    *Report
		want []string
	}{
		{"ncr", BuildNCR(sampleNCR()), []string{"Nonconformance report", "NCR-00042", "DISPOSITIONED", "蓝牙音箱 no sound", "深圳市华强电子有限公司",
			"8 of 125 units without sound 无声音", "FUN-01", "仓库 李伟", "Use as is", "3,200 of 3,200 units", "1,829.50 EUR", "Electronic signatures",
			"no longer", "matching", "valid", "PSI-000017", "SCAR-00007"}},
		{"8d", Build8D(sampleCAPA()), []string{"8D report", "SCAR-00007", "Supplier corrective action request (8D)", "No sound on BS-20 无声",
			"D0 Emergency response", "D4 Root cause", "5 Whys", "Why 1? Iron too cold 烙铁温度低", "Root cause: No daily iron temperature check",
			"Ishikawa diagram (6M)", "Man (people)", "Machine", "Method", "Material", "Measurement", "Environment", "Iron temperature drift", "Solder wire lot",
			"D8 Closure and recognition", "Effectiveness", "PSI-000021", "result 3 (imported)", "PASS", "1 defective in 715 units inspected",
			"check-sheet.jpg", "Operator error is not a root cause"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WritePDF(&b, c.r, fonts); err != nil {
				t.Fatal(err)
			}
			pdf := b.Bytes()
			text := pdftest.Text(t, pdf)
			flat := strings.Join(strings.Fields(text), " ")
			for _, w := range c.want {
				if !strings.Contains(text, norm.NFC.String(w)) && !strings.Contains(flat, norm.NFC.String(w)) {
					t.Errorf("extracted text lacks %q", w)
				}
			}
			pages := pdftest.Pages(t, pdf)
			imgs := pdftest.Render(t, pdf, 40)
			if len(imgs) != pages || pages < 1 {
				t.Fatalf("rendered %d of %d pages", len(imgs), pages)
			}
			for i, img := range imgs {
				if ink := pdftest.InkIn(img, 0.11, 0.5); ink < 0.01 {
					t.Errorf("page %d is nearly blank: %.3f inked", i+1, ink)
				}
			}
			if dir := os.Getenv("REPORT_PNG_DIR"); dir != "" {
				pdftest.Save(t, pdftest.Render(t, pdf, 70), dir, c.name)
			}
		})
	}
}
