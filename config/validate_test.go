package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRequireServe(t *testing.T) {
	pemKey := string(testKeyPEM(t))
	tests := []struct {
		name string
		edit func(c *Config)
		want []string // error lines; nil for success
	}{{
		name: "nothing configured",
		edit: func(c *Config) {},
		want: []string{
			"no webhook secret: set GOALBOT_WEBHOOK_SECRET or webhook_secrets in goalbot.toml",
			"no GitHub credentials: set GOALBOT_GITHUB_APP_ID with GOALBOT_GITHUB_PRIVATE_KEY_FILE (App), or GOALBOT_GITHUB_TOKEN",
		},
	}, {
		name: "token but no secret",
		edit: func(c *Config) { c.GitHub.Token = NewSecret("t") },
		want: []string{"no webhook secret: set GOALBOT_WEBHOOK_SECRET or webhook_secrets in goalbot.toml"},
	}, {
		name: "secret and token",
		edit: func(c *Config) {
			c.WebhookSecrets = []Secret{NewSecret("s")}
			c.GitHub.Token = NewSecret("t")
		},
	}, {
		name: "secret and App",
		edit: func(c *Config) {
			c.WebhookSecrets = []Secret{NewSecret("s")}
			c.GitHub.AppID, c.GitHub.PrivateKey = 1, NewSecret(pemKey)
		},
	}, {
		name: "App key not PEM, inline",
		edit: func(c *Config) {
			c.WebhookSecrets = []Secret{NewSecret("s")}
			c.GitHub.AppID, c.GitHub.PrivateKey = 1, NewSecret("not-pem-secret-body")
		},
		want: []string{"github.private_key: the private key is not PEM; use the .pem file GitHub generated for the App"},
	}, {
		name: "App key not PEM, from a file",
		edit: func(c *Config) {
			c.WebhookSecrets = []Secret{NewSecret("s")}
			c.GitHub.AppID, c.GitHub.PrivateKey, c.GitHub.PrivateKeyFile = 1, NewSecret("not-pem-secret-body"), "/keys/app.pem"
		},
		want: []string{`github.private_key_file "/keys/app.pem": the private key is not PEM; use the .pem file GitHub generated for the App`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.edit(c)
			err := c.RequireServe()
			if got := errLines(err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("RequireServe() = %q, want %q", got, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "not-pem-secret-body") {
				t.Errorf("error echoes the key: %v", err)
			}
		})
	}

	// The key named by an environment variable is named in the message.
	c, err := Load("", envMap(map[string]string{
		"GOALBOT_WEBHOOK_SECRET": "s", "GOALBOT_GITHUB_APP_ID": "1", "GOALBOT_GITHUB_PRIVATE_KEY": "junk",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RequireServe(); err == nil || !strings.HasPrefix(err.Error(), "GOALBOT_GITHUB_PRIVATE_KEY: ") {
		t.Errorf("RequireServe() = %v, want it to name GOALBOT_GITHUB_PRIVATE_KEY", err)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	// A Config built in code (no file) names keys without a line.
	c := Default()
	c.Sync.Interval = 10 * time.Second
	c.Digest.Hour = 24
	c.Digest.Repo = "rust-lang"
	c.Status.Aggregate = "mean"
	c.Goals = []GoalSource{{Dir: "g", Links: []Link{{Goal: "", Subgoal: ""}}}}
	want := []string{
		`goals[0].links[0]: goal is missing; write the goal id (file name without .md)`,
		`goals[0].links[0]: subgoal is missing; write its title, id or line number`,
		`status.aggregate: "mean" is not one of "least", "most"`,
		`digest.repo: "rust-lang" is not owner/repo`,
		`digest.schedule: weekday 1 24:00 is out of range`,
		`sync.interval: 10s is shorter than the minimum, 1m`,
	}
	if got := errLines(c.Validate()); !reflect.DeepEqual(got, want) {
		t.Errorf("Validate() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAllows(t *testing.T) {
	c := Default().Commands
	tests := []struct {
		verb, assoc string
		author      bool
		want        bool
	}{
		{"track", "MEMBER", false, true},
		{"track", "NONE", true, true}, // the item's author
		{"track", "CONTRIBUTOR", false, false},
		{"refresh", "NONE", true, false}, // authors may not refresh by default
		{"status", "NONE", false, true},  // ANYONE
		{"frobnicate", "OWNER", false, false},
		{"track", "", false, false},
	}
	for _, tt := range tests {
		if got := c.Allows(tt.verb, tt.assoc, tt.author); got != tt.want {
			t.Errorf("Allows(%q, %q, %v) = %v, want %v", tt.verb, tt.assoc, tt.author, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		key  string
		want string
	}{
		{"listn", `"listen"`},
		{"digest.shedule", `"digest.schedule"`},
		{"goals.links.itme", `"goals.links.item"`},
		{"github.privat_key", `"github.private_key"`},
		{"github.Token", `"github.token"`},
		{"stale_days", `"digest.stale_days"`},
		{"labels", `"digest.labels" or "status.rules.labels"`},
		{"goals.book", `"goals.book_toml"`},
		{"zzzzzz", ""},
		{"digest.xy", ""},
	}
	for _, tt := range tests {
		if got := suggest(strings.Split(tt.key, ".")); got != tt.want {
			t.Errorf("suggest(%q) = %s, want %s", tt.key, got, tt.want)
		}
	}
}

func TestIndexLines(t *testing.T) {
	doc := `a = 1
[b]
c.d = 2
[[e]]
f = 3
[[e]]
f = 4
  [[e.g]]
  h = 5
  [e.i]
  j = 6
k = [{l = 7}, {l = 8}]
`
	got := indexLines([]byte(doc))
	want := map[string]int{
		"a": 1, "b": 2, "b.c": 3, "b.c.d": 3,
		"e[0]": 4, "e[0].f": 5, "e[1]": 6, "e[1].f": 7,
		"e[1].g[0]": 8, "e[1].g[0].h": 9, "e[1].i": 10, "e[1].i.j": 11,
		"e[1].i.k": 12, "e[1].i.k[0].l": 12, "e[1].i.k[1].l": 12,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("indexLines =\n%v\nwant\n%v", got, want)
	}
}
