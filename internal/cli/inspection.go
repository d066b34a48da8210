package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"qms/internal/config"
	"qms/internal/resultops"
	"qms/internal/store"
)

const inspectionHelp = `inspection <import> [flags]

  import  import inspection agencies' results (QIMA, V-Trust, SGS ...) from a
          CSV or JSON file as lot results, all in one transaction or none;
          they feed the rejection rates, scorecards and switching state.
          --dry-run checks every row against the database and writes
          nothing

The CSV file has a header row naming its columns:
  ` + "agency, report_no, date, po_number, supplier, site, product, inspection_type, lot_size, sample_size, critical_defects, major_defects, minor_defects, critical_defective, major_defective, minor_defective, defective_units, verdict, decision, resubmitted, report_file_id" + `
(required: agency, date, supplier, site, product, inspection_type, lot_size,
sample_size, verdict). A JSON file is an array of objects with the same
keys. Supplier and site are numbers or names; the product is its SKU, or
# and its number.`

func runInspection(ctx context.Context, env *Env, args []string) error {
	return runSub(ctx, env, "inspection", inspectionHelp, args, map[string]func(context.Context, *Env, []string) error{
		"import": inspectionImport,
	})
}

func inspectionImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "inspection import", "inspection import --file F [--format csv|json] [--dry-run] [--data DIR | --db URL]")
	file := fs.String("file", "", "the CSV or JSON file of results, UTF-8 (required; - for stdin)")
	format := fs.String("format", "", "csv or json (default: from the file name, else from its content)")
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
	data, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("read %s: %w", *file, err)
	}
	switch *format {
	case "":
		*format = "csv"
		trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
		if strings.HasSuffix(strings.ToLower(*file), ".json") || bytes.HasPrefix(trimmed, []byte("[")) || bytes.HasPrefix(trimmed, []byte("{")) {
			*format = "json"
		}
	case "csv", "json":
	default:
		return usagef("--format must be csv or json")
	}
	parse := resultops.ParseCSV
	if *format == "json" {
		parse = resultops.ParseJSON
	}
	b, err := parse(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		rep, err := (&resultops.Service{Store: st}).Import(ctx, b, resultops.ImportOptions{DryRun: *dry})
		if err != nil {
			return err
		}
		for _, e := range rep.Errors {
			fmt.Fprintln(env.Stdout, e.String())
		}
		switch {
		case len(rep.Errors) > 0:
			return &ExitError{Code: 1, Msg: fmt.Sprintf("%d problems in %d results; nothing was written", len(rep.Errors), rep.Rows)}
		case *dry:
			fmt.Fprintf(env.Stdout, "dry run: %d results checked, no problems; an import would store %d lot results. Nothing was written.\n", rep.Rows, len(rep.Imported))
			return nil
		}
		moved := 0
		for _, im := range rep.Imported {
			if len(im.Switching.Events) > 0 {
				moved++
			}
		}
		fmt.Fprintf(env.Stdout, "imported %d results as lot results; %d moved the switching state\n", len(rep.Imported), moved)
		return nil
	})
}
