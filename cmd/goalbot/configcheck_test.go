package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheckMatchesServe: goalbot config check and goalbot serve
// accept and refuse the same configurations, refusing with exit 2 and the
// same list of every problem (issue 12.7: config check passed setups serve
// refused). Serve runs with a cancelled context: a configuration it
// accepts gets as far as opening the store and stops there (exit 1).
func TestConfigCheckMatchesServe(t *testing.T) {
	dir := t.TempDir()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	goodKey := write("app.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	pub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubKey := write("app.pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecKey := write("ec.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	notPEM := write("app.txt", []byte("not a key"))
	goals := filepath.Join(dir, "goals")
	if err := os.Mkdir(goals, 0o755); err != nil {
		t.Fatal(err)
	}
	goalsFile := write("goals.toml", []byte("[[goals]]\ndir = \""+filepath.ToSlash(goals)+"\"\n"))
	typoFile := write("typo.toml", []byte("[[goals]]\ndir = \""+filepath.ToSlash(goals)+"-typo\"\n"))

	base := map[string]string{
		"GOALBOT_LISTEN":         "127.0.0.1:0",
		"GOALBOT_DATABASE_URL":   "sqlite:" + filepath.Join(dir, "goalbot.db"),
		"GOALBOT_WEBHOOK_SECRET": "s",
		"GOALBOT_GITHUB_TOKEN":   "ghp_x",
		"GOALBOT_CONFIG":         goalsFile,
	}
	app := func(keyFile string) map[string]string {
		return map[string]string{"GOALBOT_GITHUB_TOKEN": "", "GOALBOT_GITHUB_APP_ID": "1", "GOALBOT_GITHUB_PRIVATE_KEY_FILE": keyFile}
	}
	tests := []struct {
		name    string
		env     map[string]string // over base; "" unsets
		refused []string          // problems both must list; nil when accepted
	}{
		{"token", nil, nil},
		{"App with its private key", app(goodKey), nil},
		{"no secret, no credentials", map[string]string{"GOALBOT_WEBHOOK_SECRET": "", "GOALBOT_GITHUB_TOKEN": ""}, []string{"no webhook secret", "no GitHub credentials"}},
		{"App key not PEM", app(notPEM), []string{"is not PEM"}},
		{"App public key", app(pubKey), []string{"is a public key"}},
		{"App EC key", app(ecKey), []string{"not RSA"}},
		{"goal folder missing", map[string]string{"GOALBOT_CONFIG": typoFile}, []string{"goals[0]: dir", "does not exist"}},
		{"database URL", map[string]string{"GOALBOT_DATABASE_URL": "mysql://db/goalbot"}, []string{"unsupported scheme \"mysql\""}},
		{"postgres URL without host", map[string]string{"GOALBOT_DATABASE_URL": "postgres://"}, []string{"not a valid postgres URL"}},
		{"every problem at once", map[string]string{"GOALBOT_WEBHOOK_SECRET": "", "GOALBOT_GITHUB_TOKEN": "", "GOALBOT_GITHUB_APP_ID": "1", "GOALBOT_GITHUB_PRIVATE_KEY_FILE": pubKey, "GOALBOT_CONFIG": typoFile},
			[]string{"no webhook secret", "is a public key", "does not exist"}},
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			getenv := func(k string) string { return env[k] }
			var checkOut, checkErr, serveOut, serveErr bytes.Buffer
			check := run(context.Background(), []string{"config", "check"}, &checkOut, &checkErr, getenv)
			serve := run(cancelled, []string{"serve"}, &serveOut, &serveErr, getenv)
			if tt.refused == nil {
				if check != 0 || serve == 2 {
					t.Fatalf("accepted config: config check exit %d (%s), serve exit %d (%s); want 0 and not 2", check, checkErr.String(), serve, serveErr.String())
				}
				return
			}
			if check != 2 || serve != 2 {
				t.Fatalf("refused config: config check exit %d, serve exit %d; want 2 and 2\ncheck: %s\nserve: %s", check, serve, checkErr.String(), serveErr.String())
			}
			if checkErr.String() != serveErr.String() {
				t.Errorf("different problems:\nconfig check: %s\nserve: %s", checkErr.String(), serveErr.String())
			}
			for _, want := range tt.refused {
				if !strings.Contains(checkErr.String(), want) {
					t.Errorf("config check does not say %q:\n%s", want, checkErr.String())
				}
			}
			if strings.Contains(checkErr.String(), "ghp_x") || strings.Contains(checkErr.String(), "BEGIN") {
				t.Errorf("a secret in the message: %s", checkErr.String())
			}
		})
	}
}
