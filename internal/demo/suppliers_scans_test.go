package demo_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"qms/internal/blob"
	"qms/internal/demo"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/report/pdftest"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops"
)

// TestDemoCertificateScans: after the demo suppliers, a few certificates
// have scans attached by the demo quality manager: PDFs that name the
// supplier in Chinese and a PNG; the supplier user sees its own
// certificate's scan; loading again adds nothing.
func TestDemoCertificateScans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var out bytes.Buffer
		if err := demo.Load(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		disk, err := blob.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		files := blob.NewService(st, disk, 0)
		fonts, err := report.LoadFonts("", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadCertificateScans(ctx, st, files, fonts, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "demo: 3 certificate scans attached") {
			t.Errorf("output %q does not report 3 scans", out.String())
		}

		ops := &supplierops.Service{Store: st}
		user := func(email string) *qms.User {
			var u *qms.User
			if err := st.View(ctx, func(tx *store.Tx) error {
				var err error
				u, _, err = tx.UserByEmail(email)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return u
		}
		qmUser := user("qm@demo.qms")
		qm := qms.WithActor(ctx, qms.ActorOf(qmUser, "session"))
		page, err := ops.ListSuppliers(qm, store.SupplierFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		types := map[string]int{}
		var portalScan *store.File
		var portalCert int64
		var portalPDF []byte
		for _, s := range page.Items {
			d, err := ops.SupplierDetail(qm, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range d.Certificates {
				scans, err := ops.Scans(qm, c.Certificate.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range scans {
					types[f.ContentType]++
					if f.UploadedBy != qmUser.ID || f.OwnerType != supplierops.OwnerCertificate || f.OwnerID != c.Certificate.ID {
						t.Errorf("scan %+v of %s: not the quality manager's upload onto the certificate", f, c.Certificate.Number)
					}
					obj, err := files.Open(qm, &f, false)
					if err != nil {
						t.Fatal(err)
					}
					data, err := io.ReadAll(obj)
					obj.Close()
					if err != nil || int64(len(data)) != f.Size {
						t.Fatalf("scan %s: %d bytes read of %d (%v)", f.Name, len(data), f.Size, err)
					}
					if f.ContentType == "image/png" && (f.Width == 0 || f.ThumbSHA256 == "") {
						t.Errorf("PNG scan %+v has no size or thumbnail", f)
					}
					if s.Name == demo.PortalSupplier && c.Certificate.Number == "04524Q30127R1M" {
						portalScan, portalCert, portalPDF = &f, c.Certificate.ID, data
					}
				}
			}
		}
		if types["application/pdf"] != 2 || types["image/png"] != 1 || len(types) != 2 {
			t.Errorf("scans by type: %v; want 2 PDFs and a PNG", types)
		}
		if portalScan == nil {
			t.Fatal("the portal supplier's ISO 9001 certificate has no scan")
		}
		// The supplier user sees the scan of its own certificate.
		su := qms.WithActor(ctx, qms.ActorOf(user("supplier@demo.qms"), "session"))
		if scans, err := ops.Scans(su, portalCert); err != nil || len(scans) != 1 || scans[0].ID != portalScan.ID {
			t.Errorf("the supplier user sees scans %+v (%v), want its certificate's one", scans, err)
		}

		// Loading again adds nothing.
		if err := demo.LoadCertificateScans(ctx, st, files, fonts, &out); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.DB().QueryRow("SELECT COUNT(*) FROM files WHERE owner_type = 'certificate'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("%d certificate scans after loading twice, want 3", n)
		}

		// The PDF is a one-page certificate naming the supplier in Chinese.
		pdftest.Require(t)
		text := pdftest.Text(t, portalPDF)
		if n := pdftest.Pages(t, portalPDF); n != 1 {
			t.Errorf("the certificate PDF has %d pages, want 1", n)
		}
		for _, want := range []string{demo.PortalSupplier, "04524Q30127R1M", "ISO 9001:2015", "质量管理体系认证证书", "not a real certificate"} {
			if !strings.Contains(text, want) {
				t.Errorf("the certificate PDF lacks %q:\n%s", want, text)
			}
		}
	})
}
