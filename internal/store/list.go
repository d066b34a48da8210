package store

import "context"

// scanner is what a query row offers to scan functions.
type scanner interface{ Scan(...any) error }

// listPage runs a query that ends in "LIMIT ?" with args (the limit is
// appended here as limit+1), scans each row, and returns at most limit items
// and the cursor of the next page: the key of the last item returned, or 0
// when there is no next page.
func listPage[T any](ctx context.Context, s *Store, query string, args []any, limit int,
	scan func(scanner, *T) error, key func(*T) int64) ([]T, int64, error) {
	limit = clampLimit(limit)
	items, err := listAll(ctx, s, query, append(args, limit+1), scan)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(items) > limit {
		items = items[:limit]
		next = key(&items[limit-1])
	}
	return items, next, nil
}

// listAll runs a query on the read pool and scans every row.
func listAll[T any](ctx context.Context, s *Store, query string, args []any, scan func(scanner, *T) error) ([]T, error) {
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
