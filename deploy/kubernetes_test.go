package deploy

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/config"
)

// deployment is the parsed kubernetes/deployment.yaml.
type deployment struct {
	all, pod, container []yamlLine
	port, portName      string // goalbot's port and the container's name for it
}

func readDeployment(t *testing.T) deployment {
	t.Helper()
	var d deployment
	d.all = yamlLines(readFile(t, "kubernetes/deployment.yaml"))
	d.pod = yamlBlock(t, d.all, "spec", "template", "spec")
	d.container = yamlBlock(t, d.pod, "containers")
	_, d.port, _ = net.SplitHostPort(config.Default().Listen)
	d.portName = mustValue(t, yamlBlock(t, d.container, "ports"), "name")
	return d
}

func TestKubernetesDeployment(t *testing.T) {
	d := readDeployment(t)
	dep, pod, ctr, port, portName := d.all, d.pod, d.container, d.port, d.portName
	if v := mustValue(t, yamlBlock(t, dep, "spec"), "replicas"); v != "2" {
		t.Errorf("replicas = %s, want 2", v)
	}
	if p := mustValue(t, yamlBlock(t, ctr, "ports"), "containerPort"); p != port {
		t.Errorf("containerPort = %s, want %s", p, port)
	}
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
}

func TestKubernetesConfig(t *testing.T) {
	d := readDeployment(t)
	pod, ctr := d.pod, d.container

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
	env["GOALBOT_GITHUB_PRIVATE_KEY"] = dummyPEM()
	cfg = loadServe(t, path, env)
	if len(cfg.Goals) == 0 || cfg.Goals[0].Repo != "rust-lang/rust-project-goals" {
		t.Errorf("configmap goal sources = %+v, want rust-lang/rust-project-goals", cfg.Goals)
	}
	for _, secret := range []string{"webhook_secrets", "private_key", "token", "database_url"} {
		if regexp.MustCompile(`(?m)^\s*` + secret + `\s*=`).MatchString(toml) {
			t.Errorf("the ConfigMap sets %s; secrets belong in the Secret", secret)
		}
	}
}

func TestKubernetesService(t *testing.T) {
	d := readDeployment(t)
	dep, port, portName := d.all, d.port, d.portName

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
}

func TestKustomization(t *testing.T) {
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
