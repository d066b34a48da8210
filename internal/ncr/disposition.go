package ncr

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// DispositionKind is what is done with nonconforming units (ISO 9000
// definitions). The set is closed.
type DispositionKind string

const (
	UseAsIs          DispositionKind = "use_as_is"          // accepted without work (a concession); needs the MRB
	Rework           DispositionKind = "rework"             // made to conform, then re-inspected
	Repair           DispositionKind = "repair"             // made usable though not conforming; needs the MRB
	Regrade          DispositionKind = "regrade"            // used for another grade or application
	Scrap            DispositionKind = "scrap"              // destroyed or kept from its intended use
	ReturnToSupplier DispositionKind = "return_to_supplier" // sent back for credit or replacement
	Sort             DispositionKind = "sort"               // 100 % sorted; the good units go on
)

// DispositionKinds lists every disposition in display order.
var DispositionKinds = []DispositionKind{UseAsIs, Rework, Repair, Regrade, Scrap, ReturnToSupplier, Sort}

// Valid reports whether d is one of DispositionKinds.
func (d DispositionKind) Valid() bool { return slices.Contains(DispositionKinds, d) }

// NeedsMRB reports whether the disposition needs a Material Review Board
// approval: use as is and repair accept units that do not conform.
func (d DispositionKind) NeedsMRB() bool { return d == UseAsIs || d == Repair }

// Releases reports whether units so dispositioned may go on (ship or be
// used) once it is carried out: all but scrap and return to supplier.
func (d DispositionKind) Releases() bool { return d.Valid() && d != Scrap && d != ReturnToSupplier }

// Label is the disposition's name for people.
func (d DispositionKind) Label() string {
	switch d {
	case UseAsIs:
		return "Use as is"
	case Rework:
		return "Rework"
	case Repair:
		return "Repair"
	case Regrade:
		return "Regrade"
	case Scrap:
		return "Scrap"
	case ReturnToSupplier:
		return "Return to supplier"
	case Sort:
		return "Sort"
	}
	return string(d)
}

// DispositionLine is the disposition of part of the affected quantity.
type DispositionLine struct {
	Kind      DispositionKind `json:"kind"`
	Quantity  int             `json:"quantity"`
	Rationale string          `json:"rationale"` // why; for use as is and repair, why the units are fit for use
}

// Approval is one Material Review Board approval of the current
// disposition: an electronic signature meaning "approved".
type Approval struct {
	UserID      int64     `json:"user_id"`
	Name        string    `json:"name"`
	Role        qms.Role  `json:"role"`
	SignatureID int64     `json:"signature_id"`
	At          time.Time `json:"at"`
}

// NeedsMRB reports whether the disposition lines need the MRB's approval.
func NeedsMRB(lines []DispositionLine) bool {
	return slices.ContainsFunc(lines, func(l DispositionLine) bool { return l.Kind.NeedsMRB() && l.Quantity > 0 })
}

// CheckDisposition trims and checks disposition lines against the affected
// quantity: each line a known disposition, once, with a positive quantity
// and a rationale where one is needed, and the quantities adding up to
// exactly the affected quantity. Returns an invalid error naming the lines
// and the difference.
func CheckDisposition(lines []DispositionLine, affected int) error {
	p := qms.Problems{}
	if len(lines) == 0 {
		p.Add("disposition", "is required: split the affected quantity over one or more dispositions")
		return p.Err()
	}
	if len(lines) > MaxDispLines {
		p.Add("disposition", fmt.Sprintf("at most %d lines", MaxDispLines))
		return p.Err()
	}
	seen := map[DispositionKind]bool{}
	sum := 0
	for i := range lines {
		l := &lines[i]
		f := fmt.Sprintf("disposition.%d.", i)
		l.Rationale = strings.TrimSpace(l.Rationale)
		checkLong(p, f+"rationale", l.Rationale, MaxShortText)
		switch {
		case !l.Kind.Valid():
			p.Add(f+"kind", "must be one of "+names(DispositionKinds))
		case seen[l.Kind]:
			p.Add(f+"kind", fmt.Sprintf("%s is given twice: put its whole quantity on one line", strings.ToLower(l.Kind.Label())))
		}
		seen[l.Kind] = true
		if l.Quantity <= 0 || l.Quantity > MaxQuantity {
			p.Add(f+"quantity", "must be at least 1 unit")
		} else {
			sum += l.Quantity
		}
		if l.Kind.NeedsMRB() && l.Rationale == "" {
			p.Add(f+"rationale", "is required: say why these units are fit for use")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if sum != affected {
		diff := "more"
		if sum < affected {
			diff = "fewer"
		}
		return &qms.Error{Kind: qms.KindInvalid, Message: "The disposition quantities do not add up",
			Fields: map[string]string{"disposition": fmt.Sprintf("the lines add up to %d units, %d %s than the %d units affected: every affected unit needs exactly one disposition",
				sum, abs(sum-affected), diff, affected)}}
	}
	return nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// SameDisposition reports whether two sets of lines say the same (in the
// same order). A changed disposition needs new MRB approvals.
func SameDisposition(a, b []DispositionLine) bool { return slices.Equal(a, b) }

// CheckSetDisposition checks that actor a may propose the disposition
// lines of the NCR (quality staff, while it is open or contained) and
// checks the lines against its affected quantity. The store clears the
// MRB approvals when the lines change. Returns forbidden, conflict or
// invalid.
func CheckSetDisposition(a qms.Actor, n *NCR, lines []DispositionLine) error {
	if !qms.CanEditQualityRecords(a) {
		return forbidden("disposition NCRs")
	}
	if err := CheckEdit(a, n); err != nil {
		return err
	}
	return CheckDisposition(lines, n.QuantityAffected)
}

// CanMRBApprove: sign a Material Review Board approval. Quality staff
// (admin, quality manager, inspector); of the two approvers, at least one
// must be a quality manager or an administrator (qms.CanApprove).
func CanMRBApprove(a qms.Actor) bool { return a.UserID > 0 && qms.CanEditQualityRecords(a) }

// CheckMRBApproval checks that actor a may add an MRB approval to the NCR's
// current disposition: it needs one (use as is or repair), the lines add
// up, the NCR is open or contained, a has not approved it already (the
// second approver is a different person), it has fewer than two
// approvals, and the two approvers include a quality manager. Returns
// forbidden, conflict or invalid.
func CheckMRBApproval(a qms.Actor, n *NCR) error {
	if !CanMRBApprove(a) {
		return forbidden("approve dispositions for the Material Review Board")
	}
	if n.Status != StatusOpen && n.Status != StatusContained {
		return qms.Errorf(qms.KindConflict, "%s is %s: only a disposition still to be decided is approved", n.Number(), n.Status)
	}
	if len(n.Disposition) == 0 {
		return qms.Errorf(qms.KindConflict, "%s has no disposition yet: propose one before it is approved", n.Number())
	}
	if err := CheckDisposition(slices.Clone(n.Disposition), n.QuantityAffected); err != nil {
		return err
	}
	if !NeedsMRB(n.Disposition) {
		return qms.Errorf(qms.KindConflict, "the disposition of %s needs no Material Review Board approval (only use as is and repair do)", n.Number())
	}
	for _, ap := range n.MRB {
		if ap.UserID == a.UserID {
			return qms.Errorf(qms.KindConflict, "you approved this disposition already: the second approval must come from a different person")
		}
	}
	switch len(n.MRB) {
	case 0:
	case 1:
		if !qms.CanApprove(a) && !roleApproves(n.MRB[0].Role) {
			return qms.Errorf(qms.KindConflict, "one of the two Material Review Board approvers must be a quality manager: %s approved as %s, and so would you",
				n.MRB[0].Name, strings.ToLower(n.MRB[0].Role.Label()))
		}
	default:
		return qms.Errorf(qms.KindConflict, "the disposition of %s is approved by two people already", n.Number())
	}
	return nil
}

func roleApproves(r qms.Role) bool { return qms.CanApprove(qms.Actor{Role: r}) }

// MRBComplete reports whether the disposition has the approvals it needs:
// none without use as is or repair; otherwise two different people, one
// of them a quality manager.
func MRBComplete(n *NCR) bool {
	if !NeedsMRB(n.Disposition) {
		return true
	}
	if len(n.MRB) < 2 || n.MRB[0].UserID == n.MRB[1].UserID {
		return false
	}
	return roleApproves(n.MRB[0].Role) || roleApproves(n.MRB[1].Role)
}

// CheckLotRelease checks that a lot whose inspection raised the NCR may be
// released (a release, a concession or an approval of the inspection):
// while the NCR is open or contained it may not; once dispositioned it may
// when some of the affected units are dispositioned to go on (use as is,
// rework, repair, regrade, sort); a closed or voided NCR no longer blocks.
// Returns conflict.
func CheckLotRelease(n *NCR) error {
	switch n.Status {
	case StatusClosed, StatusVoided:
		return nil
	case StatusDispositioned, StatusVerified:
		if slices.ContainsFunc(n.Disposition, func(l DispositionLine) bool { return l.Kind.Releases() && l.Quantity > 0 }) {
			return nil
		}
		return qms.Errorf(qms.KindConflict, "the lot cannot be released: %s dispositions every affected unit to scrap or return to supplier", n.Number())
	}
	return qms.Errorf(qms.KindConflict, "the lot cannot be released while %s is %s: contain and disposition it first (use as is and repair need the Material Review Board's approval)",
		n.Number(), n.Status)
}
