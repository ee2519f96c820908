package deploy

import (
	"encoding/json"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
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
			if prefix == "goals[].tracking_issues" {
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

// manifest is a GitHub App manifest; unknown fields fail decoding.
type manifest struct {
	Name           string `json:"name"`
	Description    string `json:"description"`
	URL            string `json:"url"`
	HookAttributes struct {
		URL    string `json:"url"`
		Active *bool  `json:"active"`
	} `json:"hook_attributes"`
	RedirectURL           string            `json:"redirect_url"`
	CallbackURLs          []string          `json:"callback_urls"`
	SetupURL              string            `json:"setup_url"`
	Public                *bool             `json:"public"`
	DefaultPermissions    map[string]string `json:"default_permissions"`
	DefaultEvents         []string          `json:"default_events"`
	RequestOAuthOnInstall bool              `json:"request_oauth_on_install"`
	SetupOnUpdate         bool              `json:"setup_on_update"`
}

func TestAppManifest(t *testing.T) {
	// app.yml is JSON, which is also YAML: GitHub's manifest flow posts
	// JSON, so the file can be pasted as is.
	dec := json.NewDecoder(strings.NewReader(readFile(t, "app.yml")))
	dec.DisallowUnknownFields()
	var m manifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("app.yml is not a GitHub App manifest: %v", err)
	}
	if m.Name == "" || len(m.Name) > 34 {
		t.Errorf("name %q: GitHub wants 1 to 34 characters", m.Name)
	}
	if u, err := url.Parse(m.HookAttributes.URL); err != nil || u.Scheme != "https" || u.Path != "/webhook" {
		t.Errorf("hook_attributes.url = %q, want https://HOST/webhook", m.HookAttributes.URL)
	}
	if m.HookAttributes.Active != nil && !*m.HookAttributes.Active {
		t.Error("hook_attributes.active is false: GitHub would send no webhooks")
	}
	if m.RedirectURL == "" || m.URL == "" {
		t.Error("url and redirect_url are required by the manifest flow")
	}

	wantEvents := []string{"issue_comment", "issues", "pull_request", "pull_request_review", "push"}
	if got := slices.Sorted(slices.Values(m.DefaultEvents)); !slices.Equal(got, wantEvents) {
		t.Errorf("default_events = %v, want exactly %v (what the tracker handles)", m.DefaultEvents, wantEvents)
	}
	wantPerms := map[string]string{"issues": "write", "pull_requests": "read", "contents": "read", "metadata": "read"}
	if !reflect.DeepEqual(m.DefaultPermissions, wantPerms) {
		t.Errorf("default_permissions = %v, want exactly %v", m.DefaultPermissions, wantPerms)
	}
	// GitHub refuses an event whose permission the App lacks.
	needs := map[string]string{"issues": "issues", "issue_comment": "issues", "pull_request": "pull_requests", "pull_request_review": "pull_requests", "push": "contents"}
	for _, e := range m.DefaultEvents {
		if p := needs[e]; m.DefaultPermissions[p] == "" {
			t.Errorf("event %s needs permission %s", e, p)
		}
	}
}

func TestDockerfile(t *testing.T) {
	stages := dockerStages(readFile(t, "Dockerfile"))
	if len(stages) != 2 {
		t.Fatalf("Dockerfile has %d stages, want build and run", len(stages))
	}
	build, run := stages[0], stages[1]

	from := strings.Fields(build[0].args)
	if len(from) != 3 || !strings.EqualFold(from[1], "AS") {
		t.Fatalf("build stage FROM %q, want IMAGE AS NAME", build[0].args)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(readFile(t, "../go.mod"))
	if goVersion == nil || from[0] != "golang:"+goVersion[1] {
		t.Errorf("build image %s does not match go.mod's go %v", from[0], goVersion)
	}
	stage := from[2]

	step := func(instrs []dockerInstr, cmd, contains string) int {
		for i, in := range instrs {
			if in.cmd == cmd && strings.Contains(in.args, contains) {
				return i
			}
		}
		return -1
	}
	copyMod, download, copyAll := step(build, "COPY", "go.mod go.sum"), step(build, "RUN", "go mod download"), step(build, "COPY", ". .")
	if copyMod < 0 || download < 0 || copyAll < 0 || !(copyMod < download && download < copyAll) {
		t.Errorf("want COPY go.mod go.sum, then RUN go mod download, then COPY . . (steps %d, %d, %d)", copyMod, download, copyAll)
	}
	b := step(build, "RUN", "go build")
	if b < 0 {
		t.Fatal("no RUN go build in the build stage")
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-o /goalbot", "./cmd/goalbot"} {
		if !strings.Contains(build[b].args, want) {
			t.Errorf("go build %q lacks %s", build[b].args, want)
		}
	}
	if _, err := os.Stat("../cmd/goalbot/main.go"); err != nil {
		t.Errorf("the build target ./cmd/goalbot: %v", err)
	}

	if run[0].args != "gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("final stage FROM %q, want distroless static, nonroot", run[0].args)
	}
	last := func(cmd string) string {
		v := ""
		for _, in := range run {
			if in.cmd == cmd {
				v = in.args
			}
		}
		return v
	}
	if u := last("USER"); u != "nonroot:nonroot" && u != "65532:65532" {
		t.Errorf("final USER = %q, want nonroot:nonroot", u)
	}
	if step(run, "COPY", "--from="+stage+" /goalbot /goalbot") < 0 {
		t.Errorf("final stage does not copy /goalbot from stage %q", stage)
	}
	_, port, _ := net.SplitHostPort(config.Default().Listen)
	if got := last("EXPOSE"); got != port {
		t.Errorf("EXPOSE %q, want goalbot's default port %s", got, port)
	}
	if got := last("ENTRYPOINT"); got != `["/goalbot"]` {
		t.Errorf("ENTRYPOINT %s, want [\"/goalbot\"]", got)
	}
	if got := last("CMD"); got != `["serve"]` {
		t.Errorf("CMD %s, want [\"serve\"]", got)
	}
	if step(run, "RUN", "") >= 0 {
		t.Error("the final stage has a RUN step; distroless has no shell")
	}
}

func TestDockerignoreKeepsEmbeddedFiles(t *testing.T) {
	var patterns []string
	for _, l := range strings.Split(readFile(t, "Dockerfile.dockerignore"), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	excluded := func(path string) string {
		for _, p := range patterns {
			re, err := ignoreMatcher(p)
			if err != nil {
				t.Fatalf("pattern %q: %v", p, err)
			}
			if re.MatchString(path) {
				return p
			}
		}
		return ""
	}
	for _, path := range []string{".git", ".git/config", "deploy/.env", "secrets/goalbot.private-key.pem", "goalbot.db"} {
		if excluded(path) == "" {
			t.Errorf("%s reaches the build context", path)
		}
	}
	needed := append(embeddedFiles(t, ".."), "go.mod", "go.sum", "cmd/goalbot/main.go")
	for _, path := range needed {
		if p := excluded(path); p != "" {
			t.Errorf("%s is needed by the build but %q excludes it", path, p)
		}
	}
}

// embeddedFiles lists, relative to root, the files that //go:embed
// directives in non-test sources pull in.
func embeddedFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	directive := regexp.MustCompile(`(?m)^//go:embed (.+)$`)
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range directive.FindAllStringSubmatch(string(src), -1) {
			for _, pat := range strings.Fields(m[1]) {
				pat = strings.TrimPrefix(unquote(pat), "all:")
				matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), pat))
				for _, match := range matches {
					filepath.WalkDir(match, func(p string, d os.DirEntry, err error) error {
						if err == nil && !d.IsDir() {
							rel, _ := filepath.Rel(root, p)
							files = append(files, filepath.ToSlash(rel))
						}
						return nil
					})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("found no embedded files; store migrations at least are embedded")
	}
	return files
}

func TestCompose(t *testing.T) {
	lines := yamlLines(readFile(t, "docker-compose.yml"))
	services := topBlock(t, lines, "services")
	var names []string
	for _, l := range services {
		if l.indent == services[0].indent {
			names = append(names, strings.TrimSuffix(l.text, ":"))
		}
	}
	if !slices.Equal(names, []string{"postgres", "goalbot-1", "goalbot-2"}) {
		t.Errorf("services = %v, want postgres, goalbot-1, goalbot-2", names)
	}

	pg := yamlBlock(t, services, "postgres")
	if img := mustValue(t, pg, "image"); img != "postgres:15" {
		t.Errorf("postgres image = %q, want postgres:15", img)
	}
	if v := yamlBlock(t, pg, "healthcheck"); !strings.Contains(mustValue(t, v, "test"), "pg_isready") {
		t.Error("postgres healthcheck does not run pg_isready")
	}
	pgVolume := yamlBlock(t, pg, "volumes")
	if len(pgVolume) != 1 || !strings.HasSuffix(pgVolume[0].text, ":/var/lib/postgresql/data") {
		t.Fatalf("postgres volumes = %v, want NAME:/var/lib/postgresql/data", pgVolume)
	}
	volName, _, _ := strings.Cut(pgVolume[0].text, ":")
	if _, ok := yamlValue(topBlock(t, lines, "volumes"), volName); !ok {
		t.Errorf("named volume %q is not declared under the top-level volumes", volName)
	}

	// Both replicas share the x-goalbot anchor, then add their port.
	common := yamlBlock(t, lines, "x-goalbot")
	for name, port := range map[string]string{"goalbot-1": `"8081:8080"`, "goalbot-2": `"8082:8080"`} {
		svc := yamlBlock(t, services, name)
		if v, _ := yamlValue(svc, "<<"); v != "*goalbot" {
			t.Errorf("%s does not merge the x-goalbot anchor (<<: *goalbot)", name)
		}
		if p := yamlBlock(t, svc, "ports"); len(p) != 1 || p[0].text != port {
			t.Errorf("%s ports = %v, want %s", name, p, port)
		}
	}
	if len(topBlock(t, lines, "x-goalbot: &goalbot")) == 0 {
		t.Error("x-goalbot is not the &goalbot anchor")
	}
	b := yamlBlock(t, common, "build")
	if mustValue(t, b, "context") != ".." || mustValue(t, b, "dockerfile") != "deploy/Dockerfile" {
		t.Error("build must use the repository root as context and deploy/Dockerfile")
	}
	if mustValue(t, common, "env_file") != ".env" {
		t.Error("secrets must come from deploy/.env")
	}
	if c := mustValue(t, yamlBlock(t, common, "depends_on", "postgres"), "condition"); c != "service_healthy" {
		t.Errorf("depends_on postgres condition = %q, want service_healthy", c)
	}
	env := yamlBlock(t, common, "environment")
	const wantDB = "postgres://goalbot:goalbot@postgres:5432/goalbot?sslmode=disable"
	if got := mustValue(t, env, "GOALBOT_DATABASE_URL"); got != wantDB {
		t.Errorf("GOALBOT_DATABASE_URL = %q, want %q", got, wantDB)
	}
	// The mounted file is the one GOALBOT_CONFIG names, and it loads with
	// the compose environment and .env.example.
	vols := yamlBlock(t, common, "volumes")
	if len(vols) != 1 {
		t.Fatalf("goalbot volumes = %v, want the config file mount", vols)
	}
	parts := strings.Split(vols[0].text, ":")
	if len(parts) < 2 || parts[1] != mustValue(t, env, "GOALBOT_CONFIG") {
		t.Errorf("config mount %q does not land on GOALBOT_CONFIG", vols[0].text)
	}
	all := envFile(t, ".env.example")
	all["GOALBOT_GITHUB_PRIVATE_KEY"] = dummyPEM
	for _, l := range env {
		k, v, _ := strings.Cut(l.text, ":")
		all[k] = strings.TrimSpace(v)
	}
	cfg := loadServe(t, parts[0], all)
	if cfg.DatabaseURL.Value() != wantDB {
		t.Errorf("effective database = %s, want compose's PostgreSQL", cfg.DatabaseURL)
	}
}

func TestKubernetes(t *testing.T) {
	dep := yamlLines(readFile(t, "kubernetes/deployment.yaml"))
	if v := mustValue(t, yamlBlock(t, dep, "spec"), "replicas"); v != "2" {
		t.Errorf("replicas = %s, want 2", v)
	}
	pod := yamlBlock(t, dep, "spec", "template", "spec")
	ctr := yamlBlock(t, pod, "containers")
	_, port, _ := net.SplitHostPort(config.Default().Listen)
	if p := mustValue(t, yamlBlock(t, ctr, "ports"), "containerPort"); p != port {
		t.Errorf("containerPort = %s, want %s", p, port)
	}
	portName := mustValue(t, yamlBlock(t, ctr, "ports"), "name")
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
		get := yamlBlock(t, ctr, probe, "httpGet")
		if got := mustValue(t, get, "path"); got != path {
			t.Errorf("%s path = %s, want %s", probe, got, path)
		}
		if got := mustValue(t, get, "port"); got != port && got != portName {
			t.Errorf("%s port = %s, want %s or %s", probe, got, port, portName)
		}
	}
	for _, want := range []string{"runAsNonRoot", "readOnlyRootFilesystem"} {
		if v, _ := yamlValue(pod, want); v != "true" {
			t.Errorf("%s = %q, want true", want, v)
		}
	}
	if v, _ := yamlValue(pod, "runAsUser"); v != "65532" {
		t.Errorf("runAsUser = %q, want 65532: the kubelet cannot check runAsNonRoot against the image's user name", v)
	}
	res := yamlBlock(t, ctr, "resources")
	for _, part := range []string{"requests", "limits"} {
		blk := yamlBlock(t, res, part)
		if _, ok := yamlValue(blk, "memory"); !ok {
			t.Errorf("resources.%s.memory is missing", part)
		}
		if _, ok := yamlValue(blk, "cpu"); !ok {
			t.Errorf("resources.%s.cpu is missing", part)
		}
	}

	// The ConfigMap lands where GOALBOT_CONFIG points.
	cmDoc := readFile(t, "kubernetes/configmap.yaml")
	cmName := mustValue(t, yamlBlock(t, yamlLines(cmDoc), "metadata"), "name")
	vol := yamlBlock(t, pod, "volumes")
	if got := mustValue(t, yamlBlock(t, vol, "configMap"), "name"); got != cmName {
		t.Errorf("Deployment mounts ConfigMap %q, configmap.yaml defines %q", got, cmName)
	}
	volName := mustValue(t, vol, "name")
	mounts := yamlBlock(t, ctr, "volumeMounts")
	mountPath := ""
	for i, l := range mounts {
		if l.text == "name: "+volName && i+1 < len(mounts) {
			mountPath, _ = yamlValue(mounts[i+1:], "mountPath")
			break
		}
	}
	item := mustValue(t, yamlBlock(t, vol, "items"), "path")
	cfgPath := ""
	envs := yamlBlock(t, ctr, "env")
	for i, l := range envs {
		if l.text == "name: GOALBOT_CONFIG" && i+1 < len(envs) {
			cfgPath, _ = yamlValue(envs[i+1:i+2], "value")
		}
	}
	if cfgPath != "/etc/goalbot/goalbot.toml" || mountPath+"/"+item != cfgPath {
		t.Errorf("GOALBOT_CONFIG = %q, ConfigMap mounted as %q: want both /etc/goalbot/goalbot.toml", cfgPath, mountPath+"/"+item)
	}

	// The Secret the Deployment reads is the one the example defines, and
	// its placeholders with the ConfigMap's file make a loadable config.
	secDoc := readFile(t, "kubernetes/secret.example.yaml")
	sec := yamlLines(secDoc)
	secName := mustValue(t, yamlBlock(t, sec, "metadata"), "name")
	if got := mustValue(t, yamlBlock(t, ctr, "envFrom", "secretRef"), "name"); got != secName {
		t.Errorf("Deployment reads Secret %q, secret.example.yaml defines %q", got, secName)
	}
	toml, err := blockScalar(cmDoc, "goalbot.toml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "goalbot.toml")
	if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, l := range yamlBlock(t, sec, "stringData") {
		if k, v, ok := strings.Cut(l.text, ":"); ok && strings.HasPrefix(k, "GOALBOT_") {
			env[k] = unquote(strings.TrimSpace(v))
		}
	}
	if env["GOALBOT_GITHUB_PRIVATE_KEY"], err = blockScalar(secDoc, "GOALBOT_GITHUB_PRIVATE_KEY"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"GOALBOT_WEBHOOK_SECRET", "GOALBOT_GITHUB_PRIVATE_KEY", "GOALBOT_DATABASE_URL", "GOALBOT_GITHUB_APP_ID"} {
		if env[k] == "" {
			t.Errorf("secret.example.yaml has no %s", k)
		}
	}
	cfg, err := config.Load(path, lookup(env))
	if err != nil {
		t.Fatalf("configmap goalbot.toml with the example Secret: %v", err)
	}
	if cfg.DatabaseURL.Scheme() != "postgres" {
		t.Error("the example Secret's database is not PostgreSQL; two replicas need it")
	}
	if cfg.RequireServe() == nil {
		t.Error("secret.example.yaml's placeholder key passes for a real one")
	}
	env["GOALBOT_GITHUB_PRIVATE_KEY"] = dummyPEM
	cfg = loadServe(t, path, env)
	if len(cfg.Goals) == 0 || cfg.Goals[0].Repo != "rust-lang/rust-project-goals" {
		t.Errorf("configmap goal sources = %+v, want rust-lang/rust-project-goals", cfg.Goals)
	}
	for _, secret := range []string{"webhook_secrets", "private_key", "token", "database_url"} {
		if regexp.MustCompile(`(?m)^\s*` + secret + `\s*=`).MatchString(toml) {
			t.Errorf("the ConfigMap sets %s; secrets belong in the Secret", secret)
		}
	}

	// The Service sends port 80 to the pods' 8080.
	svc := yamlLines(readFile(t, "kubernetes/service.yaml"))
	spec := yamlBlock(t, svc, "spec")
	if v := mustValue(t, spec, "type"); v != "ClusterIP" {
		t.Errorf("Service type = %s, want ClusterIP", v)
	}
	ports := yamlBlock(t, spec, "ports")
	if v := mustValue(t, ports, "port"); v != "80" {
		t.Errorf("Service port = %s, want 80", v)
	}
	if v := mustValue(t, ports, "targetPort"); v != port && v != portName {
		t.Errorf("Service targetPort = %s, want %s or %s", v, port, portName)
	}
	podLabel := mustValue(t, yamlBlock(t, dep, "template", "metadata", "labels"), "app.kubernetes.io/name")
	if v := mustValue(t, yamlBlock(t, spec, "selector"), "app.kubernetes.io/name"); v != podLabel {
		t.Errorf("Service selects %q, pods are labelled %q", v, podLabel)
	}

	// kustomize applies what exists, and never the placeholder Secret.
	kust := yamlBlock(t, yamlLines(readFile(t, "kubernetes/kustomization.yaml")), "resources")
	for _, r := range kust {
		if _, err := os.Stat(filepath.Join("kubernetes", r.text)); err != nil {
			t.Errorf("kustomization resource %s: %v", r.text, err)
		}
		if strings.Contains(r.text, "secret") {
			t.Errorf("kustomization applies %s, which holds placeholders", r.text)
		}
	}
	if len(kust) != 3 {
		t.Errorf("kustomization resources = %d, want configmap, deployment, service", len(kust))
	}
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
