package store_test

import (
	"strconv"
	"testing"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestNCRViews: the Pareto counts by defect code, supplier and cause and
// the cost of poor quality by supplier, month and currency, from NCRs the
// test raises; voided NCRs and other periods do not count, currencies are
// never added together.
func TestNCRViews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		a := newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang", "CN", "electronics")
		b := newSupplier(t, s, "Công ty May Sài Gòn", "", "VN", "electronics")
		raise := func(sup int64, on qms.Date, cause ncr.Category, affected int, defects ...ncr.Defect) *ncr.NCR {
			n := &ncr.NCR{Source: ncr.SourceIncoming, Title: "Lot rejected", Severity: inspection.Major, SupplierID: sup, Found: "defects over AQL",
				DetectedOn: on, QuantityAffected: affected, CauseCategory: cause, Defects: defects}
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateNCR(n) })
			return n
		}
		cost := func(n *ncr.NCR, c ncr.Cost) {
			update(t, s, qmCtx(), func(tx *store.Tx) error {
				cur, err := tx.NCR(n.ID)
				if err != nil {
					return err
				}
				_, err = tx.SetNCRCost(n.ID, cur.Version, c, "")
				return err
			})
		}
		scr := func(q int) ncr.Defect {
			return ncr.Defect{Code: "SCR-01", Description: "Scratch", Class: inspection.Minor, Quantity: q}
		}
		fun := func(q int) ncr.Defect {
			return ncr.Defect{Code: "FUN-01", Description: "No sound", Class: inspection.Major, Quantity: q}
		}
		jan, feb, mar := qms.NewDate(2026, 1, 12), qms.NewDate(2026, 2, 3), qms.NewDate(2026, 3, 30)
		n1 := raise(a.ID, jan, ncr.CatMachine, 100, scr(4), fun(2))
		n2 := raise(a.ID, feb, ncr.CatMachine, 50, scr(3))
		n3 := raise(b.ID, feb, ncr.CatMethod, 20, scr(1), ncr.Defect{Description: "Loose thread 线头", Class: inspection.Minor, Quantity: 6})
		n4 := raise(0, mar, "", 7, fun(7))
		old := raise(a.ID, qms.NewDate(2025, 6, 1), ncr.CatMan, 9, fun(9))
		voided := raise(b.ID, feb, ncr.CatMaterial, 30, fun(30))
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			_, err := tx.MoveNCR(voided.ID, voided.Version, ncr.MoveVoid, "raised twice")
			return err
		})
		cost(n1, ncr.Cost{Currency: "EUR", Scrap: 10000, Rework: 2550, Freight: 1000, ChargedBack: 5000})
		cost(n2, ncr.Cost{Currency: "USD", Sorting: 30000})
		cost(n3, ncr.Cost{Currency: "EUR", Rework: 1234})
		cost(n4, ncr.Cost{Currency: "JPY", Other: 5000})
		cost(old, ncr.Cost{Currency: "EUR", Scrap: 99999})

		f := store.NCRViewFilter{From: qms.NewDate(2026, 1, 1), To: qms.NewDate(2026, 3, 31)}
		var byDefect, bySupplier, byCause []store.ParetoCount
		var copq []store.COPQRow
		view(t, s, func(tx *store.Tx) (err error) {
			if byDefect, err = tx.NCRParetoByDefect(f); err != nil {
				return err
			}
			if bySupplier, err = tx.NCRParetoBySupplier(f); err != nil {
				return err
			}
			if byCause, err = tx.NCRParetoByCause(f); err != nil {
				return err
			}
			copq, err = tx.CostOfPoorQuality(f)
			return err
		})
		type bar struct {
			key, label string
			ncrs       int
			units      int64
		}
		check := func(name string, got []store.ParetoCount, want []bar) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: %+v, want %+v", name, got, want)
			}
			for i, w := range want {
				g := got[i]
				if g.Key != w.key || g.Label != w.label || g.NCRs != w.ncrs || g.Units != w.units {
					t.Errorf("%s bar %d: %+v, want %+v", name, i, g, w)
				}
			}
		}
		check("by defect", byDefect, []bar{
			{"SCR-01", "SCR-01 Scratch", 3, 8}, {"FUN-01", "FUN-01 No sound", 2, 9}, {"Loose thread 线头", "Loose thread 线头", 1, 6}})
		check("by supplier", bySupplier, []bar{
			{itoa(a.ID), "深圳市华强电子有限公司", 2, 150}, {itoa(b.ID), "Công ty May Sài Gòn", 1, 20}, {"0", "No supplier", 1, 7}})
		check("by cause", byCause, []bar{
			{"machine", "Machine", 2, 150}, {"method", "Method", 1, 20}, {"", "Not yet known", 1, 7}})

		// One supplier only.
		view(t, s, func(tx *store.Tx) (err error) {
			byDefect, err = tx.NCRParetoByDefect(store.NCRViewFilter{SupplierID: b.ID})
			return err
		})
		check("by defect of supplier b", byDefect, []bar{{"Loose thread 线头", "Loose thread 线头", 1, 6}, {"SCR-01", "SCR-01 Scratch", 1, 1}})

		type row struct {
			sup, month, cur string
			ncrs            int
			total, charged  int64
		}
		want := []row{
			{"Công ty May Sài Gòn", "2026-02", "EUR", 1, 1234, 0},
			{"深圳市华强电子有限公司", "2026-01", "EUR", 1, 13550, 5000},
			{"深圳市华强电子有限公司", "2026-02", "USD", 1, 30000, 0},
			{"No supplier", "2026-03", "JPY", 1, 5000, 0},
		}
		if len(copq) != len(want) {
			t.Fatalf("COPQ %+v", copq)
		}
		for i, w := range want {
			g := copq[i]
			if g.Supplier != w.sup || g.Month != w.month || g.Currency != w.cur || g.NCRs != w.ncrs || g.Total() != w.total || g.ChargedBack != w.charged {
				t.Errorf("COPQ row %d: %+v, want %+v", i, g, w)
			}
		}
		if copq[1].Scrap != 10000 || copq[1].Rework != 2550 || copq[1].Freight != 1000 || copq[2].Sorting != 30000 {
			t.Errorf("COPQ parts %+v", copq)
		}
		totals := store.COPQTotals(copq)
		if len(totals) != 3 || totals[0].Currency != "EUR" || totals[0].Total() != 13550+1234 || totals[0].NCRs != 2 ||
			totals[1].Currency != "JPY" || totals[2].Currency != "USD" || totals[2].Total() != 30000 {
			t.Errorf("COPQ totals per currency %+v", totals)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// TestCAPAAgeing: the CAPA list with ageing: days open, the current stage
// and the days in it, overdue stages; the overdue filter; oldest first.
func TestCAPAAgeing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		sup := newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang", "CN", "electronics")
		today := qms.DateOf(s.Now())
		open := func(title string, kind capa.Kind) *capa.CAPA {
			c := &capa.CAPA{Kind: kind, Type: capa.TypeCorrective, Title: title, Severity: inspection.Major, SupplierID: sup.ID,
				OwnerID: qmActor.UserID, Owner: qmActor.Name, Sources: []capa.Source{{Kind: capa.SourceComplaint, Ref: "CC-" + title}}}
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(c) })
			return c
		}
		first := open("first", capa.KindSupplier)
		second := open("second", capa.KindInternal)
		r := report(today)
		answer(t, s, qmCtx(), second.ID, &r.D0)
		answer(t, s, qmCtx(), second.ID, &r.D1)
		cancelled := open("cancelled", capa.KindInternal)
		doCAPA(t, s, qmCtx(), cancelled.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.MoveCAPA(c.ID, c.Version, capa.MoveCancel, "duplicate")
		})

		list := func(f store.CAPAAgeFilter) *store.CAPAAgePage {
			var p *store.CAPAAgePage
			view(t, s, func(tx *store.Tx) (err error) { p, err = tx.ListCAPAAgeing(f); return err })
			return p
		}
		// Ten days on: D0 to D3 are due within two days of opening, so
		// they are overdue where not accepted.
		later := today.AddDate(0, 0, 10)
		p := list(store.CAPAAgeFilter{Active: true, Today: later})
		if p.Total != 2 || len(p.Items) != 2 || p.Items[0].ID != first.ID || p.Items[1].ID != second.ID || p.Next != 0 {
			t.Fatalf("active list %+v", p)
		}
		f1, f2 := p.Items[0], p.Items[1]
		if f1.AgeDays != 10 || f1.Current != capa.D0 || f1.StageDays != 10 || f1.CurrentDue != today.AddDate(0, 0, 1) || f1.Supplier != "深圳市华强电子有限公司" {
			t.Errorf("first: %+v", f1)
		}
		if len(f1.Overdue) != 4 || f1.Overdue[0] != capa.D0 || f1.Overdue[3] != capa.D3 || f1.OverdueDays != 9 {
			t.Errorf("first overdue %v by %d days", f1.Overdue, f1.OverdueDays)
		}
		// D0 and D1 accepted today: the current stage is D2, entered today.
		if f2.Current != capa.D2 || f2.StageDays != 10 || len(f2.Overdue) != 2 || f2.Overdue[0] != capa.D2 || len(f2.Stages) != 9 {
			t.Errorf("second: current %s for %d days, overdue %v, %d stages", f2.Current, f2.StageDays, f2.Overdue, len(f2.Stages))
		}
		// On the day of opening nothing is overdue; the overdue filter
		// finds nothing, the cancelled CAPA is in the full list without ageing
		// of stages.
		if p := list(store.CAPAAgeFilter{Overdue: true, Today: today}); p.Total != 0 {
			t.Errorf("overdue on the opening day: %+v", p)
		}
		if p := list(store.CAPAAgeFilter{Overdue: true, Today: later, Kind: capa.KindSupplier}); p.Total != 1 || p.Items[0].ID != first.ID {
			t.Errorf("overdue supplier requests: %+v", p)
		}
		all := list(store.CAPAAgeFilter{Today: later, Limit: 2})
		if all.Total != 3 || len(all.Items) != 2 || all.Next != 2 {
			t.Fatalf("page 1 of all: %+v", all)
		}
		all = list(store.CAPAAgeFilter{Today: later, Limit: 2, Offset: 2})
		if len(all.Items) != 1 || all.Items[0].ID != cancelled.ID || all.Items[0].Overdue != nil || all.Items[0].StageDays != 0 || all.Next != 0 {
			t.Errorf("page 2 of all: %+v", all)
		}
	})
}
