package blob

import (
	"mime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeName(t *testing.T) {
	for in, want := range map[string]string{
		"ISO 9001 证书.pdf":                  "ISO 9001 证书.pdf",
		"Biên bản kiểm tra.jpg":            "Biên bản kiểm tra.jpg",
		"Bie\u0302n ba\u0309n.jpg":         "Biên bản.jpg", // NFD from macOS becomes NFC
		`C:\Users\王\Desktop\检验 报告.png`:     "检验 报告.png",
		"../../etc/passwd":                 "passwd",
		"photo\u202egpj.exe":               "photogpj.exe", // no right-to-left override
		"zero\u200bwidth.png":              "zerowidth.png",
		"tab\tand\nnewline.jpg":            "tab and newline.jpg",
		"bell\x07.jpg":                     "bell.jpg",
		`what?<is>"this"|*:.pdf`:           "what__is__this____.pdf",
		"  . hidden .  ":                   "hidden",
		"..":                               "",
		"bad\xffutf8.png":                  "bad_utf8.png",
		"สินค้า ตรวจสอบ.pdf":               "สินค้า ตรวจสอบ.pdf",
		strings.Repeat("长", 300) + ".jpeg": strings.Repeat("长", MaxNameLen-5) + ".jpeg",
		strings.Repeat("a", 300) + "." + strings.Repeat("x", 30): strings.Repeat("a", 200), // no extension that long
	} {
		got := SanitizeName(in)
		if got != want {
			t.Errorf("SanitizeName(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxNameLen {
			t.Errorf("SanitizeName(%q) = %q: not valid or too long", in, got)
		}
	}
}

// TestContentDisposition checks that the header names the file exactly,
// decoded as a client decodes it (mime.ParseMediaType reads filename*).
func TestContentDisposition(t *testing.T) {
	for _, name := range []string{"report.pdf", "ISO 9001 证书 (2024).pdf", "Nhà máy Bình Dương – ảnh #3.jpg", "50% done.png", `a"quoted"\name.png`} {
		h := ContentDisposition("attachment", name)
		disp, params, err := mime.ParseMediaType(h)
		if err != nil {
			t.Fatalf("%q: %v", h, err)
		}
		want := SanitizeName(name)
		if disp != "attachment" || params["filename"] != want {
			t.Errorf("%q decodes to %s %q, want %q", h, disp, params["filename"], want)
		}
		ascii, _, _ := strings.Cut(h, "; filename*")
		for _, r := range ascii {
			if r >= utf8.RuneSelf {
				t.Errorf("the ASCII part of %q holds %q", h, r)
			}
		}
	}
	if got := ContentDisposition("inline", "photo.jpg"); got != `inline; filename="photo.jpg"` {
		t.Errorf("plain name: %s", got)
	}
	if got := ContentDisposition("inline", "\u202e"); got != "inline" {
		t.Errorf("empty name: %s", got)
	}
}
