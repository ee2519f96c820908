package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
)

// envMap returns an env func reading from m.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeConfig writes body to a goalbot.toml in a temporary directory and
// returns its path.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "goalbot.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// errLines splits a joined error into its lines.
func errLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load("", nil)
	if err != nil {
		t.Fatalf("Load with no file: %v", err)
	}
	want := Default()
	c.src = nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(\"\") = %+v\nwant Default() = %+v", c, want)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", c.Listen, ":8080"},
		{"database_url", c.DatabaseURL.Value(), "sqlite:goalbot.db"},
		{"log_level", c.LogLevel, "info"},
		{"api_url", c.GitHub.APIURL, "https://api.github.com/"},
		{"rfcbot_logins", c.GitHub.RFCBotLogins, []string{"rfcbot", "rust-rfcbot"}},
		{"aggregate", c.Status.Aggregate, "least"},
		{"fcp.track_all", c.FCP.TrackAll, true},
		{"notices", c.Notices.Enabled, false},
		{"digest.repo", c.Digest.Repo, ""},
		{"digest weekday", c.Digest.Weekday, time.Monday},
		{"digest hour", c.Digest.Hour, 9},
		{"digest minute", c.Digest.Minute, 0},
		{"digest.labels", c.Digest.Labels, []string{"goal-digest"}},
		{"stale_days", c.Digest.StaleDays, 28},
		{"close_previous", c.Digest.ClosePrevious, true},
		{"mention", c.Digest.Mention, false},
		{"interval", c.Sync.Interval, 15 * time.Minute},
		{"redeliver", c.Sync.Redeliver, true},
		{"track", c.Commands.Permissions["track"], []string{"OWNER", "MEMBER", "COLLABORATOR", "AUTHOR"}},
		{"refresh", c.Commands.Permissions["refresh"], []string{"OWNER", "MEMBER", "COLLABORATOR"}},
		{"status", c.Commands.Permissions["status"], []string{"ANYONE"}},
		{"secrets", len(c.WebhookSecrets), 0},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s = %#v, want %#v", ck.name, ck.got, ck.want)
		}
	}
	if err := Default().Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

func TestLoadFile(t *testing.T) {
	c, err := Load("testdata/file.toml", nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", c.Listen, "127.0.0.1:9000"},
		{"database_url", c.DatabaseURL.Value(), "sqlite:/var/lib/goalbot/goalbot.db"},
		{"sqlite path", c.DatabaseURL.SQLitePath(), "/var/lib/goalbot/goalbot.db"},
		{"secrets", secretValues(c.WebhookSecrets), []string{"file-secret"}},
		{"token", c.GitHub.Token.Value(), "file-token"},
		{"bot_login", c.GitHub.BotLogin, "goalbot"},
		{"goals", c.Goals, []GoalSource{{Dir: "goals/"}}},
		{"digest.repo", c.Digest.Repo, "rust-lang/goals"},
		{"weekday", c.Digest.Weekday, time.Tuesday},
		{"hour:minute", [2]int{c.Digest.Hour, c.Digest.Minute}, [2]int{8, 15}},
		{"schedule text", c.Digest.Schedule, "tuesday 08:15"},
		{"interval", c.Sync.Interval, time.Hour},
		// a verb the file names is replaced (and upper-cased); others keep defaults
		{"status perms", c.Commands.Permissions["status"], []string{"MEMBER", "OWNER"}},
		{"help perms", c.Commands.Permissions["help"], []string{"ANYONE"}},
		// untouched keys keep their defaults
		{"log_level", c.LogLevel, "info"},
		{"stale_days", c.Digest.StaleDays, 28},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s = %#v, want %#v", ck.name, ck.got, ck.want)
		}
	}
}

func secretValues(ss []Secret) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Value())
	}
	return out
}

func TestLoadEnv(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(keyFile, []byte("PEM FROM FILE"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		path  string
		env   map[string]string
		check func(t *testing.T, c *Config)
	}{{
		name: "env wins over file",
		path: "testdata/file.toml",
		env: map[string]string{
			"GOALBOT_LISTEN":         ":7000",
			"GOALBOT_DATABASE_URL":   "postgresql://u:p@db/goalbot",
			"GOALBOT_LOG_LEVEL":      "warn",
			"GOALBOT_GITHUB_API_URL": "http://127.0.0.1:4567/api",
			"GOALBOT_GITHUB_TOKEN":   "env-token",
			"GOALBOT_BOT_LOGIN":      "env-bot",
		},
		check: func(t *testing.T, c *Config) {
			got := []string{c.Listen, c.DatabaseURL.Value(), c.DatabaseURL.Scheme(), c.LogLevel, c.GitHub.APIURL, c.GitHub.Token.Value(), c.GitHub.BotLogin}
			want := []string{":7000", "postgresql://u:p@db/goalbot", "postgres", "warn", "http://127.0.0.1:4567/api/", "env-token", "env-bot"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if s := secretValues(c.WebhookSecrets); !reflect.DeepEqual(s, []string{"file-secret"}) {
				t.Errorf("secrets = %q, want the file's (no env override)", s)
			}
		},
	}, {
		name: "multiple secrets from env replace the file's",
		path: "testdata/file.toml",
		env:  map[string]string{"GOALBOT_WEBHOOK_SECRET": "new-one, old-one ,third"},
		check: func(t *testing.T, c *Config) {
			if s := secretValues(c.WebhookSecrets); !reflect.DeepEqual(s, []string{"new-one", "old-one", "third"}) {
				t.Errorf("secrets = %q", s)
			}
		},
	}, {
		name: "GOALBOT_CONFIG names the file",
		env:  map[string]string{"GOALBOT_CONFIG": "testdata/file.toml"},
		check: func(t *testing.T, c *Config) {
			if c.Listen != "127.0.0.1:9000" {
				t.Errorf("listen = %q: GOALBOT_CONFIG not read", c.Listen)
			}
		},
	}, {
		name: "explicit path beats GOALBOT_CONFIG",
		path: "testdata/file.toml",
		env:  map[string]string{"GOALBOT_CONFIG": "testdata/does-not-exist.toml"},
		check: func(t *testing.T, c *Config) {
			if c.Listen != "127.0.0.1:9000" {
				t.Errorf("listen = %q", c.Listen)
			}
		},
	}, {
		name: "App auth from env, key file read",
		env: map[string]string{
			"GOALBOT_GITHUB_APP_ID":           "42",
			"GOALBOT_GITHUB_PRIVATE_KEY_FILE": keyFile,
		},
		check: func(t *testing.T, c *Config) {
			if c.GitHub.AppID != 42 || c.GitHub.PrivateKey.Value() != "PEM FROM FILE" || !c.GitHub.AppAuth() {
				t.Errorf("github = %+v, key %q", c.GitHub, c.GitHub.PrivateKey.Value())
			}
		},
	}, {
		name: "env private key replaces the file's key file, one-line form unescaped",
		path: "testdata/full.toml",
		env:  map[string]string{"GOALBOT_GITHUB_PRIVATE_KEY": `-----BEGIN X-----\nabc\n-----END X-----`},
		check: func(t *testing.T, c *Config) {
			if got, want := c.GitHub.PrivateKey.Value(), "-----BEGIN X-----\nabc\n-----END X-----"; got != want {
				t.Errorf("key = %q, want %q", got, want)
			}
			if c.GitHub.PrivateKeyFile != "" {
				t.Errorf("key file = %q, want cleared", c.GitHub.PrivateKeyFile)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.path, envMap(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadFull(t *testing.T) {
	// full.toml names its key file and goal folder relative to the
	// working directory: give them real contents there.
	full, err := os.ReadFile("testdata/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	writeFile(t, "testdata/full.toml", full)
	writeFile(t, "testdata/fake-app-key.pem", testKeyPEM(t))
	writeFile(t, "goals/book.toml", nil)
	c, err := Load("testdata/full.toml", nil)
	if err != nil {
		t.Fatalf("full.toml must load: %v", err)
	}
	if err := c.RequireServe(); err != nil {
		t.Errorf("full.toml must be enough to serve: %v", err)
	}
	if c.GitHub.APIURL != "https://github.example.com/api/v3/" {
		t.Errorf("api_url = %q, want a trailing slash added", c.GitHub.APIURL)
	}
	if !strings.Contains(c.GitHub.PrivateKey.Value(), "BEGIN PRIVATE KEY") {
		t.Errorf("private key not read from private_key_file")
	}
	wantGoals := []GoalSource{{
		Repo: "rust-lang/rust-project-goals", Path: "src/2026", Ref: "main", BookTOML: "book.toml", Notices: true,
		TrackingIssues: map[string]ref.Ref{
			"async":        ref.New("rust-lang", "goals", 105),
			"2024h2/async": ref.New("rust-lang", "goals", 105),
		},
		Links: []Link{
			{Goal: "async", Subgoal: "resolve the send bound problem", Item: ref.New("rust-lang", "rfcs", 3654)},
			{Goal: "2024h2/async", Subgoal: "184", Item: ref.New("rust-lang", "compiler-team", 727)},
		},
	}, {Dir: "goals/", BookTOML: "goals/book.toml"}}
	if !reflect.DeepEqual(c.Goals, wantGoals) {
		t.Errorf("goals = %+v\nwant %+v", c.Goals, wantGoals)
	}
	wantRules := []Rule{
		{Kind: "rfc", State: "open", Labels: []string{"I-lang-nominated"}, FCP: "active", Status: "in-fcp", Detail: "nominated"},
		{Kind: "mcp", Labels: []string{}, MCP: "seconded", Disposition: "merge", Concerns: true, Status: "blocked", Detail: "MCP has concerns, {concerns}"},
		{State: "closed", Labels: []string{}, Status: "closed"},
	}
	if !reflect.DeepEqual(c.Status.Rules, wantRules) {
		t.Errorf("rules = %#v\nwant %#v", c.Status.Rules, wantRules)
	}
	if c.FCP.TrackAll {
		t.Error("fcp.track_all = false in full.toml, read as true")
	}
	d := c.Digest
	if d.Repo != "rust-lang/goals" || d.Weekday != time.Friday || d.Hour != 16 || d.Minute != 30 ||
		!reflect.DeepEqual(d.Labels, []string{"goal-digest", "T-goals"}) || d.StaleDays != 21 || !d.ClosePrevious || d.Mention {
		t.Errorf("digest = %+v", d)
	}
	if c.HTTP.DashboardListen != ":8081" || c.HTTP.MetricsListen != "127.0.0.1:9090" {
		t.Errorf("http = %+v", c.HTTP)
	}
	if c.Status.Aggregate != "most" || c.Sync.Interval != 30*time.Minute || c.Sync.Redeliver || c.LogLevel != "debug" {
		t.Errorf("status %+v sync %+v log %q", c.Status, c.Sync, c.LogLevel)
	}
	if got := c.Commands.Permissions["refresh"]; !reflect.DeepEqual(got, []string{"OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR"}) {
		t.Errorf("refresh = %q", got)
	}

	// Every known key appears in full.toml, so the example stays complete.
	doc, err := os.ReadFile("testdata/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	present := map[string]bool{}
	for path := range indexLines(doc) {
		present[indexRE.ReplaceAllString(path, "")] = true
	}
	keys, _ := knownKeys()
	for _, k := range keys {
		if !present[k] {
			t.Errorf("full.toml lacks key %q", k)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		path string // a testdata file, or "" for body
		body string
		env  map[string]string
		want []string // every line of the error, in order
	}{{
		name: "unknown keys: top level, nested table, array table, misplaced",
		path: "testdata/unknown.toml",
		want: []string{
			`testdata/unknown.toml:2: unknown key "listn" (did you mean "listen"?)`,
			`testdata/unknown.toml:6: unknown key "digest.shedule" (did you mean "digest.schedule"?)`,
			`testdata/unknown.toml:11: goals[0].links[0]: item is missing; write owner/repo#N or an issue URL`,
			`testdata/unknown.toml:14: unknown key "goals.links.itme" (did you mean "goals.links.item"?)`,
			`testdata/unknown.toml:17: unknown key "sync.schedule" (did you mean "digest.schedule"?)`,
		},
	}, {
		name: "syntax error names line and column",
		path: "testdata/syntax.toml",
		want: []string{`testdata/syntax.toml:4:24: syntax error: basic strings cannot have new lines`},
	}, {
		name: "several bad values, sorted by line, no secret echoed",
		path: "testdata/badvalues.toml",
		want: []string{
			`testdata/badvalues.toml:1: database_url: unsupported scheme "mysql"; use sqlite:PATH or postgres://USER:PASSWORD@HOST/DB`,
			`testdata/badvalues.toml:3: goals[0]: set either dir, or repo and path, not both`,
			`testdata/badvalues.toml:10: status.rules[0].status: "in-review" is not one of "not-started", "in-progress", "proposed", "fcp-proposed", "blocked", "in-fcp", "fcp-finished", "accepted", "complete", "postponed", "closed"`,
			`testdata/badvalues.toml:13: sync.interval: "fifteen minutes" is not a duration; write e.g. "15m" or "1h"`,
			`testdata/badvalues.toml:16: github.private_key_file: cannot read "testdata/does-not-exist.pem": no such file or directory`,
		},
	}, {
		name: "type mismatch in TOML terms",
		body: "[github]\napp_id = \"abc\"\n",
		want: []string{`goalbot.toml:2:10: github.app_id: must be an integer, not a string`},
	}, {
		name: "unknown key in an inline table gets its full path",
		body: "goals = [{dir = \"g\", nottices = true}]\n",
		want: []string{`goalbot.toml:1: unknown key "goals.nottices" (did you mean "goals.notices"?)`},
	}, {
		name: "unknown table",
		body: "[digst]\nrepo = \"a/b\"\n",
		want: []string{`goalbot.toml:1: unknown key "digst" (did you mean "digest"?)`},
	}, {
		name: "known key in the wrong table",
		body: "app_id = 3\n[digest]\nrepo = \"a/b\"\n[[goals]]\ndir = \"d\"\nbook = \"b\"\n",
		want: []string{
			`goalbot.toml:1: unknown key "app_id" (did you mean "github.app_id"?)`,
			`goalbot.toml:6: unknown key "goals.book" (did you mean "goals.book_toml"?)`,
		},
	}, {
		name: "duplicate key",
		body: "listen = \":1\"\nlisten = \":2\"\n",
		want: []string{`goalbot.toml:2:1: syntax error: key listen is already defined`},
	}, {
		name: "interval under a minute",
		body: "[sync]\ninterval = \"30s\"\n",
		want: []string{`goalbot.toml:2: sync.interval: 30s is shorter than the minimum, 1m`},
	}, {
		name: "bad schedule",
		body: "[digest]\nschedule = \"Mon 9am\"\n",
		want: []string{`goalbot.toml:2: digest.schedule: "Mon 9am" is not a weekday and UTC time; write e.g. "Mon 09:00"`},
	}, {
		name: "mcp, disposition and detail checked like the other rule fields",
		body: "[[status.rules]]\nmcp = \"second\"\ndisposition = \"merged\"\nstatus = \"in-progress\"\ndetail = \"{ending}\"\nconcern = true\n",
		want: []string{
			`goalbot.toml:2: status.rules[0].mcp: "second" is not one of "none", "proposed", "seconded", "blocked", "accepted", "closed"`,
			`goalbot.toml:3: status.rules[0].disposition: "merged" is not one of "merge", "close", "postpone"`,
			`goalbot.toml:5: status.rules[0].detail: detail "{ending}": unknown placeholder {ending}; use {disposition}, {reviewed}, {reviewers}, {concerns}, {end}`,
			`goalbot.toml:6: unknown key "status.rules.concern" (did you mean "status.rules.concerns"?)`,
		},
	}, {
		name: "fcp_days: zero, a bad key, a negative override",
		body: "[github]\nfcp_days = 0\n[github.fcp_days_by]\n\"matrix-org/matrix-spec-proposals\" = 5\n\"a/b/c\" = 5\nmscbot = -1\n",
		want: []string{
			`goalbot.toml:2: github.fcp_days: 0 is not a positive number of days; rfcbot runs 10`,
			`goalbot.toml:5: github.fcp_days_by.a/b/c: "a/b/c" is neither owner/repo nor a bot login`,
			`goalbot.toml:6: github.fcp_days_by.mscbot: -1 is not a positive number of days`,
		},
	}, {
		name: "bad rule fields and missing status",
		body: "[[status.rules]]\nkind = \"rfcs\"\nfcp = \"open\"\n",
		want: []string{
			`goalbot.toml:1: status.rules[0]: status is missing; use one of "not-started", "in-progress", "proposed", "fcp-proposed", "blocked", "in-fcp", "fcp-finished", "accepted", "complete", "postponed", "closed"`,
			`goalbot.toml:2: status.rules[0].kind: "rfcs" is not one of "rfc", "mcp", "acp", "pr", "issue"`,
			`goalbot.toml:3: status.rules[0].fcp: "open" is not one of "none", "proposed", "active", "finished", "cancelled"`,
		},
	}, {
		name: "goal sources: none, repo without path, bad links",
		body: `[[goals]]
notices = true
[[goals]]
repo = "rust-lang/goals"
[[goals]]
dir = "g"
  [goals.tracking_issues]
  async = "105"
  [[goals.links]]
  goal = "async"
  subgoal = "x"
  item = "rfcs 3654"
`,
		want: []string{
			`goalbot.toml:1: goals[0]: set dir (a local folder) or repo and path (read from GitHub)`,
			`goalbot.toml:3: goals[1]: repo "rust-lang/goals" needs path, the folder of goal documents (e.g. "src/2026")`,
			`goalbot.toml:8: goals[2].tracking_issues.async: "105" is not an issue reference (no #); write owner/repo#N, #N or an issue URL`,
			`goalbot.toml:12: goals[2].links[0].item: "rfcs 3654" is not an issue reference (no #); write owner/repo#N, #N or an issue URL`,
		},
	}, {
		name: "permissions: unknown verb and association",
		body: "[commands.permissions]\ntrack = [\"OWNER\", \"maintainer\"]\ntrak = [\"OWNER\"]\n",
		want: []string{
			`goalbot.toml:2: commands.permissions.track: "MAINTAINER" is not one of "OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "AUTHOR", "ANYONE"`,
			`goalbot.toml:3: commands.permissions.trak: unknown command "trak"; known: "track", "untrack", "refresh", "status", "help"`,
		},
	}, {
		name: "malformed env values name the variable, never a secret",
		env: map[string]string{
			"GOALBOT_GITHUB_APP_ID":  "abc",
			"GOALBOT_WEBHOOK_SECRET": "env-secret-1,,env-secret-2",
			"GOALBOT_DATABASE_URL":   "mysql://root:env-db-password@h/db",
			"GOALBOT_LOG_LEVEL":      "loud",
			"GOALBOT_GITHUB_API_URL": "api.github.com",
		},
		want: []string{
			`GOALBOT_WEBHOOK_SECRET: secret 2 of the comma-separated list is empty`,
			`GOALBOT_GITHUB_APP_ID: "abc" is not a positive whole number; use the App ID from the App's settings page`,
			`GOALBOT_DATABASE_URL: unsupported scheme "mysql"; use sqlite:PATH or postgres://USER:PASSWORD@HOST/DB`,
			`GOALBOT_LOG_LEVEL: "loud" is not one of "debug", "info", "warn", "error"`,
			`GOALBOT_GITHUB_API_URL: "api.github.com" is not an absolute http(s) URL; write e.g. "https://api.github.com/"`,
		},
	}, {
		name: "both private key variables",
		env:  map[string]string{"GOALBOT_GITHUB_PRIVATE_KEY": "k", "GOALBOT_GITHUB_PRIVATE_KEY_FILE": "f", "GOALBOT_GITHUB_APP_ID": "1"},
		want: []string{`GOALBOT_GITHUB_PRIVATE_KEY and GOALBOT_GITHUB_PRIVATE_KEY_FILE are both set; set only one`},
	}, {
		name: "private key file missing, from env",
		env:  map[string]string{"GOALBOT_GITHUB_PRIVATE_KEY_FILE": "/nonexistent/app.pem", "GOALBOT_GITHUB_APP_ID": "1"},
		want: []string{`GOALBOT_GITHUB_PRIVATE_KEY_FILE: cannot read "/nonexistent/app.pem": no such file or directory`},
	}, {
		name: "App id and token both",
		body: "[github]\napp_id = 3\nprivate_key = \"k\"\ntoken = \"t\"\n",
		want: []string{`goalbot.toml:4: github.token: both App auth (github.app_id) and a token are set; use one`},
	}, {
		name: "private key without app id",
		body: "[github]\nprivate_key = \"k\"\n",
		want: []string{`goalbot.toml:2: github.private_key: a private key needs github.app_id (or GOALBOT_GITHUB_APP_ID)`},
	}, {
		name: "sqlite without path, postgres without host, bad listen",
		body: "listen = \"8080\"\ndatabase_url = \"sqlite:\"\n",
		env:  nil,
		want: []string{
			`goalbot.toml:1: listen: "8080" is not a listen address; write e.g. ":8080" or "127.0.0.1:8080"`,
			`goalbot.toml:2: database_url: sqlite: needs a file path; use sqlite:PATH or postgres://USER:PASSWORD@HOST/DB`,
		},
	}, {
		name: "bad separate listeners, from file and env",
		body: "[http]\ndashboard_listen = \"9000\"\n",
		env:  map[string]string{"GOALBOT_METRICS_LISTEN": "localhost"},
		want: []string{
			`goalbot.toml:2: http.dashboard_listen: "9000" is not a listen address; write e.g. ":9090" or "127.0.0.1:9090", or leave it out to serve on listen`,
			`GOALBOT_METRICS_LISTEN: "localhost" is not a listen address; write e.g. ":9090" or "127.0.0.1:9090", or leave it out to serve on listen`,
		},
	}, {
		name: "missing file",
		path: "testdata/nope.toml",
		want: []string{`read config: open testdata/nope.toml: no such file or directory`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" && tt.body != "" {
				path = writeConfig(t, tt.body)
			}
			c, err := Load(path, envMap(tt.env))
			if err == nil {
				t.Fatalf("Load succeeded, want errors %q", tt.want)
			}
			if c != nil {
				t.Errorf("Load returned a Config along with an error")
			}
			got := errLines(err)
			if tt.path == "" && path != "" {
				for i := range got {
					got[i] = strings.ReplaceAll(got[i], path, "goalbot.toml")
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, secret := range []string{"env-secret", "db-password", "env-db-password"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error echoes secret %q: %v", secret, err)
				}
			}
		})
	}
}
