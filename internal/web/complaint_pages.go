package web

import (
	"net/http"
	"strconv"
	"time"

	"qms/internal/complaint"
	"qms/internal/qms"
	"qms/internal/store"
)

// complaintForm is a complaint as typed.
type complaintForm struct {
	ReceivedOn, Customer, CustomerRef, ProductID, ProductText, Description, Reportability, NCRID, CAPAID, NoCAPAReason, Reason string
	Reportable                                                                                                                 bool
	Version                                                                                                                    int64
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func complaintFormOf(c *complaint.Complaint) complaintForm {
	return complaintForm{ReceivedOn: c.ReceivedOn.String(), Customer: c.Customer, CustomerRef: c.CustomerRef, ProductID: idText(c.ProductID),
		ProductText: c.ProductText, Description: c.Description, Reportability: c.Reportability, NCRID: idText(c.NCRID), CAPAID: idText(c.CAPAID),
		NoCAPAReason: c.NoCAPAReason, Reportable: c.Reportable, Version: c.Version}
}

func postedComplaintForm(r *http.Request) complaintForm {
	f := r.PostForm
	return complaintForm{ReceivedOn: f.Get("received_on"), Customer: f.Get("customer"), CustomerRef: f.Get("customer_ref"), ProductID: f.Get("product_id"),
		ProductText: f.Get("product_text"), Description: f.Get("description"), Reportability: f.Get("reportability"), NCRID: f.Get("ncr_id"),
		CAPAID: f.Get("capa_id"), NoCAPAReason: f.Get("no_capa_reason"), Reason: f.Get("reason"), Reportable: f.Get("reportable") != "",
		Version: postedVersion(r)}
}

func (f complaintForm) complaint(r *http.Request, p qms.Problems) *complaint.Complaint {
	return &complaint.Complaint{ReceivedOn: reviewFormDate(r, p, "received_on"), Customer: f.Customer, CustomerRef: f.CustomerRef,
		ProductID: formInt64(p, f.ProductID, "product_id"), ProductText: f.ProductText, Description: f.Description, Reportable: f.Reportable,
		Reportability: f.Reportability, NCRID: formInt64(p, f.NCRID, "ncr_id"), CAPAID: formInt64(p, f.CAPAID, "capa_id"), NoCAPAReason: f.NoCAPAReason}
}

type complaintsPage struct {
	layout
	Complaints []complaint.Complaint
	Status     string
	Form       complaintForm
	Errors     map[string]string
	Problem    string
	CanCreate  bool
	NextURL    string
}

func (*complaintsPage) template() string { return "complaints" }

func (u *UI) complaintsPage(w http.ResponseWriter, r *http.Request, a qms.Actor, code int, f complaintForm, errs map[string]string, problem string) error {
	st := r.URL.Query().Get("status")
	if st != string(complaint.Open) && st != string(complaint.Closed) {
		st = ""
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	list, next, err := u.qmsOps().Complaints(r.Context(), store.ComplaintFilter{Status: complaint.Status(st), Before: before, Limit: 50})
	if err != nil {
		return err
	}
	p := &complaintsPage{layout: layout{Title: "Customer complaints"}, Complaints: list, Status: st, Form: f, Errors: errs, Problem: problem,
		CanCreate: qms.CanEditQualityRecords(a)}
	if next != 0 {
		p.NextURL = "/complaints?status=" + st + "&before=" + strconv.FormatInt(next, 10)
	}
	u.render(w, r, code, p)
	return nil
}

func (u *UI) complaintList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.complaintsPage(w, r, a, http.StatusOK, complaintForm{ReceivedOn: qms.DateOf(time.Now().UTC()).String()}, nil, "")
}

func (u *UI) complaintCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := postedComplaintForm(r)
	p := qms.Problems{}
	c := f.complaint(r, p)
	err := p.Err()
	if err == nil {
		err = u.qmsOps().CreateComplaint(r.Context(), c)
	}
	if err != nil {
		fields, msg, code, ok := formError(mergeProblems(p, err))
		if !ok {
			return err
		}
		return u.complaintsPage(w, r, a, code, f, fields, msg)
	}
	u.redirect(w, r, "/complaints/"+strconv.FormatInt(c.ID, 10), "success", "Complaint "+c.Number()+" recorded.")
	return nil
}

type complaintPage struct {
	layout
	Complaint *complaint.Complaint
	Form      complaintForm
	Errors    map[string]string
	Problem   string
	CanEdit   bool
}

func (*complaintPage) template() string { return "complaint" }

func (u *UI) showComplaint(w http.ResponseWriter, r *http.Request, a qms.Actor, id int64, code int, edit func(p *complaintPage)) error {
	c, err := u.qmsOps().Complaint(r.Context(), id)
	if err != nil {
		return err
	}
	p := &complaintPage{layout: layout{Title: c.Number() + " " + c.Customer}, Complaint: c, Form: complaintFormOf(c),
		CanEdit: qms.CanManageQMS(a) && c.Status == complaint.Open && c.VoidedAt == nil}
	if edit != nil {
		edit(p)
	}
	u.render(w, r, code, p)
	return nil
}

func (u *UI) complaintShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return u.showComplaint(w, r, a, id, http.StatusOK, nil)
}

func (u *UI) complaintUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := postedComplaintForm(r)
	p := qms.Problems{}
	c := f.complaint(r, p)
	c.ID = id
	if err = p.Err(); err == nil {
		err = u.qmsOps().UpdateComplaint(r.Context(), c, f.Version, f.Reason)
	}
	if err != nil {
		fields, msg, code, ok := formError(mergeProblems(p, err))
		if !ok {
			return err
		}
		return u.showComplaint(w, r, a, id, code, func(pg *complaintPage) { pg.Form, pg.Errors, pg.Problem = f, fields, msg })
	}
	u.redirect(w, r, "/complaints/"+strconv.FormatInt(id, 10), "success", "Complaint saved.")
	return nil
}

func (u *UI) complaintClose(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := u.qmsOps().CloseComplaint(r.Context(), id, postedVersion(r)); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showComplaint(w, r, a, id, code, func(pg *complaintPage) { pg.Errors, pg.Problem = fields, msg })
	}
	u.redirect(w, r, "/complaints/"+strconv.FormatInt(id, 10), "success", "Complaint closed.")
	return nil
}
