package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"

	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/qms"
	"qms/internal/resultops"
	"qms/internal/sampling"
	"qms/internal/store"
)

// The inspection part of the demo: products with released specs, defect
// libraries and inspection plans, approved first article inspections, and
// inspections of every kind and outcome (passed, failed and sent to
// rework, its resubmission passed, pending, rejected, in progress,
// planned, a container loading check, one amended after its decision)
// with defects and photos drawn in code, and a year of agencies' results
// for the rejection rates. Everything goes through the same operations as
// the web UI, as the demo's inspectors and quality manager.

// demoProduct is one product line of the demo: the supplier that makes
// it, the product, its spec and plan, and its category's defect codes.
type demoProduct struct {
	supplier string // supplier name, as in the supplier demo
	product  inspection.Product
	spec     inspection.Spec
	defects  []inspection.DefectCode
}

func ptr64(v float64) *float64 { return &v }

func aql(s string) sampling.AQL {
	a, err := sampling.ParseAQL(s)
	if err != nil {
		panic(err)
	}
	return a
}

func demoProducts() []demoProduct {
	dim := func(name string, nominal, tol float64, unit string, critical bool) inspection.Characteristic {
		return inspection.Characteristic{Kind: inspection.CharDimensional, Name: name, Nominal: ptr64(nominal),
			Tolerance: inspection.Tolerance{Plus: ptr64(tol), Minus: ptr64(tol)}, Unit: unit, Critical: critical, Method: "caliper 0.01 mm"}
	}
	check := func(k inspection.CharKind, name, criterion string) inspection.Characteristic {
		return inspection.Characteristic{Kind: k, Name: name, Criterion: criterion}
	}
	test := func(name, typ, criterion string, level sampling.Level, n int) inspection.Characteristic {
		return inspection.Characteristic{Kind: inspection.CharTest, Name: name, Criterion: criterion,
			Test: &inspection.TestSpec{Type: typ, Level: level, SampleSize: n, Ac: 0, Re: 1}}
	}
	return []demoProduct{
		{supplier: PortalSupplier,
			product: inspection.Product{SKU: "HW-HINGE-35", Name: "35 mm soft-close cabinet hinge 缓冲铰链", Category: "hardware", Customer: "Küchen Müller GmbH", Market: "EU"},
			spec: inspection.Spec{Title: "缓冲铰链 35 mm spec", DrawingRef: "DWG-H35 rev B", GoldenSampleRef: "GS-H35-03", Characteristics: []inspection.Characteristic{
				dim("Cup diameter 铰杯直径", 35, 0.1, "mm", true), dim("Cup depth", 11.5, 0.2, "mm", false),
				check(inspection.CharAttribute, "Nickel plating", "even, no pits or peeling, as golden sample"),
				test("Open/close cycle", "function", "50 cycles, soft close every time", 0, 5),
				check(inspection.CharPacking, "Inner box", "2 pcs per polybag, 100 pcs per carton, ≤ 12 kg"),
				check(inspection.CharMarking, "Carton marks", "main and side marks as artwork v2, CE, “Made in China”")}},
			defects: []inspection.DefectCode{{Code: "HW-SCR", Description: "Scratch on plating > 3 mm", Class: inspection.Minor},
				{Code: "HW-RUST", Description: "Rust spot 锈点", Class: inspection.Major}, {Code: "HW-SC", Description: "Soft close not working", Class: inspection.Major},
				{Code: "HW-BURR", Description: "Sharp burr on edge 毛刺", Class: inspection.Critical}}},
		{supplier: "Công ty Cổ phần Điện tử Sao Việt",
			product: inspection.Product{SKU: "BS-20-BLK", Name: "Bluetooth speaker BS-20, black 蓝牙音箱", Category: "electronics", Customer: "Müller Audio", Market: "EU"},
			spec: inspection.Spec{Title: "BS-20 product spec", DrawingRef: "DWG-BS20 rev C", GoldenSampleRef: "GS-BS20-01", Characteristics: []inspection.Characteristic{
				dim("Length", 120, 0.5, "mm", true),
				{Kind: inspection.CharDimensional, Name: "Weight", Tolerance: inspection.Tolerance{Min: ptr64(380), Max: ptr64(420)}, Unit: "g", Method: "scale 1 g"},
				check(inspection.CharAttribute, "Colour", "Pantone Black 6 C, as golden sample"),
				test("Function test", "function", "pairs and plays 1 min", sampling.LevelS2, 0),
				test("Hi-pot", "hi_pot", "1.5 kV 60 s, no breakdown", 0, 3),
				check(inspection.CharPacking, "Export carton", "5-ply, 12 pcs per carton, drop test ISTA 1A"),
				check(inspection.CharMarking, "Rating label", "CE, WEEE, model and rating as artwork v3")}},
			defects: []inspection.DefectCode{{Code: "EL-SCR", Description: "Scratch on housing > 2 mm", Class: inspection.Minor},
				{Code: "EL-NOSND", Description: "No sound from one driver", Class: inspection.Major}, {Code: "EL-GAP", Description: "Gap between housing halves > 0.5 mm", Class: inspection.Major},
				{Code: "EL-LIVE", Description: "Exposed live part", Class: inspection.Critical}}},
		{supplier: "Công ty TNHH May Mặc Hưng Thịnh",
			product: inspection.Product{SKU: "TS-100-NVY", Name: "Áo thun cotton, xanh navy", Category: "garments", Customer: "Atelier Lumière", Market: "FR"},
			spec: inspection.Spec{Title: "Áo thun TS-100 spec", GoldenSampleRef: "GS-TS100-M", Characteristics: []inspection.Characteristic{
				dim("Chest width (M)", 520, 10, "mm", false), dim("Body length (M)", 700, 10, "mm", false),
				check(inspection.CharAttribute, "Colour shade", "navy, within grey scale 4 of the approved lab dip"),
				check(inspection.CharPacking, "Folding and polybag", "folded 25 × 30 cm, suffocation warning on polybag"),
				check(inspection.CharMarking, "Care label", "composition 100 % coton, care symbols, French and English")}},
			defects: []inspection.DefectCode{{Code: "GA-STI", Description: "Broken stitch", Class: inspection.Major},
				{Code: "GA-STN", Description: "Stain < 1 cm", Class: inspection.Minor}, {Code: "GA-HOLE", Description: "Hole", Class: inspection.Major},
				{Code: "GA-NEEDLE", Description: "Broken needle in garment", Class: inspection.Critical}}},
		{supplier: "东莞市恒通塑胶制品有限公司",
			product: inspection.Product{SKU: "PL-BOX-2L", Name: "Storage box 2 L with lid 收纳盒", Category: "plastics", Customer: "Müller Haushalt", Market: "DE"},
			spec: inspection.Spec{Title: "收纳盒 2 L spec", DrawingRef: "DWG-PB2 rev A", Characteristics: []inspection.Characteristic{
				dim("Length", 200, 0.8, "mm", false),
				check(inspection.CharAttribute, "Transparency", "clear, no flow lines visible at 30 cm"),
				check(inspection.CharPacking, "Nesting", "6 boxes nested per carton"),
				check(inspection.CharMarking, "Food-safe mark", "glass and fork symbol moulded on the base")}},
			defects: []inspection.DefectCode{{Code: "PL-FLASH", Description: "Flash on parting line", Class: inspection.Minor},
				{Code: "PL-SHORT", Description: "Short shot", Class: inspection.Major}, {Code: "PL-CRACK", Description: "Crack", Class: inspection.Major}}},
	}
}

// line is a loaded product line.
type line struct {
	supplierID, siteID int64
	product            *inspection.Product
	spec               *inspection.Spec
	plan               *inspection.Plan
}

// loader loads the inspection demo as its people.
type loader struct {
	st      *store.Store
	files   *blob.Service
	ops     *inspectionops.Service
	qm, ins context.Context // the quality manager and the inspector
	ins2    context.Context // the second inspector
	inspID  int64           // the inspector's user id
	keys    int
	photos  int
}

func (l *loader) as(ctx context.Context, email string) (context.Context, int64, error) {
	var u *qms.User
	err := l.st.View(ctx, func(tx *store.Tx) error {
		var err error
		u, _, err = tx.UserByEmail(email)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("demo user %s: %w", email, err)
	}
	return qms.WithActor(ctx, qms.ActorOf(u, "system")), u.ID, nil
}

// LoadInspections adds the inspection demo to a database that has the
// demo users and suppliers (Load) and no products yet, storing its photos
// with files. It does nothing when products exist.
func LoadInspections(ctx context.Context, st *store.Store, files *blob.Service, out io.Writer) error {
	var page *store.ProductPage
	sys := qms.WithActor(ctx, qms.Actor{Name: "demo loader", Role: qms.RoleAdmin, Via: "system"})
	if err := st.View(sys, func(tx *store.Tx) error {
		var err error
		page, err = tx.ListProducts(store.ProductFilter{Limit: 1})
		return err
	}); err != nil {
		return err
	}
	if page.Total > 0 {
		return nil
	}
	// The demo's quality manager signs spec releases and first article
	// decisions electronically with the demo password, as in the product.
	l := &loader{st: st, files: files, ops: &inspectionops.Service{Store: st, Auth: &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}}}
	var err error
	if l.qm, _, err = l.as(ctx, "qm@demo.qms"); err != nil {
		return err
	}
	if l.ins, l.inspID, err = l.as(ctx, "inspector@demo.qms"); err != nil {
		return err
	}
	if l.ins2, _, err = l.as(ctx, "inspector2@demo.qms"); err != nil {
		return err
	}
	var lines []line
	for _, dp := range demoProducts() {
		ln, err := l.line(dp)
		if err != nil {
			return fmt.Errorf("demo product %s: %w", dp.product.SKU, err)
		}
		lines = append(lines, ln)
	}
	if err := l.inspections(lines); err != nil {
		return fmt.Errorf("demo inspections: %w", err)
	}
	if err := l.thirdParty(lines); err != nil {
		return fmt.Errorf("demo agency results: %w", err)
	}
	fmt.Fprintf(out, "demo: %d products with specs and plans, inspections of every kind with %d photos, a year of agency results\n", len(lines), l.photos)
	return nil
}

// line creates a product with its defect codes, released spec and plan.
func (l *loader) line(dp demoProduct) (line, error) {
	ln := line{}
	err := l.st.Update(l.qm, func(tx *store.Tx) error {
		id, err := tx.SupplierByName(dp.supplier)
		if err != nil {
			return err
		}
		sites, err := tx.Sites(id)
		if err != nil || len(sites) == 0 {
			return fmt.Errorf("supplier %s has no site: %v", dp.supplier, err)
		}
		ln.supplierID, ln.siteID = id, sites[0].ID
		p := dp.product
		if err := tx.CreateProduct(&p); err != nil {
			return err
		}
		ln.product = &p
		have, err := tx.DefectCodes(p.Category, false)
		if err != nil {
			return err
		}
		for _, d := range dp.defects {
			if len(have) > 0 {
				break // the category's library exists
			}
			d.Category = p.Category
			if err := tx.CreateDefectCode(&d); err != nil {
				return err
			}
		}
		sp := dp.spec
		sp.ProductID = p.ID
		for i := range sp.Characteristics {
			sp.Characteristics[i].No = i + 1
		}
		if err := tx.CreateSpec(&sp); err != nil {
			return err
		}
		ln.spec = &sp
		return nil
	})
	if err != nil {
		return ln, err
	}
	if ln.spec, err = l.ops.ReleaseSpec(l.qm, ln.spec.ID, ln.spec.Version, inspection.Release{Reason: "approved for mass production"}, Password); err != nil {
		return ln, err
	}
	err = l.st.Update(l.qm, func(tx *store.Tx) error {
		ln.plan = &inspection.Plan{ProductID: ln.product.ID, Standard: sampling.ISO2859, Level: sampling.LevelII,
			Classes: []inspection.ClassAQL{{Class: inspection.Critical, ZeroTolerance: true}, {Class: inspection.Major, AQL: aql("2.5")},
				{Class: inspection.Minor, AQL: aql("4.0")}},
			Stages: []inspection.StageRule{{Kind: inspection.KindPreProduction}, {Kind: inspection.KindInProcess}, {Kind: inspection.KindPreShipment},
				{Kind: inspection.KindContainerLoading}, {Kind: inspection.KindIncoming}},
			Inspectors: inspection.Inspectors{Internal: true, ThirdParty: true}, ReducedApproved: true,
			Notes: "Buyer's standard plan: critical zero tolerance, major 2.5, minor 4.0."}
		return tx.CreatePlan(ln.plan)
	})
	return ln, err
}

func (l *loader) key() string {
	l.keys++
	return fmt.Sprintf("demo-entry-%06d", l.keys)
}

// plan books an inspection of a lot of the line by the inspector.
func (l *loader) plan(ln line, k inspection.Kind, lot int, po string, planned qms.Date) (*inspection.Inspection, error) {
	in := &inspection.Inspection{Kind: k, ProductID: ln.product.ID, SpecID: ln.spec.ID, SupplierID: ln.supplierID, SiteID: ln.siteID,
		Lot: inspection.Lot{PONumber: po, OrderQuantity: lot, LotSize: lot, Produced: lot, Packed: lot}, PlannedOn: planned,
		Inspector: inspection.Inspector{UserID: &l.inspID}}
	switch k {
	case inspection.KindFirstArticle:
		in.Lot, in.FAIPieces = inspection.Lot{LotSize: 5, Produced: 5}, 3
	case inspection.KindInProcess:
		in.Lot.Produced, in.Lot.Packed = lot*3/10, 0
	case inspection.KindPreShipment:
		in.Lot.Packed = lot * 9 / 10
	}
	err := l.ops.PlanInspection(l.qm, in)
	if qms.ErrorKind(err) == qms.KindConflict && strings.Contains(qms.ErrorMessage(err), "certificate requirements") {
		// The supplier demo has a supplier whose certificate is suspended:
		// its lots are inspected under a quality manager's override.
		in.ID = 0
		err = l.ops.PlanInspection(l.qm, in, inspection.GateOverride{Gate: inspection.GateSupplier,
			Reason: "ISO 9001 surveillance audit booked; every lot is inspected by the buyer until the certificate is reinstated"})
	}
	return in, err
}

func (l *loader) record(id int64, e inspection.Entry) error {
	e.Key, e.InspectionID = l.key(), id
	_, err := l.ops.RecordEntry(l.ins, &e)
	return err
}

// photo draws a photo of the subject and attaches it to the inspection.
func (l *loader) photo(id int64, seed int, subject string) (int64, error) {
	f, err := l.files.Prepare(l.ins, blob.Upload{Name: subject + ".jpg", ContentType: "image/jpeg", Body: bytes.NewReader(drawPhoto(seed))})
	if err != nil {
		return 0, err
	}
	if _, err := l.ops.AddPhoto(l.ins, id, f); err != nil {
		return 0, err
	}
	l.photos++
	return f.ID, nil
}

// defect records a defect of the library on a unit, with a photo when
// seed > 0.
func (l *loader) defect(id int64, unit int, code string, class inspection.DefectClass, where string, seed int) error {
	d := &inspection.DefectEntry{Unit: unit, Code: code, Class: class, Location: where}
	if seed > 0 {
		pid, err := l.photo(id, seed, code)
		if err != nil {
			return err
		}
		d.Photos = []int64{pid}
	}
	return l.record(id, inspection.Entry{Kind: inspection.EntryDefect, Defect: d})
}

// complete records a sampled inspection as conform but for its defects:
// every unit, the sections, every check, test and one reading per
// dimension (mid-tolerance), and a general photo.
func (l *loader) complete(in *inspection.Inspection, ln line, seed int) error {
	id := in.ID
	if err := l.record(id, inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 1, To: in.Sampling.UnitsToDraw}}); err != nil {
		return err
	}
	for _, sec := range []inspection.Section{inspection.SecQuantity, inspection.SecProductConformity, inspection.SecPacking, inspection.SecMarking} {
		if err := l.record(id, inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: sec, Result: inspection.Conform}}); err != nil {
			return err
		}
	}
	for _, c := range ln.spec.Characteristics {
		switch c.Kind {
		case inspection.CharAttribute, inspection.CharPacking, inspection.CharMarking:
			if err := l.record(id, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: c.No, Result: inspection.Conform}}); err != nil {
				return err
			}
		case inspection.CharDimensional:
			lo, hi := c.Limits()
			for u := 1; u <= 3; u++ {
				v := math.Round(((*lo+*hi)/2+(*hi-*lo)*float64(u-2)/8)*100) / 100
				if err := l.record(id, inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: u, Characteristic: c.No, Value: v}}); err != nil {
					return err
				}
			}
		}
	}
	for _, tp := range in.Sampling.Tests {
		for u := 1; u <= tp.SampleSize; u++ {
			if err := l.record(id, inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: tp.No, Unit: u, Pass: true}}); err != nil {
				return err
			}
		}
	}
	cartons := in.Lot.LotSize / 12
	if err := l.record(id, inspection.Entry{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: cartons, Counted: cartons,
		Opened: int(math.Ceil(math.Sqrt(float64(cartons))))}}); err != nil {
		return err
	}
	pid, err := l.photo(id, seed, "general view")
	if err != nil {
		return err
	}
	return l.record(id, inspection.Entry{Kind: inspection.EntryPhoto, Photo: &inspection.PhotoEntry{FileID: pid, Caption: "General view of the lot / 货物全景"}})
}

func (l *loader) submit(id int64, sub inspection.Submission) (*inspection.Inspection, error) {
	in, err := l.ops.Inspection(l.ins, id)
	if err != nil {
		return nil, err
	}
	return l.ops.Submit(l.ins, id, in.Version, sub)
}

func (l *loader) decide(in *inspection.Inspection, d inspection.Decision) (*inspection.Inspection, error) {
	return l.ops.Decide(l.qm, in.ID, in.Version, d, Password)
}

// fai approves the first article of a line.
func (l *loader) fai(ln line, day qms.Date) error {
	in, err := l.plan(ln, inspection.KindFirstArticle, 5, "", day)
	if err != nil {
		return err
	}
	for _, c := range ln.spec.Characteristics {
		f := &inspection.FAIEntry{Characteristic: c.No, Gauge: "Mitutoyo caliper 0.01 mm"}
		if c.Kind == inspection.CharDimensional {
			lo, hi := c.Limits()
			mid := (*lo + *hi) / 2
			f.Values = []float64{mid, math.Round((mid+(*hi-*lo)/10)*100) / 100, math.Round((mid-(*hi-*lo)/10)*100) / 100}
		} else {
			pass := true
			f.Pass, f.Result, f.Gauge = &pass, "as required", "visual / golden sample"
		}
		if err := l.record(in.ID, inspection.Entry{Kind: inspection.EntryFAI, FAI: f}); err != nil {
			return err
		}
	}
	sub, err := l.submit(in.ID, inspection.Submission{})
	if err != nil {
		return err
	}
	_, err = l.decide(sub, inspection.Decision{Kind: inspection.DecideApprove, Reason: "first articles meet every characteristic"})
	return err
}

// inspections loads the demo inspections.
func (l *loader) inspections(lines []line) error {
	today := qms.DateOf(l.st.Now())
	hinge, speaker, shirt, box := lines[0], lines[1], lines[2], lines[3]
	for _, ln := range []line{hinge, speaker, shirt} {
		if err := l.fai(ln, today.AddDate(0, -3, 0)); err != nil {
			return fmt.Errorf("FAI %s: %w", ln.product.SKU, err)
		}
	}

	// 1. Hinge PSI passed with a few minor defects: released.
	in, err := l.plan(hinge, inspection.KindPreShipment, 2400, "PO-2026-0101", today.AddDate(0, 0, -40))
	if err != nil {
		return err
	}
	if err := l.complete(in, hinge, 1); err != nil {
		return err
	}
	for i, u := range []int{7, 33, 61} {
		if err := l.defect(in.ID, u, "HW-SCR", inspection.Minor, "cup rim 铰杯边缘", 2+i); err != nil {
			return err
		}
	}
	sub, err := l.submit(in.ID, inspection.Submission{})
	if err != nil {
		return err
	}
	if _, err := l.decide(sub, inspection.Decision{Kind: inspection.DecideRelease}); err != nil {
		return err
	}

	// 2. Hinge PSI failed on major defects: rework, and its re-inspection passed.
	in, err = l.plan(hinge, inspection.KindPreShipment, 2400, "PO-2026-0117", today.AddDate(0, 0, -25))
	if err != nil {
		return err
	}
	if err := l.complete(in, hinge, 5); err != nil {
		return err
	}
	for i, u := range []int{3, 9, 14, 22, 28, 40, 47, 55, 70} {
		code, where := "HW-RUST", "base plate"
		if i%3 == 2 {
			code, where = "HW-SC", "damper"
		}
		seed := 0
		if i < 5 {
			seed = 6 + i
		}
		if err := l.defect(in.ID, u, code, inspection.Major, where, seed); err != nil {
			return err
		}
	}
	if err := l.record(in.ID, inspection.Entry{Kind: inspection.EntryRemark, Remark: &inspection.RemarkEntry{
		Text: "Rust spots on the base plates of one production batch; the factory will re-plate and sort the lot. 工厂将返工并全检。"}}); err != nil {
		return err
	}
	sub, err = l.submit(in.ID, inspection.Submission{})
	if err != nil {
		return err
	}
	dec, err := l.decide(sub, inspection.Decision{Kind: inspection.DecideRework, Reason: "re-plate the rusty base plates, sort 100 %"})
	if err != nil {
		return err
	}
	if dec.Decision != nil && dec.Decision.ReinspectionID != nil {
		re, err := l.ops.Inspection(l.ins, *dec.Decision.ReinspectionID)
		if err != nil {
			return err
		}
		if err := l.complete(re, hinge, 12); err != nil {
			return err
		}
		if err := l.defect(re.ID, 18, "HW-SCR", inspection.Minor, "arm", 0); err != nil {
			return err
		}
		sub, err := l.submit(re.ID, inspection.Submission{})
		if err != nil {
			return err
		}
		if _, err := l.decide(sub, inspection.Decision{Kind: inspection.DecideRelease}); err != nil {
			return err
		}
	}

	// 3. Hinge container loading check, passed.
	in, err = l.plan(hinge, inspection.KindContainerLoading, 2400, "PO-2026-0101", today.AddDate(0, 0, -37))
	if err != nil {
		return err
	}
	for _, e := range []inspection.Entry{
		{Kind: inspection.EntryContainer, Container: &inspection.ContainerEntry{ContainerNo: "CSQU3054383", SealNo: "SL-884213", Type: "40' HC"}},
		{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 200, Counted: 200, Opened: 14}},
	} {
		if err := l.record(in.ID, e); err != nil {
			return err
		}
	}
	for _, item := range inspection.ContainerItems {
		if err := l.record(in.ID, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Item: item, Result: inspection.Conform}}); err != nil {
			return err
		}
	}
	for _, c := range hinge.spec.Characteristics {
		if c.Kind == inspection.CharPacking || c.Kind == inspection.CharMarking {
			if err := l.record(in.ID, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: c.No, Result: inspection.Conform}}); err != nil {
				return err
			}
		}
	}
	for _, sec := range []inspection.Section{inspection.SecQuantity, inspection.SecContainer, inspection.SecPacking, inspection.SecMarking} {
		if err := l.record(in.ID, inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: sec, Result: inspection.Conform}}); err != nil {
			return err
		}
	}
	pid, err := l.photo(in.ID, 14, "container")
	if err != nil {
		return err
	}
	if err := l.record(in.ID, inspection.Entry{Kind: inspection.EntryPhoto, Photo: &inspection.PhotoEntry{FileID: pid, Caption: "Container doors sealed, seal SL-884213"}}); err != nil {
		return err
	}
	sub, err = l.submit(in.ID, inspection.Submission{})
	if err != nil {
		return err
	}
	if _, err := l.decide(sub, inspection.Decision{Kind: inspection.DecideRelease}); err != nil {
		return err
	}

	// 4. Speaker PSI left pending for the client: a label question.
	in, err = l.plan(speaker, inspection.KindPreShipment, 1200, "PO-2026-0230", today.AddDate(0, 0, -6))
	if err != nil {
		return err
	}
	if err := l.complete(in, speaker, 15); err != nil {
		return err
	}
	for i, d := range []struct {
		unit  int
		code  string
		class inspection.DefectClass
	}{{4, "EL-SCR", inspection.Minor}, {19, "EL-GAP", inspection.Major}, {52, "EL-SCR", inspection.Minor}} {
		if err := l.defect(in.ID, d.unit, d.code, d.class, "front grille", 16+i); err != nil {
			return err
		}
	}
	if _, err := l.submit(in.ID, inspection.Submission{Pending: true,
		PendingReason: "The rating label shows 5 V 2 A; the spec says 5 V 1 A. The client must confirm which is right."}); err != nil {
		return err
	}

	// 5. Speaker in-process inspection being recorded (in progress).
	in, err = l.plan(speaker, inspection.KindInProcess, 3000, "PO-2026-0241", today)
	if err != nil {
		return err
	}
	if err := l.record(in.ID, inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 1, To: 40}}); err != nil {
		return err
	}
	if err := l.defect(in.ID, 12, "EL-NOSND", inspection.Major, "left driver", 19); err != nil {
		return err
	}

	// 6. Garments incoming inspection failed: rejected, then amended.
	in, err = l.plan(shirt, inspection.KindIncoming, 800, "PO-2026-0305", today.AddDate(0, 0, -15))
	if err != nil {
		return err
	}
	if err := l.complete(in, shirt, 20); err != nil {
		return err
	}
	for i, u := range []int{2, 5, 11, 17, 23, 31, 44} {
		code := "GA-STI"
		if i%2 == 1 {
			code = "GA-HOLE"
		}
		seed := 0
		if i < 3 {
			seed = 21 + i
		}
		if err := l.defect(in.ID, u, code, inspection.Major, "side seam / đường may sườn", seed); err != nil {
			return err
		}
	}
	sub, err = l.submit(in.ID, inspection.Submission{})
	if err != nil {
		return err
	}
	if _, err := l.decide(sub, inspection.Decision{Kind: inspection.DecideReject, Reason: "7 garments with broken stitches or holes in 80: return to the supplier"}); err != nil {
		return err
	}
	if err := l.ops.Amend(l.qm, &inspection.Amendment{InspectionID: in.ID, Text: "Returned to Hưng Thịnh on the next truck; credit note CN-0042 received.",
		Reason: "record how the rejection was settled"}); err != nil {
		return err
	}

	// 7. Storage box pre-production inspection planned.
	if _, err := l.plan(box, inspection.KindPreProduction, 5000, "PO-2026-0312", today.AddDate(0, 0, 7)); err != nil {
		return err
	}
	return nil
}

// thirdParty imports a year of agencies' results for the rejection rates.
func (l *loader) thirdParty(lines []line) error {
	today := qms.DateOf(l.st.Now())
	agencies := []string{"QIMA", "V-Trust", "SGS", "Bureau Veritas", "Intertek"}
	var rows []resultops.Row
	n := 0
	for m := 11; m >= 1; m-- {
		for i, ln := range lines {
			n++
			day := today.AddDate(0, -m, -(i*5)%20)
			major := (n * 7) % 9
			minor := (n * 5) % 11
			verdict := "pass"
			if major >= 8 || (n%13 == 0) {
				verdict = "fail"
			}
			kind := "PSI"
			if i == 2 {
				kind = "IQC"
			}
			rows = append(rows, resultops.Row{Row: n, Result: resultops.ThirdParty{Agency: agencies[n%len(agencies)],
				ReportNo: fmt.Sprintf("%s-%s-%03d", agencyCode(agencies[n%len(agencies)]), day.String()[:7], n), Date: day.String(),
				PONumber: fmt.Sprintf("PO-2025-%04d", 500+n), Supplier: strconv.FormatInt(ln.supplierID, 10), Site: strconv.FormatInt(ln.siteID, 10),
				Product: ln.product.SKU, Kind: kind, LotSize: 3200, SampleSize: 125, MajorDefects: major, MinorDefects: minor, Verdict: verdict}})
		}
	}
	rep, err := (&resultops.Service{Store: l.st}).Import(l.qm, resultops.CheckRows(rows), resultops.ImportOptions{})
	if err != nil {
		return err
	}
	if !rep.Committed {
		return fmt.Errorf("agency results not imported: %v", rep.Errors)
	}
	return nil
}

func agencyCode(a string) string {
	switch a {
	case "Bureau Veritas":
		return "BV"
	case "V-Trust":
		return "VT"
	}
	if len(a) > 4 {
		return a[:4]
	}
	return a
}

// drawPhoto draws a 640 × 480 JPEG of a part on a bench, different per
// seed: a gradient backdrop, a grey part and, for defects, a dark mark.
func drawPhoto(seed int) []byte {
	const w, h = 640, 480
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	base := color.RGBA{uint8(180 + seed*13%60), uint8(170 + seed*29%70), uint8(150 + seed*41%80), 255}
	cx, cy := float64(w)*(0.35+0.3*float64(seed%5)/5), float64(h)*(0.4+0.2*float64(seed%3)/3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			shade := 1 - 0.35*float64(y)/h
			c := color.RGBA{uint8(float64(base.R) * shade), uint8(float64(base.G) * shade), uint8(float64(base.B) * shade), 255}
			dx, dy := (float64(x)-float64(w)/2)/220, (float64(y)-float64(h)/2)/150
			if dx*dx+dy*dy < 1 {
				g := uint8(200 - 60*(dx*dx+dy*dy))
				c = color.RGBA{g, g, g + 10, 255}
			}
			if math.Hypot(float64(x)-cx, float64(y)-cy) < float64(10+seed%12) {
				c = color.RGBA{110, 45, 25, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 78})
	return b.Bytes()
}
