package ncr

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// FromInspection returns a new NCR from what a failed or pending
// inspection reports (inspection.SeedNCR): the source from the inspection
// kind, the links, the requirement from the failed classes and tests, the
// finding from the report's reasons, the sample as the quantity inspected,
// the whole lot as the quantity affected (suspect until sorted), the
// defects grouped by code (or description) with the units that have them
// and their photos, and the severity of the most serious failed class or
// defect. It is open, detected today, and still to be validated.
func FromInspection(s *inspection.NCRSeed, today qms.Date) *NCR {
	n := &NCR{
		Source: SourceOf(s.Kind), Status: StatusOpen, SupplierID: s.SupplierID, SiteID: s.SiteID, ProductID: s.ProductID,
		SpecID: s.SpecID, InspectionID: s.InspectionID, PONumber: s.PONumber, DetectedOn: today,
		QuantityInspected: s.SampleSize, QuantityAffected: s.LotSize, Found: s.Description,
		Defects: defectsOf(s.Defects), Disposition: []DispositionLine{}, MRB: []Approval{}, Actions: []Action{},
	}
	var req []string
	severity := inspection.DefectClass("")
	worse := func(c inspection.DefectClass) {
		if c.Rank() > severity.Rank() {
			severity = c
		}
	}
	for _, c := range s.FailedClasses {
		worse(c.Class)
		limit := fmt.Sprintf("AQL %s", c.AQL)
		if c.ZeroTolerance {
			limit = "zero tolerance"
		}
		req = append(req, fmt.Sprintf("%s defects: accept at most %d in a sample of %d (%s); %d found",
			titleCase(string(c.Class)), c.Ac, c.SampleSize, limit, c.Found))
	}
	for _, t := range s.FailedTests {
		worse(inspection.Major)
		req = append(req, fmt.Sprintf("Test %d %s: accept at most %d failures in %d units; %d failed", t.No, t.Name, t.Ac, t.SampleSize, t.Failed))
	}
	for _, d := range n.Defects {
		worse(d.Class)
	}
	if severity == "" {
		severity = inspection.Major
	}
	n.Severity = severity
	n.Requirement = strings.Join(req, "\n")
	if n.Found == "" {
		n.Found = fmt.Sprintf("Inspection %d reported %s", s.InspectionID, s.Verdict)
	}
	n.Title = fmt.Sprintf("%s %s", s.Kind.Label(), s.Verdict)
	if s.PONumber != "" {
		n.Title += " – " + s.PONumber
	}
	if len(n.Defects) > 0 {
		top := n.Defects[0]
		name := cmp.Or(top.Code, top.Description)
		n.Title += ": " + clip(name, 80)
	}
	return n
}

// defectsOf groups recorded defects by code (or, without a code, by
// description and class), counting the distinct units that have each, most
// serious class first, then most units.
func defectsOf(rows []inspection.DefectRow) []Defect {
	type key struct {
		code, desc string
		class      inspection.DefectClass
	}
	idx := map[key]int{}
	units := map[key]map[int]bool{}
	var out []Defect
	for _, r := range rows {
		k := key{code: r.Code, class: r.Class}
		if r.Code == "" {
			k.desc = r.Description
		}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			units[k] = map[int]bool{}
			out = append(out, Defect{Code: r.Code, Description: r.Description, Class: r.Class, Characteristic: r.Characteristic})
		}
		units[k][r.Unit] = true
		out[i].Quantity = len(units[k])
		out[i].Photos = append(out[i].Photos, r.Photos...)
	}
	slices.SortStableFunc(out, func(a, b Defect) int {
		return cmp.Or(cmp.Compare(b.Class.Rank(), a.Class.Rank()), cmp.Compare(b.Quantity, a.Quantity))
	})
	if out == nil {
		out = []Defect{}
	}
	return out
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
