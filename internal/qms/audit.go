package qms

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// AuditEvent is one entry of the append-only, hash-chained audit trail.
// Seq numbers the events 1, 2, 3 ... with no gaps; Hash is the SHA-256 of the
// event's canonical content, which includes PrevHash, the hash of event Seq-1.
type AuditEvent struct {
	Seq        int64           `json:"seq"`
	Time       time.Time       `json:"time"`
	ActorID    int64           `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	EntityType string          `json:"entity_type"`
	EntityID   string          `json:"entity_id"`
	Action     string          `json:"action"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	Reason     string          `json:"reason"`
	RequestID  string          `json:"request_id"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// Audit actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionVoid   = "void"
	ActionDelete = "delete"
)

// GenesisHash is the PrevHash of the first event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditTimeLayout is the one textual form of an event time in the hash:
// UTC with microseconds, the precision both databases keep.
const AuditTimeLayout = "2006-01-02T15:04:05.000000Z"

// Canonical returns the bytes that Hash covers: every field but Hash, in a
// fixed order, each value JSON-encoded, so the same event always hashes the
// same on every database and machine.
func (e *AuditEvent) Canonical() []byte {
	var b bytes.Buffer
	field := func(name string, v []byte) {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.Write(v)
	}
	str := func(s string) []byte { v, _ := json.Marshal(s); return v }
	raw := func(m json.RawMessage) []byte {
		if len(m) == 0 {
			return []byte("null")
		}
		var c bytes.Buffer
		if err := json.Compact(&c, m); err != nil {
			return str(string(m)) // not JSON: hash the bytes as a string
		}
		return c.Bytes()
	}
	field("seq", []byte(strconv.FormatInt(e.Seq, 10)))
	field("time", str(e.Time.UTC().Format(AuditTimeLayout)))
	field("actor_id", []byte(strconv.FormatInt(e.ActorID, 10)))
	field("actor_name", str(e.ActorName))
	field("entity_type", str(e.EntityType))
	field("entity_id", str(e.EntityID))
	field("action", str(e.Action))
	field("before", raw(e.Before))
	field("after", raw(e.After))
	field("reason", str(e.Reason))
	field("request_id", str(e.RequestID))
	field("prev_hash", str(e.PrevHash))
	return b.Bytes()
}

// ComputeHash returns the hex SHA-256 of e's canonical content.
func (e *AuditEvent) ComputeHash() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}

// ChainError says where the audit chain is broken.
type ChainError struct {
	Seq    int64  // the first event that fails, or the position where one is missing
	Reason string // "altered", "removed", "inserted" or "truncated", with detail
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit chain broken at event %d: %s", e.Seq, e.Reason)
}

// ChainVerifier checks events one at a time, in order. The zero value
// expects the chain to start at event 1.
type ChainVerifier struct {
	n        int64 // events checked
	lastSeq  int64
	lastHash string
}

// Next checks the next event. It returns a *ChainError naming the first event
// that was altered, removed or inserted.
func (v *ChainVerifier) Next(e *AuditEvent) error {
	prev := v.lastHash
	if v.n == 0 {
		prev = GenesisHash
	}
	want := v.lastSeq + 1
	switch {
	case e.Seq > want:
		return &ChainError{Seq: want, Reason: fmt.Sprintf("removed: events %d to %d are missing", want, e.Seq-1)}
	case e.Seq < want:
		return &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("inserted: a second event numbered %d", e.Seq)}
	}
	if e.PrevHash != prev {
		if e.ComputeHash() == e.Hash {
			return &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("the chain breaks before this event: event %d was altered and re-hashed, or events were inserted or removed before %d", e.Seq-1, e.Seq)}
		}
		return &ChainError{Seq: e.Seq, Reason: "altered: its previous-hash does not match the chain"}
	}
	if got := e.ComputeHash(); got != e.Hash {
		return &ChainError{Seq: e.Seq, Reason: "altered: its content does not match its hash"}
	}
	v.n++
	v.lastSeq = e.Seq
	v.lastHash = e.Hash
	return nil
}

// Finish checks the end of the chain against the head recorded separately
// (the sequence number and hash of the last event written), which detects
// events removed from the end. Pass headSeq < 0 when no head is known.
func (v *ChainVerifier) Finish(headSeq int64, headHash string) error {
	if headSeq < 0 {
		return nil
	}
	if v.lastSeq < headSeq {
		return &ChainError{Seq: v.lastSeq + 1, Reason: fmt.Sprintf("removed: events %d to %d at the end are missing", v.lastSeq+1, headSeq)}
	}
	if v.lastSeq > headSeq {
		return &ChainError{Seq: headSeq + 1, Reason: "inserted: events after the recorded head"}
	}
	if v.n > 0 && v.lastHash != headHash {
		return &ChainError{Seq: v.lastSeq, Reason: "altered: the last event does not match the recorded head"}
	}
	return nil
}

// Count is the number of events checked so far.
func (v *ChainVerifier) Count() int64 { return v.n }
