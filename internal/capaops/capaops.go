// Package capaops holds the operations on CAPAs in 8D form and supplier
// corrective action requests (SCARs) that the web UI, the supplier portal,
// the JSON API and the command line share: listing with ageing, reading
// (with the review history, the buyer's internal notes, the evidence files
// and the checked closure signature), opening from NCRs, audit findings or
// complaints, the header, stage save and submit, review (accept or return
// with a comment), due dates, the effectiveness criterion, internal notes,
// evidence uploads, the lifecycle moves and the signed closure (the
// signer enters their password again). It also registers the CAPA and NCR
// job handlers (RegisterJobs): notifications and webhooks of each change,
// stage reminders, overdue notices and escalations, and the daily
// evaluation of effectiveness criteria whose days window ended.
//
// Each operation takes the actor from the context, checks visibility and
// permission with the capa.Can* and capa.Check* rules, and reads or
// changes the store, every change in one audited transaction. Supplier
// isolation lives here: a supplier user sees only the requests addressed
// to its own supplier, answers D3 to D7 of them, never sees the buyer's
// internal notes, sources, signatures or reasons (capa.SupplierView), and
// every CAPA it may not see answers "not found", never "forbidden".
//
// The package must not import net/http, package web or package api.
package capaops

import (
	"context"
	"fmt"
	"slices"

	"qms/internal/auth"
	"qms/internal/capa"
	"qms/internal/esign"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
)

// Service performs the CAPA operations. Auth re-authenticates signers
// (closing); without it closing is refused.
type Service struct {
	Store *store.Store
	Auth  *auth.Service
}

func actor(ctx context.Context) qms.Actor {
	a, ok := qms.ActorFrom(ctx)
	if !ok {
		return qms.Actor{}
	}
	return a
}

func forbidden(what string) error {
	return qms.Errorf(qms.KindForbidden, "your role may not %s", what)
}

// notFound is the answer for a CAPA that does not exist or that the actor
// may not see.
func notFound() error { return qms.Errorf(qms.KindNotFound, "CAPA not found") }

// hidden maps every not-found error of the store to one message, so that
// the answer for another supplier's request is the same as for none.
func hidden(err error) error {
	if qms.ErrorKind(err) == qms.KindNotFound {
		return notFound()
	}
	return err
}

// canAct returns not found unless a may see some CAPA
// (qms.CanSeeCorrectiveActions).
func canAct(a qms.Actor) error {
	if !qms.CanSeeCorrectiveActions(a) {
		return notFound()
	}
	return nil
}

// visibleCAPA reads a CAPA the actor may see (capa.CanSee). Returns not
// found.
func visibleCAPA(tx *store.Tx, a qms.Actor, id int64) (*capa.CAPA, error) {
	c, err := tx.CAPA(id)
	if err != nil {
		return nil, hidden(err)
	}
	if !capa.CanSee(a, c) {
		return nil, notFound()
	}
	return c, nil
}

// ViewFor returns c as actor a may see it: whole for internal staff, the
// supplier's view (capa.SupplierView) for a supplier user.
func ViewFor(a qms.Actor, c *capa.CAPA) *capa.CAPA {
	if !qms.CanViewInternal(a) {
		return capa.SupplierView(c)
	}
	return c
}

// ---- Reading ----

// Ageing is how a CAPA stands on a day: days open, the current stage, the
// stages overdue and by how many days the most overdue is.
type Ageing struct {
	AgeDays     int          `json:"age_days"`
	Current     capa.Stage   `json:"current_stage"`
	Overdue     []capa.Stage `json:"overdue"`
	DaysOverdue int          `json:"days_overdue"`
}

// AgeingOf returns the ageing of c (its stages loaded) on today, as
// store.Ageing counts it.
func AgeingOf(c *capa.CAPA, today qms.Date) Ageing {
	a := store.Ageing(*c, "", today)
	g := Ageing{AgeDays: a.AgeDays, Current: a.Current, Overdue: a.Overdue, DaysOverdue: a.OverdueDays}
	if g.Overdue == nil {
		g.Overdue = []capa.Stage{}
	}
	return g
}

// Row is one CAPA of a list with its ageing.
type Row struct {
	capa.CAPA
	Ageing
}

// RowOf returns the list row of c on today.
func RowOf(c *capa.CAPA, today qms.Date) Row { return Row{CAPA: *c, Ageing: AgeingOf(c, today)} }

// List returns one page of CAPAs matching f with their ageing, newest
// first, and the cursor of the next page. A supplier user gets only the
// requests addressed to its own supplier (a filter naming another
// supplier finds none) and may not filter by NCR. Rows carry the stage
// records (due dates and states) but neither sources nor report.
func (s *Service) List(ctx context.Context, f store.CAPAFilter) ([]Row, int64, error) {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return nil, 0, forbidden("see CAPAs")
	}
	if !qms.CanViewInternal(a) { // a supplier user (canAct): its own supplier's requests
		if (f.SupplierID != 0 && f.SupplierID != *a.SupplierID) || (f.Kind != "" && f.Kind != capa.KindSupplier) {
			return []Row{}, 0, nil
		}
		if f.NCRID != 0 {
			return nil, 0, forbidden("filter corrective action requests by NCR")
		}
		f.Kind, f.SupplierID = capa.KindSupplier, *a.SupplierID
	}
	var rows []Row
	var next int64
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		items, n, err := tx.ListCAPAs(f)
		if err != nil {
			return err
		}
		next, rows = n, make([]Row, 0, len(items))
		today := qms.DateOf(tx.Now)
		for i := range items {
			// The list has no stages: read their states and due dates.
			if items[i].Stages, err = tx.CAPAStages(items[i].ID); err != nil {
				return err
			}
			rows = append(rows, RowOf(ViewFor(a, &items[i]), today))
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return rows, next, nil
}

// ListAgeing returns one page of the CAPA list with ageing (store.ListCAPAAgeing:
// the longest open first, with the stages' states and due dates, the
// current stage and the days in it, overdue stages). A supplier user gets
// only the requests addressed to its own supplier, each as
// capa.SupplierView shows it (a filter naming another supplier finds
// none). Returns forbidden for roles that see no CAPA.
func (s *Service) ListAgeing(ctx context.Context, f store.CAPAAgeFilter) (*store.CAPAAgePage, error) {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return nil, forbidden("see CAPAs")
	}
	if !qms.CanViewInternal(a) { // a supplier user (canAct): its own supplier's requests
		if (f.SupplierID != 0 && f.SupplierID != *a.SupplierID) || (f.Kind != "" && f.Kind != capa.KindSupplier) {
			return &store.CAPAAgePage{Items: []store.CAPAAge{}, Today: qms.DateOf(s.Store.Now())}, nil
		}
		f.Kind, f.SupplierID, f.OwnerID = capa.KindSupplier, *a.SupplierID, 0
	}
	var page *store.CAPAAgePage
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		page, err = tx.ListCAPAAgeing(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !qms.CanViewInternal(a) {
		for i := range page.Items {
			page.Items[i].CAPA = *capa.SupplierView(&page.Items[i].CAPA)
		}
	}
	return page, nil
}

// Detail is a CAPA with what its page shows beside it. A supplier user
// gets the supplier's view: no notes, no signatures, no sources.
type Detail struct {
	CAPA    *capa.CAPA    `json:"capa"`
	Reviews []capa.Review `json:"reviews"`
	// Notes are the buyer's internal notes; always empty for a supplier
	// user.
	Notes []capa.Note `json:"notes"`
	// Files are the evidence files uploaded to the CAPA (not voided).
	Files []store.File `json:"files"`
	// Signatures are the closure's signatures, checked against the CAPA's
	// current content; empty for a supplier user.
	Signatures []esign.Check `json:"signatures"`
	Ageing
	// Moves are the lifecycle moves the actor may make now.
	Moves []capa.Move `json:"moves"`
}

// CurrentStage is the first stage not yet accepted (Ageing.Current), for
// templates that read it off the detail.
func (d *Detail) CurrentStage() capa.Stage { return d.Current }

// Get returns a CAPA the actor may see with its review history, internal
// notes (internal staff only), evidence files, checked signatures
// (internal staff only) and ageing. Returns not found.
func (s *Service) Get(ctx context.Context, id int64) (*Detail, error) {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return nil, err
	}
	d := &Detail{Notes: []capa.Note{}, Signatures: []esign.Check{}, Files: []store.File{}, Moves: []capa.Move{}}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		c, err := visibleCAPA(tx, a, id)
		if err != nil {
			return err
		}
		d.CAPA = ViewFor(a, c)
		if d.Reviews, err = tx.CAPAReviews(id); err != nil {
			return err
		}
		files, err := tx.FilesOf(OwnerCAPA, id)
		if err != nil {
			return err
		}
		for _, f := range files {
			if f.VoidedAt == nil {
				d.Files = append(d.Files, f)
			}
		}
		if capa.CanSeeNotes(a) {
			if d.Notes, err = tx.CAPANotes(id); err != nil {
				return err
			}
			if d.Signatures, err = tx.CheckSignatures("capa", id); err != nil {
				return err
			}
		}
		d.Ageing = AgeingOf(c, qms.DateOf(tx.Now))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if d.Reviews == nil {
		d.Reviews = []capa.Review{}
	}
	for _, m := range capa.Moves(d.CAPA.Status) {
		if t, ok := capa.TransitionOf(m); ok && t.May(a) {
			d.Moves = append(d.Moves, m)
		}
	}
	return d, nil
}

// Notes returns the buyer's internal notes on a CAPA. Internal staff only:
// a supplier user is refused (forbidden on its own request, not found on
// any other). Returns not found or forbidden.
func (s *Service) Notes(ctx context.Context, id int64) ([]capa.Note, error) {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return nil, err
	}
	var out []capa.Note
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := visibleCAPA(tx, a, id); err != nil {
			return err
		}
		if !capa.CanSeeNotes(a) {
			return forbidden("see the buyer's internal notes")
		}
		var err error
		out, err = tx.CAPANotes(id)
		return err
	})
	return out, err
}

// Settings returns the due-date settings. Internal staff only.
func (s *Service) Settings(ctx context.Context) (capa.Settings, error) {
	if !qms.CanViewInternal(actor(ctx)) {
		return capa.Settings{}, forbidden("see the CAPA settings")
	}
	var out capa.Settings
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CAPASettings()
		return err
	})
	return out, err
}

// UpdateSettings changes the due-date settings (an administrator) if
// version is still current (0 while they are the defaults). Returns
// forbidden, invalid or conflict.
func (s *Service) UpdateSettings(ctx context.Context, st *capa.Settings, version int64, reason string) error {
	if !qms.CanManageSettings(actor(ctx)) {
		return forbidden("change the CAPA settings")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateCAPASettings(st, version, reason) })
}

// ---- Opening and the header ----

// Open opens a CAPA or a supplier corrective action request (kind
// supplier, addressed to a supplier) from NCRs, audit findings or
// complaints; its stages are due by the settings, and reminders are
// scheduled. Requires capa.CanOpen (quality staff). Returns forbidden or
// invalid.
func (s *Service) Open(ctx context.Context, c *capa.CAPA) error {
	if !capa.CanOpen(actor(ctx)) {
		return forbidden("open CAPAs")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.OpenCAPA(c) })
}

// Update changes the header of an active CAPA (title, severity, site,
// product, owner, sources) if version is still current. Requires
// capa.CanOpen. Returns forbidden, invalid, not found or conflict.
func (s *Service) Update(ctx context.Context, c *capa.CAPA, version int64, reason string) error {
	a := actor(ctx)
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := visibleCAPA(tx, a, c.ID); err != nil {
			return err
		}
		if !capa.CanOpen(a) {
			return forbidden("change CAPAs")
		}
		return tx.UpdateCAPA(c, version, reason)
	})
	return hidden(err)
}

// ---- Stages ----

// change runs a store change on a CAPA the actor may see and returns it as
// the actor may see it.
func (s *Service) change(ctx context.Context, id int64, fn func(tx *store.Tx) (*capa.CAPA, error)) (*capa.CAPA, error) {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return nil, err
	}
	var c *capa.CAPA
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := visibleCAPA(tx, a, id); err != nil {
			return err
		}
		var err error
		c, err = fn(tx)
		return err
	})
	if err != nil {
		return nil, hidden(err)
	}
	return ViewFor(a, c), nil
}

// SaveStage saves the content of one stage as a draft if version is still
// current: quality staff any stage, a supplier user D3 to D7 of its own
// supplier's request; the stage open or returned. Evidence files named in
// D6 must be files uploaded to this CAPA. Returns invalid, not found,
// forbidden or conflict.
func (s *Service) SaveStage(ctx context.Context, id, version int64, content capa.Content) (*capa.CAPA, error) {
	return s.change(ctx, id, func(tx *store.Tx) (*capa.CAPA, error) {
		if impl, ok := content.(*capa.Implementation); ok {
			if err := checkEvidence(tx, id, impl); err != nil {
				return nil, err
			}
		}
		return tx.SaveCAPAStage(id, version, content)
	})
}

// checkEvidence checks that every file D6 names is a file of this CAPA.
func checkEvidence(tx *store.Tx, id int64, impl *capa.Implementation) error {
	files, err := tx.FilesOf(OwnerCAPA, id)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	for i, it := range impl.Items {
		for _, fid := range it.Files {
			if !slices.ContainsFunc(files, func(f store.File) bool { return f.ID == fid && f.VoidedAt == nil }) {
				p.Add(fmt.Sprintf("items.%d.files", i), fmt.Sprintf("file %d is not evidence uploaded to this request: upload it to the CAPA first", fid))
			}
		}
	}
	return p.Err()
}

// SubmitStage submits a stage for review with its saved content complete,
// if version is still current. Who may: as SaveStage. Returns invalid, not
// found, forbidden or conflict.
func (s *Service) SubmitStage(ctx context.Context, id, version int64, st capa.Stage) (*capa.CAPA, error) {
	return s.change(ctx, id, func(tx *store.Tx) (*capa.CAPA, error) { return tx.SubmitCAPAStage(id, version, st) })
}

// ReviewStage accepts or returns (decision capa.StageAccepted or
// capa.StageReturned) a submitted stage with a comment the supplier sees
// (required to return), if version is still current. Requires
// capa.CanReview (a quality manager). Returns invalid, not found,
// forbidden or conflict.
func (s *Service) ReviewStage(ctx context.Context, id, version int64, st capa.Stage, decision capa.StageState, comment string) (*capa.CAPA, error) {
	return s.change(ctx, id, func(tx *store.Tx) (*capa.CAPA, error) {
		return tx.ReviewCAPAStage(id, version, st, decision, comment)
	})
}

// SetDue moves the due date of a stage not yet accepted, with a reason,
// if version is still current; its reminders are scheduled anew.
// Requires capa.CanReview. Returns invalid, not found, forbidden or
// conflict.
func (s *Service) SetDue(ctx context.Context, id, version int64, st capa.Stage, due qms.Date, reason string) (*capa.CAPA, error) {
	return s.change(ctx, id, func(tx *store.Tx) (*capa.CAPA, error) { return tx.SetCAPADue(id, version, st, due, reason) })
}

// SetCriterion states the effectiveness criterion of an active CAPA if
// version is still current and evaluates it anew. Requires capa.CanReview.
// Returns invalid, not found, forbidden or conflict.
func (s *Service) SetCriterion(ctx context.Context, id, version int64, cr capa.Criterion, reason string) (*capa.CAPA, error) {
	return s.change(ctx, id, func(tx *store.Tx) (*capa.CAPA, error) { return tx.SetCAPACriterion(id, version, cr, reason) })
}

// Evaluate evaluates an active CAPA's criterion now (stored when the
// evidence changed). Internal staff. Returns not found or forbidden.
func (s *Service) Evaluate(ctx context.Context, id int64) (*capa.CAPA, error) {
	a := actor(ctx)
	if !qms.CanViewInternal(a) {
		return nil, notFound()
	}
	return s.change(ctx, id, func(tx *store.Tx) (*capa.CAPA, error) { return tx.EvaluateCAPA(id) })
}

// AddNote adds an internal note of the buyer's staff to CAPA n.CAPAID
// (optionally about one stage). Notes are never shown to supplier users.
// Requires qms.CanEditQualityRecords. Returns invalid, not found or
// forbidden.
func (s *Service) AddNote(ctx context.Context, n *capa.Note) error {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return err
	}
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if _, err := visibleCAPA(tx, a, n.CAPAID); err != nil {
			return err
		}
		return tx.AddCAPANote(n)
	})
	return hidden(err)
}

// ---- Moves and closing ----

// Move makes a lifecycle move other than closing (verify, reopen, cancel)
// if version is still current. Requires capa.CanReview. Returns invalid,
// not found, forbidden or conflict.
func (s *Service) Move(ctx context.Context, id, version int64, m capa.Move, reason string) (*capa.CAPA, error) {
	return s.change(ctx, id, func(tx *store.Tx) (*capa.CAPA, error) { return tx.MoveCAPA(id, version, m, reason) })
}

// Close closes a CAPA under verification with the actor's electronic
// signature, if version is still current: the actor enters their password
// again (checked under sign-in throttling before anything is written).
// The criterion must have passed, or in.Override with a reason (a quality
// manager's signed override); D8 complete; no open actions. Requires
// capa.CanReview. Returns invalid (also a wrong password, on the field
// "password"), too many, not found, forbidden or conflict.
func (s *Service) Close(ctx context.Context, id, version int64, in capa.CloseInput, password, comment string) (*capa.CAPA, *esign.Signature, error) {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return nil, nil, err
	}
	// Visibility and role first, so that nobody is asked for a password
	// (nor counts a failure) for a CAPA they may not close.
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		_, err := visibleCAPA(tx, a, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if !capa.CanReview(a) {
		return nil, nil, qms.Errorf(qms.KindForbidden, "only a quality manager may close a CAPA")
	}
	if err := ncrops.Reauthenticate(ctx, s.Auth, password); err != nil {
		return nil, nil, err
	}
	var c *capa.CAPA
	var sig *esign.Signature
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		c, sig, err = tx.CloseCAPA(id, version, in, comment)
		return err
	})
	if err != nil {
		return nil, nil, hidden(err)
	}
	return c, sig, nil
}
