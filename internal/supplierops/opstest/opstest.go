// Package opstest builds the supplier records that the tests of the
// supplier operations, pages and API share: two suppliers, A and B, each
// with a site, a certificate, a verification and an override, the
// categories and requirements they need, and a user of every role (the
// supplier users belong to A and to B). It is for tests only.
package opstest

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"qms/internal/account"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// Password is the password of every fixture user.
const Password = "correct horse battery staple"

// Party is one supplier of the fixture with its records.
type Party struct {
	Supplier     *supplier.Supplier
	Site         *supplier.Site
	Certificate  *supplier.Certificate
	Verification *supplier.Verification
	Override     *supplier.Override
	User         *qms.User // its supplier user
}

// World is the fixture.
type World struct {
	A, B  Party
	Users map[qms.Role]*qms.User // one internal user per role; Users[RoleSupplier] is A's
	n     int                    // counter for fresh records
}

// Day returns the date n days from today (UTC).
func Day(n int) qms.Date { return qms.DateOf(time.Now().UTC()).AddDate(0, 0, n) }

// Build creates the fixture in st, acting as the system. Email addresses
// are <role>@example.com, a-supplier@example.com and b-supplier@example.com.
func Build(t testing.TB, st *store.Store) *World {
	t.Helper()
	ctx := qms.WithActor(context.Background(), qms.Actor{UserID: 0, Name: "fixture", Role: qms.RoleAdmin, Via: "system"})
	w := &World{Users: map[qms.Role]*qms.User{}}
	err := st.Update(ctx, func(tx *store.Tx) error {
		for _, c := range []supplier.Category{
			{Code: "electronics", Name: "Electronics", Keywords: []string{"electronic", "PCB", "电子"}},
			{Code: "garments", Name: "Garments", Keywords: []string{"garment", "apparel", "may mặc"}},
			{Code: "medical_devices", Name: "Medical devices", Keywords: []string{"medical device", "医疗器械"}},
		} {
			if err := tx.CreateCategory(&c); err != nil {
				return err
			}
		}
		for _, r := range []supplier.Requirement{
			{Standard: "ISO 9001", Note: "every supplier"},
			{Standard: "ISO 13485", Category: "medical_devices"},
		} {
			if err := tx.CreateRequirement(&r); err != nil {
				return err
			}
		}
		var err error
		w.A, err = party(tx, "深圳精密五金有限公司", "Shenzhen Precision Hardware Co., Ltd.", "CN", "electronics",
			"深圳市宝安区福永街道凤凰工业区8号", "No. 8 Fenghuang Industrial Zone, Fuyong, Bao'an, Shenzhen", "CN-A-9001")
		if err != nil {
			return err
		}
		w.B, err = party(tx, "Công ty TNHH May Mặc Hưng Thịnh", "", "VN", "garments",
			"Lô C3, KCN Tân Bình, TP. Hồ Chí Minh", "Lot C3, Tan Binh Industrial Park, Ho Chi Minh City", "VN-B-9001")
		return err
	})
	if err != nil {
		t.Fatalf("opstest: %v", err)
	}
	acc := &account.Service{Store: st}
	add := func(email, name string, role qms.Role, sup *int64) *qms.User {
		u, _, err := acc.CreateUser(ctx, account.NewUser{Email: email, Name: name, Role: role, SupplierID: sup, Password: Password})
		if err != nil {
			t.Fatalf("opstest: user %s: %v", email, err)
		}
		return u
	}
	for _, r := range qms.Roles {
		if r != qms.RoleSupplier {
			w.Users[r] = add(string(r)+"@example.com", "Test "+r.Label(), r, nil)
		}
	}
	w.A.User = add("a-supplier@example.com", "陈静 (Chen Jing)", qms.RoleSupplier, &w.A.Supplier.ID)
	w.B.User = add("b-supplier@example.com", "Phạm Thu Hà", qms.RoleSupplier, &w.B.Supplier.ID)
	w.Users[qms.RoleSupplier] = w.A.User
	return w
}

func party(tx *store.Tx, name, latin, country, category, address, addressLatin, number string) (Party, error) {
	var p Party
	p.Supplier = &supplier.Supplier{Name: name, NameLatin: latin, Kind: supplier.KindManufacturer, Country: country,
		Address: address, Categories: []string{category}, Notes: "internal note about " + name,
		Contacts: []supplier.Contact{{Name: "QA manager", Email: "qa@" + country + ".example.com"}}}
	if err := tx.CreateSupplier(p.Supplier); err != nil {
		return p, err
	}
	p.Site = &supplier.Site{SupplierID: p.Supplier.ID, Name: name, NameLatin: latin, Address: address, AddressLatin: addressLatin,
		Country: country, Categories: []string{category}, Capacity: "40,000 pcs/month"}
	if err := tx.CreateSite(p.Site); err != nil {
		return p, err
	}
	holder := latin
	if holder == "" {
		holder = name
	}
	p.Certificate = &supplier.Certificate{SupplierID: p.Supplier.ID, Kind: supplier.KindManagementSystem, Standard: "ISO 9001:2015",
		Number: number, CertificationBody: "SGS United Kingdom Ltd", AccreditationBody: "UKAS",
		Scope: "Manufacture of " + category + " (" + name + ")", HolderName: holder, HolderAddress: addressLatin,
		SiteIDs: []int64{p.Site.ID}, IssueDate: Day(-300), ExpiryDate: Day(800)}
	if err := tx.CreateCertificate(p.Certificate); err != nil {
		return p, err
	}
	p.Verification = &supplier.Verification{CertificateID: p.Certificate.ID, Method: supplier.MethodIAFCertSearch,
		CheckedOn: Day(-10), Result: supplier.ResultVerifiedValid, Note: "internal: checked on IAF CertSearch"}
	if err := tx.AddVerification(p.Verification); err != nil {
		return p, err
	}
	p.Override = &supplier.Override{SupplierID: p.Supplier.ID, Standard: "ISO 13485", Reason: "internal: audit booked for next month",
		Until: Day(60)}
	if err := tx.CreateOverride(p.Override); err != nil {
		return p, err
	}
	return p, nil
}

// Placeholder matches the placeholders of Expand.
var Placeholder = regexp.MustCompile(`\{[a-zA-Z:-]+\}`)

// Expand fills in a path or body of a test request: ids of the fixture's records ({A}, {B},
// {Bsite}, {Bcert}, {Bver}, {Bover}), current versions ({v:B}, {v:Bsite},
// {v:Bcert}, {v:settings}, {v:UKAS}), a valid next status of B
// ({next:B}), fresh records of B made for this one request
// ({fresh-supplier}, {fresh-site}, {fresh-cert}, {fresh-submitted},
// {fresh-ver}, {fresh-over}, {fresh-req}, {fresh-cat}, all at version 1),
// the id of UKAS ({UKAS}) and the role name ({who}).
// Fresh records are created as the system; {fresh-submitted} by B's
// supplier user. It fails the test on any error.
func (w *World) Expand(t testing.TB, st *store.Store, s, who string) string {
	t.Helper()
	sys := qms.WithActor(context.Background(), qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})
	return Placeholder.ReplaceAllStringFunc(s, func(p string) string {
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		w.n++
		n := strconv.Itoa(w.n)
		switch p {
		case "{who}":
			return who
		case "{A}":
			return id(w.A.Supplier.ID)
		case "{B}":
			return id(w.B.Supplier.ID)
		case "{Bsite}":
			return id(w.B.Site.ID)
		case "{Bcert}":
			return id(w.B.Certificate.ID)
		case "{Bver}":
			return id(w.B.Verification.ID)
		case "{Bover}":
			return id(w.B.Override.ID)
		}
		var out int64
		var status supplier.Status
		err := st.Update(sys, func(tx *store.Tx) error {
			switch p {
			case "{v:B}", "{next:B}":
				s, err := tx.Supplier(w.B.Supplier.ID)
				if err != nil {
					return err
				}
				out = s.Version
				for _, to := range supplier.Transitions[s.Status] {
					if p == "{next:B}" && !supplier.NeedsGate(to) && to != supplier.StatusDisqualified {
						status = to
						break
					}
				}
			case "{v:Bsite}":
				s, err := tx.Site(w.B.Site.ID)
				out = s.Version
				return err
			case "{v:Bcert}":
				c, err := tx.Certificate(w.B.Certificate.ID)
				if err == nil {
					out = c.Version
				}
				return err
			case "{v:settings}":
				s, err := tx.SupplierSettings()
				if err == nil {
					out = s.Version
				}
				return err
			case "{UKAS}", "{v:UKAS}":
				bs, err := tx.AccreditationBodies()
				for _, b := range bs {
					if b.Code == "UKAS" {
						out = map[bool]int64{true: b.ID, false: b.Version}[p == "{UKAS}"]
					}
				}
				return err
			case "{fresh-supplier}":
				s := &supplier.Supplier{Name: "Victim " + n, Kind: supplier.KindManufacturer, Country: "DE"}
				err := tx.CreateSupplier(s)
				out = s.ID
				return err
			case "{fresh-site}":
				s := &supplier.Site{SupplierID: w.B.Supplier.ID, Name: "Xưởng " + n, Address: "Lô " + n, Country: "VN"}
				err := tx.CreateSite(s)
				out = s.ID
				return err
			case "{fresh-cert}", "{fresh-submitted}":
				c := *w.B.Certificate
				c.ID, c.Number, c.SiteIDs = 0, "FRESH-"+n, []int64{w.B.Site.ID}
				c.Standard, c.StandardVersion = c.StandardName(), ""
				if p == "{fresh-submitted}" {
					tx.Actor = qms.ActorOf(w.B.User, "session")
				}
				err := tx.CreateCertificate(&c)
				out = c.ID
				return err
			case "{fresh-ver}":
				v := &supplier.Verification{CertificateID: w.B.Certificate.ID, Method: supplier.MethodCBWebsite, CheckedOn: Day(-1),
					Result: supplier.ResultVerifiedValid}
				err := tx.AddVerification(v)
				out = v.ID
				return err
			case "{fresh-over}":
				o := &supplier.Override{SupplierID: w.B.Supplier.ID, Standard: "ISO 14001", Reason: "test", Until: Day(10)}
				err := tx.CreateOverride(o)
				out = o.ID
				return err
			case "{fresh-req}":
				r := &supplier.Requirement{Standard: "EN 71-" + n}
				err := tx.CreateRequirement(r)
				out = r.ID
				return err
			case "{fresh-cat}":
				c := &supplier.Category{Code: "cat_" + n, Name: "Category " + n}
				err := tx.CreateCategory(c)
				out = c.ID
				return err
			default:
				t.Fatalf("unknown placeholder %s", p)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("expand %s: %v", p, err)
		}
		if status != "" {
			return string(status)
		}
		return id(out)
	})
}
