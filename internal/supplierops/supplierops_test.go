package supplierops_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func as(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

func wantKind(t *testing.T, what string, err error, k qms.Kind) {
	t.Helper()
	if err == nil || qms.ErrorKind(err) != k {
		t.Errorf("%s: %v, want %v", what, err, k)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func countEvents(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	if _, _, err := st.WalkAudit(context.Background(), func(*qms.AuditEvent) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSupplierIsolation: a supplier user sees its own supplier, sites and
// certificates (redacted), gets "not found" for every record of another
// supplier, finds only its own rows in every list and export, and may do
// nothing but submit a certificate.
func TestSupplierIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st}
		ctx := as(w.A.User)
		A, B := w.A, w.B

		// B's records are not found, by every read and every write.
		reads := map[string]error{}
		_, reads["supplier"] = ops.Supplier(ctx, B.Supplier.ID)
		_, reads["detail"] = ops.SupplierDetail(ctx, B.Supplier.ID)
		_, reads["history"] = ops.StatusHistory(ctx, B.Supplier.ID)
		_, reads["gate"] = ops.Gate(ctx, B.Supplier.ID, 0, nil, nil)
		_, reads["site"] = ops.Site(ctx, B.Site.ID)
		_, reads["sites"] = ops.Sites(ctx, B.Supplier.ID)
		_, reads["certificate"] = ops.Certificate(ctx, B.Certificate.ID)
		_, reads["verification"] = ops.Verification(ctx, B.Verification.ID)
		_, reads["verifications"] = ops.Verifications(ctx, B.Certificate.ID)
		_, reads["overrides"] = ops.Overrides(ctx, B.Supplier.ID)
		_, reads["certificates of B"] = ops.ListCertificates(ctx, store.CertificateFilter{SupplierID: B.Supplier.ID})
		_, reads["expiring of B"] = ops.Expiring(ctx, store.ExpiringFilter{SupplierID: B.Supplier.ID})
		bs := *B.Supplier
		reads["update supplier"] = ops.UpdateSupplier(ctx, &bs, bs.Version, "")
		_, reads["status"] = ops.SetStatus(ctx, B.Supplier.ID, supplier.StatusUnderQualification, "why", B.Supplier.Version)
		_, reads["void supplier"] = ops.VoidSupplier(ctx, B.Supplier.ID, "why", B.Supplier.Version)
		reads["create site"] = ops.CreateSite(ctx, &supplier.Site{SupplierID: B.Supplier.ID, Name: "X", Address: "x", Country: "VN"})
		bsite := *B.Site
		reads["update site"] = ops.UpdateSite(ctx, &bsite, bsite.Version, "")
		_, reads["void site"] = ops.VoidSite(ctx, B.Site.ID, "why", B.Site.Version)
		bc := *B.Certificate
		reads["create certificate"] = ops.CreateCertificate(ctx, &supplier.Certificate{SupplierID: B.Supplier.ID})
		reads["update certificate"] = ops.UpdateCertificate(ctx, &bc, bc.Version, "")
		_, reads["review"] = ops.ReviewCertificate(ctx, B.Certificate.ID, supplier.ReviewAccepted, "", bc.Version)
		_, reads["void certificate"] = ops.VoidCertificate(ctx, B.Certificate.ID, "why", bc.Version)
		reads["add verification"] = ops.AddVerification(ctx, &supplier.Verification{CertificateID: B.Certificate.ID})
		_, reads["void verification"] = ops.VoidVerification(ctx, B.Verification.ID, "why")
		reads["create override"] = ops.CreateOverride(ctx, &supplier.Override{SupplierID: B.Supplier.ID})
		_, reads["void override"] = ops.VoidOverride(ctx, B.Override.ID, "why")
		for what, err := range reads {
			wantKind(t, what+" of another supplier", err, qms.KindNotFound)
		}

		// Lists and the export hold A's rows only.
		page, err := ops.ListSuppliers(ctx, store.SupplierFilter{})
		must(t, "list", err)
		if len(page.Items) != 1 || page.Items[0].ID != A.Supplier.ID {
			t.Errorf("supplier list of A's user: %+v", page.Items)
		}
		certs, err := ops.ListCertificates(ctx, store.CertificateFilter{})
		must(t, "certificates", err)
		for _, c := range certs.Items {
			if c.Certificate.SupplierID != A.Supplier.ID || len(c.Verifications) > 0 {
				t.Errorf("certificate list of A's user holds %+v", c.Certificate)
			}
		}
		exp, err := ops.Expiring(ctx, store.ExpiringFilter{Within: 3000})
		must(t, "expiring", err)
		if len(exp.Items) != 1 || exp.Items[0].Certificate.SupplierID != A.Supplier.ID {
			t.Errorf("expiring list of A's user: %d items", len(exp.Items))
		}
		var csv bytes.Buffer
		n, err := ops.Export(ctx, &csv, store.SupplierFilter{})
		must(t, "export", err)
		if n != 1 || strings.Contains(csv.String(), "Hưng Thịnh") || !strings.Contains(csv.String(), "深圳精密五金有限公司") ||
			strings.Contains(csv.String(), "internal note") {
			t.Errorf("export of A's user (%d suppliers):\n%s", n, csv.String())
		}
		_, _, err = ops.ApprovedList(ctx, "", 0, 50)
		wantKind(t, "approved list", err, qms.KindForbidden)

		// A's own records are visible, without the internal assessment.
		d, err := ops.SupplierDetail(ctx, A.Supplier.ID)
		must(t, "own detail", err)
		if len(d.Overrides) > 0 || d.Supplier.Notes != "" || len(d.Flags) > 0 {
			t.Errorf("own detail not redacted: overrides %v, notes %q, flags %v", d.Overrides, d.Supplier.Notes, d.Flags)
		}
		for _, c := range d.Gate.Checks {
			if c.Override != nil || strings.Contains(c.Message, "internal") {
				t.Errorf("gate check shows an override to the supplier: %+v", c)
			}
		}
		cd, err := ops.Certificate(ctx, A.Certificate.ID)
		must(t, "own certificate", err)
		if len(cd.Verifications) > 0 || cd.Flags != nil || cd.Status.Verification.Message != "" {
			t.Errorf("own certificate not redacted: %+v", cd)
		}
		_, err = ops.Verification(ctx, A.Verification.ID)
		wantKind(t, "own verification", err, qms.KindForbidden)

		// Writes on its own records are forbidden, except submitting a certificate.
		as := *A.Supplier
		wantKind(t, "update own supplier", ops.UpdateSupplier(ctx, &as, as.Version, ""), qms.KindForbidden)
		_, err = ops.SetStatus(ctx, A.Supplier.ID, supplier.StatusUnderQualification, "why", A.Supplier.Version)
		wantKind(t, "own status", err, qms.KindForbidden)
		wantKind(t, "own site", ops.CreateSite(ctx, &supplier.Site{SupplierID: A.Supplier.ID}), qms.KindForbidden)
		_, err = ops.ReviewCertificate(ctx, A.Certificate.ID, supplier.ReviewAccepted, "", A.Certificate.Version)
		wantKind(t, "review own certificate", err, qms.KindForbidden)
		_, err = ops.Import(ctx, strings.NewReader("record\n"), supplierops.ImportOptions{})
		wantKind(t, "import", err, qms.KindForbidden)

		c := &supplier.Certificate{SupplierID: A.Supplier.ID, Kind: supplier.KindManagementSystem, Standard: "ISO 14001:2015",
			Number: "EMS-88", CertificationBody: "TÜV SÜD", AccreditationBody: "DAkkS", Scope: "Manufacture of electronic parts",
			HolderName: A.Supplier.NameLatin, SiteIDs: []int64{A.Site.ID}, IssueDate: opstest.Day(-30), ExpiryDate: opstest.Day(1000),
			DocumentRef: "sneaky"}
		must(t, "submit a certificate", ops.CreateCertificate(ctx, c))
		if c.Review != supplier.ReviewSubmitted || c.DocumentRef != "" {
			t.Errorf("a supplier's certificate is %s with document %q", c.Review, c.DocumentRef)
		}
		// A certificate naming a site of B is refused without naming it.
		c2 := *c
		c2.ID, c2.Number, c2.SiteIDs = 0, "EMS-89", []int64{B.Site.ID}
		wantKind(t, "certificate for B's site", ops.CreateCertificate(ctx, &c2), qms.KindInvalid)
	})
}

// TestPermissionsPerRole runs one operation of each permission class as
// every internal role.
func TestPermissionsPerRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st}
		type op struct {
			name  string
			allow []qms.Role
			run   func(ctx context.Context) error
		}
		n := 0
		ops1 := []op{
			{"read detail", []qms.Role{qms.RoleAdmin, qms.RoleQualityManager, qms.RoleInspector, qms.RoleViewer, qms.RoleAuditor},
				func(ctx context.Context) error { _, err := ops.StatusHistory(ctx, w.B.Supplier.ID); return err }},
			{"create supplier", []qms.Role{qms.RoleAdmin, qms.RoleQualityManager, qms.RoleInspector},
				func(ctx context.Context) error {
					n++
					return ops.CreateSupplier(ctx, &supplier.Supplier{Name: "บริษัท สยามพลาสติก จำกัด " + itoa(n), NameLatin: "Siam Plastic " + itoa(n),
						Kind: supplier.KindManufacturer, Country: "TH"})
				}},
			{"change status", []qms.Role{qms.RoleAdmin, qms.RoleQualityManager},
				func(ctx context.Context) error {
					s, err := ops.Supplier(ctx, w.B.Supplier.ID)
					if err != nil {
						return err
					}
					to := supplier.StatusUnderQualification
					if s.Status == to {
						to = supplier.StatusProspect
					}
					_, err = ops.SetStatus(ctx, s.ID, to, "test", s.Version)
					return err
				}},
			{"settings", []qms.Role{qms.RoleAdmin},
				func(ctx context.Context) error {
					set, err := ops.Settings(ctx)
					if err != nil {
						return err
					}
					set.ExpiryWarningDays = 60
					return ops.UpdateSettings(ctx, set, set.Version, "test")
				}},
		}
		for _, o := range ops1 {
			allowed := map[qms.Role]bool{}
			for _, r := range o.allow {
				allowed[r] = true
			}
			for _, r := range qms.Roles {
				if r == qms.RoleSupplier {
					continue
				}
				err := o.run(as(w.Users[r]))
				switch {
				case allowed[r] && err != nil:
					t.Errorf("%s as %s: %v", o.name, r, err)
				case !allowed[r]:
					wantKind(t, o.name+" as "+string(r), err, qms.KindForbidden)
				}
			}
		}
		page, err := ops.ListSuppliers(as(w.Users[qms.RoleViewer]), store.SupplierFilter{})
		must(t, "list", err)
		if page.Total != 2+3 {
			t.Errorf("%d suppliers after three allowed creations, want 5", page.Total)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestApprovalGateAndOverride: approval is blocked by a missing certificate
// until an override waives it; the history shows the changes.
func TestApprovalGateAndOverride(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st}
		ctx := as(w.Users[qms.RoleQualityManager])
		sup := &supplier.Supplier{Name: "Müller Feinmechanik GmbH", Kind: supplier.KindManufacturer, Country: "de",
			Categories: []string{"medical_devices"}}
		must(t, "create", ops.CreateSupplier(ctx, sup))
		s, err := ops.SetStatus(ctx, sup.ID, supplier.StatusUnderQualification, "documents requested", sup.Version)
		must(t, "qualify", err)
		_, err = ops.SetStatus(ctx, sup.ID, supplier.StatusApproved, "audit passed", s.Version)
		wantKind(t, "approve without certificates", err, qms.KindConflict)
		if !strings.Contains(qms.ErrorMessage(err), "ISO 9001") || !strings.Contains(qms.ErrorMessage(err), "ISO 13485") {
			t.Errorf("the refusal does not say what is missing: %v", err)
		}
		for _, std := range []string{"ISO 9001", "ISO 13485"} {
			must(t, "override", ops.CreateOverride(ctx, &supplier.Override{SupplierID: sup.ID, Standard: std,
				Reason: "certificate in renewal; audit report seen", Until: opstest.Day(30)}))
		}
		s, err = ops.SetStatus(ctx, sup.ID, supplier.StatusApproved, "audit passed", s.Version)
		must(t, "approve with overrides", err)
		if s.Status != supplier.StatusApproved {
			t.Errorf("status %s", s.Status)
		}
		hist, err := ops.StatusHistory(ctx, sup.ID)
		must(t, "history", err)
		if len(hist) != 3 || hist[0].To != supplier.StatusApproved || hist[0].From != supplier.StatusUnderQualification ||
			hist[0].Reason != "audit passed" || hist[2].Action != qms.ActionCreate {
			t.Errorf("history: %+v", hist)
		}
		asl, _, err := ops.ApprovedList(ctx, "medical_devices", 0, 50)
		must(t, "approved list", err)
		if len(asl) != 1 || asl[0].Supplier.ID != sup.ID {
			t.Errorf("approved list: %+v", asl)
		}
	})
}

// TestBadCertificates: each bad input of the issue is refused with a
// message on its field, and nothing is written.
func TestBadCertificates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st}
		ctx := as(w.Users[qms.RoleQualityManager])
		base := func() *supplier.Certificate {
			return &supplier.Certificate{SupplierID: w.A.Supplier.ID, Kind: supplier.KindManagementSystem, Standard: "ISO 9001:2015",
				Number: "NEW-1", CertificationBody: "Bureau Veritas", AccreditationBody: "UKAS", Scope: "Manufacture of electronic parts",
				HolderName: w.A.Supplier.NameLatin, IssueDate: opstest.Day(-10), ExpiryDate: opstest.Day(1000)}
		}
		cases := []struct {
			name  string
			edit  func(c *supplier.Certificate)
			field string
			kind  qms.Kind
		}{
			{"expiry before issue", func(c *supplier.Certificate) { c.ExpiryDate = opstest.Day(-20) }, "expiry_date", qms.KindInvalid},
			{"far past", func(c *supplier.Certificate) { c.IssueDate = qms.NewDate(1900, 1, 1) }, "issue_date", qms.KindInvalid},
			{"far future", func(c *supplier.Certificate) { c.ExpiryDate = qms.NewDate(2999, 1, 1) }, "expiry_date", qms.KindInvalid},
			{"unknown standard", func(c *supplier.Certificate) { c.Standard = "ISO 9999:2015" }, "standard", qms.KindInvalid},
			{"duplicate number", func(c *supplier.Certificate) {
				c.Number, c.CertificationBody = w.A.Certificate.Number, " sgs united kingdom ltd "
			}, "number", qms.KindConflict},
		}
		before := countEvents(t, st)
		for _, tc := range cases {
			c := base()
			tc.edit(c)
			err := ops.CreateCertificate(ctx, c)
			wantKind(t, tc.name, err, tc.kind)
			if qms.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s: no message for %s: %v", tc.name, tc.field, err)
			}
		}
		if after := countEvents(t, st); after != before {
			t.Errorf("refused certificates wrote %d audit events", after-before)
		}
		// Names in Chinese, Vietnamese and Thai round-trip exactly.
		for _, name := range []string{"东莞市恒通塑胶制品有限公司", "Công ty Cổ phần Nhựa Bình Minh", "บริษัท ไทยอิเล็กทรอนิกส์ จำกัด"} {
			latin := ""
			if !strings.Contains(name, "Công") {
				latin = "Test Name Co., Ltd."
			}
			s := &supplier.Supplier{Name: name, NameLatin: latin, Kind: supplier.KindManufacturer, Country: "CN"}
			must(t, "create "+name, ops.CreateSupplier(ctx, s))
			got, err := ops.Supplier(ctx, s.ID)
			must(t, "read "+name, err)
			if got.Name != name {
				t.Errorf("name %q came back as %q", name, got.Name)
			}
			page, err := ops.ListSuppliers(ctx, store.SupplierFilter{Query: strings.Fields(name)[0]})
			must(t, "search", err)
			if len(page.Items) == 0 {
				t.Errorf("search for %q found nothing", strings.Fields(name)[0])
			}
		}
	})
}
