package blob

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Real small files, made by the tests.

var (
	red  = color.RGBA{220, 20, 20, 255}
	blue = color.RGBA{20, 20, 220, 255}
)

// marked is a w × h image, blue with a red block in its top-left corner,
// so that tests can tell which way up it is.
func marked(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := blue
			if x < w/3 && y < h/3 {
				c = red
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegOf encodes img as JPEG; orientation > 0 adds an Exif block (APP1)
// with that orientation, in the given byte order.
func jpegOf(t testing.TB, img image.Image, orientation int, bo binary.ByteOrder) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if orientation == 0 {
		return data
	}
	return withAPP1(data, exifPayload(orientation, bo))
}

// exifPayload is an Exif APP1 payload whose first IFD holds an unrelated
// tag (ImageWidth) and then Orientation.
func exifPayload(orientation int, bo binary.ByteOrder) []byte {
	var t bytes.Buffer
	if bo == binary.LittleEndian {
		t.WriteString("II")
	} else {
		t.WriteString("MM")
	}
	w16 := func(v uint16) { binary.Write(&t, bo, v) }
	w32 := func(v uint32) { binary.Write(&t, bo, v) }
	w16(42)
	w32(8) // first IFD right after the header
	w16(2) // two entries
	w16(0x0100)
	w16(4)
	w32(1)
	w32(640) // ImageWidth LONG 640
	w16(0x0112)
	w16(3)
	w32(1)
	w16(uint16(orientation))
	w16(0) // Orientation SHORT, padded
	w32(0) // no next IFD
	return append([]byte("Exif\x00\x00"), t.Bytes()...)
}

// withAPP1 inserts an APP1 segment with payload after the SOI marker (and
// after a JFIF APP0 segment, where cameras put it).
func withAPP1(jpg, payload []byte) []byte {
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	at := 2
	if jpg[2] == 0xff && jpg[3] == 0xe0 { // JFIF APP0
		at += 2 + int(binary.BigEndian.Uint16(jpg[4:]))
	}
	out := append([]byte{}, jpg[:at]...)
	out = append(out, seg...)
	return append(out, jpg[at:]...)
}

// pdfDoc is a small valid one-page PDF with a correct cross-reference
// table.
func pdfDoc() []byte {
	text := "BT /F1 18 Tf 20 40 Td (Inspection) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// hugePNG is a tiny PNG whose header declares w × h pixels: decoding it
// would need gigabytes.
func hugePNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

const htmlPage = "<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>\n"
