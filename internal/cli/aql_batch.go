package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"qms/internal/sampling"
)

// batchOutColumns are appended to the input columns by "qms aql plan --batch".
var batchOutColumns = []string{"code_letter", "final_code_letter", "sample_size", "ac", "re", "full_inspection", "error"}

// aqlBatch reads lots as CSV from stdin and writes one plan per row. A bad
// row fills the error column and the batch goes on; it then ends with exit
// status 1. A missing or unusable header is a usage error.
func aqlBatch(env *Env, defStd sampling.Standard, defSev sampling.Severity, defLevel sampling.Level) error {
	r := csv.NewReader(env.Stdin)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return usagef("--batch: no CSV on stdin; the first line must be the header lot,level,severity,aql[,standard]")
	}
	if err != nil {
		return usagef("--batch: header: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; dup && h != "" {
			return usagef("--batch: column %q appears twice in the header", h)
		}
		col[h] = i
	}
	for _, need := range []string{"lot", "level", "severity", "aql"} {
		if _, ok := col[need]; !ok {
			return usagef("--batch: the header lacks the column %q; it must have lot,level,severity,aql (and optionally standard)", need)
		}
	}
	for _, out := range batchOutColumns {
		if _, ok := col[out]; ok {
			return usagef("--batch: the input already has an output column %q", out)
		}
	}
	w := csv.NewWriter(env.Stdout)
	if err := w.Write(append(append([]string{}, header...), batchOutColumns...)); err != nil {
		return err
	}
	rows, failed := 0, 0
	for {
		before := r.InputOffset()
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		rows++
		var out []string
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) || r.InputOffset() == before {
				return fmt.Errorf("--batch: reading stdin: %w", err)
			}
			out = batchRow(make([]string, len(header)), fmt.Sprintf("line %d: %v", pe.Line, pe.Err))
		} else {
			out = batchPlan(rec, header, col, defStd, defSev, defLevel)
		}
		if out[len(out)-1] != "" {
			failed++
		}
		if err := w.Write(out); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if failed > 0 {
		return &ExitError{Code: 1, Msg: fmt.Sprintf("%d of %d rows failed; see the error column", failed, rows)}
	}
	return nil
}

// batchRow appends the plan columns (none given: empty) and the error to
// the input fields.
func batchRow(in []string, errMsg string, plan ...string) []string {
	out := make([]string, 0, len(in)+len(batchOutColumns))
	out = append(out, in...)
	if len(plan) == 0 {
		plan = make([]string, len(batchOutColumns)-1)
	}
	out = append(out, plan...)
	return append(out, errMsg)
}

func batchPlan(rec, header []string, col map[string]int, defStd sampling.Standard, defSev sampling.Severity, defLevel sampling.Level) []string {
	in := rec
	if len(rec) < len(header) {
		in = append(append([]string{}, rec...), make([]string, len(header)-len(rec))...)
	}
	if len(rec) != len(header) {
		// Keep the output rectangular: extra fields are dropped (the row
		// fails and says so).
		return batchRow(in[:len(header)], fmt.Sprintf("the row has %d fields, the header %d", len(rec), len(header)))
	}
	field := func(name string) string { return strings.TrimSpace(in[col[name]]) }
	fail := func(format string, args ...any) []string {
		return batchRow(in, fmt.Sprintf(format, args...))
	}
	lot, err := strconv.Atoi(field("lot"))
	if err != nil {
		return fail("lot %q is not a whole number", field("lot"))
	}
	level := defLevel
	if s := field("level"); s != "" {
		if level, err = sampling.ParseLevel(s); err != nil {
			return fail("%v", err)
		}
	}
	sev := defSev
	if s := field("severity"); s != "" {
		if sev, err = sampling.ParseSeverity(s); err != nil {
			return fail("%v", err)
		}
	}
	std := defStd
	if i, ok := col["standard"]; ok {
		if s := strings.TrimSpace(in[i]); s != "" {
			if std, err = sampling.ParseStandard(s); err != nil {
				return fail("%v", err)
			}
		}
	}
	aql, err := sampling.ParseAQL(field("aql"))
	if err != nil {
		return fail("%v", err)
	}
	p, err := sampling.SinglePlan(std, sev, level, lot, aql)
	if err != nil {
		return fail("%v", err)
	}
	return batchRow(in, "", p.CodeLetter.String(), p.FinalCodeLetter.String(), strconv.Itoa(p.SampleSize),
		strconv.Itoa(p.Ac), strconv.Itoa(p.Re), strconv.FormatBool(p.FullInspection))
}
