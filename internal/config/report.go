package config

import (
	"fmt"
	"os"
)

// Report names the settings of commands that render PDF reports.
var Report = []string{"pdf-cjk-font"}

func init() {
	settings = append(settings, setting{"pdf-cjk-font", "QMS_PDF_CJK_FONT",
		"TrueType font (.ttf with glyf outlines, not .otf or .ttc) for Chinese, Japanese and Korean text in PDF reports; empty: search known paths such as /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", false,
		func(c *Config) string { return c.PDFCJKFont }, setPDFCJKFont})
	Server = append(Server, "pdf-cjk-font")
}

// setPDFCJKFont checks that the font file exists; internal/report checks
// that it is a TrueType font when it loads it at start-up.
func setPDFCJKFont(c *Config, v string) error {
	st, err := os.Stat(v)
	if err != nil {
		return fmt.Errorf("font file not found: %v", err)
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory, not a font file", v)
	}
	c.PDFCJKFont = v
	return nil
}
