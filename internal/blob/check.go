package blob

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"qms/internal/config"
	"qms/internal/qms"
)

// Type is a kind of content qms accepts, named by its media type.
type Type string

// The accepted types.
const (
	JPEG Type = "image/jpeg"
	PNG  Type = "image/png"
	PDF  Type = "application/pdf"
	// DOCX is a Word document (Office Open XML): a ZIP archive holding
	// [Content_Types].xml and word/document.xml. Only callers that name it
	// accept it (controlled documents).
	DOCX Type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

var (
	// DefaultAllowed are the types accepted when a caller names none.
	DefaultAllowed = []Type{JPEG, PNG, PDF}
	// Images are the image types, for uploads that must be pictures.
	Images = []Type{JPEG, PNG}
)

// Label names the type for people: "JPEG image".
func (t Type) Label() string {
	switch t {
	case JPEG:
		return "JPEG image"
	case PNG:
		return "PNG image"
	case PDF:
		return "PDF document"
	case DOCX:
		return "Word document (DOCX)"
	}
	return string(t)
}

// IsImage reports whether t is an image type, which gets a thumbnail.
func (t Type) IsImage() bool { return t == JPEG || t == PNG }

// Ext is the usual file name extension of t.
func (t Type) Ext() string {
	switch t {
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	case PDF:
		return ".pdf"
	case DOCX:
		return ".docx"
	}
	return ""
}

// DefaultMaxBytes is the upload size limit when none is configured.
const DefaultMaxBytes = config.DefaultMaxFileSize

// DefaultMaxPixels is the largest image accepted when Rules name no limit:
// 50 megapixels. Larger images are refused before they are decoded, so that
// a small file declaring huge dimensions cannot exhaust memory.
const DefaultMaxPixels = 50_000_000

// maxDecodeBytes bounds the memory one decoded image may take.
const maxDecodeBytes = 256 << 20

// Rules say what an upload may be.
type Rules struct {
	Allowed   []Type // accepted types; nil means DefaultAllowed
	MaxBytes  int64  // size limit; 0 means DefaultMaxBytes
	MaxPixels int64  // image size limit; 0 means DefaultMaxPixels
}

func (r Rules) allowed() []Type {
	if len(r.Allowed) == 0 {
		return DefaultAllowed
	}
	return r.Allowed
}

func (r Rules) maxBytes() int64 {
	if r.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return r.MaxBytes
}

func (r Rules) maxPixels() int64 {
	if r.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return r.MaxPixels
}

// Claim is what the client said about a file; Check compares it with the
// content and never relies on it.
type Claim struct {
	Name        string // the file name sent with the upload
	ContentType string // the media type sent with the upload, if any
}

// Content is what Check found in a file.
type Content struct {
	Type        Type
	Width       int         // as displayed (EXIF orientation applied); 0 for documents
	Height      int         // as displayed; 0 for documents
	Orientation int         // EXIF orientation of a JPEG, 1 to 8; 0 when there is none
	Image       image.Image // the decoded image, not yet oriented; nil for documents
}

// Check decides from the content whether the size bytes of r may be
// stored under rules: the type is sniffed from the bytes, must be one of
// the allowed types and must agree with the claimed name and media type;
// images must decode completely within the pixel limit; PDF documents
// must be complete. It performs no I/O besides reading r. Returns an
// invalid error that says what was received and what is accepted.
func Check(r io.ReaderAt, size int64, claim Claim, rules Rules) (*Content, error) {
	name := "" // ` "photo.jpg"`, to follow "The file"
	if claim.Name != "" {
		name = fmt.Sprintf(" %q", SanitizeName(claim.Name))
	}
	switch {
	case size <= 0:
		return nil, invalid("The file%s is empty.", name)
	case size > rules.maxBytes():
		return nil, invalid("The file%s is larger than %s, the most that is accepted.", name, describeSize(rules.maxBytes()))
	}
	head := make([]byte, min(size, 512))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	t, what := Sniff(head)
	allowed := rules.allowed()
	if t == "" && contains(allowed, DOCX) && bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		t, what = sniffDOCX(r, size)
	}
	if t == "" || !contains(allowed, t) {
		return nil, invalid("The file%s is %s, which is not accepted here: upload %s.", name, what, typeList(allowed))
	}
	if ext, named := extType(claim.Name); ext != "" && named != t {
		label := "a file of another kind"
		if named != "" {
			label = "a " + named.Label()
		}
		return nil, invalid("The file%s holds %s, but its name ends in %s, which stands for %s. Rename it to end in %s, or upload the right file.",
			name, what, ext, label, t.Ext())
	}
	if declared := declaredType(claim.ContentType); declared != "" && declared != string(t) && !isAlias(t, declared) {
		return nil, invalid("The file%s was sent as %s, but it holds %s.", name, declared, what)
	}
	c := &Content{Type: t}
	sr := io.NewSectionReader(r, 0, size)
	switch t {
	case PDF:
		return c, checkPDF(r, size, name)
	case DOCX:
		return c, nil
	case JPEG:
		c.Orientation = Orientation(r, size)
	}
	cfg, err := decodeConfig(t, sr)
	if err != nil {
		return nil, invalid("The file%s looks like a %s but cannot be read: it is damaged or incomplete.", name, t.Label())
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	switch {
	case cfg.Width <= 0 || cfg.Height <= 0:
		return nil, invalid("The image%s has no pixels.", name)
	case pixels > rules.maxPixels() || pixels*bytesPerPixel(cfg.ColorModel) > maxDecodeBytes:
		return nil, invalid("The image%s is %d × %d pixels, larger than the %s that are accepted; scale it down first.",
			name, cfg.Width, cfg.Height, megapixels(min(rules.maxPixels(), maxDecodeBytes/bytesPerPixel(cfg.ColorModel))))
	}
	if _, err := sr.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, err := decode(t, sr)
	if err != nil {
		return nil, invalid("The file%s looks like a %s but cannot be read: it is damaged or incomplete.", name, t.Label())
	}
	c.Image = img
	c.Width, c.Height = cfg.Width, cfg.Height
	if c.Orientation >= 5 { // turned by a quarter: width and height swap
		c.Width, c.Height = c.Height, c.Width
	}
	return c, nil
}

func invalid(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &qms.Error{Kind: qms.KindInvalid, Message: msg, Fields: map[string]string{"file": msg}}
}

func contains(ts []Type, t Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// typeList writes "a JPEG image, a PNG image or a PDF document".
func typeList(ts []Type) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, "a "+t.Label())
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// megapixels writes a pixel count: "50 megapixels", "2.5 megapixels",
// "1000 pixels".
func megapixels(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%d pixels", n)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/1e6), ".0") + " megapixels"
}

func decodeConfig(t Type, r io.Reader) (image.Config, error) {
	if t == PNG {
		return png.DecodeConfig(r)
	}
	return jpeg.DecodeConfig(r)
}

func decode(t Type, r io.Reader) (image.Image, error) {
	if t == PNG {
		return png.Decode(r)
	}
	return jpeg.Decode(r)
}

// bytesPerPixel estimates the memory a decoded pixel of model m takes.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	return 4
}

// checkPDF accepts a document that starts with a PDF header and ends with
// an end-of-file marker, so that a truncated upload is refused.
func checkPDF(r io.ReaderAt, size int64, name string) error {
	tail := make([]byte, min(size, 1024))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read upload: %w", err)
	}
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return invalid("The file%s starts like a PDF document but has no end: it is incomplete or damaged. Save or scan it again.", name)
	}
	return nil
}

// Sniff returns the accepted type the content starts with, or "" and a
// description of what it is instead ("an HTML document"). what always
// describes the content, with an article.
func Sniff(head []byte) (t Type, what string) {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG, "a JPEG image"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, "a PNG image"
	case len(head) >= 8 && bytes.HasPrefix(head, []byte("%PDF-")) && isDigit(head[5]) && head[6] == '.' && isDigit(head[7]):
		return PDF, "a PDF document"
	}
	return "", describe(head)
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// describe says what content that is not accepted looks like, so that the
// error tells the user what they sent.
func describe(head []byte) string {
	if len(head) >= 12 && string(head[4:8]) == "ftyp" {
		switch string(head[8:12]) {
		case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
			return "a HEIC image (the iPhone photo format; export it as JPEG, or set the camera to \"Most Compatible\")"
		case "avif", "avis":
			return "an AVIF image"
		}
		return "a video"
	}
	trimmed := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "a TIFF image"
	case bytes.HasPrefix(head, []byte("MZ")), bytes.HasPrefix(head, []byte("\x7fELF")):
		return "a program"
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "an old Microsoft Office document"
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "a damaged PDF document"
	case hasPrefixFold(trimmed, "<svg"), bytes.Contains(bytes.ToLower(head), []byte("<svg")):
		return "an SVG image"
	}
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	switch {
	case ct == "text/html":
		return "an HTML document"
	case ct == "text/xml":
		return "an XML document"
	case ct == "text/plain":
		return "a text file"
	case ct == "image/gif":
		return "a GIF image"
	case ct == "image/webp":
		return "a WebP image"
	case ct == "image/bmp":
		return "a BMP image"
	case ct == "application/zip":
		return "a ZIP archive (an Office document is one too)"
	case ct == "application/x-gzip", ct == "application/x-rar-compressed":
		return "a compressed archive"
	case strings.HasPrefix(ct, "video/"):
		return "a video"
	case strings.HasPrefix(ct, "audio/"), ct == "application/ogg":
		return "a sound file"
	case strings.HasPrefix(ct, "font/"):
		return "a font"
	case ct == "application/postscript":
		return "a PostScript document"
	}
	return "a file of an unknown kind"
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// extTypes maps file name extensions to what they stand for: an accepted
// type, or "" for another known kind of file. Extensions not listed say
// nothing (names like "scan 2024.03" are common).
var extTypes = map[string]Type{
	".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".jfif": JPEG, ".pjpeg": JPEG, ".pjp": JPEG,
	".png": PNG,
	".pdf": PDF,
	".gif": "", ".webp": "", ".bmp": "", ".tif": "", ".tiff": "", ".heic": "", ".heif": "", ".avif": "", ".svg": "",
	".html": "", ".htm": "", ".xhtml": "", ".xml": "", ".js": "", ".txt": "", ".csv": "",
	".doc": "", ".docx": DOCX, ".xls": "", ".xlsx": "", ".ppt": "", ".pptx": "", ".odt": "", ".rtf": "",
	".zip": "", ".rar": "", ".7z": "", ".gz": "", ".exe": "", ".bat": "", ".cmd": "", ".sh": "", ".ps1": "",
	".mp4": "", ".mov": "",
}

// extType returns the known extension of name (lower-case) and the type it
// stands for; ext is "" when the name says nothing.
func extType(name string) (ext string, t Type) {
	ext = strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))
	t, ok := extTypes[ext]
	if !ok {
		return "", ""
	}
	return ext, t
}

// declaredType returns the media type a client declared, or "" when it
// said nothing specific (no type, or a generic binary type).
func declaredType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	switch mt {
	case "application/octet-stream", "binary/octet-stream", "application/binary", "application/unknown",
		"application/x-download", "application/force-download", "application/download":
		return ""
	}
	return mt
}

// aliases are other media types clients send for the accepted types.
var aliases = map[Type][]string{
	JPEG: {"image/jpg", "image/pjpeg", "image/jpe", "image/x-citrix-jpeg"},
	PNG:  {"image/x-png", "image/apng", "image/x-citrix-png"},
	PDF:  {"application/x-pdf", "application/acrobat", "applications/vnd.pdf", "text/pdf", "text/x-pdf"},
}

func isAlias(t Type, mt string) bool {
	for _, a := range aliases[t] {
		if a == mt {
			return true
		}
	}
	return false
}

// sniffDOCX reports whether the ZIP archive r is a Word document: it must
// open as a ZIP and hold [Content_Types].xml and word/document.xml.
func sniffDOCX(r io.ReaderAt, size int64) (Type, string) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return "", "a damaged ZIP archive"
	}
	var types, doc bool
	for _, f := range z.File {
		switch f.Name {
		case "[Content_Types].xml":
			types = true
		case "word/document.xml":
			doc = true
		}
	}
	if types && doc {
		return DOCX, "a Word document (DOCX)"
	}
	return "", "a ZIP archive that is not a Word document"
}
