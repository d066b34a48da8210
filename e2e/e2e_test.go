// Package e2e tests the real qms binary: built once, started on a random port
// with a temporary data directory (or a fresh PostgreSQL database), driven
// over HTTP and with its own command line, and killed.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"qms/internal/store"
	"qms/internal/store/storetest"
)

var bin string // the qms binary under test

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "qms-e2e-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "qms")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/qms").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build qms: %v\n%s", err, out)
		os.Exit(1)
	}
	storetest.Main(m) // exits
}

// target is where an instance keeps its data: --data DIR or --db URL.
type target []string

// eachTarget runs fn as a subtest on a fresh SQLite data directory and on a
// fresh PostgreSQL database.
func eachTarget(t *testing.T, fn func(t *testing.T, tg target)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			tg := target{"--data", t.TempDir()}
			if d == store.Postgres {
				tg = target{"--db", storetest.NewPostgresDB(t)}
			}
			fn(t, tg)
		})
	}
}

// qmsCmd runs a qms command to completion and returns its stdout, stderr and
// exit code.
func qmsCmd(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run qms %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// instance is a running `qms serve`.
type instance struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	done chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

var readyLine = regexp.MustCompile(`msg="qms is ready" url=(http://\S+)`)

// start starts `qms serve` on a random loopback port and waits until it is
// ready. The process is killed when the test ends, if it still runs.
func start(t *testing.T, tg target, extra ...string) *instance {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0"}, tg...)
	cmd := exec.Command(bin, append(args, extra...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{cmd: cmd, logs: &syncBuffer{}, done: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			in.logs.Write([]byte(line + "\n"))
			if m := readyLine.FindStringSubmatch(line); m != nil {
				urls <- m[1]
			}
		}
		in.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", in.logs.String())
		}
	})
	select {
	case in.url = <-urls:
	case err := <-in.done:
		t.Fatalf("qms serve exited before it was ready: %v\n%s", err, in.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("qms serve not ready after 60 s:\n%s", in.logs.String())
	}
	return in
}

// login signs in through the HTML form and returns a client with the session.
func login(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: status %d", resp.StatusCode)
	}
	u, _ := url.Parse(base)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "qms_session" && ck.Value != "" {
			return c
		}
	}
	t.Fatalf("login as %s gave no session cookie (landed on %s)", email, resp.Request.URL)
	return nil
}

func doJSON(c *http.Client, method, u string, body any, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s: %w", b, err)
		}
	}
	return resp.StatusCode, nil
}

const adminPassword = "e2e admin password 管理员"

func createAdmin(t *testing.T, tg target) {
	t.Helper()
	args := append([]string{"user", "create", "--email", "admin@e2e.test", "--name", "E2E 管理员", "--role", "admin"}, tg...)
	if out, errOut, code := qmsCmd(t, adminPassword+"\n", args...); code != 0 {
		t.Fatalf("qms user create: exit %d\n%s%s", code, out, errOut)
	}
}

// TestCrashLosesNothingAcknowledged: concurrent audited writes, SIGKILL in
// the middle, restart; every acknowledged write is there and the audit chain
// verifies.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	eachTarget(t, func(t *testing.T, tg target) {
		createAdmin(t, tg)
		in := start(t, tg)
		c := login(t, in.url, "admin@e2e.test", adminPassword)

		var mu sync.Mutex
		acked := map[string]bool{}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ctx.Err() == nil; i++ {
					email := fmt.Sprintf("w%d-%d@e2e.test", w, i)
					code, err := doJSON(c, "POST", in.url+"/api/v1/users",
						map[string]any{"email": email, "name": fmt.Sprintf("工人 %d-%d Nguyễn", w, i), "role": "inspector", "password": "a long enough password"}, nil)
					if err != nil {
						return // the server died
					}
					if code == http.StatusCreated {
						mu.Lock()
						acked[email] = true
						mu.Unlock()
					}
				}
			}(w)
		}
		// Kill once enough writes were acknowledged, with writers still going.
		deadline := time.Now().Add(60 * time.Second)
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= 150 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := in.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-in.done
		cancel()
		wg.Wait()
		if len(acked) < 150 {
			t.Fatalf("only %d writes acknowledged before the deadline", len(acked))
		}

		// Restart and check.
		in2 := start(t, tg)
		c2 := login(t, in2.url, "admin@e2e.test", adminPassword)
		found := map[string]bool{}
		cursor := ""
		for {
			var page struct {
				Items []struct {
					Email string `json:"email"`
				} `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			u := in2.url + "/api/v1/users?limit=200"
			if cursor != "" {
				u += "&cursor=" + url.QueryEscape(cursor)
			}
			if code, err := doJSON(c2, "GET", u, nil, &page); err != nil || code != 200 {
				t.Fatalf("list users: %d %v", code, err)
			}
			for _, it := range page.Items {
				found[it.Email] = true
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		for e := range acked {
			if !found[e] {
				t.Errorf("acknowledged user %s is missing after the crash", e)
			}
		}
		out, errOut, code := qmsCmd(t, "", append([]string{"audit", "verify"}, tg...)...)
		if code != 0 {
			t.Fatalf("qms audit verify after the crash: exit %d\n%s%s", code, out, errOut)
		}
		t.Logf("%d writes acknowledged before SIGKILL, %d users after restart; %s", len(acked), len(found), strings.TrimSpace(out))
	})
}
