package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/capaops"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/ncr"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
)

// The NCR and CAPA demo: NCRs in every state (two raised from the failed
// inspections of the inspection demo), costs in three currencies, an 8D
// CAPA in progress with its Ishikawa, a CAPA closed with a signature once
// two later inspections proved it effective, and a supplier corrective
// action request to the portal supplier with the supplier's answers and a
// returned stage. Every change goes through ncrops and capaops as the demo
// people, signing with the demo password.

// ncrLoader loads the NCR demo.
type ncrLoader struct {
	*loader
	ncrs     *ncrops.Service
	capas    *capaops.Service
	sup      context.Context // the portal supplier's user
	qmID     int64
	today    qms.Date
	failed   map[inspection.Kind]*inspection.Inspection
	products map[string]int64 // by SKU
}

// LoadNCRs adds the NCR and CAPA demo to a database with the inspection
// demo (LoadInspections) and no NCRs yet. It does nothing when NCRs exist.
func LoadNCRs(ctx context.Context, st *store.Store, files *blob.Service, out io.Writer) error {
	sys := qms.WithActor(ctx, qms.Actor{Name: "demo loader", Role: qms.RoleAdmin, Via: "system"})
	var have []ncr.NCR
	if err := st.View(sys, func(tx *store.Tx) error {
		var err error
		have, _, err = tx.ListNCRs(store.NCRFilter{Limit: 1})
		return err
	}); err != nil {
		return err
	}
	if len(have) > 0 {
		return nil
	}
	as := &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}
	l := &ncrLoader{loader: &loader{st: st, files: files, ops: &inspectionops.Service{Store: st}},
		ncrs: &ncrops.Service{Store: st, Auth: as}, capas: &capaops.Service{Store: st, Auth: as},
		today: qms.DateOf(st.Now()), failed: map[inspection.Kind]*inspection.Inspection{}, products: map[string]int64{}}
	var err error
	if l.qm, l.qmID, err = l.as(ctx, "qm@demo.qms"); err != nil {
		return err
	}
	if l.ins, l.inspID, err = l.as(ctx, "inspector@demo.qms"); err != nil {
		return err
	}
	if l.sup, _, err = l.as(ctx, "supplier@demo.qms"); err != nil {
		return err
	}
	rows, _, err := l.ops.ListInspections(l.qm, store.InspectionSearch{InspectionFilter: store.InspectionFilter{Limit: store.MaxPageSize}})
	if err != nil {
		return err
	}
	for i := range rows {
		in := rows[i].Inspection
		l.products[rows[i].ProductSKU] = in.ProductID
		if in.Verdict == inspection.VerdictFail && in.ResubmissionOf == nil && l.failed[in.Kind] == nil {
			l.failed[in.Kind] = &in
		}
	}
	if l.failed[inspection.KindPreShipment] == nil || l.failed[inspection.KindIncoming] == nil {
		return fmt.Errorf("the inspection demo has no failed pre-shipment and incoming inspections to raise NCRs from")
	}
	steps := []struct {
		what string
		fn   func() error
	}{{"NCRs", l.ncrsInEveryState}, {"8D in progress", l.capaInProgress}, {"supplier request", l.scar}, {"closed CAPA", l.closedCAPA}}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			return fmt.Errorf("demo %s: %w", s.what, err)
		}
	}
	fmt.Fprintln(out, "demo: NCRs in every state, an 8D in progress, a CAPA closed once later inspections proved it, a supplier corrective action request answered in the portal")
	return nil
}

// ncr returns the current NCR.
func (l *ncrLoader) ncr(id int64) (*ncr.NCR, error) {
	d, err := l.ncrs.Get(l.qm, id)
	if err != nil {
		return nil, err
	}
	return &d.NCR, nil
}

// contain adds a containment action, completes it and marks the NCR
// contained.
func (l *ncrLoader) contain(id int64, k ncr.ActionKind, what, owner, result string) (*ncr.NCR, error) {
	a := &ncr.Action{NCRID: id, Kind: k, Description: what, OwnerName: owner, DueOn: l.today.AddDate(0, 0, -1)}
	if err := l.ncrs.AddAction(l.qm, a); err != nil {
		return nil, err
	}
	if _, err := l.ncrs.FinishAction(l.qm, id, a.ID, a.Version, ncr.ActionDone, result); err != nil {
		return nil, err
	}
	n, err := l.ncr(id)
	if err != nil {
		return nil, err
	}
	return l.ncrs.Move(l.qm, id, n.Version, ncr.MoveContain, "")
}

func (l *ncrLoader) cost(id int64, c ncr.Cost) error {
	n, err := l.ncr(id)
	if err != nil {
		return err
	}
	_, err = l.ncrs.SetCost(l.qm, id, n.Version, c, "")
	return err
}

// ncrsInEveryState raises the demo NCRs and moves each to its state.
func (l *ncrLoader) ncrsInEveryState() error {
	// Dispositioned: the failed hinge PSI; rework, and a few units used as
	// is under an MRB concession signed by the quality manager and the
	// inspector.
	hinge, err := l.ncrs.RaiseFromInspection(l.qm, l.failed[inspection.KindPreShipment].ID)
	if err != nil {
		return err
	}
	if hinge, err = l.contain(hinge.ID, ncr.HoldShipment, "Hold the lot at the factory warehouse 工厂仓库扣货", "陈静 (Chen Jing)", "lot tagged HOLD, photo sent"); err != nil {
		return err
	}
	uai := max(1, hinge.QuantityAffected/20)
	lines := []ncr.DispositionLine{{Kind: ncr.Rework, Quantity: hinge.QuantityAffected - uai, Rationale: "re-plate the base plates, re-inspect"},
		{Kind: ncr.UseAsIs, Quantity: uai, Rationale: "rust spot under 1 mm on the hidden face: no effect on fit or function; customer concession KM-2026-07"}}
	if hinge, err = l.ncrs.SetDisposition(l.qm, hinge.ID, hinge.Version, lines, ""); err != nil {
		return err
	}
	if hinge, _, err = l.ncrs.Approve(l.qm, hinge.ID, hinge.Version, Password, "MRB 2026-11: concession agreed with Küchen Müller"); err != nil {
		return err
	}
	if hinge, _, err = l.ncrs.Approve(l.ins, hinge.ID, hinge.Version, Password, "checked the 5 % sample at the factory"); err != nil {
		return err
	}
	if _, err = l.ncrs.Move(l.qm, hinge.ID, hinge.Version, ncr.MoveDisposition, ""); err != nil {
		return err
	}
	if err := l.cost(hinge.ID, ncr.Cost{Currency: "EUR", Rework: 86000, Sorting: 24000, Freight: 15000, ChargedBack: 110000}); err != nil {
		return err
	}
	l.failed[inspection.KindPreShipment].NCRID = &hinge.ID

	// Verified: the failed garment inspection, returned to the supplier.
	shirt, err := l.ncrs.RaiseFromInspection(l.qm, l.failed[inspection.KindIncoming].ID)
	if err != nil {
		return err
	}
	if shirt, err = l.contain(shirt.ID, ncr.Quarantine, "Move the lot to the MRB cage 隔离区", "Trần Thị Mai", "800 pcs in cage B2"); err != nil {
		return err
	}
	if shirt, err = l.ncrs.SetDisposition(l.qm, shirt.ID, shirt.Version, []ncr.DispositionLine{{Kind: ncr.ReturnToSupplier, Quantity: shirt.QuantityAffected,
		Rationale: "broken stitches and holes: the supplier replaces the lot"}}, ""); err != nil {
		return err
	}
	if shirt, err = l.ncrs.Move(l.qm, shirt.ID, shirt.Version, ncr.MoveDisposition, ""); err != nil {
		return err
	}
	if _, err = l.ncrs.Move(l.qm, shirt.ID, shirt.Version, ncr.MoveVerify, "returned on RMA 2026-311, the supplier's credit note received"); err != nil {
		return err
	}
	if err := l.cost(shirt.ID, ncr.Cost{Currency: "USD", Sorting: 12000, Freight: 34000, ChargedBack: 46000}); err != nil {
		return err
	}
	l.failed[inspection.KindIncoming].NCRID = &shirt.ID

	var boxSup, speakerSup int64
	if err := l.st.View(l.qm, func(tx *store.Tx) error {
		var err error
		if boxSup, err = tx.SupplierByName("东莞市恒通塑胶制品有限公司"); err != nil {
			return err
		}
		speakerSup, err = tx.SupplierByName("Công ty Cổ phần Điện tử Sao Việt")
		return err
	}); err != nil {
		return err
	}
	raise := func(n *ncr.NCR) (*ncr.NCR, error) {
		n.Severity, n.DetectedOn = inspection.Major, l.today.AddDate(0, 0, -3)
		if n.Defects == nil {
			n.Defects = []ncr.Defect{}
		}
		return n, l.ncrs.Create(l.qm, n)
	}
	// Open: a customer complaint of cracked boxes.
	box, err := raise(&ncr.NCR{Source: ncr.SourceComplaint, Title: "Cracked lids reported by the customer 盖子开裂", SupplierID: boxSup, ProductID: l.products["PL-BOX-2L"],
		ComplaintRef: "CC-2026-041", Requirement: "No cracks (spec 收纳盒 2 L, workmanship)", Found: "Customer found 14 cracked lids in 600 delivered; cracks start at the hinge pin",
		QuantityAffected: 600, CauseCategory: ncr.CatMaterial,
		Defects: []ncr.Defect{{Code: "PL-CRACK", Description: "Crack", Class: inspection.Major, Quantity: 14}}})
	if err != nil {
		return err
	}
	// Contained: wrong rating label on speakers, stock sorted.
	speaker, err := raise(&ncr.NCR{Source: ncr.SourceInProcess, Title: "Rating label with the wrong voltage", SupplierID: speakerSup, ProductID: l.products["BS-20-BLK"],
		PONumber: "PO-2026-0230", Requirement: "Rating label as artwork v3: 5 V ⎓ 2 A", Found: "Labels printed 12 V ⎓ 2 A on 300 units of the first carton layer",
		QuantityAffected: 300, CauseCategory: ncr.CatMethod,
		Defects: []ncr.Defect{{Description: "Wrong rating label 标签错误", Class: inspection.Major, Quantity: 300}}})
	if err != nil {
		return err
	}
	if _, err := l.contain(speaker.ID, ncr.Sort100, "Sort all cartons for the wrong label", "Nguyễn Văn Minh", "300 found, relabelled at the factory"); err != nil {
		return err
	}
	if err := l.cost(speaker.ID, ncr.Cost{Currency: "EUR", Sorting: 42000, Rework: 18000}); err != nil {
		return err
	}
	// Closed: scrapped hinge samples damaged in transit.
	scrap, err := raise(&ncr.NCR{Source: ncr.SourceOther, Title: "Transit damage on sample shipment", SupplierID: l.failed[inspection.KindPreShipment].SupplierID,
		ProductID: l.failed[inspection.KindPreShipment].ProductID, Found: "Carton crushed: 24 hinges bent", QuantityAffected: 24, CauseCategory: ncr.CatEnvironment,
		Defects: []ncr.Defect{{Description: "Bent arm", Class: inspection.Major, Quantity: 24}}})
	if err != nil {
		return err
	}
	if scrap, err = l.contain(scrap.ID, ncr.Quarantine, "Keep the damaged samples apart", "Anna Schmidt", "in the lab"); err != nil {
		return err
	}
	if err := l.cost(scrap.ID, ncr.Cost{Currency: "CNY", Scrap: 86400}); err != nil {
		return err
	}
	if scrap, err = l.ncr(scrap.ID); err != nil {
		return err
	}
	if scrap, err = l.ncrs.SetDisposition(l.qm, scrap.ID, scrap.Version, []ncr.DispositionLine{{Kind: ncr.Scrap, Quantity: 24, Rationale: "bent beyond repair"}}, ""); err != nil {
		return err
	}
	for _, m := range []struct {
		m      ncr.Move
		reason string
	}{{ncr.MoveDisposition, ""}, {ncr.MoveVerify, "scrap record SR-2026-118"}, {ncr.MoveClose, ""}} {
		if scrap, err = l.ncrs.Move(l.qm, scrap.ID, scrap.Version, m.m, m.reason); err != nil {
			return err
		}
	}
	// Voided: raised twice.
	dup, err := raise(&ncr.NCR{Source: ncr.SourceComplaint, Title: "Cracked lids (duplicate)", SupplierID: boxSup, ComplaintRef: "CC-2026-041",
		Found: "Same complaint as " + box.Number(), QuantityAffected: 600})
	if err != nil {
		return err
	}
	_, err = l.ncrs.Void(l.qm, dup.ID, dup.Version, "raised twice: see "+box.Number())
	return err
}

// stage saves content as ctx's actor and submits it; the quality manager
// accepts it, or returns it with a comment.
func (l *ncrLoader) stage(ctx context.Context, id int64, content capa.Content, decision capa.StageState, comment string) error {
	c, err := l.capaOf(id)
	if err != nil {
		return err
	}
	if c, err = l.capas.SaveStage(ctx, id, c.Version, content); err != nil {
		return err
	}
	if c, err = l.capas.SubmitStage(ctx, id, c.Version, content.Stage()); err != nil {
		return err
	}
	if decision == "" {
		return nil
	}
	_, err = l.capas.ReviewStage(l.qm, id, c.Version, content.Stage(), decision, comment)
	return err
}

func (l *ncrLoader) capaOf(id int64) (*capa.CAPA, error) {
	d, err := l.capas.Get(l.qm, id)
	if err != nil {
		return nil, err
	}
	return d.CAPA, nil
}

func yes() *bool { t := true; return &t }
func no() *bool  { f := false; return &f }

// capaInProgress opens an 8D on the cracked lids: D0 to D2 accepted,
// containment submitted, the root cause being worked with an Ishikawa.
func (l *ncrLoader) capaInProgress() error {
	rows, _, err := l.ncrs.List(l.qm, store.NCRFilter{Status: ncr.StatusOpen, Limit: 10})
	if err != nil || len(rows) == 0 {
		return fmt.Errorf("no open NCR for the 8D: %v", err)
	}
	n := rows[0]
	c := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypeCorrective, Title: "Cracked storage box lids 收纳盒盖开裂", Severity: inspection.Major,
		SupplierID: n.SupplierID, ProductID: n.ProductID, OwnerID: l.qmID, Owner: "王芳 (Wang Fang)",
		Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: n.ID}, {Kind: capa.SourceComplaint, Ref: "CC-2026-041"}}}
	if err := l.capas.Open(l.qm, c); err != nil {
		return err
	}
	for _, s := range []capa.Content{
		&capa.Emergency{Symptom: "Lids crack at the hinge pin after a few openings", Response: "Stock at the customer replaced; deliveries on hold"},
		&capa.Team{Leader: "王芳 (Wang Fang)", Champion: "Anna Schmidt", Members: []capa.Member{{Name: "李强 (Li Qiang)", Function: "quality engineering"},
			{Name: "梁工 (Liang)", Function: "moulding, supplier"}}},
		&capa.Problem{What: "Lid hinge pin cracks", Where: "Customer warehouse, Hamburg", When: "Lots of weeks 40 to 43", HowMany: "14 of 600 (2.3 %)",
			HowDetected: "Customer complaint CC-2026-041", IsNot: "Not on lots before week 40; not on the 1 L box made with the same resin"},
	} {
		if err := l.stage(l.qm, c.ID, s, capa.StageAccepted, ""); err != nil {
			return err
		}
	}
	if err := l.stage(l.qm, c.ID, &capa.Containment{Actions: []capa.InterimAction{
		{Description: "Sort warehouse stock, 100 % flex test of the lid", Owner: "李强 (Li Qiang)", DueOn: l.today, Done: true, DoneOn: l.today, Result: "2,400 tested: 31 cracked"}},
		Verification: "Re-test of 200 sorted lids: 0 cracks"}, "", ""); err != nil {
		return err
	}
	cur, err := l.capaOf(c.ID)
	if err != nil {
		return err
	}
	_, err = l.capas.SaveStage(l.qm, c.ID, cur.Version, &capa.RootCause{
		Occurrence: capa.WhyChain{Problem: "Pin cracks", Whys: []string{"Pin wall too thin at the gate", "Mould cavity 3 worn", "No cavity wear check in the PM plan"}},
		Ishikawa: capa.Ishikawa{Effect: "Cracked lid hinge pin 铰链销开裂", Causes: []capa.Cause{
			{Category: ncr.CatMachine, Text: "Cavity 3 worn", SubCauses: []string{"no wear check", "steel P20 instead of H13"}, Confirmed: yes()},
			{Category: ncr.CatMaterial, Text: "Resin lot with more regrind 回料比例高"},
			{Category: ncr.CatMethod, Text: "Cooling time cut from 18 s to 14 s"},
			{Category: ncr.CatMan, Text: "New setter on night shift", Confirmed: no()},
			{Category: ncr.CatMeasurement, Text: "Flex test only at first article"},
			{Category: ncr.CatEnvironment, Text: "Cold warehouse in winter"}}},
		Category: ncr.CatMachine})
	if err != nil {
		return err
	}
	return l.capas.AddNote(l.qm, &capa.Note{CAPAID: c.ID, Stage: capa.D4, Text: "Ask the supplier for the PM records of the mould before accepting D4 (internal)."})
}

// scar addresses a corrective action request to the portal supplier on
// the hinge NCR; the supplier answered D3 and D4, the buyer accepted D3
// and returned D4 once, and the answer is submitted again.
func (l *ncrLoader) scar() error {
	in := l.failed[inspection.KindPreShipment]
	c := &capa.CAPA{Kind: capa.KindSupplier, Type: capa.TypeCorrective, Title: "Rust on hinge base plates 铰链底板生锈", Severity: inspection.Major,
		SupplierID: in.SupplierID, SiteID: in.SiteID, ProductID: in.ProductID, OwnerID: l.qmID, Owner: "王芳 (Wang Fang)",
		Sources:   []capa.Source{{Kind: capa.SourceNCR, NCRID: *in.NCRID}},
		Criterion: &capa.Criterion{SupplierID: in.SupplierID, ProductID: in.ProductID, DefectCode: "HW-RUST", MaxDefective: 0, PerUnits: 1000, Inspections: 3}}
	if err := l.capas.Open(l.qm, c); err != nil {
		return err
	}
	for _, s := range []capa.Content{
		&capa.Emergency{Symptom: "Rust spots on the base plates found at PSI", Response: "Lot held at the factory; re-plating ordered"},
		&capa.Team{Leader: "陈静 (Chen Jing)", Members: []capa.Member{{Name: "陈静 (Chen Jing)", Function: "supplier QA"}, {Name: "王芳 (Wang Fang)", Function: "buyer SQE"}}},
		&capa.Problem{What: "Rust on zinc-plated base plates", Where: "PSI at the factory", When: "PO-2026-0117", HowMany: "6 of 80 sampled", HowDetected: "Visual check at PSI"},
	} {
		if err := l.stage(l.qm, c.ID, s, capa.StageAccepted, ""); err != nil {
			return err
		}
	}
	if err := l.stage(l.sup, c.ID, &capa.Containment{Actions: []capa.InterimAction{
		{Description: "Sort finished stock and WIP for rust 全检库存", Owner: "陈静 (Chen Jing)", DueOn: l.today, Done: true, DoneOn: l.today, Result: "4,800 sorted, 212 re-plated"}},
		Verification: "Salt spray test of 20 sorted hinges: passed 48 h"}, capa.StageAccepted, "Thank you: containment accepted."); err != nil {
		return err
	}
	first := &capa.RootCause{
		Occurrence: capa.WhyChain{Whys: []string{"Operator did not follow the plating procedure"}, RootCause: "Operator error"},
		Detection:  capa.WhyChain{Whys: []string{"No salt spray test per lot"}, RootCause: "Control plan has no corrosion test"},
		Category:   ncr.CatMan, Verification: "Operator retrained"}
	if err := l.stage(l.sup, c.ID, first, capa.StageReturned, "Operator error is not a root cause: why could the procedure be skipped? Please check the plating line (bath, thickness) and add an Ishikawa."); err != nil {
		return err
	}
	second := &capa.RootCause{
		Occurrence: capa.WhyChain{Problem: "Zinc layer too thin", Whys: []string{"Plating time shortened to meet the shipment date", "Bath chemistry not checked that week", "Line has no thickness gauge"},
			RootCause: "No thickness measurement and no lock on the plating time"},
		Detection: capa.WhyChain{Whys: []string{"No salt spray test per lot", "Control plan written for indoor hinges only"}, RootCause: "Control plan has no corrosion test"},
		Ishikawa: capa.Ishikawa{Effect: "Rust on base plate 底板生锈", Causes: []capa.Cause{
			{Category: ncr.CatMethod, Text: "Plating time shortened", Confirmed: yes()},
			{Category: ncr.CatMeasurement, Text: "No coating thickness gauge", Confirmed: yes()},
			{Category: ncr.CatMaterial, Text: "Steel coil with oil residue", SubCauses: []string{"degreasing bath exhausted"}},
			{Category: ncr.CatMan, Text: "Operator skipped a step", Confirmed: no()},
			{Category: ncr.CatEnvironment, Text: "Humid storage in the rainy season"}}},
		Category: ncr.CatMethod, Verification: "Thickness measured on 30 rusty plates: 3-4 µm against 8 µm required"}
	return l.stage(l.sup, c.ID, second, "", "")
}

// closedCAPA opens a CAPA on the garment NCR, completes its 8D, states
// that the next two pre-shipment inspections at the factory must show at
// most 10 major defective units per 1,000, records two clean ones, and
// closes it with the quality manager's signature once the criterion
// passes.
func (l *ncrLoader) closedCAPA() error {
	in := l.failed[inspection.KindIncoming]
	c := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypeCorrective, Title: "Broken stitches on polo shirts", Severity: inspection.Major,
		SupplierID: in.SupplierID, ProductID: in.ProductID, OwnerID: l.qmID, Owner: "王芳 (Wang Fang)",
		Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: *in.NCRID}}}
	if err := l.capas.Open(l.qm, c); err != nil {
		return err
	}
	r := capa.Report{
		D0: capa.Emergency{Symptom: "Broken stitches and holes at incoming inspection", Response: "Lot returned; next lot inspected at 100 %"},
		D1: capa.Team{Leader: "王芳 (Wang Fang)", Members: []capa.Member{{Name: "Trần Thị Mai", Function: "supplier QC"}, {Name: "Nguyễn Văn Minh", Function: "inspector"}}},
		D2: capa.Problem{What: "Seams open at the side", Where: "Incoming, Hamburg", When: "PO-2026-0305", HowMany: "7 of 80", HowDetected: "AQL incoming inspection"},
		D3: capa.Containment{Actions: []capa.InterimAction{{Description: "100 % seam check at the factory before packing", Owner: "Trần Thị Mai", DueOn: l.today, Done: true, DoneOn: l.today,
			Result: "3,000 checked, 41 repaired"}}, Verification: "Audit of 200 checked shirts: 0 open seams"},
		D4: capa.RootCause{
			Occurrence: capa.WhyChain{Whys: []string{"Thread tension too low", "Tension not set after the thread change", "No setting sheet at the machine"}, RootCause: "No tension setting sheet per thread"},
			Detection:  capa.WhyChain{Whys: []string{"End-of-line check is visual only"}, RootCause: "No seam pull test in the control plan"},
			Ishikawa: capa.Ishikawa{Effect: "Open side seams", Causes: []capa.Cause{{Category: ncr.CatMachine, Text: "Thread tension too low", Confirmed: yes()},
				{Category: ncr.CatMaterial, Text: "New thread supplier", Confirmed: no()}, {Category: ncr.CatMethod, Text: "No setting sheet", Confirmed: yes()}}},
			Category: ncr.CatMethod, Verification: "Seams sewn at the old tension opened in the pull test; at the new setting none did"},
		D5: capa.Actions{Actions: []capa.PermanentAction{
			{Description: "Tension setting sheet per thread at every machine", Addresses: capa.LegOccurrence, Owner: "Trần Thị Mai", DueOn: l.today},
			{Description: "Seam pull test, 5 shirts per hour", Addresses: capa.LegDetection, Owner: "Trần Thị Mai", DueOn: l.today}},
			Verification: "Pilot week: 0 open seams in 6,000"},
		D6: capa.Implementation{Items: []capa.Implemented{{Action: 1, DoneOn: l.today, Evidence: "Setting sheets posted, photos"}, {Action: 2, DoneOn: l.today, Evidence: "Control plan rev C"}},
			ContainmentRemoved: true, Validation: "Two weeks of production: 0 open seams"},
		D7: capa.Prevention{Summary: "Setting sheets on all sewing lines of the supplier", Changes: []capa.Change{{Kind: capa.ChangeControlPlan, Ref: "CP-HT-POLO rev C", Description: "seam pull test added"}}},
	}
	for _, s := range capa.Stages[:8] {
		if err := l.stage(l.qm, c.ID, r.Content(s), capa.StageAccepted, ""); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	cur, err := l.capaOf(c.ID)
	if err != nil {
		return err
	}
	cr := capa.Criterion{SupplierID: in.SupplierID, ProductID: in.ProductID, Class: inspection.Major, MaxDefective: 10, PerUnits: 1000, Inspections: 2,
		StartOn: l.today.AddDate(0, 0, -1), Kinds: []inspection.Kind{inspection.KindPreShipment}}
	if cur, err = l.capas.SetCriterion(l.qm, c.ID, cur.Version, cr, ""); err != nil {
		return err
	}
	if _, err = l.capas.Move(l.qm, c.ID, cur.Version, capa.MoveVerify, ""); err != nil {
		return err
	}
	if err := l.cleanLots(in, 2); err != nil {
		return err
	}
	if cur, err = l.capas.Evaluate(l.qm, c.ID); err != nil {
		return err
	}
	if cur, err = l.capas.SaveStage(l.qm, c.ID, cur.Version, &capa.Recognition{Summary: "Effective: two clean pre-shipment lots after the change",
		LessonsLearned: "Ask for setting sheets at supplier qualification", Recognition: "Thanks to the Hưng Thịnh sewing team"}); err != nil {
		return err
	}
	_, _, err = l.capas.Close(l.qm, c.ID, cur.Version, capa.CloseInput{}, Password, "8D complete, effectiveness proven by two pre-shipment lots")
	return err
}

// cleanLots records n pre-shipment inspections of the failed lot's
// product without defects, submitted and released.
func (l *ncrLoader) cleanLots(failed *inspection.Inspection, n int) error {
	spec, err := l.ops.Spec(l.qm, failed.SpecID)
	if err != nil {
		return err
	}
	prod, err := l.ops.Product(l.qm, failed.ProductID)
	if err != nil {
		return err
	}
	ln := line{supplierID: failed.SupplierID, siteID: failed.SiteID, product: prod, spec: spec}
	for i := range n {
		in, err := l.plan(ln, inspection.KindPreShipment, 800, fmt.Sprintf("PO-2026-04%02d", i+1), l.today)
		if err != nil {
			return err
		}
		if err := l.complete(in, ln, 20+i); err != nil {
			return err
		}
		sub, err := l.submit(in.ID, inspection.Submission{})
		if err != nil {
			return err
		}
		if _, err := l.decide(sub, inspection.Decision{Kind: inspection.DecideRelease}); err != nil {
			return err
		}
	}
	return nil
}
