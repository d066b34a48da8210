package cli

import "context"

// runAQL is implemented by the sampling work (issue 3).
func runAQL(ctx context.Context, env *Env, args []string) error {
	return usagef("not implemented yet")
}
