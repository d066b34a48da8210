package qms

import (
	"fmt"
	"time"
)

// Date is a calendar date without a time of day or a zone: a certificate's
// issue and expiry dates, a due date. The zero Date means "no date". Dates
// compare with == and with Compare, Before and After.
type Date struct {
	year  int
	month time.Month
	day   int
}

// DateLayout is the one textual form of a Date (ISO 8601, as stored).
const DateLayout = "2006-01-02"

// NewDate returns the date y-m-d, normalised the way time.Date normalises
// (so January 32 is February 1).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD". The empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil || len(s) != len(DateLayout) {
		return Date{}, Errorf(KindInvalid, "%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d == Date{} }

// Year, Month and Day return the parts of d.
func (d Date) Year() int            { return d.year }
func (d Date) Month() time.Month    { return d.month }
func (d Date) Day() int             { return d.day }
func (d Date) ymd() (int, int, int) { return d.year, int(d.month), d.day }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC) }

// String returns "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
}

// AddDate returns d plus the given years, months and days, normalised as
// time.AddDate does (2024-02-29 plus one year is 2025-03-01).
func (d Date) AddDate(years, months, days int) Date {
	return DateOf(d.Time().AddDate(years, months, days))
}

// DaysUntil returns the number of days from d to e: positive when e is later.
func (d Date) DaysUntil(e Date) int {
	return int(e.Time().Sub(d.Time()).Hours() / 24)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a1, a2, a3 := d.ymd()
	b1, b2, b3 := e.ymd()
	for _, c := range [][2]int{{a1, b1}, {a2, b2}, {a3, b3}} {
		if c[0] < c[1] {
			return -1
		}
		if c[0] > c[1] {
			return 1
		}
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// MarshalText returns "YYYY-MM-DD", or nothing for the zero Date.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "YYYY-MM-DD"; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
