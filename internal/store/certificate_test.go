package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
)

// certNow is the store's clock in the certificate tests: today is 2026-03-15.
var certNow = time.Date(2026, time.March, 15, 9, 30, 0, 0, time.UTC)

// eachAt runs fn on a fresh SQLite and a fresh PostgreSQL database, like
// storetest.Each, with the store's clock fixed at certNow.
func eachAt(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			o := storetest.Options(t, d)
			o.Now = func() time.Time { return certNow }
			s, err := store.Open(context.Background(), o)
			if err != nil {
				t.Fatalf("open %s store: %v", d, err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}

func day(s string) qms.Date {
	d, err := qms.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func iso9001(supplierID int64, number string, sites ...int64) *supplier.Certificate {
	return &supplier.Certificate{SupplierID: supplierID, Kind: supplier.KindManagementSystem, Standard: "ISO 9001", StandardVersion: "2015",
		Number: number, CertificationBody: "SGS-CSTC Standards Technical Services Co., Ltd.", AccreditationBody: "CNAS",
		Scope:      "Design and manufacture of printed circuit board assemblies; 电子产品的生产",
		HolderName: "深圳市华强电子有限公司", HolderAddress: "广东省深圳市南山区科技路18号", SiteIDs: sites,
		IssueDate: day("2024-07-01"), ExpiryDate: day("2027-06-30"), OriginalDate: day("2018-07-01"), LastSurveillanceDate: day("2025-06-20"),
		DocumentRef: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
}

func TestCertificates(t *testing.T) {
	eachAt(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		ctx := qmCtx()
		sup := newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd.", "CN", "electronics")
		siteA := newSite(t, s, sup.ID, "华强电子南山工厂", "Huaqiang Nanshan Plant", "广东省深圳市南山区科技路18号", "electronics")
		siteB := newSite(t, s, sup.ID, "华强电子龙华工厂", "Huaqiang Longhua Plant", "广东省深圳市龙华区工业路22号", "electronics")
		other := newSupplier(t, s, "宁波金桥贸易有限公司", "Ningbo Jinqiao Trading Co., Ltd.", "CN", "electronics")
		otherSite := newSite(t, s, other.ID, "金桥仓库", "Jinqiao Warehouse", "宁波市北仑区", "electronics")

		// A quality manager's entry is accepted; the covered sites round-trip.
		c := iso9001(sup.ID, "CN-QMS 2024/0815", siteB.ID, siteA.ID, siteB.ID)
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateCertificate(c) })
		var got *supplier.Certificate
		view(t, s, func(tx *store.Tx) (err error) { got, err = tx.Certificate(c.ID); return })
		if got.HolderName != "深圳市华强电子有限公司" || got.HolderAddress != "广东省深圳市南山区科技路18号" ||
			got.Scope != "Design and manufacture of printed circuit board assemblies; 电子产品的生产" || got.Number != "CN-QMS 2024/0815" ||
			got.IssueDate != day("2024-07-01") || got.ExpiryDate != day("2027-06-30") || got.OriginalDate != day("2018-07-01") ||
			got.LastSurveillanceDate != day("2025-06-20") || got.Review != supplier.ReviewAccepted || got.ReviewedBy != "Lena Vogel" ||
			got.CreatedByID != qmActor.UserID || !slices.Equal(got.SiteIDs, []int64{siteA.ID, siteB.ID}) || got.DocumentRef != c.DocumentRef {
			t.Errorf("round trip: %+v", got)
		}

		// Bad input: clear errors, nothing written.
		before := countAudit(t, s)
		for what, mutate := range map[string]func(c *supplier.Certificate){
			"expiry before issue":   func(c *supplier.Certificate) { c.ExpiryDate = day("2024-06-30") },
			"issue in the far past": func(c *supplier.Certificate) { c.IssueDate, c.OriginalDate = day("1899-01-01"), qms.Date{} },
			"expiry far ahead":      func(c *supplier.Certificate) { c.ExpiryDate = day("2199-01-01") },
			"issue tomorrow":        func(c *supplier.Certificate) { c.IssueDate = day("2026-03-16") },
			"unknown standard":      func(c *supplier.Certificate) { c.Standard = "ISO 9999" },
			"site of another":       func(c *supplier.Certificate) { c.SiteIDs = []int64{otherSite.ID} },
			"no such site":          func(c *supplier.Certificate) { c.SiteIDs = []int64{99999} },
		} {
			bad := iso9001(sup.ID, "BAD-1")
			mutate(bad)
			wantKind(t, what, s.Update(ctx, func(tx *store.Tx) error { return tx.CreateCertificate(bad) }), qms.KindInvalid)
		}
		wantKind(t, "no such supplier", s.Update(ctx, func(tx *store.Tx) error { return tx.CreateCertificate(iso9001(99999, "X")) }), qms.KindNotFound)

		// The same number from the same certification body is a conflict,
		// however the number is spaced; from another body it is not.
		dup := iso9001(sup.ID, "cn-qms-2024-0815")
		dup.CertificationBody = "SGS-CSTC STANDARDS TECHNICAL SERVICES CO LTD"
		err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateCertificate(dup) })
		wantKind(t, "duplicate number", err, qms.KindConflict)
		if _, ok := qms.ErrorFields(err)["number"]; !ok {
			t.Errorf("duplicate: fields %v", qms.ErrorFields(err))
		}
		if countAudit(t, s) != before {
			t.Error("refused certificates wrote audit events")
		}
		otherCB := iso9001(sup.ID, "CN-QMS-2024-0815")
		otherCB.Standard, otherCB.StandardVersion, otherCB.CertificationBody = "ISO 14001", "2015", "Bureau Veritas Certification"
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateCertificate(otherCB) })

		// Another supplier presenting the same certificate: stored, and a red flag on both.
		copied := iso9001(other.ID, "CN-QMS-2024-0815", otherSite.ID)
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateCertificate(copied) })
		var detail *store.CertificateDetail
		view(t, s, func(tx *store.Tx) (err error) { detail, err = tx.CertificateDetail(copied.ID); return })
		flagCodes := func(fs []supplier.Finding) []string {
			var out []string
			for _, f := range fs {
				out = append(out, f.Code)
			}
			return out
		}
		if !slices.Contains(flagCodes(detail.Flags), supplier.FlagNumberUsedByOther) || !slices.Contains(flagCodes(detail.Flags), supplier.FlagHolderNameMismatch) {
			t.Errorf("flags of the copied certificate: %v", detail.Flags)
		}
		if len(detail.Sites) != 1 || detail.Sites[0].ID != otherSite.ID || detail.Status.Validity.Code != supplier.CodeValid {
			t.Errorf("detail: %+v", detail)
		}

		// Optimistic concurrency and the audit of an update.
		edit := *c
		edit.SiteIDs = []int64{siteA.ID}
		edit.LastSurveillanceDate = day("2026-03-01")
		update(t, s, ctx, func(tx *store.Tx) error { return tx.UpdateCertificate(&edit, 1, "surveillance audit report received") })
		if edit.Version != 2 || !slices.Equal(edit.SiteIDs, []int64{siteA.ID}) || edit.Review != supplier.ReviewAccepted {
			t.Errorf("updated: %+v", edit)
		}
		wantKind(t, "stale certificate", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateCertificate(&edit, 1, "") }), qms.KindConflict)
		evs := auditOf(t, s, "certificate", c.ID)
		if len(evs) != 2 || evs[0].Reason != "surveillance audit report received" ||
			!strings.Contains(string(evs[0].Before), `"last_surveillance_date":"2025-06-20"`) ||
			!strings.Contains(string(evs[0].After), `"last_surveillance_date":"2026-03-01"`) {
			t.Errorf("certificate audit: %+v", evs)
		}

		// Verifications: recorded by the actor, they drive the derived status.
		v := &supplier.Verification{CertificateID: c.ID, Method: supplier.MethodCNCA, CheckedOn: day("2026-03-10"), Result: supplier.ResultSuspended,
			Note: "CNCA shows 暂停 (suspended) since 2026-03-01", EvidenceRef: "sha256:abc"}
		update(t, s, qms.WithActor(context.Background(), inspectorActor), func(tx *store.Tx) error { return tx.AddVerification(v) })
		wantKind(t, "verification in the future", s.Update(ctx, func(tx *store.Tx) error {
			return tx.AddVerification(&supplier.Verification{CertificateID: c.ID, Method: supplier.MethodCNCA, CheckedOn: day("2026-03-16"), Result: supplier.ResultVerifiedValid})
		}), qms.KindInvalid)
		view(t, s, func(tx *store.Tx) (err error) { detail, err = tx.CertificateDetail(c.ID); return })
		if detail.Status.Validity.Code != supplier.CodeSuspended || len(detail.Verifications) != 1 ||
			detail.Verifications[0].CheckedBy != "Trần Văn Hùng" || detail.Verifications[0].Note != v.Note || detail.Verifications[0].CheckedOn != day("2026-03-10") {
			t.Errorf("after suspension: %+v", detail.CertificateView)
		}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.VoidVerification(v.ID, "wrong certificate looked up") })
		view(t, s, func(tx *store.Tx) (err error) { detail, err = tx.CertificateDetail(c.ID); return })
		if detail.Status.Validity.Code != supplier.CodeValid || detail.Status.Verification.Code != supplier.CodeNeverVerified {
			t.Errorf("after voiding the verification: %+v", detail.Status)
		}

		// Void frees the number.
		update(t, s, ctx, func(tx *store.Tx) error {
			return tx.VoidCertificate(otherCB.ID, "entered against the wrong standard", 1)
		})
		again := iso9001(sup.ID, "CN-QMS-2024-0815")
		again.Standard, again.StandardVersion, again.CertificationBody = "ISO 14001", "2015", "Bureau Veritas Certification"
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateCertificate(again) })
		wantKind(t, "update voided", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateCertificate(otherCB, 2, "") }), qms.KindConflict)
		checkAudit(t, s)
	})
}

func TestCertificateReview(t *testing.T) {
	eachAt(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		sup := newSupplier(t, s, "Công ty TNHH May mặc Việt Tiến", "", "VN", "garments")
		site := newSite(t, s, sup.ID, "Nhà máy Việt Tiến 1", "", "Số 12 Đường Nguyễn Văn Linh, Quận 7, TP. Hồ Chí Minh", "garments")
		supID := sup.ID
		supplierCtx := qms.WithActor(context.Background(), qms.Actor{UserID: 9, Name: "Nguyễn Thị Minh Khai", Role: qms.RoleSupplier, SupplierID: &supID})
		ctx := qmCtx()

		// A supplier user's upload stays submitted and does not count.
		up := iso9001(sup.ID, "VN-9001-77", site.ID)
		up.HolderName, up.HolderAddress = "CÔNG TY TNHH MAY MẶC VIỆT TIẾN", "Số 12 Nguyễn Văn Linh, Quận 7, Hồ Chí Minh"
		up.AccreditationBody, up.Scope = "BoA", "Sản xuất hàng may mặc (manufacture of garments)"
		update(t, s, supplierCtx, func(tx *store.Tx) error { return tx.CreateCertificate(up) })
		if up.Review != supplier.ReviewSubmitted || up.ReviewedBy != "" {
			t.Fatalf("upload: %+v", up)
		}
		update(t, s, ctx, func(tx *store.Tx) error {
			return tx.CreateRequirement(&supplier.Requirement{Standard: "ISO 9001"})
		})
		var gate supplier.GateResult
		view(t, s, func(tx *store.Tx) (err error) { gate, err = tx.SupplierGate(sup.ID, 0, nil, nil); return })
		if gate.Allowed || gate.Checks[0].Code != supplier.CheckAwaitingReview {
			t.Errorf("gate with a submitted certificate: %+v", gate)
		}

		// Only a quality manager reviews; a rejection needs a note; a review happens once.
		wantKind(t, "supplier reviews", s.Update(supplierCtx, func(tx *store.Tx) error {
			return tx.ReviewCertificate(up.ID, supplier.ReviewAccepted, "", 1)
		}), qms.KindForbidden)
		wantKind(t, "reject without note", s.Update(ctx, func(tx *store.Tx) error {
			return tx.ReviewCertificate(up.ID, supplier.ReviewRejected, "", 1)
		}), qms.KindInvalid)
		update(t, s, ctx, func(tx *store.Tx) error {
			return tx.ReviewCertificate(up.ID, supplier.ReviewAccepted, "checked against the original", 1)
		})
		wantKind(t, "review twice", s.Update(ctx, func(tx *store.Tx) error {
			return tx.ReviewCertificate(up.ID, supplier.ReviewRejected, "changed my mind", 2)
		}), qms.KindConflict)
		view(t, s, func(tx *store.Tx) (err error) { gate, err = tx.SupplierGate(sup.ID, 0, nil, nil); return })
		if !gate.Allowed || gate.Checks[0].Code != supplier.CheckMet {
			t.Errorf("gate after acceptance: %+v", gate)
		}
		evs := auditOf(t, s, "certificate", up.ID)
		if len(evs) != 2 || evs[0].Action != "review" || evs[0].Reason != "checked against the original" || evs[1].ActorName != "Nguyễn Thị Minh Khai" {
			t.Errorf("review audit: %+v", evs)
		}

		// The supplier changes its accepted certificate: back to review.
		var cur *supplier.Certificate
		view(t, s, func(tx *store.Tx) (err error) { cur, err = tx.Certificate(up.ID); return })
		cur.ExpiryDate = day("2027-07-30")
		update(t, s, supplierCtx, func(tx *store.Tx) error { return tx.UpdateCertificate(cur, 2, "new scan") })
		if cur.Review != supplier.ReviewSubmitted || cur.ReviewedBy != "" || cur.ReviewedAt != nil {
			t.Errorf("after the supplier's edit: %+v", cur)
		}

		// A rejected certificate frees its number for a corrected upload.
		update(t, s, ctx, func(tx *store.Tx) error {
			return tx.ReviewCertificate(up.ID, supplier.ReviewRejected, "dates altered", 3)
		})
		fixed := iso9001(sup.ID, "VN-9001-77", site.ID)
		update(t, s, supplierCtx, func(tx *store.Tx) error { return tx.CreateCertificate(fixed) })

		// The supplier detail shows everything, with the Vietnamese names intact.
		var d *store.SupplierDetail
		view(t, s, func(tx *store.Tx) (err error) { d, err = tx.SupplierDetail(sup.ID); return })
		if d.Supplier.Name != "Công ty TNHH May mặc Việt Tiến" || len(d.Sites) != 1 || d.Sites[0].Address != "Số 12 Đường Nguyễn Văn Linh, Quận 7, TP. Hồ Chí Minh" ||
			len(d.Certificates) != 2 || d.Gate.Allowed || len(d.Flags) != 2 {
			t.Errorf("detail: %+v", d)
		}
		if fl := d.Flags[up.ID]; !slices.ContainsFunc(fl, func(f supplier.Finding) bool { return f.Code == supplier.FlagUnrecognisedAB }) {
			t.Errorf("BoA is not in the seed list, so it is flagged: %v", fl)
		}
		checkAudit(t, s)
	})
}

func TestExpiringCertificates(t *testing.T) {
	eachAt(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		ctx := qmCtx()
		a := newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd.", "CN", "electronics")
		b := newSupplier(t, s, "Müller Kunststofftechnik GmbH", "", "DE", "toys")
		// Expiry dates relative to today (2026-03-15).
		expiries := map[string]string{
			"long expired":     "2021-12-31",
			"expired":          "2026-03-14",
			"today":            "2026-03-15",
			"in 90 days":       "2026-06-13",
			"in 91 days":       "2026-06-14",
			"in 2 years":       "2028-03-01",
			"voided, expired":  "2025-01-01",
			"rejected expired": "2025-02-01",
		}
		ids := map[string]int64{}
		n := 0
		for name, exp := range expiries {
			n++
			supID := a.ID
			if n%2 == 0 {
				supID = b.ID
			}
			c := iso9001(supID, "EXP-"+name)
			c.ExpiryDate = day(exp)
			c.IssueDate, c.OriginalDate, c.LastSurveillanceDate = c.ExpiryDate.AddDate(-3, 0, 1), qms.Date{}, qms.Date{}
			if name == "rejected expired" {
				supCtx := qms.WithActor(context.Background(), qms.Actor{UserID: 9, Name: "s", Role: qms.RoleSupplier, SupplierID: &supID})
				update(t, s, supCtx, func(tx *store.Tx) error { return tx.CreateCertificate(c) })
				update(t, s, ctx, func(tx *store.Tx) error { return tx.ReviewCertificate(c.ID, supplier.ReviewRejected, "illegible", 1) })
			} else {
				update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateCertificate(c) })
			}
			ids[name] = c.ID
		}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.VoidCertificate(ids["voided, expired"], "duplicate entry", 1) })
		// A test report without expiry never appears.
		update(t, s, ctx, func(tx *store.Tx) error {
			return tx.CreateCertificate(&supplier.Certificate{SupplierID: a.ID, Kind: supplier.KindProductTest, Standard: "IEC 62368-1",
				Number: "TR-1", CertificationBody: "Intertek", HolderName: "x", IssueDate: day("2025-01-01")})
		})

		list := func(f store.ExpiringFilter) []string {
			t.Helper()
			var p *store.ExpiringPage
			view(t, s, func(tx *store.Tx) (err error) { p, err = tx.ExpiringCertificates(f); return })
			var out []string
			for _, v := range p.Items {
				out = append(out, strings.TrimPrefix(v.Certificate.Number, "EXP-")+"="+v.Status.Validity.Code)
			}
			return out
		}
		want := []string{"long expired=expired", "expired=expired", "today=expiring", "in 90 days=expiring"}
		if got := list(store.ExpiringFilter{}); !slices.Equal(got, want) {
			t.Errorf("default 90 days: %v\nwant %v", got, want)
		}
		if got := list(store.ExpiringFilter{Within: 91}); !slices.Equal(got, append(want, "in 91 days=valid")) {
			t.Errorf("91 days: %v", got)
		}
		if got := list(store.ExpiringFilter{Within: 1}); !slices.Equal(got, want[:3]) {
			t.Errorf("1 day: expired ones must stay: %v", got)
		}
		if got := list(store.ExpiringFilter{SupplierID: b.ID, Within: 3000}); len(got) != 3 {
			t.Errorf("supplier b: %v", got)
		}
		// Paging.
		var p1, p2 *store.ExpiringPage
		view(t, s, func(tx *store.Tx) (err error) {
			p1, err = tx.ExpiringCertificates(store.ExpiringFilter{Limit: 3})
			return
		})
		view(t, s, func(tx *store.Tx) (err error) {
			p2, err = tx.ExpiringCertificates(store.ExpiringFilter{Limit: 3, Offset: int(p1.Next)})
			return
		})
		if p1.Total != 4 || len(p1.Items) != 3 || p1.Next != 3 || len(p2.Items) != 1 || p2.Next != 0 || p2.Items[0].Certificate.ID != ids["in 90 days"] {
			t.Errorf("paging: %d/%d next %d, then %d next %d", len(p1.Items), p1.Total, p1.Next, len(p2.Items), p2.Next)
		}
		// The configured warning period is the default.
		update(t, s, ctx, func(tx *store.Tx) error {
			set, err := tx.SupplierSettings()
			if err != nil {
				return err
			}
			set.ExpiryWarningDays = 30
			return tx.UpdateSupplierSettings(set, set.Version, "tighter")
		})
		if got := list(store.ExpiringFilter{}); !slices.Equal(got, want[:3]) {
			t.Errorf("30-day setting: %v", got)
		}
		// A voided supplier's certificates leave the list.
		update(t, s, ctx, func(tx *store.Tx) error { return tx.VoidSupplier(b.ID, "closed", 1) })
		if got := list(store.ExpiringFilter{Within: 3000}); len(got) != 3 {
			t.Errorf("after voiding b: %v", got)
		}
		wantKind(t, "negative window", s.View(ctx, func(tx *store.Tx) error {
			_, err := tx.ExpiringCertificates(store.ExpiringFilter{Within: -1})
			return err
		}), qms.KindInvalid)
		checkAudit(t, s)
	})
}

func TestApprovedSupplierList(t *testing.T) {
	eachAt(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		ctx := qmCtx()
		approve := func(sup *supplier.Supplier, to supplier.Status) {
			t.Helper()
			update(t, s, ctx, func(tx *store.Tx) error {
				if err := tx.SetSupplierStatus(sup.ID, supplier.StatusUnderQualification, "start", 1); err != nil {
					return err
				}
				return tx.SetSupplierStatus(sup.ID, to, "audit passed", 2)
			})
		}
		a := newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd.", "CN", "electronics")
		b := newSupplier(t, s, "Công ty TNHH May mặc Việt Tiến", "", "VN")
		c := newSupplier(t, s, "Alpha Toys Ltd", "", "GB", "toys")
		d := newSupplier(t, s, "Beta Electronics", "", "TW", "electronics")
		siteA := newSite(t, s, a.ID, "华强南山", "Huaqiang Nanshan", "深圳", "electronics")
		newSite(t, s, a.ID, "华强玩具厂", "Huaqiang Toys", "东莞", "toys")
		newSite(t, s, b.ID, "Nhà máy 1", "", "Quận 7", "electronics")
		approve(a, supplier.StatusApproved)
		approve(b, supplier.StatusConditionallyApproved)
		approve(c, supplier.StatusApproved)
		update(t, s, ctx, func(tx *store.Tx) error {
			return tx.SetSupplierStatus(c.ID, supplier.StatusProbation, "late deliveries", 3)
		})
		update(t, s, ctx, func(tx *store.Tx) error {
			return tx.SetSupplierStatus(d.ID, supplier.StatusUnderQualification, "start", 1)
		})
		cert := iso9001(a.ID, "A-1", siteA.ID)
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateCertificate(cert) })

		asl := func(cat string) []store.ASLEntry {
			t.Helper()
			var out []store.ASLEntry
			view(t, s, func(tx *store.Tx) (err error) { out, _, err = tx.ApprovedSuppliers(cat, 0, 50); return })
			return out
		}
		names := func(es []store.ASLEntry) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.Supplier.DisplayName()+"/"+string(e.Supplier.Status))
			}
			return out
		}
		if got := names(asl("electronics")); !slices.Equal(got, []string{"Công ty TNHH May mặc Việt Tiến/conditionally_approved",
			"Shenzhen Huaqiang Electronics Co., Ltd. (深圳市华强电子有限公司)/approved"}) {
			t.Errorf("electronics: %v", got)
		}
		if got := names(asl("toys")); !slices.Equal(got, []string{"Alpha Toys Ltd/probation", "Shenzhen Huaqiang Electronics Co., Ltd. (深圳市华强电子有限公司)/approved"}) {
			t.Errorf("toys: %v", got)
		}
		if got := asl(""); len(got) != 3 {
			t.Errorf("all categories: %v", names(got))
		}
		e := asl("electronics")[1]
		if len(e.Sites) != 1 || e.Sites[0].ID != siteA.ID || len(e.Certificates) != 1 || e.Certificates[0].Certificate.Number != "A-1" ||
			e.Supplier.StatusChangedBy != "Lena Vogel" {
			t.Errorf("entry: %+v", e)
		}
		checkAudit(t, s)
	})
}
