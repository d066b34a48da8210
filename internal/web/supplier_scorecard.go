package web

import (
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"qms/internal/chart"
	"qms/internal/qms"
	"qms/internal/scorecard"
)

// Scorecards: a section of the supplier page (the last twelve months), a
// page per supplier and per factory site over a chosen period, and the
// tier thresholds on the supplier settings page. Package supplierops
// decides who sees what: internal users any supplier, a supplier user its
// own only.

// registerScorecards adds the scorecard routes.
func (u *UI) registerScorecards(mux router) {
	mux.Handle("GET /suppliers/{id}/scorecard", u.guard(signedIn, u.supplierScorecardShow))
	mux.Handle("GET /sites/{id}/scorecard", u.guard(signedIn, u.siteScorecardShow))
	mux.Handle("POST /settings/scorecards", u.guard(qms.CanManageSettings, u.scorecardSettingsUpdate))
}

// scorecardKind is one inspection type of a scorecard, formatted.
type scorecardKind struct {
	scorecard.KindRate
	Rate, PPM string
	Rejecting bool
}

// siteLink is a link to a site's scorecard.
type siteLink struct {
	Name, URL string
}

// scorecardView is a scorecard as the pages show it.
type scorecardView struct {
	SC         *scorecard.Scorecard
	Acceptance string // "98.5 %", or "–" without lots
	PPM        string
	Tier       string // "Tier A", "Not rated"
	TierClass  string // sc-tier-a ...
	Kinds      []scorecardKind
	Chart      template.HTML
	Period     string // "2025-12-01 to 2026-11-30"
	More       string // the scorecard page for another period
	Rates      string // the rejection rates page of the supplier or site
	Sites      []siteLink
}

func newScorecardView(sc *scorecard.Scorecard) *scorecardView {
	v := &scorecardView{SC: sc, Acceptance: "–", PPM: "–", Tier: sc.Tier.Label(), TierClass: "sc-tier-none",
		Period: sc.From.String() + " to " + sc.To.String()}
	if sc.Tier != scorecard.TierUnrated {
		v.TierClass = "sc-tier-" + strings.ToLower(string(sc.Tier))
	}
	if sc.Lots > 0 {
		v.Acceptance = scorecard.Percent(sc.AcceptanceRate)
		v.PPM = strconv.FormatInt(scorecard.RoundPPM(sc.PPM), 10)
	}
	for _, k := range sc.ByKind {
		v.Kinds = append(v.Kinds, scorecardKind{KindRate: k, Rate: scorecard.Percent(k.RejectionRate), PPM: strconv.FormatInt(scorecard.RoundPPM(k.PPM), 10),
			Rejecting: k.Rejected > 0})
	}
	period := "from=" + sc.From.String() + "&to=" + sc.To.String()
	if sc.SiteID != 0 {
		v.More = "/sites/" + strconv.FormatInt(sc.SiteID, 10) + "/scorecard?" + period
		v.Rates = "/rates?group=month&site_id=" + strconv.FormatInt(sc.SiteID, 10) + "&" + period
	} else {
		v.More = supplierPath(sc.SupplierID) + "/scorecard?" + period
		v.Rates = "/rates?group=product&supplier_id=" + strconv.FormatInt(sc.SupplierID, 10) + "&" + period
	}
	if sc.Lots > 0 {
		v.Chart = scorecardChart(sc)
	}
	for _, s := range sc.Sites {
		v.Sites = append(v.Sites, siteLink{Name: s.Name, URL: "/sites/" + strconv.FormatInt(s.ID, 10) + "/scorecard?" + period})
	}
	return v
}

// scorecardChart charts the lot acceptance rate and the PPM per month
// (months without lots are gaps).
func scorecardChart(sc *scorecard.Scorecard) template.HTML {
	labels := make([]string, len(sc.Months))
	acc, ppm := make([]float64, len(sc.Months)), make([]float64, len(sc.Months))
	low := 1.0
	for i, m := range sc.Months {
		labels[i] = m.Month
		if m.Lots == 0 {
			acc[i], ppm[i] = math.NaN(), math.NaN()
			continue
		}
		acc[i], ppm[i] = m.AcceptanceRate, m.PPM
		low = math.Min(low, m.AcceptanceRate)
	}
	c := chart.Trend("Lot acceptance rate and PPM per month, "+sc.From.String()+" to "+sc.To.String(), labels,
		chart.Series{Name: "Lot acceptance rate", Kind: chart.Line, Points: chart.Values(acc)},
		chart.Series{Name: "PPM", Kind: chart.Line, Points: chart.Values(ppm), Y2: true})
	c.Y = chart.Axis{Label: "Lots accepted", Percent: true, Min: math.Max(0, math.Floor((low-0.05)*20)/20), Max: 1, Fixed: true}
	c.Y2 = &chart.Axis{Label: "PPM (defective per million inspected)", Min: 0, Max: math.Max(100, maxFinite(ppm)*1.15), Fixed: true}
	return template.HTML(c.SVG(900, 300))
}

// supplierScorecard returns the scorecard view of a supplier over the
// default period for the supplier page.
func (u *UI) supplierScorecard(r *http.Request, id int64) (*scorecardView, error) {
	sc, err := u.ops().SupplierScorecard(r.Context(), id, qms.Date{}, qms.Date{})
	if err != nil {
		return nil, err
	}
	return newScorecardView(sc), nil
}

type scorecardPage struct {
	layout
	Crumbs []siteLink // the supplier (and site) above the page
	Card   *scorecardView
	From   string
	To     string
	Errors map[string]string
}

func (*scorecardPage) template() string { return "supplier_scorecard" }

// period reads ?from= and ?to= (empty: the default period).
func period(r *http.Request) (from, to qms.Date, raw [2]string, err error) {
	p := qms.Problems{}
	raw = [2]string{strings.TrimSpace(r.URL.Query().Get("from")), strings.TrimSpace(r.URL.Query().Get("to"))}
	for i, s := range raw {
		if s == "" {
			continue
		}
		d, e := qms.ParseDate(s)
		if e != nil {
			p.Add([]string{"from", "to"}[i], "must be a date such as 2026-01-31")
		}
		if i == 0 {
			from = d
		} else {
			to = d
		}
	}
	return from, to, raw, p.Err()
}

// showScorecard renders a scorecard page, or the period form with the
// problem.
func (u *UI) showScorecard(w http.ResponseWriter, r *http.Request, p *scorecardPage, load func(from, to qms.Date) (*scorecard.Scorecard, error)) error {
	from, to, raw, err := period(r)
	p.From, p.To = raw[0], raw[1]
	var sc *scorecard.Scorecard
	if err == nil {
		sc, err = load(from, to)
	}
	if err != nil {
		if qms.ErrorKind(err) != qms.KindInvalid {
			return err
		}
		p.Errors = qms.ErrorFields(err)
		u.render(w, r, http.StatusBadRequest, p)
		return nil
	}
	p.Card = newScorecardView(sc)
	p.From, p.To = sc.From.String(), sc.To.String()
	p.Title += ", " + p.Card.Period
	u.render(w, r, http.StatusOK, p)
	return nil
}

// supplierScorecardShow is a supplier's scorecard over ?from= to ?to=
// (default: the last twelve whole months), with links to its sites'.
func (u *UI) supplierScorecardShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sup, err := u.ops().Supplier(r.Context(), id)
	if err != nil {
		return err
	}
	p := &scorecardPage{layout: layout{Title: "Scorecard of " + sup.DisplayName()}, Crumbs: []siteLink{{sup.DisplayName(), supplierPath(id)}}}
	return u.showScorecard(w, r, p, func(from, to qms.Date) (*scorecard.Scorecard, error) {
		return u.ops().SupplierScorecard(r.Context(), id, from, to)
	})
}

// siteScorecardShow is a factory site's scorecard over ?from= to ?to=.
func (u *UI) siteScorecardShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	site, err := u.ops().Site(r.Context(), id)
	if err != nil {
		return err
	}
	sup, err := u.ops().Supplier(r.Context(), site.SupplierID)
	if err != nil {
		return err
	}
	p := &scorecardPage{layout: layout{Title: "Scorecard of " + site.DisplayName()},
		Crumbs: []siteLink{{sup.DisplayName(), supplierPath(sup.ID)}, {"Scorecard", supplierPath(sup.ID) + "/scorecard"}}}
	return u.showScorecard(w, r, p, func(from, to qms.Date) (*scorecard.Scorecard, error) {
		return u.ops().SiteScorecard(r.Context(), id, from, to)
	})
}

// scorecardSettingsUpdate changes the tier thresholds.
func (u *UI) scorecardSettingsUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p := qms.Problems{}
	percent := func(field string) int {
		bp, ok := scorecard.ParsePercent(strings.TrimSpace(r.PostForm.Get(field)))
		if !ok {
			p.Add(field, "must be a percentage such as 98 or 97.5")
		}
		return bp
	}
	level := func(tier string) scorecard.Level {
		return scorecard.Level{MinAcceptanceBP: percent(tier + "_min_acceptance"), MaxPPM: formInt(r, p, tier+"_max_ppm"),
			MaxOverdueCAPAs: formInt(r, p, tier+"_max_overdue_capas"), CertificatesRequired: r.PostForm.Get(tier+"_certificates_required") != ""}
	}
	th := &scorecard.Thresholds{A: level("a"), B: level("b"), MinLots: formInt(r, p, "min_lots")}
	reason := postedReason(r, p, "reason")
	err := p.Err()
	if err == nil {
		err = u.ops().UpdateScorecardSettings(r.Context(), th, postedVersion(r), reason)
	}
	return u.settingsDone(w, r, "tiers", "tiers", "Scorecard tiers saved.", err)
}

// tierForm is the tier thresholds as the settings form shows them.
type tierForm struct {
	*scorecard.Thresholds
	AMin, BMin string // percentages as typed: "98", "97.5"
}

// scorecardTiers loads the tier thresholds for the settings page.
func (u *UI) scorecardTiers(r *http.Request) (*tierForm, error) {
	th, err := u.ops().ScorecardSettings(r.Context())
	if err != nil {
		return nil, err
	}
	trim := func(bp int) string { return strings.TrimSuffix(scorecard.BasisPoints(bp), " %") }
	return &tierForm{Thresholds: th, AMin: trim(th.A.MinAcceptanceBP), BMin: trim(th.B.MinAcceptanceBP)}, nil
}
