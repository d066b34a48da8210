package sampling

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// referenceDir finds ../shared/reference/aql next to the repository root,
// or returns "" when it is absent.
func referenceDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	ref := filepath.Join(dir, "..", "shared", "reference", "aql")
	if st, err := os.Stat(ref); err != nil || !st.IsDir() {
		return ""
	}
	return ref
}

func TestEmbeddedTablesMatchReference(t *testing.T) {
	files := Files()
	if len(files) < 11 {
		t.Fatalf("embedded files: %v", files)
	}
	ref := referenceDir(t)
	if ref == "" {
		t.Skip("../shared/reference/aql is absent; byte comparison skipped")
	}
	for _, name := range files {
		emb, err := File(name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(ref, name))
		if err != nil {
			t.Errorf("%s: embedded but not in the reference: %v", name, err)
			continue
		}
		if !bytes.Equal(emb, want) {
			t.Errorf("%s: embedded copy differs from %s", name, ref)
		}
	}
	ents, err := os.ReadDir(ref)
	if err != nil {
		t.Fatal(err)
	}
	embedded := strings.Join(files, "\n")
	for _, e := range ents {
		if !strings.Contains(embedded, e.Name()) {
			t.Logf("note: reference file %s is not embedded", e.Name())
		}
	}
}

// rawCSV reads an embedded CSV as strings, independently of the parser
// under test.
func rawCSV(t *testing.T, name string) [][]string {
	t.Helper()
	b, err := File(name)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestTableIBoundaries(t *testing.T) {
	rows := rawCSV(t, "table1_code_letters.csv")
	levels := rows[0][2:]
	checked := 0
	for i, r := range rows[1:] {
		lo, _ := strconv.Atoi(r[0])
		his := r[1]
		for j, lvName := range levels {
			lv, err := ParseLevel(lvName)
			if err != nil {
				t.Fatal(err)
			}
			want := r[2+j]
			// First unit of the range, and the last one with the next
			// range's first unit: every boundary 8/9, 15/16, ... 500000/500001.
			lots := []int{lo}
			if his != "" {
				hi, _ := strconv.Atoi(his)
				lots = append(lots, hi)
				next := rows[i+2][2+j]
				got, err := CodeLetterFor(hi+1, lv)
				if err != nil || got.String() != next {
					t.Errorf("lot %d level %s: got %v %v, want %s", hi+1, lvName, got, err, next)
				}
				checked++
			} else {
				lots = append(lots, 10_000_000, 1<<40)
			}
			for _, lot := range lots {
				got, err := CodeLetterFor(lot, lv)
				if err != nil || got.String() != want {
					t.Errorf("lot %d level %s: got %v %v, want %s", lot, lvName, got, err, want)
				}
				checked++
			}
		}
	}
	if checked < 14*7*3 {
		t.Fatalf("only %d boundary checks", checked)
	}
	// Spot values from domain.md §1.2 and published examples.
	for _, c := range []struct {
		lot   int
		level Level
		want  string
	}{{3000, LevelII, "K"}, {4000, LevelII, "L"}, {500, LevelII, "H"}, {501, LevelII, "J"},
		{500000, LevelII, "P"}, {500001, LevelII, "Q"}, {2000, LevelS1, "C"}, {2000, LevelS2, "D"},
		{2000, LevelS3, "E"}, {2000, LevelS4, "G"}, {8, LevelIII, "B"}, {2, LevelI, "A"}} {
		got, err := CodeLetterFor(c.lot, c.level)
		if err != nil || got.String() != c.want {
			t.Errorf("lot %d %s: got %v %v, want %s", c.lot, c.level, got, err, c.want)
		}
	}
	for _, lot := range []int{1, 0, -5} {
		if _, err := CodeLetterFor(lot, LevelII); err == nil {
			t.Errorf("lot %d: no error", lot)
		}
	}
}

// refResolve follows the arrows of a raw master table, written separately
// from the package's parser: returns letter, n, "Ac/Re" or "" with a reason.
func refResolve(rows [][]string, letter string, aqlCol int) (final string, n int, acre string, ok bool) {
	idx := -1
	for i, r := range rows[1:] {
		if r[0] == letter {
			idx = i + 1
		}
	}
	if idx < 0 {
		return "", 0, "", false
	}
	dir := 0
	for {
		v := rows[idx][2+aqlCol]
		switch v {
		case "v":
			if dir == -1 {
				return "", 0, "", false
			}
			dir = 1
			idx++
		case "^":
			if dir == 1 {
				return "", 0, "", false
			}
			dir = -1
			idx--
		case "", "?":
			return "", 0, "", false
		default:
			n, _ := strconv.Atoi(rows[idx][1])
			return rows[idx][0], n, v, true
		}
		if idx < 1 || idx >= len(rows) {
			return "", 0, "", false
		}
	}
}

func TestGoldenAllCells(t *testing.T) {
	files := map[Standard]map[Severity]string{
		ISO2859: {Normal: "master_single_normal_iso1999.csv", Tightened: "master_single_tightened_iso1999.csv", Reduced: "master_single_reduced_iso1999.csv"},
		Z14:     {Normal: "master_single_normal_mil105e_z14.csv", Tightened: "master_single_tightened_mil105e_z14.csv", Reduced: "master_single_reduced_mil105e_z14.csv"},
	}
	plans, errs := 0, 0
	for std, bySev := range files {
		for sev, name := range bySev {
			rows := rawCSV(t, name)
			if got := strings.Join(rows[0][2:], ","); got != strings.Join(aqlText[:], ",") {
				t.Fatalf("%s header %s", name, got)
			}
			for _, letter := range CodeLetters() {
				for col, aqlName := range rows[0][2:] {
					aql, err := ParseAQL(aqlName)
					if err != nil {
						t.Fatal(err)
					}
					final, n, acre, ok := refResolve(rows, letter.String(), col)
					p, err := Lookup(std, sev, letter, aql)
					if !ok {
						if err == nil {
							t.Errorf("%s %s %s %s: got plan %+v, the table has none", std, sev, letter, aqlName, p)
						}
						errs++
						continue
					}
					if err != nil {
						t.Errorf("%s %s %s %s: %v, want %s n=%d %s", std, sev, letter, aqlName, err, final, n, acre)
						continue
					}
					got := strconv.Itoa(p.Ac) + "/" + strconv.Itoa(p.Re)
					if p.FinalCodeLetter.String() != final || p.TableSampleSize != n || p.SampleSize != n || got != acre || p.FullInspection {
						t.Errorf("%s %s %s %s: got %s n=%d %s, want %s n=%d %s",
							std, sev, letter, aqlName, p.FinalCodeLetter, p.TableSampleSize, got, final, n, acre)
					}
					if len(p.Arrows()) != abs(p.FinalCodeLetter.index()-letter.index()) {
						t.Errorf("%s %s %s %s: arrows %v", std, sev, letter, aqlName, p.Arrows())
					}
					plans++
				}
			}
		}
	}
	// 16 letters x 26 AQLs x 6 tables, plus S at 0.025 in both tightened
	// tables; the 13 '?' cells of the Z1.4 reduced table and the absent S
	// cells give errors.
	if plans+errs != 17*26*6 || plans < 16*26*6-13 {
		t.Fatalf("checked %d plans and %d errors", plans, errs)
	}
}

func TestSampleSizesColumn(t *testing.T) {
	rows := rawCSV(t, "sample_sizes.csv")
	for _, r := range rows[1:] {
		c, err := ParseCodeLetter(r[0])
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(r[1])
		if got := SampleSizeOf(c, Tightened); got != n {
			t.Errorf("%s tightened: %d, want %d", c, got, n)
		}
		nr, _ := strconv.Atoi(r[2]) // "" -> 0 for S
		if got := SampleSizeOf(c, Reduced); got != nr {
			t.Errorf("%s reduced: %d, want %d", c, got, nr)
		}
	}
	if SampleSizeOf('S', Normal) != 0 || SampleSizeOf('K', Normal) != 125 {
		t.Error("normal sample sizes")
	}
}

func TestParseTablesClean(t *testing.T) {
	if _, err := parseTables(); err != nil {
		t.Fatal(err)
	}
	if len(Files()) == 0 {
		t.Fatal("no embedded files")
	}
	if b, err := File("switching_rules.json"); err != nil || !bytes.Contains(b, []byte("switching_score")) {
		t.Fatal("switching_rules.json not embedded")
	}
}
