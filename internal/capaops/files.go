package capaops

import (
	"context"

	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/qms"
	"qms/internal/store"
)

// OwnerCAPA is the owner type of a CAPA's evidence files: upload with
// POST /api/v1/files and owner_type=capa, owner_id=<id>, or through
// AddEvidence.
const OwnerCAPA = "capa"

// RegisterFiles sets who may read and upload the evidence files of CAPAs:
// whoever may see the CAPA reads them (a supplier user its own supplier's
// requests only; another's files are "not found"); whoever may write one
// of its stages now uploads onto it (quality staff, or the supplier's
// users while a stage D3 to D7 is open or returned). Call it while wiring
// the program.
func (s *Service) RegisterFiles(files *blob.Service) {
	files.RegisterOwner(OwnerCAPA, blob.OwnerRules{
		Read: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			return s.Store.View(ctx, func(tx *store.Tx) error {
				_, err := visibleCAPA(tx, a, id)
				return err
			})
		},
		Attach: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			return s.Store.View(ctx, func(tx *store.Tx) error { return canAddEvidence(tx, a, id) })
		},
	})
}

// canAddEvidence checks that a may upload evidence to CAPA id: it sees it,
// uploads files, and may write one of its stages now.
func canAddEvidence(tx *store.Tx, a qms.Actor, id int64) error {
	c, err := visibleCAPA(tx, a, id)
	if err != nil {
		return err
	}
	if !qms.CanUploadFiles(a) {
		return forbidden("upload evidence")
	}
	var first error
	for _, st := range capa.Stages {
		err := capa.CheckEditStage(a, c, st)
		if err == nil {
			return nil
		}
		if first == nil || qms.ErrorKind(first) == qms.KindForbidden {
			first = err
		}
	}
	return first
}

// AddEvidence attaches a prepared upload (blob.Service.Prepare: its type
// sniffed from the content, so a file that is not what it claims is
// refused there) to a CAPA as evidence, audited. It is idempotent on the
// content: when the CAPA already has a file with the same content, that
// file is returned with created false. Who may: see canAddEvidence.
// Returns not found, forbidden or conflict (no stage open for the actor).
func (s *Service) AddEvidence(ctx context.Context, capaID int64, f *store.File) (created bool, err error) {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return false, err
	}
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := canAddEvidence(tx, a, capaID); err != nil {
			return err
		}
		have, err := tx.FilesOf(OwnerCAPA, capaID)
		if err != nil {
			return err
		}
		for _, h := range have {
			if h.SHA256 == f.SHA256 && h.VoidedAt == nil {
				*f = h
				return nil
			}
		}
		f.OwnerType, f.OwnerID = OwnerCAPA, capaID
		created = true
		return tx.CreateFile(f)
	})
	return created, hidden(err)
}

// Evidence returns the evidence files of a CAPA the actor may see (not
// voided), in upload order. Returns not found.
func (s *Service) Evidence(ctx context.Context, capaID int64) ([]store.File, error) {
	a := actor(ctx)
	if err := canAct(a); err != nil {
		return nil, err
	}
	out := []store.File{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := visibleCAPA(tx, a, capaID); err != nil {
			return err
		}
		files, err := tx.FilesOf(OwnerCAPA, capaID)
		for _, f := range files {
			if f.VoidedAt == nil {
				out = append(out, f)
			}
		}
		return err
	})
	return out, err
}
