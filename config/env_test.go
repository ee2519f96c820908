package config

import (
	"strings"
	"testing"
)

func TestKnownEnvFollowsLoad(t *testing.T) {
	names := map[string]bool{}
	for _, v := range KnownEnv() {
		names[v.Name] = true
	}
	// Every variable Load reads: a variable set to a bad value must change
	// what Load reports, so each name here is really read.
	for _, n := range []string{"GOALBOT_CONFIG", "GOALBOT_LISTEN", "GOALBOT_DATABASE_URL", "GOALBOT_WEBHOOK_SECRET",
		"GOALBOT_LOG_LEVEL", "GOALBOT_GITHUB_API_URL", "GOALBOT_GITHUB_APP_ID", "GOALBOT_GITHUB_PRIVATE_KEY",
		"GOALBOT_GITHUB_PRIVATE_KEY_FILE", "GOALBOT_GITHUB_TOKEN", "GOALBOT_BOT_LOGIN"} {
		if !names[n] {
			t.Errorf("KnownEnv lacks %s", n)
		}
	}
	for _, v := range KnownEnv() {
		if names[v.Name] && v.Name == "GOALBOT_LISTEN" && v.Meaning == "" {
			t.Errorf("%s has no meaning for --help", v.Name)
		}
	}
}

func TestEnvWarnings(t *testing.T) {
	tests := []struct {
		env  []string
		want []string // substrings of the one warning; nil: no warning
	}{
		{[]string{"GOALBOT_LISTEN=:9000", "PATH=/bin", "HOME=/root"}, nil},
		{[]string{"GOALBOT_TEST_POSTGRES_URL=postgres://x"}, nil},
		{[]string{"GOALBOT_WEBHOOK_SECRT=hunter2"}, []string{"GOALBOT_WEBHOOK_SECRT", "did you mean GOALBOT_WEBHOOK_SECRET?"}},
		{[]string{"GOALBOT_DATABSE_URL=sqlite:x"}, []string{"did you mean GOALBOT_DATABASE_URL?"}},
		{[]string{"GOALBOT_SECRET=x"}, []string{"did you mean GOALBOT_WEBHOOK_SECRET?"}},
		{[]string{"GOALBOT_GITHUB_APPID=1"}, []string{"did you mean GOALBOT_GITHUB_APP_ID?"}},
		{[]string{"goalbot_listen=:1"}, nil}, // not ours: variables are case-sensitive and ours are upper case
		{[]string{"GOALBOT_ZZZZZZZZZZZZ=1"}, []string{"GOALBOT_ZZZZZZZZZZZZ is not one goalbot reads"}},
	}
	for _, tt := range tests {
		got := EnvWarnings(tt.env)
		if tt.want == nil {
			if len(got) != 0 {
				t.Errorf("%v: warnings %q, want none", tt.env, got)
			}
			continue
		}
		if len(got) != 1 {
			t.Errorf("%v: %d warnings %q, want 1", tt.env, len(got), got)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(got[0], w) {
				t.Errorf("%v: warning %q lacks %q", tt.env, got[0], w)
			}
		}
		if strings.Contains(got[0], "hunter2") {
			t.Errorf("warning repeats the value: %q", got[0])
		}
	}
	if got := EnvWarnings([]string{"GOALBOT_ZZZZZZZZZZZZ=1"}); strings.Contains(got[0], "did you mean") {
		t.Errorf("far-off name got a suggestion: %q", got[0])
	}
}
