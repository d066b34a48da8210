package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"qms/internal/account"
	"qms/internal/config"
	"qms/internal/store"
)

const tokenHelp = `token <create|revoke|list> [flags]

  create   create an API token for a user; prints only the token on stdout,
           so that TOKEN=$(qms token create ...) works. It is shown once.
  revoke   revoke a token by id
  list     list tokens (never their secrets)

API clients send the token as "Authorization: Bearer <token>".
Run qms token <subcommand> --help for the flags of each.`

func runToken(ctx context.Context, env *Env, args []string) error {
	return runSub(ctx, env, "token", tokenHelp, args, map[string]func(context.Context, *Env, []string) error{
		"create": tokenCreate,
		"revoke": tokenRevoke,
		"list":   tokenList,
	})
}

func tokenCreate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "token create", "token create --user E --name N [--expires 90d | --expires 2027-01-31] [--data DIR | --db URL]")
	email := fs.String("user", "", "e-mail address of the user the token acts as (required)")
	name := fs.String("name", "", "what the token is for, e.g. \"ERP import\" (required)")
	expires := fs.String("expires", "", "when the token stops working: a duration (90d, 12h) from now, or a date or time\nin RFC 3339 form (2027-01-31 means its start, UTC; 2027-01-31T18:00:00+08:00); default: never")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return usagef("--user and --name are required")
	}
	var exp *time.Time
	if *expires != "" {
		t, err := parseExpiry(*expires, time.Now())
		if err != nil {
			return usagef("--expires %q: %v", *expires, err)
		}
		exp = &t
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		svc := &account.Service{Store: st}
		u, err := svc.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		t, secret, err := svc.CreateToken(ctx, u.ID, *name, exp)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, secret)
		until := "never expires"
		if t.ExpiresAt != nil {
			until = "expires " + t.ExpiresAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(env.Stderr, "created API token %d %q for %s (%s); it is shown only this once\n", t.ID, t.Name, u.Email, until)
		return nil
	})
}

// parseExpiry reads --expires: Nd (days), a Go duration, a date
// (YYYY-MM-DD, its start in UTC) or an RFC 3339 time.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 3660 {
			return time.Time{}, fmt.Errorf("must be a number of days from 1 to 3660, such as 90d")
		}
		return now.AddDate(0, 0, days), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("must be in the future")
		}
		return now.Add(d), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("must be a duration such as 90d or 12h, a date such as 2027-01-31, or an RFC 3339 time such as 2027-01-31T18:00:00Z")
}

func tokenRevoke(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "token revoke", "token revoke --id N [--reason R] [--data DIR | --db URL]")
	id := fs.Int64("id", 0, "id of the token, as qms token list shows it (required)")
	reason := fs.String("reason", "", "why, recorded in the audit trail")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		return usagef("--id is required (see qms token list)")
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		if err := (&account.Service{Store: st}).RevokeToken(ctx, *id, *reason); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "revoked API token %d\n", *id)
		return nil
	})
}

func tokenList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "token list", "token list [--user E] [--json] [--data DIR | --db URL]")
	email := fs.String("user", "", "only the tokens of the user with this e-mail address")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withStore(ctx, env, resolve, func(ctx context.Context, st *store.Store) error {
		svc := &account.Service{Store: st}
		var userID int64
		if *email != "" {
			u, err := svc.UserByEmail(ctx, *email)
			if err != nil {
				return err
			}
			userID = u.ID
		}
		tokens, err := svc.ListTokens(ctx, userID)
		if err != nil {
			return err
		}
		if *asJSON {
			if tokens == nil {
				tokens = []store.Token{}
			}
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(tokens)
		}
		emails := map[int64]string{}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSER\tNAME\tPREFIX\tCREATED\tEXPIRES\tLAST USED\tSTATUS")
		now := st.Now()
		for _, t := range tokens {
			if _, ok := emails[t.UserID]; !ok {
				u, err := svc.User(ctx, t.UserID)
				if err != nil {
					return err
				}
				emails[t.UserID] = u.Email
			}
			status := "active"
			switch {
			case t.RevokedAt != nil:
				status = "revoked " + t.RevokedAt.Format(time.RFC3339)
			case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
				status = "expired"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s…\t%s\t%s\t%s\t%s\n", t.ID, emails[t.UserID], t.Name, t.Prefix,
				t.CreatedAt.Format(time.RFC3339), timeOr(t.ExpiresAt, "never"), timeOr(t.LastUsedAt, "never"), status)
		}
		return tw.Flush()
	})
}

func timeOr(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return t.UTC().Format(time.RFC3339)
}
