package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPDFCJKFontSetting(t *testing.T) {
	if !slices.Contains(Server, "pdf-cjk-font") || !slices.Contains(All(), "pdf-cjk-font") {
		t.Fatal("pdf-cjk-font is not a server setting")
	}
	font := filepath.Join(t.TempDir(), "font.ttf")
	if err := os.WriteFile(font, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	resolve := func(args []string, env map[string]string) (Config, error) {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		vals := Bind(fs, Report)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return Resolve(fs, vals, func(k string) string { return env[k] })
	}
	if c, err := resolve(nil, nil); err != nil || c.PDFCJKFont != "" {
		t.Errorf("default: %q, %v; want empty (search known paths)", c.PDFCJKFont, err)
	}
	if c, err := resolve(nil, map[string]string{"QMS_PDF_CJK_FONT": font}); err != nil || c.PDFCJKFont != font {
		t.Errorf("from the environment: %q, %v", c.PDFCJKFont, err)
	}
	other := filepath.Join(t.TempDir(), "other.ttf")
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := resolve([]string{"--pdf-cjk-font", font}, map[string]string{"QMS_PDF_CJK_FONT": other}); err != nil || c.PDFCJKFont != font {
		t.Errorf("flag over environment: %q, %v", c.PDFCJKFont, err)
	}
	for _, bad := range []string{filepath.Join(t.TempDir(), "missing.ttf"), t.TempDir()} {
		if _, err := resolve(nil, map[string]string{"QMS_PDF_CJK_FONT": bad}); err == nil || !strings.Contains(err.Error(), "QMS_PDF_CJK_FONT") {
			t.Errorf("%s: error %v, want one naming QMS_PDF_CJK_FONT", bad, err)
		}
	}
}

func TestReportClientSetting(t *testing.T) {
	if !slices.Contains(Server, "report-client") || !slices.Contains(Report, "report-client") {
		t.Fatal("report-client is not a server and report setting")
	}
	resolve := func(args []string, env map[string]string) (Config, error) {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		vals := Bind(fs, Report)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return Resolve(fs, vals, func(k string) string { return env[k] })
	}
	if c, err := resolve(nil, nil); err != nil || c.ReportClient != "" {
		t.Errorf("default: %q, %v; want none", c.ReportClient, err)
	}
	if c, err := resolve(nil, map[string]string{"QMS_REPORT_CLIENT": " Müller Audio GmbH 慕勒音响 "}); err != nil || c.ReportClient != "Müller Audio GmbH 慕勒音响" {
		t.Errorf("from the environment: %q, %v", c.ReportClient, err)
	}
	if c, err := resolve([]string{"--report-client", "Nordic Home AB"}, map[string]string{"QMS_REPORT_CLIENT": "other"}); err != nil || c.ReportClient != "Nordic Home AB" {
		t.Errorf("flag over environment: %q, %v", c.ReportClient, err)
	}
	for _, bad := range []string{"two\nlines", strings.Repeat("x", MaxReportClientLen+1)} {
		if _, err := resolve(nil, map[string]string{"QMS_REPORT_CLIENT": bad}); err == nil {
			t.Errorf("%.20q accepted", bad)
		}
	}
}
