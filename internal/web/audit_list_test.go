package web

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDiffJSON(t *testing.T) {
	tests := []struct {
		name          string
		before, after string
		want          []change
		unchanged     int
	}{
		{"create", ``, `{"id":1,"name":"张伟","tags":["a"]}`, []change{
			{Field: "id", After: "1", Kind: "added"},
			{Field: "name", After: "张伟", Kind: "added"},
			{Field: "tags", After: `["a"]`, Kind: "added"}}, 0},
		{"update keeps field order and counts the rest", `{"id":1,"name":"Lan","role":"viewer","x":null}`,
			`{"id":1,"name":"Nguyễn Thị Lan","role":"viewer","x":{"a": 1}}`, []change{
				{Field: "name", Before: "Lan", After: "Nguyễn Thị Lan", Kind: "changed"},
				{Field: "x", Before: "", After: `{"a":1}`, Kind: "changed"}}, 2},
		{"removed field and empty string", `{"a":"","b":2}`, `{"a":"x"}`, []change{
			{Field: "a", Before: `""`, After: "x", Kind: "changed"},
			{Field: "b", Before: "2", Kind: "removed"}}, 0},
		{"void", `{"id":3}`, `null`, []change{{Field: "id", Before: "3", Kind: "removed"}}, 0},
		{"not objects", `"old"`, `[1, 2]`, []change{{Before: "old", After: "[1,2]", Kind: "changed"}}, 0},
		{"same scalars", `true`, `true`, nil, 1},
		{"nothing", ``, ``, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, same := diffJSON(json.RawMessage(tt.before), json.RawMessage(tt.after))
			if !reflect.DeepEqual(got, tt.want) || same != tt.unchanged {
				t.Errorf("diffJSON(%s, %s) =\n %+v, %d unchanged\nwant\n %+v, %d", tt.before, tt.after, got, same, tt.want, tt.unchanged)
			}
		})
	}
}

func TestAuditQueryFilter(t *testing.T) {
	f, err := auditQuery{EntityType: "user", EntityID: "7", Actor: "3", From: "2026-03-01", To: "2026-03-01"}.filter()
	if err != nil {
		t.Fatal(err)
	}
	if f.EntityType != "user" || f.EntityID != "7" || f.ActorID != 3 || f.From.Format("2006-01-02 15") != "2026-03-01 00" || f.To.Format("2006-01-02 15") != "2026-03-02 00" {
		t.Errorf("filter %+v: the To day must be included", f)
	}
	for _, q := range []auditQuery{{Actor: "-1"}, {Actor: "x"}, {From: "03/01/2026"}, {From: "2026-03-02", To: "2026-03-01"}, {EntityType: "a\x00b"}} {
		if _, err := q.filter(); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for next, want := range map[string]string{
		"/audit?x=1":           "/audit?x=1",
		"/users/3":             "/users/3",
		"":                     "/home",
		"//evil.example/":      "/home",
		"/\\evil.example":      "/home",
		"https://evil.example": "/home",
		"audit":                "/home",
		"javascript:alert(1)":  "/home",
	} {
		if got := localPath(next, "/home"); got != want {
			t.Errorf("localPath(%q) = %q, want %q", next, got, want)
		}
	}
}
