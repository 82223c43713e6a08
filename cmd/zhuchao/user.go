package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/store"
)

const userUsage = `Usage:
  zhuchao user create --username NAME --name DISPLAY --roles admin,ops_manager [--password-stdin]
  zhuchao user reset-password --login LOGIN [--password-stdin]
  zhuchao user list

Platform roles: admin, ops_manager, merchant_recruitment, analyst, customer_service.
Without --password-stdin the password is read from ZHUCHAO_PASSWORD.
`

func runUser(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, userUsage)
		if len(args) == 0 {
			return errors.New("missing subcommand")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	cfg := config.Default()
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg.Register(fs, false)
	username := fs.String("username", "", "staff username (create)")
	name := fs.String("name", "", "display name (create)")
	roles := fs.String("roles", "", "comma-separated platform roles (create)")
	login := fs.String("login", "", "username, mobile or email (reset-password)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	switch sub {
	case "create", "reset-password", "list":
	default:
		fmt.Fprint(stdout, userUsage)
		return fmt.Errorf("unknown subcommand %q", sub)
	}
	if err := cfg.Parse(fs, args); err != nil {
		return err
	}
	setupLogging(cfg.LogLevel, cfg.LogFormat, os.Stderr)
	d, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	st := store.New(d)
	ids := identity.NewService(d, st, st, nil)
	password := func() (string, error) {
		if *pwStdin {
			line, err := bufio.NewReader(os.Stdin).ReadString('\n')
			if err != nil && line == "" {
				return "", fmt.Errorf("read password from stdin: %w", err)
			}
			return strings.TrimRight(line, "\r\n"), nil
		}
		if p := os.Getenv("ZHUCHAO_PASSWORD"); p != "" {
			return p, nil
		}
		return "", errors.New("give the password on standard input with --password-stdin, or in ZHUCHAO_PASSWORD")
	}
	switch sub {
	case "create":
		pw, err := password()
		if err != nil {
			return err
		}
		var rs []identity.Role
		for _, r := range strings.Split(*roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, identity.Role(r))
			}
		}
		u, err := ids.CreateStaff(ctx, nil, identity.StaffInput{Username: *username, DisplayName: *name, Password: pw, Roles: rs})
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "created staff user %s (%s) with roles %v\n", u.Username, u.ID, rs)
	case "reset-password":
		pw, err := password()
		if err != nil {
			return err
		}
		u, err := ids.ResetPassword(ctx, nil, *login, pw)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "password reset for %s (%s)\n", u.DisplayName, u.ID)
	case "list":
		plat, err := ids.PlatformOrg(ctx)
		if err != nil {
			return err
		}
		ms, err := st.Members(ctx, plat.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			fmt.Fprintf(stdout, "%-16s %-12s %-8s %v\n", m.User.Username, m.User.DisplayName, m.User.Status, m.Roles)
		}
	}
	return nil
}

// explain turns a domain error into a message naming each field, in English.
func explain(err error) error {
	e := errs.As(err)
	if e == nil || e.Code == errs.Internal {
		return err
	}
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, "--"+f.Field+": "+i18n.Msg(i18n.EN, f.Msg))
	}
	if len(parts) == 0 {
		parts = append(parts, i18n.Msg(i18n.EN, e.Msg))
	}
	return errors.New(strings.Join(parts, "; "))
}
