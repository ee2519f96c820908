package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/goalbot/goalbot/bot/spell"
)

// EnvPrefix starts every variable goalbot reads.
const EnvPrefix = "GOALBOT_"

// envMeaning describes a variable for --help; a variable Load reads that
// is missing here is still listed, without a description.
func envMeaning(name string) string {
	switch name {
	case "GOALBOT_CONFIG":
		return "configuration file (like --config)"
	case "GOALBOT_LISTEN":
		return "listen address (default :8080)"
	case "GOALBOT_DATABASE_URL":
		return "sqlite:PATH (default sqlite:goalbot.db) or postgres://…"
	case "GOALBOT_WEBHOOK_SECRET":
		return "webhook secret(s), comma-separated for rotation"
	case "GOALBOT_LOG_LEVEL":
		return "debug, info, warn or error"
	case "GOALBOT_GITHUB_API_URL":
		return "REST base URL (default https://api.github.com/)"
	case "GOALBOT_GITHUB_APP_ID":
		return "GitHub App id"
	case "GOALBOT_GITHUB_PRIVATE_KEY":
		return "GitHub App private key (PEM)"
	case "GOALBOT_GITHUB_PRIVATE_KEY_FILE":
		return "file holding the GitHub App private key"
	case "GOALBOT_GITHUB_TOKEN":
		return "token auth instead of an App"
	case "GOALBOT_BOT_LOGIN":
		return "the login the bot posts as"
	}
	return ""
}

// EnvVar is one environment variable Load reads.
type EnvVar struct {
	Name    string
	Meaning string // "" when undocumented
}

// KnownEnv lists, sorted by name, every GOALBOT_* variable Load reads:
// GOALBOT_CONFIG and whatever applyEnv asks for. It is derived from
// applyEnv itself, so a variable added there is known here (and needs no
// second list to keep in step).
func KnownEnv() []EnvVar {
	seen := map[string]bool{"GOALBOT_CONFIG": true}
	c := Default()
	c.src = &sources{lines: map[string]int{}, env: map[string]string{}}
	c.applyEnv(func(name string) string {
		seen[name] = true
		return ""
	})
	out := make([]EnvVar, 0, len(seen))
	for n := range seen {
		out = append(out, EnvVar{Name: n, Meaning: envMeaning(n)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// EnvWarnings returns one warning per GOALBOT_* variable in environ
// ("NAME=value" entries, as os.Environ returns them) that goalbot does not
// read, with the closest known name: a misspelled variable is otherwise
// silently ignored. Variables starting with GOALBOT_TEST_ belong to the
// tests and are left alone. Values are never repeated (they may be secrets).
func EnvWarnings(environ []string) []string {
	known := KnownEnv()
	isKnown := map[string]bool{}
	for _, v := range known {
		isKnown[v.Name] = true
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix) || isKnown[name] || strings.HasPrefix(name, EnvPrefix+"TEST_") {
			continue
		}
		msg := fmt.Sprintf("warning: environment variable %s is not one goalbot reads; it is ignored", name)
		if s := suggestEnv(name, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		out = append(out, msg)
	}
	sort.Strings(out)
	return out
}

// suggestEnv returns the known variable name is closest to, or "" when none
// is close: a few edits, scaled to the name's length.
func suggestEnv(name string, known []EnvVar) string {
	leaf := strings.TrimPrefix(strings.ToUpper(name), EnvPrefix)
	best, bestD := "", -1
	for _, v := range known {
		d := spell.Distance(leaf, strings.TrimPrefix(v.Name, EnvPrefix))
		if bestD < 0 || d < bestD {
			best, bestD = v.Name, d
		}
	}
	if bestD >= 0 && bestD <= max(1, min(4, len(leaf)/3)) {
		return best
	}
	// A shortened or lengthened name: GOALBOT_SECRET for GOALBOT_WEBHOOK_SECRET.
	for _, v := range known {
		k := strings.TrimPrefix(v.Name, EnvPrefix)
		if len(leaf) >= 4 && (strings.HasSuffix(k, "_"+leaf) || strings.HasPrefix(k, leaf+"_") || strings.HasPrefix(leaf, k+"_")) {
			return v.Name
		}
	}
	return ""
}
