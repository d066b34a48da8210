package audit

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
)

// chain returns n correctly chained events as export lines, then the head.
func chain(t *testing.T, n int) []string {
	t.Helper()
	var lines []string
	prev := qms.GenesisHash
	for i := 1; i <= n; i++ {
		e := qms.AuditEvent{Seq: int64(i), Time: time.Date(2026, 3, 1, 8, 0, i, 123456000, time.UTC), ActorName: "陈静",
			EntityType: "ncr", EntityID: "12", Action: qms.ActionUpdate, Before: json.RawMessage(`{"status": "open"}`),
			After: json.RawMessage(`{"status":"closed","note":"<ok> & done"}`), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		lines = append(lines, encode(t, e))
	}
	return append(lines, encode(t, headRecord{Head{Seq: int64(n), Hash: prev}}))
}

func encode(t *testing.T, v any) string {
	var b strings.Builder
	if err := newEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestVerify(t *testing.T) {
	cases := []struct {
		name    string
		lines   []string
		events  int64
		seq     int64 // 0: no chain error expected
		problem string
	}{
		{"intact", chain(t, 3), 3, 0, ""},
		{"empty chain", chain(t, 0), 0, 0, ""},
		{"no trailing newline", []string{strings.TrimSuffix(strings.Join(chain(t, 2), ""), "\n")}, 2, 0, ""},
		{"empty file", nil, 0, 1, "truncated"},
		{"head only, events missing", chain(t, 2)[2:], 0, 1, "removed"},
		{"event reordered", []string{chain(t, 3)[1], chain(t, 3)[0], chain(t, 3)[2], chain(t, 3)[3]}, 0, 1, "removed"},
		{"event duplicated", append(append([]string{}, chain(t, 2)[:2]...), chain(t, 2)[1], chain(t, 2)[2]), 2, 2, "inserted"},
		{"blank lines are ignored", append([]string{"\n"}, chain(t, 1)...), 1, 0, ""},
	}
	for _, c := range cases {
		sum, err := Verify(strings.NewReader(strings.Join(c.lines, "")))
		var ce *qms.ChainError
		switch {
		case c.seq == 0 && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.seq != 0 && (!errors.As(err, &ce) || ce.Seq != c.seq || !strings.Contains(ce.Reason, c.problem)):
			t.Errorf("%s: err = %v, want a chain error at event %d: %s", c.name, err, c.seq, c.problem)
		case sum.Events != c.events:
			t.Errorf("%s: %d events verified, want %d", c.name, sum.Events, c.events)
		}
	}
	for _, bad := range []string{"[1,2]\n", `{"head":{"seq":0,"hash":"x","extra":1}}` + "\n", `{"seq":1}{"seq":2}` + "\n"} {
		_, err := Verify(strings.NewReader(bad))
		var ce *qms.ChainError
		if err == nil || errors.As(err, &ce) || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("Verify(%q) = %v, want an error naming line 1", bad, err)
		}
	}
}
