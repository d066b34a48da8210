package process

import (
	"testing"

	"qms/internal/qms"
)

func TestScore(t *testing.T) {
	for _, c := range []struct {
		l, s  int
		score int
		level Level
	}{
		{1, 1, 1, LevelLow}, {2, 2, 4, LevelLow}, {1, 5, 5, LevelMedium}, {3, 3, 9, LevelMedium},
		{2, 5, 10, LevelHigh}, {4, 4, 16, LevelHigh}, {4, 5, 20, LevelSevere}, {5, 5, 25, LevelSevere},
	} {
		if score, level := Score(c.l, c.s); score != c.score || level != c.level {
			t.Errorf("Score(%d, %d) = %d %s, want %d %s", c.l, c.s, score, level, c.score, c.level)
		}
	}
}

func TestRiskValidate(t *testing.T) {
	r := Risk{Kind: "threat", Likelihood: 0, Severity: 6}
	f := qms.ErrorFields(r.Validate())
	for _, k := range []string{"kind", "title", "likelihood", "severity", "owner_id", "review_on"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
	r = Risk{Title: " Late deliveries ", Likelihood: 3, Severity: 4, OwnerID: 1, ReviewOn: qms.NewDate(2026, 6, 1)}
	if err := r.Validate(); err != nil || r.Kind != KindRisk || r.Status != RiskOpen || r.Score != 12 || r.Level != LevelHigh || r.Title != "Late deliveries" {
		t.Errorf("valid risk: %v %+v", err, r)
	}
}

func TestProcessValidate(t *testing.T) {
	p := Process{Name: "  ", Inputs: "a\x00b"}
	f := qms.ErrorFields(p.Validate())
	if f["name"] == "" || f["owner_id"] == "" || f["inputs"] == "" {
		t.Errorf("messages: %v", f)
	}
	p = Process{Name: " Supplier   management ", OwnerID: 2, KPIs: "on-time delivery\r\n\r\nlot acceptance rate\n"}
	if err := p.Validate(); err != nil || p.Name != "Supplier management" || len(Lines(p.KPIs)) != 2 || NameKey(p.Name) != "supplier management" {
		t.Errorf("valid process: %v %+v", err, p)
	}
}

func TestActionOverdue(t *testing.T) {
	a := RiskAction{Description: "x", OwnerID: 1, DueOn: qms.NewDate(2026, 1, 31)}
	if err := a.Validate(); err != nil || a.Status != ActionOpen {
		t.Fatal(err)
	}
	if a.Overdue(qms.NewDate(2026, 1, 31)) || !a.Overdue(qms.NewDate(2026, 2, 1)) {
		t.Error("overdue the day after")
	}
	a.Status = ActionDone
	if a.Overdue(qms.NewDate(2027, 1, 1)) {
		t.Error("a done action is not overdue")
	}
}
