package esign_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"qms/internal/capa"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
)

var (
	sup = int64(7)
	qm  = qms.Actor{UserID: 2, Name: "王芳", Email: "wang.fang@example.com", Role: qms.RoleQualityManager, Via: "session"}
)

func sampleNCR() *ncr.NCR {
	return &ncr.NCR{ID: 42, Source: ncr.SourcePreShipment, Status: ncr.StatusContained, Title: "PSI failed – PO-2026-0042", Severity: inspection.Major,
		SupplierID: 5, SiteID: 6, ProductID: 3, SpecID: 4, InspectionID: 11, PONumber: "PO-2026-0042", Requirement: "Major: Ac 7 at n=125",
		Found: "8 units without sound; Müller's spec §4.2", DetectedOn: qms.NewDate(2026, 3, 2), QuantityInspected: 125, QuantityAffected: 3000,
		Defects:     []ncr.Defect{{Code: "FUN-01", Description: "No sound", Class: inspection.Major, Quantity: 8}},
		Disposition: []ncr.DispositionLine{{Kind: ncr.UseAsIs, Quantity: 2900, Rationale: "cosmetic"}, {Kind: ncr.Scrap, Quantity: 100}}}
}

func hash(t *testing.T, rt esign.RecordType, content any) string {
	t.Helper()
	h, err := esign.Hash(rt, content)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestCanonical: the canonical form is the format version, the record
// type and compact JSON, one per line; the hash is its SHA-256, the same
// for the same content and different for any change.
func TestCanonical(t *testing.T) {
	b, err := esign.Canonical(esign.SpecRelease, map[string]any{"b": 1, "a": "ü"})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "qms-esign/1\nspec_release\n{\"a\":\"ü\",\"b\":1}" {
		t.Errorf("%q", b)
	}
	sum := sha256.Sum256(b)
	if h := hash(t, esign.SpecRelease, map[string]any{"a": "ü", "b": 1}); h != hex.EncodeToString(sum[:]) {
		t.Errorf("hash %s", h)
	}
	n := sampleNCR()
	h1 := hash(t, esign.NCRDisposition, esign.NCRDispositionContent(n))
	if h2 := hash(t, esign.NCRDisposition, esign.NCRDispositionContent(sampleNCR())); h1 != h2 || len(h1) != 64 {
		t.Errorf("not deterministic: %s %s", h1, h2)
	}
	if h := hash(t, esign.CAPAClosure, esign.NCRDispositionContent(n)); h == h1 {
		t.Error("the record type is not part of the hash")
	}
	// What is signed: any change of the report or the disposition changes
	// the hash.
	changes := map[string]func(n *ncr.NCR){
		"quantity of a line":  func(n *ncr.NCR) { n.Disposition[0].Quantity--; n.Disposition[1].Quantity++ },
		"kind of a line":      func(n *ncr.NCR) { n.Disposition[1].Kind = ncr.ReturnToSupplier },
		"rationale":           func(n *ncr.NCR) { n.Disposition[0].Rationale = "cosmetic only" },
		"finding":             func(n *ncr.NCR) { n.Found += "." },
		"affected quantity":   func(n *ncr.NCR) { n.QuantityAffected = 3001 },
		"defect count":        func(n *ncr.NCR) { n.Defects[0].Quantity = 9 },
		"lot":                 func(n *ncr.NCR) { n.LotRef = "L2" },
		"order of the lines":  func(n *ncr.NCR) { n.Disposition[0], n.Disposition[1] = n.Disposition[1], n.Disposition[0] },
		"the requirement":     func(n *ncr.NCR) { n.Requirement = "" },
		"severity":            func(n *ncr.NCR) { n.Severity = inspection.Critical },
		"the inspection link": func(n *ncr.NCR) { n.InspectionID = 12 },
	}
	for name, change := range changes {
		x := sampleNCR()
		change(x)
		if hash(t, esign.NCRDisposition, esign.NCRDispositionContent(x)) == h1 {
			t.Errorf("%s does not change the hash", name)
		}
	}
	// What is not: the status, the approvals themselves, costs and
	// containment actions, which change by design after signing.
	same := map[string]func(n *ncr.NCR){
		"status":    func(n *ncr.NCR) { n.Status = ncr.StatusDispositioned },
		"approvals": func(n *ncr.NCR) { n.MRB = []ncr.Approval{{UserID: 2, SignatureID: 1}} },
		"cost":      func(n *ncr.NCR) { n.Cost = ncr.Cost{Currency: "EUR", Scrap: 100} },
		"actions":   func(n *ncr.NCR) { n.Actions = []ncr.Action{{ID: 1}} },
		"version":   func(n *ncr.NCR) { n.Version = 9; n.UpdatedAt = time.Now() },
	}
	for name, change := range same {
		x := sampleNCR()
		change(x)
		if hash(t, esign.NCRDisposition, esign.NCRDispositionContent(x)) != h1 {
			t.Errorf("%s changes the hash", name)
		}
	}
}

// TestSpecAndFAIContent: the content of a spec release and of an FAI
// decision.
func TestSpecAndFAIContent(t *testing.T) {
	nom := 120.0
	spec := &inspection.Spec{ID: 4, ProductID: 3, Revision: 2, Title: "BS-20", Status: inspection.SpecDraft,
		Characteristics: []inspection.Characteristic{{No: 1, Kind: inspection.CharDimensional, Name: "Length", Nominal: &nom, Unit: "mm"}}}
	h := hash(t, esign.SpecRelease, esign.SpecReleaseContent(spec, inspection.Release{Reason: " approved "}))
	if hash(t, esign.SpecRelease, esign.SpecReleaseContent(spec, inspection.Release{Reason: "approved"})) != h {
		t.Error("the reason is signed as the release stores it (trimmed)")
	}
	released := *spec
	at := time.Now()
	released.Status, released.ReleasedAt, released.ReleaseReason, released.Version = inspection.SpecSuperseded, &at, "approved", 5
	if hash(t, esign.SpecRelease, esign.SpecReleaseContent(&released, inspection.Release{Reason: released.ReleaseReason})) != h {
		t.Error("releasing and superseding the revision change the hash")
	}
	changed := released
	other := 121.0
	changed.Characteristics = []inspection.Characteristic{{No: 1, Kind: inspection.CharDimensional, Name: "Length", Nominal: &other, Unit: "mm"}}
	if hash(t, esign.SpecRelease, esign.SpecReleaseContent(&changed, inspection.Release{Reason: "approved"})) == h {
		t.Error("a changed nominal keeps the hash")
	}
	pass := true
	in := &inspection.Inspection{ID: 11, Kind: inspection.KindFirstArticle, ProductID: 3, SpecID: 4, SupplierID: 5, SiteID: 6, FAIPieces: 3,
		Status: inspection.StatusSubmitted, Verdict: inspection.VerdictPass,
		Result: &inspection.Result{Verdict: inspection.VerdictPass, FAI: []inspection.FAIRow{{No: 1, Name: "Length", Values: []float64{120.1, 119.9, 120}, Pass: &pass}}}}
	d := inspection.Decision{Kind: inspection.DecideApprove, Reason: " all characteristics conform "}
	hf := hash(t, esign.FAIApproval, esign.FAIApprovalContent(in, d))
	decided := *in
	decided.Status = inspection.StatusDecided
	stored := inspection.Decision{Kind: inspection.DecideApprove, Reason: "all characteristics conform", ByID: 2, By: "王芳", At: at}
	sigID := int64(9)
	stored.SignatureID = &sigID
	decided.Decision = &stored
	if hash(t, esign.FAIApproval, esign.FAIApprovalContent(&decided, *decided.Decision)) != hf {
		t.Error("the stored decision hashes differently from the one signed")
	}
	if hash(t, esign.FAIApproval, esign.FAIApprovalContent(&decided, inspection.Decision{Kind: inspection.DecideApproveConditional, Reason: "all characteristics conform"})) == hf {
		t.Error("another decision kind keeps the hash")
	}
	tampered := decided
	tampered.Result = &inspection.Result{Verdict: inspection.VerdictPass, FAI: []inspection.FAIRow{{No: 1, Name: "Length", Values: []float64{120.1, 119.9, 120.4}, Pass: &pass}}}
	if hash(t, esign.FAIApproval, esign.FAIApprovalContent(&tampered, stored)) == hf {
		t.Error("a changed reading keeps the hash")
	}
}

// TestCAPAClosureContent: the 8D, the criterion, the evidence and the
// override are signed; the closure's own fields are not.
func TestCAPAClosureContent(t *testing.T) {
	mk := func() *capa.CAPA {
		c := &capa.CAPA{ID: 17, Kind: capa.KindSupplier, Type: capa.TypeCorrective, Title: "No sound", Severity: inspection.Major, SupplierID: sup,
			Sources:   []capa.Source{{Kind: capa.SourceNCR, NCRID: 42}},
			Criterion: &capa.Criterion{SupplierID: sup, DefectCode: "FUN-01", MaxDefective: 2, PerUnits: 1000, Inspections: 5, StartOn: qms.NewDate(2026, 4, 1)},
			Evaluation: &capa.Evaluation{Outcome: capa.OutcomePass, Inspected: 625, Defective: 1, Complete: true,
				Points: []capa.Point{{LotResultID: 1, InspectionID: 2, InspectedOn: qms.NewDate(2026, 4, 2), Inspected: 125, Defective: 1}}}}
		c.Report.D4.Occurrence.RootCause = "No temperature check"
		c.Closure = &capa.Closure{Override: false}
		return c
	}
	h := hash(t, esign.CAPAClosure, esign.CAPAClosureContent(mk()))
	closed := mk()
	at := time.Now()
	closed.Status, closed.ClosedAt = capa.StatusClosed, &at
	closed.Closure.SignatureID, closed.Closure.By, closed.Closure.At = 5, "王芳", at
	closed.Stages = []capa.StageRecord{{Stage: capa.D8, State: capa.StageAccepted}}
	if hash(t, esign.CAPAClosure, esign.CAPAClosureContent(closed)) != h {
		t.Error("closing changes the hash")
	}
	for name, change := range map[string]func(c *capa.CAPA){
		"root cause": func(c *capa.CAPA) { c.Report.D4.Occurrence.RootCause = "Operator error" },
		"criterion":  func(c *capa.CAPA) { c.Criterion.MaxDefective = 3 },
		"evidence":   func(c *capa.CAPA) { c.Evaluation.Points[0].Defective = 0 },
		"override":   func(c *capa.CAPA) { c.Closure.Override, c.Closure.OverrideReason = true, "discontinued" },
		"sources":    func(c *capa.CAPA) { c.Sources = nil },
	} {
		c := mk()
		change(c)
		if hash(t, esign.CAPAClosure, esign.CAPAClosureContent(c)) == h {
			t.Errorf("%s keeps the hash", name)
		}
	}
}

// TestSignature: who may sign, the manifestation, and matching.
func TestSignature(t *testing.T) {
	r := esign.Request{RecordType: esign.NCRDisposition, EntityID: 42, Meaning: esign.MeaningApproved, Comment: " MRB 2026-03-02 "}
	if err := esign.CheckRequest(qm, &r); err != nil || r.Comment != "MRB 2026-03-02" {
		t.Fatalf("%v %q", err, r.Comment)
	}
	for _, a := range []qms.Actor{qms.System, {UserID: 9, Name: "Factory", Role: qms.RoleSupplier, SupplierID: &sup}, {Name: "anonymous"}} {
		if err := esign.CheckRequest(a, &r); qms.ErrorKind(err) != qms.KindForbidden {
			t.Errorf("%s signs: %v", a.Name, err)
		}
	}
	bad := esign.Request{RecordType: "document", Meaning: "agreed"}
	err := esign.CheckRequest(qm, &bad)
	for _, f := range []string{"record_type", "entity_id", "meaning"} {
		if qms.ErrorFields(err)[f] == "" {
			t.Errorf("%s: %v", f, err)
		}
	}
	h := hash(t, esign.NCRDisposition, esign.NCRDispositionContent(sampleNCR()))
	s := esign.New(qm, r, h, time.Date(2026, 3, 2, 9, 30, 0, 0, time.FixedZone("CST", 8*3600)), "req-1")
	if s.SignerID != 2 || s.SignerName != "王芳" || s.SignerRole != qms.RoleQualityManager || s.Method != esign.MethodPassword ||
		s.EntityType != "ncr" || s.SignedAt.Location() != time.UTC || s.SignedAt.Hour() != 1 {
		t.Errorf("%+v", s)
	}
	m := s.Manifestation()
	for _, want := range []string{"Approved", "王芳", "quality manager", "2026-03-02 01:30 UTC", "NCR disposition", "ncr 42", h[:16]} {
		if !strings.Contains(m, want) {
			t.Errorf("manifestation %q lacks %q", m, want)
		}
	}
	if c := esign.CheckAgainst(s, h); !c.Matches || c.Status != esign.StatusValid {
		t.Errorf("%+v", c)
	}
	changed := sampleNCR()
	changed.Disposition[0].Quantity, changed.Disposition[1].Quantity = 2000, 1000
	h2 := hash(t, esign.NCRDisposition, esign.NCRDispositionContent(changed))
	if c := esign.CheckAgainst(s, h2); c.Matches || c.Status != esign.StatusChanged {
		t.Errorf("after a change: %+v", c)
	}
	if s.Matches("") {
		t.Error("an empty hash matches")
	}
	for _, rt := range esign.RecordTypes {
		if rt.EntityType() == "" || rt.Label() == string(rt) {
			t.Errorf("%s", rt)
		}
	}
}
