package deploy

import (
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

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
