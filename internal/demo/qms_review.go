package demo

import (
	"context"
	"fmt"
	"io"

	"qms/internal/complaint"
	"qms/internal/mgmtreview"
	"qms/internal/objective"
	"qms/internal/qms"
	"qms/internal/qmsops"
	"qms/internal/store"
)

// LoadReview adds the quality objectives, customer complaints and
// management reviews to a database that has the demo users (Load) and no
// objectives yet: five objectives over this year (lot acceptance, rejection
// rate, CAPAs on time, NCRs opened, no expired certificate on an approved
// supplier), three complaints (one reportable, one answered by an NCR,
// one closed without a CAPA for a recorded reason), last year's
// management review held and closed with its decisions and actions (one
// done, one open), and this quarter's review in preparation. Everything
// goes through the operations as the quality manager. It does nothing
// when objectives exist.
func LoadReview(ctx context.Context, st *store.Store, out io.Writer) error {
	var n int
	if err := st.View(ctx, func(tx *store.Tx) error { return tx.QueryRow("SELECT COUNT(*) FROM objectives").Scan(&n) }); err != nil || n > 0 {
		return err
	}
	qm, qmID, err := (&loader{st: st}).as(ctx, "qm@demo.qms")
	if err != nil {
		return err
	}
	ops := &qmsops.Service{Store: st}
	today := qms.DateOf(st.Now())
	year := fmt.Sprintf("%04d", today.Year())
	owner := "王芳 (Wang Fang)"
	objectives := []objective.Objective{
		{Title: "Supplier lot acceptance at least 97 %", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 97,
			Notes: "First submissions accepted, all inspection types but first articles."},
		{Title: "Inspection rejection rate at most 5 %", Metric: objective.InspectionRejection, Comparison: objective.AtMost, Target: 5},
		{Title: "CAPAs closed on time at least 90 %", Metric: objective.CAPAOnTime, Comparison: objective.AtLeast, Target: 90},
		{Title: "At most 24 NCRs this year", Metric: objective.NCRCount, Comparison: objective.AtMost, Target: 24},
		{Title: "No expired certificate on an approved supplier", Metric: objective.ApprovedExpiredCertificates, Comparison: objective.AtMost, Target: 0},
	}
	for i := range objectives {
		o := &objectives[i]
		o.Owner, o.OwnerID, o.From, o.To = owner, qmID, objective.Month(year+"-01"), objective.Month(year+"-12")
		if err := ops.CreateObjective(qm, o); err != nil {
			return fmt.Errorf("demo objective %q: %w", o.Title, err)
		}
	}
	var ncrID int64
	if err := st.View(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow("SELECT COALESCE(MIN(id), 0) FROM ncrs").Scan(&ncrID)
		return err
	}); err != nil {
		return err
	}
	complaints := []complaint.Complaint{
		{ReceivedOn: today.AddDate(0, 0, -40), Customer: "Müller Audio GmbH", CustomerRef: "RMA-2026-0117", ProductText: "Bluetooth speaker BS-20",
			Description: "Zwei Lautsprecher ohne Ton nach dem Auspacken (two speakers without sound out of the box).", NCRID: ncrID},
		{ReceivedOn: today.AddDate(0, 0, -21), Customer: "Công ty TNHH Thiết bị Y tế An Bình", ProductText: "Infrared thermometer IT-3",
			Description: "Reading 1.5 °C too low on three units; used in a clinic.", Reportable: true,
			Reportability: "Reported to the authority as a device malfunction that could lead to a wrong diagnosis; reference VN-2026-0042."},
		{ReceivedOn: today.AddDate(0, 0, -9), Customer: "北京优品贸易有限公司", ProductText: "Kitchen scale KS-5",
			Description:  "外箱破损，一台秤的显示屏有划痕 (outer carton damaged, scratched display on one scale).",
			NoCAPAReason: "Transport damage of a single carton, handled by the carrier's claim; no process cause."},
	}
	for i := range complaints {
		c := &complaints[i]
		if err := ops.CreateComplaint(qm, c); err != nil {
			return fmt.Errorf("demo complaint: %w", err)
		}
	}
	if _, err := ops.CloseComplaint(qm, complaints[2].ID, complaints[2].Version); err != nil {
		return fmt.Errorf("demo complaint close: %w", err)
	}

	last := &mgmtreview.Review{Title: fmt.Sprintf("Management review %d", today.Year()-1), HeldOn: today.AddDate(0, -2, 0),
		From: today.AddDate(-1, -2, 1), To: today.AddDate(0, -2, 0),
		Attendees: []mgmtreview.Attendee{{Name: "Anna Schmidt", Role: "Managing director"}, {Name: owner, Role: "Quality manager"},
			{Name: "Jürgen Müller", Role: "Head of sourcing"}},
		Feedback:     "Two key accounts asked for shorter reaction times on returns.",
		Resources:    "One more inspector in Vietnam from the second quarter; the budget for third-party inspections is sufficient.",
		Improvements: "Move container loading checks of the two largest factories to our own inspectors.",
		Decisions: []string{"Keep the lot acceptance objective at 97 % and add the rejection rate objective.",
			"Audit the two suppliers with the lowest acceptance before the peak season.",
			"Complaint records and their link to CAPA become mandatory for all product lines."}}
	if err := ops.CreateReview(qm, last); err != nil {
		return fmt.Errorf("demo review: %w", err)
	}
	actions := []mgmtreview.Action{
		{Description: "Hire and train an inspector for the Vietnamese factories", DueOn: today.AddDate(0, -1, 0)},
		{Description: "Audit Shenzhen Precision Hardware and Hưng Thịnh before the peak season", DueOn: today.AddDate(0, 1, 0)},
	}
	for i := range actions {
		a := &actions[i]
		a.ReviewID, a.Owner, a.OwnerID = last.ID, owner, qmID
		if err := ops.AddAction(qm, a); err != nil {
			return fmt.Errorf("demo review action: %w", err)
		}
	}
	if _, err := ops.FinishAction(qm, actions[0].ID, actions[0].Version, mgmtreview.ActionDone, "Nguyễn Văn Minh started in the second month; trained on AQL and the tablet."); err != nil {
		return fmt.Errorf("demo review action done: %w", err)
	}
	if _, err := ops.CloseReview(qm, last.ID, last.Version); err != nil {
		return fmt.Errorf("demo review close: %w", err)
	}
	next := &mgmtreview.Review{Title: fmt.Sprintf("Management review Q%d %d", (int(today.Month())-1)/3+1, today.Year()), HeldOn: today,
		From: today.AddDate(0, -2, 1), To: today,
		Attendees: []mgmtreview.Attendee{{Name: "Anna Schmidt", Role: "Managing director"}, {Name: owner, Role: "Quality manager"}}}
	if err := ops.CreateReview(qm, next); err != nil {
		return fmt.Errorf("demo review in preparation: %w", err)
	}
	fmt.Fprintf(out, "demo: %d quality objectives, %d complaints, a closed management review with its actions and one in preparation\n", len(objectives), len(complaints))
	return nil
}
