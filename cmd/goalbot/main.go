// Command goalbot is the goalbot GitHub App: the webhook server and workers,
// the offline demo, and the operator's tools (DESIGN §4). It only wires the
// packages under bot/, store/ and config/ together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// usageError is a mistake in how goalbot was invoked; it exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitError carries an exit status without printing anything more.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

const usage = `usage: goalbot <command> [flags]

commands:
  serve   [--config FILE]             run the webhook server and workers
  demo    [--once] [--listen ADDR]    the whole product offline, against the GitHub sandbox
  goals check PATH... [--json]        parse goal documents, report errors with file:line
  status  [--goal ID] [--json]        print computed subgoal statuses from the store
  sync    [--goal ID]                 reconcile every tracked item with GitHub now
  digest  [--week YYYY-Www] [--dry-run]   build (and unless --dry-run, post) the weekly digest
  migrate [--config FILE]             apply database migrations
  config check [--config FILE]        validate configuration, print it with secrets masked
  bench   [--json] [--quick] [--store sqlite|URL]   measure throughput and latency against the sandbox
  version                             print the version
`

func main() {
	ctx, stop := signalContext()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// signalContext is cancelled by SIGINT or SIGTERM: serve then stops taking
// deliveries and lets running jobs finish.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// env reads environment variables; tests pass a map's lookup.
type env func(string) string

// run executes one command line and returns the exit status: 0 success,
// 1 runtime failure, 2 bad usage or configuration.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) int {
	err := dispatch(ctx, args, stdout, stderr, getenv)
	var ue *usageError
	var ee *exitError
	var ce *configError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "goalbot: %v\n", err)
		return 2
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "goalbot: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "goalbot: %v\n", err)
		return 1
	}
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{2}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stderr, getenv)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr, getenv)
	case "goals":
		if len(rest) == 0 || rest[0] != "check" {
			return usagef("unknown goals subcommand; try: goalbot goals check PATH...")
		}
		return cmdGoalsCheck(rest[1:], stdout, getenv)
	case "status":
		return cmdStatus(ctx, rest, stdout, stderr, getenv)
	case "sync":
		return cmdSync(ctx, rest, stdout, stderr, getenv)
	case "digest":
		return cmdDigest(ctx, rest, stdout, stderr, getenv)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "config":
		if len(rest) == 0 || rest[0] != "check" {
			return usagef("unknown config subcommand; try: goalbot config check [--config FILE]")
		}
		return cmdConfigCheck(rest[1:], stdout, getenv)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "goalbot", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usagef("unknown command %q; run goalbot help for the list", cmd)
	}
}

// version reports the module version or VCS revision the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
