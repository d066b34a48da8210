package cli

import (
	"context"
	"flag"
	"fmt"

	"qms/internal/config"
)

func runConfig(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "config", "config [any setting flag]\n\n"+
		"Prints the effective configuration: each setting's flag, its environment\n"+
		"variable, its value (flags override QMS_* variables, which override the\n"+
		"defaults) and where the value came from. Passwords are redacted. A bad value\n"+
		"exits with status 2 naming the setting.")
	names := config.All()
	resolve := dataFlags(fs, env, names)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := resolve()
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for i, line := range c.Lines(names) {
		src := "default"
		switch {
		case set[names[i]]:
			src = "flag"
		case env.Getenv(config.EnvName(names[i])) != "":
			src = "env"
		}
		fmt.Fprintf(env.Stdout, "%s  (%s)\n", line, src)
	}
	return nil
}
