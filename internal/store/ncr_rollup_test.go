package store_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestNCRRollup writes NCRs across months, suppliers, causes, defect codes
// and currencies, then edits, voids and deletes them in random order (a
// fixed seed), through the store and straight in SQL; after each round the
// Paretos and the cost of poor quality read from the monthly roll-ups must
// equal the same views read from the NCRs, for every whole-month period and
// supplier filter, and the roll-ups must equal their recomputation.
func TestNCRRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedCategories(t, s)
		sups := []int64{0,
			newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang", "CN", "electronics").ID,
			newSupplier(t, s, "Công ty May Sài Gòn", "", "VN", "electronics").ID,
			newSupplier(t, s, "Bursa Tekstil A.Ş.", "", "TR", "electronics").ID}
		rng := rand.New(rand.NewPCG(20, 2026))
		causes := []ncr.Category{"", ncr.CatMachine, ncr.CatMethod, ncr.CatMaterial}
		defects := []ncr.Defect{
			{Code: "SCR-01", Description: "Scratch", Class: inspection.Minor},
			{Code: "SCR-01", Description: "Scratch on lid", Class: inspection.Minor},
			{Code: "FUN-01", Description: "No sound", Class: inspection.Major},
			{Code: "DIM-02", Description: "", Class: inspection.Major},
			{Description: "Loose thread 线头", Class: inspection.Minor},
			{Description: "Stain", Class: inspection.Minor},
		}
		day := func() qms.Date { return qms.NewDate(2025, 11, 1).AddDate(0, 0, rng.IntN(180)) }
		fill := func(n *ncr.NCR) {
			n.SupplierID, n.DetectedOn, n.CauseCategory = sups[rng.IntN(len(sups))], day(), causes[rng.IntN(len(causes))]
			n.QuantityAffected = 1 + rng.IntN(500)
			n.Defects = nil
			for range 1 + rng.IntN(3) {
				d := defects[rng.IntN(len(defects))]
				d.Quantity = rng.IntN(40)
				n.Defects = append(n.Defects, d)
			}
		}
		var live []int64 // NCRs not deleted
		pick := func() int64 { return live[rng.IntN(len(live))] }
		op := func(tx *store.Tx) error {
			switch k := rng.IntN(10); {
			case k < 4 || len(live) < 5: // raise
				n := &ncr.NCR{Source: ncr.SourceIncoming, Title: "Lot rejected", Severity: inspection.Major, Found: "defects over AQL"}
				fill(n)
				if err := tx.CreateNCR(n); err != nil {
					return err
				}
				live = append(live, n.ID)
			case k == 4: // edit the report: supplier, date, cause, quantity, lines
				n, err := tx.NCR(pick())
				if err != nil || n.Status != ncr.StatusOpen {
					return err
				}
				fill(n)
				return tx.UpdateNCR(n, n.Version, "corrected")
			case k == 5: // a cost, in one of three currencies
				n, err := tx.NCR(pick())
				if err != nil || n.Status == ncr.StatusVoided {
					return err
				}
				c := ncr.Cost{Currency: []string{"USD", "EUR", "JPY"}[rng.IntN(3)], Scrap: rng.Int64N(100000), Rework: rng.Int64N(5000),
					Sorting: rng.Int64N(5000), Freight: rng.Int64N(3000), Other: rng.Int64N(1000)}
				c.ChargedBack = rng.Int64N(c.Total() + 1)
				_, err = tx.SetNCRCost(n.ID, n.Version, c, "")
				return err
			case k == 6: // void
				n, err := tx.NCR(pick())
				if err != nil || n.Status == ncr.StatusVoided {
					return err
				}
				_, err = tx.MoveNCR(n.ID, n.Version, ncr.MoveVoid, "raised twice")
				return err
			case k == 7: // delete, lines first
				id := pick()
				if _, err := tx.Exec("DELETE FROM ncr_defects WHERE ncr_id = ?", id); err != nil {
					return err
				}
				if _, err := tx.Exec("DELETE FROM ncrs WHERE id = ?", id); err != nil {
					return err
				}
				for i, v := range live {
					if v == id {
						live = append(live[:i], live[i+1:]...)
						break
					}
				}
			case k == 8: // change one line in SQL: code, description and quantity
				d := defects[rng.IntN(len(defects))]
				_, err := tx.Exec("UPDATE ncr_defects SET code = ?, description = ?, quantity = ? WHERE ncr_id = ? AND line = 1",
					d.Code, d.Description, rng.IntN(40), pick())
				return err
			default: // several NCRs at once in SQL: month and cause, or voided back
				a, b := pick(), pick()
				if rng.IntN(2) == 0 {
					_, err := tx.Exec("UPDATE ncrs SET detected_on = ?, cause_category = ? WHERE id IN (?, ?)",
						day().String(), string(causes[rng.IntN(len(causes))]), a, b)
					return err
				}
				_, err := tx.Exec("UPDATE ncrs SET status = 'open', supplier_id = ? WHERE id IN (?, ?) AND status = 'voided'",
					nullID(sups[rng.IntN(len(sups))]), a, b)
				return err
			}
			return nil
		}
		periods := [][2]qms.Date{{}, {qms.NewDate(2025, 11, 1), qms.NewDate(2026, 4, 30)}, {qms.NewDate(2025, 12, 1), qms.NewDate(2025, 12, 31)},
			{qms.NewDate(2026, 1, 1), {}}, {{}, qms.NewDate(2026, 2, 28)}, {qms.NewDate(2026, 2, 1), qms.NewDate(2026, 3, 31)}}
		compare := func(round int) {
			t.Helper()
			view(t, s, func(tx *store.Tx) error {
				diffs, err := tx.CheckNCRRollup()
				if err != nil {
					return err
				}
				for _, d := range diffs {
					t.Errorf("round %d: roll-up differs: %s", round, d)
				}
				nonEmpty := 0
				for _, p := range periods {
					for _, sup := range sups {
						f := store.NCRViewFilter{From: p[0], To: p[1], SupplierID: sup}
						raw := f
						raw.Raw = true
						for _, v := range []struct {
							name string
							fn   func(store.NCRViewFilter) (any, error)
						}{
							{"by defect", func(f store.NCRViewFilter) (any, error) { return tx.NCRParetoByDefect(f) }},
							{"by supplier", func(f store.NCRViewFilter) (any, error) { return tx.NCRParetoBySupplier(f) }},
							{"by cause", func(f store.NCRViewFilter) (any, error) { return tx.NCRParetoByCause(f) }},
							{"COPQ", func(f store.NCRViewFilter) (any, error) { return tx.CostOfPoorQuality(f) }},
						} {
							got, err := v.fn(f)
							if err != nil {
								return fmt.Errorf("%s %+v: %w", v.name, f, err)
							}
							want, err := v.fn(raw)
							if err != nil {
								return fmt.Errorf("%s %+v raw: %w", v.name, f, err)
							}
							if reflect.ValueOf(want).Len() > 0 {
								nonEmpty++
							}
							if !reflect.DeepEqual(want, got) {
								t.Errorf("round %d, %s of %+v: roll-up differs from the NCRs:\nNCRs    %+v\nroll-up %+v", round, v.name, f, want, got)
							}
						}
					}
				}
				if nonEmpty < 60 {
					t.Errorf("round %d: only %d of the views compared have data", round, nonEmpty)
				}
				return nil
			})
		}
		for round := range 4 {
			for range 40 {
				update(t, s, qmCtx(), op)
			}
			compare(round)
		}
	})
}

// nullID is nil for 0 (no supplier).
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
