package supplier

import (
	"testing"

	"qms/internal/qms"
)

func TestScopeCovers(t *testing.T) {
	med := Category{Code: "medical_devices", Name: "Medical devices", Keywords: []string{"medical device", "医疗器械", "thiết bị y tế"}}
	for _, c := range []struct {
		scope string
		want  bool
	}{
		{"Design and manufacture of non-active medical devices: syringes", true},
		{"Manufacture of MEDICAL DEVICES", true},
		{"一次性使用医疗器械的生产", true},
		{"Sản xuất thiết bị y tế", true},
		{"San xuat thiet bi y te", true},
		{"Manufacture of medical gloves", false}, // "medical" alone is not "medical device"
		{"Manufacture of plastic parts", false},
	} {
		if got, _ := ScopeCovers(c.scope, med); got != c.want {
			t.Errorf("ScopeCovers(%q) = %v, want %v", c.scope, got, c.want)
		}
	}
}

func TestTradingOnly(t *testing.T) {
	for scope, want := range map[string]bool{
		"Trading of garments":                          true,
		"Import, export and distribution of furniture": true,
		"Sales of electronic components":               true,
		"电子产品的贸易":                                      true,
		"Manufacture and sale of garments":             false,
		"Production of cartons":                        false,
		"Design, development and assembly of lamps":    false,
		"Supply of products":                           false,
	} {
		if got := TradingOnly(scope); got != want {
			t.Errorf("TradingOnly(%q) = %v, want %v", scope, got, want)
		}
	}
}

func TestCategoryValidate(t *testing.T) {
	c := Category{Code: " Medical Devices ", Name: " Medical devices ", Keywords: []string{" medical device ", "", "medical device", "医疗器械"}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Code != "medical_devices" || c.Name != "Medical devices" || len(c.Keywords) != 2 {
		t.Errorf("normalised = %+v", c)
	}
	for field, c := range map[string]Category{
		"code":     {Code: "医疗", Name: "x"},
		"name":     {Code: "x"},
		"keywords": {Code: "x", Name: "x", Keywords: []string{"--"}},
	} {
		if _, ok := qms.ErrorFields(c.Validate())[field]; !ok {
			t.Errorf("%s: %v", field, c.Validate())
		}
	}
}

func TestSettingsAndBodies(t *testing.T) {
	s := DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.ExpiryWarningDays != 90 || s.MaxValidityYears != 3 || s.SurveillanceMonths != 12 || s.VerificationMaxAgeMonths != 12 {
		t.Errorf("defaults = %+v", s)
	}
	s.ExpiryWarningDays = 0
	if _, ok := qms.ErrorFields(s.Validate())["expiry_warning_days"]; !ok {
		t.Error("a zero warning period was accepted")
	}
	// The seed list holds every body the issue names, recognised.
	for _, code := range []string{"UKAS", "ANAB", "DAkkS", "COFRAC", "ACCREDIA", "ENAC", "CNAS", "JAS-ANZ", "JAB", "KAB", "SCC", "INMETRO", "TAF", "HKAS", "NABCB"} {
		ab := s.FindAccreditationBody(code)
		if ab == nil || !ab.Recognised || ab.Code != code {
			t.Errorf("%s: %+v", code, ab)
		}
	}
	seen := map[string]bool{}
	for _, ab := range SeedAccreditationBodies {
		if err := ab.Validate(); err != nil {
			t.Errorf("seed %s: %v", ab.Code, err)
		}
		if seen[ab.Code] {
			t.Errorf("seed %s twice", ab.Code)
		}
		seen[ab.Code] = true
	}
	for text, want := range map[string]string{"ukas 0001": "UKAS", "Cgcre": "INMETRO", "cnas c0123-m": "CNAS", "jasanz": "JAS-ANZ", "IAF": "", "": ""} {
		got := ""
		if ab := s.FindAccreditationBody(text); ab != nil {
			got = ab.Code
		}
		if got != want {
			t.Errorf("FindAccreditationBody(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestSupplierValidate(t *testing.T) {
	s := Supplier{Name: " 深圳市华强电子有限公司 ", NameLatin: "Shenzhen Huaqiang Electronics Co., Ltd.", Kind: KindManufacturer, Country: "cn",
		Categories: []string{"Electronics", "electronics", " power supplies"}, Contacts: []Contact{{Name: "王芳", Email: "Wang.Fang@HQ-Elec.cn"}, {}}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Name != "深圳市华强电子有限公司" || s.Country != "CN" || s.Status != StatusProspect || len(s.Categories) != 2 ||
		s.Categories[1] != "power_supplies" || len(s.Contacts) != 1 || s.Contacts[0].Email != "wang.fang@hq-elec.cn" {
		t.Errorf("normalised = %+v", s)
	}
	vn := Supplier{Name: "Công ty TNHH May mặc Việt Tiến", Kind: KindManufacturer, Country: "VN"}
	if err := vn.Validate(); err != nil {
		t.Errorf("a Vietnamese name is in Latin letters: %v", err)
	}
	for field, s := range map[string]Supplier{
		"name":               {Kind: KindManufacturer, Country: "CN"},
		"name_latin":         {Name: "บริษัท สยามพลาสติก จำกัด", Kind: KindManufacturer, Country: "TH"},
		"kind":               {Name: "ACME", Kind: "broker", Country: "DE"},
		"country":            {Name: "ACME", Kind: KindManufacturer, Country: "Germany"},
		"categories":         {Name: "ACME", Kind: KindManufacturer, Country: "DE", Categories: []string{"a/b"}},
		"contacts.0.email":   {Name: "ACME", Kind: KindManufacturer, Country: "DE", Contacts: []Contact{{Name: "x", Email: "not mail"}}},
		"contacts.0.name":    {Name: "ACME", Kind: KindManufacturer, Country: "DE", Contacts: []Contact{{Phone: "+49 1"}}},
		"status":             {Name: "ACME", Kind: KindManufacturer, Country: "DE", Status: "preferred"},
		"notes":              {Name: "ACME", Kind: KindManufacturer, Country: "DE", Notes: "a\x00"},
		"name_latin (latin)": {Name: "ACME", NameLatin: "华强", Kind: KindManufacturer, Country: "DE"},
	} {
		f := field
		if f == "name_latin (latin)" {
			f = "name_latin"
		}
		if _, ok := qms.ErrorFields(s.Validate())[f]; !ok {
			t.Errorf("%s: %v", field, s.Validate())
		}
	}
	site := Site{SupplierID: 1, Name: "华强二厂", Address: "深圳市龙华区", Country: "CN"}
	err := site.Validate()
	for _, f := range []string{"name_latin", "address_latin"} {
		if _, ok := qms.ErrorFields(err)[f]; !ok {
			t.Errorf("site %s: %v", f, err)
		}
	}
}

func TestNamesForPeople(t *testing.T) {
	s := Supplier{Name: "深圳市华强电子有限公司", NameLatin: "Shenzhen Huaqiang Electronics Co., Ltd."}
	if got := s.DisplayName(); got != "Shenzhen Huaqiang Electronics Co., Ltd. (深圳市华强电子有限公司)" {
		t.Errorf("DisplayName = %q", got)
	}
	if got := (&Site{Name: "Werk 1"}).DisplayName(); got != "Werk 1" {
		t.Errorf("DisplayName = %q", got)
	}
	if SortKey(s.Name, s.NameLatin) != "shenzhen huaqiang electronics co., ltd." || SortKey("Đồng Nai", "") != "dong nai" {
		t.Errorf("SortKey: %q %q", SortKey(s.Name, s.NameLatin), SortKey("Đồng Nai", ""))
	}
	if k := (&AccreditationBody{Code: "JAS-ANZ"}).Key(); k != "jasanz" {
		t.Errorf("Key = %q", k)
	}
}
