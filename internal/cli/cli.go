// Package cli implements the qms command line: one binary whose subcommands
// (serve, migrate, user, token, audit, backup, config, version, aql) share
// the same configuration, store and domain code as the server.
//
// Each subcommand parses its own flag.FlagSet. A command returns an error;
// Run prints it on one line to stderr and maps it to an exit status:
// 2 for usage errors, the code of an *ExitError, 1 otherwise.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Env is what a command may touch of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// command is one subcommand of qms.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands lists every subcommand; each lives in a file named after it.
var commands = map[string]command{
	"version": {"print the version", runVersion},
	"serve":   {"run the web app, the JSON API and the background jobs", runServe},
	"aql":     {"acceptance sampling: plans, OC curves, plan design, switching", runAQL},
	"migrate": {"apply schema migrations, or list them with their status", runMigrate},
	"user":    {"create, list, disable, enable users; reset passwords", runUser},
	"token":   {"create, revoke and list API tokens", runToken},
	"audit":   {"verify the audit trail's hash chain; export it as JSON lines", runAudit},
	"backup":  {"copy the SQLite database consistently while qms runs", runBackup},
	"config":  {"print the effective configuration, secrets redacted", runConfig},

	"supplier":   {"import and export suppliers, sites and certificates as CSV", runSupplier},
	"inspection": {"import inspection agencies' results (CSV or JSON) as lot results", runInspection},
	"audit-pack": {"write a ZIP for an external auditor: evidence map, records, audit trail, manifest", runAuditPack},
}

// Version is set at build time with -ldflags "-X qms/internal/cli.Version=...".
var Version = "dev"

// UsageError reports a mistake in how a command was called (exit status 2).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// usagef returns a *UsageError with a formatted message.
func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// ExitError ends a command with a given status after it has already printed
// what went wrong (Msg may be empty).
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

// Run runs the subcommand named by args[0] and returns the process exit status.
func Run(ctx context.Context, args []string, env *Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "qms: unknown command %q; run 'qms --help' for the list\n", args[0])
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	return exitCode(env.Stderr, args[0], err)
}

func exitCode(stderr io.Writer, name string, err error) int {
	var ue *UsageError
	var ee *ExitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "qms %s: %s\n", name, ue.Msg)
		return 2
	case errors.As(err, &ee):
		if ee.Msg != "" {
			fmt.Fprintf(stderr, "qms %s: %s\n", name, ee.Msg)
		}
		return ee.Code
	default:
		fmt.Fprintf(stderr, "qms %s: %s\n", name, oneLine(err.Error()))
		return 1
	}
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "qms: a quality management system for products made by contract factories.")
	fmt.Fprintln(w, "\nUsage: qms <command> [flags]   (qms <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

// newFlags returns a FlagSet for a subcommand that reports errors instead of
// exiting and prints its help to env.Stdout.
func newFlags(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("qms "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fs.SetOutput(env.Stdout)
		fmt.Fprintf(env.Stdout, "Usage: qms %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		fs.SetOutput(env.Stderr)
	}
	return fs
}

// parseFlags parses args and turns flag-package errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) { // the flag package has printed fs.Usage
		return err
	}
	if err != nil {
		return &UsageError{Msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func runVersion(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "qms", Version)
	return nil
}
