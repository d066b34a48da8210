package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"qms/internal/esign"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

// certCard is a certificate as a supplier's page lists it.
type certCard struct {
	store.CertificateView
	Flags     []supplier.Finding
	SiteNames []string
}

// worstFlag is the severity of a certificate's most severe red flag ("" for none).
func (c certCard) WorstFlag() supplier.Severity {
	if len(c.Flags) == 0 {
		return ""
	}
	return c.Flags[0].Severity // RedFlags sorts the most severe first
}

type supplierPage struct {
	layout
	Supplier    supplier.Supplier
	Sites       []supplier.Site
	Certs       []certCard
	Gate        supplier.GateResult
	Blocking    []supplier.Check
	Active      []supplier.Override // overrides in force today
	Past        []supplier.Override // ended or voided
	History     []supplierops.StatusChange
	Transitions []supplier.Status
	CanEdit     bool
	CanApprove  bool
	Today       string
	MaxUntil    string
	Problem     string
	Scorecard   *scorecardView // the last twelve months (supplier_scorecard.go)
	Signatures  []esign.Check  // electronic signatures of its approvals
	SignApprove bool           // ISO 13485 mode: approving needs the password
}

func (*supplierPage) template() string { return "supplier" }

// supplierShow is a supplier's page: identity, sites, certificates with
// their status and red flags, the approval gate, overrides, the status and
// its history. A supplier user sees its own supplier in the portal.
func (u *UI) supplierShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d, err := u.ops().SupplierDetail(ctx, id)
	if err != nil {
		return err
	}
	if !qms.CanViewInternal(a) {
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
		return nil
	}
	hist, err := u.ops().StatusHistory(ctx, id)
	if err != nil {
		return err
	}
	today := qms.DateOf(time.Now().UTC())
	p := &supplierPage{layout: layout{Title: d.Supplier.DisplayName()}, Supplier: d.Supplier, Sites: d.Sites, Gate: d.Gate,
		Blocking: d.Gate.Blocking(), History: hist, Transitions: supplier.Transitions[d.Supplier.Status],
		CanEdit: qms.CanEditQualityRecords(a) && d.Supplier.VoidedAt == nil, CanApprove: qms.CanApprove(a) && d.Supplier.VoidedAt == nil,
		Today: today.String(), MaxUntil: today.AddDate(0, 0, supplier.MaxOverrideDays).String()}
	names := map[int64]string{}
	for _, s := range d.Sites {
		names[s.ID] = s.DisplayName()
	}
	for _, c := range d.Certificates {
		card := certCard{CertificateView: c, Flags: d.Flags[c.Certificate.ID]}
		for _, sid := range c.Certificate.SiteIDs {
			card.SiteNames = append(card.SiteNames, names[sid])
		}
		p.Certs = append(p.Certs, card)
	}
	if p.Scorecard, err = u.supplierScorecard(r, id); err != nil {
		return err
	}
	if p.Signatures, err = u.ops().ApprovalSignatures(ctx, id); err != nil {
		return err
	}
	if p.SignApprove, err = u.ops().ApprovalNeedsSignature(ctx); err != nil {
		return err
	}
	for _, o := range d.Overrides {
		if o.Active(today) {
			p.Active = append(p.Active, o)
		} else {
			p.Past = append(p.Past, o)
		}
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// supplierStatus changes a supplier's status with a reason; approving must
// pass the approval gate and, in ISO 13485 mode, is signed with the password.
func (u *UI) supplierStatus(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	to := supplier.Status(r.PostForm.Get("status"))
	err = p.Err()
	var s *supplier.Supplier
	if err == nil {
		s, err = u.ops().SetStatusSigned(r.Context(), id, to, reason, postedVersion(r), r.PostForm.Get("password"))
	}
	if err != nil {
		return u.actionFailed(w, r, supplierPath(id), err)
	}
	u.redirect(w, r, supplierPath(id), "success", "The supplier is now "+strings.ToLower(s.Status.Label())+".")
	return nil
}

// overrideCreate records an override of a certificate requirement.
func (u *UI) overrideCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	o := &supplier.Override{SupplierID: id, Standard: r.PostForm.Get("standard"), Reason: postedReason(r, p, "reason")}
	o.SiteID, _ = strconv.ParseInt(r.PostForm.Get("site_id"), 10, 64)
	if o.Until, err = qms.ParseDate(r.PostForm.Get("until")); err != nil {
		p.Add("until", "must be a date such as 2027-03-31")
	}
	err = p.Err()
	if err == nil {
		err = u.ops().CreateOverride(r.Context(), o)
	}
	if err != nil {
		return u.actionFailed(w, r, supplierPath(id)+"#qualification", err)
	}
	u.redirect(w, r, supplierPath(id)+"#qualification", "success", "Override recorded: "+o.Standard+" is waived until "+o.Until.String()+".")
	return nil
}

// overrideVoid ends an override early.
func (u *UI) overrideVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	reason := postedReason(r, p, "reason")
	back := localPath(r.PostForm.Get("next"), "/suppliers")
	err = p.Err()
	var o *supplier.Override
	if err == nil {
		o, err = u.ops().VoidOverride(r.Context(), id, reason)
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, supplierPath(o.SupplierID)+"#qualification", "success", "The override of "+o.Standard+" has ended.")
	return nil
}
