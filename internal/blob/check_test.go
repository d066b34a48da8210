package blob

import (
	"bytes"
	"encoding/binary"
	"image"
	"os/exec"
	"strings"
	"testing"

	"qms/internal/qms"
)

func TestCheck(t *testing.T) {
	pngFile := pngOf(t, marked(60, 40))
	jpegFile := jpegOf(t, marked(60, 40), 0, nil)
	rotated := jpegOf(t, marked(60, 40), 6, binary.BigEndian)
	pdf := pdfDoc()
	heic := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...)

	type want struct {
		typ           Type
		w, h, orient  int
		errContaining []string // for refusals: the message must contain each
	}
	cases := []struct {
		name  string
		data  []byte
		claim Claim
		rules Rules
		want  want
	}{
		{"PNG", pngFile, Claim{Name: "carton.png", ContentType: "image/png"}, Rules{}, want{typ: PNG, w: 60, h: 40}},
		{"JPEG", jpegFile, Claim{Name: "IMG_0001.JPG"}, Rules{}, want{typ: JPEG, w: 60, h: 40}},
		{"JPEG with EXIF orientation 6 is taller than wide", rotated, Claim{Name: "defect.jpeg", ContentType: "image/jpeg"}, Rules{},
			want{typ: JPEG, w: 40, h: 60, orient: 6}},
		{"JPEG sent as image/jpg", jpegFile, Claim{Name: "a.jpg", ContentType: "image/jpg"}, Rules{}, want{typ: JPEG, w: 60, h: 40}},
		{"JPEG sent as octet-stream", jpegFile, Claim{Name: "a", ContentType: "application/octet-stream"}, Rules{}, want{typ: JPEG, w: 60, h: 40}},
		{"PDF", pdf, Claim{Name: "ISO 9001 证书.pdf", ContentType: "application/pdf"}, Rules{}, want{typ: PDF}},
		{"PDF with a name that says nothing", pdf, Claim{Name: "scan 2024.03"}, Rules{}, want{typ: PDF}},
		{"certificate rules take a PDF", pdf, Claim{Name: "c.pdf"}, Rules{Allowed: []Type{PDF, JPEG, PNG}}, want{typ: PDF}},

		{"HTML renamed .jpg", []byte(htmlPage), Claim{Name: "photo.jpg", ContentType: "image/jpeg"}, Rules{},
			want{errContaining: []string{`"photo.jpg"`, "an HTML document", "a JPEG image, a PNG image or a PDF document"}}},
		{"truncated JPEG", jpegFile[:len(jpegFile)/2], Claim{Name: "cut.jpg"}, Rules{},
			want{errContaining: []string{"looks like a JPEG image", "damaged or incomplete"}}},
		{"PNG header declaring 100000 × 100000 pixels", hugePNG(100000, 100000), Claim{Name: "bomb.png"}, Rules{},
			want{errContaining: []string{"100000 × 100000 pixels", "50 megapixels"}}},
		{"pixel limit of the rules", pngFile, Claim{Name: "p.png"}, Rules{MaxPixels: 1000},
			want{errContaining: []string{"60 × 40 pixels", "the 1000 pixels"}}},
		{"PNG named .jpg", pngFile, Claim{Name: "photo.jpg"}, Rules{},
			want{errContaining: []string{"holds a PNG image", "ends in .jpg", "JPEG image", "end in .png"}}},
		{"JPEG named .exe", jpegFile, Claim{Name: "setup.exe"}, Rules{}, want{errContaining: []string{"ends in .exe", "another kind"}}},
		{"JPEG declared as PNG", jpegFile, Claim{Name: "x", ContentType: "image/png"}, Rules{},
			want{errContaining: []string{"sent as image/png", "holds a JPEG image"}}},
		{"JPEG declared as HTML", jpegFile, Claim{ContentType: "text/html; charset=utf-8"}, Rules{}, want{errContaining: []string{"sent as text/html"}}},
		{"PDF where only images are allowed", pdf, Claim{Name: "c.pdf"}, Rules{Allowed: Images},
			want{errContaining: []string{"is a PDF document", "upload a JPEG image or a PNG image"}}},
		{"truncated PDF", pdf[:len(pdf)-40], Claim{Name: "half.pdf"}, Rules{}, want{errContaining: []string{"incomplete or damaged"}}},
		{"empty", nil, Claim{Name: "empty.png"}, Rules{}, want{errContaining: []string{`"empty.png" is empty`}}},
		{"over the size limit", pdf, Claim{Name: "big.pdf"}, Rules{MaxBytes: 100}, want{errContaining: []string{"larger than 100 bytes"}}},
		{"HEIC from an iPhone", heic, Claim{Name: "IMG_1234.HEIC"}, Rules{}, want{errContaining: []string{"HEIC image", "export it as JPEG"}}},
		{"plain text", []byte("hello\n"), Claim{}, Rules{}, want{errContaining: []string{"The file is a text file"}}},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), Claim{Name: "logo.png"}, Rules{},
			want{errContaining: []string{"an SVG image"}}},
		{"ZIP", []byte("PK\x03\x04\x14\x00\x00\x00"), Claim{Name: "report.docx"}, Rules{}, want{errContaining: []string{"ZIP archive"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Check(bytes.NewReader(tc.data), int64(len(tc.data)), tc.claim, tc.rules)
			if len(tc.want.errContaining) > 0 {
				if err == nil {
					t.Fatalf("accepted as %s", c.Type)
				}
				if qms.ErrorKind(err) != qms.KindInvalid {
					t.Fatalf("error kind %s: %v", qms.ErrorKind(err), err)
				}
				msg := qms.ErrorMessage(err)
				for _, s := range tc.want.errContaining {
					if !strings.Contains(msg, s) {
						t.Errorf("message %q lacks %q", msg, s)
					}
				}
				if qms.ErrorFields(err)["file"] != msg {
					t.Errorf("fields %v do not hold the message under file", qms.ErrorFields(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := want{typ: c.Type, w: c.Width, h: c.Height, orient: c.Orientation}
			if got.typ != tc.want.typ || got.w != tc.want.w || got.h != tc.want.h || got.orient != tc.want.orient {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if (c.Image != nil) != c.Type.IsImage() {
				t.Errorf("image decoded: %v, for a %s", c.Image != nil, c.Type)
			}
		})
	}
}

// TestPDFFixture checks the generated PDF with poppler, so that the
// sniffing tests use a real document.
func TestPDFFixture(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	cmd := exec.Command(bin, "-", "-")
	cmd.Stdin = bytes.NewReader(pdfDoc())
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "Inspection") {
		t.Fatalf("pdftotext: %v: %q", err, out)
	}
}

// TestThumbnailIsUpright checks that a photo taken with the camera turned
// (EXIF orientation 6) gets an upright thumbnail: the red block of the
// sensor's top-left corner shows at the top right.
func TestThumbnailIsUpright(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		data := jpegOf(t, marked(600, 300), 6, bo)
		c, err := Check(bytes.NewReader(data), int64(len(data)), Claim{Name: "turned.jpg"}, Rules{})
		if err != nil {
			t.Fatal(err)
		}
		th, err := Thumbnail(c, ThumbSize)
		if err != nil {
			t.Fatal(err)
		}
		img, format, err := image.Decode(bytes.NewReader(th))
		if err != nil || format != "jpeg" {
			t.Fatalf("thumbnail: %v, format %q", err, format)
		}
		if b := img.Bounds(); b.Dx() != 160 || b.Dy() != ThumbSize {
			t.Fatalf("thumbnail is %d × %d, want 160 × 320", b.Dx(), b.Dy())
		}
		isRed := func(x, y int) bool {
			r, g, b, _ := img.At(x, y).RGBA()
			return r > 0x9000 && g < 0x5000 && b < 0x5000
		}
		if !isRed(150, 10) || isRed(10, 10) || isRed(150, 310) {
			t.Errorf("%v: the red corner is not at the top right", bo)
		}
	}
}

func TestThumbnailSizes(t *testing.T) {
	for _, tc := range []struct{ w, h, tw, th int }{
		{4000, 3000, 320, 240}, {3000, 4000, 240, 320}, {100, 50, 100, 50}, {2000, 3, 320, 1}, {320, 320, 320, 320},
	} {
		c := &Content{Type: PNG, Image: image.NewNRGBA(image.Rect(0, 0, tc.w, tc.h))}
		th, err := Thumbnail(c, ThumbSize)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(th))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != tc.tw || cfg.Height != tc.th {
			t.Errorf("%d × %d: thumbnail %d × %d, want %d × %d", tc.w, tc.h, cfg.Width, cfg.Height, tc.tw, tc.th)
		}
	}
}

// TestThumbnailOfTransparentPNG: transparent areas become white, not
// black.
func TestThumbnailOfTransparentPNG(t *testing.T) {
	data := pngOf(t, image.NewNRGBA(image.Rect(0, 0, 40, 40))) // fully transparent
	c, err := Check(bytes.NewReader(data), int64(len(data)), Claim{Name: "logo.png"}, Rules{})
	if err != nil {
		t.Fatal(err)
	}
	th, err := Thumbnail(c, ThumbSize)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(th))
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := img.At(20, 20).RGBA(); r < 0xf000 || g < 0xf000 || b < 0xf000 {
		t.Errorf("transparent pixel became %x %x %x", r, g, b)
	}
}

// TestOrient checks every EXIF orientation on a 3 × 2 image against the
// picture the EXIF specification draws for it.
func TestOrient(t *testing.T) {
	// raw:  a b c
	//       d e f
	want := map[int][]string{
		1: {"abc", "def"},
		2: {"cba", "fed"},
		3: {"fed", "cba"},
		4: {"def", "abc"},
		5: {"ad", "be", "cf"},
		6: {"da", "eb", "fc"},
		7: {"fc", "eb", "da"},
		8: {"cf", "be", "ad"},
	}
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i, r := range "abcdef" {
		src.Pix[4*i] = byte(r)
	}
	for o := 1; o <= 8; o++ {
		got := orient(src, o)
		var rows []string
		for y := 0; y < got.Bounds().Dy(); y++ {
			var row []byte
			for x := 0; x < got.Bounds().Dx(); x++ {
				row = append(row, got.Pix[got.PixOffset(x, y)])
			}
			rows = append(rows, string(row))
		}
		if strings.Join(rows, "/") != strings.Join(want[o], "/") {
			t.Errorf("orientation %d: got %v, want %v", o, rows, want[o])
		}
	}
}

func TestOrientation(t *testing.T) {
	img := marked(16, 16)
	for o := 1; o <= 8; o++ {
		for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
			data := jpegOf(t, img, o, bo)
			if got := Orientation(bytes.NewReader(data), int64(len(data))); got != o {
				t.Errorf("orientation %d (%v): read %d", o, bo, got)
			}
		}
	}
	plain := jpegOf(t, img, 0, nil)
	for name, data := range map[string][]byte{
		"no Exif":              plain,
		"not a JPEG":           pngOf(t, img),
		"out of range":         jpegOf(t, img, 9, binary.BigEndian),
		"XMP, not Exif":        withAPP1(plain, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")),
		"bad TIFF header":      withAPP1(plain, []byte("Exif\x00\x00XX\x00*\x00\x00\x00\x08\x00\x00")),
		"IFD past the end":     withAPP1(plain, []byte("Exif\x00\x00MM\x00*\xff\xff\xff\xf0\x00\x00\x00\x00")),
		"entries past the end": withAPP1(plain, []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff\x01\x12")),
		"truncated segment":    plain[:3],
	} {
		if got := Orientation(bytes.NewReader(data), int64(len(data))); got != 0 {
			t.Errorf("%s: orientation %d, want 0", name, got)
		}
	}
}

// FuzzCheck: no input makes Check panic or accept content whose first
// bytes are not what it says, and accepted images always have pixels.
func FuzzCheck(f *testing.F) {
	f.Add(pngOf(f, marked(8, 8)), "a.png", "")
	f.Add(jpegOf(f, marked(8, 8), 6, binary.LittleEndian), "b.jpg", "image/jpeg")
	f.Add(pdfDoc(), "c.pdf", "application/pdf")
	f.Add([]byte(htmlPage), "d.jpg", "image/jpeg")
	f.Add(hugePNG(70000, 70000), "e.png", "")
	f.Add([]byte("%PDF-1.7\n%%EOF"), "f", "text/plain")
	f.Fuzz(func(t *testing.T, data []byte, name, ctype string) {
		c, err := Check(bytes.NewReader(data), int64(len(data)), Claim{Name: name, ContentType: ctype}, Rules{MaxPixels: 1 << 20})
		if err != nil {
			if k := qms.ErrorKind(err); k != qms.KindInvalid {
				t.Fatalf("error of kind %s: %v", k, err)
			}
			return
		}
		if typ, _ := Sniff(data[:min(len(data), 512)]); typ != c.Type {
			t.Fatalf("accepted as %s, sniffed as %q", c.Type, typ)
		}
		if c.Type.IsImage() {
			if c.Image == nil || c.Width <= 0 || c.Height <= 0 {
				t.Fatalf("image without pixels: %+v", c)
			}
			if _, err := Thumbnail(c, 32); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzOrientation: the Exif reader never panics and returns 0 to 8.
func FuzzOrientation(f *testing.F) {
	f.Add(jpegOf(f, marked(4, 4), 6, binary.BigEndian))
	f.Add(jpegOf(f, marked(4, 4), 3, binary.LittleEndian))
	f.Add(exifPayload(8, binary.BigEndian))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := Orientation(bytes.NewReader(data), int64(len(data))); o < 0 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		if len(data) > 6 {
			if o := tiffOrientation(data[6:]); o < 0 || o > 8 {
				t.Fatalf("TIFF orientation %d", o)
			}
		}
	})
}
