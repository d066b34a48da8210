package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/demo"
	"qms/internal/inspectionops"
	"qms/internal/qauditops"
	"qms/internal/report"
	"qms/internal/resultops"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops"
)

// crawlLimit is how many pages the crawl opens per role, which keeps it
// to seconds while reaching every kind of page the demo has.
const crawlLimit = 300

// TestEveryLinkOpens signs in to the demo as every role and follows every
// same-origin link breadth-first from /: no page may link to a route that
// user cannot open, and every PDF link answers a PDF.
func TestEveryLinkOpens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base := serveDemo(t, st)
		for _, email := range []string{"admin@demo.qms", "qm@demo.qms", "inspector@demo.qms", "buyer@demo.qms", "auditor@demo.qms", "supplier@demo.qms"} {
			t.Run(strings.TrimSuffix(email, "@demo.qms"), func(t *testing.T) {
				crawl(t, base, email)
			})
		}
	})
}

// serveDemo loads the demo data set into st as `qms serve --demo` does and
// serves the web and API surfaces wired as serve.go wires them.
func serveDemo(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	disk, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := blob.NewService(st, disk, 0)
	(&inspectionops.Service{Store: st}).RegisterFiles(files)
	(&supplierops.Service{Store: st}).RegisterFiles(files)
	(&qauditops.Service{Store: st}).RegisterFiles(files)
	files.RegisterOwner(resultops.OwnerLotResult, blob.OwnerRules{Read: (&resultops.Service{Store: st}).ReadLotResultFile})
	fonts, err := report.LoadFonts("", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, load := range []func() error{
		func() error { return demo.Load(ctx, st, &out) },
		func() error { return demo.LoadCertificateScans(ctx, st, files, fonts, &out) },
		func() error { return demo.LoadInspections(ctx, st, files, &out) },
		func() error { return demo.LoadNCRs(ctx, st, files, &out) },
		func() error { return demo.LoadDocuments(ctx, st, &out) },
		func() error { return demo.LoadAudits(ctx, st, &out) },
		func() error { return demo.LoadReview(ctx, st, &out) },
	} {
		if err := load(); err != nil {
			t.Fatalf("load demo: %v\n%s", err, out.String())
		}
	}
	t.Logf("demo loaded in %v", time.Since(start).Round(time.Millisecond))
	a := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log, Surfaces: []server.Surface{
		New(st, a, log).WithFiles(files).WithFonts(fonts),
		api.New(st, a, log).WithFiles(files).WithFonts(fonts),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return serveHandler(t, h)
}

// hrefRE finds the local links of a page.
var hrefRE = regexp.MustCompile(`href="(/[^"]*)"`)

// crawl signs in as email and opens, breadth-first from /, up to
// crawlLimit pages reachable by links, failing for every link that does
// not open and every PDF link that is not a PDF.
func crawl(t *testing.T, base, email string) {
	start := time.Now()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/login" {
		t.Fatalf("sign in as %s: %s at %s", email, resp.Status, resp.Request.URL.Path)
	}

	foundOn := map[string]string{"/": "(start)"}
	queue := []string{"/"}
	pdfs := map[string]string{} // link -> page it was found on
	opened := 0
	for len(queue) > 0 && opened < crawlLimit {
		link := queue[0]
		queue = queue[1:]
		opened++
		status, final, ctype, body := fetch(t, c, base+link)
		if status >= 400 {
			t.Errorf("%s links %s: %d", foundOn[link], link, status)
			continue
		}
		if final == "/login" {
			t.Errorf("%s links %s: redirected to sign in", foundOn[link], link)
			continue
		}
		if !strings.HasPrefix(ctype, "text/html") {
			continue
		}
		for _, m := range hrefRE.FindAllSubmatch(body, -1) {
			next := html.UnescapeString(string(m[1]))
			if i := strings.IndexByte(next, '#'); i >= 0 {
				next = next[:i]
			}
			path, _, _ := strings.Cut(next, "?")
			switch {
			case next == "", strings.HasPrefix(next, "//"), strings.HasPrefix(path, "/static/"),
				strings.HasPrefix(path, "/files/"), path == "/logout":
				continue
			case strings.HasSuffix(path, ".pdf"):
				if _, ok := pdfs[next]; !ok {
					pdfs[next] = link
				}
				continue
			}
			if _, ok := foundOn[next]; !ok {
				foundOn[next] = link
				queue = append(queue, next)
			}
		}
	}
	for link, page := range pdfs {
		status, _, _, body := fetch(t, c, base+link)
		if status >= 400 {
			t.Errorf("%s links %s: %d", page, link, status)
		} else if !bytes.HasPrefix(body, []byte("%PDF")) {
			t.Errorf("%s links %s: not a PDF: %.40q", page, link, body)
		}
	}
	if opened < 5 {
		t.Errorf("only %d pages reachable as %s; the crawl does not find the links", opened, email)
	}
	t.Logf("%s: %d pages, %d PDFs, %d links not opened (limit %d), %v", email, opened, len(pdfs), len(queue), crawlLimit, time.Since(start).Round(time.Millisecond))
}

// fetch GETs u and returns the status, the final path after redirects,
// the content type and the body.
func fetch(t *testing.T, c *http.Client, u string) (int, string, string, []byte) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp.StatusCode, resp.Request.URL.Path, resp.Header.Get("Content-Type"), body
}
