package inspectionops

import (
	"context"
	"fmt"
	"slices"

	"qms/internal/blob"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
)

// Owner types of the files of the inspection module.
const (
	ownerInspection = "inspection" // photos and documents of an inspection
	ownerSpec       = "spec"       // reference photos of a spec revision
)

// OwnerInspection is the owner type of an inspection's photos: upload with
// POST /api/v1/files and owner_type=inspection, owner_id=<id>.
const OwnerInspection = ownerInspection

// RegisterFiles sets who may read and upload the files of inspections and
// spec revisions. Whoever may see an inspection (its supplier's users
// included) reads its photos; internal staff who record inspections upload
// onto one that is still being recorded. A spec revision's reference
// photos are internal; they are uploaded onto a draft. Call it while
// wiring the program.
func (s *Service) RegisterFiles(files *blob.Service) {
	files.RegisterOwner(ownerInspection, blob.OwnerRules{
		Read: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			return s.Store.View(ctx, func(tx *store.Tx) error {
				_, err := visibleInspection(tx, a, id)
				return err
			})
		},
		Attach: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			return s.Store.View(ctx, func(tx *store.Tx) error { return canAddPhoto(tx, a, id) })
		},
	})
	files.RegisterOwner(ownerSpec, blob.OwnerRules{
		Read: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			if !qms.CanViewInternal(a) {
				return notFound("spec revision")
			}
			return nil
		},
		Attach: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			if !qms.CanViewInternal(a) {
				return notFound("spec revision")
			}
			if !qms.CanEditQualityRecords(a) {
				return forbidden("write specs")
			}
			return s.Store.View(ctx, func(tx *store.Tx) error {
				sp, err := tx.Spec(id)
				if err != nil {
					return hidden(err, "spec revision")
				}
				return inspection.CheckEditSpec(sp)
			})
		},
	})
}

// canAddPhoto checks that a may add a photo to inspection id: it may see
// it, records inspections and uploads files, and the inspection is still
// being recorded.
func canAddPhoto(tx *store.Tx, a qms.Actor, id int64) error {
	in, err := visibleInspection(tx, a, id)
	if err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) || !qms.CanUploadFiles(a) {
		return forbidden("add photos to inspections")
	}
	return inspection.CheckRecordable(in)
}

// AddPhoto attaches a prepared upload (blob.Service.Prepare) to an
// inspection that is still being recorded, audited. It is idempotent on
// the content: when the inspection already has a file with the same
// content (a tablet resending a photo whose answer it never got), that
// file is returned with created false. Requires qms.CanEditQualityRecords.
// Returns not found, forbidden, invalid or conflict (submitted, decided or
// cancelled).
func (s *Service) AddPhoto(ctx context.Context, inspectionID int64, f *store.File) (created bool, err error) {
	a := actor(ctx)
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := canAddPhoto(tx, a, inspectionID); err != nil {
			return err
		}
		have, err := tx.FilesOf(ownerInspection, inspectionID)
		if err != nil {
			return err
		}
		for _, h := range have {
			if h.SHA256 == f.SHA256 && h.VoidedAt == nil {
				*f = h
				return nil
			}
		}
		f.OwnerType, f.OwnerID = ownerInspection, inspectionID
		created = true
		return tx.CreateFile(f)
	})
	return created, err
}

// Photos returns the files of an inspection the actor may see, in upload
// order; voided files only to internal staff. Returns not found.
func (s *Service) Photos(ctx context.Context, inspectionID int64) ([]store.File, error) {
	a := actor(ctx)
	var out []store.File
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := visibleInspection(tx, a, inspectionID); err != nil {
			return err
		}
		files, err := tx.FilesOf(ownerInspection, inspectionID)
		for _, f := range files {
			if f.VoidedAt == nil || qms.CanReadVoidedFiles(a) {
				out = append(out, f)
			}
		}
		return err
	})
	return out, err
}

// AddReferencePhoto attaches a prepared upload (blob.Service.Prepare) to
// a draft spec revision as a reference photo of its attribute
// characteristic no, if version is still current: the file is owned by
// the revision and listed in the characteristic's ReferencePhotos, both
// audited in one transaction (a photo with the same content already on
// the revision is reused). Once released, the photos are part of what
// the release signature covers. Requires qms.CanEditQualityRecords and
// qms.CanUploadFiles. Returns not found, forbidden, invalid (not an
// attribute characteristic, too many photos) or conflict (released,
// stale).
func (s *Service) AddReferencePhoto(ctx context.Context, specID int64, no int, version int64, f *store.File) (*inspection.Spec, error) {
	a := actor(ctx)
	if err := internal(a, "specs"); err != nil {
		return nil, err
	}
	if !qms.CanEditQualityRecords(a) || !qms.CanUploadFiles(a) {
		return nil, forbidden("add reference photos to specs")
	}
	var sp *inspection.Spec
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		var err error
		if sp, err = tx.Spec(specID); err != nil {
			return err
		}
		if err := inspection.CheckEditSpec(sp); err != nil {
			return err
		}
		i := slices.IndexFunc(sp.Characteristics, func(c inspection.Characteristic) bool { return c.No == no })
		if i < 0 || sp.Characteristics[i].Kind != inspection.CharAttribute {
			return &qms.Error{Kind: qms.KindInvalid, Message: "Reference photos belong to an attribute check of the spec",
				Fields: map[string]string{"char": fmt.Sprintf("spec revision %d has no attribute characteristic %d: save the row as an attribute check first", sp.Revision, no)}}
		}
		have, err := tx.FilesOf(ownerSpec, specID)
		if err != nil {
			return err
		}
		found := false
		for _, h := range have {
			if h.SHA256 == f.SHA256 && h.VoidedAt == nil {
				*f, found = h, true
				break
			}
		}
		if !found {
			f.OwnerType, f.OwnerID = ownerSpec, specID
			if err := tx.CreateFile(f); err != nil {
				return err
			}
		}
		c := &sp.Characteristics[i]
		if !slices.Contains(c.ReferencePhotos, f.ID) {
			c.ReferencePhotos = append(c.ReferencePhotos, f.ID)
		}
		return tx.UpdateSpec(sp, version, fmt.Sprintf("reference photo %s added to characteristic %d", f.Name, no))
	})
	return sp, hidden(err, "spec revision")
}
