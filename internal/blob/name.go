package blob

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxNameLen is the longest original file name kept, in characters.
const MaxNameLen = 200

// SanitizeName returns the part of an uploaded file name that is worth
// keeping: the last path element, in NFC, without control and invisible
// formatting characters (such as the right-to-left override that makes
// "photo\u202Egpj.exe" look like "photoexe.jpg"), without the characters
// that file systems refuse (<>:"/\|?*), trimmed, and at most MaxNameLen
// characters with the extension kept. Chinese, Vietnamese and every other
// script are kept as they are. The result may be "".
func SanitizeName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = norm.NFC.String(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(b.String(), " .")
	if utf8.RuneCountInString(name) > MaxNameLen {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 16 {
			ext = ""
		}
		stem := []rune(strings.TrimSuffix(name, ext))
		name = strings.TrimRight(string(stem[:MaxNameLen-utf8.RuneCountInString(ext)]), " .") + ext
	}
	return name
}

// ContentDisposition returns a Content-Disposition header value (RFC 6266)
// for disposition ("inline" or "attachment") and a file name: an ASCII
// filename for old clients and, when the name is not plain ASCII, the exact
// name as filename* in UTF-8 (RFC 8187).
func ContentDisposition(disposition, name string) string {
	name = SanitizeName(name)
	if name == "" {
		return disposition
	}
	var ascii strings.Builder
	plain := true
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '%' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
			plain = false
		}
	}
	v := disposition + `; filename="` + ascii.String() + `"`
	if !plain {
		v += "; filename*=UTF-8''" + encode5987(name)
	}
	return v
}

// encode5987 percent-encodes s except for the attr-char set of RFC 8187.
func encode5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
