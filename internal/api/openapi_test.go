package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
)

var update = flag.Bool("update", false, "rewrite testdata/openapi.json from the code")

// openAPI returns the document the API serves, indented. Serving it needs
// no database.
func openAPI(t *testing.T) []byte {
	t.Helper()
	mux := http.NewServeMux()
	api.New(nil, &auth.Service{}, discard()).Register(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET openapi.json = %d: %s", w.Code, w.Body)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, w.Body.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestOpenAPIGolden fails when the document generated from the code differs
// from the committed copy: an API change must be deliberate. Run
// go test ./internal/api -run OpenAPIGolden -update to accept it.
func TestOpenAPIGolden(t *testing.T) {
	got := openAPI(t)
	path := filepath.Join("testdata", "openapi.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the OpenAPI document differs from %s; if the change is intended, run: go test ./internal/api -run OpenAPIGolden -update\n%s", path, firstDiff(want, got))
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y []byte
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if !bytes.Equal(x, y) {
			return "line " + strconv.Itoa(i+1) + ":\n  committed: " + string(x) + "\n  generated: " + string(y)
		}
	}
	return ""
}

// openAPIDocument is the part of the document the tests read.
type openAPIDocument struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]struct {
				MaxLength *int     `json:"maxLength"`
				Enum      []string `json:"enum"`
			} `json:"properties"`
		} `json:"schemas"`
	} `json:"components"`
}

func openAPIDoc(t *testing.T) openAPIDocument {
	t.Helper()
	var d openAPIDocument
	if err := json.Unmarshal(openAPI(t), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOpenAPIFollowsTheDomain checks the limits written as tags against
// the constants they document.
func TestOpenAPIFollowsTheDomain(t *testing.T) {
	d := openAPIDoc(t)
	for _, path := range []string{"/users", "/audit"} {
		var op struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Maximum float64 `json:"maximum"`
					Default float64 `json:"default"`
				} `json:"schema"`
			} `json:"parameters"`
		}
		if err := json.Unmarshal(d.Paths[path]["get"], &op); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range op.Parameters {
			if p.Name == "limit" {
				found = true
				if int(p.Schema.Maximum) != store.MaxPageSize {
					t.Errorf("GET %s: limit maximum %v, store.MaxPageSize %d", path, p.Schema.Maximum, store.MaxPageSize)
				}
			}
		}
		if !found {
			t.Errorf("GET %s has no limit parameter", path)
		}
	}
	for _, schema := range []string{"CreateUserRequest", "UpdateUserRequest"} {
		props := d.Components.Schemas[schema].Properties
		for field, max := range map[string]int{"name": qms.MaxNameLen, "email": qms.MaxEmailLen, "reason": api.MaxReasonLen} {
			p, ok := props[field]
			if !ok {
				continue
			}
			if p.MaxLength == nil || *p.MaxLength != max {
				t.Errorf("%s.%s maxLength = %v, want %d", schema, field, p.MaxLength, max)
			}
		}
		var roles []string
		for _, r := range qms.Roles {
			roles = append(roles, string(r))
		}
		if got := props["role"].Enum; !slices.Equal(got, roles) {
			t.Errorf("%s.role enum = %v, want %v", schema, got, roles)
		}
	}
}
