package deploy

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/config"
)

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
		t.Fatalf("postgres volumes = %v, want NAME:/var/lib/postgresql/data", texts(pgVolume))
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
			t.Errorf("%s ports = %v, want %s", name, texts(p), port)
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
		t.Fatalf("goalbot volumes = %v, want the config file mount", texts(vols))
	}
	parts := strings.Split(vols[0].text, ":")
	if len(parts) < 2 || parts[1] != mustValue(t, env, "GOALBOT_CONFIG") {
		t.Errorf("config mount %q does not land on GOALBOT_CONFIG", vols[0].text)
	}
	all := envFile(t, ".env.example")
	all["GOALBOT_GITHUB_PRIVATE_KEY"] = dummyPEM()
	for _, l := range env {
		k, v, _ := strings.Cut(l.text, ":")
		all[k] = strings.TrimSpace(v)
	}
	cfg := loadServe(t, parts[0], all)
	if cfg.DatabaseURL.Value() != wantDB {
		t.Errorf("effective database = %s, want compose's PostgreSQL", cfg.DatabaseURL)
	}
}
