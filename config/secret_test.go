package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

func TestSecretNeverPrints(t *testing.T) {
	const clear = "hunter2-very-secret"
	s := NewSecret(clear)
	if s.Value() != clear || !s.IsSet() {
		t.Fatalf("Value() = %q, IsSet() = %v", s.Value(), s.IsSet())
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s"} {
		got := fmt.Sprintf(verb, s)
		if strings.Contains(got, clear) || strings.Contains(got, fmt.Sprintf("%x", clear)) {
			t.Errorf("Sprintf(%q) = %q leaks the secret", verb, got)
		}
		if !strings.Contains(got, mask) {
			t.Errorf("Sprintf(%q) = %q, want the mask", verb, got)
		}
	}
	if got := NewSecret("").String(); got != "" {
		t.Errorf("unset secret prints %q, want \"\"", got)
	}
	b, err := json.Marshal(struct{ S Secret }{s})
	if err != nil || string(b) != `{"S":"****"}` {
		t.Errorf("json = %s, %v", b, err)
	}
	b, err = toml.Marshal(struct{ S Secret }{s})
	if err != nil || strings.Contains(string(b), clear) {
		t.Errorf("toml = %s, %v", b, err)
	}
}

func TestDSN(t *testing.T) {
	tests := []struct {
		in, redacted, scheme, path string
	}{
		{"sqlite:goalbot.db", "sqlite:goalbot.db", "sqlite", "goalbot.db"},
		{"sqlite:/var/lib/g.db?_pragma=x", "sqlite:/var/lib/g.db?_pragma=x", "sqlite", "/var/lib/g.db?_pragma=x"},
		{"postgres://u:pw-secret@db:5432/g?sslmode=disable", "postgres://u:****@db:5432/g?sslmode=disable", "postgres", ""},
		{"postgresql://u@db/g", "postgresql://u@db/g", "postgres", ""},
		{"postgres://db/g?password=pw-secret&user=u", "postgres://db/g?password=****&user=u", "postgres", ""},
		{"postgres://u:pw-secret@db:bad port/g", "postgres://****", "postgres", ""},
		{"mysql://u:pw@h/db", "mysql://u:pw@h/db", "", ""},
	}
	for _, tt := range tests {
		d := NewDSN(tt.in)
		if got := d.String(); got != tt.redacted {
			t.Errorf("NewDSN(%q).String() = %q, want %q", tt.in, got, tt.redacted)
		}
		if got := fmt.Sprintf("%v %+v %#v %s %d", d, d, d, d, d); strings.Contains(got, "pw-secret") {
			t.Errorf("formatting leaks the password: %s", got)
		}
		if d.Scheme() != tt.scheme || d.SQLitePath() != tt.path || d.Value() != tt.in {
			t.Errorf("NewDSN(%q): scheme %q path %q value %q", tt.in, d.Scheme(), d.SQLitePath(), d.Value())
		}
	}
}

func TestConfigFormattingMasksSecrets(t *testing.T) {
	c := Default()
	c.WebhookSecrets = []Secret{NewSecret("whsec-aaa"), NewSecret("whsec-bbb")}
	c.GitHub.Token = NewSecret("ghp_tokentoken")
	c.GitHub.PrivateKey = NewSecret("-----BEGIN RSA PRIVATE KEY-----\nkeykeykey\n-----END RSA PRIVATE KEY-----")
	c.DatabaseURL = NewDSN("postgres://goalbot:dbpass-secret@db/goalbot")
	leaks := []string{"whsec-aaa", "whsec-bbb", "ghp_tokentoken", "keykeykey", "dbpass-secret"}
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		outputs[verb] = fmt.Sprintf(verb, c)
		outputs[verb+" deref"] = fmt.Sprintf(verb, *c)
		outputs[verb+" github"] = fmt.Sprintf(verb, c.GitHub)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(b)
	for name, out := range outputs {
		for _, leak := range leaks {
			if strings.Contains(out, leak) {
				t.Errorf("%s output contains %q: %s", name, leak, out)
			}
		}
	}
	if !strings.Contains(outputs["%+v"], "Token:****") {
		t.Errorf("%%+v = %s, want Token:****", outputs["%+v"])
	}
}
