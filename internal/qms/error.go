package qms

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies an error so that every surface can map it to a response in
// one table. The set is closed.
type Kind int

const (
	KindInternal        Kind = iota // a bug or an unavailable dependency; never shown to users
	KindInvalid                     // the input is wrong; the message says how to fix it
	KindUnauthenticated             // no valid credentials
	KindForbidden                   // credentials are valid but the role may not do this
	KindNotFound                    // the record does not exist (or may not be seen)
	KindConflict                    // a stale version, a duplicate, or a state that forbids the change
	KindTooMany                     // throttled; try again later
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindForbidden:
		return "forbidden"
	case KindNotFound:
		return "not_found"
	case KindConflict:
		return "conflict"
	case KindTooMany:
		return "too_many_requests"
	}
	return "internal"
}

// Error is an error with a kind and a message that is safe to show to users.
// Fields holds per-field messages for invalid input (field name -> message).
type Error struct {
	Kind    Kind
	Message string
	Fields  map[string]string
	Err     error // the cause, for logs only
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i == 0 {
				b.WriteString(": ")
			} else {
				b.WriteString("; ")
			}
			b.WriteString(k + ": " + e.Fields[k])
		}
	}
	if e.Err != nil {
		b.WriteString(" (" + e.Err.Error() + ")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k with a formatted, user-safe message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of err: the kind of the first *Error in its
// chain, or KindInternal.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the user-safe message of err. Internal errors get a
// generic message: their text never reaches users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal {
		return e.Message
	}
	return "An internal error occurred. It has been logged; please try again or contact your administrator."
}

// ErrorFields returns the per-field messages of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects per-field validation messages.
type Problems map[string]string

// Add records msg for field unless the field already has a message.
func (p Problems) Add(field, msg string) {
	if _, ok := p[field]; !ok {
		p[field] = msg
	}
}

// Err returns nil when there are no problems, or an invalid *Error listing them.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "Some fields are not valid", Fields: map[string]string(p)}
}
