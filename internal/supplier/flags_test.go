package supplier

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func fixture() FlagInput {
	sup := &Supplier{ID: 1, Name: "深圳市华强电子有限公司", NameLatin: "Shenzhen Huaqiang Electronics Co., Ltd.", Kind: KindManufacturer,
		Country: "CN", Address: "广东省深圳市南山区科技路18号", Categories: []string{"electronics"}}
	site := Site{ID: 10, SupplierID: 1, Name: "华强电子南山工厂", NameLatin: "Shenzhen Huaqiang Electronics Co., Ltd.",
		Address: "广东省深圳市南山区科技路18号", AddressLatin: "No. 18 Keji Road, Nanshan District, Shenzhen, Guangdong, China",
		Country: "CN", Categories: []string{"electronics"}}
	cert := &Certificate{ID: 100, SupplierID: 1, Kind: KindManagementSystem, Standard: "ISO 9001", StandardVersion: "2015",
		Number: "04 100 1234567", CertificationBody: "TÜV SÜD Management Service GmbH", AccreditationBody: "DAkkS",
		Scope:      "Design and manufacture of printed circuit board assemblies and electronic power supplies",
		HolderName: "SHENZHEN HUAQIANG ELECTRONICS CO.,LTD", HolderAddress: "18 Keji Rd, Nanshan, Shenzhen 518057, P.R. China",
		SiteIDs: []int64{10}, IssueDate: date("2024-07-01"), ExpiryDate: date("2027-06-30"), OriginalDate: date("2018-07-01"),
		LastSurveillanceDate: date("2025-06-20"), Review: ReviewAccepted}
	electronics := Category{Code: "electronics", Name: "Electronics", Keywords: []string{"electronic", "PCB", "circuit board", "电子"}}
	return FlagInput{Certificate: cert, Verifications: []Verification{verif("2026-01-05", ResultVerifiedValid)},
		Supplier: sup, Sites: []Site{site}, Categories: []Category{electronics}, Today: today, Settings: DefaultSettings()}
}

func codes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestRedFlags(t *testing.T) {
	voided := time.Now()
	cases := []struct {
		name   string
		mutate func(in *FlagInput)
		want   []string // flag codes, in order
		msg    string   // a phrase the first flag's message must contain
	}{
		{"a sound certificate", func(in *FlagInput) {}, nil, ""},

		// Validity period.
		{"exactly 3 years", func(in *FlagInput) { in.Certificate.ExpiryDate = date("2027-07-01") }, nil, ""},
		{"3 years and 1 day", func(in *FlagInput) { in.Certificate.ExpiryDate = date("2027-07-02") }, []string{FlagValidityTooLong}, "1 day past the 3 years certification cycle"},
		{"5 years", func(in *FlagInput) { in.Certificate.ExpiryDate = date("2029-06-30") }, []string{FlagValidityTooLong}, "issued 2024-07-01, expiring 2029-06-30"},
		{"no expiry on a management-system certificate", func(in *FlagInput) { in.Certificate.ExpiryDate = date("") }, []string{FlagNoExpiry}, "No expiry date"},
		{"test report without expiry", func(in *FlagInput) {
			in.Certificate.Kind, in.Certificate.Standard, in.Certificate.StandardVersion = KindProductTest, "IEC 62368-1", "2018"
			in.Certificate.ExpiryDate, in.Certificate.AccreditationBody = date(""), ""
		}, nil, ""},
		{"obsolete edition", func(in *FlagInput) { in.Certificate.StandardVersion = "2008" }, []string{FlagObsoleteStandard}, "replaced by ISO 9001:2015"},

		// Accreditation.
		{"no accreditation body", func(in *FlagInput) { in.Certificate.AccreditationBody = "" }, []string{FlagNoAccreditationBody}, "No accreditation body"},
		{"accreditation number after the code", func(in *FlagInput) { in.Certificate.AccreditationBody = "CNAS C012-M" }, nil, ""},
		{"full name, other case", func(in *FlagInput) {
			in.Certificate.AccreditationBody = "united kingdom accreditation service"
		}, nil, ""},
		{"alias in Chinese", func(in *FlagInput) { in.Certificate.AccreditationBody = "中国合格评定国家认可委员会" }, nil, ""},
		{"hyphenated code", func(in *FlagInput) { in.Certificate.AccreditationBody = "JAS-ANZ" }, nil, ""},
		{"unknown body", func(in *FlagInput) { in.Certificate.AccreditationBody = "Global Accreditation Forum" }, []string{FlagUnrecognisedAB}, "“Global Accreditation Forum” is not in the list"},
		{"look-alike forum", func(in *FlagInput) { in.Certificate.AccreditationBody = "i-NAF" }, []string{FlagUnrecognisedAB}, "Not an IAF member"},
		{"signatory with a caution", func(in *FlagInput) { in.Certificate.AccreditationBody = "UAF" }, []string{FlagABNote}, "check the certification body too"},
		{"IATF 16949 has no accreditation body", func(in *FlagInput) {
			in.Certificate.Standard, in.Certificate.StandardVersion, in.Certificate.AccreditationBody = "IATF 16949", "2016", ""
		}, nil, ""},
		{"social audit has no accreditation body", func(in *FlagInput) {
			in.Certificate.Kind, in.Certificate.Standard, in.Certificate.StandardVersion, in.Certificate.AccreditationBody = KindSocialAudit, "amfori BSCI", "", ""
		}, nil, ""},

		// Holder name.
		{"holder in Chinese", func(in *FlagInput) { in.Certificate.HolderName = "深圳市华强电子有限公司" }, nil, ""},
		{"holder with words reordered and another company form", func(in *FlagInput) {
			in.Certificate.HolderName = "Huaqiang Electronics (Shenzhen) Limited"
		}, nil, ""},
		{"holder in full-width letters", func(in *FlagInput) {
			in.Certificate.HolderName = "ＳＨＥＮＺＨＥＮ ＨＵＡＱＩＡＮＧ ＥＬＥＣＴＲＯＮＩＣＳ"
		}, nil, ""},
		{"another company", func(in *FlagInput) { in.Certificate.HolderName = "Shenzhen Huaqiang Trading Co., Ltd." },
			[]string{FlagHolderNameMismatch}, "the holder's name has “trading” and lacks “electronics”"},
		{"a trading company's own certificate for its factory", func(in *FlagInput) {
			in.Supplier.Kind, in.Supplier.Name, in.Supplier.NameLatin = KindTradingCompany, "宁波金桥贸易有限公司", "Ningbo Jinqiao Trading Co., Ltd."
			in.Certificate.HolderName = "Ningbo Jinqiao Trading Co., Ltd."
		}, []string{FlagHolderNameMismatch}, "held by the trading company"},
		{"a trading company's factory holds it", func(in *FlagInput) {
			in.Supplier.Kind, in.Supplier.Name, in.Supplier.NameLatin = KindTradingCompany, "宁波金桥贸易有限公司", "Ningbo Jinqiao Trading Co., Ltd."
		}, nil, ""},
		{"no sites: compared with the supplier", func(in *FlagInput) {
			in.Sites, in.Certificate.SiteIDs = nil, nil
			in.Certificate.HolderAddress = "深圳市南山区科技路18号"
		}, nil, ""},
		{"no sites, another holder", func(in *FlagInput) {
			in.Sites, in.Certificate.SiteIDs = nil, nil
			in.Certificate.HolderName, in.Certificate.HolderAddress = "Dongguan Other Factory Ltd", ""
		}, []string{FlagHolderNameMismatch}, "is not the supplier"},

		// Address.
		{"address without the province, in Chinese", func(in *FlagInput) { in.Certificate.HolderAddress = "深圳市南山区科技路18号" }, nil, ""},
		{"address in another district", func(in *FlagInput) {
			in.Certificate.HolderAddress = "No. 22 Longhua Avenue, Longhua District, Shenzhen"
		}, []string{FlagHolderAddressMismatch}, "has “22”, “longhua”, “avenue” where the other has “18”, “keji”, “road”, “nanshan”"},
		{"no address printed", func(in *FlagInput) { in.Certificate.HolderAddress = "" }, nil, ""},

		// Sites.
		{"site not covered", func(in *FlagInput) { in.Certificate.SiteIDs = []int64{11} }, []string{FlagSiteNotCovered}, "does not cover the site “Shenzhen Huaqiang Electronics Co., Ltd. (华强电子南山工厂)”"},
		{"test reports are not site-bound", func(in *FlagInput) {
			in.Certificate.Kind, in.Certificate.Standard, in.Certificate.StandardVersion, in.Certificate.SiteIDs = KindProductTest, "IEC 62368-1", "2018", nil
		}, nil, ""},

		// Scope.
		{"scope misses the category", func(in *FlagInput) {
			in.Categories = append(in.Categories, Category{Code: "medical_devices", Name: "Medical devices", Keywords: []string{"medical", "医疗器械"}})
		}, []string{FlagScopeNotCovering}, "does not mention products of the category “Medical devices” (looked for “medical”, “医疗器械”)"},
		{"keywords in Chinese", func(in *FlagInput) {
			in.Certificate.Scope = "印刷电路板组件的设计和生产"
			in.Categories = []Category{{Code: "electronics", Name: "Electronics", Keywords: []string{"电路板"}}}
		}, nil, ""},
		{"category without keywords uses its name", func(in *FlagInput) {
			in.Categories = []Category{{Code: "power_supplies", Name: "Power supplies"}}
		}, nil, ""},
		{"trading only", func(in *FlagInput) { in.Certificate.Scope = "Trading of electronic components" }, []string{FlagScopeTradingOnly}, "covers trading only"},
		{"trading and manufacturing", func(in *FlagInput) {
			in.Certificate.Scope = "Manufacturing and sales of electronic components"
		}, nil, ""},
		{"trading only, in Chinese", func(in *FlagInput) { in.Certificate.Scope = "电子元器件的销售" }, []string{FlagScopeTradingOnly}, "trading only"},

		// Surveillance.
		{"surveillance exactly 12 months ago", func(in *FlagInput) { in.Certificate.LastSurveillanceDate = date("2025-03-15") }, nil, ""},
		{"surveillance 12 months and 1 day ago", func(in *FlagInput) { in.Certificate.LastSurveillanceDate = date("2025-03-14") },
			[]string{FlagSurveillanceOverdue}, "the last surveillance audit (2025-03-14)"},
		{"no surveillance since issue", func(in *FlagInput) { in.Certificate.LastSurveillanceDate = date("") },
			[]string{FlagSurveillanceOverdue}, "the issue date (2024-07-01), more than a year ago; the next surveillance audit was due by 2025-07-01"},
		{"issued 12 months ago today", func(in *FlagInput) {
			in.Certificate.IssueDate, in.Certificate.ExpiryDate, in.Certificate.LastSurveillanceDate = date("2025-03-15"), date("2028-03-14"), date("")
		}, nil, ""},
		{"expired: no surveillance flag", func(in *FlagInput) {
			in.Certificate.IssueDate, in.Certificate.ExpiryDate, in.Certificate.LastSurveillanceDate = date("2021-01-01"), date("2023-12-31"), date("")
		}, nil, ""},
		{"social audits have no yearly surveillance rule", func(in *FlagInput) {
			in.Certificate.Kind, in.Certificate.Standard, in.Certificate.StandardVersion, in.Certificate.AccreditationBody = KindSocialAudit, "SMETA", "", ""
			in.Certificate.LastSurveillanceDate = date("")
		}, nil, ""},

		// The same number elsewhere.
		{"number at another supplier", func(in *FlagInput) {
			in.SameNumber = []NumberUse{{CertificateID: 100, SupplierID: 1}, {CertificateID: 101, SupplierID: 1}, {CertificateID: 205, SupplierID: 2, SupplierName: "Ningbo Jinqiao Trading"}}
		}, []string{FlagNumberUsedByOther}, "also recorded for “Ningbo Jinqiao Trading” (certificate 205)"},
		{"number only at the same supplier", func(in *FlagInput) {
			in.SameNumber = []NumberUse{{CertificateID: 100, SupplierID: 1}, {CertificateID: 101, SupplierID: 1}}
		}, nil, ""},

		// Verifications.
		{"not found in the registry", func(in *FlagInput) {
			in.Verifications = append(in.Verifications, verif("2026-03-01", ResultNotFound))
		}, []string{FlagRegistryNotFound}, "did not find the certificate"},
		{"marked suspicious", func(in *FlagInput) {
			v := verif("2026-03-02", ResultSuspicious)
			v.Note = "CB says the font of the number differs from its certificates"
			in.Verifications = append(in.Verifications, v)
		}, []string{FlagMarkedSuspicious}, "by 李娜: CB says the font"},
		{"a voided suspicion does not count", func(in *FlagInput) {
			v := verif("2026-03-02", ResultSuspicious)
			v.VoidedAt = &voided
			in.Verifications = append(in.Verifications, v)
		}, nil, ""},

		// Several at once, most severe first.
		{"severe before warning", func(in *FlagInput) {
			in.Certificate.HolderName = "Other Company Ltd"
			in.Certificate.AccreditationBody = ""
		}, []string{FlagNoAccreditationBody, FlagHolderNameMismatch}, "No accreditation body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := fixture()
			c.mutate(&in)
			got := RedFlags(in)
			if !slices.Equal(codes(got), c.want) {
				t.Fatalf("flags = %v, want %v\n%v", codes(got), c.want, got)
			}
			if c.msg != "" && !strings.Contains(got[0].Message, c.msg) {
				t.Errorf("message %q lacks %q", got[0].Message, c.msg)
			}
			for _, f := range got {
				if f.Message == "" || f.Severity == "" {
					t.Errorf("flag without explanation or severity: %+v", f)
				}
			}
		})
	}
}

func TestUnicodeNames(t *testing.T) {
	for _, c := range []struct {
		holder, name string
		match        bool
	}{
		{"CÔNG TY TNHH MAY MẶC VIỆT TIẾN", "Công ty TNHH May mặc Việt Tiến", true},
		{"Cong ty TNHH May mac Viet Tien", "Công ty TNHH May mặc Việt Tiến", true},
		{"VIET TIEN GARMENT CO., LTD", "Viet Tien Garment Company Limited", true},
		{"Công ty Cổ phần Dệt may Thành Công", "THANH CONG TEXTILE GARMENT", false},
		{"บริษัท สยามพลาสติก จำกัด (มหาชน)", "บริษัท สยามพลาสติก จำกัด", true},
		{"Siam Plastic Public Company Limited", "Siam Plastic Co., Ltd.", true},
		{"宁波金桥贸易有限公司", "宁波金桥贸易股份有限公司", true},
		{"Müller Kunststofftechnik GmbH", "MUELLER KUNSTSTOFFTECHNIK", false},
		{"Müller Kunststofftechnik GmbH", "MULLER KUNSTSTOFFTECHNIK GMBH", true},
	} {
		if ok, msg := holderMatches(c.holder, []string{c.name}); ok != c.match {
			t.Errorf("holderMatches(%q, %q) = %v (%s), want %v", c.holder, c.name, ok, msg, c.match)
		}
	}
}

func TestAddressesMatch(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		match bool
	}{
		{"No. 18 Keji Road, Nanshan District, Shenzhen 518057", "18 KEJI RD., NANSHAN, SHENZHEN, GUANGDONG, P.R.C.", true},
		{"Số 12 Đường Nguyễn Văn Linh, Phường Tân Phong, Quận 7, TP. Hồ Chí Minh", "12 Nguyen Van Linh, Tan Phong Ward, District 7, Ho Chi Minh City", true},
		{"Số 12 Đường Nguyễn Văn Linh, Phường Tân Phong, Quận 7, TP. Hồ Chí Minh", "12 Nguyễn Văn Linh, Tân Phong, Quận 7, Hồ Chí Minh, Việt Nam", true},
		{"88 หมู่ 4 ถนนบางนา-ตราด อำเภอบางพลี สมุทรปราการ", "88 หมู่ 4 ถนนบางนา-ตราด อำเภอบางพลี สมุทรปราการ 10540", true},
		{"Industriestraße 5, 70565 Stuttgart", "INDUSTRIESTRASSE 5, STUTTGART, GERMANY", true},
		{"Industriestraße 5, 70565 Stuttgart", "Industriestraße 7, 70565 Stuttgart", false},
		{"18 Keji Road Shenzhen", "28 Keji Road Shenzhen", false},
	} {
		ok, extra, lacking := AddressesMatch(c.a, c.b)
		if ok != c.match {
			t.Errorf("AddressesMatch(%q, %q) = %v (extra %v, lacking %v), want %v", c.a, c.b, ok, extra, lacking, c.match)
		}
	}
}

func TestNameKeyAndSearchText(t *testing.T) {
	if a, b := NameKey("Shenzhen Huaqiang Electronics Co., Ltd."), NameKey("HUAQIANG ELECTRONICS (SHENZHEN) LIMITED"); a != b || a == "" {
		t.Errorf("NameKey: %q != %q", a, b)
	}
	if got := SearchText("Công ty TNHH Việt Tiến", "Viet Tien Co"); got != "cong ty tnhh viet tien\nviet tien co" {
		t.Errorf("SearchText = %q", got)
	}
	if got := Fold("ＡＢＣ　Đặng"); got != "abc dang" {
		t.Errorf("Fold = %q", got)
	}
}
