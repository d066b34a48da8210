package config

import (
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Report names the settings of commands that render PDF reports.
var Report = []string{"pdf-cjk-font", "report-client"}

// MaxReportClientLen bounds the client name printed on reports.
const MaxReportClientLen = 200

func init() {
	settings = append(settings, setting{"pdf-cjk-font", "QMS_PDF_CJK_FONT",
		"TrueType font (.ttf with glyf outlines, not .otf or .ttc) for Chinese, Japanese and Korean text in PDF reports; empty: search known paths such as /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", false,
		func(c *Config) string { return c.PDFCJKFont }, setPDFCJKFont},
		setting{"report-client", "QMS_REPORT_CLIENT",
			"client or company name printed in the header of inspection reports (HTML and PDF), e.g. \"Müller Audio GmbH\"; empty: none", false,
			func(c *Config) string { return c.ReportClient }, setReportClient})
	Server = append(Server, "pdf-cjk-font", "report-client")
}

// setReportClient checks the client name: one line of printable text of
// at most MaxReportClientLen characters (surrounding spaces dropped).
func setReportClient(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n > MaxReportClientLen {
		return fmt.Errorf("the client name has %d characters; at most %d are printed on reports", n, MaxReportClientLen)
	}
	if !utf8.ValidString(v) || strings.IndexFunc(v, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0 {
		return fmt.Errorf("the client name must be one line of printable text")
	}
	c.ReportClient = v
	return nil
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
