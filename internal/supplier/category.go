package supplier

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"qms/internal/qms"
)

// Category is a product category: what suppliers sell and sites make
// ("electronics", "medical_devices", "toys"). Keywords are the words a
// certificate's scope uses for products of the category, in any language
// ("electronic", "PCB", "电子"); a scope covers the category when it
// contains one of them.
type Category struct {
	ID       int64    `json:"id"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Keywords []string `json:"keywords"`

	VoidedAt   *time.Time `json:"voided_at,omitempty"`
	VoidReason string     `json:"void_reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// MaxCodeLen bounds category and market codes.
const MaxCodeLen = 64

// NormalizeCode trims and lower-cases a category code, with spaces as _.
func NormalizeCode(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.TrimSpace(s))), "_")
}

func validCode(c string) bool {
	if c == "" || len(c) > MaxCodeLen {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Validate normalises and checks a category.
func (c *Category) Validate() error {
	p := qms.Problems{}
	c.Code = NormalizeCode(c.Code)
	c.Name = strings.TrimSpace(c.Name)
	if !validCode(c.Code) {
		p.Add("code", "is required: letters, digits, - and _, at most "+strconv.Itoa(MaxCodeLen))
	}
	qms.CheckText(p, "name", c.Name, MaxNameLen)
	if c.Name == "" {
		p.Add("name", "is required")
	}
	kw := []string{}
	for _, k := range c.Keywords {
		k = strings.TrimSpace(k)
		if k == "" || slices.Contains(kw, k) {
			continue
		}
		qms.CheckText(p, "keywords", k, 100)
		if len(tokens(k)) == 0 {
			p.Add("keywords", "“"+k+"” has no letters or digits")
		}
		kw = append(kw, k)
	}
	if len(kw) > 100 {
		p.Add("keywords", "at most 100 keywords")
	}
	c.Keywords = kw
	return p.Err()
}

// scopeKeywords are the keywords of c, or its name and code when it has none.
func (c *Category) scopeKeywords() []string {
	if len(c.Keywords) > 0 {
		return c.Keywords
	}
	return []string{c.Name, strings.NewReplacer("_", " ", "-", " ").Replace(c.Code)}
}

// containsWords reports whether the scope tokens contain every token of
// the keyword: a Latin keyword token matches a scope word it begins
// ("electronic" matches "electronics"), and a keyword in an unspaced script
// matches anywhere in the scope's text of that script.
func containsWords(scope []string, scopeUnspaced string, keyword string) bool {
	kt := tokens(keyword)
	if len(kt) == 0 {
		return false
	}
	for _, k := range kt {
		found := false
		if isUnspacedToken(k) {
			found = strings.Contains(scopeUnspaced, k)
		} else {
			for _, w := range scope {
				if strings.HasPrefix(w, k) {
					found = true
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

type scopeText struct {
	words    []string
	unspaced string
}

func newScopeText(s string) scopeText {
	ts := tokens(s)
	var b strings.Builder
	for _, t := range ts {
		if isUnspacedToken(t) {
			b.WriteString(t)
			b.WriteByte(' ')
		}
	}
	return scopeText{ts, b.String()}
}

func (st scopeText) has(keyword string) bool { return containsWords(st.words, st.unspaced, keyword) }

// ScopeCovers reports whether a certificate scope covers the category and
// returns the keyword that matched.
func ScopeCovers(scope string, c Category) (bool, string) {
	st := newScopeText(scope)
	for _, k := range c.scopeKeywords() {
		if st.has(k) {
			return true, k
		}
	}
	return false, ""
}

// Words that mark a scope as trading only, or as covering production.
var (
	tradingWords    = []string{"trading", "trade", "sale", "sales", "selling", "distribution", "distributor", "wholesale", "import", "export", "贸易", "销售", "經銷", "经销", "批发", "thuong mai", "kinh doanh", "การค้า", "จำหน่าย"}
	productionWords = []string{"manufactur", "production", "produce", "producing", "assembl", "fabricat", "processing", "moulding", "molding", "casting", "machining", "printing", "sewing", "weaving", "knitting", "design and develop", "生产", "製造", "制造", "加工", "组装", "組裝", "san xuat", "gia cong", "การผลิต", "ผลิต"}
)

// TradingOnly reports whether a scope describes trading (sale,
// distribution, import/export) and no production: the certificate then
// says nothing about how the products are made.
func TradingOnly(scope string) bool {
	st := newScopeText(scope)
	trading := slices.ContainsFunc(tradingWords, st.has)
	production := slices.ContainsFunc(productionWords, st.has)
	return trading && !production
}
