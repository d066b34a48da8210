package document

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMarkdown: whatever the text, the rendering holds no markup of the
// text's own (every < of the input is escaped).
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# x", "**<b>**", "- <i>\n  <u>", "```\n<script>\n", "*_`<`_*", "1. <a href=x>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		h := string(Markdown(src))
		for _, bad := range []string{"<script", "<a ", "<img", "<b>", "<i>", "<u>", "<iframe"} {
			if strings.Contains(h, bad) {
				t.Fatalf("%q renders %q", src, h)
			}
		}
	})
}

// FuzzDiff: the diff of two texts rebuilds both.
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		var old, nw []string
		for _, l := range Diff(a, b) {
			if l.Op != OpAdd {
				old = append(old, l.Text)
			}
			if l.Op != OpRemove {
				nw = append(nw, l.Text)
			}
		}
		norm := func(s string) string { return strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }
		if strings.Join(old, "\n") != norm(a) || strings.Join(nw, "\n") != norm(b) {
			t.Fatalf("diff of %q and %q does not rebuild them", a, b)
		}
	})
}

// FuzzTerms: terms are valid UTF-8, short, unique and not empty.
func FuzzTerms(f *testing.F) {
	f.Add("sop-7.5-01 检验 kiểm tra")
	f.Fuzz(func(t *testing.T, s string) {
		seen := map[string]bool{}
		for _, term := range Terms(s) {
			if term == "" || len(term) > MaxTermLen || seen[term] || !utf8.ValidString(term) && utf8.ValidString(s) {
				t.Fatalf("Terms(%q) gives %q", s, term)
			}
			seen[term] = true
		}
	})
}
