package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/goalbot/goalbot/config"
	"github.com/goalbot/goalbot/store"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// configError is a configuration problem; it exits 2.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("goalbot "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &helpRequest{fs}
		}
		return usagef("%s: %v; run %s --help for its flags", fs.Name(), err, fs.Name())
	}
	return nil
}

// loadConfig reads the configuration named by --config or GOALBOT_CONFIG.
func loadConfig(path string, getenv env) (*config.Config, error) {
	if path == "" {
		path = getenv("GOALBOT_CONFIG")
	}
	cfg, err := config.Load(path, getenv)
	if err != nil {
		return nil, &configError{err}
	}
	return cfg, nil
}

// configCommand parses a command's flags (--config and those define
// adds) and loads the configuration.
func configCommand(name string, args []string, getenv env, define func(fs *flag.FlagSet)) (*config.Config, error) {
	fs := newFlags(name)
	path := fs.String("config", "", "configuration `FILE` (default: $GOALBOT_CONFIG, else built-in defaults and the environment)")
	if define != nil {
		define(fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	return loadConfig(*path, getenv)
}

// newLogger returns the one logger: JSON lines, or a console format when
// stderr is a terminal.
func newLogger(w io.Writer, level string) zerolog.Logger {
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		w = zerolog.NewConsoleWriter(func(cw *zerolog.ConsoleWriter) { cw.Out = f })
	}
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		lvl = zerolog.InfoLevel
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}

func cmdConfigCheck(args []string, stdout io.Writer, getenv env) error {
	cfg, err := configCommand("config check", args, getenv, nil)
	if err != nil {
		return err
	}
	return cfg.WriteEffective(stdout)
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	cfg, err := configCommand("migrate", args, getenv, nil)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL.Value())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied to %s\n", cfg.DatabaseURL)
	return nil
}
