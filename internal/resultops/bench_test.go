package resultops_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"testing"
	"time"

	"qms/internal/blob"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/inspectionops/insptest"
	"qms/internal/report"
	"qms/internal/resultops"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// benchJPEG makes a distinct 1600 × 1200 JPEG with sensor-like noise,
// about the size of a phone photo scaled for a report (300 to 400 KB).
func benchJPEG(b *testing.B, rng *rand.Rand, i int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1600; x++ {
			nz := uint8(rng.IntN(24))
			img.SetRGBA(x, y, color.RGBA{uint8(x/8+i*5) + nz, uint8(y/6) + nz, uint8((x+y)/16) + nz, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkInspectionReportPDF measures the whole PDF report of a
// submitted pre-shipment inspection as the web UI and the API make it
// (resultops.InspectionReportPDF: the inspection and its records from
// SQLite, the photos from the file store on disk, the model, the PDF with
// DejaVu Sans and the CJK font): one with 40 defects each with its own
// 1600 × 1200 photo, and as the baseline the same inspection without
// photos.
//
//	go test ./internal/resultops/ -run '^$' -bench InspectionReportPDF -benchtime 10x -count 3
func BenchmarkInspectionReportPDF(b *testing.B) {
	st := storetest.Open(b, store.SQLite)
	w := insptest.Build(b, st)
	disk, err := blob.NewDisk(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	files := blob.NewService(st, disk, 0)
	ops := &inspectionops.Service{Store: st}
	ops.RegisterFiles(files)
	fonts, err := report.LoadFonts("", nil)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 2))
	lot := func(photos int) int64 {
		in := w.Lot(b, st, w.PA, inspection.KindPreShipment, 3200)
		w.Complete(b, st, in)
		for i := range photos {
			f, err := files.Prepare(w.Inspector(), blob.Upload{Name: fmt.Sprintf("defect-%02d.jpg", i), Body: bytes.NewReader(benchJPEG(b, rng, i))})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ops.AddPhoto(w.Inspector(), in.ID, f); err != nil {
				b.Fatal(err)
			}
			d := &inspection.DefectEntry{Unit: 1 + i*3, Code: "SCR-01", Class: inspection.Minor, Location: "top cover 顶盖", Photos: []int64{f.ID}}
			if photos == 0 {
				d.Photos = nil
			}
			w.Record(b, st, in.ID, inspection.Entry{Kind: inspection.EntryDefect, Defect: d})
		}
		w.Submit(b, st, in.ID, inspection.Submission{})
		return in.ID
	}
	withPhotos, without := lot(40), lot(0)
	svc := &resultops.Service{Store: st}
	for _, c := range []struct {
		name string
		id   int64
	}{{"40_photos", withPhotos}, {"no_photos_baseline", without}} {
		b.Run(c.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				var buf bytes.Buffer
				if err := svc.InspectionReportPDF(w.Manager(), &buf, c.id, files, fonts, "", time.Now()); err != nil {
					b.Fatal(err)
				}
				size = buf.Len()
			}
			b.ReportMetric(float64(size)/1e6, "MB")
		})
	}
}
