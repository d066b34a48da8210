package e2e

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/store/storetest"
)

type userJSON struct {
	ID      int64  `json:"id"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Version int64  `json:"version"`
}

// TestTwoInstancesOnePostgres: two app instances on one PostgreSQL database
// with concurrent writers. Read-modify-write with versions loses no update
// (stale writes get 409), and the audit chain verifies.
func TestTwoInstancesOnePostgres(t *testing.T) {
	dbURL := storetest.NewPostgresDB(t)
	tg := target{"--db", dbURL}
	createAdmin(t, tg)
	a, b := start(t, tg), start(t, tg)
	clients := []*http.Client{login(t, a.url, "admin@e2e.test", adminPassword), login(t, b.url, "admin@e2e.test", adminPassword)}
	urls := []string{a.url, b.url}

	var target struct {
		User userJSON `json:"user"`
	}
	if code, err := doJSON(clients[0], "POST", a.url+"/api/v1/users",
		map[string]any{"email": "shared@e2e.test", "name": "v0", "role": "viewer", "password": "a long enough password"}, &target); err != nil || code != 201 {
		t.Fatalf("create: %d %v", code, err)
	}
	id := target.User.ID

	const writers, rounds = 16, 15
	var mu sync.Mutex
	ok, conflicts := 0, 0
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c, base := clients[w%2], urls[w%2]
			for i := 0; i < rounds; i++ {
				var u userJSON
				if code, err := doJSON(c, "GET", fmt.Sprintf("%s/api/v1/users/%d", base, id), nil, &u); err != nil || code != 200 {
					t.Errorf("get: %d %v", code, err)
					return
				}
				code, err := doJSON(c, "PATCH", fmt.Sprintf("%s/api/v1/users/%d", base, id),
					map[string]any{"name": fmt.Sprintf("writer %d round %d 张", w, i), "version": u.Version}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				switch code {
				case 200:
					ok++
				case 409:
					conflicts++
				default:
					t.Errorf("patch: status %d", code)
				}
				mu.Unlock()
				// Another writer also creates records through the other instance.
				if i%5 == 0 {
					doJSON(clients[(w+1)%2], "POST", urls[(w+1)%2]+"/api/v1/users",
						map[string]any{"email": fmt.Sprintf("c%d-%d@e2e.test", w, i), "name": "Trần", "role": "viewer", "password": "a long enough password"}, nil)
				}
			}
		}(w)
	}
	wg.Wait()

	var final userJSON
	if code, err := doJSON(clients[1], "GET", fmt.Sprintf("%s/api/v1/users/%d", b.url, id), nil, &final); err != nil || code != 200 {
		t.Fatalf("get final: %d %v", code, err)
	}
	if ok == 0 || conflicts == 0 {
		t.Logf("ok=%d conflicts=%d (no contention seen)", ok, conflicts)
	}
	if final.Version != int64(1+ok) {
		t.Errorf("final version %d, but %d updates were acknowledged: an update was lost", final.Version, ok)
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var updates int
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_events WHERE entity_type = 'user' AND entity_id = $1 AND action = 'update'",
		fmt.Sprint(id)).Scan(&updates); err != nil {
		t.Fatal(err)
	}
	if updates != ok {
		t.Errorf("%d update events in the audit trail, %d updates acknowledged", updates, ok)
	}
	// Both instances scheduled the clean-up job for the current hour at start:
	// one row per slot, run once.
	var slots, runs, done int
	for i := 0; i < 300; i++ {
		if err := db.QueryRow("SELECT COUNT(*), COALESCE(SUM(attempts), 0), COUNT(*) FILTER (WHERE status = 'done') FROM jobs WHERE kind = 'cleanup'").
			Scan(&slots, &runs, &done); err != nil {
			t.Fatal(err)
		}
		if slots > 0 && done == slots {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if slots < 1 || done != slots || runs != slots {
		t.Errorf("clean-up job: %d slots, %d done, %d attempts; want every slot done after exactly one run", slots, done, runs)
	}
	out, errOut, code := qmsCmd(t, "", "audit", "verify", "--db", dbURL)
	if code != 0 {
		t.Fatalf("audit verify: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("%d updates acknowledged, %d stale writes refused with 409; %s", ok, conflicts, strings.TrimSpace(out))
}
