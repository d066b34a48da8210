package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"qms/internal/capa"
	"qms/internal/ncr"
	"qms/internal/qms"
)

// The 8D stage editor: each stage's content as a few plain form fields
// (lists one item per line, parts separated by "|"), shared by the CAPA
// page and the supplier portal. stageFields fills the form from the saved
// content; stageContent reads it back.

// stageField is one field of a stage's form.
type stageField struct {
	Name, Label, Value, Hint string
	Area                     bool     // a textarea
	Check                    bool     // a checkbox (Value "1" when checked)
	Options                  []string // a select
}

// stageEditor is one stage with its form, review state and whether the
// actor may write, submit or review it now.
type stageEditor struct {
	CAPAID    int64
	Version   int64
	Stage     capa.Stage
	Title     string
	Record    capa.StageRecord
	Overdue   bool
	Fields    []stageField
	CanWrite  bool
	CanReview bool
	CanDue    bool
	Current   bool
}

func joinDate(d qms.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func whyField(prefix, label string, w capa.WhyChain) []stageField {
	return []stageField{
		{Name: prefix + "_problem", Label: label + ": problem", Value: w.Problem},
		{Name: prefix + "_whys", Label: label + ": why? (one answer per line)", Value: strings.Join(w.Whys, "\n"), Area: true},
		{Name: prefix + "_root", Label: label + ": root cause", Value: w.RootCause},
	}
}

// categoryField is the name of the Ishikawa input of a 6M category.
func categoryField(c ncr.Category) string { return "cause_" + string(c) }

// stageFields returns the form of stage s filled from the CAPA's report.
func stageFields(c *capa.CAPA, s capa.Stage) []stageField {
	r := &c.Report
	switch s {
	case capa.D0:
		return []stageField{{Name: "symptom", Label: "Symptom (what the customer sees)", Value: r.D0.Symptom, Area: true},
			{Name: "response", Label: "Emergency response", Value: r.D0.Response, Area: true}}
	case capa.D1:
		var m []string
		for _, x := range r.D1.Members {
			m = append(m, x.Name+" | "+x.Function)
		}
		return []stageField{{Name: "leader", Label: "Team leader", Value: r.D1.Leader}, {Name: "champion", Label: "Champion", Value: r.D1.Champion},
			{Name: "members", Label: "Members", Value: strings.Join(m, "\n"), Area: true, Hint: "one per line: name | function"}}
	case capa.D2:
		d := r.D2
		return []stageField{{Name: "what", Label: "What is wrong with what", Value: d.What, Area: true}, {Name: "where", Label: "Where", Value: d.Where},
			{Name: "when", Label: "When", Value: d.When}, {Name: "how_many", Label: "How many", Value: d.HowMany},
			{Name: "how_detected", Label: "How detected", Value: d.HowDetected}, {Name: "is_not", Label: "Is not (where and when it is not)", Value: d.IsNot, Area: true}}
	case capa.D3:
		var a []string
		for _, x := range r.D3.Actions {
			done := ""
			if x.Done {
				done = joinDate(x.DoneOn)
			}
			a = append(a, strings.Join([]string{x.Description, x.Owner, joinDate(x.DueOn), done, x.Result}, " | "))
		}
		return []stageField{{Name: "actions", Label: "Containment actions", Value: strings.Join(a, "\n"), Area: true,
			Hint: "one per line: what | owner | due YYYY-MM-DD | done on YYYY-MM-DD (empty while open) | result"},
			{Name: "verification", Label: "How the containment was verified", Value: r.D3.Verification, Area: true}}
	case capa.D4:
		d := r.D4
		fs := whyField("occ", "Occurrence", d.Occurrence)
		fs = append(fs, whyField("det", "Detection (escape point)", d.Detection)...)
		var sys capa.WhyChain
		if d.Systemic != nil {
			sys = *d.Systemic
		}
		fs = append(fs, whyField("sys", "Systemic (optional)", sys)...)
		fs = append(fs, stageField{Name: "effect", Label: "Ishikawa: effect (the head of the fish)", Value: d.Ishikawa.Effect})
		by := d.Ishikawa.ByCategory()
		for _, cat := range ncr.Categories {
			var ls []string
			for _, x := range by[cat] {
				mark := ""
				if x.Confirmed != nil {
					mark = "ruled out"
					if *x.Confirmed {
						mark = "confirmed"
					}
				}
				ls = append(ls, x.Text+" | "+strings.Join(x.SubCauses, "; ")+" | "+mark)
			}
			fs = append(fs, stageField{Name: categoryField(cat), Label: "Ishikawa: " + cat.Label(), Value: strings.Join(ls, "\n"), Area: true,
				Hint: "one cause per line: cause | sub-causes separated by ; | confirmed, ruled out or empty"})
		}
		cats := []string{""}
		for _, cat := range ncr.Categories {
			cats = append(cats, string(cat))
		}
		return append(fs, stageField{Name: "category", Label: "6M category of the occurrence root cause", Value: string(d.Category), Options: cats},
			stageField{Name: "verification", Label: "How the root cause was verified", Value: d.Verification, Area: true})
	case capa.D5:
		var a []string
		for _, x := range r.D5.Actions {
			a = append(a, strings.Join([]string{x.Description, string(x.Addresses), x.Owner, joinDate(x.DueOn)}, " | "))
		}
		return []stageField{{Name: "actions", Label: "Permanent corrective actions", Value: strings.Join(a, "\n"), Area: true,
			Hint: "one per line: what | occurrence, detection or systemic | owner | due YYYY-MM-DD"},
			{Name: "verification", Label: "How the actions were verified", Value: r.D5.Verification, Area: true}}
	case capa.D6:
		var a []string
		for _, x := range r.D6.Items {
			var files []string
			for _, f := range x.Files {
				files = append(files, strconv.FormatInt(f, 10))
			}
			a = append(a, strings.Join([]string{strconv.Itoa(x.Action), joinDate(x.DoneOn), x.Evidence, strings.Join(files, ", ")}, " | "))
		}
		removed := ""
		if r.D6.ContainmentRemoved {
			removed = "1"
		}
		return []stageField{{Name: "items", Label: "Implementation of the D5 actions", Value: strings.Join(a, "\n"), Area: true,
			Hint: "one per line: D5 action number | done on YYYY-MM-DD | evidence | evidence file numbers, separated by commas"},
			{Name: "containment_removed", Label: "Interim containment removed", Value: removed, Check: true},
			{Name: "validation", Label: "Validation with data", Value: r.D6.Validation, Area: true}}
	case capa.D7:
		var a []string
		for _, x := range r.D7.Changes {
			ref := x.Ref
			if ref == "" && x.RefID > 0 {
				ref = "#" + strconv.FormatInt(x.RefID, 10)
			}
			a = append(a, strings.Join([]string{string(x.Kind), ref, x.Description}, " | "))
		}
		return []stageField{{Name: "summary", Label: "How recurrence is prevented", Value: r.D7.Summary, Area: true},
			{Name: "changes", Label: "Records changed", Value: strings.Join(a, "\n"), Area: true,
				Hint: "one per line: spec, document, inspection_plan, fmea, control_plan, work_instruction, training or other | reference (#id for a record of qms) | what changed"},
			{Name: "read_across", Label: "Read-across to similar products and lines", Value: r.D7.ReadAcross, Area: true}}
	case capa.D8:
		return []stageField{{Name: "summary", Label: "Closure summary", Value: r.D8.Summary, Area: true},
			{Name: "lessons_learned", Label: "Lessons learned", Value: r.D8.LessonsLearned, Area: true},
			{Name: "recognition", Label: "Recognition of the team", Value: r.D8.Recognition, Area: true}}
	}
	return nil
}

// lineDate reads an optional date of a list line.
func lineDate(p qms.Problems, field, s string) qms.Date {
	if s == "" {
		return qms.Date{}
	}
	d, err := qms.ParseDate(s)
	if err != nil {
		p.Add(field, fmt.Sprintf("%q is not a date such as 2026-03-31", s))
	}
	return d
}

func whyChain(f url.Values, prefix string) capa.WhyChain {
	w := capa.WhyChain{Problem: f.Get(prefix + "_problem"), RootCause: f.Get(prefix + "_root"), Whys: formLines(f.Get(prefix + "_whys"))}
	if w.Whys == nil {
		w.Whys = []string{}
	}
	return w
}

// stageContent reads the content of stage s from a posted form. Problems
// of the list syntax go to p; the content's own checks come later.
func stageContent(s capa.Stage, f url.Values, p qms.Problems) capa.Content {
	switch s {
	case capa.D0:
		return &capa.Emergency{Symptom: f.Get("symptom"), Response: f.Get("response")}
	case capa.D1:
		t := &capa.Team{Leader: f.Get("leader"), Champion: f.Get("champion"), Members: []capa.Member{}}
		for _, l := range formLines(f.Get("members")) {
			c := lineCells(l, 2)
			t.Members = append(t.Members, capa.Member{Name: c[0], Function: c[1]})
		}
		return t
	case capa.D2:
		return &capa.Problem{What: f.Get("what"), Where: f.Get("where"), When: f.Get("when"), HowMany: f.Get("how_many"),
			HowDetected: f.Get("how_detected"), IsNot: f.Get("is_not")}
	case capa.D3:
		d := &capa.Containment{Verification: f.Get("verification"), Actions: []capa.InterimAction{}}
		for i, l := range formLines(f.Get("actions")) {
			c := lineCells(l, 5)
			field := fmt.Sprintf("actions.%d", i)
			a := capa.InterimAction{Description: c[0], Owner: c[1], DueOn: lineDate(p, field+".due_on", c[2]), Result: c[4]}
			if c[3] != "" {
				a.Done, a.DoneOn = true, lineDate(p, field+".done_on", c[3])
			}
			d.Actions = append(d.Actions, a)
		}
		return d
	case capa.D4:
		d := &capa.RootCause{Occurrence: whyChain(f, "occ"), Detection: whyChain(f, "det"), Category: ncr.Category(f.Get("category")),
			Verification: f.Get("verification"), Ishikawa: capa.Ishikawa{Effect: f.Get("effect"), Causes: []capa.Cause{}}}
		if sys := whyChain(f, "sys"); len(sys.Whys) > 0 || sys.Problem != "" || sys.RootCause != "" {
			d.Systemic = &sys
		}
		for _, cat := range ncr.Categories {
			for _, l := range formLines(f.Get(categoryField(cat))) {
				c := lineCells(l, 3)
				cause := capa.Cause{Category: cat, Text: c[0]}
				for _, sc := range strings.Split(c[1], ";") {
					if sc = strings.TrimSpace(sc); sc != "" {
						cause.SubCauses = append(cause.SubCauses, sc)
					}
				}
				switch strings.ToLower(c[2]) {
				case "confirmed", "yes":
					t := true
					cause.Confirmed = &t
				case "ruled out", "no":
					f := false
					cause.Confirmed = &f
				case "":
				default:
					p.Add(categoryField(cat), fmt.Sprintf("%q: say confirmed, ruled out, or leave it empty", c[2]))
				}
				d.Ishikawa.Causes = append(d.Ishikawa.Causes, cause)
			}
		}
		return d
	case capa.D5:
		d := &capa.Actions{Verification: f.Get("verification"), Actions: []capa.PermanentAction{}}
		for i, l := range formLines(f.Get("actions")) {
			c := lineCells(l, 4)
			d.Actions = append(d.Actions, capa.PermanentAction{Description: c[0], Addresses: capa.Leg(strings.ToLower(c[1])), Owner: c[2],
				DueOn: lineDate(p, fmt.Sprintf("actions.%d.due_on", i), c[3])})
		}
		return d
	case capa.D6:
		d := &capa.Implementation{Validation: f.Get("validation"), ContainmentRemoved: f.Get("containment_removed") != "", Items: []capa.Implemented{}}
		for i, l := range formLines(f.Get("items")) {
			c := lineCells(l, 4)
			field := fmt.Sprintf("items.%d", i)
			n, err := strconv.Atoi(c[0])
			if err != nil {
				p.Add(field+".action", "must be the number of a D5 action")
			}
			it := capa.Implemented{Action: n, DoneOn: lineDate(p, field+".done_on", c[1]), Evidence: c[2]}
			for _, s := range strings.Split(c[3], ",") {
				if s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#")); s != "" {
					id, err := strconv.ParseInt(s, 10, 64)
					if err != nil {
						p.Add(field+".files", "must be file numbers separated by commas")
					}
					it.Files = append(it.Files, id)
				}
			}
			d.Items = append(d.Items, it)
		}
		return d
	case capa.D7:
		d := &capa.Prevention{Summary: f.Get("summary"), ReadAcross: f.Get("read_across"), Changes: []capa.Change{}}
		for _, l := range formLines(f.Get("changes")) {
			c := lineCells(l, 3)
			ch := capa.Change{Kind: capa.ChangeKind(strings.ToLower(c[0])), Description: c[2]}
			if id, err := strconv.ParseInt(strings.TrimPrefix(c[1], "#"), 10, 64); err == nil && strings.HasPrefix(c[1], "#") {
				ch.RefID = id
			} else {
				ch.Ref = c[1]
			}
			d.Changes = append(d.Changes, ch)
		}
		return d
	case capa.D8:
		return &capa.Recognition{Summary: f.Get("summary"), LessonsLearned: f.Get("lessons_learned"), Recognition: f.Get("recognition")}
	}
	return nil
}

// stageEditors returns the editors of the stages of c for actor a on
// today: who may write, review and move due dates is decided by the capa
// rules (the operations check again when the form is posted).
func stageEditors(a qms.Actor, c *capa.CAPA, today qms.Date, only func(capa.Stage) bool) []stageEditor {
	var out []stageEditor
	cur := c.CurrentStage()
	for _, s := range capa.Stages {
		if only != nil && !only(s) {
			continue
		}
		rec := c.Stage(s)
		out = append(out, stageEditor{CAPAID: c.ID, Version: c.Version, Stage: s, Title: s.Title(), Record: rec, Overdue: c.Status.Active() && rec.Overdue(today), Fields: stageFields(c, s),
			CanWrite:  capa.CheckEditStage(a, c, s) == nil,
			CanReview: s != capa.D8 && capa.CanReview(a) && c.Status == capa.StatusOpen && rec.State == capa.StageSubmitted,
			CanDue:    capa.CanReview(a) && c.Status.Active() && !rec.Done(), Current: s == cur && c.Status.Active()})
	}
	return out
}
