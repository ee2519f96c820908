package main

import (
	"regexp"
	"strings"
	"testing"
)

// usageCommands returns the commands the top-level usage lists ("serve",
// "goals check"): the leading lower-case words of each line under
// "commands:". A command added to the usage is walked by the help test
// below without editing it.
func usageCommands(t *testing.T) []string {
	t.Helper()
	_, list, ok := strings.Cut(usage, "commands:\n")
	if !ok {
		t.Fatal("usage has no commands: section")
	}
	word := regexp.MustCompile(`^[a-z][a-z-]*$`)
	var cmds []string
	for _, line := range strings.Split(list, "\n") {
		if !strings.HasPrefix(line, "  ") {
			if strings.TrimSpace(line) == "" && len(cmds) > 0 {
				break
			}
			continue
		}
		var name []string
		for _, f := range strings.Fields(line) {
			if !word.MatchString(f) {
				break
			}
			name = append(name, f)
		}
		// "version  print the version": the description's words are not
		// the command's; descriptions are set off by two spaces or more.
		if first, _, ok := strings.Cut(strings.TrimSpace(line), "  "); ok && len(strings.Fields(first)) < len(name) {
			name = strings.Fields(first)
		}
		if len(name) > 0 {
			cmds = append(cmds, strings.Join(name, " "))
		}
	}
	return cmds
}

func TestEveryCommandAnswersHelp(t *testing.T) {
	cmds := usageCommands(t)
	for _, want := range []string{"serve", "demo", "goals check", "status", "sync", "digest", "migrate", "config check", "version"} {
		found := false
		for _, c := range cmds {
			found = found || c == want
		}
		if !found {
			t.Fatalf("usage lists %q, without %s", cmds, want)
		}
	}
	for _, c := range cmds {
		for _, flag := range []string{"--help", "-h"} {
			args := append(strings.Fields(c), flag)
			code, out, stderr := runCLI(t, nil, args...)
			if code != 0 || stderr != "" {
				t.Errorf("goalbot %s: exit %d, stderr %q; want 0 and nothing", strings.Join(args, " "), code, stderr)
				continue
			}
			for _, want := range []string{"usage: goalbot " + c, "\nflags:\n", "--help", "\nenvironment", "\nexample:\n  goalbot " + c} {
				if !strings.Contains(out, want) {
					t.Errorf("goalbot %s lacks %q:\n%s", strings.Join(args, " "), want, out)
				}
			}
			// Defaults are shown: every flag with a non-empty default says it.
			if c == "demo" && !strings.Contains(out, `(default "127.0.0.1:8080")`) {
				t.Errorf("demo --help does not show --listen's default:\n%s", out)
			}
		}
		// goalbot help COMMAND is the same text.
		_, viaHelp, _ := runCLI(t, nil, append([]string{"help"}, strings.Fields(c)...)...)
		_, direct, _ := runCLI(t, nil, append(strings.Fields(c), "--help")...)
		if viaHelp != direct {
			t.Errorf("goalbot help %s differs from goalbot %s --help", c, c)
		}
	}
}

func TestHelpDetails(t *testing.T) {
	tests := []struct {
		args []string
		want []string
		not  []string
	}{
		{[]string{"--help"}, []string{"usage: goalbot <command>", "goals check", "--help"}, nil},
		{[]string{"-h"}, []string{"usage: goalbot <command>"}, nil},
		{[]string{"help"}, []string{"usage: goalbot <command>"}, nil},
		{[]string{"serve", "--help"}, []string{"--config FILE", "GOALBOT_LISTEN", "GOALBOT_WEBHOOK_SECRET", "GOALBOT_CONFIG", "example:\n  goalbot serve"}, nil},
		{[]string{"goals", "check", "--help"}, []string{"--json", "--book FILE", "environment: none read"}, []string{"GOALBOT_LISTEN"}},
		{[]string{"config", "check", "--help"}, []string{"--config FILE", "GOALBOT_DATABASE_URL"}, nil},
		{[]string{"digest", "--help"}, []string{"--week YYYY-Www", "--dry-run"}, nil},
		{[]string{"goals", "--help"}, []string{"usage: goalbot goals check", "goalbot goals check --help"}, nil},
		{[]string{"config", "-h"}, []string{"usage: goalbot config check"}, nil},
		// Help wins over a missing argument: no "needs at least one file".
		{[]string{"goals", "check", "--json", "--help"}, []string{"usage: goalbot goals check"}, nil},
	}
	for _, tt := range tests {
		code, out, stderr := runCLI(t, nil, tt.args...)
		if code != 0 || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q", tt.args, code, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q lacks %q:\n%s", tt.args, w, out)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(out, w) {
				t.Errorf("%q has %q:\n%s", tt.args, w, out)
			}
		}
	}
	// A bad flag still exits 2, and points at --help.
	code, _, stderr := runCLI(t, nil, "serve", "--nope")
	if code != 2 || !strings.Contains(stderr, "goalbot serve --help") {
		t.Errorf("serve --nope: exit %d, %q", code, stderr)
	}
}
