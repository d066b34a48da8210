// Package supplierreport builds the qualification report of a supplier: its
// identity and factory sites; its certificates with their derived status,
// verification and red flags in plain words; the certificate requirements
// and what is missing; its audits; its inspection history and rejection
// rate with the scorecard's tier, lot acceptance rate and PPM; its open
// NCRs and corrective actions; and the recommendation (its status) with
// who decided it, when and why, and the history of those decisions.
//
// Load reads everything from the store in one read transaction and Build
// turns it into a Report, a model of ready-to-print strings that the web
// UI's template shows as HTML, the API returns as JSON, and WritePDF draws
// as an A4 PDF with package report. Build is pure; only Load does I/O.
//
// The report is the buyer's internal assessment (red flags, verification
// records, override reasons): internal users may read it; supplier users
// may not, not even their own supplier's (forbidden for their own, not
// found for any other). The package must not import net/http.
package supplierreport

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/scorecard"
	"qms/internal/store"
	"qms/internal/supplier"
)

// Change is one decision on the supplier's status, from the audit trail.
type Change struct {
	At       time.Time
	By       string
	Action   string // create, status, void
	From, To supplier.Status
	Reason   string
}

// Input is everything a report shows.
type Input struct {
	Detail    *store.SupplierDetail // required
	History   []Change              // newest first
	Audits    []qaudit.Audit        // newest first; none when none are recorded
	Scorecard *scorecard.Scorecard  // over From..To
	From, To  qms.Date
	Lots      []inspection.LotResult // the latest lots of the period, newest first
	LotsTotal int                    // lots in the period (Lots may be fewer)
	Products  map[int64]string       // product names by id
	NCRs      []ncr.NCR              // open ones
	CAPAs     []capa.CAPA            // open ones
	Generated time.Time
}

// Tones of a value.
const (
	TonePlain   = ""
	TonePass    = "pass"
	ToneFail    = "fail"
	TonePending = "pending"
	ToneInfo    = "info"
)

// Field is one labelled value.
type Field struct {
	Label, Value string
	Tone         string
}

// SiteLine is one factory site.
type SiteLine struct {
	Name, NameLatin, Address, Country, Categories, Capacity, Contacts string
	Voided                                                            bool
}

// CertLine is one certificate with its status and red flags.
type CertLine struct {
	ID                                   int64
	Standard, Number, Kind               string
	CertificationBody, AccreditationBody string
	Sites                                string
	Issued, Expires, Surveillance        string
	Validity                             string // the derived validity in plain words
	ValidityTone                         string
	Verification                         string
	VerificationTone                     string
	Review                               string
	Flags                                []Flag
}

// Flag is one red flag.
type Flag struct {
	Severity string // severe, warning, info
	Tone     string
	Message  string
}

// CheckLine is one certificate requirement and whether it is met.
type CheckLine struct {
	Requirement, Site, Result, Message string
	Tone                               string
}

// AuditLine is one audit of the supplier.
type AuditLine struct {
	ID                      int64
	Date, Type, Title, Lead string
	Status, Score, Summary  string
	StatusTone              string
}

// RateLine is the rejection rate of one inspection type.
type RateLine struct {
	Kind, Lots, Rejected, RejectionRate, PPM string
	Tone                                     string
}

// LotLine is one inspected lot.
type LotLine struct {
	Date, Kind, Product, PO, Source string
	LotSize, Sample, Defective      string
	Verdict                         string
	Tone                            string
}

// IssueLine is one open NCR or corrective action.
type IssueLine struct {
	ID                            int64
	Number, Title, Status, Opened string
	Severity                      string
	Link                          string
}

// HistoryLine is one status decision.
type HistoryLine struct {
	Date, Change, By, Reason string
}

// Report is the qualification report, ready to print.
type Report struct {
	Title, Number, Subtitle string
	SupplierID              int64
	Generated               time.Time

	Status string // the supplier's status

	// Recommendation is the supplier's status as a recommendation, with
	// who decided it, when and why.
	Recommendation     string
	RecommendationTone string
	DecidedBy          string // "Qiang Li on 2026-10-01"; "" when never decided
	DecisionReason     string
	Attention          []string // facts that weigh on it, in plain words

	Identity     []Field
	Sites        []SiteLine
	Certificates []CertLine
	GateSummary  string
	GateTone     string
	Checks       []CheckLine
	Audits       []AuditLine

	Period    string
	Scorecard []Field // tier, lots, acceptance rate, PPM ...
	Tier      string
	TierTone  string
	Reasons   []string // why the tier is not A
	Rates     []RateLine
	Lots      []LotLine
	LotsNote  string
	NCRs      []IssueLine
	CAPAs     []IssueLine
	History   []HistoryLine
}

func date(t time.Time) string { return t.UTC().Format("2006-01-02") }

func statusTone(s supplier.Status) string {
	switch s {
	case supplier.StatusApproved:
		return TonePass
	case supplier.StatusConditionallyApproved, supplier.StatusProbation, supplier.StatusUnderQualification:
		return TonePending
	case supplier.StatusDisqualified:
		return ToneFail
	}
	return ToneInfo
}

func severityTone(s supplier.Severity) string {
	switch s {
	case supplier.SeveritySevere:
		return ToneFail
	case supplier.SeverityWarning:
		return TonePending
	case supplier.SeverityOK:
		return TonePass
	}
	return ToneInfo
}

// recommendation says what a status recommends, in plain words.
func recommendation(s supplier.Status) string {
	switch s {
	case supplier.StatusApproved:
		return "Approved: the supplier may be used and is on the approved supplier list."
	case supplier.StatusConditionallyApproved:
		return "Conditionally approved: the supplier may be used within the conditions or limited scope recorded with the decision."
	case supplier.StatusProbation:
		return "On probation: the supplier may still be used, under watch after poor performance."
	case supplier.StatusUnderQualification:
		return "Under qualification: not to be used until the qualification is decided."
	case supplier.StatusDisqualified:
		return "Disqualified: the supplier may not be used."
	}
	return "Prospect: not yet assessed; not to be used."
}

func percent(share float64) string { return scorecard.Percent(share) }

// Build turns the input into the report.
func Build(in Input) *Report {
	d := in.Detail
	s := &d.Supplier
	r := &Report{Title: "Supplier qualification report", Number: fmt.Sprintf("SUP-%06d", s.ID), Subtitle: s.DisplayName(),
		SupplierID: s.ID, Generated: in.Generated, Status: s.Status.Label(),
		Recommendation: recommendation(s.Status), RecommendationTone: statusTone(s.Status), DecisionReason: s.StatusReason}
	if s.StatusChangedBy != "" && s.StatusChangedAt != nil {
		r.DecidedBy = s.StatusChangedBy + " on " + date(*s.StatusChangedAt)
	}
	if s.VoidedAt != nil {
		r.Recommendation, r.RecommendationTone = "Voided: this supplier record was voided ("+s.VoidReason+") and counts for nothing.", ToneFail
	}

	// Identity.
	add := func(label, value string) {
		if value != "" {
			r.Identity = append(r.Identity, Field{Label: label, Value: value})
		}
	}
	add("Name", s.Name)
	if s.NameLatin != "" && s.NameLatin != s.Name {
		add("Name in Latin letters", s.NameLatin)
	}
	add("Kind", s.Kind.Label())
	add("Country", s.Country)
	add("Address", s.Address)
	add("Product categories", strings.Join(s.Categories, ", "))
	var contacts []string
	for _, c := range s.Contacts {
		contacts = append(contacts, contactText(c))
	}
	add("Contacts", strings.Join(contacts, "\n"))
	r.Identity = append(r.Identity, Field{Label: "Status", Value: s.Status.Label(), Tone: statusTone(s.Status)})
	add("In qms since", date(s.CreatedAt))

	// Sites.
	siteNames := map[int64]string{}
	for _, st := range d.Sites {
		siteNames[st.ID] = st.DisplayName()
		var cs []string
		for _, c := range st.Contacts {
			cs = append(cs, contactText(c))
		}
		r.Sites = append(r.Sites, SiteLine{Name: st.Name, NameLatin: st.NameLatin, Address: firstOf(st.AddressLatin, st.Address) + localAddress(st),
			Country: st.Country, Categories: strings.Join(st.Categories, ", "), Capacity: st.Capacity, Contacts: strings.Join(cs, "; "),
			Voided: st.VoidedAt != nil})
	}

	// Certificates.
	severe := 0
	for _, v := range d.Certificates {
		c := &v.Certificate
		line := CertLine{ID: c.ID, Standard: c.StandardName(), Number: c.Number, Kind: c.Kind.Label(), CertificationBody: c.CertificationBody,
			AccreditationBody: firstOf(c.AccreditationBody, "none printed"), Issued: c.IssueDate.String(), Expires: firstOf(c.ExpiryDate.String(), "no expiry date"),
			Surveillance: c.LastSurveillanceDate.String(),
			Validity:     v.Status.Validity.Message, ValidityTone: severityTone(v.Status.Validity.Severity),
			Verification: v.Status.Verification.Message, VerificationTone: severityTone(v.Status.Verification.Severity),
			Review: reviewText(c)}
		var sites []string
		for _, id := range c.SiteIDs {
			sites = append(sites, siteNames[id])
		}
		line.Sites = firstOf(strings.Join(sites, "; "), "no site")
		for _, f := range d.Flags[c.ID] {
			line.Flags = append(line.Flags, Flag{Severity: string(f.Severity), Tone: severityTone(f.Severity), Message: f.Message})
			if f.Severity == supplier.SeveritySevere {
				severe++
			}
		}
		r.Certificates = append(r.Certificates, line)
	}

	// Requirements.
	if d.Gate.Allowed {
		r.GateSummary, r.GateTone = "Every required certificate is present and in force, or waived by an override.", TonePass
	} else {
		n := len(d.Gate.Blocking())
		r.GateSummary, r.GateTone = fmt.Sprintf("%s not met: approval, inspection booking and shipment release are blocked until it is met or waived.", plural(n, "required certificate is", "required certificates are")), ToneFail
		r.Attention = append(r.Attention, r.GateSummary)
	}
	for _, c := range d.Gate.Checks {
		line := CheckLine{Requirement: c.Requirement.Describe(), Site: c.SiteName, Message: c.Message}
		switch {
		case c.Met():
			line.Result, line.Tone = "Met", TonePass
		case c.Override != nil && !c.Blocking:
			line.Result, line.Tone = "Waived", TonePending
		default:
			line.Result, line.Tone = "Not met", ToneFail
		}
		r.Checks = append(r.Checks, line)
	}
	if severe > 0 {
		r.Attention = append(r.Attention, plural(severe, "severe red flag is", "severe red flags are")+" raised on the certificates (see section 3).")
	}

	// Audits.
	for _, a := range in.Audits {
		line := AuditLine{ID: a.ID, Type: a.Type.Label(), Title: a.Title, Lead: a.Lead, Status: a.Status.Label(), Summary: a.Summary}
		switch {
		case !a.CompletedOn.IsZero():
			line.Date = a.CompletedOn.String()
		case !a.StartedOn.IsZero():
			line.Date = a.StartedOn.String()
		default:
			line.Date = a.PlannedStart.String() + " (planned)"
		}
		if a.Score != nil {
			line.Score = strconv.FormatFloat(*a.Score, 'f', 1, 64) + " %"
		}
		r.Audits = append(r.Audits, line)
	}

	// Performance.
	r.Period = in.From.String() + " to " + in.To.String()
	if sc := in.Scorecard; sc != nil {
		r.Tier, r.TierTone = sc.Tier.Label(), tierTone(sc.Tier)
		r.Reasons = sc.Reasons
		r.Scorecard = []Field{{Label: "Tier", Value: sc.Tier.Label(), Tone: r.TierTone},
			{Label: "Lots inspected", Value: strconv.Itoa(sc.Lots)},
			{Label: "Lots rejected", Value: strconv.Itoa(sc.Rejected)}}
		if sc.Lots > 0 {
			r.Scorecard = append(r.Scorecard,
				Field{Label: "Lot acceptance rate", Value: percent(sc.AcceptanceRate)},
				Field{Label: "Rejection rate", Value: percent(1 - sc.AcceptanceRate)},
				Field{Label: "PPM (defective units per million)", Value: strconv.FormatInt(scorecard.RoundPPM(sc.PPM), 10)},
				Field{Label: "Defects (critical / major / minor)", Value: fmt.Sprintf("%d / %d / %d", sc.Defects.Critical, sc.Defects.Major, sc.Defects.Minor)})
		}
		if sc.LatestAudit != nil {
			r.Scorecard = append(r.Scorecard, Field{Label: "Latest audit score", Value: strconv.FormatFloat(sc.LatestAudit.Score, 'f', 1, 64) + " % (" + sc.LatestAudit.Date.String() + ")"})
		}
		for _, k := range sc.ByKind {
			tone := TonePass
			if k.Rejected > 0 {
				tone = TonePending
			}
			r.Rates = append(r.Rates, RateLine{Kind: k.Label, Lots: strconv.Itoa(k.Lots), Rejected: strconv.Itoa(k.Rejected),
				RejectionRate: percent(k.RejectionRate), PPM: strconv.FormatInt(scorecard.RoundPPM(k.PPM), 10), Tone: tone})
		}
		if sc.Tier == scorecard.TierC {
			r.Attention = append(r.Attention, "The scorecard rates the supplier tier C over "+r.Period+".")
		}
	}
	lots := slices.Clone(in.Lots)
	slices.SortStableFunc(lots, func(a, b inspection.LotResult) int { return b.InspectedOn.Compare(a.InspectedOn) })
	for _, l := range lots {
		line := LotLine{Date: l.InspectedOn.String(), Kind: l.Kind.Label(), Product: firstOf(in.Products[l.ProductID], "product "+strconv.FormatInt(l.ProductID, 10)),
			PO: l.PONumber, Source: firstOf(l.Agency, "own inspection"), LotSize: strconv.Itoa(l.LotSize), Sample: strconv.Itoa(l.SampleSize),
			Defective: strconv.Itoa(l.DefectiveUnits), Verdict: l.Verdict.Label(), Tone: TonePass}
		if l.Rejected {
			line.Verdict, line.Tone = l.Verdict.Label()+" (rejected)", ToneFail
		}
		if l.Resubmitted {
			line.Kind += " (re-inspection)"
		}
		r.Lots = append(r.Lots, line)
	}
	if in.LotsTotal > len(in.Lots) {
		r.LotsNote = fmt.Sprintf("The latest %d of %d lots of the period.", len(in.Lots), in.LotsTotal)
	}

	// Open issues.
	for _, n := range in.NCRs {
		r.NCRs = append(r.NCRs, IssueLine{ID: n.ID, Number: n.Number(), Title: n.Title, Status: n.Status.Label(), Opened: n.DetectedOn.String(),
			Severity: string(n.Severity), Link: "/ncrs/" + strconv.FormatInt(n.ID, 10)})
	}
	for _, c := range in.CAPAs {
		r.CAPAs = append(r.CAPAs, IssueLine{ID: c.ID, Number: c.Number(), Title: c.Title, Status: string(c.Status), Opened: c.OpenedOn.String(),
			Severity: string(c.Severity), Link: "/capas/" + strconv.FormatInt(c.ID, 10)})
	}
	if n := len(in.NCRs) + len(in.CAPAs); n > 0 {
		r.Attention = append(r.Attention, fmt.Sprintf("Open: %s and %s (see section 6).", plural(len(in.NCRs), "NCR", "NCRs"), plural(len(in.CAPAs), "corrective action", "corrective actions")))
	}

	// History.
	for _, c := range in.History {
		line := HistoryLine{Date: date(c.At), By: c.By, Reason: c.Reason}
		switch c.Action {
		case qms.ActionCreate:
			line.Change = "Recorded as " + strings.ToLower(c.To.Label())
		case qms.ActionVoid:
			line.Change = "Voided"
		default:
			line.Change = c.From.Label() + " → " + c.To.Label()
		}
		r.History = append(r.History, line)
	}
	return r
}

func tierTone(t scorecard.Tier) string {
	switch t {
	case scorecard.TierA:
		return TonePass
	case scorecard.TierB:
		return TonePending
	case scorecard.TierC:
		return ToneFail
	}
	return ToneInfo
}

func reviewText(c *supplier.Certificate) string {
	switch c.Review {
	case supplier.ReviewAccepted:
		if c.ReviewedBy != "" && c.ReviewedAt != nil {
			return "accepted by " + c.ReviewedBy + " on " + date(*c.ReviewedAt)
		}
		return "accepted"
	case supplier.ReviewRejected:
		return "rejected: " + c.ReviewNote
	}
	return "submitted by the supplier, awaiting review: it does not count yet"
}

func contactText(c supplier.Contact) string {
	parts := []string{c.Name}
	if c.Role != "" {
		parts[0] += " (" + c.Role + ")"
	}
	for _, s := range []string{c.Email, c.Phone} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func localAddress(st supplier.Site) string {
	if st.AddressLatin != "" && st.Address != "" && st.Address != st.AddressLatin {
		return "\n" + st.Address
	}
	return ""
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// plural says "1 thing is" or "3 things are".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// sortHistory orders changes newest first.
func sortHistory(cs []Change) {
	slices.SortStableFunc(cs, func(a, b Change) int { return cmp.Compare(b.At.UnixNano(), a.At.UnixNano()) })
}
