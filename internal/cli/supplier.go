package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"qms/internal/config"
	"qms/internal/store"
	"qms/internal/supplierops"
)

const supplierHelp = `supplier <import|export> [flags]

  import  create the suppliers, sites and certificates of a CSV file, all in
          one transaction or none; --dry-run checks every row and writes
          nothing
  export  write every supplier with its sites and certificates as CSV, in
          the format import reads

The CSV file has one row per record; its column "record" says which
(supplier, site or certificate). Run qms supplier <subcommand> --help for
the flags of each.`

func runSupplier(ctx context.Context, env *Env, args []string) error {
	return runSub(ctx, env, "supplier", supplierHelp, args, map[string]func(context.Context, *Env, []string) error{
		"import": supplierImport,
		"export": supplierExport,
	})
}

func supplierImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "supplier import", "supplier import --file F [--dry-run] [--data DIR | --db URL]")
	file := fs.String("file", "", "the CSV file to import, UTF-8 with or without a byte order mark (required; - for stdin)")
	dry := fs.Bool("dry-run", false, "check every row against the database, report every problem and write nothing")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return usagef("--file is required")
	}
	var in io.Reader = env.Stdin
	if *file != "-" {
		f, err := os.Open(*file)
		if err != nil {
			return usagef("cannot open %s: %v", *file, err)
		}
		defer f.Close()
		in = f
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		bar := newProgress(env.Stderr, "import")
		rep, err := (&supplierops.Service{Store: st}).Import(ctx, in, supplierops.ImportOptions{DryRun: *dry, Progress: bar.update})
		bar.done()
		if err != nil {
			return err
		}
		for _, e := range rep.Errors {
			fmt.Fprintln(env.Stdout, e.String())
		}
		counts := fmt.Sprintf("%d suppliers, %d sites, %d certificates", rep.Suppliers, rep.Sites, rep.Certificates)
		switch {
		case len(rep.Errors) > 0:
			return &ExitError{Code: 1, Msg: fmt.Sprintf("%d problems in %d rows; nothing was written", len(rep.Errors), rep.Rows)}
		case *dry:
			fmt.Fprintf(env.Stdout, "dry run: %d rows checked, no problems; an import would create %s. Nothing was written.\n", rep.Rows, counts)
		default:
			fmt.Fprintf(env.Stdout, "imported %d rows: created %s\n", rep.Rows, counts)
		}
		if rep.StatusesIgnored > 0 {
			fmt.Fprintf(env.Stderr, "note: %d supplier rows name a status; imported suppliers start as prospects and are approved on their page, with a reason\n", rep.StatusesIgnored)
		}
		return nil
	})
}

func supplierExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "supplier export", "supplier export --out F [--data DIR | --db URL]")
	out := fs.String("out", "", "the CSV file to write (required; - for stdout); it starts with a byte order mark so that spreadsheet programs read it as UTF-8")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		w := env.Stdout
		var tmp *os.File
		if *out != "-" {
			var err error
			if tmp, err = os.CreateTemp(filepath.Dir(*out), ".qms-export-*"); err != nil {
				return fmt.Errorf("create %s: %w", *out, err)
			}
			defer os.Remove(tmp.Name())
			defer tmp.Close()
			w = tmp
		}
		n, err := (&supplierops.Service{Store: st}).Export(ctx, w, store.SupplierFilter{})
		if err != nil {
			return err
		}
		if tmp != nil {
			if err := tmp.Close(); err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), *out); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "exported %d suppliers to %s\n", n, *out)
		}
		return nil
	})
}

// progress is a status line on a terminal ("\r"-rewritten), and nothing
// when stderr is not a terminal.
type progress struct {
	w     io.Writer
	what  string
	shown time.Time
	on    bool
}

func newProgress(w io.Writer, what string) *progress {
	p := &progress{w: w, what: what}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) update(done, total int) {
	if !p.on || (time.Since(p.shown) < 100*time.Millisecond && done < total) {
		return
	}
	p.shown = time.Now()
	const width = 30
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d", p.what, bar, done, total)
}

func (p *progress) done() {
	if p.on && !p.shown.IsZero() {
		fmt.Fprintln(p.w)
	}
}
