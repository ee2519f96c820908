package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// contractCase is a request that exercises one operation against the seeded sandbox.
type contractCase struct {
	method, path, body string
	app                bool // authenticate with the App JWT instead of the installation token
}

// TestOpenAPIContract checks that every route the sandbox serves exists in GitHub's OpenAPI
// description with that method, answers one of its documented success statuses, and carries
// the required properties of the success schema.
func TestOpenAPIContract(t *testing.T) {
	spec := loadContract(t)
	e := newEnv(t)
	s := e.s
	s.SeedIssue(Issue{Repo: testRepo, Number: 1, Title: "issue", Labels: []string{"A-async", "T-lang"}})
	s.SeedIssue(Issue{Repo: testRepo, Number: 2, Title: "pull", IsPull: true, State: "closed", Merged: true})
	cm, _ := s.SeedComment(Comment{Repo: testRepo, Number: 1, Author: "rfcbot", Body: "status"})
	s.PutFile(testRepo, "", "goals/async.md", []byte("# Async"))
	_, d := s.OpenIssue("tmandry", testRepo, "opened", "") // #3, and a delivery to list
	s.SetPermission(testRepo, "tmandry", "write")

	cases := map[string]contractCase{
		"apps/create-installation-access-token":   {method: "POST", path: "app/installations/1/access_tokens", app: true},
		"apps/get-authenticated":                  {method: "GET", path: "app", app: true},
		"apps/list-webhook-deliveries":            {method: "GET", path: "app/hook/deliveries", app: true},
		"apps/get-webhook-delivery":               {method: "GET", path: fmt.Sprintf("app/hook/deliveries/%d", d.ID), app: true},
		"apps/redeliver-webhook-delivery":         {method: "POST", path: fmt.Sprintf("app/hook/deliveries/%d/attempts", d.ID), app: true},
		"apps/get-repo-installation":              {method: "GET", path: "repos/rust-lang/rfcs/installation", app: true},
		"rate-limit/get":                          {method: "GET", path: "rate_limit"},
		"issues/list-for-repo":                    {method: "GET", path: "repos/rust-lang/rfcs/issues?state=all"},
		"issues/create":                           {method: "POST", path: "repos/rust-lang/rfcs/issues", body: `{"title":"new","labels":["x"]}`},
		"issues/get":                              {method: "GET", path: "repos/rust-lang/rfcs/issues/2"},
		"issues/update":                           {method: "PATCH", path: "repos/rust-lang/rfcs/issues/1", body: `{"state":"closed"}`},
		"issues/list-labels-on-issue":             {method: "GET", path: "repos/rust-lang/rfcs/issues/1/labels"},
		"issues/add-labels":                       {method: "POST", path: "repos/rust-lang/rfcs/issues/3/labels", body: `{"labels":["B"]}`},
		"issues/set-labels":                       {method: "PUT", path: "repos/rust-lang/rfcs/issues/3/labels", body: `["C","D"]`},
		"issues/remove-label":                     {method: "DELETE", path: "repos/rust-lang/rfcs/issues/3/labels/C"},
		"issues/remove-all-labels":                {method: "DELETE", path: "repos/rust-lang/rfcs/issues/3/labels"},
		"issues/list-comments":                    {method: "GET", path: "repos/rust-lang/rfcs/issues/1/comments"},
		"issues/list-events-for-timeline":         {method: "GET", path: "repos/rust-lang/rfcs/issues/1/timeline"},
		"issues/create-comment":                   {method: "POST", path: "repos/rust-lang/rfcs/issues/2/comments", body: `{"body":"hi"}`},
		"reactions/create-for-issue":              {method: "POST", path: "repos/rust-lang/rfcs/issues/1/reactions", body: `{"content":"heart"}`},
		"issues/list-comments-for-repo":           {method: "GET", path: "repos/rust-lang/rfcs/issues/comments"},
		"issues/get-comment":                      {method: "GET", path: fmt.Sprintf("repos/rust-lang/rfcs/issues/comments/%d", cm.ID)},
		"issues/update-comment":                   {method: "PATCH", path: fmt.Sprintf("repos/rust-lang/rfcs/issues/comments/%d", cm.ID), body: `{"body":"v2"}`},
		"reactions/create-for-issue-comment":      {method: "POST", path: fmt.Sprintf("repos/rust-lang/rfcs/issues/comments/%d/reactions", cm.ID), body: `{"content":"+1"}`},
		"reactions/list-for-issue-comment":        {method: "GET", path: fmt.Sprintf("repos/rust-lang/rfcs/issues/comments/%d/reactions", cm.ID)},
		"issues/delete-comment":                   {method: "DELETE", path: fmt.Sprintf("repos/rust-lang/rfcs/issues/comments/%d", cm.ID)},
		"pulls/get":                               {method: "GET", path: "repos/rust-lang/rfcs/pulls/2"},
		"repos/get-collaborator-permission-level": {method: "GET", path: "repos/rust-lang/rfcs/collaborators/tmandry/permission"},
		"repos/get-content":                       {method: "GET", path: "repos/rust-lang/rfcs/contents/goals/async.md?ref=main"},
		"users/get-authenticated":                 {}, // token mode only; checked below with a user token
	}
	// Order matters: listings run after the writes that fill them, deletions run last.
	order := []string{}
	for _, rt := range s.routeTable() {
		order = append(order, rt.OperationID)
	}
	for _, id := range []string{"reactions/list-for-issue-comment", "issues/remove-all-labels", "issues/delete-comment"} {
		order = moveLast(order, id)
	}

	appToken := appJWT(t, e)
	instToken := installationToken(t, e)
	routes := map[string]route{}
	for _, rt := range s.routeTable() {
		routes[rt.OperationID] = rt
		op, ok := spec[rt.Method+" "+rt.Path]
		if !ok {
			t.Errorf("%s %s is not in the OpenAPI slice (regenerate it, or the route is not GitHub's)", rt.Method, rt.Path)
			continue
		}
		if op.OperationID != rt.OperationID {
			t.Errorf("%s %s is %s in the spec, route says %s", rt.Method, rt.Path, op.OperationID, rt.OperationID)
		}
		if _, ok := cases[rt.OperationID]; !ok {
			t.Errorf("no contract case for %s", rt.OperationID)
		}
	}
	if len(spec) != len(routes) {
		t.Errorf("slice has %d operations, sandbox serves %d: keep the slice to what is served", len(spec), len(routes))
	}

	for _, id := range order {
		rt := routes[id]
		tc := cases[id]
		if tc.method == "" {
			continue
		}
		if tc.method != rt.Method || !strings.HasPrefix(tc.path, strings.Split(strings.TrimPrefix(rt.Path, "/"), "{")[0]) {
			t.Errorf("%s: case %s %s does not look like route %s %s", id, tc.method, tc.path, rt.Method, rt.Path)
		}
		tok := instToken
		if tc.app {
			tok = appToken
		}
		status, body := rawCall(t, e.s, tc.method, tc.path, tok, tc.body)
		checkContract(t, spec[rt.Method+" "+rt.Path], status, body)
	}

	user := New(Options{Token: "ghp_u", TokenLogin: "alice"})
	defer user.Close()
	status, body := rawCall(t, user, "GET", "user", "ghp_u", "")
	checkContract(t, spec["GET /user"], status, body)
}

func moveLast(list []string, id string) []string {
	var out []string
	for _, x := range list {
		if x != id {
			out = append(out, x)
		}
	}
	return append(out, id)
}

// checkContract compares one response with the operation's slice of the spec.
func checkContract(t *testing.T, op contractOp, status int, body []byte) {
	t.Helper()
	okStatus := false
	for _, s := range op.Success {
		okStatus = okStatus || s == status
	}
	if !okStatus {
		t.Errorf("%s: status %d, spec documents %v (body %s)", op.OperationID, status, op.Success, body)
		return
	}
	if len(op.Required) == 0 {
		return
	}
	var objs []map[string]any
	if op.Array {
		if err := json.Unmarshal(body, &objs); err != nil || len(objs) == 0 {
			t.Errorf("%s: want a non-empty array: %v %s", op.OperationID, err, body)
			return
		}
	} else {
		var obj map[string]any
		if err := json.Unmarshal(body, &obj); err != nil {
			t.Errorf("%s: want an object: %v", op.OperationID, err)
			return
		}
		objs = []map[string]any{obj}
	}
	for i, obj := range objs {
		if m := missingRequired(obj, op.Required); len(m) > 0 {
			t.Errorf("%s [%d]: missing required %v", op.OperationID, i, m)
		}
	}
}

// rawCall makes one request with a bearer credential and returns the status and body.
func rawCall(t *testing.T, s *Server, method, path, tok, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

// appJWT captures the JWT ghinstallation signs, by asking a recording transport.
func appJWT(t *testing.T, e *env) string {
	t.Helper()
	var tok string
	rec := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		tok = credential(r)
		return http.DefaultTransport.RoundTrip(r)
	})
	c := e.client(t, wrapApps(t, e, rec))
	if _, _, err := c.Apps.Get(ctx(t), ""); err != nil {
		t.Fatal(err)
	}
	return tok
}

// installationToken mints an installation token with the App client.
func installationToken(t *testing.T, e *env) string {
	t.Helper()
	tok, _, err := e.app.Apps.CreateInstallationToken(ctx(t), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tok.GetToken()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
