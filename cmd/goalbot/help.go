package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/goalbot/goalbot/config"
)

// helpRequest is returned by parseFlags when -h or --help was given: run
// prints the command's help on stdout and exits 0. Every command whose
// flags go through newFlags and parseFlags gets its help this way, with
// its flags and defaults read from the flag set itself.
type helpRequest struct{ fs *flag.FlagSet }

func (h *helpRequest) Error() string { return "help requested" }

// helpDoc is what a command's help says beyond its flags.
type helpDoc struct {
	Usage   string   // the synopsis after "goalbot "
	About   string   // one or two sentences
	Env     []string // variables read besides the configuration's (which a --config flag implies)
	Example string   // one command line, after "goalbot "
}

// commandHelp returns the help text of a command, by its flag set's name
// without "goalbot " ("serve", "goals check"). A command missing here still
// gets usage, flags, environment and a generic example.
func commandHelp(name string) helpDoc {
	switch name {
	case "serve":
		return helpDoc{"serve [--config FILE]", "Run the webhook server, the job workers and the scheduler until SIGINT or SIGTERM.", nil,
			"serve --config goalbot.toml"}
	case "demo":
		return helpDoc{"demo [--once] [--listen ADDR]", "The whole product offline: the GitHub sandbox plays the seed goal's story as signed webhooks, goalbot answers, and (without --once) keeps serving so you can post commands to it.", nil,
			"demo --listen 127.0.0.1:8081"}
	case "goals check":
		return helpDoc{"goals check PATH... [--json] [--book FILE]", "Parse goal documents (files and folders, recursively) and report errors and warnings as file:line. Exit 1 when a goal document has an error.", nil,
			"goals check ../rust-project-goals/src/2025h1"}
	case "status":
		return helpDoc{"status [--goal ID] [--json] [--config FILE]", "Print the computed subgoal statuses from the store (run `goalbot migrate` or `serve` first).", nil,
			"status --goal async --json"}
	case "sync":
		return helpDoc{"sync [--goal ID] [--config FILE]", "Reconcile every tracked item with GitHub now, with a progress bar.", nil,
			"sync --goal async"}
	case "digest":
		return helpDoc{"digest [--week YYYY-Www] [--dry-run] [--config FILE]", "Build the weekly digest and post it (or, with --dry-run, print it from the store alone, without GitHub credentials).", nil,
			"digest --week 2024-W36 --dry-run"}
	case "migrate":
		return helpDoc{"migrate [--config FILE]", "Apply the database migrations (serve does it too).", nil,
			"migrate"}
	case "config check":
		return helpDoc{"config check [--config FILE]", "Validate the configuration and print the effective one, secrets masked.", nil,
			"config check --config goalbot.toml"}
	case "jobs":
		return helpDoc{"jobs [--failed] [--kind K] | jobs retry ID|--failed", "List background jobs with their errors, or re-run them.", nil,
			"jobs --failed"}
	case "bench":
		return helpDoc{"bench [--json] ...", "Run the benchmark of DESIGN §11.", nil,
			"bench --json"}
	case "version":
		return helpDoc{"version", "Print the module version and the VCS revision goalbot was built from.", nil,
			"version"}
	}
	return helpDoc{Usage: name + " [flags]", Example: name}
}

// groupHelp is the help of a command that only holds subcommands.
func groupHelp(name string) (string, bool) {
	switch name {
	case "goals":
		return "usage: goalbot goals check PATH... [--json]\n\nsubcommands:\n  check   parse goal documents, report errors with file:line\n\nRun goalbot goals check --help for its flags.\n", true
	case "config":
		return "usage: goalbot config check [--config FILE]\n\nsubcommands:\n  check   validate the configuration, print it with secrets masked\n\nRun goalbot config check --help for its flags.\n", true
	}
	return "", false
}

// writeHelp prints a command's help: usage, what it does, its flags with
// defaults, the GOALBOT_* variables it reads and an example.
func writeHelp(w io.Writer, fs *flag.FlagSet) {
	name := strings.TrimPrefix(fs.Name(), "goalbot ")
	doc := commandHelp(name)
	fmt.Fprintf(w, "usage: goalbot %s\n", doc.Usage)
	if doc.About != "" {
		fmt.Fprintf(w, "\n%s\n", doc.About)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "\nflags:")
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		if arg != "" {
			arg = " " + arg
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" {
			text += fmt.Sprintf(" (default %q)", def)
		}
		fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, arg, text)
	})
	fmt.Fprintf(tw, "  -h, --help\tthis help\n")
	env := doc.Env
	if fs.Lookup("config") != nil {
		for _, v := range config.KnownEnv() {
			env = append(env, v.Name)
		}
	}
	if len(env) > 0 {
		fmt.Fprintln(tw, "\nenvironment (wins over the file):")
		meanings := map[string]string{}
		for _, v := range config.KnownEnv() {
			meanings[v.Name] = v.Meaning
		}
		for _, e := range env {
			fmt.Fprintf(tw, "  %s\t%s\n", e, meanings[e])
		}
	} else {
		fmt.Fprintln(tw, "\nenvironment: none read")
	}
	tw.Flush()
	fmt.Fprintf(w, "\nexample:\n  goalbot %s\n", doc.Example)
}
