package sandbox

import (
	"encoding/json"
	"os"
	"testing"
)

// TestWebhookPayloadKeys checks every event the sandbox sends against the keys all of
// @octokit/webhooks-examples' payloads of that event carry (testdata/webhooks/README.md).
func TestWebhookPayloadKeys(t *testing.T) {
	raw, err := os.ReadFile("testdata/webhooks/keys.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Events map[string]map[string][]string `json:"events"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	pr, _ := e.s.OpenPull("tmandry", testRepo, "RFC", "body", "T-lang")
	is, _ := e.s.OpenIssue("tmandry", testRepo, "MCP", "")
	cm, _ := e.s.Comment("rfcbot", testRepo, pr.Number, "@rfcbot fcp merge")
	e.s.EditComment("rfcbot", cm.ID, "edited")
	e.s.Comment("rfcbot", testRepo, is.Number, "plain issue")
	e.s.SubmitReview("tmandry", testRepo, pr.Number, "lgtm")
	e.s.Merge("nikomatsakis", testRepo, pr.Number)
	e.s.CloseIssue("nikomatsakis", testRepo, is.Number)
	e.s.PushFile("nikomatsakis", testRepo, "", "goals/a.md", []byte("x"))
	e.s.Ping()

	seen := map[string]bool{}
	for _, r := range e.hooks.all() {
		seen[r.event] = true
		keys, ok := want.Events[r.event]
		if !ok {
			t.Errorf("no example keys for %s", r.event)
			continue
		}
		var p map[string]any
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		for obj, list := range keys {
			target := p
			if obj != "top" {
				target, _ = p[obj].(map[string]any)
				if target == nil {
					t.Errorf("%s: no %s object", r.event, obj)
					continue
				}
			}
			for _, k := range list {
				if _, ok := target[k]; !ok {
					t.Errorf("%s %s: missing %q", r.event, obj, k)
				}
			}
		}
		if r.event == "ping" {
			continue
		}
		repo := p["repository"].(map[string]any)
		owner, _ := repo["owner"].(map[string]any)
		inst, _ := p["installation"].(map[string]any)
		if repo["full_name"] != testRepo || repo["name"] != "rfcs" || owner["login"] != "rust-lang" || inst["id"] != float64(1) {
			t.Errorf("%s: repository/installation = %v %v %v %v", r.event, repo["full_name"], repo["name"], owner["login"], inst)
		}
	}
	for ev := range want.Events {
		if !seen[ev] {
			t.Errorf("scenario sent no %s event", ev)
		}
	}
}
