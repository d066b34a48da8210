package resultops

import (
	"bytes"
	"context"
	"io"
	"time"

	"qms/internal/blob"
	"qms/internal/inspectionops"
	"qms/internal/inspectionreport"
	"qms/internal/qms"
	"qms/internal/report"
)

// maxPrintBytes is the largest original photo a PDF embeds as it is; a
// larger one (or one whose EXIF orientation would print it turned) is
// printed from its thumbnail, so that a report of 40 phone photos stays a
// few megabytes and fast to make.
const maxPrintBytes = 1 << 20

// InspectionReport builds the report of an inspection the actor may see
// (inspectionops.InspectionView: a supplier user's other-supplier
// inspection is not found): the reported result once submitted, else the
// running tally as a draft. Photos the actor may not read, and voided
// ones, print as not available. Returns not found.
func (s *Service) InspectionReport(ctx context.Context, id int64, client string, now time.Time) (*inspectionreport.Report, error) {
	in, err := s.reportInput(ctx, id, client, now)
	if err != nil {
		return nil, err
	}
	return inspectionreport.Build(in), nil
}

func (s *Service) reportInput(ctx context.Context, id int64, client string, now time.Time) (inspectionreport.Input, error) {
	v, err := (&inspectionops.Service{Store: s.Store}).InspectionView(ctx, id)
	if err != nil {
		return inspectionreport.Input{}, err
	}
	in := inspectionreport.Input{Inspection: v.Inspection, Spec: v.Spec, Product: v.Product, Supplier: v.Supplier, Site: v.Site,
		Result: v.ReportedResult(), Amendments: v.Amendments, Files: map[int64]inspectionreport.FileInfo{}, Client: client, Generated: now, Signatures: v.Signatures}
	for _, f := range v.Photos {
		if f.VoidedAt != nil {
			continue
		}
		in.Files[f.ID] = inspectionreport.FileInfo{Name: f.Name, Image: f.ContentType == string(blob.JPEG) || f.ContentType == string(blob.PNG)}
	}
	return in, nil
}

// InspectionReportPDF writes the PDF of an inspection's report (see
// InspectionReport) to w with fonts, reading its photos from files.
// Returns not found, or an error of the file store or the PDF.
func (s *Service) InspectionReportPDF(ctx context.Context, w io.Writer, id int64, files *blob.Service, fonts *report.Fonts, client string, now time.Time) error {
	in, err := s.reportInput(ctx, id, client, now)
	if err != nil {
		return err
	}
	r := inspectionreport.Build(in)
	photos := map[int64][]byte{}
	if files != nil {
		for _, p := range r.Photos {
			if !p.Image {
				continue
			}
			data, err := printable(ctx, files, p.FileID)
			if err != nil {
				return err
			}
			photos[p.FileID] = data
		}
	}
	var buf bytes.Buffer
	if err := inspectionreport.WritePDF(&buf, r, fonts, photos); err != nil {
		return err
	}
	_, err = buf.WriteTo(w)
	return err
}

// printable returns the image data of a photo to print: the original when
// small and upright, else its thumbnail. A photo the actor may not read is
// left out (nil).
func printable(ctx context.Context, files *blob.Service, id int64) ([]byte, error) {
	f, err := files.File(ctx, id)
	if qms.ErrorKind(err) == qms.KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	thumb := f.Size > maxPrintBytes && f.ThumbSHA256 != ""
	if !thumb && f.ContentType == string(blob.JPEG) && f.ThumbSHA256 != "" {
		obj, err := files.Open(ctx, f, false)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(obj)
		obj.Close()
		if err != nil {
			return nil, err
		}
		if o := blob.Orientation(bytes.NewReader(data), int64(len(data))); o <= 1 {
			return data, nil
		}
		thumb = true
	}
	obj, err := files.Open(ctx, f, thumb)
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	return io.ReadAll(obj)
}
