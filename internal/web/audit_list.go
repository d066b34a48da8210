package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
)

const eventsPerPage = 50

// auditQuery is the audit log filter as typed.
type auditQuery struct {
	EntityType, EntityID, Actor, From, To string
}

func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"entity_type": q.EntityType, "entity_id": q.EntityID, "actor": q.Actor, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// filter checks the query and turns it into a store filter. From and To are
// days (UTC), both included.
func (q auditQuery) filter() (store.AuditFilter, error) {
	var f store.AuditFilter
	p := qms.Problems{}
	qms.CheckText(p, "entity_type", q.EntityType, 100)
	qms.CheckText(p, "entity_id", q.EntityID, 100)
	f.EntityType, f.EntityID = q.EntityType, q.EntityID
	if q.Actor != "" {
		id, err := strconv.ParseInt(q.Actor, 10, 64)
		if err != nil || id <= 0 {
			p.Add("actor", "must be the number of a user")
		}
		f.ActorID = id
	}
	day := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			p.Add(field, "must be a date such as 2026-03-31")
		}
		return t
	}
	f.From = day("from", q.From)
	if to := day("to", q.To); !to.IsZero() {
		f.To = to.Add(24 * time.Hour)
		if !f.From.IsZero() && !f.To.After(f.From) {
			p.Add("to", "must not be before the start date")
		}
	}
	return f, p.Err()
}

type auditPage struct {
	layout
	Query    auditQuery
	Types    []string // entity types to suggest
	Events   []auditRow
	Errors   map[string]string
	NextURL  string // older events, "" when there are none
	FirstURL string // the newest events, "" on the first page
}

func (*auditPage) template() string { return "audit" }

// auditTypes are the entity types the filter suggests; modules add theirs.
var auditTypes = []string{"user", "api_token"}

// auditList shows the audit trail, newest first, filtered by entity, user
// and date, a page at a time.
func (u *UI) auditList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	v := r.Form
	q := auditQuery{EntityType: strings.TrimSpace(v.Get("entity_type")), EntityID: strings.TrimSpace(v.Get("entity_id")),
		Actor: strings.TrimSpace(v.Get("actor")), From: v.Get("from"), To: v.Get("to")}
	p := &auditPage{layout: layout{Title: "Audit log"}, Query: q, Types: auditTypes}
	f, err := q.filter()
	if err != nil {
		p.Errors = qms.ErrorFields(err)
		u.render(w, r, http.StatusBadRequest, p)
		return nil
	}
	f.Before, _ = strconv.ParseInt(v.Get("before"), 10, 64)
	f.Limit = eventsPerPage
	events, next, err := u.account.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	p.Events = auditRows(events, a)
	if next != 0 {
		nv := q.values()
		nv.Set("before", strconv.FormatInt(next, 10))
		p.NextURL = "/audit?" + nv.Encode()
	}
	if f.Before != 0 {
		p.FirstURL = "/audit?" + q.values().Encode()
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// auditRow is an audit event as the log shows it.
type auditRow struct {
	qms.AuditEvent
	Changes   []change
	Unchanged int    // fields an update left as they were
	Label     string // the record's name, when it has one
	Sides     string // which values the event holds: "both", "after" (a creation) or "before"
	EntityURL string // the audit log of this entity
	ActorURL  string // the audit log of this actor ("" for the system)
	RecordURL string // the record's own page, when there is one the viewer may open
}

func auditRows(events []qms.AuditEvent, a qms.Actor) []auditRow {
	rows := make([]auditRow, len(events))
	for i, e := range events {
		row := auditRow{AuditEvent: e}
		row.Changes, row.Unchanged = diffJSON(e.Before, e.After)
		row.Sides = "both"
		switch {
		case len(e.Before) == 0 || string(e.Before) == "null":
			row.Sides = "after"
		case len(e.After) == 0 || string(e.After) == "null":
			row.Sides = "before"
		}
		row.Label = nameOf(e.After)
		if row.Label == "" {
			row.Label = nameOf(e.Before)
		}
		row.EntityURL = "/audit?" + url.Values{"entity_type": {e.EntityType}, "entity_id": {e.EntityID}}.Encode()
		if e.ActorID != 0 {
			row.ActorURL = "/audit?actor=" + strconv.FormatInt(e.ActorID, 10)
		}
		if e.EntityType == "user" && qms.CanListUsers(a) {
			row.RecordURL = "/users/" + url.PathEscape(e.EntityID)
		}
		rows[i] = row
	}
	return rows
}

// nameOf returns the "name" field of a JSON object, or "".
func nameOf(b json.RawMessage) string {
	_, vals, ok := objectFields(b)
	if !ok || vals["name"] == nil {
		return ""
	}
	return showJSON(vals["name"])
}

// change is one field of a record before and after an event.
type change struct {
	Field  string
	Before string
	After  string
	Kind   string // "added", "removed" or "changed"
}

// diffJSON compares the JSON before and after an event field by field, in
// the order of the record's fields, and returns the fields that differ and
// how many stayed the same. Values that are not JSON objects compare whole.
func diffJSON(before, after json.RawMessage) ([]change, int) {
	bk, bv, bok := objectFields(before)
	ak, av, aok := objectFields(after)
	if !bok || !aok {
		b, a := showJSON(before), showJSON(after)
		if b == a {
			return nil, 1
		}
		return []change{{Before: b, After: a, Kind: kindOf(len(before) > 0, len(after) > 0)}}, 0
	}
	keys := ak
	for _, k := range bk {
		if _, ok := av[k]; !ok {
			keys = append(keys, k)
		}
	}
	var out []change
	same := 0
	for _, k := range keys {
		b, inB := bv[k]
		a, inA := av[k]
		if inA && inB && compact(a) == compact(b) {
			same++
			continue
		}
		c := change{Field: k, Kind: kindOf(inB, inA)}
		if inB {
			c.Before = showJSON(b)
		}
		if inA {
			c.After = showJSON(a)
		}
		out = append(out, c)
	}
	return out, same
}

func kindOf(before, after bool) string {
	switch {
	case !before:
		return "added"
	case !after:
		return "removed"
	}
	return "changed"
}

// objectFields returns the keys of a JSON object in order and their values.
// ok is true for an object or for no JSON at all (an empty side).
func objectFields(b json.RawMessage) (keys []string, vals map[string]json.RawMessage, ok bool) {
	vals = map[string]json.RawMessage{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil, vals, true
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, false
		}
		if _, dup := vals[k]; !dup {
			keys = append(keys, k)
		}
		vals[k] = v
	}
	return keys, vals, true
}

func compact(b json.RawMessage) string {
	var c bytes.Buffer
	if json.Compact(&c, b) != nil {
		return string(b)
	}
	return c.String()
}

// showJSON renders a JSON value for people: strings without quotes, null as
// an empty value, everything else as compact JSON.
func showJSON(b json.RawMessage) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return ""
	}
	var s string
	if b[0] == '"' && json.Unmarshal(b, &s) == nil {
		if s == "" {
			return `""`
		}
		return s
	}
	return compact(b)
}
