// Package audit exports the audit trail to a file and verifies such a file
// offline. An export is JSON lines: one qms.AuditEvent per line in chain
// order, then one head record {"head":{"seq":N,"hash":"..."}} naming the
// last event, so that events removed from the end of the file are detected.
// The chain itself is checked by qms.ChainVerifier, here as in the store.
package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
)

// Head is the last record of an export: the chain's recorded end.
type Head struct {
	Seq        int64     `json:"seq"`
	Hash       string    `json:"hash"`
	ExportedAt time.Time `json:"exported_at"`
}

type headRecord struct {
	Head Head `json:"head"`
}

// Summary describes a chain that was exported or verified.
type Summary struct {
	Events  int64 // events checked and found intact, in order from event 1
	Written int64 // events written (Export only)
	Head    Head  // the recorded end of the chain
}

// Export writes the audit chain of st to w (nil: check only) and verifies it
// on the way. A broken chain is still written in full; the *qms.ChainError
// naming the first event altered, removed or inserted is returned after.
// Other errors mean the export is incomplete.
func Export(ctx context.Context, st *store.Store, w io.Writer) (Summary, error) {
	var v qms.ChainVerifier
	var chainErr error
	var written int64
	var enc *json.Encoder
	var bw *bufio.Writer
	if w != nil {
		bw = bufio.NewWriter(w)
		enc = newEncoder(bw)
	}
	headSeq, headHash, err := st.WalkAudit(ctx, func(e *qms.AuditEvent) error {
		if chainErr == nil {
			chainErr = v.Next(e)
		}
		if enc != nil {
			if err := enc.Encode(e); err != nil {
				return fmt.Errorf("write event %d: %w", e.Seq, err)
			}
			written++
		}
		return nil
	})
	sum := Summary{Events: v.Count(), Written: written, Head: Head{Seq: headSeq, Hash: headHash, ExportedAt: st.Now()}}
	if err != nil {
		return sum, err
	}
	if enc != nil {
		if err := enc.Encode(headRecord{sum.Head}); err != nil {
			return sum, err
		}
		if err := bw.Flush(); err != nil {
			return sum, err
		}
	}
	if chainErr == nil {
		chainErr = v.Finish(headSeq, headHash)
	}
	return sum, chainErr
}

// newEncoder returns the JSON encoder of export lines. It keeps <, > and &
// as they are, so that before and after stay byte for byte what was hashed.
func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// Verify reads an export from r and checks it with qms.ChainVerifier. It
// returns a *qms.ChainError naming the first event altered, removed or
// inserted (a file without its head record was cut short), or an error
// naming the line that is not a valid record.
func Verify(r io.Reader) (Summary, error) {
	var v qms.ChainVerifier
	var sum Summary
	br := bufio.NewReader(r)
	haveHead := false
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			if haveHead {
				return sum, &qms.ChainError{Seq: sum.Head.Seq + 1, Reason: fmt.Sprintf("inserted: line %d comes after the head record, which must be last", line)}
			}
			var probe map[string]json.RawMessage
			if err := json.Unmarshal(b, &probe); err != nil {
				return sum, fmt.Errorf("line %d is not a JSON object: %v", line, err)
			}
			if _, ok := probe["head"]; ok {
				var h headRecord
				if err := strictDecode(b, &h); err != nil {
					return sum, fmt.Errorf("line %d is not a valid head record: %v", line, err)
				}
				sum.Head, haveHead = h.Head, true
			} else {
				var e qms.AuditEvent
				if err := strictDecode(b, &e); err != nil {
					return sum, fmt.Errorf("line %d is not a valid audit event: %v", line, err)
				}
				if err := v.Next(&e); err != nil {
					sum.Events = v.Count()
					return sum, err
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, err
		}
	}
	sum.Events = v.Count()
	if !haveHead {
		return sum, &qms.ChainError{Seq: v.Count() + 1, Reason: "truncated: the file ends without its head record, so events at the end may be missing"}
	}
	return sum, v.Finish(sum.Head.Seq, sum.Head.Hash)
}

func strictDecode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}
