package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"time"

	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/store"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

// Scans of demo certificates: a few certificates get the scanned document
// a quality manager would upload, a one-page PDF certificate in Chinese
// and English, or a PNG "photo" of a paper certificate. They are attached
// as the demo quality manager through supplierops.AddScan, the operation
// of the certificate page. Every document says it is a demo specimen.

// demoScan names a demo certificate (its supplier and number: a number can
// be used by two suppliers) and the kind of scan it gets.
type demoScan struct {
	supplier, number string
	png              bool
}

var demoScans = []demoScan{
	{supplier: PortalSupplier, number: "04524Q30127R1M"},
	{supplier: "东莞市恒通塑胶制品有限公司", number: "GQC-2291-9001"},
	{supplier: "Công ty TNHH May Mặc Hưng Thịnh", number: "VN-QMS-2231", png: true},
}

// LoadCertificateScans attaches scans to a few demo certificates (Load),
// storing them with files and rendering the PDFs with fonts. It does
// nothing when the demo quality manager does not exist or a chosen
// certificate has a scan already.
func LoadCertificateScans(ctx context.Context, st *store.Store, files *blob.Service, fonts *report.Fonts, out io.Writer) error {
	var u *qms.User
	err := st.View(ctx, func(tx *store.Tx) error {
		var err error
		u, _, err = tx.UserByEmail("qm@demo.qms")
		return err
	})
	if qms.ErrorKind(err) == qms.KindNotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo user qm@demo.qms: %w", err)
	}
	qm := qms.WithActor(ctx, qms.ActorOf(u, "system"))
	ops := &supplierops.Service{Store: st}
	page, err := ops.ListSuppliers(qm, store.SupplierFilter{Limit: 100})
	if err != nil {
		return err
	}
	added := 0
	for _, want := range demoScans {
		s, c, err := findCertificate(qm, ops, page.Items, want)
		if err != nil {
			return err
		}
		if c == nil {
			continue
		}
		have, err := ops.Scans(qm, c.ID)
		if err != nil {
			return err
		}
		if len(have) > 0 {
			return nil // loaded before
		}
		name, typ := c.Number+".pdf", "application/pdf"
		var data []byte
		if want.png {
			name, typ, data = c.Number+".png", "image/png", drawCertificatePhoto(c.ID)
		} else if data, err = certificatePDF(fonts, s, c); err != nil {
			return fmt.Errorf("scan of certificate %s: %w", c.Number, err)
		}
		f, err := files.Prepare(qm, blob.Upload{Name: "scan " + name, ContentType: typ, Body: bytes.NewReader(data), Allowed: supplierops.ScanTypes})
		if err != nil {
			return fmt.Errorf("scan of certificate %s: %w", c.Number, err)
		}
		if _, err := ops.AddScan(qm, c.ID, f); err != nil {
			return fmt.Errorf("scan of certificate %s: %w", c.Number, err)
		}
		added++
	}
	fmt.Fprintf(out, "demo: %d certificate scans attached\n", added)
	return nil
}

// findCertificate returns the supplier and certificate want names, or nil
// when the demo has no such certificate.
func findCertificate(ctx context.Context, ops *supplierops.Service, sups []supplier.Supplier, want demoScan) (*supplier.Supplier, *supplier.Certificate, error) {
	for i := range sups {
		if sups[i].Name != want.supplier {
			continue
		}
		d, err := ops.SupplierDetail(ctx, sups[i].ID)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range d.Certificates {
			if c.Certificate.Number == want.number {
				return &sups[i], &c.Certificate, nil
			}
		}
	}
	return nil, nil, nil
}

// certificatePDF renders a one-page certificate of s, in Chinese and
// English, marked as a demo specimen.
func certificatePDF(fonts *report.Fonts, s *supplier.Supplier, c *supplier.Certificate) ([]byte, error) {
	std := c.StandardName()
	doc := report.New(report.Options{Fonts: fonts, Title: "质量管理体系认证证书 Certificate of Registration", Subtitle: c.CertificationBody,
		Number: c.Number, Status: report.Badge{Text: "DEMO", Tone: report.Info}, Watermark: "SPECIMEN",
		Footer: "qms demo data – not a real certificate", Generated: c.IssueDate.Time().Add(9 * time.Hour), Author: c.CertificationBody,
		Subject: std + " " + c.Number})
	doc.Heading("兹证明 This is to certify that")
	doc.Paragraph(s.Name)
	if s.NameLatin != "" {
		doc.Paragraph(s.NameLatin)
	}
	doc.Paragraph(s.Address)
	doc.Paragraph(fmt.Sprintf("建立的管理体系符合 %s 标准的要求。 has established and applies a management system that meets the requirements of %s.", std, std))
	doc.KeyValues([]report.Field{
		{Label: "认证标准 Standard", Value: std},
		{Label: "证书编号 Certificate No.", Value: c.Number},
		{Label: "认证范围 Scope", Value: c.Scope},
		{Label: "颁证日期 Issued", Value: c.IssueDate.String()},
		{Label: "有效期至 Valid until", Value: c.ExpiryDate.String()},
		{Label: "认证机构 Certification body", Value: c.CertificationBody},
		{Label: "认可机构 Accreditation", Value: c.AccreditationBody},
	}, 1)
	doc.Note("本证书的有效性可在国家认证认可监督管理委员会网站 (www.cnca.gov.cn) 查询。 The validity of this certificate can be checked in the CNCA registry.")
	var b bytes.Buffer
	err := doc.Write(&b)
	return b.Bytes(), err
}

// drawCertificatePhoto draws a PNG that looks like a photographed paper
// certificate: a framed page with a title, lines of text and a red seal.
func drawCertificatePhoto(seed int64) []byte {
	const w, h = 600, 840
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	paper := color.RGBA{250, 248, 240, 255}
	ink := color.RGBA{40, 50, 70, 255}
	gold := color.RGBA{180, 150, 70, 255}
	seal := color.RGBA{200, 40, 40, 255}
	rect := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	rect(0, 0, w, h, paper)
	for i := range 6 { // the frame
		rect(20+i, 20+i, w-20-i, 21+i, gold)
		rect(20+i, h-21-i, w-20-i, h-20-i, gold)
		rect(20+i, 20+i, 21+i, h-20-i, gold)
		rect(w-21-i, 20+i, w-20-i, h-20-i, gold)
	}
	rect(150, 90, 450, 110, ink) // the title
	for i := range 14 {          // lines of text, of varying length
		l := 120 + int((seed*37+int64(i)*53)%240)
		rect(80, 170+i*34, 80+l+120, 178+i*34, ink)
	}
	cx, cy := 430.0, 700.0
	for y := 620; y < 780; y++ {
		for x := 350; x < 510; x++ {
			r := math.Hypot(float64(x)-cx, float64(y)-cy)
			if (r > 62 && r < 70) || (r < 22) {
				img.SetRGBA(x, y, seal)
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
