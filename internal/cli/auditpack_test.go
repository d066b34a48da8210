package cli_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qms/internal/mgmtreview"
	"qms/internal/qms"
	"qms/internal/report/pdftest"
	"qms/internal/store"
)

// TestAuditPackCommand: qms audit-pack writes a ZIP whose manifest hashes
// match every file; qms audit verify --file checks the trail from the
// pack offline, and fails once one byte of it is changed.
func TestAuditPackCommand(t *testing.T) {
	pdftest.Require(t)
	eachDB(t, func(t *testing.T, db []string, opts store.Options) {
		st := openStore(t, opts)
		today := qms.DateOf(st.Now())
		r := &mgmtreview.Review{Title: "Management review", HeldOn: today, From: today.AddDate(0, -6, 0), To: today,
			Attendees: []mgmtreview.Attendee{{Name: "Lena Vogel"}}, Decisions: []string{"Keep the objectives"}}
		err := st.Update(qms.WithActor(context.Background(), qms.System), func(tx *store.Tx) error {
			if err := tx.CreateReview(r); err != nil {
				return err
			}
			_, err := tx.CloseReview(r.ID, r.Version)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()

		dir := t.TempDir()
		out := filepath.Join(dir, "pack.zip")
		res := mustRun(t, "", with(db, "audit-pack", "--out", out)...)
		if !strings.Contains(res.stdout, "pack.zip") {
			t.Errorf("output: %s", res.stdout)
		}
		if r := invoke(t, "", with(db, "audit-pack", "--out", out)); r.code == 0 || !strings.Contains(r.stderr, "not overwritten") {
			t.Errorf("second run over the same file: %v", r)
		}
		if r := invoke(t, "", with(db, "audit-pack", "--out", filepath.Join(dir, "x.zip"), "--from", "2026-05-01", "--to", "2026-01-01")); r.code != 2 {
			t.Errorf("reversed period: %v", r)
		}
		if r := invoke(t, "", with(db, "audit-pack")); r.code != 2 || !strings.Contains(r.stderr, "--out is required") {
			t.Errorf("no --out: %v", r)
		}

		zr, err := zip.OpenReader(out)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		var man struct {
			Files []struct {
				Name, SHA256 string
			}
		}
		if err := json.Unmarshal(files["manifest.json"], &man); err != nil {
			t.Fatal(err)
		}
		if len(man.Files) != len(files)-1 {
			t.Errorf("manifest lists %d of %d files", len(man.Files), len(files)-1)
		}
		for _, f := range man.Files {
			h := sha256.Sum256(files[f.Name])
			if hex.EncodeToString(h[:]) != f.SHA256 {
				t.Errorf("%s: hash does not match the manifest", f.Name)
			}
		}
		if !strings.Contains(pdftest.Text(t, files["management-reviews/MR-0001.pdf"]), "Keep the objectives") {
			t.Error("the review PDF lacks its decision")
		}
		trail := filepath.Join(dir, "audit-trail.jsonl")
		if err := os.WriteFile(trail, files["audit-trail.jsonl"], 0o600); err != nil {
			t.Fatal(err)
		}
		if r := mustRun(t, "", "audit", "verify", "--file", trail); !strings.Contains(r.stdout, "events verified") {
			t.Errorf("verify: %v", r)
		}
		data := files["audit-trail.jsonl"]
		i := bytes.Index(data, []byte("Keep the objectives"))
		if i < 0 {
			t.Fatal("the trail lacks the review")
		}
		data = bytes.Clone(data)
		data[i] = 'k'
		if err := os.WriteFile(trail, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if r := invoke(t, "", []string{"audit", "verify", "--file", trail}); r.code != 1 {
			t.Errorf("tampered trail: %v", r)
		}
	})
}
