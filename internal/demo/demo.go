// Package demo loads the demo data set of qms serve --demo (stub; being written).
package demo

import (
	"context"
	"io"

	"qms/internal/store"
)

// Load fills an empty database with demo data and prints how to sign in.
func Load(ctx context.Context, st *store.Store, out io.Writer) error { return nil }
