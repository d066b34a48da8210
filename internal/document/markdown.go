package document

import (
	"html"
	"html/template"
	"strings"
)

// Markdown renders the Markdown text of a revision as HTML. It knows a
// safe subset: headings (#), paragraphs, bulleted (- or *) and numbered
// (1.) lists, block quotes (>), fenced code blocks (```), horizontal rules
// (---), and inline **bold**, *italic* and `code`. Every character of the
// text is escaped: raw HTML, links and images are shown as typed, never
// interpreted, so a revision cannot inject markup or scripts.
func Markdown(src string) template.HTML {
	var b strings.Builder
	lines := splitLines(src)
	var para []string
	list := "" // "ul" or "ol" while a list is open
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	openList := func(kind string) {
		if list != kind {
			closeList()
			b.WriteString("<" + kind + ">\n")
			list = kind
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "```"):
			flush()
			closeList()
			b.WriteString("<pre><code>")
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				b.WriteString(html.EscapeString(lines[i]) + "\n")
			}
			b.WriteString("</code></pre>\n")
		case t == "":
			flush()
			closeList()
		case t == "---" || t == "***" || t == "___":
			flush()
			closeList()
			b.WriteString("<hr>\n")
		case heading(t) > 0:
			flush()
			closeList()
			n := heading(t)
			h := string(rune('0' + n))
			b.WriteString("<h" + h + ">" + inline(strings.TrimSpace(t[n:])) + "</h" + h + ">\n")
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "+ "):
			flush()
			openList("ul")
			b.WriteString("<li>" + inline(strings.TrimSpace(t[2:])) + "</li>\n")
		case orderedItem(t) > 0:
			flush()
			openList("ol")
			b.WriteString("<li>" + inline(strings.TrimSpace(t[orderedItem(t):])) + "</li>\n")
		case strings.HasPrefix(t, ">"):
			flush()
			closeList()
			b.WriteString("<blockquote>" + inline(strings.TrimSpace(strings.TrimPrefix(t, ">"))) + "</blockquote>\n")
		default:
			if list != "" && (strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t")) {
				b.WriteString("<li class=\"cont\">" + inline(t) + "</li>\n")
				continue
			}
			closeList()
			para = append(para, t)
		}
	}
	flush()
	closeList()
	return template.HTML(b.String()) //nolint:gosec // every piece of text above is escaped
}

// heading returns the level of a heading line ("## Scope" is 2), or 0.
func heading(t string) int {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n == len(t) || t[n] != ' ' {
		return 0
	}
	return n
}

// orderedItem returns the length of the marker of a numbered list item
// ("12. " is 4), or 0.
func orderedItem(t string) int {
	n := 0
	for n < len(t) && n < 9 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n == 0 || n+1 >= len(t) || (t[n] != '.' && t[n] != ')') || t[n+1] != ' ' {
		return 0
	}
	return n + 2
}

// inline escapes s and renders **bold**, *italic* and `code` spans.
func inline(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		switch {
		case s[0] == '`':
			if end := strings.IndexByte(s[1:], '`'); end >= 0 {
				b.WriteString("<code>" + html.EscapeString(s[1:1+end]) + "</code>")
				s = s[end+2:]
				continue
			}
		case strings.HasPrefix(s, "**"):
			if end := strings.Index(s[2:], "**"); end > 0 {
				b.WriteString("<strong>" + inline(s[2:2+end]) + "</strong>")
				s = s[end+4:]
				continue
			}
		case s[0] == '*' || s[0] == '_':
			if end := strings.IndexByte(s[1:], s[0]); end > 0 && s[1] != ' ' {
				b.WriteString("<em>" + inline(s[1:1+end]) + "</em>")
				s = s[end+2:]
				continue
			}
		}
		// Copy up to the next marker, escaped.
		next := strings.IndexAny(s[1:], "`*_")
		if next < 0 {
			next = len(s) - 1
		}
		b.WriteString(html.EscapeString(s[:next+1]))
		s = s[next+1:]
	}
	return b.String()
}

// PlainText is the text of a Markdown revision for search: the source as
// typed, lower-cased.
func PlainText(src string) string { return strings.ToLower(src) }
