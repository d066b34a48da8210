package qmsops

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"

	"qms/internal/audit"
	"qms/internal/blob"
	"qms/internal/evidence"
	"qms/internal/mgmtreview"
	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/resultops"
	"qms/internal/store"
)

//go:embed templates/evidence_map.html
var templateFS embed.FS

var evidenceHTML = template.Must(template.ParseFS(templateFS, "templates/evidence_map.html"))

// PackOptions choose what an audit pack holds.
type PackOptions struct {
	// From and To are the period whose records are included (the
	// management reviews held and the inspections decided in it).
	From, To qms.Date
	// MaxInspections caps the inspection reports included (the latest
	// first); 0 includes none. The audit reports of the audits completed
	// in the period are all included, up to 500.
	MaxInspections int
	Fonts          *report.Fonts // required for the PDFs
	Files          *blob.Service // inspection photos; nil prints placeholders
	Now            time.Time
}

// Manifest lists every other file of an audit pack with its SHA-256.
type Manifest struct {
	Generated   time.Time      `json:"generated_at"`
	PeriodFrom  qms.Date       `json:"period_from"`
	PeriodTo    qms.Date       `json:"period_to"`
	ISO13485    bool           `json:"iso13485"`
	AuditHead   audit.Head     `json:"audit_trail_head"`
	Files       []ManifestFile `json:"files"`
	VerifyTrail string         `json:"verify_audit_trail"`
}

// ManifestFile is one file of the pack.
type ManifestFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// maxAudits caps the audit reports of a pack.
const maxAudits = 500

// ManifestName is the manifest's name in the ZIP.
const ManifestName = "manifest.json"

// AuditTrailName is the audit trail export's name in the ZIP.
const AuditTrailName = "audit-trail.jsonl"

// CheckPackOptions checks the period and the cap. Returns invalid.
func CheckPackOptions(o PackOptions) error {
	p := qms.Problems{}
	switch {
	case o.From.IsZero():
		p.Add("from", "is required: the first day of the period")
	case o.To.IsZero():
		p.Add("to", "is required: the last day of the period")
	case o.To.Before(o.From):
		p.Add("to", "must not be before the start of the period")
	case o.From.AddDate(5, 0, 0).Before(o.To):
		p.Add("to", "is too far: a pack covers at most five years")
	}
	if o.MaxInspections < 0 || o.MaxInspections > 1000 {
		p.Add("max_inspections", "must be from 0 to 1000")
	}
	return p.Err()
}

// AuditPack writes a ZIP for an external auditor to w: the clause evidence
// map (HTML and JSON), the PDF records of the period (management reviews,
// internal and supplier audit reports, inspection reports), the audit trail export with its hash chain
// (checkable offline with qms audit verify --file) and manifest.json
// with the SHA-256 of every other file. Requires the right to read the
// audit trail (qms.CanViewAuditLog). Returns forbidden or invalid.
func (s *Service) AuditPack(ctx context.Context, w io.Writer, o PackOptions) (*Manifest, error) {
	if err := read(ctx); err != nil {
		return nil, err
	}
	if !qms.CanViewAuditLog(actor(ctx)) {
		return nil, qms.Errorf(qms.KindForbidden, "your role may not export the audit trail, which an audit pack holds")
	}
	if err := CheckPackOptions(o); err != nil {
		return nil, err
	}
	if o.Fonts == nil {
		return nil, fmt.Errorf("audit pack: no fonts for the PDFs")
	}
	var m evidence.Map
	var reviews []mgmtreview.Review
	var inspections, audits []int64
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = tx.EvidenceMap(); err != nil {
			return err
		}
		all, err := tx.Reviews()
		if err != nil {
			return err
		}
		for _, r := range all {
			if !r.HeldOn.Before(o.From) && !o.To.Before(r.HeldOn) {
				reviews = append(reviews, r)
			}
		}
		if audits, err = tx.AuditsCompleted(o.From, o.To, maxAudits); err != nil {
			return err
		}
		inspections, err = tx.InspectionsDecided(o.From, o.To, o.MaxInspections)
		return err
	})
	if err != nil {
		return nil, err
	}

	man := &Manifest{Generated: o.Now.UTC(), PeriodFrom: o.From, PeriodTo: o.To, ISO13485: m.ISO13485, Files: []ManifestFile{},
		VerifyTrail: "qms audit verify --file " + AuditTrailName}
	zw := zip.NewWriter(w)
	add := func(name string, data []byte) error {
		h := sha256.Sum256(data)
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: o.Now.UTC()})
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
		man.Files = append(man.Files, ManifestFile{Name: name, SHA256: hex.EncodeToString(h[:]), Bytes: len(data)})
		return nil
	}

	var names []string
	var records []func() error
	for _, r := range reviews {
		name := "management-reviews/" + r.Number() + ".pdf"
		names = append(names, name)
		records = append(records, func() error {
			var buf bytes.Buffer
			if err := s.ReviewPDF(ctx, &buf, r.ID, o.Fonts, o.Now); err != nil {
				return fmt.Errorf("management review %s: %w", r.Number(), err)
			}
			return add(name, buf.Bytes())
		})
	}
	audited := &qauditops.Service{Store: s.Store, Files: o.Files}
	for _, id := range audits {
		name := "audit-reports/" + qaudit.Number(id) + ".pdf"
		names = append(names, name)
		records = append(records, func() error {
			var buf bytes.Buffer
			if err := audited.ReportPDF(ctx, &buf, id, o.Fonts, o.Now); err != nil {
				return fmt.Errorf("audit %s report: %w", qaudit.Number(id), err)
			}
			return add(name, buf.Bytes())
		})
	}
	results := &resultops.Service{Store: s.Store}
	for _, id := range inspections {
		name := "inspection-reports/inspection-" + strconv.FormatInt(id, 10) + ".pdf"
		names = append(names, name)
		records = append(records, func() error {
			var buf bytes.Buffer
			if err := results.InspectionReportPDF(ctx, &buf, id, o.Files, o.Fonts, "", o.Now); err != nil {
				return fmt.Errorf("inspection %d report: %w", id, err)
			}
			return add(name, buf.Bytes())
		})
	}
	names = append(names, "evidence-map.json", AuditTrailName)

	var page bytes.Buffer
	if err := evidenceHTML.Execute(&page, struct {
		Map       evidence.Map
		Generated string
		Files     []string
	}{m, o.Now.UTC().Format("2006-01-02 15:04 UTC"), names}); err != nil {
		return nil, err
	}
	if err := add("evidence-map.html", page.Bytes()); err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := add("evidence-map.json", js); err != nil {
		return nil, err
	}
	for _, rec := range records {
		if err := rec(); err != nil {
			return nil, err
		}
	}
	var trail bytes.Buffer
	sum, err := audit.Export(ctx, s.Store, &trail)
	if err != nil {
		return nil, fmt.Errorf("audit trail export: %w", err)
	}
	man.AuditHead = sum.Head
	if err := add(AuditTrailName, trail.Bytes()); err != nil {
		return nil, err
	}
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: o.Now.UTC()})
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(mj); err != nil {
		return nil, err
	}
	return man, zw.Close()
}
