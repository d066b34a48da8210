package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// Recording: append-only entries with client-generated idempotency keys.
// Two inspectors recording into one inspection each append their own
// entries, so nothing is lost; a tablet that resends an entry after a
// dropped connection gets the entry it already stored. Corrections are new
// entries (a later reading replaces an earlier one; a void entry voids a
// mistaken one); database triggers refuse UPDATE and DELETE.

const entryColumns = "id, inspection_id, client_key, kind, payload, recorded_by_id, recorded_by, recorded_at"

func scanEntry(sc scanner, e *inspection.Entry) error {
	var payload string
	if err := sc.Scan(&e.ID, &e.InspectionID, &e.Key, &e.Kind, &payload, &e.RecordedByID, &e.RecordedBy, &e.RecordedAt); err != nil {
		return err
	}
	e.RecordedAt = e.RecordedAt.UTC()
	return decodePayload(e, payload)
}

// decodePayload sets the payload of e's kind from its JSON.
func decodePayload(e *inspection.Entry, payload string) error {
	var dst any
	switch e.Kind {
	case inspection.EntryUnits:
		e.Units = &inspection.UnitsEntry{}
		dst = e.Units
	case inspection.EntryDefect:
		e.Defect = &inspection.DefectEntry{}
		dst = e.Defect
	case inspection.EntryMeasurement:
		e.Measurement = &inspection.MeasurementEntry{}
		dst = e.Measurement
	case inspection.EntryTest:
		e.Test = &inspection.TestEntry{}
		dst = e.Test
	case inspection.EntryCheck:
		e.Check = &inspection.CheckEntry{}
		dst = e.Check
	case inspection.EntrySection:
		e.Section = &inspection.SectionEntry{}
		dst = e.Section
	case inspection.EntryCartons:
		e.Cartons = &inspection.CartonsEntry{}
		dst = e.Cartons
	case inspection.EntryContainer:
		e.Container = &inspection.ContainerEntry{}
		dst = e.Container
	case inspection.EntryPhoto:
		e.Photo = &inspection.PhotoEntry{}
		dst = e.Photo
	case inspection.EntryRemark:
		e.Remark = &inspection.RemarkEntry{}
		dst = e.Remark
	case inspection.EntryFAI:
		e.FAI = &inspection.FAIEntry{}
		dst = e.FAI
	case inspection.EntryVoid:
		e.Void = &inspection.VoidEntry{}
		dst = e.Void
	default:
		return fmt.Errorf("entry %d: unknown kind %q", e.ID, e.Kind)
	}
	if err := json.Unmarshal([]byte(payload), dst); err != nil {
		return fmt.Errorf("entry %d payload: %w", e.ID, err)
	}
	return nil
}

// Entries returns every entry of an inspection in recording order, voids
// and replaced entries included (inspection.LiveEntries drops them).
func (tx *Tx) Entries(inspectionID int64) ([]inspection.Entry, error) {
	return scanAllTx(tx, "SELECT "+entryColumns+" FROM inspection_entries WHERE inspection_id = ? ORDER BY id", []any{inspectionID}, scanEntry)
}

// entryByKey returns the entry of an inspection with a client key, or nil.
func (tx *Tx) entryByKey(inspectionID int64, key string) (*inspection.Entry, string, error) {
	var e inspection.Entry
	var payload string
	err := tx.QueryRow("SELECT id, inspection_id, client_key, kind, payload, recorded_by_id, recorded_by, recorded_at FROM inspection_entries WHERE inspection_id = ? AND client_key = ?",
		inspectionID, key).Scan(&e.ID, &e.InspectionID, &e.Key, &e.Kind, &payload, &e.RecordedByID, &e.RecordedBy, &e.RecordedAt)
	if err == sql.ErrNoRows {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	e.RecordedAt = e.RecordedAt.UTC()
	return &e, payload, decodePayload(&e, payload)
}

// sameEntry answers a resent key: the stored entry when the content is the
// same, a conflict when the key was used for something else.
func sameEntry(stored *inspection.Entry, storedPayload string, e *inspection.Entry) error {
	if stored.Kind != e.Kind || storedPayload != encodeJSON(e.Payload()) {
		return &qms.Error{Kind: qms.KindConflict, Message: "This entry key was already used for a different entry: generate a new key for a new entry",
			Fields: map[string]string{"key": "is used by entry " + fmt.Sprint(stored.ID)}}
	}
	*e = *stored
	return nil
}

// entryColumnsOf returns the indexed columns of an entry: sample unit,
// characteristic, defect class and code (or check item or section), and
// the entry it voids.
func entryColumnsOf(e *inspection.Entry) (unit, char, voids any, class, code any) {
	switch e.Kind {
	case inspection.EntryDefect:
		unit, class, code = e.Defect.Unit, string(e.Defect.Class), nullText(e.Defect.Code)
		if e.Defect.Characteristic != 0 {
			char = e.Defect.Characteristic
		}
	case inspection.EntryMeasurement:
		unit, char = e.Measurement.Unit, e.Measurement.Characteristic
	case inspection.EntryTest:
		unit, char = e.Test.Unit, e.Test.Characteristic
	case inspection.EntryCheck:
		if e.Check.Characteristic != 0 {
			char = e.Check.Characteristic
		}
		code = nullText(e.Check.Item)
	case inspection.EntrySection:
		code = string(e.Section.Section)
	case inspection.EntryFAI:
		char = e.FAI.Characteristic
	case inspection.EntryVoid:
		voids = e.Void.EntryID
	}
	return
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// RecordEntry records one entry into an inspection, audited, and starts a
// planned inspection. The entry is checked against the inspection's
// sampling snapshot, its pinned spec revision and the defect library of
// the product's category (inspection.Entry.Validate), and stamped with the
// actor and the time.
//
// It is idempotent on the entry's key: when the inspection already has an
// entry with the key and the same content, that entry is returned in e
// (created false) and nothing is written, even after submission; the same
// key with other content is a conflict. Returns invalid, not found, or
// conflict (the key; an inspection that is submitted, decided or
// cancelled).
func (tx *Tx) RecordEntry(e *inspection.Entry) (created bool, err error) {
	in, err := tx.Inspection(e.InspectionID)
	if err != nil {
		return false, err
	}
	stored, err := tx.CheckEntry(in, e)
	if err != nil || stored {
		return false, err
	}
	return tx.appendEntry(in, e)
}

// CheckEntry does the reading half of RecordEntry for an entry into in,
// the inspection as read in the same transaction: it checks the entry
// against the sampling snapshot, the pinned spec revision and the defect
// library, and looks up its key. When the key is already stored with the
// same content, e becomes the stored entry and stored is true. It writes
// nothing, so it can run in a read transaction (Store.View) before
// RecordCheckedEntry, keeping the reads and JSON decoding out of the
// single writer's critical section. Returns invalid, not found or
// conflict like RecordEntry.
func (tx *Tx) CheckEntry(in *inspection.Inspection, e *inspection.Entry) (stored bool, err error) {
	spec, err := tx.recordingSpec(in.SpecID)
	if err != nil {
		return false, err
	}
	ctx := inspection.EntryContext{Inspection: in, Spec: spec}
	if e.Kind == inspection.EntryDefect && e.Defect != nil && e.Defect.Code != "" {
		var d inspection.DefectCode
		err = scanDefectCode(tx.QueryRow("SELECT "+defectCodeColumns+" FROM defect_codes WHERE category = (SELECT category FROM products WHERE id = ?) AND code = ? AND voided_at IS NULL",
			in.ProductID, inspection.NormalizeDefectCode(e.Defect.Code)), &d)
		switch {
		case err == nil:
			ctx.Library = []inspection.DefectCode{d}
		case err != sql.ErrNoRows:
			return false, err
		}
	}
	if e.Kind == inspection.EntryVoid && e.Void != nil {
		var t inspection.Entry
		err := scanEntry(tx.QueryRow("SELECT "+entryColumns+" FROM inspection_entries WHERE id = ? AND inspection_id = ?", e.Void.EntryID, in.ID), &t)
		switch {
		case err == nil:
			ctx.Target = &t
			var n int
			// Voided by another entry (a resent void is not voided by itself).
			if err := tx.QueryRow("SELECT COUNT(*) FROM inspection_entries WHERE voids = ? AND client_key <> ?", t.ID, e.Key).Scan(&n); err != nil {
				return false, err
			}
			ctx.TargetVoided = n > 0
		case err != sql.ErrNoRows:
			return false, err
		}
	}
	if err := e.Validate(ctx); err != nil {
		return false, err
	}
	old, payload, err := tx.entryByKey(in.ID, e.Key)
	if err != nil {
		return false, err
	}
	if old != nil {
		return true, sameEntry(old, payload, e)
	}
	return false, inspection.CheckRecordable(in)
}

// RecordCheckedEntry writes an entry that CheckEntry accepted against
// checked (read in an earlier transaction): when the inspection's version
// is still checked's, only the insert and its audit event happen here;
// when the inspection changed meanwhile (started, edited, submitted), the
// entry is checked again in this transaction (RecordEntry). A key stored
// meanwhile answers as RecordEntry does. The defect library is as
// CheckEntry read it: a code voided in between is still accepted, as if
// the entry had come a moment earlier.
func (tx *Tx) RecordCheckedEntry(e *inspection.Entry, checked *inspection.Inspection) (created bool, err error) {
	// On PostgreSQL the row is locked until commit, so that a submission
	// (which locks it for update) cannot slip in between this check and
	// the insert: shared while recording goes on, exclusive for the entry
	// that may start a planned inspection (two shared holders that both
	// update would deadlock). SQLite's single writer serialises already.
	q := "SELECT version FROM inspections WHERE id = ?"
	if tx.Dialect() == Postgres {
		q += " FOR SHARE"
		if checked.Status == inspection.StatusPlanned {
			q = "SELECT version FROM inspections WHERE id = ? FOR UPDATE"
		}
	}
	var version int64
	if err := tx.writerRow(q, checked.ID).Scan(&version); err != nil {
		return false, mapError(err, "inspection")
	}
	if version != checked.Version || e.InspectionID != checked.ID {
		return tx.RecordEntry(e)
	}
	return tx.appendEntry(checked, e)
}

// appendEntry inserts a checked entry into in (current in this
// transaction), audited, and starts a planned inspection.
func (tx *Tx) appendEntry(in *inspection.Inspection, e *inspection.Entry) (created bool, err error) {
	e.RecordedByID, e.RecordedBy, e.RecordedAt = tx.Actor.UserID, tx.Actor.Name, tx.Now
	unit, char, voids, class, code := entryColumnsOf(e)
	var id int64
	err = tx.writerRow(`INSERT INTO inspection_entries (inspection_id, client_key, kind, unit, characteristic, class, code, payload, voids,
		recorded_by_id, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (inspection_id, client_key) DO NOTHING RETURNING id`,
		in.ID, e.Key, e.Kind, unit, char, class, code, encodeJSON(e.Payload()), voids, e.RecordedByID, e.RecordedBy, e.RecordedAt).Scan(&id)
	if err == sql.ErrNoRows { // the same key was stored concurrently
		stored, payload, err := tx.entryByKey(in.ID, e.Key)
		if err != nil || stored == nil {
			return false, fmt.Errorf("entry key %s: stored concurrently but not found: %v", e.Key, err)
		}
		return false, sameEntry(stored, payload, e)
	}
	if err != nil {
		if err = mapError(err, "entry"); qms.ErrorKind(err) == qms.KindConflict && e.Kind == inspection.EntryVoid {
			return false, &qms.Error{Kind: qms.KindConflict, Message: "This entry is already voided", Err: err}
		}
		return false, err
	}
	e.ID = id
	reason := ""
	if e.Void != nil {
		reason = e.Void.Reason
	}
	if err := tx.Audit(entityEntry, id, qms.ActionCreate, nil, e, reason); err != nil {
		return false, err
	}
	if in.Status == inspection.StatusPlanned {
		res, err := tx.Exec(`UPDATE inspections SET status = 'in_progress', started_at = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND status = 'planned'`, tx.Now, tx.Now, in.ID)
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return true, err // another recorder started it meanwhile
		}
		after, err := tx.Inspection(in.ID)
		if err != nil {
			return false, err
		}
		if err := tx.Audit(entityInspection, in.ID, actionStart, in, after, ""); err != nil {
			return false, err
		}
	}
	return true, nil
}

// writerStmts holds the recording statements prepared once on a SQLite
// writer database (key writerStmt; value the *sql.Stmt, or nil while it is
// being prepared), so that the single writer does not parse them again for
// every entry: parsing the insert was about a third of the recording's
// write transaction. PostgreSQL's driver caches prepared statements
// itself.
var writerStmts sync.Map

type writerStmt struct {
	db    *sql.DB
	query string
}

// writerRow is QueryRow with the statement prepared once per writer
// database, for the write transactions of recording only (a statement
// prepared on the writer cannot run in a read transaction). The writer
// has one connection, which this transaction holds, so the first use runs
// the query as it is and prepares the statement in the background once
// the connection is free.
func (tx *Tx) writerRow(query string, args ...any) *sql.Row {
	if tx.s.dialect != SQLite {
		return tx.QueryRow(query, args...)
	}
	k := writerStmt{tx.s.w, query}
	st, loaded := writerStmts.LoadOrStore(k, (*sql.Stmt)(nil))
	if !loaded {
		go func() {
			prepared, err := k.db.PrepareContext(context.Background(), query)
			if err != nil {
				writerStmts.Delete(k) // closed meanwhile, or a bad query: its error shows on use
				return
			}
			writerStmts.Store(k, prepared)
		}()
	}
	if st, _ := st.(*sql.Stmt); st != nil {
		return tx.tx.StmtContext(tx.ctx, st).QueryRowContext(tx.ctx, args...)
	}
	return tx.QueryRow(query, args...)
}

// recordingCache keeps, per store, the parsed inspections being recorded
// and their pinned spec revisions, so that recording an entry does not
// read and decode them again each time: an inspection is used while its
// version is unchanged (every change to an inspection increments it), a
// spec revision once it is no longer a draft (its characteristics never
// change after release). At most recordingCacheSize of each are kept.
type recordingCache struct {
	mu          sync.Mutex
	inspections map[int64]*inspection.Inspection
	specs       map[int64]*inspection.Spec
}

const recordingCacheSize = 256

var recordingCaches sync.Map // *Store -> *recordingCache

func (s *Store) recordingCache() *recordingCache {
	if c, ok := recordingCaches.Load(s); ok {
		return c.(*recordingCache)
	}
	c, _ := recordingCaches.LoadOrStore(s, &recordingCache{inspections: map[int64]*inspection.Inspection{}, specs: map[int64]*inspection.Spec{}})
	return c.(*recordingCache)
}

// cachePut stores v under id in m, emptying m first when it is full.
func cachePut[T any](m map[int64]*T, id int64, v *T) {
	if _, ok := m[id]; !ok && len(m) >= recordingCacheSize {
		clear(m)
	}
	m[id] = v
}

// RecordingInspection returns an inspection as Inspection does, for
// recording into it: from the store's cache of the inspections being
// recorded when its version is unchanged. The inspection returned is
// shared and must not be modified. Returns not found.
func (tx *Tx) RecordingInspection(id int64) (*inspection.Inspection, error) {
	var version int64
	if err := tx.QueryRow("SELECT version FROM inspections WHERE id = ?", id).Scan(&version); err != nil {
		return nil, mapError(err, "inspection")
	}
	c := tx.s.recordingCache()
	c.mu.Lock()
	in := c.inspections[id]
	c.mu.Unlock()
	if in != nil && in.Version == version {
		return in, nil
	}
	in, err := tx.Inspection(id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	cachePut(c.inspections, id, in)
	c.mu.Unlock()
	return in, nil
}

// recordingSpec returns a spec revision as Spec does, from the store's
// cache once it is no longer a draft. The spec is shared and must not be
// modified.
func (tx *Tx) recordingSpec(id int64) (*inspection.Spec, error) {
	c := tx.s.recordingCache()
	c.mu.Lock()
	sp := c.specs[id]
	c.mu.Unlock()
	if sp != nil {
		return sp, nil
	}
	sp, err := tx.Spec(id)
	if err != nil {
		return nil, err
	}
	if sp.Status != inspection.SpecDraft {
		c.mu.Lock()
		cachePut(c.specs, id, sp)
		c.mu.Unlock()
	}
	return sp, nil
}
