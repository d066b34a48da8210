package supplier

import (
	"slices"
	"strings"
	"unicode"
)

// Text comparison for names, addresses, scopes and keys. Certificates print
// names and addresses in many spellings: upper or lower case, full-width
// characters, with or without Vietnamese diacritics, with "Co., Ltd." or
// "有限公司". These helpers reduce text to comparable tokens; they never
// change what is stored.

// diacritics maps accented Latin letters (lower case) to their base letters.
var diacritics = func() map[rune]string {
	m := map[rune]string{}
	for base, accented := range map[string]string{
		"a":  "àáâãäåāăąǎạảấầẩẫậắằẳẵặ",
		"c":  "çćĉċč",
		"d":  "ďđ",
		"e":  "èéêëēĕėęěẹẻẽếềểễệ",
		"g":  "ĝğġģ",
		"h":  "ĥħ",
		"i":  "ìíîïĩīĭįıǐỉị",
		"j":  "ĵ",
		"k":  "ķ",
		"l":  "ĺļľŀł",
		"n":  "ñńņňŉ",
		"o":  "òóôõöøōŏőǒọỏốồổỗộớờởỡợơ",
		"r":  "ŕŗř",
		"s":  "śŝşšș",
		"t":  "ţťŧț",
		"u":  "ùúûüũūŭůűųǔụủứừửữựư",
		"w":  "ŵ",
		"y":  "ýÿŷỳỵỷỹ",
		"z":  "źżž",
		"ss": "ß",
		"ae": "æ",
		"oe": "œ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// Fold lower-cases s, turns full-width forms into ASCII and removes Latin
// diacritics: "Nguyễn ＶＡＮ" becomes "nguyen van". Scripts without case
// (Chinese, Thai ...) pass through unchanged.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r == 0x3000: // ideographic space
			r = ' '
		}
		r = unicode.ToLower(r)
		if base, ok := diacritics[r]; ok {
			b.WriteString(base)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unspaced reports whether r belongs to a script written without spaces
// between words, where a run of characters is compared as one token.
func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// tokens folds s and splits it into words: runs of letters and digits in
// spaced scripts, and runs of characters of unspaced scripts. Punctuation,
// symbols and spaces separate tokens and are dropped. Combining marks
// (Thai vowels and tone marks) stay with their run.
func tokens(s string) []string {
	var out []string
	var cur strings.Builder
	curUnspaced := false
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range Fold(s) {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if cur.Len() > 0 {
				cur.WriteRune(r)
			}
		case unspaced(r):
			if !curUnspaced {
				flush()
			}
			curUnspaced = true
			cur.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if curUnspaced {
				flush()
			}
			curUnspaced = false
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// isUnspacedToken reports whether a token comes from an unspaced script.
func isUnspacedToken(t string) bool {
	for _, r := range t {
		return unspaced(r)
	}
	return false
}

func isDigits(t string) bool {
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return t != ""
}

// Company-form words and phrases, folded. Phrases are removed before words.
var (
	companyPhrases = [][]string{
		{"cong", "ty"}, {"co", "phan"}, {"trach", "nhiem", "huu", "han"}, {"mot", "thanh", "vien"},
		{"private", "limited"}, {"public", "company"},
	}
	companyWords = map[string]bool{
		"co": true, "ltd": true, "limited": true, "company": true, "inc": true, "incorporated": true,
		"corp": true, "corporation": true, "llc": true, "llp": true, "gmbh": true, "mbh": true, "ag": true,
		"kg": true, "sa": true, "sarl": true, "srl": true, "spa": true, "bv": true, "nv": true, "plc": true,
		"pte": true, "pvt": true, "pty": true, "jsc": true, "tnhh": true, "mtv": true, "cty": true, "the": true,
		"kk": true, "sdn": true, "bhd": true, "tbk": true, "pt": true,
	}
	// companyAffixes are removed from tokens of unspaced scripts, longest first.
	companyAffixes = []string{
		"股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "责任公司", "責任公司", "公司",
		"株式会社", "有限会社", "주식회사", "유한회사",
		"ห้างหุ้นส่วนจำกัด", "บริษัท", "จำกัด", "มหาชน",
	}
)

// removePhrases drops every occurrence of the given word sequences.
func removePhrases(ts []string, phrases [][]string) []string {
	out := ts[:0:0]
	for i := 0; i < len(ts); {
		skip := 0
		for _, p := range phrases {
			if i+len(p) <= len(ts) && slices.Equal(ts[i:i+len(p)], p) {
				skip = len(p)
				break
			}
		}
		if skip > 0 {
			i += skip
			continue
		}
		out = append(out, ts[i])
		i++
	}
	return out
}

// nameTokens returns the tokens of a company name without company-form
// words ("Co., Ltd.", "GmbH", "Công ty TNHH", "有限公司", "บริษัท ... จำกัด"),
// sorted, so "Huaqiang Electronics (Shenzhen) Co., Ltd." and "SHENZHEN
// HUAQIANG ELECTRONICS LIMITED" give the same tokens.
func nameTokens(s string) []string {
	var ts []string
	for _, t := range removePhrases(tokens(s), companyPhrases) {
		if isUnspacedToken(t) {
			for _, a := range companyAffixes {
				t = strings.ReplaceAll(t, a, "")
			}
			if t != "" {
				ts = append(ts, t)
			}
			continue
		}
		if !companyWords[t] {
			ts = append(ts, t)
		}
	}
	slices.Sort(ts)
	return ts
}

// NameKey is the comparable form of a company name: folded, without
// punctuation and company-form words, words sorted. Two names with the same
// key are taken to name the same company.
func NameKey(s string) string { return strings.Join(nameTokens(s), " ") }

// addressAbbrev expands common address abbreviations (folded).
var addressAbbrev = map[string]string{
	"rd": "road", "st": "street", "str": "strasse", "ave": "avenue", "av": "avenue", "blvd": "boulevard",
	"bldg": "building", "blk": "block", "ind": "industrial", "indus": "industrial", "hwy": "highway",
	"ln": "lane", "fl": "floor", "flr": "floor", "rm": "room", "twp": "township", "dev": "development",
}

// addressFiller are words that addresses include or omit freely (folded):
// "No.", "District", country names, and their Vietnamese forms.
var addressFiller = map[string]bool{
	"no": true, "number": true, "nr": true, "of": true, "and": true, "the": true,
	"district": true, "province": true, "city": true, "county": true, "town": true, "township": true,
	"village": true, "prefecture": true, "municipality": true, "state": true,
	"china": true, "prc": true, "peoples": true, "people": true, "republic": true, "vietnam": true, "viet": true,
	"nam": true, "thailand": true, "india": true, "bangladesh": true, "indonesia": true, "cambodia": true,
	"taiwan": true, "malaysia": true, "turkey": true, "germany": true, "italy": true, "portugal": true,
	"so": true, "duong": true, "phuong": true, "quan": true, "huyen": true, "xa": true, "tinh": true, "tp": true,
	"thanh": true, "pho": true, "thi": true, "tran": true, "ap": true, "kcn": true,
}

// addressTokens returns the significant tokens of an address: folded,
// abbreviations expanded, filler words, single letters and postcodes
// (five or more digits) dropped.
func addressTokens(s string) []string {
	var ts []string
	for _, t := range tokens(s) {
		if !isUnspacedToken(t) {
			if x, ok := addressAbbrev[t]; ok {
				t = x
			}
			if addressFiller[t] || len(t) == 1 && !isDigits(t) || isDigits(t) && len(t) >= 5 {
				continue
			}
		}
		ts = append(ts, t)
	}
	return ts
}

// missingTokens returns the tokens of a that b lacks. A token of an
// unspaced script is present when it occurs anywhere in b's text of that
// script, so "深圳市南山区" is found in "广东省深圳市南山区".
func missingTokens(a, b []string) []string {
	have := map[string]bool{}
	var joined strings.Builder
	for _, t := range b {
		have[t] = true
		if isUnspacedToken(t) {
			joined.WriteString(t)
			joined.WriteByte(' ')
		}
	}
	var miss []string
	for _, t := range a {
		if have[t] || isUnspacedToken(t) && strings.Contains(joined.String(), t) {
			continue
		}
		if !slices.Contains(miss, t) {
			miss = append(miss, t)
		}
	}
	return miss
}

// AddressesMatch reports whether two addresses name the same place: after
// normalisation, the significant words of one are all found in the other
// (certificates often shorten an address, or add the postcode). When they
// do not match, extra lists what a has that b lacks and lacking what b has
// that a lacks. Empty addresses match anything.
func AddressesMatch(a, b string) (ok bool, extra, lacking []string) {
	ta, tb := addressTokens(a), addressTokens(b)
	if len(ta) == 0 || len(tb) == 0 {
		return true, nil, nil
	}
	extra, lacking = missingTokens(ta, tb), missingTokens(tb, ta)
	if len(extra) == 0 || len(lacking) == 0 {
		return true, nil, nil
	}
	return false, extra, lacking
}

// SearchText is what a text search over names looks in: the names folded,
// so "nguyen" finds "Nguyễn" and "huaqiang" finds "HUAQIANG".
func SearchText(names ...string) string {
	var parts []string
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			parts = append(parts, Fold(n))
		}
	}
	return strings.Join(parts, "\n")
}

// numberKey is the comparable form of a certificate number: upper case,
// without spaces and the separators - / . _ that printings vary in.
func numberKey(s string) string {
	var b strings.Builder
	for _, r := range Fold(s) {
		if unicode.IsSpace(r) || strings.ContainsRune("-/._", r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// bodyKey is the comparable form of a certification or accreditation body's
// name: its name tokens without company-form words, joined.
func bodyKey(s string) string { return strings.Join(nameTokens(s), "") }

// quoteList returns the items quoted and joined for a message.
func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "“" + s + "”"
	}
	return strings.Join(q, ", ")
}
