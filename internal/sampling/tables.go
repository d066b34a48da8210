package sampling

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The reference tables, copied byte for byte from the project's reference
// data (../shared/reference/aql); tables/SOURCES.md says where they come from.
//
//go:embed tables
var tableFS embed.FS

// Files lists the embedded reference files (names relative to tables/).
func Files() []string {
	ents, _ := tableFS.ReadDir("tables")
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// File returns the content of an embedded reference file, e.g.
// "switching_rules.json" or "SOURCES.md", for display or download.
func File(name string) ([]byte, error) { return tableFS.ReadFile("tables/" + name) }

// Kinds of master table cells.
const (
	cellAbsent  uint8 = iota // blank: the row does not exist at this AQL
	cellPlan                 // Ac/Re
	cellDown                 // v: the first plan below
	cellUp                   // ^: the first plan above
	cellUnknown              // ?: not established in the reference data
)

type cell struct{ kind, ac, re uint8 }

// resolved is a table cell after its arrows have been followed.
type resolved struct {
	kind  uint8 // cellPlan, cellAbsent or cellUnknown (of the start cell)
	final uint8 // letter index where the chain ends
	ac    uint8
	re    uint8
	// tighterAc is the Ac in the final row one AQL column to the left, or
	// -1 if that cell is not a plan (needed for the ISO switching score).
	tighterAc int8
}

type singleTable struct {
	n     [numLetters]uint16 // sample size per row, 0 if the row is absent
	cells [numLetters][numAQL]cell
	res   [numLetters][numAQL]resolved
}

// seqCell is one cell of the Z1.4 double or multiple tables.
type seqCell struct {
	kind    uint8 // seqPlan, seqUseSingle, seqUseDouble, seqBad
	n       uint16
	stages  uint8
	ac, re  [7]int8
	badNote string
}

const (
	seqUseSingle uint8 = iota + 1
	seqUseDouble
	seqPlan
	seqBad
)

type table1Row struct {
	min, max int // max 0: open-ended
	letters  [7]uint8
}

type tableSet struct {
	table1   [15]table1Row
	nNormal  [numLetters]uint16 // normal and tightened
	nReduced [numLetters]uint16
	single   [3][4]singleTable // [standard][severity]
	double   [4][numLetters][numAQL]seqCell
	multiple [4][numLetters][numAQL]seqCell
}

// tables parses the embedded reference data once. The data are fixed at
// build time, so a parse failure is a programming error and panics (the
// package tests parse them).
var tables = sync.OnceValue(func() *tableSet {
	t, err := parseTables()
	if err != nil {
		panic("sampling: embedded tables: " + err.Error())
	}
	return t
})

func readCSV(name string) ([][]string, error) {
	b, err := tableFS.ReadFile("tables/" + name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

func parseTables() (*tableSet, error) {
	t := new(tableSet)
	if err := t.parseTable1(); err != nil {
		return nil, err
	}
	if err := t.parseSampleSizes(); err != nil {
		return nil, err
	}
	files := [3][4]string{
		ISO2859: {Normal: "master_single_normal_iso1999.csv", Tightened: "master_single_tightened_iso1999.csv", Reduced: "master_single_reduced_iso1999.csv"},
		Z14:     {Normal: "master_single_normal_mil105e_z14.csv", Tightened: "master_single_tightened_mil105e_z14.csv", Reduced: "master_single_reduced_mil105e_z14.csv"},
	}
	for _, std := range []Standard{ISO2859, Z14} {
		for _, sev := range []Severity{Normal, Tightened, Reduced} {
			if err := t.parseSingle(std, sev, files[std][sev]); err != nil {
				return nil, err
			}
		}
	}
	if err := t.parseSequential("double_mil105e_z14_from_AQLSchemes.csv", 2); err != nil {
		return nil, err
	}
	if err := t.parseSequential("multiple7_mil105e_z14_from_AQLSchemes.csv", 7); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *tableSet) parseTable1() error {
	rows, err := readCSV("table1_code_letters.csv")
	if err != nil {
		return err
	}
	if len(rows) != len(t.table1)+1 || strings.Join(rows[0], ",") != "lot_min,lot_max,S-1,S-2,S-3,S-4,I,II,III" {
		return fmt.Errorf("table1: unexpected shape")
	}
	prevMax := 1
	for i, r := range rows[1:] {
		if len(r) != 9 {
			return fmt.Errorf("table1 row %d: %d fields", i+1, len(r))
		}
		row := &t.table1[i]
		if row.min, err = strconv.Atoi(r[0]); err != nil || row.min != prevMax+1 {
			return fmt.Errorf("table1 row %d: bad lot_min %q", i+1, r[0])
		}
		if r[1] == "" {
			if i != len(t.table1)-1 {
				return fmt.Errorf("table1 row %d: open range before the last row", i+1)
			}
		} else if row.max, err = strconv.Atoi(r[1]); err != nil || row.max < row.min {
			return fmt.Errorf("table1 row %d: bad lot_max %q", i+1, r[1])
		}
		prevMax = row.max
		for j := 0; j < 7; j++ {
			c, err := ParseCodeLetter(r[2+j])
			if err != nil || c == 'S' {
				return fmt.Errorf("table1 row %d: bad letter %q", i+1, r[2+j])
			}
			row.letters[j] = uint8(c.index())
		}
	}
	return nil
}

func (t *tableSet) parseSampleSizes() error {
	rows, err := readCSV("sample_sizes.csv")
	if err != nil {
		return err
	}
	if len(rows) != numLetters+1 || strings.Join(rows[0], ",") != "code,n_normal_tightened,n_reduced" {
		return fmt.Errorf("sample_sizes: unexpected shape")
	}
	for i, r := range rows[1:] {
		if len(r) != 3 || r[0] != letterAt(i).String() {
			return fmt.Errorf("sample_sizes row %d: %q", i+1, r)
		}
		n, err := strconv.Atoi(r[1])
		if err != nil || n <= 0 {
			return fmt.Errorf("sample_sizes row %d: bad n %q", i+1, r[1])
		}
		t.nNormal[i] = uint16(n)
		if r[2] != "" {
			n, err := strconv.Atoi(r[2])
			if err != nil || n <= 0 {
				return fmt.Errorf("sample_sizes row %d: bad reduced n %q", i+1, r[2])
			}
			t.nReduced[i] = uint16(n)
		}
	}
	return nil
}

func parseAcRe(s string) (ac, re int, ok bool) {
	a, r, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	ac, err1 := strconv.Atoi(a)
	re, err2 := strconv.Atoi(r)
	return ac, re, err1 == nil && err2 == nil && ac >= 0 && re > ac && re < 256
}

func (t *tableSet) parseSingle(std Standard, sev Severity, name string) error {
	rows, err := readCSV(name)
	if err != nil {
		return err
	}
	want := "code,n," + strings.Join(aqlText[:], ",")
	if len(rows) < 2 || strings.Join(rows[0], ",") != want {
		return fmt.Errorf("%s: unexpected header", name)
	}
	tab := &t.single[std][sev]
	for i, r := range rows[1:] {
		if len(r) != numAQL+2 {
			return fmt.Errorf("%s row %d: %d fields", name, i+1, len(r))
		}
		c, err := ParseCodeLetter(r[0])
		if err != nil || c.index() != i {
			return fmt.Errorf("%s row %d: letter %q out of order", name, i+1, r[0])
		}
		n, err := strconv.Atoi(r[1])
		sizes := t.nNormal
		if sev == Reduced {
			sizes = t.nReduced
		}
		if err != nil || n != int(sizes[i]) {
			return fmt.Errorf("%s row %s: n %q differs from sample_sizes.csv", name, r[0], r[1])
		}
		tab.n[i] = uint16(n)
		for j, s := range r[2:] {
			cl := &tab.cells[i][j]
			switch s {
			case "":
				cl.kind = cellAbsent
			case "v":
				cl.kind = cellDown
			case "^":
				cl.kind = cellUp
			case "?":
				cl.kind = cellUnknown
			default:
				ac, re, ok := parseAcRe(s)
				if !ok {
					return fmt.Errorf("%s %s at %s: bad cell %q", name, r[0], aqlText[j], s)
				}
				*cl = cell{kind: cellPlan, ac: uint8(ac), re: uint8(re)}
			}
		}
	}
	// Follow the arrows of every cell once. A chain must keep its direction
	// and end in a plan; anything else is an error in the data.
	for i := 0; i < numLetters; i++ {
		for j := 0; j < numAQL; j++ {
			res := &tab.res[i][j]
			start := tab.cells[i][j]
			if tab.n[i] == 0 || start.kind == cellAbsent || start.kind == cellUnknown {
				res.kind = start.kind
				if tab.n[i] == 0 {
					res.kind = cellAbsent
				}
				continue
			}
			k := i
			for tab.cells[k][j].kind == start.kind && start.kind != cellPlan {
				if start.kind == cellDown {
					k++
				} else {
					k--
				}
				if k < 0 || k >= numLetters || tab.n[k] == 0 {
					return fmt.Errorf("%s %s at %s: arrow leaves the table", name, letterAt(i), aqlText[j])
				}
			}
			end := tab.cells[k][j]
			if end.kind != cellPlan {
				return fmt.Errorf("%s %s at %s: arrow chain ends in a non-plan cell at %s", name, letterAt(i), aqlText[j], letterAt(k))
			}
			res.kind, res.final, res.ac, res.re = cellPlan, uint8(k), end.ac, end.re
			res.tighterAc = -1
			if j > 0 && tab.cells[k][j-1].kind == cellPlan {
				res.tighterAc = int8(tab.cells[k][j-1].ac)
			}
		}
	}
	return nil
}

// parseSequential reads the Z1.4 double (stages 2) or multiple (stages 7)
// plans. In the data, n = 0 (double) or -1 (multiple) means "use the single
// sampling plan" and -2 (multiple) "use the double sampling plan"; the Ac/Re
// columns of such rows are ignored. Plans that are impossible (Re <= Ac, or
// decreasing cumulative numbers) are kept as seqBad so that asking for them
// gives an error instead of a wrong plan.
func (t *tableSet) parseSequential(name string, stages int) error {
	rows, err := readCSV(name)
	if err != nil {
		return err
	}
	if len(rows) != 3*16*numAQL+1 {
		return fmt.Errorf("%s: %d rows", name, len(rows))
	}
	dst := &t.double
	if stages == 7 {
		dst = &t.multiple
	}
	seen := 0
	for i, r := range rows[1:] {
		if len(r) != 4+2*stages+boolInt(stages == 2) {
			return fmt.Errorf("%s row %d: %d fields", name, i+1, len(r))
		}
		sev, err := ParseSeverity(r[0])
		if err != nil {
			return fmt.Errorf("%s row %d: %v", name, i+1, err)
		}
		letter, err := ParseCodeLetter(r[1])
		if err != nil {
			return fmt.Errorf("%s row %d: %v", name, i+1, err)
		}
		aql, err := ParseAQL(r[2])
		if err != nil || aqlText[aql.col()] != r[2] {
			return fmt.Errorf("%s row %d: bad AQL %q", name, i+1, r[2])
		}
		nums := make([]int, 0, len(r)-3)
		for _, f := range r[3:] {
			v, err := strconv.Atoi(f)
			if err != nil {
				return fmt.Errorf("%s row %d: %v", name, i+1, err)
			}
			nums = append(nums, v)
		}
		c := &dst[sev][letter.index()][aql.col()]
		if c.kind != 0 {
			return fmt.Errorf("%s row %d: duplicate cell", name, i+1)
		}
		seen++
		n := nums[0]
		acre := nums[1:]
		if stages == 2 {
			if nums[1] != n {
				return fmt.Errorf("%s row %d: n1 != n2", name, i+1)
			}
			acre = nums[2:]
		}
		switch {
		case stages == 2 && n == 0, stages == 7 && n == -1:
			c.kind = seqUseSingle
			continue
		case stages == 7 && n == -2:
			c.kind = seqUseDouble
			continue
		case n <= 0:
			return fmt.Errorf("%s row %d: bad sample size %d", name, i+1, n)
		}
		c.kind, c.n, c.stages = seqPlan, uint16(n), uint8(stages)
		for s := 0; s < stages; s++ {
			c.ac[s], c.re[s] = int8(acre[2*s]), int8(acre[2*s+1])
		}
		c.badNote = checkStages(c, sev)
		if c.badNote != "" {
			c.kind = seqBad
		}
	}
	if seen != 3*16*numAQL {
		return fmt.Errorf("%s: %d cells, want %d", name, seen, 3*16*numAQL)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkStages returns why a stored double or multiple plan cannot be used,
// or "" if it is consistent: at every stage Ac < Re, cumulative Ac and Re do
// not decrease, and the last stage decides (Re = Ac + 1, except reduced
// inspection, whose gap means "accept and reinstate normal inspection").
func checkStages(c *seqCell, sev Severity) string {
	k := int(c.stages)
	for s := 0; s < k; s++ {
		if c.ac[s] < -1 || c.re[s] <= c.ac[s] || c.re[s] < 1 {
			return fmt.Sprintf("stage %d has Ac %d and Re %d", s+1, c.ac[s], c.re[s])
		}
		if s > 0 && (c.ac[s] < c.ac[s-1] || c.re[s] < c.re[s-1]) {
			return fmt.Sprintf("stage %d decreases the cumulative Ac/Re", s+1)
		}
	}
	last := k - 1
	if sev != Reduced && c.re[last] != c.ac[last]+1 {
		return fmt.Sprintf("the last stage has Ac %d and Re %d, so it does not decide", c.ac[last], c.re[last])
	}
	return ""
}
