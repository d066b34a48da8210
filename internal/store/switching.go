package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
)

// Switching streams per supplier x product x defect class: the state of
// the sampling engine's switching state machine, advanced by each original
// lot's result when its inspection is decided, with every change kept in
// switching_events (why the severity is what it is).

const (
	streamColumns = "supplier_id, product_id, class, standard, level, aql, state, reason, last_inspection_id, updated_at, version"
	eventColumns  = "id, supplier_id, product_id, class, inspection_id, action, severity_before, severity_after, discontinued, found, outcome, state, reason, by_id, by_name, created_at"
)

func scanStream(sc scanner, st *inspection.Stream) error {
	var std, level, aql, state string
	var last sql.NullInt64
	if err := sc.Scan(&st.SupplierID, &st.ProductID, &st.Class, &std, &level, &aql, &state, &st.Reason, &last, &st.UpdatedAt, &st.Version); err != nil {
		return err
	}
	var err error
	if st.Config.Standard, err = sampling.ParseStandard(std); err != nil {
		return err
	}
	if st.Config.Level, err = sampling.ParseLevel(level); err != nil {
		return err
	}
	if st.Config.AQL, err = sampling.ParseAQL(aql); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(state), &st.State); err != nil {
		return fmt.Errorf("switching stream %d/%d/%s: %w", st.SupplierID, st.ProductID, st.Class, err)
	}
	if last.Valid {
		st.LastInspectionID = last.Int64
	}
	st.UpdatedAt = st.UpdatedAt.UTC()
	return nil
}

func scanEvent(sc scanner, ev *inspection.StreamEvent) error {
	var insp sql.NullInt64
	var before, after, state string
	var outcome sql.NullString
	if err := sc.Scan(&ev.ID, &ev.SupplierID, &ev.ProductID, &ev.Class, &insp, &ev.Action, &before, &after, &ev.Discontinued, &ev.Found, &outcome,
		&state, &ev.Reason, &ev.ByID, &ev.By, &ev.At); err != nil {
		return err
	}
	if insp.Valid {
		ev.InspectionID = insp.Int64
	}
	var err error
	if ev.SeverityBefore, err = sampling.ParseSeverity(before); err != nil {
		return err
	}
	if ev.SeverityAfter, err = sampling.ParseSeverity(after); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(state), &ev.State); err != nil {
		return fmt.Errorf("switching event %d: %w", ev.ID, err)
	}
	if outcome.Valid {
		ev.Outcome = &sampling.LotOutcome{}
		if err := json.Unmarshal([]byte(outcome.String), ev.Outcome); err != nil {
			return fmt.Errorf("switching event %d: %w", ev.ID, err)
		}
	}
	ev.At = ev.At.UTC()
	return nil
}

// stream returns the stream of supplier x product x class, or nil when
// there is none; lock takes a row lock on PostgreSQL.
func (tx *Tx) stream(supplierID, productID int64, class inspection.DefectClass, lock bool) (*inspection.Stream, error) {
	q := "SELECT " + streamColumns + " FROM switching_streams WHERE supplier_id = ? AND product_id = ? AND class = ?"
	if lock && tx.Dialect() == Postgres {
		q += " FOR UPDATE"
	}
	var st inspection.Stream
	err := scanStream(tx.QueryRow(q, supplierID, productID, class), &st)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// SwitchingStreams returns the streams of a supplier's production of a
// product, most serious class first: the severity in force per class and
// why (Stream.Reason). Classes never inspected have none (normal).
func (tx *Tx) SwitchingStreams(supplierID, productID int64) ([]inspection.Stream, error) {
	out, err := scanAllTx(tx, "SELECT "+streamColumns+" FROM switching_streams WHERE supplier_id = ? AND product_id = ?",
		[]any{supplierID, productID}, scanStream)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b inspection.Stream) int { return b.Class.Rank() - a.Class.Rank() })
	return out, nil
}

// SupplierSwitching returns every stream of a supplier (all products), for
// the supplier page.
func (tx *Tx) SupplierSwitching(supplierID int64) ([]inspection.Stream, error) {
	return scanAllTx(tx, "SELECT "+streamColumns+" FROM switching_streams WHERE supplier_id = ? ORDER BY product_id, class",
		[]any{supplierID}, scanStream)
}

// ProductSwitching returns every stream of a product (all suppliers), for
// the product page.
func (tx *Tx) ProductSwitching(productID int64) ([]inspection.Stream, error) {
	return scanAllTx(tx, "SELECT "+streamColumns+" FROM switching_streams WHERE product_id = ? ORDER BY supplier_id, class",
		[]any{productID}, scanStream)
}

// SwitchingHistory returns the history of one stream, newest first, at
// most limit events (default 50, at most MaxPageSize).
func (tx *Tx) SwitchingHistory(supplierID, productID int64, class inspection.DefectClass, limit int) ([]inspection.StreamEvent, error) {
	return scanAllTx(tx, "SELECT "+eventColumns+` FROM switching_events WHERE supplier_id = ? AND product_id = ? AND class = ?
		ORDER BY id DESC LIMIT ?`, []any{supplierID, productID, class, clampLimit(limit)}, scanEvent)
}

// saveStream writes a stream's new state (the row exists).
func (tx *Tx) saveStream(st *inspection.Stream) error {
	var last any
	if st.LastInspectionID != 0 {
		last = st.LastInspectionID
	}
	_, err := tx.Exec(`UPDATE switching_streams SET standard = ?, level = ?, aql = ?, severity = ?, discontinued = ?, state = ?, reason = ?,
		last_inspection_id = ?, updated_at = ?, version = version + 1 WHERE supplier_id = ? AND product_id = ? AND class = ?`,
		st.Config.Standard.String(), levelText(st.Config.Level), st.Config.AQL.String(), st.State.Severity.String(), st.State.Discontinued,
		encodeJSON(st.State), st.Reason, last, tx.Now, st.SupplierID, st.ProductID, st.Class)
	return err
}

// addStreamEvent appends an event to a stream's history, audited.
func (tx *Tx) addStreamEvent(ev *inspection.StreamEvent) error {
	var insp, outcome any
	if ev.InspectionID != 0 {
		insp = ev.InspectionID
	}
	if ev.Outcome != nil {
		outcome = encodeJSON(ev.Outcome)
	}
	id, err := tx.Insert(`INSERT INTO switching_events (supplier_id, product_id, class, inspection_id, action, severity_before, severity_after,
		discontinued, found, outcome, state, reason, by_id, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.SupplierID, ev.ProductID, ev.Class, insp, ev.Action, ev.SeverityBefore.String(), ev.SeverityAfter.String(), ev.Discontinued, ev.Found,
		outcome, encodeJSON(ev.State), ev.Reason, ev.ByID, ev.By, ev.At)
	if err != nil {
		return err
	}
	ev.ID = id
	return tx.Audit(entitySwitching, id, qms.ActionCreate, nil, ev, "")
}

// lockStream returns the stream of a class for update, creating it at the
// start of a series under cfg when there is none yet (so that concurrent
// decisions on PostgreSQL queue on one row).
func (tx *Tx) lockStream(supplierID, productID int64, class inspection.DefectClass, cfg sampling.SwitchConfig) (*inspection.Stream, error) {
	start := cfg.Start()
	if _, err := tx.Exec(`INSERT INTO switching_streams (supplier_id, product_id, class, standard, level, aql, severity, discontinued, state, reason,
		updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (supplier_id, product_id, class) DO NOTHING`,
		supplierID, productID, class, cfg.Standard.String(), levelText(cfg.Level), cfg.AQL.String(), start.Severity.String(), false,
		encodeJSON(start), "new series: normal inspection", tx.Now); err != nil {
		return nil, err
	}
	return tx.stream(supplierID, productID, class, true)
}

// advanceStreams applies a decided inspection's result to the switching
// streams of its classes (inspection.Advance): original lots of kinds that
// feed switching move them; resubmitted lots are recorded as ignored.
func (tx *Tx) advanceStreams(in *inspection.Inspection) error {
	if in.Sampling == nil || in.Result == nil || !in.Kind.FeedsSwitching() {
		return nil
	}
	for _, cp := range in.Sampling.Classes {
		if cp.ZeroTolerance {
			continue
		}
		cr, ok := in.Result.Class(cp.Class)
		if !ok {
			return fmt.Errorf("inspection %d: no result for class %s", in.ID, cp.Class)
		}
		st, err := tx.lockStream(in.SupplierID, in.ProductID, cp.Class, inspection.StreamConfig(in.Sampling, cp))
		if err != nil {
			return err
		}
		next, events, err := inspection.Advance(st, in, cr, tx.Actor, tx.Now)
		if err != nil {
			return err
		}
		if err := tx.saveStream(&next); err != nil {
			return err
		}
		for i := range events {
			if err := tx.addStreamEvent(&events[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// ResumeSwitching resumes a discontinued stream at tightened inspection,
// with a reason, audited (a quality manager, once the supplier has acted).
// Returns forbidden, invalid or conflict (not discontinued).
func (tx *Tx) ResumeSwitching(supplierID, productID int64, class inspection.DefectClass, reason string) error {
	st, err := tx.stream(supplierID, productID, class, true)
	if err != nil {
		return err
	}
	if reason, err = inspection.CheckResume(tx.Actor, st, reason); err != nil {
		return err
	}
	next, ev := inspection.Resume(*st, reason, tx.Actor, tx.Now)
	if err := tx.saveStream(&next); err != nil {
		return err
	}
	return tx.addStreamEvent(&ev)
}
