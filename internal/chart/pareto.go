package chart

import (
	"cmp"
	"slices"
)

// TopItems keeps the n largest items (ties by label, as Pareto orders
// them) and sums the rest into one item labelled other, so that a Pareto
// of hundreds of suppliers or defect codes stays readable. With n <= 0 or
// no more than n items, it returns the items as they are.
func TopItems(items []Item, n int, other string) []Item {
	if n <= 0 || len(items) <= n {
		return items
	}
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b Item) int {
		if c := cmp.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.Label, b.Label)
	})
	rest := 0.0
	for _, it := range sorted[n:] {
		if it.Value > 0 {
			rest += it.Value
		}
	}
	return append(sorted[:n:n], Item{Label: other, Value: rest})
}
