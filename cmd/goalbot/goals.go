package main

import (
	"io"
	"os"

	"github.com/goalbot/goalbot/bot/goaldoc"
)

func cmdGoalsCheck(args []string, stdout io.Writer, getenv env) error {
	fs := newFlags("goals check")
	asJSON := fs.Bool("json", false, "print one JSON object")
	book := fs.String("book", "", "book.toml `FILE` with shared link definitions (default: the rust-lang goals book's)")
	// Flags may follow the paths, as in "goals check DIR --json".
	var paths []string
	for len(args) > 0 {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(paths) == 0 {
		return usagef("goals check needs at least one file or folder: goalbot goals check PATH... [--json]")
	}
	shared := goaldoc.DefaultShared()
	if *book != "" {
		b, err := os.ReadFile(*book)
		if err != nil {
			return usagef("read --book: %v", err)
		}
		if shared, err = goaldoc.LoadShared(b); err != nil {
			return usagef("--book %s: %v", *book, err)
		}
	}
	report, err := goaldoc.CheckPaths(paths, shared)
	if err != nil {
		return err
	}
	if *asJSON {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		return err
	}
	if report.HasErrors() {
		return &exitError{1}
	}
	return nil
}
