package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testKeyPEM returns a fresh RSA private key in PKCS#8 PEM, as GitHub
// hands out App keys (no key is kept in the repository).
func testKeyPEM(t testing.TB) []byte {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// writeFile writes b to path, creating its folder.
func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRequireServeKeysAndFolders: what serve refused but config check let
// through (issue 12.7): a key that is not PEM, a public key, a key that is
// not RSA, a goal folder that does not exist; every problem is listed.
func TestRequireServeKeysAndFolders(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	pub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	goals := t.TempDir()

	tests := []struct {
		name string
		key  string
		dir  string
		want []string
	}{
		{"PKCS#1 key and a folder", pkcs1, goals, nil},
		{"PKCS#8 key, one line with \\n", strings.ReplaceAll(string(testKeyPEM(t)), "\n", `\n`), goals, nil},
		{"public key", pubPEM, goals, []string{"github.private_key: the PEM block is a public key, not the private key; use the .pem file GitHub generated for the App"}},
		{"EC key", ecPEM, goals, []string{"github.private_key: the private key is ecdsa.PrivateKey, not RSA; GitHub Apps sign with RS256"}},
		{"garbage in PEM", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", goals, []string{`github.private_key: the PEM block "RSA PRIVATE KEY" is neither a PKCS#1 nor a PKCS#8 private key; use the .pem file GitHub generated for the App`}},
		{"missing folder and bad key", "nope", filepath.Join(goals, "2025h2-typo"), []string{
			"github.private_key: the private key is not PEM; use the .pem file GitHub generated for the App",
			`goals[0]: dir "` + filepath.Join(goals, "2025h2-typo") + `" cannot be read (it does not exist); fix the path (relative paths start from the working directory)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.WebhookSecrets = []Secret{NewSecret("s")}
			c.GitHub.AppID, c.GitHub.PrivateKey = 1, NewSecret(tt.key)
			c.Goals = []GoalSource{{Dir: tt.dir}}
			if got := errLines(c.RequireServe()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("RequireServe() = %q\nwant %q", got, tt.want)
			}
		})
	}
}
