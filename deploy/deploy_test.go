package deploy

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/goalbot/goalbot/config"
)

// dummyPEM decodes as PEM, which is all config checks of a private key.
const dummyPEM = "-----BEGIN RSA PRIVATE KEY-----\nZHVtbXkga2V5Cg==\n-----END RSA PRIVATE KEY-----\n"

// dummyEnv is what a real install puts in the environment: every secret.
func dummyEnv() map[string]string {
	return map[string]string{
		"GOALBOT_WEBHOOK_SECRET":     "test-secret-new,test-secret-old",
		"GOALBOT_GITHUB_APP_ID":      "4242",
		"GOALBOT_GITHUB_PRIVATE_KEY": dummyPEM,
		"GOALBOT_DATABASE_URL":       "postgres://goalbot:pw@db.internal:5432/goalbot?sslmode=disable",
	}
}

func lookup(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// loadServe loads path as serve would and checks what serve checks.
func loadServe(t *testing.T, path string, env map[string]string) *config.Config {
	t.Helper()
	cfg, err := config.Load(path, lookup(env))
	if err != nil {
		t.Fatalf("config.Load(%s): %v", path, err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate(%s): %v", path, err)
	}
	if err := cfg.RequireServe(); err != nil {
		t.Fatalf("RequireServe(%s): %v", path, err)
	}
	return cfg
}

func TestExampleConfigLoads(t *testing.T) {
	cfg := loadServe(t, "goalbot.example.toml", dummyEnv())
	if len(cfg.Goals) != 1 {
		t.Fatalf("goal sources = %d, want 1 (the rust-lang goals repository)", len(cfg.Goals))
	}
	g := cfg.Goals[0]
	if g.Repo != "rust-lang/rust-project-goals" || g.Path != "src/2025h2" || g.BookTOML != "book.toml" {
		t.Errorf("goal source = repo %q path %q book_toml %q, want rust-lang/rust-project-goals, src/2025h2, book.toml", g.Repo, g.Path, g.BookTOML)
	}
	if cfg.Digest.Repo == "" {
		t.Error("digest.repo is empty: the example should show a digest")
	}
	if len(cfg.Status.Rules) != 0 {
		t.Errorf("status rules = %d, want the example commented out", len(cfg.Status.Rules))
	}
	// The environment wins: the database and auth come from it.
	if got := cfg.DatabaseURL.Scheme(); got != "postgres" {
		t.Errorf("database scheme = %q, want postgres from GOALBOT_DATABASE_URL", got)
	}
	if !cfg.GitHub.AppAuth() || cfg.GitHub.AppID != 4242 {
		t.Errorf("App auth = %v, id %d; want the App from the environment", cfg.GitHub.AppAuth(), cfg.GitHub.AppID)
	}
	if len(cfg.WebhookSecrets) != 2 {
		t.Errorf("webhook secrets = %d, want the 2 from GOALBOT_WEBHOOK_SECRET", len(cfg.WebhookSecrets))
	}
}

func TestExampleConfigHoldsNoSecrets(t *testing.T) {
	cfg, err := config.Load("goalbot.example.toml", lookup(nil))
	if err != nil {
		t.Fatalf("config.Load without environment: %v", err)
	}
	switch {
	case len(cfg.WebhookSecrets) != 0:
		t.Error("the example sets webhook_secrets; leave them to GOALBOT_WEBHOOK_SECRET")
	case cfg.GitHub.PrivateKey.IsSet() || cfg.GitHub.PrivateKeyFile != "":
		t.Error("the example sets a private key; leave it to GOALBOT_GITHUB_PRIVATE_KEY(_FILE)")
	case cfg.GitHub.Token.IsSet():
		t.Error("the example sets a token; leave it to GOALBOT_GITHUB_TOKEN")
	case cfg.DatabaseURL.Scheme() != "sqlite":
		t.Error("the example sets a database URL; leave it (and its password) to GOALBOT_DATABASE_URL")
	}
	if cfg.RequireServe() == nil {
		t.Error("the example alone satisfies serve: it must carry credentials")
	}
	doc := readFile(t, "goalbot.example.toml")
	for _, v := range []string{"GOALBOT_WEBHOOK_SECRET", "GOALBOT_GITHUB_PRIVATE_KEY", "GOALBOT_GITHUB_PRIVATE_KEY_FILE", "GOALBOT_GITHUB_TOKEN", "GOALBOT_DATABASE_URL", "GOALBOT_GITHUB_APP_ID"} {
		if !strings.Contains(doc, v) {
			t.Errorf("goalbot.example.toml does not name %s where its key is", v)
		}
	}
}

// commentedKey matches a commented-out TOML key or table header.
var commentedKey = regexp.MustCompile(`^(\s*)# ?(\[\[?[a-z_.]+\]\]?\s*$|"?[a-z0-9_/]+"? = .*$)`)

// uncomment returns doc with its commented-out keys and tables enabled,
// except the keys in skip.
func uncomment(doc string, skip ...string) string {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		m := commentedKey.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		key, _, _ := strings.Cut(m[2], " ")
		if slices.Contains(skip, key) {
			continue
		}
		lines[i] = m[1] + m[2]
	}
	return strings.Join(lines, "\n")
}

// tomlKeys lists the key paths of a TOML document: "a.b", arrays of tables
// as "a[].b". The entries of tables keyed by user data stop at the table.
func tomlKeys(t *testing.T, doc string) map[string]bool {
	t.Helper()
	var m map[string]any
	if err := toml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("parse TOML: %v", err)
	}
	keys := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if prefix == "goals[].tracking_issues" || prefix == "github.fcp_days_by" {
				keys[prefix] = true
				return
			}
			for k, x := range v {
				walk(strings.TrimPrefix(prefix+"."+k, "."), x)
			}
		case []any:
			tables := false
			for _, x := range v {
				if _, ok := x.(map[string]any); ok {
					tables = true
					walk(prefix+"[]", x)
				}
			}
			if !tables {
				keys[prefix] = true
			}
		default:
			keys[prefix] = true
		}
	}
	walk("", m)
	return keys
}

func TestExampleConfigDocumentsEveryKey(t *testing.T) {
	// config/testdata/full.toml is config's own list of every key.
	full := tomlKeys(t, readFile(t, "../config/testdata/full.toml"))
	example := tomlKeys(t, uncomment(readFile(t, "goalbot.example.toml")))
	if len(full) < 30 {
		t.Fatalf("full.toml has %d keys; the walk is broken", len(full))
	}
	for _, k := range slices.Sorted(maps.Keys(full)) {
		if !example[k] {
			t.Errorf("goalbot.example.toml lacks key %s (set or commented out)", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(example)) {
		if !full[k] {
			t.Errorf("goalbot.example.toml has key %s, which config does not know", k)
		}
	}
}

func TestExampleConfigCommentedExamplesAreValid(t *testing.T) {
	// Everything commented out, once enabled, must still load: the rule,
	// the links and the second source are examples people will copy.
	doc := uncomment(readFile(t, "goalbot.example.toml"),
		"database_url", "webhook_secrets", "app_id", "private_key", "private_key_file", "token")
	path := filepath.Join(t.TempDir(), "goalbot.toml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := loadServe(t, path, dummyEnv())
	if len(cfg.Status.Rules) != 1 || len(cfg.Goals) != 2 || len(cfg.Goals[0].Links) != 1 || len(cfg.Goals[0].TrackingIssues) != 1 {
		t.Errorf("enabled examples: %d rules, %d sources; want 1 rule, 2 sources, 1 link, 1 tracking issue", len(cfg.Status.Rules), len(cfg.Goals))
	}
}

// knownVariables lists the GOALBOT_* variables config reads, from its source.
func knownVariables(t *testing.T) map[string]bool {
	t.Helper()
	src := readFile(t, "../config/load.go")
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(GOALBOT_[A-Z_]+)"`).FindAllStringSubmatch(src, -1) {
		known[m[1]] = true
	}
	if !known["GOALBOT_CONFIG"] || !known["GOALBOT_WEBHOOK_SECRET"] {
		t.Fatalf("could not read the variable names from config/load.go: %v", known)
	}
	return known
}

func TestVariablesAreKnown(t *testing.T) {
	known := knownVariables(t)
	files, err := filepath.Glob("*")
	if err != nil {
		t.Fatal(err)
	}
	k8s, _ := filepath.Glob("kubernetes/*")
	files = append(files, k8s...)
	files = append(files, ".env.example")
	name := regexp.MustCompile(`GOALBOT_[A-Z_]*[A-Z]`)
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".go") || isDir(f) {
			continue
		}
		for _, v := range name.FindAllString(readFile(t, f), -1) {
			checked++
			if !known[v] {
				t.Errorf("%s names %s, which goalbot does not read", f, v)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d variable mentions found; the scan is broken", checked)
	}
}

func isDir(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.IsDir()
}

// envFile reads KEY=VALUE lines as docker compose does for the simple
// unquoted values .env.example uses.
func envFile(t *testing.T, name string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for i, l := range strings.Split(readFile(t, name), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s:%d: not KEY=VALUE", name, i+1)
		}
		env[k] = v
	}
	return env
}

func TestEnvExampleIsPlaceholders(t *testing.T) {
	env := envFile(t, ".env.example")
	for _, k := range []string{"GOALBOT_WEBHOOK_SECRET", "GOALBOT_GITHUB_APP_ID", "GOALBOT_GITHUB_PRIVATE_KEY"} {
		if env[k] == "" {
			t.Errorf(".env.example does not set %s", k)
		}
	}
	if _, ok := env["GOALBOT_DATABASE_URL"]; ok {
		t.Error(".env.example sets GOALBOT_DATABASE_URL; docker-compose.yml sets it for the bundled PostgreSQL")
	}
	// The placeholder key must not pass for a key, and nothing else may
	// stand in the way: with a real PEM, the same environment serves.
	cfg, err := config.Load("goalbot.example.toml", lookup(env))
	if err != nil {
		t.Fatalf("config.Load with .env.example: %v", err)
	}
	if cfg.RequireServe() == nil {
		t.Error("the placeholder private key in .env.example is accepted as a key")
	}
	env["GOALBOT_GITHUB_PRIVATE_KEY"] = strings.ReplaceAll(dummyPEM, "\n", `\n`) // one line, as in the file
	loadServe(t, "goalbot.example.toml", env)
}

func TestReadmeNamesExistingFiles(t *testing.T) {
	doc := readFile(t, "README.md")
	paths := regexp.MustCompile(`\bdeploy/[A-Za-z0-9_./-]*[A-Za-z0-9_]`).FindAllString(doc, -1)
	if len(paths) < 5 {
		t.Fatalf("README names %d deploy/ files; the scan is broken", len(paths))
	}
	for _, p := range paths {
		if p == "deploy/.env" {
			continue // made by the reader from .env.example
		}
		if _, err := os.Stat(filepath.Join("..", p)); err != nil {
			t.Errorf("README names %s: %v", p, err)
		}
	}
	if !regexp.MustCompile(`docker build -f deploy/Dockerfile( -t \S+)? \.\n`).MatchString(doc) {
		t.Error("README does not show docker build -f deploy/Dockerfile with the repository root as context")
	}
	for _, want := range []string{"https://HOST/webhook", "goalbot config check", "advisory lock"} {
		if !strings.Contains(doc, want) {
			t.Errorf("README does not mention %q", want)
		}
	}
}
