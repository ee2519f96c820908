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

// helpDoc is what a command's help says beyond what its flag set tells
// (the flags, their arguments and defaults, which go into the synopsis and
// the flag list by themselves, so a flag added later needs no edit here).
type helpDoc struct {
	Args    string   // positional arguments after the flags in the synopsis ("PATH...", "COMMENT"), "" for none
	About   string   // one or two sentences
	Env     []string // variables read besides the configuration's (which a --config flag implies)
	Example string   // one command line, after "goalbot "
}

// commandHelp returns the help text of a command, by its flag set's name
// without "goalbot " ("serve", "goals check"). A command missing here still
// gets its synopsis, flags, environment and a generic example.
func commandHelp(name string) helpDoc {
	switch name {
	case "serve":
		return helpDoc{"", "Run the webhook server, the job workers and the scheduler until SIGINT or SIGTERM.", nil,
			"serve --config goalbot.toml"}
	case "demo":
		return helpDoc{"", "The whole product offline: the GitHub sandbox plays the seed goal's story as signed webhooks, goalbot answers, and (without --once) keeps serving and prints how to post commands to it (goalbot demo send).", nil,
			"demo --listen 127.0.0.1:8081"}
	case "demo send":
		return helpDoc{"COMMENT", "Post a comment to a running `goalbot demo` as its member user (the sandbox delivers it to goalbot as a signed webhook, like GitHub) and print goalbot's answer: its reply, or its 👍.", nil,
			"demo send --api http://127.0.0.1:41234/api/v3/ --token ghp_demo… '/goal status'"}
	case "goals check":
		return helpDoc{"PATH...", "Parse goal documents (files and folders, recursively) and report errors and warnings as file:line: unknown teams (from the goals repository's rust-project-goals.toml when it lists them, else the built-in list), statuses and badges with \"did you mean\", a malformed Metadata table as an error. Exit 1 when a goal document has an error (with --strict, a warning too).", nil,
			"goals check --strict ../rust-project-goals/src/2025h1"}
	case "status":
		return helpDoc{"", "Print the computed subgoal statuses from the store (run `goalbot migrate` or `serve` first; nothing is created).", nil,
			"status --goal async --json"}
	case "sync":
		return helpDoc{"", "Reconcile every tracked item with GitHub now, with a progress bar.", nil,
			"sync --goal async"}
	case "digest":
		return helpDoc{"", "Build the weekly digest and post it (or, with --dry-run, print it from the store alone, without GitHub credentials).", nil,
			"digest --week 2024-W36 --dry-run"}
	case "migrate":
		return helpDoc{"", "Apply the database migrations (serve does it too).", nil,
			"migrate"}
	case "config check":
		return helpDoc{"", "Validate the configuration and print the effective one, secrets masked.", nil,
			"config check --config goalbot.toml"}
	case "jobs":
		return helpDoc{"", "List background jobs with their errors (goalbot jobs retry re-runs them).", nil,
			"jobs --failed"}
	case "jobs retry":
		return helpDoc{"ID", "Re-run a background job (or, with --failed, every failed one).", nil,
			"jobs retry --failed"}
	case "bench":
		return helpDoc{"", "Run the benchmark of DESIGN §11.", nil,
			"bench --json"}
	case "version":
		return helpDoc{"", "Print the module version and the VCS revision goalbot was built from.", nil,
			"version"}
	}
	return helpDoc{Example: name}
}

// wrap breaks text into lines of at most width runes, between words.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		l := len([]rune(word))
		if n > 0 && n+1+l > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += l
	}
	return b.String()
}

// argName returns the name of a flag's argument and its usage text: the
// `NAME` quoted in the usage, else one made from the flag (--kind KIND,
// --limit N) rather than the Go type flag.UnquoteUsage would give.
func argName(f *flag.Flag) (string, string) {
	arg, text := flag.UnquoteUsage(f)
	if strings.Contains(f.Usage, "`") {
		return arg, text
	}
	switch arg {
	case "string", "value":
		return strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_")), text
	case "int", "uint", "float":
		return "N", text
	case "duration":
		return "DURATION", text
	}
	return arg, text
}

// synopsis is the usage line of a command: its name, each flag in brackets
// with its argument, then the positional arguments.
func synopsis(name string, fs *flag.FlagSet, args string) string {
	parts := []string{"goalbot " + name}
	fs.VisitAll(func(f *flag.Flag) {
		arg, _ := argName(f)
		if arg != "" {
			arg = " " + arg
		}
		parts = append(parts, "[--"+f.Name+arg+"]")
	})
	if args != "" {
		parts = append(parts, args)
	}
	return strings.Join(parts, " ")
}

// groupHelp is the help of a command that only holds subcommands.
func groupHelp(name string) (string, bool) {
	switch name {
	case "goals":
		return "usage: goalbot goals check PATH... [--json] [--strict]\n\nsubcommands:\n  check   parse goal documents, report errors with file:line\n\nRun goalbot goals check --help for its flags.\n", true
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
	fmt.Fprintf(w, "usage: %s\n", synopsis(name, fs, doc.Args))
	if doc.About != "" {
		fmt.Fprintf(w, "\n%s\n", wrap(doc.About, 78))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "\nflags:")
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := argName(f)
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
