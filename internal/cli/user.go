package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"qms/internal/account"
	"qms/internal/config"
	"qms/internal/qms"
	"qms/internal/store"
)

const userHelp = `user <create|list|disable|enable|reset-password> [flags]

  create          create a user; the password is read from the first line of
                  stdin when stdin is a pipe or file, otherwise one is generated
                  and printed once
  list            list users
  disable         disable a user: sign them out and revoke their API tokens
  enable          enable a disabled user again
  reset-password  set a new password (from stdin, or generated and printed
                  once) and sign the user out

Run qms user <subcommand> --help for the flags of each.`

func runUser(ctx context.Context, env *Env, args []string) error {
	return runSub(ctx, env, "user", userHelp, args, map[string]func(context.Context, *Env, []string) error{
		"create":  userCreate,
		"list":    userList,
		"disable": func(ctx context.Context, env *Env, args []string) error { return userSetDisabled(ctx, env, args, true) },
		"enable": func(ctx context.Context, env *Env, args []string) error {
			return userSetDisabled(ctx, env, args, false)
		},
		"reset-password": userResetPassword,
	})
}

// runSub dispatches to the subcommand named by args[0].
func runSub(ctx context.Context, env *Env, name, help string, args []string, subs map[string]func(context.Context, *Env, []string) error) error {
	if len(args) == 0 {
		fmt.Fprintf(env.Stdout, "Usage: qms %s\n", help)
		return usagef("missing subcommand")
	}
	if a := args[0]; a == "-h" || a == "--help" || a == "help" {
		fmt.Fprintf(env.Stdout, "Usage: qms %s\n", help)
		return nil
	}
	fn, ok := subs[args[0]]
	if !ok {
		return usagef("unknown subcommand %q; run 'qms %s --help' for the list", args[0], name)
	}
	return fn(ctx, env, args[1:])
}

// withStore resolves the configuration, opens (and migrates) the database,
// and runs fn as the system operator.
func withStore(ctx context.Context, env *Env, resolve func() (config.Config, error), fn func(ctx context.Context, st *store.Store) error) error {
	c, err := resolve()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c, newLogger(c, env.Stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	return cliError(fn(qms.WithActor(ctx, qms.System), st))
}

// cliError turns invalid input reported by the domain into a usage error
// (exit status 2); other errors pass through.
func cliError(err error) error {
	if err != nil && qms.ErrorKind(err) == qms.KindInvalid {
		return &UsageError{Msg: err.Error()}
	}
	return err
}

// readSecret returns the first line of stdin when stdin is not a terminal and
// holds data, or "" (meaning: generate one).
func readSecret(env *Env) (string, error) {
	if env.Stdin == nil {
		return "", nil
	}
	if f, ok := env.Stdin.(*os.File); ok {
		fi, err := f.Stat()
		if err != nil || fi.Mode()&os.ModeCharDevice != 0 {
			return "", nil // a terminal (or /dev/null): generate
		}
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// printPassword shows a generated password once.
func printPassword(env *Env, pw string) {
	fmt.Fprintf(env.Stdout, "password: %s\n", pw)
	fmt.Fprintln(env.Stderr, "This generated password is shown only once: pass it on securely and ask the user to change it.")
}

func userCreate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "user create", "user create --email E --name N --role R [--supplier ID] [--data DIR | --db URL] < password")
	email := fs.String("email", "", "e-mail address the user signs in with (required)")
	name := fs.String("name", "", "the user's full name (required)")
	role := fs.String("role", "", "role: "+roleList()+" (required)")
	supplier := fs.Int64("supplier", 0, "for the supplier role: the id of the one supplier the user belongs to")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" || *role == "" {
		return usagef("--email, --name and --role are required")
	}
	in := account.NewUser{Email: *email, Name: *name, Role: qms.Role(*role)}
	if *supplier != 0 {
		in.SupplierID = supplier
	}
	pw, err := readSecret(env)
	if err != nil {
		return err
	}
	in.Password = pw
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		u, got, err := (&account.Service{Store: st}).CreateUser(ctx, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "created user %d: %s <%s>, role %s\n", u.ID, u.Name, u.Email, u.Role)
		if pw == "" {
			printPassword(env, got)
		}
		return nil
	})
}

func userList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "user list", "user list [--role R] [--json] [--data DIR | --db URL]")
	role := fs.String("role", "", "only users with this role: "+roleList())
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *role != "" && !qms.Role(*role).Valid() {
		return usagef("--role %q: must be one of %s", *role, roleList())
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		svc := &account.Service{Store: st}
		users := []qms.User{}
		f := store.UserFilter{Role: qms.Role(*role), Limit: store.MaxPageSize}
		for {
			page, next, err := svc.ListUsers(ctx, f)
			if err != nil {
				return err
			}
			users = append(users, page...)
			if next == 0 {
				break
			}
			f.After = next
		}
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(users)
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tSUPPLIER\tSTATUS\tLAST LOGIN")
		for _, u := range users {
			sup, status, last := "-", "active", "never"
			if u.SupplierID != nil {
				sup = fmt.Sprint(*u.SupplierID)
			}
			if u.Disabled {
				status = "disabled"
			}
			if u.LastLogin != nil {
				last = u.LastLogin.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, u.Role, sup, status, last)
		}
		return tw.Flush()
	})
}

func userSetDisabled(ctx context.Context, env *Env, args []string, disabled bool) error {
	name, synopsis := "user enable", "user enable --email E [--reason R] [--data DIR | --db URL]"
	if disabled {
		name, synopsis = "user disable", "user disable --email E [--reason R] [--data DIR | --db URL]"
	}
	fs := newFlags(env, name, synopsis)
	email := fs.String("email", "", "e-mail address of the user (required)")
	reason := fs.String("reason", "", "why, recorded in the audit trail")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usagef("--email is required")
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		svc := &account.Service{Store: st}
		u, err := svc.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		if u.Disabled == disabled {
			fmt.Fprintf(env.Stdout, "user %s is already %s\n", u.Email, enabledWord(disabled))
			return nil
		}
		if _, err := svc.SetDisabled(ctx, u.ID, disabled, *reason); err != nil {
			return err
		}
		if disabled {
			fmt.Fprintf(env.Stdout, "disabled user %s: signed out, API tokens revoked\n", u.Email)
		} else {
			fmt.Fprintf(env.Stdout, "enabled user %s\n", u.Email)
		}
		return nil
	})
}

func enabledWord(disabled bool) string {
	if disabled {
		return "disabled"
	}
	return "enabled"
}

func userResetPassword(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "user reset-password", "user reset-password --email E [--reason R] [--data DIR | --db URL] < password")
	email := fs.String("email", "", "e-mail address of the user (required)")
	reason := fs.String("reason", "", "why, recorded in the audit trail")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usagef("--email is required")
	}
	pw, err := readSecret(env)
	if err != nil {
		return err
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		svc := &account.Service{Store: st}
		u, err := svc.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		got, err := svc.ResetPassword(ctx, u.ID, pw, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "new password set for %s; their sessions were ended\n", u.Email)
		if pw == "" {
			printPassword(env, got)
		}
		return nil
	})
}

func roleList() string {
	s := make([]string, len(qms.Roles))
	for i, r := range qms.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}
