package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"qms/internal/blob"
	"qms/internal/config"
	"qms/internal/inspectionops"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/qmsops"
	"qms/internal/report"
	"qms/internal/resultops"
)

// runAuditPack writes the ZIP for an external auditor (qmsops.AuditPack):
// the clause evidence map, the PDF records of a period, the audit trail
// export and a manifest with the SHA-256 of every file.
func runAuditPack(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit-pack", "audit-pack --out FILE.zip [--from DATE] [--to DATE] [--max-inspections N] [--data DIR | --db URL]")
	out := fs.String("out", "", "write the ZIP to this file (required; not overwritten)")
	from := fs.String("from", "", "first day of the period whose records are included (default: a year before --to)")
	to := fs.String("to", "", "last day of the period (default: today, UTC)")
	maxInsp := fs.Int("max-inspections", 100, "include the reports of at most this many inspections of the period, the latest first")
	names := append(append(append([]string{}, config.Storage...), config.Report...),
		"files-max-size", "s3-endpoint", "s3-bucket", "s3-access-key", "s3-secret-key", "s3-region", "s3-use-ssl")
	resolve := dataFlags(fs, env, names)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required: the ZIP file to write")
	}
	o := qmsops.PackOptions{MaxInspections: *maxInsp, Now: time.Now().UTC()}
	var err error
	if o.To = qms.DateOf(o.Now); *to != "" {
		if o.To, err = qms.ParseDate(*to); err != nil {
			return usagef("--to must be a date such as 2026-12-31")
		}
	}
	if o.From = o.To.AddDate(-1, 0, 1); *from != "" {
		if o.From, err = qms.ParseDate(*from); err != nil {
			return usagef("--from must be a date such as 2026-01-01")
		}
	}
	if err := qmsops.CheckPackOptions(o); err != nil {
		return usagef("%s", qms.ErrorMessage(err)+": "+fmt.Sprint(qms.ErrorFields(err)))
	}
	c, err := resolve()
	if err != nil {
		return err
	}
	log := newLogger(c, env.Stderr)
	st, err := openExisting(ctx, c, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if o.Fonts, err = report.LoadFonts(c.PDFCJKFont, log); err != nil {
		return err
	}
	blobs, err := blob.Open(ctx, c, log)
	if err != nil {
		return err
	}
	o.Files = blob.NewService(st, blobs, c.Files.MaxBytes())
	(&inspectionops.Service{Store: st}).RegisterFiles(o.Files)
	(&qauditops.Service{Store: st}).RegisterFiles(o.Files)
	o.Files.RegisterOwner(resultops.OwnerLotResult, blob.OwnerRules{Read: (&resultops.Service{Store: st}).ReadLotResultFile})

	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w (an existing file is not overwritten)", *out, err)
	}
	man, err := (&qmsops.Service{Store: st}).AuditPack(qms.WithActor(ctx, qms.System), f, o)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return cliError(err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d files for %s to %s; the audit trail ends at event %d\n", filepath.Base(*out), len(man.Files)+1,
		o.From, o.To, man.AuditHead.Seq)
	fmt.Fprintf(env.Stdout, "check it offline: unzip it, compare each file's SHA-256 with manifest.json, and run qms audit verify --file %s\n", qmsops.AuditTrailName)
	return nil
}
