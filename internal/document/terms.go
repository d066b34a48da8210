package document

import (
	"strings"
	"unicode"
)

// MaxTermLen bounds a search term in bytes; longer words are cut.
const MaxTermLen = 60

// Terms splits text that is already folded (lower case, without
// diacritics) into the unique terms search indexes, in order of first
// appearance: runs of letters and digits, and each Han, Hiragana,
// Katakana or Hangul character on its own (those scripts do not separate
// words with spaces). A number such as sop-7.5-01 also gives itself whole,
// so that it matches as typed.
func Terms(text string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if len(t) > MaxTermLen {
			t = t[:MaxTermLen]
			for !validEnd(t) {
				t = t[:len(t)-1]
			}
		}
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, field := range strings.Fields(text) {
		var word strings.Builder
		parts := 0
		flush := func() {
			if word.Len() > 0 {
				add(word.String())
				word.Reset()
				parts++
			}
		}
		for _, r := range field {
			switch {
			case ideographic(r):
				flush()
				add(string(r))
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				word.WriteRune(r)
			default:
				flush()
			}
		}
		flush()
		if parts > 1 && strings.IndexFunc(field, ideographic) < 0 {
			add(strings.Trim(field, ".,;:!?()[]{}\"'«»“”"))
		}
	}
	return out
}

func ideographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// validEnd reports whether s does not end inside a UTF-8 sequence.
func validEnd(s string) bool {
	if s == "" {
		return true
	}
	for i := len(s) - 1; i >= 0 && i >= len(s)-4; i-- {
		c := s[i]
		if c < 0x80 {
			return true
		}
		if c >= 0xC0 { // a lead byte: complete when the sequence fits
			n := 2
			if c >= 0xE0 {
				n = 3
			}
			if c >= 0xF0 {
				n = 4
			}
			return len(s)-i == n
		}
	}
	return false
}
