package sampling

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// replay runs lots through the state machine; each lot is "d", "dR"
// (resubmitted) and the options apply to every lot.
func replay(t *testing.T, cfg SwitchConfig, st SwitchState, lots string, approve bool) ([]LotOutcome, SwitchState, error) {
	t.Helper()
	var out []LotOutcome
	for _, l := range strings.Fields(lots) {
		in := LotInput{ApproveReduced: approve}
		if strings.HasSuffix(l, "R") {
			in.Resubmitted = true
			l = strings.TrimSuffix(l, "R")
		}
		if _, err := fmt.Sscan(l, &in.Defects); err != nil {
			t.Fatal(err)
		}
		o, next, err := cfg.Next(st, in)
		if err != nil {
			return out, st, err
		}
		out = append(out, o)
		st = next
	}
	return out, st, nil
}

func trace(out []LotOutcome) string {
	var parts []string
	for _, o := range out {
		s := fmt.Sprintf("%c%d", o.Severity.String()[0], o.SwitchingScore)
		if !o.Accepted {
			s += "x"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// ISO, lot 3000, level II: K. AQL 2.5: normal n=125 7/8; the next tighter
// column (1.5) in row K has Ac 5. Tightened K 2.5: 5/6. Reduced: n=50 5/6.
func isoK25(t *testing.T) SwitchConfig {
	return SwitchConfig{Standard: ISO2859, Level: LevelII, AQL: mustAQL(t, "2.5"), Lot: 3000}
}

func TestSwitchingScoreAcAtLeast2(t *testing.T) {
	cfg := isoK25(t)
	// d=5 <= 5: +3 each; d=6 is accepted (<= 7) but would not be at AQL
	// 1.5 (Ac 5): the score resets to 0 although the lot is accepted.
	out, st, err := replay(t, cfg, cfg.Start(), "5 0 6 2 8", false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := trace(out), "n3 n6 n0 n3 n0x"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if !out[2].Accepted || out[2].Ac != 7 || out[2].SampleSize != 125 {
		t.Errorf("lot 3: %+v", out[2])
	}
	if st.Severity != Normal || st.Score != 0 {
		t.Errorf("state %+v", st)
	}
}

func TestSwitchingScoreAc0or1(t *testing.T) {
	// AQL 0.40 at K: 1/2. +2 per accepted lot, reset when not accepted.
	cfg := SwitchConfig{Standard: ISO2859, Level: LevelII, AQL: mustAQL(t, "0.40"), Lot: 3000}
	out, _, err := replay(t, cfg, cfg.Start(), "0 1 0 2 1", false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := trace(out), "n2 n4 n6 n0x n2"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestNormalToReducedNeedsScoreAndApproval(t *testing.T) {
	cfg := isoK25(t)
	// Ten lots with d <= 5 reach 30. Without approval: stay normal.
	_, st, err := replay(t, cfg, cfg.Start(), "0 0 0 0 0 0 0 0 0 0 0", false)
	if err != nil || st.Severity != Normal || st.Score != 33 {
		t.Fatalf("no approval: %+v %v", st, err)
	}
	out, st, err := replay(t, cfg, cfg.Start(), "0 0 0 0 0 0 0 0 0 0", true)
	if err != nil || st.Severity != Reduced || out[9].SwitchingScore != 30 || out[9].NextSeverity != Reduced || out[8].NextSeverity != Normal {
		t.Fatalf("approval: %+v %+v %v", st, out[9], err)
	}
	// Irregular production blocks it.
	st = cfg.Start()
	for i := 0; i < 10; i++ {
		var o LotOutcome
		o, st, _ = cfg.Next(st, LotInput{ApproveReduced: true, Irregular: i == 9})
		_ = o
	}
	if st.Severity != Normal {
		t.Errorf("irregular production switched to reduced")
	}
	// Reduced: n=50, 5/6 (ISO has no gap); a rejection returns to normal
	// with the score restarted.
	out, st, err = replay(t, cfg, cfg.Start(), "0 0 0 0 0 0 0 0 0 0 1 6 0", true)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := trace(out), "n3 n6 n9 n12 n15 n18 n21 n24 n27 n30 r0 r0x n3"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if out[10].SampleSize != 50 || out[10].Ac != 5 || out[11].NextSeverity != Normal || st.Score != 3 {
		t.Errorf("reduced lots: %+v %+v %+v", out[10], out[11], st)
	}
}

func TestNormalToTightenedWindowAndRestart(t *testing.T) {
	cfg := isoK25(t)
	// Rejections 6 lots apart are not within 5 consecutive lots.
	_, st, err := replay(t, cfg, cfg.Start(), "8 0 0 0 0 8", false)
	if err != nil || st.Severity != Normal {
		t.Fatalf("6 apart: %+v %v", st, err)
	}
	// 5 apart are.
	out, st, err := replay(t, cfg, cfg.Start(), "8 0 0 0 8", false)
	if err != nil || st.Severity != Tightened || out[4].NextSeverity != Tightened {
		t.Fatalf("5 apart: %+v %v", st, err)
	}
	// Tightened K 2.5 is 5/6; 5 accepted lots return to normal, where the
	// score restarts at 0: the first normal lot scores 3, not more.
	out, st, err = replay(t, cfg, cfg.Start(), "0 0 0 8 8 0 0 5 0 0 0 0", false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := trace(out), "n3 n6 n9 n0x n0x t0 t0 t0 t0 t0 n3 n6"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if out[5].Ac != 5 || out[5].Re != 6 || out[9].NextSeverity != Normal {
		t.Errorf("tightened: %+v %+v", out[5], out[9])
	}
	// The normal window also restarts: one rejection right after the return
	// does not combine with those before tightened.
	_, st, err = replay(t, cfg, st, "8", false)
	if err != nil || st.Severity != Normal {
		t.Errorf("after return: %+v %v", st, err)
	}
}

func TestResubmittedLotsIgnored(t *testing.T) {
	cfg := isoK25(t)
	// A rejected lot resubmitted and rejected again does not make 2 of 5.
	out, st, err := replay(t, cfg, cfg.Start(), "3 8 9R 0", false)
	if err != nil {
		t.Fatal(err)
	}
	if st.Severity != Normal || !out[2].Resubmitted || out[2].Accepted || out[2].NextSeverity != Normal {
		t.Errorf("%+v %+v", st, out[2])
	}
	if got, want := trace(out), "n3 n0x n0x n3"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// It does not add to the score either.
	out, _, _ = replay(t, cfg, cfg.Start(), "0 0R 0", false)
	if got, want := trace(out), "n3 n3 n6"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Nor to the tightened counts.
	_, st, _ = replay(t, cfg, cfg.Start(), "8 8 0 0 0 0 0R 0R 0R 0R 0R", false)
	if st.Severity != Tightened || st.TightenedAcceptedRun != 4 {
		t.Errorf("tightened after resubmissions: %+v", st)
	}
}

func TestDiscontinuation(t *testing.T) {
	cfg := isoK25(t)
	// Into tightened, then 5 lots not accepted (not consecutive) in that
	// tightened period.
	out, st, err := replay(t, cfg, cfg.Start(), "8 8 6 0 6 6 0 6 6", false)
	if err != nil {
		t.Fatal(err)
	}
	last := out[len(out)-1]
	if !st.Discontinued || !last.Discontinued || last.Severity != Tightened {
		t.Fatalf("%+v %+v", st, last)
	}
	if out[len(out)-2].Discontinued {
		t.Error("discontinued after 4")
	}
	if _, _, err := cfg.Next(st, LotInput{}); !errors.Is(err, ErrDiscontinued) {
		t.Errorf("lot after discontinuation: %v", err)
	}
	st = st.Resume()
	if st.Severity != Tightened || st.Discontinued || st.TightenedNotAccepted != 0 {
		t.Errorf("resume: %+v", st)
	}
	// The count resets when tightened ends: 4 not accepted, 5 accepted,
	// back to normal, later into tightened again with 4 more: no stop.
	_, st, err = replay(t, cfg, cfg.Start(), "8 8 6 6 6 6 0 0 0 0 0 8 8 6 6 6 6", false)
	if err != nil || st.Discontinued || st.Severity != Tightened || st.TightenedNotAccepted != 4 {
		t.Errorf("reset: %+v %v", st, err)
	}
}

func TestZ14ReducedNeedsApprovalAndGapReinstatesNormal(t *testing.T) {
	// Z1.4, lot 3000, II: K. AQL 2.5 normal 7/8; reduced n=50, 3/6.
	cfg := SwitchConfig{Standard: Z14, Level: LevelII, AQL: mustAQL(t, "2.5"), Lot: 3000}
	out, st, err := replay(t, cfg, cfg.Start(), "7 7 7 7 7 7 7 7 7 7 7 7", false)
	if err != nil || st.Severity != Normal || st.NormalAcceptedRun != 12 {
		t.Fatalf("without approval: %+v %v", st, err)
	}
	for _, o := range out {
		if o.SwitchingScore != 0 {
			t.Fatalf("Z1.4 has no switching score: %+v", o)
		}
	}
	out, st, err = replay(t, cfg, cfg.Start(), "7 7 7 7 7 7 7 7 7", true)
	if err != nil || st.Severity != Normal {
		t.Fatalf("9 lots: %+v %v", st, err)
	}
	out, st, err = replay(t, cfg, st, "7", true)
	if err != nil || st.Severity != Reduced || !strings.Contains(out[0].Reason, "limit numbers not checked") {
		t.Fatalf("10 lots approved: %+v %+v %v", st, out, err)
	}
	// Reduced 3/6: d=4 accepts the lot and reinstates normal.
	out, st, err = replay(t, cfg, st, "3 4", true)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].NextSeverity != Reduced || out[1].SampleSize != 50 || out[1].Ac != 3 || out[1].Re != 6 ||
		!out[1].Accepted || !out[1].ReinstateNormal || out[1].NextSeverity != Normal || st.Severity != Normal {
		t.Errorf("gap: %+v %+v", out[1], st)
	}
	// A rejection within the first 10 normal lots resets the run.
	_, st, _ = replay(t, cfg, cfg.Start(), "7 7 7 7 8 7 7 7 7 7 7", true)
	if st.Severity != Normal || st.NormalAcceptedRun != 6 {
		t.Errorf("run reset: %+v", st)
	}
}

func TestSwitchingErrors(t *testing.T) {
	cfg := isoK25(t)
	if _, _, err := cfg.Next(SwitchState{}, LotInput{}); err == nil {
		t.Error("zero state accepted")
	}
	if _, _, err := cfg.Next(cfg.Start(), LotInput{Defects: -1}); err == nil {
		t.Error("negative count accepted")
	}
	if _, _, err := cfg.Next(cfg.Start(), LotInput{Defects: 126}); err == nil {
		t.Error("more defects than sample")
	}
	bad := cfg
	bad.AQL = 0
	if _, _, err := bad.Next(cfg.Start(), LotInput{}); err == nil {
		t.Error("no AQL accepted")
	}
	p, err := cfg.Plan(cfg.StartAt(Tightened), 0)
	if err != nil || p.Ac != 5 || p.Severity != Tightened {
		t.Errorf("plan: %+v %v", p, err)
	}
}

// The Ac >= 2 rule compares with the next tighter column in the same row;
// in the ISO normal table that cell always holds a plan.
func TestTighterColumnAlwaysAPlan(t *testing.T) {
	n := 0
	for _, l := range CodeLetters()[:16] {
		for _, a := range AQLs() {
			p, err := Lookup(ISO2859, Normal, l, a)
			if err != nil || p.Ac < 2 {
				continue
			}
			ta := tighterAc(p)
			tighter, _ := a.Tighter()
			q, err := Lookup(ISO2859, Normal, p.FinalCodeLetter, tighter)
			if ta < 0 || err != nil || q.FinalCodeLetter != p.FinalCodeLetter || q.Ac != ta || ta >= p.Ac {
				t.Errorf("%s %s: plan %s, tighter Ac %d, tighter plan %+v %v", l, a, planString(p), ta, q, err)
			}
			n++
		}
	}
	if n < 100 {
		t.Fatalf("only %d plans with Ac >= 2", n)
	}
}
