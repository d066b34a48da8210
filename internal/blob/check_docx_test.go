package blob

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"qms/internal/qms"
)

func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("<xml/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCheckDOCX: a Word document is accepted where DOCX is allowed; a ZIP
// that is not one, a DOCX where it is not allowed, and a DOCX named as
// another type are refused with a message that says what they are.
func TestCheckDOCX(t *testing.T) {
	docx := zipOf(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
	allow := Rules{Allowed: []Type{PDF, DOCX}}
	c, err := Check(bytes.NewReader(docx), int64(len(docx)), Claim{Name: "SOP-001.docx"}, allow)
	if err != nil || c.Type != DOCX {
		t.Fatalf("a DOCX: %v %+v", err, c)
	}
	for _, bad := range []struct {
		name  string
		data  []byte
		claim Claim
		rules Rules
		want  string
	}{
		{"a plain ZIP", zipOf(t, "a.txt"), Claim{Name: "SOP-001.docx"}, allow, "not a Word document"},
		{"a spreadsheet", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), Claim{Name: "list.docx"}, allow, "not a Word document"},
		{"DOCX not allowed", docx, Claim{Name: "SOP-001.docx"}, Rules{}, "ZIP archive"},
		{"named as a PDF", docx, Claim{Name: "SOP-001.pdf"}, allow, "ends in .pdf"},
		{"a truncated ZIP", docx[:40], Claim{Name: "SOP-001.docx"}, allow, "damaged ZIP"},
	} {
		_, err := Check(bytes.NewReader(bad.data), int64(len(bad.data)), bad.claim, bad.rules)
		if qms.ErrorKind(err) != qms.KindInvalid || !strings.Contains(qms.ErrorMessage(err), bad.want) {
			t.Errorf("%s: %v, want a message with %q", bad.name, err, bad.want)
		}
	}
}
