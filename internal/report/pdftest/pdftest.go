// Package pdftest checks PDFs in tests with Debian's poppler-utils:
// pdftotext (text), pdfinfo (page count) and pdftoppm (page images). When
// the tools are missing a test fails under CI=true and is skipped otherwise,
// with a message saying what to install.
package pdftest

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Require fails (CI=true) or skips the test unless pdftotext, pdfinfo and
// pdftoppm are installed.
func Require(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("%s not found: install poppler-utils (apt-get install poppler-utils)", tool)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
}

func write(t testing.TB, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// Text returns the text of the PDF as pdftotext -layout extracts it, pages
// separated by form feeds.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	Require(t)
	return string(run(t, "pdftotext", "-layout", "-enc", "UTF-8", write(t, pdf), "-"))
}

// PageTexts returns the extracted text of each page.
func PageTexts(t testing.TB, pdf []byte) []string {
	t.Helper()
	pages := strings.Split(Text(t, pdf), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// Pages returns the page count pdfinfo reports.
func Pages(t testing.TB, pdf []byte) int {
	t.Helper()
	Require(t)
	m := pagesRE.FindSubmatch(run(t, "pdfinfo", write(t, pdf)))
	if m == nil {
		t.Fatal("pdfinfo printed no page count")
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Render returns every page rendered by pdftoppm at dpi (50 is enough to
// see the layout).
func Render(t testing.TB, pdf []byte, dpi int) []image.Image {
	t.Helper()
	Require(t)
	dir := t.TempDir()
	src := write(t, pdf)
	run(t, "pdftoppm", "-png", "-r", strconv.Itoa(dpi), src, filepath.Join(dir, "page"))
	files, err := filepath.Glob(filepath.Join(dir, "page*.png"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files) // pdftoppm pads the numbers to equal width
	var imgs []image.Image
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		imgs = append(imgs, img)
	}
	return imgs
}

// Ink is the share of pixels (0 to 1) of an image that are not near white.
func Ink(img image.Image) float64 {
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0xf000 {
				dark++
			}
		}
	}
	n := b.Dx() * b.Dy()
	if n == 0 {
		return 0
	}
	return float64(dark) / float64(n)
}

// InkIn is Ink over the part of img between the fractions y0 and y1 of its
// height (0 is the top), for checking a page region such as the body.
func InkIn(img image.Image, y0, y1 float64) float64 {
	b := img.Bounds()
	r := image.Rect(b.Min.X, b.Min.Y+int(float64(b.Dy())*y0), b.Max.X, b.Min.Y+int(float64(b.Dy())*y1))
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return Ink(s.SubImage(r))
	}
	return Ink(img)
}

// Save writes the pages as PNG files into dir (for looking at a report
// while developing; tests must not commit them).
func Save(t testing.TB, imgs []image.Image, dir, prefix string) {
	t.Helper()
	for i, img := range imgs {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%02d.png", prefix, i+1)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
