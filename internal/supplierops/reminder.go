package supplierops

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"qms/internal/jobs"
	"qms/internal/notify"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// Certificate reminders: an hourly job (KindReminders) tells the quality
// managers, in the app, by e-mail and through the webhooks subscribed to
// "certificate.*", when a certificate comes within 90, 60, 30 and 0 days of
// its expiry and when its surveillance audit is overdue. Every reminder has
// a unique notify key naming the certificate, its expiry (or surveillance
// due) date and the threshold, so it goes out once however often the job
// runs and however many instances run it; a renewed certificate (a new
// expiry date) is reminded again. A reminder that was missed (the job did
// not run that day, or the certificate was recorded late) goes out at the
// next run: an expired certificate gets its expiry reminder whenever the job
// first sees it, and never drops off.

// KindReminders is the job kind of the certificate reminders.
const KindReminders = "supplier.certificate_reminders"

// ReminderEvery is how often the reminder job runs (aligned to UTC hours).
const ReminderEvery = time.Hour

// ReminderDays are the thresholds of the expiry reminders, in days before
// the expiry date; 0 is the day of expiry (and every day after it).
var ReminderDays = []int{90, 60, 30, 0}

// Event types of the reminders.
const (
	EventExpiring            = "certificate.expiring"
	EventExpired             = "certificate.expired"
	EventSurveillanceOverdue = "certificate.surveillance_overdue"
)

// RegisterReminders installs the reminder job on r and schedules it hourly.
func RegisterReminders(r *jobs.Runner, st *store.Store) {
	s := &Service{Store: st}
	r.Handle(KindReminders, func(ctx context.Context, _ *store.Job) error {
		_, err := s.SendReminders(ctx)
		return err
	})
	r.Every(KindReminders, ReminderEvery, nil)
}

// Reminder is one reminder due for a certificate.
type Reminder struct {
	Event notify.Event
	Due   qms.Date // the expiry date, or the date the surveillance audit was due
}

// DueReminders returns the reminders due today for a certificate of the
// named supplier: at most one about its expiry (the most urgent threshold
// of days reached: a certificate 45 days from expiry gets the 60-day
// reminder, one expired 5 days ago the 0-day reminder) and one when its
// surveillance audit is overdue (a standard with surveillance audits, not
// expired, the issue date or last surveillance audit more than
// set.SurveillanceMonths ago). Pure: the caller publishes them.
func DueReminders(c *supplier.Certificate, supplierName string, today qms.Date, set supplier.Settings, days []int) []Reminder {
	var out []Reminder
	id := strconv.FormatInt(c.ID, 10)
	name := c.StandardName() + " " + c.Number
	link := "/certificates/" + id
	data := map[string]any{"certificate_id": c.ID, "supplier_id": c.SupplierID, "supplier": supplierName, "standard": c.StandardName(),
		"number": c.Number, "certification_body": c.CertificationBody, "review": c.Review}
	if !c.ExpiryDate.IsZero() {
		left := today.DaysUntil(c.ExpiryDate)
		threshold, ok := 0, false
		for _, d := range days {
			if left <= d && (!ok || d < threshold) {
				threshold, ok = d, true
			}
		}
		if ok {
			e := notify.Event{Type: EventExpiring, Key: "certificate:" + id + ":expiry:" + c.ExpiryDate.String() + ":" + strconv.Itoa(threshold) + "d",
				EntityType: OwnerCertificate, EntityID: c.ID, Link: link, Roles: []qms.Role{qms.RoleQualityManager}}
			when := "expires in " + plural(left, "day") + ", on " + c.ExpiryDate.String()
			switch {
			case left == 0:
				when = "expires today (" + c.ExpiryDate.String() + ")"
			case left < 0:
				when = "expired " + plural(-left, "day") + " ago, on " + c.ExpiryDate.String()
			}
			if threshold == 0 {
				e.Type = EventExpired
				e.Body = fmt.Sprintf("The %s certificate %s of %s %s. It no longer counts as evidence: ask the supplier for the renewed certificate, and record it once it is checked.",
					c.StandardName(), c.Number, supplierName, when)
			} else {
				e.Body = fmt.Sprintf("The %s certificate %s of %s (%s) %s. Ask the supplier for the recertification audit date and the renewed certificate in time.",
					c.StandardName(), c.Number, supplierName, c.CertificationBody, when)
			}
			e.Subject = clipSubject(name + " of " + supplierName + " " + when)
			e.Data = withData(data, map[string]any{"expiry_date": c.ExpiryDate.String(), "days_left": left, "threshold_days": threshold})
			out = append(out, Reminder{Event: e, Due: c.ExpiryDate})
		}
	}
	std, known := c.CatalogueStandard()
	if known && std.Surveillance && !c.IssueDate.IsZero() && (c.ExpiryDate.IsZero() || !today.After(c.ExpiryDate)) {
		base, what := c.IssueDate, "issued on "+c.IssueDate.String()
		if c.LastSurveillanceDate.After(base) {
			base, what = c.LastSurveillanceDate, "last surveillance audit on "+c.LastSurveillanceDate.String()
		}
		due := base.AddDate(0, set.SurveillanceMonths, 0)
		if today.After(due) {
			e := notify.Event{Type: EventSurveillanceOverdue, Key: "certificate:" + id + ":surveillance:" + due.String(),
				EntityType: OwnerCertificate, EntityID: c.ID, Link: link, Roles: []qms.Role{qms.RoleQualityManager},
				Subject: clipSubject("Surveillance audit overdue: " + name + " of " + supplierName),
				Body: fmt.Sprintf("The %s certificate %s of %s (%s) has no surveillance audit on record since %s: the next one was due by %s. A missed surveillance audit leads to suspension. Ask for the surveillance audit report, check the certificate's status with the certification body, and record the audit date.",
					c.StandardName(), c.Number, supplierName, what, base, due)}
			e.Data = withData(data, map[string]any{"surveillance_due": due.String(), "latest_audit": base.String()})
			out = append(out, Reminder{Event: e, Due: due})
		}
	}
	return out
}

func withData(base, extra map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// clipSubject keeps a subject within notify.MaxSubjectLen characters.
func clipSubject(s string) string {
	r := []rune(s)
	if len(r) <= notify.MaxSubjectLen {
		return s
	}
	return string(r[:notify.MaxSubjectLen-1]) + "…"
}

// reminderBatch is how many reminders one transaction publishes.
const reminderBatch = 100

// SendReminders publishes every reminder due today that was not published
// yet, in certificate order, a batch per transaction, as qms itself. It
// returns how many it published; a reminder another instance published
// meanwhile is not published again (notify keys). Safe to run at any time
// and as often as wanted.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	ctx = qms.WithActor(ctx, qms.System)
	today := qms.DateOf(s.Store.Now())
	var due []Reminder
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		set, err := tx.SupplierSettings()
		if err != nil {
			return err
		}
		days := slices.Max(ReminderDays)
		// Three days of slack: DueReminders decides month ends exactly.
		certs, err := tx.CertificatesForReminders(today.AddDate(0, 0, days), today.AddDate(0, -set.SurveillanceMonths, 3))
		if err != nil {
			return err
		}
		var keys []string
		for i := range certs {
			for _, r := range DueReminders(&certs[i].Certificate, certs[i].SupplierName, today, *set, ReminderDays) {
				due = append(due, r)
				keys = append(keys, r.Event.Key)
			}
		}
		sent, err := tx.PublishedKeys(keys)
		if err != nil {
			return err
		}
		due = slices.DeleteFunc(due, func(r Reminder) bool { return sent[r.Event.Key] })
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("certificate reminders: %w", err)
	}
	n := 0
	for len(due) > 0 {
		batch := due[:min(len(due), reminderBatch)]
		err := s.Store.Update(ctx, func(tx *store.Tx) error {
			for _, r := range batch {
				ok, err := notify.Publish(tx, r.Event)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("certificate reminders: %w", err)
		}
		due = due[len(batch):]
	}
	return n, nil
}
