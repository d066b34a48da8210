package qaudit

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
)

// Template is a checklist: the questions an audit asks, in order. The
// templates shipped with qms are embedded (Builtins); users make their own
// by copying one and editing it (stored, with a numeric id).
type Template struct {
	Key         string             `json:"key"` // "iso9001-2015" for a shipped one, "custom-42" for a user's
	ID          int64              `json:"id,omitempty"`
	Name        string             `json:"name"`
	Standard    string             `json:"standard"` // the default audit criteria
	Description string             `json:"description,omitempty"`
	Builtin     bool               `json:"builtin"`
	Questions   []TemplateQuestion `json:"questions"`
	VoidedAt    *time.Time         `json:"voided_at,omitempty"`
	CreatedBy   string             `json:"created_by,omitempty"`
	CreatedAt   time.Time          `json:"created_at,omitzero"`
	UpdatedAt   time.Time          `json:"updated_at,omitzero"`
	Version     int64              `json:"version,omitempty"`
}

// TemplateQuestion is one question of a checklist.
type TemplateQuestion struct {
	Clause   string `json:"clause"`             // the clause or area, such as 8.4.1
	Section  string `json:"section"`            // the clause's title or the area's name
	Text     string `json:"text"`               // the question asked
	Guidance string `json:"guidance,omitempty"` // the evidence to ask for
}

// Keys of the shipped templates.
const (
	KeyISO9001  = "iso9001-2015"
	KeyISO13485 = "iso13485-2016"
	KeyFactory  = "factory-technical"
)

// Limits of a template.
const (
	MaxQuestions   = 1000
	MaxQuestionLen = 2000
)

// CustomKey is the key of the user's template with the given id.
func CustomKey(id int64) string { return "custom-" + strconv.FormatInt(id, 10) }

// ParseCustomKey returns the id of a user's template key, and false when
// key is not one.
func ParseCustomKey(key string) (int64, bool) {
	s, ok := strings.CutPrefix(key, "custom-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// Validate trims and checks a template: a name, the criteria and at least
// one question, each with a clause or area and the question's text.
// Returns an invalid error listing every problem.
func (t *Template) Validate() error {
	p := qms.Problems{}
	t.Name, t.Standard, t.Description = strings.TrimSpace(t.Name), strings.TrimSpace(t.Standard), strings.TrimSpace(t.Description)
	qms.CheckText(p, "name", t.Name, MaxTitleLen)
	if t.Name == "" {
		p.Add("name", "is required")
	}
	qms.CheckText(p, "standard", t.Standard, MaxTitleLen)
	if t.Standard == "" {
		p.Add("standard", "is required: the standard or requirements the checklist audits against")
	}
	checkLong(p, "description", t.Description, MaxTextLen)
	if len(t.Questions) == 0 {
		p.Add("questions", "at least one question is required")
	}
	if len(t.Questions) > MaxQuestions {
		p.Add("questions", fmt.Sprintf("at most %d questions", MaxQuestions))
	}
	for i := range t.Questions {
		q := &t.Questions[i]
		f := fmt.Sprintf("questions.%d.", i)
		q.Clause, q.Section, q.Text, q.Guidance = strings.TrimSpace(q.Clause), strings.TrimSpace(q.Section), strings.TrimSpace(q.Text), strings.TrimSpace(q.Guidance)
		qms.CheckText(p, f+"clause", q.Clause, MaxClauseLen)
		if q.Clause == "" {
			p.Add(f+"clause", "is required: the clause or area the question belongs to")
		}
		qms.CheckText(p, f+"section", q.Section, MaxTitleLen)
		checkLong(p, f+"text", q.Text, MaxQuestionLen)
		if q.Text == "" {
			p.Add(f+"text", "is required: the question to ask")
		}
		checkLong(p, f+"guidance", q.Guidance, MaxQuestionLen)
	}
	return p.Err()
}

// Questions returns the template's questions as an audit's checklist,
// numbered from 1 and unanswered.
func (t *Template) Checklist() []Question {
	out := make([]Question, len(t.Questions))
	for i, q := range t.Questions {
		out[i] = Question{Line: i + 1, Clause: q.Clause, Section: q.Section, Text: q.Text, Guidance: q.Guidance, Photos: []int64{}}
	}
	return out
}

// Clauses returns the distinct clauses of the template in order.
func (t *Template) Clauses() []string {
	var out []string
	seen := map[string]bool{}
	for _, q := range t.Questions {
		if !seen[q.Clause] {
			seen[q.Clause] = true
			out = append(out, q.Clause)
		}
	}
	return out
}

//go:embed templates/*.json
var templateFS embed.FS

var builtins = loadBuiltins()

func loadBuiltins() []Template {
	var out []Template
	for _, key := range []string{KeyISO9001, KeyISO13485, KeyFactory} {
		b, err := templateFS.ReadFile(path.Join("templates", key+".json"))
		if err != nil {
			panic(err)
		}
		var t Template
		if err := json.Unmarshal(b, &t); err != nil {
			panic(fmt.Sprintf("qaudit: template %s: %v", key, err))
		}
		if err := t.Validate(); err != nil {
			panic(fmt.Sprintf("qaudit: template %s: %v", key, err))
		}
		t.Key, t.Builtin = key, true
		out = append(out, t)
	}
	return out
}

// Builtins returns the templates shipped with qms (copies: callers may
// change them).
func Builtins() []Template {
	out := make([]Template, len(builtins))
	for i, t := range builtins {
		t.Questions = append([]TemplateQuestion(nil), t.Questions...)
		out[i] = t
	}
	return out
}

// Builtin returns the shipped template with the given key.
func Builtin(key string) (Template, bool) {
	for _, t := range Builtins() {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}
