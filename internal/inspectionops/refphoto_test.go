package inspectionops_test

import (
	"bytes"
	"context"
	"image/color"
	"slices"
	"testing"

	"qms/internal/blob"
	"qms/internal/inspection"
	"qms/internal/inspectionops/insptest"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// TestReferencePhotos uploads reference photos onto the attribute check
// of a draft spec: the photo is the revision's file and listed on the
// characteristic, readable by internal staff only; the same photo again
// is not stored twice; a photo for a characteristic that is no attribute
// check, onto a released revision, or by a role that does not write specs
// is refused and writes nothing; after release the photos are signed with
// the revision.
func TestReferencePhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		files := blob.NewService(st, mustDisk(t), 0)
		ops.RegisterFiles(files)
		prepare := func(ctx context.Context, c color.Color) *store.File {
			t.Helper()
			f, err := files.Prepare(ctx, blob.Upload{Name: "golden-sample.png", Body: bytes.NewReader(pngBytes(t, c))})
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		sp := insptest.SpecOf(w.PA.Product.ID) // 3 is the attribute check "Colour"
		if err := ops.CreateSpec(insptest.System, sp); err != nil {
			t.Fatal(err)
		}
		qe := w.Users[qms.RoleInspector]
		inspector := as(qe)
		f := prepare(inspector, color.RGBA{0, 60, 160, 255})
		got, err := ops.AddReferencePhoto(inspector, sp.ID, 3, sp.Version, f)
		if err != nil || !slices.Equal(got.Characteristics[2].ReferencePhotos, []int64{f.ID}) || f.OwnerType != "spec" || f.OwnerID != sp.ID {
			t.Fatalf("add: %+v, file %+v, %v", got, f, err)
		}
		again := prepare(inspector, color.RGBA{0, 60, 160, 255})
		if got, err = ops.AddReferencePhoto(inspector, sp.ID, 3, got.Version, again); err != nil || again.ID != f.ID || len(got.Characteristics[2].ReferencePhotos) != 1 {
			t.Fatalf("the same photo again: %v, id %d want %d, %v", got.Characteristics[2].ReferencePhotos, again.ID, f.ID, err)
		}
		if _, err := files.File(as(w.Users[qms.RoleViewer]), f.ID); err != nil {
			t.Errorf("a viewer cannot read a reference photo: %v", err)
		}
		if _, err := files.File(as(w.A.User), f.ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("a supplier's user reads a reference photo: %v", err)
		}

		before := snapshot(t, st)
		for _, c := range []struct {
			name string
			ctx  context.Context
			no   int
			want qms.Kind
		}{
			{"a dimensional characteristic", inspector, 1, qms.KindInvalid},
			{"no such characteristic", inspector, 9, qms.KindInvalid},
			{"a viewer", as(w.Users[qms.RoleViewer]), 3, qms.KindForbidden},
			{"a supplier's user", as(w.A.User), 3, qms.KindForbidden},
		} {
			if _, err := ops.AddReferencePhoto(c.ctx, sp.ID, c.no, got.Version, prepare(inspector, color.RGBA{9, 9, 9, 255})); qms.ErrorKind(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		if _, err := ops.AddReferencePhoto(inspector, sp.ID, 3, got.Version-1, prepare(inspector, color.RGBA{8, 8, 8, 255})); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("stale version: %v", err)
		}
		if after := snapshot(t, st); after != before {
			t.Errorf("refused uploads wrote something: %s, was %s", after, before)
		}

		rel, err := ops.ReleaseSpec(w.Manager(), sp.ID, got.Version, inspection.Release{Reason: "golden sample photographed"}, opstest.Password)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ops.AddReferencePhoto(inspector, sp.ID, 3, rel.Version, prepare(inspector, color.RGBA{7, 7, 7, 255})); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("onto a released revision: %v", err)
		}
		if sigs, err := ops.SpecSignatures(w.Manager(), sp.ID); err != nil || len(sigs) != 1 || !sigs[0].Matches {
			t.Errorf("release signature over the photos: %+v, %v", sigs, err)
		}
	})
}
