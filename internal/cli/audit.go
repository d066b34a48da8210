package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"qms/internal/audit"
	"qms/internal/config"
	"qms/internal/qms"
)

const auditHelp = `audit <verify|export> [flags]

  verify   check the hash chain of the audit trail in the database, or of an
           export with --file (offline, no database needed); exits 0 when
           intact, 1 naming the first event altered, removed or inserted
  export   write the audit trail as JSON lines: one event per line, then a
           head record naming the last event

Run qms audit <subcommand> --help for the flags of each.`

func runAudit(ctx context.Context, env *Env, args []string) error {
	return runSub(ctx, env, "audit", auditHelp, args, map[string]func(context.Context, *Env, []string) error{
		"verify": auditVerify,
		"export": auditExport,
	})
}

func auditVerify(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit verify", "audit verify [--data DIR | --db URL | --file FILE]")
	file := fs.String("file", "", "verify this export (from qms audit export) instead of the database; - reads stdin")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var sum audit.Summary
	var err error
	sigs := -1 // signatures checked; an export carries them inside its events
	if *file != "" {
		sum, err = verifyFile(env, *file)
	} else {
		sum, sigs, err = verifyDB(ctx, env, resolve)
	}
	if err != nil {
		return chainFailure(sum, err)
	}
	fmt.Fprintf(env.Stdout, "%d events verified; the chain ends at event %d with hash %s\n", sum.Events, sum.Head.Seq, sum.Head.Hash)
	if sigs >= 0 {
		fmt.Fprintf(env.Stdout, "%d electronic signatures match their audit events\n", sigs)
	}
	return nil
}

// verifyDB walks the chain in the database, then checks that every stored
// electronic signature is the one its (chained) audit event recorded.
func verifyDB(ctx context.Context, env *Env, resolve func() (config.Config, error)) (audit.Summary, int, error) {
	c, err := resolve()
	if err != nil {
		return audit.Summary{}, 0, err
	}
	st, err := openExisting(ctx, c, env)
	if err != nil {
		return audit.Summary{}, 0, err
	}
	defer st.Close()
	sum, err := audit.Export(qms.WithActor(ctx, qms.System), st, nil)
	if err != nil {
		return sum, 0, err
	}
	n, err := st.VerifySignatures(ctx)
	if err != nil {
		return sum, n, &ExitError{Code: 1, Msg: "electronic signatures: " + err.Error()}
	}
	return sum, n, nil
}

func verifyFile(env *Env, name string) (audit.Summary, error) {
	if name == "-" {
		return audit.Verify(env.Stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return audit.Summary{}, err
	}
	defer f.Close()
	return audit.Verify(f)
}

// chainFailure reports a broken chain (or a failure to read it) with exit
// status 1.
func chainFailure(sum audit.Summary, err error) error {
	var ce *qms.ChainError
	if errors.As(err, &ce) {
		return &ExitError{Code: 1, Msg: ce.Error() + intact(sum, ce)}
	}
	return err
}

// intact says which events before the break are sound.
func intact(sum audit.Summary, ce *qms.ChainError) string {
	n := min(sum.Events, ce.Seq-1)
	if n < 1 {
		return ""
	}
	return fmt.Sprintf(" (events 1 to %d are intact)", n)
}

func auditExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit export", "audit export --out FILE [--data DIR | --db URL]")
	out := fs.String("out", "", "file to write (required; never overwritten); - writes to stdout")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	c, err := resolve()
	if err != nil {
		return err
	}
	st, err := openExisting(ctx, c, env)
	if err != nil {
		return err
	}
	defer st.Close()
	var w io.Writer = env.Stdout
	var f *os.File
	if *out != "-" {
		f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists; choose a new file name", *out)
		}
		if err != nil {
			return err
		}
		w = f
	}
	sum, err := audit.Export(qms.WithActor(ctx, qms.System), st, w)
	var ce *qms.ChainError
	if err != nil && !errors.As(err, &ce) { // incomplete: do not leave half a file
		if f != nil {
			f.Close()
			os.Remove(*out)
		}
		return err
	}
	if f != nil {
		if serr := f.Sync(); serr != nil {
			f.Close()
			return serr
		}
		if cerr := f.Close(); cerr != nil {
			return cerr
		}
	}
	if ce != nil {
		return &ExitError{Code: 1, Msg: fmt.Sprintf("exported %d events to %s, but the %v%s", sum.Written, *out, ce, intact(sum, ce))}
	}
	msg := env.Stdout
	if *out == "-" {
		msg = env.Stderr
	}
	fmt.Fprintf(msg, "exported %d events to %s; the chain ends at event %d with hash %s\n", sum.Written, *out, sum.Head.Seq, sum.Head.Hash)
	return nil
}
