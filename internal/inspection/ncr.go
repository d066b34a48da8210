package inspection

import (
	"fmt"
	"strings"

	"qms/internal/qms"
)

// NCRSeed is what a nonconformance report raised from a failed (or
// pending) inspection starts with. Issue 6 brings NCRs; it creates the NCR
// from this and links it back with the inspection's NCR id.
type NCRSeed struct {
	InspectionID  int64         `json:"inspection_id"`
	Kind          Kind          `json:"kind"`
	ProductID     int64         `json:"product_id"`
	SpecID        int64         `json:"spec_id"`
	SupplierID    int64         `json:"supplier_id"`
	SiteID        int64         `json:"site_id"`
	PONumber      string        `json:"po_number"`
	LotSize       int           `json:"lot_size"`
	SampleSize    int           `json:"sample_size"`
	Verdict       Verdict       `json:"verdict"`
	Description   string        `json:"description"` // the reasons, one per line
	FailedClasses []ClassResult `json:"failed_classes"`
	FailedTests   []TestResult  `json:"failed_tests"`
	Defects       []DefectRow   `json:"defects"`
}

// SeedNCR returns the data to raise an NCR from a submitted or decided
// inspection that failed or was left pending. Returns conflict otherwise,
// or when an NCR is already linked.
func SeedNCR(in *Inspection) (*NCRSeed, error) {
	if err := checkNCRable(in); err != nil {
		return nil, err
	}
	s := &NCRSeed{InspectionID: in.ID, Kind: in.Kind, ProductID: in.ProductID, SpecID: in.SpecID, SupplierID: in.SupplierID, SiteID: in.SiteID,
		PONumber: in.Lot.PONumber, LotSize: in.Lot.LotSize, Verdict: in.Verdict,
		FailedClasses: []ClassResult{}, FailedTests: []TestResult{}, Defects: []DefectRow{}}
	var lines []string
	if in.Verdict == VerdictPending && in.PendingReason != "" {
		lines = append(lines, "Pending: "+in.PendingReason)
	}
	if res := in.Result; res != nil {
		s.SampleSize, s.Defects = res.SampleSize, res.Defects
		lines = append(lines, res.Reasons...)
		for _, c := range res.Classes {
			if c.Verdict == VerdictFail {
				s.FailedClasses = append(s.FailedClasses, c)
			}
		}
		for _, t := range res.Tests {
			if t.Verdict == VerdictFail {
				s.FailedTests = append(s.FailedTests, t)
			}
		}
	}
	s.Description = strings.Join(lines, "\n")
	return s, nil
}

func checkNCRable(in *Inspection) error {
	switch {
	case in.Status != StatusSubmitted && in.Status != StatusDecided:
		return qms.Errorf(qms.KindConflict, "inspection %d is %s: an NCR is raised from a submitted report", in.ID, in.Status)
	case in.Verdict != VerdictFail && in.Verdict != VerdictPending:
		return qms.Errorf(qms.KindConflict, "inspection %d passed: there is no nonconformance to report", in.ID)
	case in.NCRID != nil:
		return qms.Errorf(qms.KindConflict, "inspection %d already has NCR %d", in.ID, *in.NCRID)
	}
	return nil
}

// CheckLinkNCR checks that actor a may link NCR ncrID to the inspection.
// Returns forbidden, invalid or conflict.
func CheckLinkNCR(a qms.Actor, in *Inspection, ncrID int64) error {
	if !qms.CanEditQualityRecords(a) {
		return forbidden("raise NCRs")
	}
	if ncrID <= 0 {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Not an NCR", Fields: map[string]string{"ncr_id": fmt.Sprintf("%d is not an NCR id", ncrID)}}
	}
	return checkNCRable(in)
}
