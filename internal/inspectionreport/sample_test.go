package inspectionreport

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/supplier"
)

// generated is the fixed clock of the tests.
var generated = time.Date(2026, 3, 14, 9, 26, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// sample is a realistic pre-shipment inspection of a speaker made in
// Vietnam for a Chinese supplier: every kind of entry, defects of three
// classes with photos, readings out of tolerance, a failed test, decided
// under concession and then amended.
type sample struct {
	in      Input
	entries []inspection.Entry
	photos  map[int64][]byte
}

func speakerSpec() *inspection.Spec {
	return &inspection.Spec{ID: 7, ProductID: 3, Revision: 2, Title: "蓝牙音箱 BS-20 规格书", DrawingRef: "DWG-BS20 rev C", GoldenSampleRef: "GS-2026-014",
		Status: inspection.SpecReleased,
		Characteristics: []inspection.Characteristic{
			{No: 1, Kind: inspection.CharDimensional, Name: "Length 长度", Nominal: ptr(120.0), Tolerance: inspection.Tolerance{Plus: ptr(0.5), Minus: ptr(0.5)}, Unit: "mm", Critical: true, Method: "caliper"},
			{No: 2, Kind: inspection.CharDimensional, Name: "Weight", Tolerance: inspection.Tolerance{Min: ptr(380.0), Max: ptr(420.0)}, Unit: "g"},
			{No: 3, Kind: inspection.CharAttribute, Name: "Colour", Criterion: "Pantone 2945 C, as golden sample"},
			{No: 4, Kind: inspection.CharTest, Name: "Function test", Criterion: "pairs and plays 1 min", Test: &inspection.TestSpec{Type: "function", Level: sampling.LevelS2, Ac: 0, Re: 1}},
			{No: 5, Kind: inspection.CharPacking, Name: "Export carton", Criterion: "5-ply, 12 pcs per carton, ≤ 15 kg"},
			{No: 6, Kind: inspection.CharMarking, Name: "Shipping mark", Criterion: "main and side marks as artwork v3, “Made in Vietnam”"},
		}}
}

func newSample(t testing.TB, photoCount int) *sample {
	t.Helper()
	spec := speakerSpec()
	aql := func(s string) sampling.AQL {
		a, err := sampling.ParseAQL(s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	sp, err := inspection.PlanSampling(inspection.SamplingInput{Standard: sampling.ISO2859, Level: sampling.LevelII, Lot: 3200,
		Classes:  []inspection.ClassAQL{{Class: inspection.Critical, ZeroTolerance: true}, {Class: inspection.Major, AQL: aql("2.5")}, {Class: inspection.Minor, AQL: aql("4.0")}},
		Counting: inspection.CountDefectives, Tests: spec.Characteristics,
		SeverityReason: map[inspection.DefectClass]string{inspection.Major: "normal since inspection 31: 10 lots accepted"}})
	if err != nil {
		t.Fatal(err)
	}
	submitted := time.Date(2026, 3, 12, 16, 5, 0, 0, time.UTC)
	decided := time.Date(2026, 3, 13, 10, 40, 0, 0, time.UTC)
	in := &inspection.Inspection{ID: 42, Kind: inspection.KindPreShipment, Status: inspection.StatusDecided, ProductID: 3, SpecID: 7, SupplierID: 5, SiteID: 9,
		Lot:       inspection.Lot{PONumber: "PO-2026-0042", OrderQuantity: 3600, LotSize: 3200, Produced: 3200, Packed: 2880},
		Inspector: inspection.Inspector{UserID: ptr(int64(4)), Name: "Nguyễn Văn Minh"}, PlannedOn: qms.NewDate(2026, 3, 12),
		Stage: inspection.DefaultStage(inspection.KindPreShipment), Sampling: sp, Remarks: "Golden sample GS-2026-014 was at the factory.",
		SubmittedAt: &submitted, SubmittedBy: "Nguyễn Văn Minh", GateOverrides: []inspection.GateOverride{}}
	s := &sample{photos: map[int64][]byte{}}
	files := map[int64]FileInfo{}
	nextFile := int64(100)
	photo := func() int64 {
		nextFile++
		if int(nextFile-100) <= photoCount {
			files[nextFile] = FileInfo{Name: "IMG.jpg", Image: true}
			s.photos[nextFile] = jpegOf(t, 480, 360, int(nextFile))
		}
		return nextFile
	}
	id := int64(0)
	add := func(e inspection.Entry) {
		id++
		e.ID, e.InspectionID, e.RecordedBy, e.RecordedAt = id, in.ID, "Nguyễn Văn Minh", submitted.Add(time.Duration(id)*time.Minute)
		s.entries = append(s.entries, e)
	}
	add(inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 1, To: sp.UnitsToDraw}})
	defects := []struct {
		unit  int
		code  string
		desc  string
		class inspection.DefectClass
		loc   string
	}{
		{3, "SCR-01", "划痕 Scratch on housing > 2 mm", inspection.Minor, "top cover 顶盖"},
		{8, "FUN-01", "No sound from left driver", inspection.Major, "left driver"},
		{8, "SCR-01", "划痕 Scratch on housing > 2 mm", inspection.Minor, "back"},
		{15, "GAP-02", "Gap between housing halves 0.8 mm", inspection.Major, "seam"},
		{21, "SCR-01", "划痕 Scratch on housing > 2 mm", inspection.Minor, "front grille"},
		{34, "FUN-01", "No sound from left driver", inspection.Major, "left driver"},
		{40, "LBL-03", "Rating label crooked", inspection.Minor, "bottom"},
		{52, "FUN-01", "No sound from left driver", inspection.Major, "left driver"},
		{77, "GAP-02", "Gap between housing halves 0.8 mm", inspection.Major, "seam"},
		{90, "FUN-01", "No sound from left driver", inspection.Major, "left driver"},
		{101, "FUN-01", "No sound from left driver", inspection.Major, "left driver"},
		{115, "GAP-02", "Gap between housing halves 0.8 mm", inspection.Major, "seam"},
	}
	for i, d := range defects {
		e := inspection.DefectEntry{Unit: d.unit, Code: d.code, Description: d.desc, Class: d.class, Location: d.loc}
		if i%3 != 2 {
			e.Photos = []int64{photo()}
		}
		if i == 0 {
			e.Note = "Kiểm tra lại toàn bộ lô hàng (re-check the whole lot)"
		}
		add(inspection.Entry{Kind: inspection.EntryDefect, Defect: &e})
	}
	for u, v := range []float64{120.1, 120.3, 119.8, 120.7, 120.0, 119.4, 120.2, 120.1} {
		add(inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: u + 1, Characteristic: 1, Value: v,
			UnitOfMeasure: "mm", OutOfTolerance: !spec.Characteristics[0].InTolerance(v)}})
	}
	for u, v := range []float64{401, 398, 405} {
		add(inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: u + 1, Characteristic: 2, Value: v, UnitOfMeasure: "g"}})
	}
	tp, _ := sp.Test(4)
	for u := 1; u <= tp.SampleSize; u++ {
		te := inspection.TestEntry{Characteristic: 4, Unit: u, Pass: u != 5}
		if u == 5 {
			te.Note, te.Value, te.Photos = "no Bluetooth pairing", "0 of 3 attempts", []int64{photo()}
		}
		add(inspection.Entry{Kind: inspection.EntryTest, Test: &te})
	}
	add(inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: 3, Result: inspection.Conform}})
	add(inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: 5, Result: inspection.Conform, Note: "gross weight 13.8 kg"}})
	add(inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: 6, Result: inspection.NotConform,
		Note: "side mark lacks “Made in Vietnam”", Photos: []int64{photo()}}})
	for _, sec := range []inspection.Section{inspection.SecQuantity, inspection.SecProductConformity, inspection.SecPacking, inspection.SecMarking} {
		add(inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: sec, Result: inspection.Conform}})
	}
	add(inspection.Entry{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 267, Counted: 267, Opened: 17}})
	for _, c := range []string{"General view of the lot", "Opened cartons", "Shipping marks 唛头", "Golden sample comparison"} {
		add(inspection.Entry{Kind: inspection.EntryPhoto, Photo: &inspection.PhotoEntry{FileID: photo(), Caption: c}})
	}
	for range max(0, photoCount-int(nextFile-100)) {
		add(inspection.Entry{Kind: inspection.EntryPhoto, Photo: &inspection.PhotoEntry{FileID: photo(), Caption: "Production line 生产线"}})
	}
	add(inspection.Entry{Kind: inspection.EntryRemark, Remark: &inspection.RemarkEntry{Text: "Nhà máy đã xác nhận lỗi âm thanh. Factory confirmed the sound defect; 工厂将全检。"}})

	res := inspection.Evaluate(in, spec, s.entries)
	in.Result, in.Verdict, in.ComputedVerdict = res, res.Verdict, res.Verdict
	in.Decision = &inspection.Decision{Kind: inspection.DecideConcession, Reason: "Market launch date; sound defects sorted by the factory",
		Conditions: "100 % function test at the factory, 5 % discount", ByID: 2, By: "王芳 (Wang Fang)", At: decided}
	s.in = Input{
		Inspection: in, Spec: spec,
		Product:  &inspection.Product{ID: 3, SKU: "BS-20-BLK", Name: "蓝牙音箱 BS-20 Bluetooth speaker, black", Category: "electronics", Customer: "Müller Audio GmbH", Market: "EU"},
		Supplier: &supplier.Supplier{ID: 5, Name: "深圳市华强电子有限公司", NameLatin: "Shenzhen Huaqiang Electronics Co., Ltd."},
		Site:     &supplier.Site{ID: 9, Name: "Nhà máy Bắc Ninh", Address: "Lô 12, KCN Quế Võ, Bắc Ninh, Việt Nam"},
		Amendments: []inspection.Amendment{{ID: 1, InspectionID: 42, Text: "Unit 52 was re-tested by the factory: the left driver was loose, not defective.",
			Reason: "Factory's sorting report of 2026-03-14", ByID: 2, By: "王芳 (Wang Fang)", At: decided.Add(26 * time.Hour)}},
		Files: files, Client: "Müller Audio GmbH", Generated: generated,
	}
	return s
}

// jpegOf makes a w × h JPEG: a gradient with a dark disc, different per seed.
func jpegOf(t testing.TB, w, h, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := w*(3+seed%4)/10, h/2, h/4
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(40 + 180*x/w), uint8(90 + seed*37%120), uint8(200 - 150*y/h), 255}
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) < r*r {
				c = color.RGBA{30, 30, 40, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
