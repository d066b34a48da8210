package demo

import (
	"context"
	"fmt"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

// The demo suppliers: Chinese, Vietnamese, Thai and European factories and
// trading companies with their sites, product categories, the certificate
// requirements, and certificates in every status (valid, expiring,
// expired, suspended, suspicious, awaiting review) with the red flags they
// raise, and an override. Dates are relative to the day of loading, so the
// statuses hold whenever the demo starts.

// demoSupplier is one supplier of the demo with what happens to it.
type demoSupplier struct {
	s      supplier.Supplier
	sites  []supplier.Site
	certs  []demoCert
	path   []supplier.Status // the status changes, in order
	reason string            // the reason of the last change
	// override waives a requirement before the status changes.
	override *supplier.Override
	// afterwards records verifications after the status changes (a
	// certificate suspended after approval).
	afterwards []demoVerification
}

type demoCert struct {
	c      supplier.Certificate
	sites  []int // indexes into the supplier's sites
	checks []demoVerification
}

type demoVerification struct {
	cert   int // index into the supplier's certs
	method supplier.Method
	ago    int // days
	result supplier.Result
	note   string
}

// PortalSupplier is the name of the demo supplier whose quality contact is
// the demo supplier user.
const PortalSupplier = "深圳精密五金有限公司"

func demoData(today qms.Date) ([]supplier.Category, []supplier.Requirement, []demoSupplier) {
	d := func(days int) qms.Date { return today.AddDate(0, 0, days) }
	cats := []supplier.Category{
		{Code: "electronics", Name: "Electronics", Keywords: []string{"electronic", "PCB", "电子", "điện tử", "อิเล็กทรอนิกส์"}},
		{Code: "hardware", Name: "Hardware and metal parts", Keywords: []string{"hardware", "metal", "stamping", "CNC", "machining", "五金", "冲压"}},
		{Code: "garments", Name: "Garments", Keywords: []string{"garment", "apparel", "sewing", "may mặc", "服装"}},
		{Code: "medical_devices", Name: "Medical devices", Keywords: []string{"medical device", "surgical", "医疗器械", "Medizinprodukte"}},
		{Code: "plastics", Name: "Plastic parts", Keywords: []string{"plastic", "injection moulding", "injection molding", "塑胶", "塑料", "nhựa", "พลาสติก"}},
		{Code: "toys", Name: "Toys", Keywords: []string{"toy", "玩具", "đồ chơi"}},
	}
	reqs := []supplier.Requirement{
		{Standard: "ISO 9001", Note: "Every supplier: a certified quality management system."},
		{Standard: "ISO 13485", Category: "medical_devices", Note: "Medical devices: ISO 13485 for the producing site."},
		{Standard: "amfori BSCI", Category: "garments", Note: "Garments: a current social audit."},
	}
	iso := func(std, num, cb, ab, scope, holder, addr string, issue, expiry, surveillance qms.Date, sites ...int) demoCert {
		return demoCert{c: supplier.Certificate{Kind: supplier.KindManagementSystem, Standard: std, Number: num, CertificationBody: cb,
			AccreditationBody: ab, Scope: scope, HolderName: holder, HolderAddress: addr, IssueDate: issue, ExpiryDate: expiry,
			LastSurveillanceDate: surveillance}, sites: sites}
	}
	verified := func(cert, ago int, m supplier.Method) demoVerification {
		return demoVerification{cert: cert, method: m, ago: ago, result: supplier.ResultVerifiedValid, note: "Found and current in the registry."}
	}
	approve := []supplier.Status{supplier.StatusUnderQualification, supplier.StatusApproved}

	shenzhen := demoSupplier{
		s: supplier.Supplier{Name: PortalSupplier, NameLatin: "Shenzhen Precision Hardware Co., Ltd.", Kind: supplier.KindManufacturer, Country: "CN",
			Address: "广东省深圳市宝安区福永街道凤凰工业区8号", Categories: []string{"hardware", "electronics"},
			Contacts: []supplier.Contact{{Name: "陈静 (Chen Jing)", Role: "QA manager", Email: "supplier@demo.qms", Phone: "+86 755 2730 1188"}},
			Notes:    "Stamped and CNC-machined enclosures and brackets. Factory audit 2026: score 86/100."},
		sites: []supplier.Site{{Name: "深圳精密五金有限公司 福永工厂", NameLatin: "Shenzhen Precision Hardware Co., Ltd. Fuyong Plant",
			Address: "广东省深圳市宝安区福永街道凤凰工业区8号", AddressLatin: "No. 8 Fenghuang Industrial Zone, Fuyong, Bao'an, Shenzhen, Guangdong",
			Country: "CN", Categories: []string{"hardware", "electronics"}, Capacity: "1.2 million stamped parts/month, 40 CNC centres, 320 workers"}},
		certs: []demoCert{
			iso("ISO 9001:2015", "04524Q30127R1M", "SGS-CSTC Standards Technical Services Co., Ltd.", "CNAS",
				"Manufacture of precision hardware (metal stamping and CNC machining) and electronic enclosures",
				"Shenzhen Precision Hardware Co., Ltd.", "No. 8 Fenghuang Industrial Zone, Fuyong, Bao'an, Shenzhen, Guangdong",
				d(-400), d(690), d(-60), 0),
			iso("ISO 14001:2015", "04524E20388R0M", "SGS-CSTC Standards Technical Services Co., Ltd.", "CNAS",
				"Manufacture of precision hardware (metal stamping and CNC machining) and electronic enclosures",
				"Shenzhen Precision Hardware Co., Ltd.", "No. 8 Fenghuang Industrial Zone, Fuyong, Bao'an, Shenzhen, Guangdong",
				d(-1050), d(45), d(-330), 0),
		},
		path: approve, reason: "Factory audit passed (86/100); certificates verified with CNCA.",
	}
	shenzhen.certs[0].checks = []demoVerification{verified(0, 30, supplier.MethodCNCA)}
	shenzhen.certs[1].checks = []demoVerification{verified(1, 200, supplier.MethodIAFCertSearch)}

	hungThinh := demoSupplier{
		s: supplier.Supplier{Name: "Công ty TNHH May Mặc Hưng Thịnh", Kind: supplier.KindManufacturer, Country: "VN",
			Address: "Lô C3, KCN Tân Bình, Quận Tân Phú, TP. Hồ Chí Minh", Categories: []string{"garments"},
			Contacts: []supplier.Contact{{Name: "Nguyễn Thị Hoa", Role: "QA manager", Email: "hoa.nguyen@hungthinh.example.vn"}}},
		sites: []supplier.Site{{Name: "Xưởng may Hưng Thịnh Bình Dương", NameLatin: "Hung Thinh Garment Factory Binh Duong",
			Address: "Đường số 5, KCN VSIP II, Thủ Dầu Một, Bình Dương", AddressLatin: "Road 5, VSIP II Industrial Park, Thu Dau Mot, Binh Duong",
			Country: "VN", Categories: []string{"garments"}, Capacity: "180,000 pieces/month, 14 sewing lines, 900 workers"}},
		certs: []demoCert{
			iso("ISO 9001:2015", "VN-QMS-2231", "Bureau Veritas Certification Vietnam", "UKAS", "Sewing of woven and knitted garments",
				"Hung Thinh Garment Factory Binh Duong", "Road 5, VSIP II Industrial Park, Thu Dau Mot, Binh Duong", d(-150), d(940), qms.Date{}, 0),
			{c: supplier.Certificate{Kind: supplier.KindSocialAudit, Standard: "amfori BSCI", Number: "BSCI-VN-55012", CertificationBody: "Intertek Vietnam",
				Scope: "Social audit of the garment factory", HolderName: "Hung Thinh Garment Factory Binh Duong", IssueDate: d(-90), ExpiryDate: d(275)}, sites: []int{0}},
		},
		path: approve, reason: "Audit and golden sample approved; social audit rating B.",
	}
	hungThinh.certs[0].checks = []demoVerification{verified(0, 20, supplier.MethodCBWebsite)}

	mueller := demoSupplier{
		s: supplier.Supplier{Name: "Müller Feinmechanik GmbH", Kind: supplier.KindManufacturer, Country: "DE",
			Address: "Industriestraße 12, 78532 Tuttlingen", Categories: []string{"medical_devices"},
			Contacts: []supplier.Contact{{Name: "Jürgen Hoffmann", Role: "Qualitätsmanagement", Email: "qm@mueller-feinmechanik.example.de"}}},
		sites: []supplier.Site{{Name: "Müller Feinmechanik GmbH Werk Tuttlingen", Address: "Industriestraße 12, 78532 Tuttlingen",
			Country: "DE", Categories: []string{"medical_devices"}, Capacity: "Surgical instruments, 60 employees"}},
		certs: []demoCert{
			iso("ISO 13485:2016", "Q5 091234 0012 Rev. 02", "TÜV SÜD Product Service GmbH", "DAkkS",
				"Design and manufacture of surgical instruments (medical devices)", "Müller Feinmechanik GmbH Werk Tuttlingen",
				"Industriestraße 12, 78532 Tuttlingen", d(-500), d(595), d(-120), 0),
			iso("ISO 9001:2015", "Q1 091234 0007", "TÜV SÜD Management Service GmbH", "DAkkS",
				"Design and manufacture of surgical instruments (medical devices)", "Müller Feinmechanik GmbH Werk Tuttlingen",
				"Industriestraße 12, 78532 Tuttlingen", d(-1115), d(-20), d(-400), 0),
		},
		override: &supplier.Override{Standard: "ISO 9001", Until: d(60),
			Reason: "ISO 9001 recertification audit held on " + d(-25).String() + "; TÜV SÜD confirmed the new certificate is being issued. ISO 13485 is current."},
		path:   []supplier.Status{supplier.StatusUnderQualification, supplier.StatusConditionallyApproved},
		reason: "Approved on condition that the renewed ISO 9001 certificate arrives before the override ends.",
	}
	mueller.certs[0].checks = []demoVerification{verified(0, 40, supplier.MethodCBWebsite)}
	mueller.certs[1].checks = []demoVerification{{cert: 1, method: supplier.MethodCBWebsite, ago: 10, result: supplier.ResultExpired,
		note: "TÜV SÜD register lists the certificate as expired; renewal in progress."}}

	hengtong := demoSupplier{
		s: supplier.Supplier{Name: "东莞市恒通塑胶制品有限公司", NameLatin: "Dongguan Hengtong Plastic Products Co., Ltd.", Kind: supplier.KindManufacturer,
			Country: "CN", Address: "广东省东莞市长安镇乌沙工业区", Categories: []string{"plastics", "toys"}},
		sites: []supplier.Site{{Name: "东莞市恒通塑胶制品有限公司", NameLatin: "Dongguan Hengtong Plastic Products Co., Ltd.",
			Address: "广东省东莞市长安镇乌沙工业区", AddressLatin: "Wusha Industrial Zone, Chang'an Town, Dongguan, Guangdong",
			Country: "CN", Categories: []string{"plastics", "toys"}, Capacity: "28 injection moulding machines"}},
		certs: []demoCert{
			iso("ISO 9001:2015", "GQC-2291-9001", "Global Quality Certification Ltd", "i-NAF",
				"Design and production of plastic toys", "Dongguan Hengtong Plastic Products Co., Ltd.",
				"Wusha Industrial Zone, Chang'an Town, Dongguan, Guangdong", d(-200), d(1625), qms.Date{}, 0),
		},
		path:   []supplier.Status{supplier.StatusUnderQualification},
		reason: "Certificate under investigation before the factory audit.",
	}
	hengtong.certs[0].checks = []demoVerification{{cert: 0, method: supplier.MethodIAFCertSearch, ago: 5, result: supplier.ResultSuspicious,
		note: "Not in IAF CertSearch; the \"accreditation body\" i-NAF is not an IAF member and the certificate runs 5 years. Treat as unaccredited."}}

	haitian := demoSupplier{
		s: supplier.Supplier{Name: "宁波海天电子贸易有限公司", NameLatin: "Ningbo Haitian Electronics Trading Co., Ltd.", Kind: supplier.KindTradingCompany,
			Country: "CN", Address: "浙江省宁波市鄞州区天童南路588号", Categories: []string{"electronics"},
			Notes: "Offers power adapters made by an undisclosed factory."},
		certs: []demoCert{
			// The number of Shenzhen Precision's certificate, presented by a trading company.
			iso("ISO 9001:2015", "04524Q30127R1M", "SGS-CSTC Standards Technical Services Co., Ltd.", "CNAS",
				"Trading and sales of electronic components", "Ningbo Haitian Electronics Trading Co., Ltd.", "",
				d(-100), d(990), qms.Date{}),
		},
	}

	saoViet := demoSupplier{
		s: supplier.Supplier{Name: "Công ty Cổ phần Điện tử Sao Việt", NameLatin: "Sao Viet Electronics JSC", Kind: supplier.KindManufacturer,
			Country: "VN", Address: "Lô B2, KCN Quang Minh, Mê Linh, Hà Nội", Categories: []string{"electronics"}},
		sites: []supplier.Site{{Name: "Nhà máy Điện tử Sao Việt", NameLatin: "Sao Viet Electronics Factory", Address: "Lô B2, KCN Quang Minh, Mê Linh, Hà Nội",
			AddressLatin: "Lot B2, Quang Minh Industrial Park, Me Linh, Hanoi", Country: "VN", Categories: []string{"electronics"},
			Capacity: "4 SMT lines, PCB assembly"}},
		certs: []demoCert{
			iso("ISO 9001:2015", "VN18/00931", "TÜV Rheinland Vietnam", "DAkkS", "Manufacture of PCB assemblies and electronic modules",
				"Sao Viet Electronics Factory", "Lot B2, Quang Minh Industrial Park, Me Linh, Hanoi", d(-300), d(795), d(-15), 0),
		},
		path:   []supplier.Status{supplier.StatusUnderQualification, supplier.StatusApproved, supplier.StatusProbation},
		reason: "ISO 9001 suspended by TÜV Rheinland; two lots rejected in a row. Re-audit required.",
		afterwards: []demoVerification{{cert: 0, method: supplier.MethodCBWebsite, ago: 3, result: supplier.ResultSuspended,
			note: "TÜV Rheinland Certipedia shows the certificate as suspended."}},
	}

	siam := demoSupplier{
		s: supplier.Supplier{Name: "บริษัท สยามพลาสติก จำกัด", NameLatin: "Siam Plastic Co., Ltd.", Kind: supplier.KindManufacturer, Country: "TH",
			Address: "นิคมอุตสาหกรรมอมตะซิตี้ ชลบุรี", Categories: []string{"plastics"}},
		sites: []supplier.Site{{Name: "โรงงานสยามพลาสติก ชลบุรี", NameLatin: "Siam Plastic Chonburi Plant", Address: "นิคมอุตสาหกรรมอมตะซิตี้ ชลบุรี",
			AddressLatin: "Amata City Industrial Estate, Chonburi", Country: "TH", Categories: []string{"plastics"}}},
		certs: []demoCert{
			iso("ISO 9001:2015", "TH-Q-7781", "Bureau Veritas Certification (Thailand) Ltd.", "UKAS",
				"Injection moulding of plastic parts", "Siam Plastic Chonburi Plant", "Amata City Industrial Estate, Chonburi",
				d(-610), d(485), qms.Date{}, 0),
		},
		path:   []supplier.Status{supplier.StatusUnderQualification},
		reason: "Samples under evaluation; surveillance audit report requested.",
	}
	siam.certs[0].checks = []demoVerification{verified(0, 500, supplier.MethodCBWebsite)}

	lumiere := demoSupplier{
		s: supplier.Supplier{Name: "Atelier Lumière SARL", Kind: supplier.KindManufacturer, Country: "FR", Address: "14 rue des Tisserands, 69002 Lyon",
			Categories: []string{"garments"}},
		path:   []supplier.Status{supplier.StatusDisqualified},
		reason: "Factory audit failed: no incoming inspection, no corrective action records.",
	}
	return cats, reqs, []demoSupplier{shenzhen, hungThinh, mueller, hengtong, haitian, saoViet, siam, lumiere}
}

// loadSuppliers loads the demo suppliers as the demo loader and returns
// the id of the supplier whose quality contact is the demo supplier user.
func loadSuppliers(ctx context.Context, st *store.Store) (int64, error) {
	today := qms.DateOf(time.Now().UTC())
	cats, reqs, sups := demoData(today)
	var portal int64
	err := st.Update(ctx, func(tx *store.Tx) error {
		for i := range cats {
			if err := tx.CreateCategory(&cats[i]); err != nil {
				return fmt.Errorf("category %s: %w", cats[i].Code, err)
			}
		}
		for i := range reqs {
			if err := tx.CreateRequirement(&reqs[i]); err != nil {
				return fmt.Errorf("requirement %s: %w", reqs[i].Standard, err)
			}
		}
		for i := range sups {
			id, err := loadSupplier(tx, today, &sups[i])
			if err != nil {
				return fmt.Errorf("supplier %s: %w", sups[i].s.Name, err)
			}
			if sups[i].s.Name == PortalSupplier {
				portal = id
			}
		}
		return nil
	})
	return portal, err
}

func loadSupplier(tx *store.Tx, today qms.Date, ds *demoSupplier) (int64, error) {
	s := ds.s
	if err := tx.CreateSupplier(&s); err != nil {
		return 0, err
	}
	siteIDs := make([]int64, len(ds.sites))
	for i := range ds.sites {
		site := ds.sites[i]
		site.SupplierID = s.ID
		if err := tx.CreateSite(&site); err != nil {
			return 0, err
		}
		siteIDs[i] = site.ID
	}
	certIDs := make([]int64, len(ds.certs))
	verify := func(v demoVerification) error {
		return tx.AddVerification(&supplier.Verification{CertificateID: certIDs[v.cert], Method: v.method, CheckedOn: today.AddDate(0, 0, -v.ago),
			Result: v.result, Note: v.note})
	}
	for i := range ds.certs {
		c := ds.certs[i].c
		c.SupplierID = s.ID
		for _, k := range ds.certs[i].sites {
			c.SiteIDs = append(c.SiteIDs, siteIDs[k])
		}
		if err := tx.CreateCertificate(&c); err != nil {
			return 0, fmt.Errorf("certificate %s: %w", c.Number, err)
		}
		certIDs[i] = c.ID
		for _, v := range ds.certs[i].checks {
			if err := verify(v); err != nil {
				return 0, err
			}
		}
	}
	if o := ds.override; o != nil {
		o.SupplierID = s.ID
		if err := tx.CreateOverride(o); err != nil {
			return 0, err
		}
	}
	for i, to := range ds.path {
		reason := ds.reason
		if i < len(ds.path)-1 {
			reason = "Qualification step: " + to.Label() + "."
		}
		cur, err := tx.Supplier(s.ID)
		if err != nil {
			return 0, err
		}
		if err := tx.SetSupplierStatus(s.ID, to, reason, cur.Version); err != nil {
			return 0, err
		}
		if to == supplier.StatusApproved && len(ds.afterwards) > 0 {
			for _, v := range ds.afterwards {
				if err := verify(v); err != nil {
					return 0, err
				}
			}
		}
	}
	return s.ID, nil
}

// loadSubmissions has the demo supplier user submit a certificate, which
// waits for the quality manager's review.
func loadSubmissions(ctx context.Context, st *store.Store, u *qms.User) error {
	if u == nil || u.SupplierID == nil {
		return nil
	}
	ops := &supplierops.Service{Store: st}
	ctx = qms.WithActor(ctx, qms.ActorOf(u, "session"))
	d, err := ops.SupplierDetail(ctx, *u.SupplierID)
	if err != nil || len(d.Sites) == 0 {
		return err
	}
	today := qms.DateOf(time.Now().UTC())
	return ops.CreateCertificate(ctx, &supplier.Certificate{SupplierID: *u.SupplierID, Kind: supplier.KindManagementSystem,
		Standard: "ISO 45001:2018", Number: "04524S10066R0M", CertificationBody: "SGS-CSTC Standards Technical Services Co., Ltd.",
		AccreditationBody: "CNAS", Scope: "Manufacture of precision hardware (metal stamping and CNC machining)",
		HolderName: "Shenzhen Precision Hardware Co., Ltd.", HolderAddress: d.Sites[0].AddressLatin, SiteIDs: []int64{d.Sites[0].ID},
		IssueDate: today.AddDate(0, 0, -12), ExpiryDate: today.AddDate(3, 0, -13)})
}
