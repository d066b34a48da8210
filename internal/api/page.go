package api

import (
	"encoding/base64"
	"strconv"

	"qms/internal/store"
)

// PageParams are the query parameters of every list operation; embed them
// in the operation's input. The maximum limit is store.MaxPageSize (a test
// keeps the tag in step).
type PageParams struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"How many items to return, at most 200."`
	Cursor string `query:"cursor" maxLength:"64" doc:"Where to continue: the next_cursor of the previous page, passed unchanged."`
}

// PageLimit returns the page size to ask the store for.
func (p PageParams) PageLimit() int {
	if p.Limit <= 0 {
		return 50
	}
	return min(p.Limit, store.MaxPageSize)
}

// After decodes the cursor into the store's position (0 for the first
// page). A cursor this API did not hand out is a 422 problem.
func (p PageParams) After() (int64, error) {
	if p.Cursor == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	n, perr := strconv.ParseInt(string(b), 10, 64)
	if err != nil || perr != nil || n <= 0 {
		return 0, Invalid("query.cursor", "is not a cursor from this API: pass the next_cursor of the previous page unchanged")
	}
	return n, nil
}

// Cursor encodes a store position (0: none) as an opaque cursor.
func Cursor(pos int64) string {
	if pos <= 0 {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(pos, 10)))
}

// Page is one page of a list: the items, and the cursor of the next page
// when there is one.
type Page[T any] struct {
	Items      []T    `json:"items" doc:"The items of this page, in the list's order."`
	NextCursor string `json:"next_cursor,omitempty" doc:"Present when more items follow: pass it as cursor to get them."`
}

// NewPage returns a page of items (never null in JSON) with the cursor of
// the store position next (0 when this is the last page).
func NewPage[T any](items []T, next int64) Page[T] {
	if items == nil {
		items = []T{}
	}
	return Page[T]{Items: items, NextCursor: Cursor(next)}
}
