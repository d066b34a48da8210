package qauditops

import (
	"bytes"
	"context"
	"io"
	"time"

	"qms/internal/auditreport"
	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/store"
)

// Report returns the report of an audit the actor may see (a draft until
// the report is issued), generated at now. A supplier user's report leaves
// out the buyer's NCR links. Returns not found.
func (s *Service) Report(ctx context.Context, id int64, now time.Time) (*auditreport.Report, error) {
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	in := auditreport.Input{Audit: &v.Audit, Questions: v.Questions, Findings: v.Findings, Generated: now,
		HideNCRs: actor(ctx).Role == qms.RoleSupplier, Files: map[int64]auditreport.FileInfo{}}
	err = s.Store.View(ctx, func(tx *store.Tx) error {
		files, err := tx.FilesOf(store.OwnerAudit, id)
		for _, f := range files {
			if f.VoidedAt == nil {
				in.Files[f.ID] = auditreport.FileInfo{Name: f.Name, Image: blob.Type(f.ContentType).IsImage()}
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return auditreport.Build(in), nil
}

// ReportPDF writes the report of an audit the actor may see as a PDF to
// w, with the photos' thumbnails (or originals when they have none).
// Returns not found.
func (s *Service) ReportPDF(ctx context.Context, w io.Writer, id int64, fonts *report.Fonts, now time.Time) error {
	r, err := s.Report(ctx, id, now)
	if err != nil {
		return err
	}
	photos := map[int64][]byte{}
	if s.Files != nil {
		for _, p := range r.Photos {
			if !p.Image {
				continue
			}
			f, err := s.Files.File(ctx, p.FileID)
			if qms.ErrorKind(err) == qms.KindNotFound {
				continue
			}
			if err != nil {
				return err
			}
			obj, err := s.Files.Open(ctx, f, f.ThumbSHA256 != "")
			if err != nil {
				return err
			}
			data, err := io.ReadAll(obj)
			obj.Close()
			if err != nil {
				return err
			}
			photos[p.FileID] = data
		}
	}
	var buf bytes.Buffer
	if err := auditreport.WritePDF(&buf, r, fonts, photos); err != nil {
		return err
	}
	_, err = buf.WriteTo(w)
	return err
}
