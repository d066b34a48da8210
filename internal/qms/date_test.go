package qms

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2026-01-31": NewDate(2026, time.January, 31),
		"2024-02-29": NewDate(2024, time.February, 29),
		"":           {},
	}
	for s, want := range good {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("String() = %q, want %q", got.String(), s)
		}
	}
	for _, s := range []string{"2026-1-31", "2026-02-30", "2023-02-29", "31/01/2026", "2026-01-31T00:00:00Z", "2026-01-31 ", "abc"} {
		if _, err := ParseDate(s); ErrorKind(err) != KindInvalid {
			t.Errorf("ParseDate(%q) = %v, want an invalid error", s, err)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := NewDate(2024, time.February, 29)
	if got := d.AddDate(1, 0, 0); got != NewDate(2025, time.March, 1) {
		t.Errorf("2024-02-29 + 1 year = %v", got)
	}
	if got := NewDate(2026, time.January, 1).AddDate(0, 0, 90); got.String() != "2026-04-01" {
		t.Errorf("2026-01-01 + 90 days = %v", got)
	}
	a, b := NewDate(2025, time.December, 31), NewDate(2026, time.January, 1)
	if a.DaysUntil(b) != 1 || b.DaysUntil(a) != -1 || a.DaysUntil(a) != 0 {
		t.Errorf("DaysUntil: %d %d", a.DaysUntil(b), b.DaysUntil(a))
	}
	// Across a whole leap year and a DST change in local zones: still exact.
	if n := NewDate(2024, time.January, 1).DaysUntil(NewDate(2025, time.January, 1)); n != 366 {
		t.Errorf("days in 2024 = %d", n)
	}
	if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("ordering is wrong")
	}
	if NewDate(2026, time.January, 32) != NewDate(2026, time.February, 1) {
		t.Error("NewDate does not normalise")
	}
	loc := time.FixedZone("UTC+8", 8*3600)
	if got := DateOf(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC).In(loc)); got.String() != "2026-03-02" {
		t.Errorf("DateOf uses the time's zone: %v", got)
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		A Date `json:"a"`
		B Date `json:"b,omitzero"`
	}
	b, err := json.Marshal(rec{A: NewDate(2026, time.May, 4)})
	if err != nil || string(b) != `{"a":"2026-05-04"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"a":"2026-05-04","b":""}`), &r); err != nil || r.A != NewDate(2026, time.May, 4) || !r.B.IsZero() {
		t.Fatalf("Unmarshal = %+v, %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"04.05.2026"}`), &r); err == nil {
		t.Error("a malformed date was accepted")
	}
}
