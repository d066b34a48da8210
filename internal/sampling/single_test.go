package sampling

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func mustAQL(t testing.TB, s string) AQL {
	t.Helper()
	a, err := ParseAQL(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func planString(p Plan) string {
	return fmt.Sprintf("%s n=%d %d/%d", p.FinalCodeLetter, p.SampleSize, p.Ac, p.Re)
}

// The edge cells named in issue 3, each checked here against the values
// read from the reference tables (TestGoldenAllCells checks every cell).
func TestNamedEdgeCells(t *testing.T) {
	cases := []struct {
		std        Standard
		sev        Severity
		letter     CodeLetter
		aql        string
		want       string
		wantArrows string
	}{
		{ISO2859, Normal, 'A', "10", "C n=5 1/2", "A↓B B↓C"},
		{Z14, Normal, 'A', "10", "C n=5 1/2", "A↓B B↓C"},
		{ISO2859, Reduced, 'A', "10", "D n=3 1/2", "A↓B B↓C C↓D"},
		{ISO2859, Normal, 'R', "0.015", "P n=800 0/1", "R↑Q Q↑P"},
		{Z14, Normal, 'R', "0.015", "P n=800 0/1", "R↑Q Q↑P"},
		{ISO2859, Tightened, 'Q', "0.025", "S n=3150 1/2", "Q↓R R↓S"},
		{ISO2859, Tightened, 'R', "0.025", "S n=3150 1/2", "R↓S"},
		{Z14, Tightened, 'Q', "0.025", "S n=3150 1/2", "Q↓R R↓S"},
		{Z14, Tightened, 'R', "0.025", "S n=3150 1/2", "R↓S"},
		{ISO2859, Reduced, 'G', "1.0", "J n=32 1/2", "G↓H H↓J"},
		{Z14, Reduced, 'G', "1.0", "H n=20 0/2", "G↓H"},
		// The one medium-confidence cell (SOURCES.md): tightened A at 10.
		{ISO2859, Tightened, 'A', "10", "A n=2 0/1", ""},
		{Z14, Tightened, 'A', "10", "D n=8 1/2", "A↓B B↓C C↓D"},
		// Published examples: QIMA 4,000 pcs (L) and SGS 3,000 pcs (K).
		{ISO2859, Normal, 'L', "2.5", "L n=200 10/11", ""},
		{ISO2859, Normal, 'L', "4.0", "L n=200 14/15", ""},
		{ISO2859, Normal, 'K', "2.5", "K n=125 7/8", ""},
		{ISO2859, Normal, 'K', "4.0", "K n=125 10/11", ""},
		{ISO2859, Normal, 'J', "2.5", "J n=80 5/6", ""},
		// Rows F-R stop at 21/22 and point up.
		{ISO2859, Normal, 'M', "6.5", "L n=200 21/22", "M↑L"},
	}
	for _, c := range cases {
		p, err := Lookup(c.std, c.sev, c.letter, mustAQL(t, c.aql))
		if err != nil {
			t.Errorf("%s %s %s %s: %v", c.std, c.sev, c.letter, c.aql, err)
			continue
		}
		var arrows []string
		for _, a := range p.Arrows() {
			arrows = append(arrows, a.String())
		}
		if got := planString(p); got != c.want || strings.Join(arrows, " ") != c.wantArrows {
			t.Errorf("%s %s %s %s: got %s [%s], want %s [%s]", c.std, c.sev, c.letter, c.aql, got, strings.Join(arrows, " "), c.want, c.wantArrows)
		}
		// Cross-check with the raw reference table.
		name := map[Standard]string{ISO2859: "iso1999", Z14: "mil105e_z14"}[c.std]
		rows := rawCSV(t, "master_single_"+c.sev.String()+"_"+name+".csv")
		final, n, acre, ok := refResolve(rows, c.letter.String(), mustAQL(t, c.aql).col())
		if !ok || fmt.Sprintf("%s n=%d %s", final, n, acre) != c.want {
			t.Errorf("%s %s %s %s: reference table gives %s n=%d %s", c.std, c.sev, c.letter, c.aql, final, n, acre)
		}
	}
}

func TestFullInspection(t *testing.T) {
	// Lot 6 at level II is A; AQL 1.0 resolves to E (n=13) > 6.
	p, err := SinglePlan(ISO2859, Normal, LevelII, 6, mustAQL(t, "1.0"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.FullInspection || p.SampleSize != 6 || p.TableSampleSize != 13 || p.Ac != 0 || p.Re != 1 || p.CodeLetter != 'A' || p.FinalCodeLetter != 'E' {
		t.Errorf("lot 6 AQL 1.0: %+v", p)
	}
	// n equal to the lot is also 100 % inspection.
	p, _ = SinglePlan(ISO2859, Normal, LevelII, 13, mustAQL(t, "1.0"))
	if !p.FullInspection || p.SampleSize != 13 {
		t.Errorf("lot 13: %+v", p)
	}
	p, _ = SinglePlan(ISO2859, Normal, LevelII, 3000, mustAQL(t, "2.5"))
	if p.FullInspection || p.SampleSize != 125 || p.Ac != 7 {
		t.Errorf("lot 3000: %+v", p)
	}
}

func TestParseAQL(t *testing.T) {
	good := map[string]string{"2.5": "2.5", "2.50": "2.5", "0.01": "0.010", "0.010": "0.010", ".065": "0.065",
		"10": "10", "10.0": "10", "1000": "1000", "1": "1.0", " 4.0 ": "4.0", "6.5%": "6.5"}
	for in, want := range good {
		a, err := ParseAQL(in)
		if err != nil || a.String() != want {
			t.Errorf("ParseAQL(%q) = %v, %v; want %s", in, a, err, want)
		}
	}
	for _, in := range []string{"", "0", "3", "2.4", "2.5000001", "0.0105", "-2.5", "1e1", "abc", "1000.5", "0.1.0", "2,5", "NaN"} {
		_, err := ParseAQL(in)
		var ae *AQLError
		if !errors.As(err, &ae) {
			t.Errorf("ParseAQL(%q): %v, want *AQLError", in, err)
			continue
		}
		if !strings.Contains(err.Error(), "0.010, 0.015, 0.025") || !strings.Contains(err.Error(), "650, 1000") {
			t.Errorf("message does not list the valid values: %v", err)
		}
	}
	if len(AQLs()) != 26 {
		t.Fatal("26 preferred AQLs")
	}
	for _, a := range AQLs() {
		b, err := AQLFromValue(a.Value())
		if err != nil || b != a {
			t.Errorf("AQLFromValue(%v) = %v, %v", a.Value(), b, err)
		}
		c, err := ParseAQL(a.String())
		if err != nil || c != a {
			t.Errorf("round trip %s", a)
		}
	}
	if _, err := AQLFromValue(2.4); err == nil {
		t.Error("AQLFromValue(2.4) accepted")
	}
}

func TestParseNames(t *testing.T) {
	for in, want := range map[string]Level{"S-1": LevelS1, "s2": LevelS2, "S-3": LevelS3, "S4": LevelS4, "i": LevelI, "II": LevelII, "3": LevelIII} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseLevel("IV"); err == nil {
		t.Error("level IV accepted")
	}
	if s, err := ParseStandard("Z1.4"); err != nil || s != Z14 {
		t.Error("z1.4")
	}
	if s, err := ParseStandard("iso2859-1"); err != nil || s != ISO2859 {
		t.Error("iso2859-1")
	}
	if _, err := ParseStandard("iso2859-2"); err == nil {
		t.Error("iso2859-2 accepted")
	}
	if _, err := ParseCodeLetter("I"); err == nil {
		t.Error("letter I accepted")
	}
	if _, err := ParseSeverity("loose"); err == nil {
		t.Error("severity accepted")
	}
}

func TestLookupErrors(t *testing.T) {
	a := mustAQL(t, "1000")
	_, err := Lookup(Z14, Reduced, 'D', a)
	var te *TableError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "not established") {
		t.Errorf("Z1.4 reduced D at 1000: %v", err)
	}
	if _, err := Lookup(ISO2859, Normal, 'S', mustAQL(t, "0.025")); err == nil {
		t.Error("S in normal inspection")
	}
	if _, err := Lookup(ISO2859, Tightened, 'S', mustAQL(t, "0.040")); err == nil {
		t.Error("S at 0.040")
	}
	if _, err := Lookup(ISO2859, Normal, 'K', 0); err == nil {
		t.Error("zero AQL accepted")
	}
	if _, err := SinglePlan(ISO2859, Normal, LevelII, 1, mustAQL(t, "2.5")); err == nil {
		t.Error("lot 1 accepted")
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	aql := mustAQL(t, "2.5")
	allocs := testing.AllocsPerRun(100, func() {
		p, err := SinglePlan(ISO2859, Normal, LevelII, 3000, aql)
		if err != nil || p.Ac != 7 {
			panic("bad plan")
		}
		if _, err := Lookup(Z14, Reduced, 'G', aql); err != nil {
			panic(err)
		}
	})
	if allocs != 0 {
		t.Errorf("plan lookup allocates %v times", allocs)
	}
}

func TestDecide(t *testing.T) {
	p, _ := Lookup(Z14, Reduced, 'G', mustAQL(t, "1.0")) // H n=20 0/2
	for d, want := range []Decision{Accept, AcceptReinstateNormal, Reject, Reject} {
		if got := p.Decide(d); got != want {
			t.Errorf("d=%d: %v, want %v", d, got, want)
		}
	}
}
