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
	"strings"
	"syscall"

	"github.com/goalbot/goalbot/config"
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
          --explain ITEM [--json]     which comment or label set an item's phase, reviewers, concerns, MCP state
  jobs    [--failed] [--kind K] | retry ID|--failed   list background jobs with their errors, re-run them
  sync    [--goal ID]                 reconcile every tracked item with GitHub now
  digest  [--week YYYY-Www] [--dry-run]   build (and unless --dry-run, post) the weekly digest
  migrate [--config FILE]             apply database migrations
  config check [--config FILE]        validate configuration, print it with secrets masked
  version                             print the version

Run goalbot COMMAND --help (or goalbot help COMMAND) for a command's flags,
environment variables and an example.
`

func main() {
	ctx, stop := signalContext()
	warnEnv(os.Stderr, os.Environ())
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// warnEnv prints a warning for each GOALBOT_* variable goalbot does not
// read (a misspelling would otherwise be silently ignored).
func warnEnv(w io.Writer, environ []string) {
	for _, msg := range config.EnvWarnings(environ) {
		fmt.Fprintf(w, "goalbot: %s\n", msg)
	}
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
	var hr *helpRequest
	switch {
	case err == nil:
		return 0
	case errors.As(err, &hr):
		writeHelp(stdout, hr.fs)
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
	if len(rest) > 0 && isHelp(rest[0]) {
		if text, ok := groupHelp(cmd); ok {
			fmt.Fprint(stdout, text)
			return nil
		}
	}
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
	case "jobs":
		return cmdJobs(ctx, rest, stdout, stderr, getenv)
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
	case "version":
		if err := parseFlags(newFlags("version"), rest); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "goalbot", version())
		return nil
	case "help", "-h", "--help":
		if cmd == "help" && len(rest) > 0 {
			// goalbot help goals check → goalbot goals check --help
			return dispatch(ctx, append(append([]string{}, rest...), "--help"), stdout, stderr, getenv)
		}
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usagef("unknown command %q; run goalbot help for the list", cmd)
	}
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// linkedVersion is the version a release build stamps in with
// -ldflags "-X main.linkedVersion=v1.2.3" (deploy/Dockerfile does, because
// its build context has no .git to read a revision from). It is the one
// package-level variable: the linker can set nothing else.
var linkedVersion string

// version reports what the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	return versionString(linkedVersion, info, ok)
}

// versionString says which version and VCS revision a binary was built
// from: the linked version, else the module version (a tag when built with
// go install …@v1.2.3, "(devel)" from a checkout), then the revision, its
// time and whether the tree was modified. -buildvcs=false (as .ci/run sets)
// or a build outside a checkout leave no revision; it says so instead of
// printing nothing.
func versionString(linked string, info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		if linked != "" {
			return linked
		}
		return "(unknown: built without module information)"
	}
	v := linked
	if v == "" {
		v = info.Main.Version
	}
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var details []string
	switch {
	case rev != "":
		if len(rev) > 12 {
			rev = rev[:12]
		}
		r := "revision " + rev
		if at != "" {
			r += " of " + at
		}
		if modified {
			r += ", modified"
		}
		details = append(details, r)
	case linked == "":
		details = append(details, "no VCS revision: built with -buildvcs=false or outside a git checkout")
	}
	if info.GoVersion != "" {
		details = append(details, info.GoVersion)
	}
	if len(details) == 0 {
		return v
	}
	return v + " (" + strings.Join(details, "; ") + ")"
}
