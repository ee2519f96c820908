package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStoreRetention(t *testing.T) {
	tests := []struct {
		doc     string
		want    time.Duration
		wantErr string
	}{
		{"", 14 * 24 * time.Hour, ""},
		{"[store]\nretention = \"30d\"\n", 30 * 24 * time.Hour, ""},
		{"[store]\nretention = \"100h\"\n", 100 * time.Hour, ""},
		{"[store]\nretention = \"2d\"\n", 0, "shorter than GitHub's redelivery window"},
		{"[store]\nretention = \"forever\"\n", 0, "not a duration"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "goalbot.toml")
		if err := os.WriteFile(path, []byte(tt.doc), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path, nil)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), ":2: store.retention") {
				t.Errorf("%q: error %v, want one on line 2 saying %q", tt.doc, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%q: %v", tt.doc, err)
		case c.Store.Retention != tt.want:
			t.Errorf("%q: retention %s, want %s", tt.doc, c.Store.Retention, tt.want)
		}
	}
}
