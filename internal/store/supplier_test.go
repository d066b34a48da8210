package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
)

var (
	qmActor        = qms.Actor{UserID: 2, Name: "Lena Vogel", Role: qms.RoleQualityManager, Via: "session"}
	inspectorActor = qms.Actor{UserID: 3, Name: "Trần Văn Hùng", Role: qms.RoleInspector, Via: "session"}
)

func qmCtx() context.Context { return qms.WithActor(context.Background(), qmActor) }

// update runs fn in a write transaction and fails the test on error.
func update(t *testing.T, s *store.Store, ctx context.Context, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// view runs fn in a read transaction and fails the test on error.
func view(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// wantKind fails the test unless err has kind k.
func wantKind(t *testing.T, what string, err error, k qms.Kind) {
	t.Helper()
	if qms.ErrorKind(err) != k || err == nil {
		t.Fatalf("%s: %v, want %v", what, err, k)
	}
}

func countAudit(t *testing.T, s *store.Store) int64 {
	t.Helper()
	var n int64
	if err := s.DB().QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkAudit verifies the hash chain.
func checkAudit(t *testing.T, s *store.Store) {
	t.Helper()
	if n, err := s.VerifyAudit(context.Background()); err != nil {
		t.Fatalf("audit chain after %d events: %v", n, err)
	}
}

// auditOf returns the audit events of one record, newest first.
func auditOf(t *testing.T, s *store.Store, entity string, id int64) []qms.AuditEvent {
	t.Helper()
	evs, _, err := s.ListAudit(context.Background(), store.AuditFilter{EntityType: entity, EntityID: fmt.Sprint(id)})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func seedCategories(t *testing.T, s *store.Store) {
	t.Helper()
	update(t, s, qmCtx(), func(tx *store.Tx) error {
		for _, c := range []supplier.Category{
			{Code: "electronics", Name: "Electronics", Keywords: []string{"electronic", "PCB", "电子"}},
			{Code: "medical_devices", Name: "Medical devices", Keywords: []string{"medical device", "医疗器械"}},
			{Code: "toys", Name: "Toys", Keywords: []string{"toy", "玩具"}},
			{Code: "garments", Name: "Garments", Keywords: []string{"garment", "apparel", "may mặc"}},
		} {
			if err := tx.CreateCategory(&c); err != nil {
				return err
			}
		}
		return nil
	})
}

func newSupplier(t *testing.T, s *store.Store, name, latin, country string, cats ...string) *supplier.Supplier {
	t.Helper()
	sup := &supplier.Supplier{Name: name, NameLatin: latin, Kind: supplier.KindManufacturer, Country: country, Categories: cats}
	update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateSupplier(sup) })
	return sup
}

func newSite(t *testing.T, s *store.Store, supplierID int64, name, latin, address string, cats ...string) *supplier.Site {
	t.Helper()
	site := &supplier.Site{SupplierID: supplierID, Name: name, NameLatin: latin, Address: address, AddressLatin: "Lot 1, Industrial Zone",
		Country: "CN", Categories: cats}
	update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateSite(site) })
	return site
}

func TestSupplierCreateUpdateVoid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		ctx := qmCtx()
		names := []struct{ name, latin, country string }{
			{"深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd.", "CN"},
			{"Công ty TNHH May mặc Việt Tiến", "", "VN"},
			{"บริษัท สยามพลาสติก จำกัด", "Siam Plastic Co., Ltd.", "TH"},
			{"Müller Kunststofftechnik GmbH", "", "DE"},
		}
		for _, n := range names {
			sup := &supplier.Supplier{Name: n.name, NameLatin: n.latin, Kind: supplier.KindManufacturer, Country: strings.ToLower(n.country),
				Address: "地址 " + n.name, Notes: "line 1\nline 2 — “quoted” 😀", Categories: []string{"Electronics"},
				Contacts: []supplier.Contact{{Name: "王芳", Role: "QA 经理", Email: "wang@example.cn", Phone: "+86 755 1234 5678"}}}
			update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateSupplier(sup) })
			var got *supplier.Supplier
			view(t, s, func(tx *store.Tx) (err error) { got, err = tx.Supplier(sup.ID); return })
			if got.Name != n.name || got.NameLatin != n.latin || got.Address != "地址 "+n.name || got.Notes != "line 1\nline 2 — “quoted” 😀" ||
				got.Country != n.country || got.Status != supplier.StatusProspect || got.Version != 1 ||
				!slices.Equal(got.Categories, []string{"electronics"}) || len(got.Contacts) != 1 || got.Contacts[0].Role != "QA 经理" {
				t.Errorf("round trip of %q: %+v", n.name, got)
			}
		}

		// Bad input writes nothing.
		before := countAudit(t, s)
		for what, sup := range map[string]*supplier.Supplier{
			"unknown category":      {Name: "ACME", Kind: supplier.KindManufacturer, Country: "DE", Categories: []string{"furniture"}},
			"Thai without Latin":    {Name: "บริษัท สยามพลาสติก จำกัด", Kind: supplier.KindManufacturer, Country: "TH"},
			"created approved":      {Name: "ACME", Kind: supplier.KindManufacturer, Country: "DE", Status: supplier.StatusApproved},
			"control char in notes": {Name: "ACME", Kind: supplier.KindManufacturer, Country: "DE", Notes: "\x07"},
		} {
			err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateSupplier(sup) })
			wantKind(t, what, err, qms.KindInvalid)
		}
		if countAudit(t, s) != before {
			t.Error("refused input wrote audit events")
		}

		// Update with optimistic concurrency; the status is not changed by an update.
		sup := newSupplier(t, s, "宁波金桥贸易有限公司", "Ningbo Jinqiao Trading Co., Ltd.", "CN", "toys")
		edit := *sup
		edit.Kind, edit.Categories, edit.Status = supplier.KindTradingCompany, []string{"toys", "garments"}, supplier.StatusApproved
		update(t, s, ctx, func(tx *store.Tx) error { return tx.UpdateSupplier(&edit, 1, "it is a trading company") })
		if edit.Version != 2 || edit.Kind != supplier.KindTradingCompany || edit.Status != supplier.StatusProspect ||
			!slices.Equal(edit.Categories, []string{"garments", "toys"}) {
			t.Errorf("after update: %+v", edit)
		}
		stale := *sup
		stale.Notes = "stale"
		wantKind(t, "stale update", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateSupplier(&stale, 1, "") }), qms.KindConflict)
		evs := auditOf(t, s, "supplier", sup.ID)
		if len(evs) != 2 || evs[0].Action != qms.ActionUpdate || evs[0].Reason != "it is a trading company" ||
			!strings.Contains(string(evs[0].Before), `"kind":"manufacturer"`) || !strings.Contains(string(evs[0].After), `"kind":"trading_company"`) {
			t.Errorf("update audit: %+v", evs)
		}

		// Void: with a reason, once; then the record is frozen and leaves the list.
		wantKind(t, "void without reason", s.Update(ctx, func(tx *store.Tx) error { return tx.VoidSupplier(sup.ID, " ", 2) }), qms.KindInvalid)
		wantKind(t, "void stale", s.Update(ctx, func(tx *store.Tx) error { return tx.VoidSupplier(sup.ID, "duplicate", 1) }), qms.KindConflict)
		update(t, s, ctx, func(tx *store.Tx) error { return tx.VoidSupplier(sup.ID, "duplicate of supplier 1", 2) })
		wantKind(t, "void twice", s.Update(ctx, func(tx *store.Tx) error { return tx.VoidSupplier(sup.ID, "again", 3) }), qms.KindConflict)
		edit.Notes = "after void"
		wantKind(t, "update voided", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateSupplier(&edit, 3, "") }), qms.KindConflict)
		wantKind(t, "site of voided", s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateSite(&supplier.Site{SupplierID: sup.ID, Name: "Plant", Address: "1 Road", Country: "CN"})
		}), qms.KindConflict)
		var got *supplier.Supplier
		view(t, s, func(tx *store.Tx) (err error) { got, err = tx.Supplier(sup.ID); return })
		if got.VoidedAt == nil || got.VoidReason != "duplicate of supplier 1" {
			t.Errorf("voided: %+v", got)
		}
		if evs := auditOf(t, s, "supplier", sup.ID); evs[0].Action != qms.ActionVoid || evs[0].Reason != "duplicate of supplier 1" {
			t.Errorf("void audit: %+v", evs[0])
		}
		wantKind(t, "missing supplier", s.View(ctx, func(tx *store.Tx) error { _, err := tx.Supplier(9999); return err }), qms.KindNotFound)
		checkAudit(t, s)
	})
}

func TestSupplierStatusTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		ctx := qmCtx()
		sup := newSupplier(t, s, "Ningbo MedTech Co., Ltd.", "", "CN", "medical_devices")
		set := func(ctx context.Context, to supplier.Status, reason string, version int64) error {
			return s.Update(ctx, func(tx *store.Tx) error { return tx.SetSupplierStatus(sup.ID, to, reason, version) })
		}
		wantKind(t, "inspector", set(qms.WithActor(context.Background(), inspectorActor), supplier.StatusUnderQualification, "r", 1), qms.KindForbidden)
		wantKind(t, "no actor is the system, an admin; but no reason", set(context.Background(), supplier.StatusUnderQualification, "", 1), qms.KindInvalid)
		wantKind(t, "skip qualification", set(ctx, supplier.StatusApproved, "looks fine", 1), qms.KindConflict)
		wantKind(t, "stale", set(ctx, supplier.StatusUnderQualification, "start", 7), qms.KindConflict)
		if err := set(ctx, supplier.StatusUnderQualification, "  questionnaire received  ", 1); err != nil {
			t.Fatal(err)
		}

		// Approval is gated: ISO 13485 is required for medical devices.
		var req supplier.Requirement
		update(t, s, ctx, func(tx *store.Tx) error {
			req = supplier.Requirement{Standard: "ISO 13485", Category: "medical_devices"}
			return tx.CreateRequirement(&req)
		})
		wantKind(t, "duplicate requirement", s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateRequirement(&supplier.Requirement{Standard: "iso13485", Category: "Medical Devices"})
		}), qms.KindConflict)
		err := set(ctx, supplier.StatusApproved, "audit passed", 2)
		wantKind(t, "gate", err, qms.KindConflict)
		if !strings.Contains(qms.ErrorMessage(err), "ISO 13485: missing") {
			t.Errorf("gate message: %s", qms.ErrorMessage(err))
		}
		var gate supplier.GateResult
		view(t, s, func(tx *store.Tx) (err error) { gate, err = tx.SupplierGate(sup.ID, 0, nil, nil); return })
		if gate.Allowed || len(gate.Checks) != 1 || gate.Checks[0].Code != supplier.CheckMissing {
			t.Errorf("gate = %+v", gate)
		}

		// An override lets it through until its end date; only a quality manager may record one.
		today := qms.DateOf(s.Now())
		o := supplier.Override{SupplierID: sup.ID, Standard: "ISO 13485", Reason: "Certification audit by TÜV booked for next month", Until: today.AddDate(0, 2, 0)}
		wantKind(t, "inspector override", s.Update(qms.WithActor(context.Background(), inspectorActor), func(tx *store.Tx) error {
			o2 := o
			return tx.CreateOverride(&o2)
		}), qms.KindForbidden)
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateOverride(&o) })
		if err := set(ctx, supplier.StatusApproved, "audit passed; ISO 13485 pending, override recorded", 2); err != nil {
			t.Fatalf("approve with override: %v", err)
		}
		var got *supplier.Supplier
		view(t, s, func(tx *store.Tx) (err error) { got, err = tx.Supplier(sup.ID); return })
		if got.Status != supplier.StatusApproved || got.StatusReason != "audit passed; ISO 13485 pending, override recorded" ||
			got.StatusChangedBy != "Lena Vogel" || got.StatusChangedAt == nil || got.Version != 3 {
			t.Errorf("approved: %+v", got)
		}
		evs := auditOf(t, s, "supplier", sup.ID)
		if len(evs) != 3 || evs[0].Action != "status" || evs[1].Reason != "questionnaire received" || evs[0].ActorName != "Lena Vogel" ||
			!strings.Contains(string(evs[0].Before), `"status":"under_qualification"`) || !strings.Contains(string(evs[0].After), `"status":"approved"`) {
			t.Errorf("status audit: %+v", evs)
		}
		if evs := auditOf(t, s, "certificate_override", o.ID); len(evs) != 1 || evs[0].Reason != o.Reason {
			t.Errorf("override audit: %+v", evs)
		}

		// Probation needs no gate; going back to approved does, and the
		// override, once voided, no longer helps.
		if err := set(ctx, supplier.StatusProbation, "two failed inspections", 3); err != nil {
			t.Fatal(err)
		}
		wantKind(t, "void override without reason", s.Update(ctx, func(tx *store.Tx) error { return tx.VoidOverride(o.ID, "") }), qms.KindInvalid)
		update(t, s, ctx, func(tx *store.Tx) error { return tx.VoidOverride(o.ID, "audit cancelled") })
		wantKind(t, "gate after void", set(ctx, supplier.StatusApproved, "recovered", 4), qms.KindConflict)
		// Voiding the requirement lifts the gate.
		update(t, s, ctx, func(tx *store.Tx) error { return tx.VoidRequirement(req.ID, "policy changed", 1) })
		if err := set(ctx, supplier.StatusApproved, "recovered", 4); err != nil {
			t.Fatal(err)
		}
		if err := set(ctx, supplier.StatusDisqualified, "fraud", 5); err != nil {
			t.Fatal(err)
		}
		if err := set(ctx, supplier.StatusUnderQualification, "new management, re-qualify", 6); err != nil {
			t.Fatal(err)
		}
		checkAudit(t, s)
	})
}

func TestSites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		ctx := qmCtx()
		sup := newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd.", "CN", "electronics")
		site := &supplier.Site{SupplierID: sup.ID, Name: "华强电子龙华工厂", NameLatin: "Huaqiang Longhua Plant",
			Address: "广东省深圳市龙华区工业路22号", AddressLatin: "22 Gongye Road, Longhua, Shenzhen", Country: "cn",
			Categories: []string{"electronics"}, Capacity: "3 SMT lines, 40,000 pcs/month",
			Contacts: []supplier.Contact{{Name: "李娜", Role: "厂长"}}}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateSite(site) })
		var got []supplier.Site
		view(t, s, func(tx *store.Tx) (err error) { got, err = tx.Sites(sup.ID); return })
		if len(got) != 1 || got[0].Name != "华强电子龙华工厂" || got[0].Address != "广东省深圳市龙华区工业路22号" || got[0].Country != "CN" ||
			!slices.Equal(got[0].Categories, []string{"electronics"}) || got[0].Contacts[0].Role != "厂长" {
			t.Errorf("sites = %+v", got)
		}
		wantKind(t, "site of no supplier", s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateSite(&supplier.Site{SupplierID: 9999, Name: "X", Address: "1 Road", Country: "CN"})
		}), qms.KindNotFound)
		wantKind(t, "unknown category", s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateSite(&supplier.Site{SupplierID: sup.ID, Name: "X", Address: "1 Road", Country: "CN", Categories: []string{"furniture"}})
		}), qms.KindInvalid)

		edit := *site
		edit.Categories, edit.SupplierID = []string{"electronics", "toys"}, 9999
		update(t, s, ctx, func(tx *store.Tx) error { return tx.UpdateSite(&edit, 1, "toys line added") })
		if edit.SupplierID != sup.ID || edit.Version != 2 || len(edit.Categories) != 2 {
			t.Errorf("updated site: %+v", edit)
		}
		wantKind(t, "stale site", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateSite(&edit, 1, "") }), qms.KindConflict)
		update(t, s, ctx, func(tx *store.Tx) error { return tx.VoidSite(site.ID, "plant closed", 2) })
		wantKind(t, "update voided site", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateSite(&edit, 3, "") }), qms.KindConflict)
		if evs := auditOf(t, s, "site", site.ID); len(evs) != 3 || evs[0].Action != qms.ActionVoid || evs[1].Reason != "toys line added" {
			t.Errorf("site audit: %+v", evs)
		}
		checkAudit(t, s)
	})
}

func TestListSuppliers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		ctx := qmCtx()
		a := newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd.", "CN", "electronics")
		b := newSupplier(t, s, "Công ty TNHH May mặc Việt Tiến", "", "VN", "garments")
		c := newSupplier(t, s, "Müller Kunststofftechnik GmbH", "", "DE")
		d := newSupplier(t, s, "宁波金桥贸易有限公司", "Ningbo Jinqiao Trading Co., Ltd.", "CN", "toys")
		newSite(t, s, c.ID, "Werk Stuttgart", "", "Industriestraße 5, Stuttgart", "toys") // c makes toys at a site
		update(t, s, ctx, func(tx *store.Tx) error {
			return tx.SetSupplierStatus(b.ID, supplier.StatusUnderQualification, "start", 1)
		})
		update(t, s, ctx, func(tx *store.Tx) error { return tx.VoidSupplier(d.ID, "duplicate", 1) })
		// 30 more for paging.
		for i := range 30 {
			newSupplier(t, s, fmt.Sprintf("Zeta Supplier %02d", i), "", "IN")
		}

		list := func(f store.SupplierFilter) *store.SupplierPage {
			t.Helper()
			var p *store.SupplierPage
			view(t, s, func(tx *store.Tx) (err error) { p, err = tx.ListSuppliers(f); return })
			return p
		}
		ids := func(p *store.SupplierPage) []int64 {
			var out []int64
			for _, x := range p.Items {
				out = append(out, x.ID)
			}
			return out
		}
		for _, c2 := range []struct {
			name string
			f    store.SupplierFilter
			want []int64
		}{
			{"Latin name", store.SupplierFilter{Query: "HUAQIANG"}, []int64{a.ID}},
			{"local name", store.SupplierFilter{Query: "华强"}, []int64{a.ID}},
			{"without diacritics", store.SupplierFilter{Query: "viet tien"}, []int64{b.ID}},
			{"with diacritics", store.SupplierFilter{Query: "Việt Tiến"}, []int64{b.ID}},
			{"umlaut", store.SupplierFilter{Query: "müller"}, []int64{c.ID}},
			{"like metacharacters are literal", store.SupplierFilter{Query: "%"}, nil},
			{"status", store.SupplierFilter{Statuses: []supplier.Status{supplier.StatusUnderQualification}}, []int64{b.ID}},
			{"country", store.SupplierFilter{Country: "cn"}, []int64{a.ID}},
			{"category of the supplier", store.SupplierFilter{Category: "electronics"}, []int64{a.ID}},
			{"category made at a site", store.SupplierFilter{Category: "toys"}, []int64{c.ID}},
			{"voided included on request", store.SupplierFilter{Country: "CN", IncludeVoided: true}, []int64{d.ID, a.ID}},
			{"combined", store.SupplierFilter{Country: "DE", Category: "toys", Statuses: []supplier.Status{supplier.StatusProspect}}, []int64{c.ID}},
		} {
			if got := ids(list(c2.f)); !slices.Equal(got, c2.want) {
				t.Errorf("%s: %v, want %v", c2.name, got, c2.want)
			}
		}

		// Sorting and paging: 33 active suppliers, by Latin name.
		p1 := list(store.SupplierFilter{Limit: 20})
		if p1.Total != 33 || len(p1.Items) != 20 || p1.Next != 20 {
			t.Fatalf("page 1: total %d, %d items, next %d", p1.Total, len(p1.Items), p1.Next)
		}
		if p1.Items[0].ID != b.ID || p1.Items[1].ID != c.ID || p1.Items[2].ID != a.ID {
			t.Errorf("by name: %v", ids(p1)[:3])
		}
		p2 := list(store.SupplierFilter{Limit: 20, Offset: int(p1.Next)})
		if len(p2.Items) != 13 || p2.Next != 0 || p2.Items[12].Name != "Zeta Supplier 29" {
			t.Errorf("page 2: %d items, next %d", len(p2.Items), p2.Next)
		}
		all := append(ids(p1), ids(p2)...)
		slices.Sort(all)
		if len(slices.Compact(all)) != 33 {
			t.Error("pages overlap or miss suppliers")
		}
		if got := list(store.SupplierFilter{Sort: store.SortNameDesc, Limit: 1}); got.Items[0].Name != "Zeta Supplier 29" {
			t.Errorf("-name: %s", got.Items[0].Name)
		}
		if got := list(store.SupplierFilter{Sort: store.SortCountry, Limit: 2}); got.Items[0].ID != a.ID || got.Items[1].ID != c.ID {
			t.Errorf("country: %v", ids(got))
		}
		if got := list(store.SupplierFilter{Sort: store.SortStatus, Limit: 1}); got.Items[0].Status != supplier.StatusProspect {
			t.Errorf("status: %v", got.Items[0].Status)
		}
		if got := list(store.SupplierFilter{Sort: store.SortUpdatedDesc, Limit: 40}); len(got.Items) != 33 {
			t.Errorf("-updated: %d", len(got.Items))
		}
		if got := list(store.SupplierFilter{Limit: 10_000}); len(got.Items) != 33 || got.Next != 0 {
			t.Errorf("limit above the maximum: %d items", len(got.Items))
		}
		for i := range 200 {
			newSupplier(t, s, fmt.Sprintf("Bulk %03d", i), "", "BD")
		}
		if got := list(store.SupplierFilter{Limit: 10_000}); len(got.Items) != store.MaxPageSize || got.Next != store.MaxPageSize {
			t.Errorf("limit is not capped at MaxPageSize: %d items, next %d", len(got.Items), got.Next)
		}
		wantKind(t, "bad sort", s.View(ctx, func(tx *store.Tx) error {
			_, err := tx.ListSuppliers(store.SupplierFilter{Sort: "name; DROP TABLE suppliers"})
			return err
		}), qms.KindInvalid)
		wantKind(t, "bad status", s.View(ctx, func(tx *store.Tx) error {
			_, err := tx.ListSuppliers(store.SupplierFilter{Statuses: []supplier.Status{"x"}})
			return err
		}), qms.KindInvalid)
		checkAudit(t, s)
	})
}

func TestSupplierSettingsAndBodies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := qmCtx()
		var set *supplier.Settings
		view(t, s, func(tx *store.Tx) (err error) { set, err = tx.SupplierSettings(); return })
		if set.ExpiryWarningDays != 90 || set.MaxValidityYears != 3 || set.Version != 1 {
			t.Errorf("defaults = %+v", set)
		}
		// The migration seeds exactly supplier.SeedAccreditationBodies.
		seed := supplier.SeedAccreditationBodies
		if len(set.AccreditationBodies) != len(seed) {
			t.Fatalf("%d bodies seeded, want %d", len(set.AccreditationBodies), len(seed))
		}
		for _, want := range seed {
			got := set.FindAccreditationBody(want.Code)
			if got == nil {
				t.Errorf("%s not seeded", want.Code)
				continue
			}
			g, w := *got, want
			g.ID, g.CreatedAt, g.UpdatedAt, g.Version = 0, time.Time{}, time.Time{}, 0
			if w.Aliases == nil {
				w.Aliases = []string{}
			}
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			if string(gj) != string(wj) {
				t.Errorf("seeded %s\n got %s\nwant %s", want.Code, gj, wj)
			}
		}

		set.ExpiryWarningDays = 60
		update(t, s, ctx, func(tx *store.Tx) error { return tx.UpdateSupplierSettings(set, 1, "shorter lead time") })
		if set.ExpiryWarningDays != 60 || set.Version != 2 {
			t.Errorf("updated = %+v", set)
		}
		wantKind(t, "stale settings", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateSupplierSettings(set, 1, "") }), qms.KindConflict)
		bad := *set
		bad.MaxValidityYears = 0
		wantKind(t, "bad settings", s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateSupplierSettings(&bad, 2, "") }), qms.KindInvalid)

		ab := &supplier.AccreditationBody{Code: "BoA", Name: "Bureau of Accreditation", Country: "VN", Recognised: true, Aliases: []string{"Văn phòng Công nhận Chất lượng"}}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateAccreditationBody(ab) })
		wantKind(t, "duplicate code", s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateAccreditationBody(&supplier.AccreditationBody{Code: "B-O-A", Name: "x"})
		}), qms.KindConflict)
		for _, code := range []string{"jas anz", "I-NAF", "DAKKS"} { // the seeded keys match the ones Go computes
			wantKind(t, "seeded "+code, s.Update(ctx, func(tx *store.Tx) error {
				return tx.CreateAccreditationBody(&supplier.AccreditationBody{Code: code, Name: "x"})
			}), qms.KindConflict)
		}
		ab.Recognised = false
		update(t, s, ctx, func(tx *store.Tx) error { return tx.UpdateAccreditationBody(ab, 1, "not a signatory for ISO 13485") })
		view(t, s, func(tx *store.Tx) (err error) { set, err = tx.SupplierSettings(); return })
		if got := set.FindAccreditationBody("Văn phòng Công nhận Chất lượng"); got == nil || got.Recognised || got.Version != 2 {
			t.Errorf("BoA = %+v", got)
		}
		if evs := auditOf(t, s, "accreditation_body", ab.ID); len(evs) != 2 || evs[0].Reason != "not a signatory for ISO 13485" {
			t.Errorf("audit: %+v", evs)
		}
		if evs := auditOf(t, s, "supplier_settings", 1); len(evs) != 1 || !strings.Contains(string(evs[0].After), `"expiry_warning_days":60`) {
			t.Errorf("settings audit: %+v", evs)
		}
		checkAudit(t, s)
	})
}
