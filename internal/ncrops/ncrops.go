// Package ncrops holds the operations on nonconformance reports that the
// web UI, the JSON API and the command line share: listing and reading
// NCRs (with their signatures and the CAPAs that answer them), raising one
// (also in one step from a failed inspection), editing the report,
// containment actions, the disposition split by quantity, the Material
// Review Board approval (an electronic signature: the signer enters their
// password again), the cost of poor quality, the lifecycle moves and
// voiding. It also handles the NCR jobs the store enqueues (RegisterJobs):
// the notifications of each change and of overdue containment actions.
//
// Each operation takes the actor from the context (qms.WithActor; the
// command line acts as qms.System), checks permission with the qms.Can*
// and ncr.Check* rules, and reads or changes the store, every change in
// one audited transaction. NCRs are the buyer's internal records: a
// supplier user sees none (an NCR id answers "not found", a list
// "forbidden"); what a supplier sees of a nonconformance is the supplier
// corrective action request addressed to it (package capaops).
//
// The package must not import net/http, package web or package api.
package ncrops

import (
	"context"
	"strings"

	"qms/internal/auth"
	"qms/internal/capa"
	"qms/internal/esign"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
)

// Service performs the NCR operations. Auth re-authenticates signers
// (MRB approvals); without it signing is refused.
type Service struct {
	Store *store.Store
	Auth  *auth.Service
}

func actor(ctx context.Context) qms.Actor {
	a, ok := qms.ActorFrom(ctx)
	if !ok {
		return qms.Actor{} // no role: every permission check fails
	}
	return a
}

func forbidden(what string) error {
	return qms.Errorf(qms.KindForbidden, "your role may not %s", what)
}

// notFound is the answer for an NCR that does not exist or that the actor
// may not see: the two are indistinguishable.
func notFound() error { return qms.Errorf(qms.KindNotFound, "NCR not found") }

// visible returns not found unless a may see NCRs (internal staff).
func visible(a qms.Actor) error {
	if !qms.CanViewInternal(a) {
		return notFound()
	}
	return nil
}

// hidden maps a not-found error of the store to the package's message.
func hidden(err error) error {
	if qms.ErrorKind(err) == qms.KindNotFound {
		return notFound()
	}
	return err
}

// Reauthenticate checks the password of the signing actor (an electronic
// signature needs the password entered again) under sign-in throttling. A
// wrong password is an invalid error on the field "password" and counts
// toward throttling; too many failures give too many. Shared with
// capaops.
func Reauthenticate(ctx context.Context, as *auth.Service, password string) error {
	a := actor(ctx)
	if a.UserID == 0 || a.Email == "" {
		return qms.Errorf(qms.KindForbidden, "an electronic signature needs a signed-in user with a password")
	}
	if as == nil {
		return qms.Errorf(qms.KindInternal, "electronic signatures are not available: no authentication service")
	}
	p := qms.Problems{}
	if strings.TrimSpace(password) == "" {
		p.Add("password", "is required: enter your password again to sign")
		return p.Err()
	}
	if _, err := as.Reauthenticate(ctx, a.Email, password, auth.ClientAddrFrom(ctx)); err != nil {
		if qms.ErrorKind(err) == qms.KindUnauthenticated {
			return &qms.Error{Kind: qms.KindInvalid, Message: "The signature was not made: the password is not correct",
				Fields: map[string]string{"password": "is not your password: enter the password you sign in with (failed attempts count toward the sign-in limit)"}}
		}
		return err
	}
	return nil
}

// ---- Reading ----

// List returns one page of NCRs matching f (without defects and actions),
// newest first, and the cursor of the next page. Requires
// qms.CanViewInternal (forbidden for supplier users).
func (s *Service) List(ctx context.Context, f store.NCRFilter) ([]ncr.NCR, int64, error) {
	if !qms.CanViewInternal(actor(ctx)) {
		return nil, 0, forbidden("see NCRs")
	}
	var items []ncr.NCR
	var next int64
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		items, next, err = tx.ListNCRs(f)
		return err
	})
	return items, next, err
}

// Detail is an NCR with what its page shows beside it.
type Detail struct {
	ncr.NCR
	// Signatures are the MRB approvals' signatures, each checked against
	// the NCR's current content (a later change shows "no longer
	// matching").
	Signatures []esign.Check `json:"signatures"`
	// CAPAs are the CAPAs (headers) that answer the NCR.
	CAPAs []capa.CAPA `json:"capas"`
	// Moves are the lifecycle moves the actor may make now.
	Moves []ncr.Move `json:"moves"`
}

// Get returns an NCR with its defects, containment actions, checked
// signatures and the CAPAs answering it. Requires qms.CanViewInternal.
// Returns not found.
func (s *Service) Get(ctx context.Context, id int64) (*Detail, error) {
	a := actor(ctx)
	if err := visible(a); err != nil {
		return nil, err
	}
	var d Detail
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		n, err := tx.NCR(id)
		if err != nil {
			return err
		}
		d.NCR = *n
		if d.Signatures, err = tx.CheckSignatures("ncr", id); err != nil {
			return err
		}
		d.CAPAs, _, err = tx.ListCAPAs(store.CAPAFilter{NCRID: id, Limit: store.MaxPageSize})
		return err
	})
	if err != nil {
		return nil, hidden(err)
	}
	d.Moves = MovesFor(a, &d.NCR)
	if d.CAPAs == nil {
		d.CAPAs = []capa.CAPA{}
	}
	return &d, nil
}

// MovesFor returns the lifecycle moves from n's status that actor a's role
// may make (whether their conditions hold is checked when made).
func MovesFor(a qms.Actor, n *ncr.NCR) []ncr.Move {
	out := []ncr.Move{}
	for _, m := range ncr.Moves(n.Status) {
		if t, ok := ncr.TransitionOf(m); ok && t.May(a) {
			out = append(out, m)
		}
	}
	return out
}

// ---- Raising and editing ----

// Create raises an NCR. Requires qms.CanEditQualityRecords. Returns
// forbidden, invalid (including unknown or mismatched links) or conflict
// (a second NCR for one inspection).
func (s *Service) Create(ctx context.Context, n *ncr.NCR) error {
	if !qms.CanEditQualityRecords(actor(ctx)) {
		return forbidden("raise NCRs")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateNCR(n) })
}

// RaiseFromInspection raises the NCR of a failed (or pending) submitted or
// decided inspection in one step: its data and defects are copied, and
// the inspection links to it (its lot cannot be released while the NCR is
// open unless the disposition allows it). Requires
// qms.CanEditQualityRecords. Returns forbidden, not found (no such
// inspection) or conflict (it passed, is not submitted, or has an NCR
// already).
func (s *Service) RaiseFromInspection(ctx context.Context, inspectionID int64) (*ncr.NCR, error) {
	if !qms.CanEditQualityRecords(actor(ctx)) {
		return nil, forbidden("raise NCRs")
	}
	var n *ncr.NCR
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.RaiseNCRFromInspection(inspectionID)
		return err
	})
	return n, err
}

// Update changes the report of an open or contained NCR (links,
// requirement, finding, quantities, severity, defects, cause category) if
// version is still current; a change of what MRB approvals signed drops
// them. Requires qms.CanEditQualityRecords. Returns forbidden, invalid,
// not found or conflict.
func (s *Service) Update(ctx context.Context, n *ncr.NCR, version int64, reason string) error {
	a := actor(ctx)
	if err := visible(a); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("change NCRs")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateNCR(n, version, reason) }))
}

// ---- Containment actions ----

// AddAction adds a containment action (with an owner and a due date) to
// NCR act.NCRID; the day after its due date an open action is reported
// overdue. Requires qms.CanEditQualityRecords. Returns forbidden, invalid,
// not found or conflict (closed or voided).
func (s *Service) AddAction(ctx context.Context, act *ncr.Action) error {
	a := actor(ctx)
	if err := visible(a); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("add containment actions")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.AddNCRAction(act) }))
}

// FinishAction marks containment action actionID of NCR ncrID done (result:
// what was done and how it was verified) or cancelled (result: why) if
// version is still current. Quality staff, or the action's internal owner.
// Returns forbidden, invalid, not found (also for an action of another
// NCR) or conflict.
func (s *Service) FinishAction(ctx context.Context, ncrID, actionID, version int64, to ncr.ActionStatus, result string) (*ncr.Action, error) {
	a := actor(ctx)
	if err := visible(a); err != nil {
		return nil, err
	}
	var out *ncr.Action
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		act, err := tx.NCRAction(actionID)
		if err != nil {
			return err
		}
		if act.NCRID != ncrID {
			return qms.Errorf(qms.KindNotFound, "containment action not found")
		}
		out, err = tx.FinishNCRAction(actionID, version, to, result)
		return err
	})
	if qms.ErrorKind(err) == qms.KindNotFound {
		return nil, qms.Errorf(qms.KindNotFound, "containment action not found")
	}
	return out, err
}

// ---- Disposition, MRB, cost, moves ----

// SetDisposition proposes the disposition of an open or contained NCR,
// split by quantity; the quantities must add up to the affected quantity.
// Changed lines drop earlier MRB approvals. Requires
// qms.CanEditQualityRecords. Returns forbidden, invalid, not found or
// conflict.
func (s *Service) SetDisposition(ctx context.Context, id, version int64, lines []ncr.DispositionLine, reason string) (*ncr.NCR, error) {
	a := actor(ctx)
	if err := visible(a); err != nil {
		return nil, err
	}
	if !qms.CanEditQualityRecords(a) {
		return nil, forbidden("disposition NCRs")
	}
	var n *ncr.NCR
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.SetNCRDisposition(id, version, lines, reason)
		return err
	})
	return n, hidden(err)
}

// Approve signs the actor's Material Review Board approval of the NCR's
// current disposition (use as is or repair) if version is still current:
// the actor enters their password again (checked under sign-in
// throttling before anything is written), and the signature means
// "approved" over the disposition's canonical content. The two approvers
// are different people, one of them a quality manager. Requires
// ncr.CanMRBApprove. Returns forbidden, invalid (a wrong password, on the
// field "password"), too many, not found or conflict (second approval by
// the first approver, no disposition needing approval, already approved).
func (s *Service) Approve(ctx context.Context, id, version int64, password, comment string) (*ncr.NCR, *esign.Signature, error) {
	a := actor(ctx)
	if err := visible(a); err != nil {
		return nil, nil, err
	}
	if !ncr.CanMRBApprove(a) {
		return nil, nil, forbidden("approve dispositions for the Material Review Board")
	}
	if err := Reauthenticate(ctx, s.Auth, password); err != nil {
		return nil, nil, err
	}
	var n *ncr.NCR
	var sig *esign.Signature
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, sig, err = tx.ApproveNCRDisposition(id, version, comment)
		return err
	})
	return n, sig, hidden(err)
}

// SetCost records the cost of poor quality and the amount charged back to
// the supplier (integer minor units, one currency) if version is still
// current. Requires qms.CanEditQualityRecords. Returns forbidden, invalid,
// not found or conflict (closed or voided).
func (s *Service) SetCost(ctx context.Context, id, version int64, c ncr.Cost, reason string) (*ncr.NCR, error) {
	a := actor(ctx)
	if err := visible(a); err != nil {
		return nil, err
	}
	if !qms.CanEditQualityRecords(a) {
		return nil, forbidden("record the cost of NCRs")
	}
	var n *ncr.NCR
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.SetNCRCost(id, version, c, reason)
		return err
	})
	return n, hidden(err)
}

// Move makes a lifecycle move (contain, disposition, revise, verify,
// close, void) if version is still current, each with its role and
// conditions (ncr.CheckMove). Returns invalid, forbidden, not found or
// conflict (for example closing with open containment actions).
func (s *Service) Move(ctx context.Context, id, version int64, m ncr.Move, reason string) (*ncr.NCR, error) {
	a := actor(ctx)
	if err := visible(a); err != nil {
		return nil, err
	}
	var n *ncr.NCR
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.MoveNCR(id, version, m, reason)
		return err
	})
	return n, hidden(err)
}

// Void voids an active NCR with a reason (a quality manager). Returns
// invalid, forbidden, not found or conflict.
func (s *Service) Void(ctx context.Context, id, version int64, reason string) (*ncr.NCR, error) {
	return s.Move(ctx, id, version, ncr.MoveVoid, reason)
}
