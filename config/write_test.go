package config

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// comparable strips what cannot survive a masked round trip: secret
// values become "****", and where each key came from.
func comparable(c *Config) *Config {
	cp := *c
	cp.src = nil
	cp.WebhookSecrets = nil
	cp.GitHub.Token = Secret{}
	cp.DatabaseURL = NewDSN(c.DatabaseURL.String())
	if cp.GitHub.PrivateKeyFile == "" {
		cp.GitHub.PrivateKey = Secret{}
	}
	cp.Digest.Schedule = ""
	return &cp
}

func TestWriteEffective(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		env     map[string]string
		secrets []string // must not appear
		want    []string // must appear
	}{{
		name:    "full file, secrets from env",
		path:    "testdata/full.toml",
		env:     map[string]string{"GOALBOT_WEBHOOK_SECRET": "env-whsec-1,env-whsec-2"},
		secrets: []string{"env-whsec-1", "env-whsec-2", "full-toml-secret", "full-toml-db-password", "ZmFrZS1h", "BEGIN PRIVATE KEY"},
		want: []string{
			`webhook_secrets = ["****", "****"]  # from GOALBOT_WEBHOOK_SECRET`,
			`database_url = "postgres://goalbot:****@db:5432/goalbot?sslmode=disable"`,
			`private_key = ""  # read from private_key_file`,
			`private_key_file = "testdata/fake-app-key.pem"`,
			`"2024h2/async" = "rust-lang/goals#105"`,
			`schedule = "Fri 16:30"`,
			`interval = "30m"`,
		},
	}, {
		name: "inline key and token from env",
		path: "testdata/file.toml",
		env: map[string]string{
			"GOALBOT_GITHUB_TOKEN": "ghp_env_token_value",
			"GOALBOT_DATABASE_URL": "postgres://db/g?password=env-db-pass",
		},
		secrets: []string{"ghp_env_token_value", "file-token", "file-secret", "env-db-pass"},
		want: []string{
			`token = "****"  # from GOALBOT_GITHUB_TOKEN`,
			`private_key = ""` + "\n",
			`database_url = "postgres://db/g?password=****"  # from GOALBOT_DATABASE_URL`,
			`webhook_secrets = ["****"]` + "\n",
		},
	}, {
		name:    "App key from env",
		env:     map[string]string{"GOALBOT_GITHUB_APP_ID": "9", "GOALBOT_GITHUB_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\nenv-key-body\n-----END RSA PRIVATE KEY-----"},
		secrets: []string{"env-key-body", "BEGIN RSA"},
		want:    []string{`private_key = "****"  # from GOALBOT_GITHUB_PRIVATE_KEY`, `app_id = 9  # from GOALBOT_GITHUB_APP_ID`, `token = ""` + "\n"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.path, envMap(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var buf bytes.Buffer
			if err := c.WriteEffective(&buf); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, s := range tt.secrets {
				if strings.Contains(out, s) {
					t.Errorf("output contains secret %q:\n%s", s, out)
				}
			}
			for _, s := range tt.want {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			if !strings.Contains(out, mask) {
				t.Errorf("output has no %q", mask)
			}

			// The output loads back (with no environment) to the same settings.
			path := filepath.Join(t.TempDir(), "effective.toml")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			back, err := Load(path, nil)
			if err != nil {
				t.Fatalf("effective config does not load back: %v\n%s", err, out)
			}
			if got, want := comparable(back), comparable(c); !reflect.DeepEqual(got, want) {
				t.Errorf("loaded back:\n%+v\nwant:\n%+v", got, want)
			}
			if len(back.WebhookSecrets) != len(c.WebhookSecrets) {
				t.Errorf("loaded back %d secrets, want %d", len(back.WebhookSecrets), len(c.WebhookSecrets))
			}
		})
	}
}

func TestWriteEffectiveDefaultGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Default().WriteEffective(&buf); err != nil {
		t.Fatal(err)
	}
	golden := "testdata/default.golden"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if buf.String() != string(want) {
		t.Errorf("WriteEffective(Default()) =\n%s\nwant (%s):\n%s", buf.String(), golden, want)
	}
	c, err := Load(golden, nil)
	if err != nil {
		t.Fatalf("default output does not load: %v", err)
	}
	if c.src = nil; !reflect.DeepEqual(c, Default()) {
		t.Errorf("default output loads as %+v, want Default()", c)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteEffectiveReportsWriteError(t *testing.T) {
	if err := Default().WriteEffective(failWriter{}); err == nil {
		t.Error("WriteEffective to a failing writer returned nil")
	}
}
