package report

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
)

// CJKFontPaths are searched, in order, for a CJK TrueType font when no
// path is configured (Debian packages in brackets).
var CJKFontPaths = []string{
	"/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", // fonts-lxgw-wenkai
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",       // fonts-arphic-gbsn00lp
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",       // fonts-arphic-gkai00mp
	"/usr/share/fonts/truetype/arphic-bsmi00lp/bsmi00lp.ttf",       // fonts-arphic-bsmi00lp
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",    // fonts-droid-fallback
}

// Fonts are the typefaces of reports: DejaVu Sans regular and bold, embedded
// in the binary, for Latin (including Vietnamese and German) and symbols such
// as Ø ± µ ° ≤ ≥; and an optional CJK TrueType font read from a file for
// Chinese, Japanese and Korean. Load them once with LoadFonts and share them
// between documents; Fonts is safe for concurrent use.
type Fonts struct {
	sans, sansBold *face
	cjk, cjkBold   *face // nil without a CJK font; cjkBold may be nil
	log            *slog.Logger
	warnMissing    sync.Once
}

// face is one font file. Its bytes and parsed tables load on first use.
type face struct {
	name  string // fpdf family (with style) key, for example "dejavu"
	bold  bool
	path  string // "" for embedded fonts
	once  sync.Once
	data  []byte
	sf    *sfnt.Font
	upem  fixed.Int26_6
	err   error
	embed []byte
}

func (f *face) load() error {
	f.once.Do(func() {
		f.data = f.embed
		if f.data == nil {
			f.data, f.err = os.ReadFile(f.path)
			if f.err != nil {
				return
			}
		}
		if f.err = checkTrueType(f.data); f.err != nil {
			return
		}
		f.sf, f.err = sfnt.Parse(f.data)
		if f.err != nil {
			f.err = fmt.Errorf("parse font: %w", f.err)
			return
		}
		f.upem = fixed.I(int(f.sf.UnitsPerEm()))
	})
	return f.err
}

// advance returns the advance width of r in em (rounded to 1/1000 em as
// fpdf's metrics are), and false when the font has no glyph for r.
func (f *face) advance(buf *sfnt.Buffer, r rune) (float64, bool) {
	if f.load() != nil {
		return 0, false
	}
	gi, err := f.sf.GlyphIndex(buf, r)
	if err != nil || gi == 0 {
		return 0, false
	}
	adv, err := f.sf.GlyphAdvance(buf, gi, f.upem, font.HintingNone)
	if err != nil {
		return 0, false
	}
	units := float64(adv) / 64
	return float64(int(units*1000/float64(f.upem>>6)+0.5)) / 1000, true
}

// LoadFonts prepares the report fonts. cjkPath is a TrueType (.ttf, glyf
// outlines) font for CJK text; when empty the first usable font of
// CJKFontPaths is taken, and without one CJK characters print as a visible
// placeholder (□) with a warning logged once. A sibling "-Bold.ttf" of the
// CJK font, when present, is used for bold CJK text.
//
// It returns an error when cjkPath is set but cannot be read or is not a
// TrueType font: fpdf silently drops text in OpenType/CFF (.otf) fonts and
// cannot read font collections (.ttc). The CJK font file is only read in
// full when a document first needs it.
func LoadFonts(cjkPath string, log *slog.Logger) (*Fonts, error) {
	fs := newFonts(log)
	if cjkPath != "" {
		if err := CheckFontFile(cjkPath); err != nil {
			return nil, err
		}
	} else {
		for _, p := range CJKFontPaths {
			if CheckFontFile(p) == nil {
				cjkPath = p
				break
			}
		}
	}
	if cjkPath != "" {
		fs.cjk = &face{name: "cjk", path: cjkPath}
		if b, ok := strings.CutSuffix(cjkPath, "-Regular.ttf"); ok && CheckFontFile(b+"-Bold.ttf") == nil {
			fs.cjkBold = &face{name: "cjk", bold: true, path: b + "-Bold.ttf"}
		}
	}
	return fs, nil
}

// newFonts returns the embedded fonts without a CJK font.
func newFonts(log *slog.Logger) *Fonts {
	if log == nil {
		log = slog.Default()
	}
	return &Fonts{
		sans:     &face{name: "dejavu", embed: dejaVuSans},
		sansBold: &face{name: "dejavu", bold: true, embed: dejaVuSansBold},
		log:      log,
	}
}

// CJKFont returns the path of the CJK font in use, or "" when there is none.
func (fs *Fonts) CJKFont() string {
	if fs.cjk == nil {
		return ""
	}
	return fs.cjk.path
}

// CheckFontFile reports whether path is a font fpdf can embed: a single
// TrueType font with glyf outlines. The error says what the file is instead.
func CheckFontFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("font %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 12+16*64)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("font %s: %w", path, err)
	}
	if err := checkTrueType(head[:n]); err != nil {
		return fmt.Errorf("font %s: %w", path, err)
	}
	return nil
}

// checkTrueType checks the sfnt header and table directory at the start of
// data: a TrueType font with glyf, loca, cmap and hmtx tables.
func checkTrueType(data []byte) error {
	if len(data) < 12 {
		return errors.New("not a font file (too short)")
	}
	switch string(data[:4]) {
	case "\x00\x01\x00\x00", "true":
	case "OTTO":
		return errors.New("an OpenType font with CFF outlines (.otf), which fpdf cannot embed (text would silently be missing); use a TrueType .ttf font with glyf outlines, such as LXGW WenKai (Debian package fonts-lxgw-wenkai)")
	case "ttcf":
		return errors.New("a font collection (.ttc), which fpdf cannot read; use a single TrueType .ttf font, such as LXGW WenKai (Debian package fonts-lxgw-wenkai)")
	case "wOFF", "wOF2":
		return errors.New("a web font (WOFF), which fpdf cannot read; use a TrueType .ttf font")
	default:
		return errors.New("not a TrueType font file")
	}
	n := int(binary.BigEndian.Uint16(data[4:6]))
	need := map[string]bool{"glyf": false, "loca": false, "cmap": false, "hmtx": false}
	for i := 0; i < n && 12+16*i+16 <= len(data); i++ {
		tag := string(data[12+16*i : 12+16*i+4])
		if _, ok := need[tag]; ok {
			need[tag] = true
		}
	}
	var missing []string
	for _, t := range []string{"glyf", "loca", "cmap", "hmtx"} {
		if !need[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("a TrueType font without the %s tables fpdf needs", strings.Join(missing, ", "))
	}
	return nil
}

// warnMissingGlyphs logs once per Fonts that some text printed as □.
func (fs *Fonts) warnMissingGlyphs(r rune) {
	fs.warnMissing.Do(func() {
		if fs.cjk == nil && wide(r) {
			fs.log.Warn("PDF report: CJK text printed as □ because no CJK font is configured; install fonts-lxgw-wenkai or set QMS_PDF_CJK_FONT to a TrueType .ttf font",
				"char", string(r), "code", fmt.Sprintf("U+%04X", r))
			return
		}
		msg := "PDF report: a character no report font covers printed as □"
		if fs.cjk != nil && fs.cjk.load() != nil {
			msg = "PDF report: the CJK font could not be loaded, so characters printed as □"
		}
		fs.log.Warn(msg, "char", string(r), "code", fmt.Sprintf("U+%04X", r), "cjk_font", fs.CJKFont(), "error", errString(fs.cjk))
	})
}

func errString(f *face) string {
	if f == nil || f.load() == nil {
		return ""
	}
	return f.err.Error()
}
