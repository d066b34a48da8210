package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
)

// The service worker of the recording pages (inspection_sw.js): with it a
// tablet that opened a recording page before can open it again without a
// connection. It is served from /inspections/sw.js so that its scope,
// /inspections/, covers the recording pages, with the content-hash URLs of
// the static files written into it; the Content-Security-Policy allows it
// (a script of this origin).

//go:embed inspection_sw.js
var serviceWorkerSource []byte

// serviceWorker returns the worker's script with the static files' URLs
// and a version that changes with them.
func (a *assets) serviceWorker() []byte {
	urls := make([]string, 0, len(a.hashed))
	for _, h := range a.hashed {
		urls = append(urls, "/static/"+h)
	}
	slices.Sort(urls)
	list, _ := json.Marshal(urls) // a []string always encodes
	sum := sha256.Sum256(append(list, serviceWorkerSource...))
	js := bytes.Replace(serviceWorkerSource, []byte("__ASSETS__"), list, 1)
	return bytes.Replace(js, []byte("__VERSION__"), []byte(hex.EncodeToString(sum[:8])), 1)
}

// inspectionServiceWorker serves the worker to anyone (it holds only the
// static files' URLs), never cached by the browser's HTTP cache so that a
// new version is seen at the next visit.
func (u *UI) inspectionServiceWorker(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Service-Worker-Allowed", "/inspections/")
	w.Write(u.assets.serviceWorker())
}
