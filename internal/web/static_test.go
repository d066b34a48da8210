package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// vendorSHA256 pins the vendored JavaScript (see static/vendor/README.md).
var vendorSHA256 = map[string]string{
	"vendor/htmx-2.0.11.min.js": "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
}

func TestVendoredFiles(t *testing.T) {
	for name, want := range vendorSHA256 {
		b, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: sha256 %s, want %s", name, got, want)
		}
	}
}

func TestAssets(t *testing.T) {
	as := mustLoadAssets()
	for _, name := range []string{"app.css", "app.js", "favicon.svg", "vendor/htmx-2.0.11.min.js"} {
		u, err := as.URL(name)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := staticFS.ReadFile("static/" + name)
		r := httptest.NewRequest("GET", u, nil)
		r.SetPathValue("path", strings.TrimPrefix(u, "/static/"))
		w := httptest.NewRecorder()
		as.ServeHTTP(w, r)
		if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want) {
			t.Errorf("%s at %s: status %d, %d bytes, want the file's %d", name, u, w.Code, w.Body.Len(), len(want))
		}
		if w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || w.Header().Get("Content-Type") == "" {
			t.Errorf("%s: headers %v", name, w.Header())
		}
		// Compressed for browsers that accept it, with the same content.
		r.Header.Set("Accept-Encoding", "gzip, br")
		w = httptest.NewRecorder()
		as.ServeHTTP(w, r)
		if w.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(w.Body)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(zr)
			if !bytes.Equal(got, want) {
				t.Errorf("%s: the gzipped body differs from the file", name)
			}
		} else if len(want) > 4096 {
			t.Errorf("%s: %d bytes served uncompressed to a browser that accepts gzip", name, len(want))
		}
	}
	if _, err := as.URL("missing.css"); err == nil {
		t.Error("URL of a missing file gave no error")
	}
}
