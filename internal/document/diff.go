package document

import "strings"

// Op is the kind of a diff line.
type Op string

const (
	OpSame   Op = "same"
	OpAdd    Op = "add"
	OpRemove Op = "remove"
)

// DiffLine is one line of a diff: unchanged, added in the newer text or
// removed from the older one, with its line numbers (0 when absent).
type DiffLine struct {
	Op   Op     `json:"op"`
	Old  int    `json:"old,omitempty"`
	New  int    `json:"new,omitempty"`
	Text string `json:"text"`
}

// maxDiffCells bounds the LCS table (lines of a times lines of b); larger
// texts are compared by their common start and end only, the middle shown
// as removed and added.
const maxDiffCells = 4_000_000

// Diff compares two texts line by line (longest common subsequence) and
// returns every line of both in reading order: what stayed, what was
// removed from a and what was added in b.
func Diff(a, b string) []DiffLine {
	al, bl := splitLines(a), splitLines(b)
	// Common start and end need no table.
	pre := 0
	for pre < len(al) && pre < len(bl) && al[pre] == bl[pre] {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && al[len(al)-1-suf] == bl[len(bl)-1-suf] {
		suf++
	}
	var out []DiffLine
	for i := 0; i < pre; i++ {
		out = append(out, DiffLine{OpSame, i + 1, i + 1, al[i]})
	}
	am, bm := al[pre:len(al)-suf], bl[pre:len(bl)-suf]
	out = append(out, lcs(am, bm, pre)...)
	for i := 0; i < suf; i++ {
		oi, ni := len(al)-suf+i, len(bl)-suf+i
		out = append(out, DiffLine{OpSame, oi + 1, ni + 1, al[oi]})
	}
	return out
}

func lcs(a, b []string, offset int) []DiffLine {
	var out []DiffLine
	if len(a)*len(b) > maxDiffCells {
		for i, s := range a {
			out = append(out, DiffLine{Op: OpRemove, Old: offset + i + 1, Text: s})
		}
		for j, s := range b {
			out = append(out, DiffLine{Op: OpAdd, New: offset + j + 1, Text: s})
		}
		return out
	}
	// n[i][j] is the LCS length of a[i:] and b[j:].
	w := len(b) + 1
	n := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				n[i*w+j] = n[(i+1)*w+j+1] + 1
			} else {
				n[i*w+j] = max(n[(i+1)*w+j], n[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{OpSame, offset + i + 1, offset + j + 1, a[i]})
			i, j = i+1, j+1
		case n[(i+1)*w+j] >= n[i*w+j+1]:
			out = append(out, DiffLine{Op: OpRemove, Old: offset + i + 1, Text: a[i]})
			i++
		default:
			out = append(out, DiffLine{Op: OpAdd, New: offset + j + 1, Text: b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{Op: OpRemove, Old: offset + i + 1, Text: a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{Op: OpAdd, New: offset + j + 1, Text: b[j]})
	}
	return out
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Changes counts the added and removed lines of a diff.
func Changes(d []DiffLine) (added, removed int) {
	for _, l := range d {
		switch l.Op {
		case OpAdd:
			added++
		case OpRemove:
			removed++
		}
	}
	return added, removed
}
