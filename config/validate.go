package config

import (
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/status"
)

// Validate checks the configuration as a whole: known values, consistent
// combinations, well-formed addresses. It returns every problem, one line
// each, naming the file line or variable when the Config came from Load.
func (c *Config) Validate() error {
	return errors.Join(c.validate()...)
}

func (c *Config) validate() []error {
	var problems []error
	bad := func(key, format string, args ...any) {
		problems = append(problems, c.src.errorf(key, format, args...))
	}
	oneOf := func(key, v string, allowed []string) {
		if !slices.Contains(allowed, v) {
			bad(key, "%q is not one of %s", v, quoteAll(allowed))
		}
	}

	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen", "%q is not a listen address; write e.g. \":8080\" or \"127.0.0.1:8080\"", c.Listen)
	}
	for _, l := range []struct{ key, addr string }{{"http.dashboard_listen", c.HTTP.DashboardListen}, {"http.metrics_listen", c.HTTP.MetricsListen}} {
		if _, _, err := net.SplitHostPort(l.addr); l.addr != "" && err != nil {
			bad(l.key, "%q is not a listen address; write e.g. \":9090\" or \"127.0.0.1:9090\", or leave it out to serve on listen", l.addr)
		}
	}
	checkDSN(c.DatabaseURL, bad)
	for i, s := range c.WebhookSecrets {
		if !s.IsSet() {
			bad("webhook_secrets", "secret %d is empty", i+1)
		}
	}
	oneOf("log_level", c.LogLevel, logLevels)

	g := c.GitHub
	if u, err := url.Parse(g.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("github.api_url", "%q is not an absolute http(s) URL; write e.g. \"https://api.github.com/\"", g.APIURL)
	}
	switch {
	case g.AppID < 0:
		bad("github.app_id", "%d is negative", g.AppID)
	case g.AppID != 0 && !g.PrivateKey.IsSet() && g.PrivateKeyFile == "": // an unreadable file is reported by Load
		bad("github.app_id", "an App needs its private key: set github.private_key_file or GOALBOT_GITHUB_PRIVATE_KEY")
	case g.AppID == 0 && g.PrivateKey.IsSet():
		bad("github.private_key", "a private key needs github.app_id (or GOALBOT_GITHUB_APP_ID)")
	}
	if g.AppID != 0 && g.Token.IsSet() {
		bad("github.token", "both App auth (github.app_id) and a token are set; use one")
	}
	for i, l := range g.RFCBotLogins {
		if strings.TrimSpace(l) == "" {
			bad("github.rfcbot_logins", "login %d is empty", i+1)
		}
	}
	if g.FCPDays < 1 {
		bad("github.fcp_days", "%d is not a positive number of days; rfcbot runs 10", g.FCPDays)
	}
	for _, k := range sortedKeys(g.FCPDaysBy) {
		key := "github.fcp_days_by." + k
		switch {
		case k == "" || strings.ContainsAny(k, " #:") || strings.Count(k, "/") > 1 || (strings.Contains(k, "/") && !isRepo(k)):
			bad(key, "%q is neither owner/repo nor a bot login", k)
		case g.FCPDaysBy[k] < 1:
			bad(key, "%d is not a positive number of days", g.FCPDaysBy[k])
		}
	}

	for i, src := range c.Goals {
		c.validateGoalSource(i, src, bad)
	}

	oneOf("status.aggregate", c.Status.Aggregate, aggregates)
	for i, r := range c.Status.Rules {
		key := fmt.Sprintf("status.rules[%d]", i)
		for _, f := range r.Fields() {
			if f.Value != "" {
				oneOf(key+"."+f.Name, f.Value, f.Allowed)
			}
		}
		statuses := statusNames()
		if r.Status == "" {
			bad(key, "status is missing; use one of %s", quoteAll(statuses))
		} else {
			oneOf(key+".status", string(r.Status), statuses)
		}
		if err := status.CheckDetail(r.Detail); err != nil {
			bad(key+".detail", "%v", err)
		}
	}

	d := c.Digest
	if d.Repo != "" && !isRepo(d.Repo) {
		bad("digest.repo", "%q is not owner/repo", d.Repo)
	}
	if d.Weekday < time.Sunday || d.Weekday > time.Saturday || d.Hour < 0 || d.Hour > 23 || d.Minute < 0 || d.Minute > 59 {
		bad("digest.schedule", "weekday %d %02d:%02d is out of range", d.Weekday, d.Hour, d.Minute)
	}
	for i, l := range d.Labels {
		if strings.TrimSpace(l) == "" {
			bad("digest.labels", "label %d is empty", i+1)
		}
	}
	if d.StaleDays < 0 {
		bad("digest.stale_days", "%d is negative", d.StaleDays)
	}

	if c.Sync.Interval < time.Minute {
		bad("sync.interval", "%s is shorter than the minimum, 1m", formatDuration(c.Sync.Interval))
	}

	for _, verb := range sortedKeys(c.Commands.Permissions) {
		key := "commands.permissions." + verb
		if !slices.Contains(verbs, verb) {
			bad(key, "unknown command %q; known: %s", verb, quoteAll(verbs))
			continue
		}
		for _, who := range c.Commands.Permissions[verb] {
			oneOf(key, who, associations)
		}
	}
	return problems
}

func (c *Config) validateGoalSource(i int, src GoalSource, bad func(string, string, ...any)) {
	key := fmt.Sprintf("goals[%d]", i)
	switch {
	case src.Dir != "" && (src.Repo != "" || src.Path != "" || src.Ref != ""):
		bad(key, "set either dir, or repo and path, not both")
	case src.Dir == "" && src.Repo == "":
		bad(key, "set dir (a local folder) or repo and path (read from GitHub)")
	case src.Repo != "" && !isRepo(src.Repo):
		bad(key+".repo", "%q is not owner/repo", src.Repo)
	case src.Repo != "" && src.Path == "":
		bad(key, "repo %q needs path, the folder of goal documents (e.g. \"src/2026\")", src.Repo)
	}
	for _, id := range sortedKeys(src.TrackingIssues) {
		if strings.TrimSpace(id) == "" {
			bad(key+".tracking_issues", "empty goal id")
		}
	}
	for j, l := range src.Links {
		lk := fmt.Sprintf("%s.links[%d]", key, j)
		if l.Goal == "" {
			bad(lk, "goal is missing; write the goal id (file name without .md)")
		}
		if l.Subgoal == "" {
			bad(lk, "subgoal is missing; write its title, id or line number")
		}
	}
}

// checkDSN reports a database address that is neither sqlite:PATH nor a
// postgres URL, without repeating the address (it may hold a password).
func checkDSN(d DSN, bad func(string, string, ...any)) {
	const want = "use sqlite:PATH or postgres://USER:PASSWORD@HOST/DB"
	switch d.Scheme() {
	case "sqlite":
		if d.SQLitePath() == "" {
			bad("database_url", "sqlite: needs a file path; %s", want)
		}
	case "postgres":
		if u, err := url.Parse(d.Value()); err != nil || u.Host == "" {
			bad("database_url", "not a valid postgres URL (host missing or malformed); %s", want)
		}
	default:
		scheme, _, ok := strings.Cut(d.Value(), ":")
		if !ok || strings.ContainsAny(scheme, "/@ ") {
			bad("database_url", "unsupported database address; %s", want)
		} else {
			bad("database_url", "unsupported scheme %q; %s", scheme, want)
		}
	}
}

// RequireServe checks what serve needs beyond Validate: a webhook secret to
// verify deliveries and a way to authenticate to GitHub.
func (c *Config) RequireServe() error {
	var problems []error
	if len(c.WebhookSecrets) == 0 {
		problems = append(problems, errors.New("no webhook secret: set GOALBOT_WEBHOOK_SECRET or webhook_secrets in goalbot.toml"))
	}
	g := c.GitHub
	switch {
	case g.AppAuth():
		if b, _ := pem.Decode([]byte(g.PrivateKey.Value())); b == nil {
			where := "GOALBOT_GITHUB_PRIVATE_KEY"
			if g.PrivateKeyFile != "" {
				where = fmt.Sprintf("github.private_key_file %q", g.PrivateKeyFile)
			} else if c.src == nil || c.src.env["github.private_key"] == "" {
				where = "github.private_key"
			}
			problems = append(problems, fmt.Errorf("%s: the private key is not PEM; use the .pem file GitHub generated for the App", where))
		}
	case g.Token.IsSet():
	default:
		problems = append(problems, errors.New("no GitHub credentials: set GOALBOT_GITHUB_APP_ID with GOALBOT_GITHUB_PRIVATE_KEY_FILE (App), or GOALBOT_GITHUB_TOKEN"))
	}
	return errors.Join(problems...)
}

// statusNames lists the subgoal statuses in rank order.
func statusNames() []string {
	var out []string
	for _, s := range status.All() {
		out = append(out, string(s))
	}
	return out
}

func isRepo(s string) bool {
	owner, repo, ok := strings.Cut(s, "/")
	return ok && owner != "" && repo != "" && !strings.ContainsAny(s, " #:") && !strings.Contains(repo, "/")
}

func quoteAll(ss []string) string {
	q := make([]string, 0, len(ss))
	for _, s := range ss {
		if s != "" {
			q = append(q, fmt.Sprintf("%q", s))
		}
	}
	return strings.Join(q, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
