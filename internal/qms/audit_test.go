package qms

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func chain(n int) []AuditEvent {
	evs := make([]AuditEvent, n)
	prev := GenesisHash
	for i := range evs {
		e := &evs[i]
		e.Seq = int64(i + 1)
		e.Time = time.Date(2026, 11, 27, 10, 0, i, 123456000, time.UTC)
		e.ActorID, e.ActorName = 1, "王芳"
		e.EntityType, e.EntityID, e.Action = "user", "1", ActionUpdate
		e.After = json.RawMessage(`{"name": "Nguyễn"}`)
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
	}
	return evs
}

func verify(evs []AuditEvent, headSeq int64, headHash string) error {
	var v ChainVerifier
	for i := range evs {
		if err := v.Next(&evs[i]); err != nil {
			return err
		}
	}
	return v.Finish(headSeq, headHash)
}

func TestChainVerifier(t *testing.T) {
	good := chain(5)
	head := good[4]
	if err := verify(good, head.Seq, head.Hash); err != nil {
		t.Fatalf("untampered chain: %v", err)
	}
	cases := []struct {
		name    string
		mutate  func([]AuditEvent) []AuditEvent
		wantSeq int64
	}{
		{"altered content", func(e []AuditEvent) []AuditEvent { e[2].Reason = "x"; return e }, 3},
		{"altered time", func(e []AuditEvent) []AuditEvent { e[1].Time = e[1].Time.Add(time.Microsecond); return e }, 2},
		{"rehashed alteration", func(e []AuditEvent) []AuditEvent { e[1].ActorName = "x"; e[1].Hash = e[1].ComputeHash(); return e }, 3},
		{"removed middle", func(e []AuditEvent) []AuditEvent { return append(e[:2], e[3:]...) }, 3},
		{"removed last", func(e []AuditEvent) []AuditEvent { return e[:4] }, 5},
		{"inserted duplicate", func(e []AuditEvent) []AuditEvent {
			f := e[2]
			f.Reason = "forged"
			f.Hash = f.ComputeHash()
			return append(e[:3], append([]AuditEvent{f}, e[3:]...)...)
		}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs := c.mutate(chain(5))
			err := verify(evs, head.Seq, head.Hash)
			var ce *ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("verify = %v, want a ChainError", err)
			}
			if ce.Seq != c.wantSeq {
				t.Errorf("broken at %d (%s), want %d", ce.Seq, ce.Reason, c.wantSeq)
			}
		})
	}
}

func TestCanonicalIgnoresJSONWhitespace(t *testing.T) {
	a := chain(1)[0]
	b := a
	b.After = json.RawMessage(`{"name":"Nguyễn"}`)
	if a.ComputeHash() != b.ComputeHash() {
		t.Error("the hash depends on JSON whitespace")
	}
}
