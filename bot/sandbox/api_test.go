package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

func TestInstallationTokenFlow(t *testing.T) {
	e := newEnv(t)
	is := e.s.SeedIssue(Issue{Repo: testRepo, Number: 3654, Title: "Return type notation", IsPull: true})
	for range 2 {
		got, _, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 3654)
		if err != nil {
			t.Fatal(err)
		}
		if got.GetTitle() != is.Title || !got.IsPullRequest() || got.GetNumber() != 3654 {
			t.Errorf("got %+v", got)
		}
	}
	st := e.s.Stats()
	if n := st.ByRoute["POST /app/installations/{installation_id}/access_tokens"]; n != 1 {
		t.Errorf("token requests = %d, want 1 (ghinstallation caches the token)", n)
	}

	// A JWT signed by another key is refused, so ghinstallation cannot mint a token.
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	badPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)})
	_, _, err = e.installationClient(t, badPEM, 1).Issues.Get(ctx(t), "rust-lang", "rfcs", 3654)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("bad JWT: err = %v, want a 401", err)
	}
	if _, _, err := e.appClient(t, badPEM).Apps.Get(ctx(t), ""); statusOf(err) != http.StatusUnauthorized {
		t.Errorf("GET /app with bad JWT: %v, want 401", err)
	}
	app, _, err := e.app.Apps.Get(ctx(t), "")
	if err != nil || app.GetSlug() != "goalbot" || app.GetID() != testAppID {
		t.Errorf("GET /app = %+v, %v", app, err)
	}

	// Without a token, or with a made-up one, the API answers 401.
	for _, auth := range []string{"", "token ghs_madeup", "Bearer " + strings.Repeat("x", 20)} {
		req, _ := http.NewRequest("GET", e.s.URL()+"repos/rust-lang/rfcs/issues/3654", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("auth %q: status %d, want 401", auth, resp.StatusCode)
		}
	}

	// An installation token sees only its installation's repositories.
	e.s.AddRepo("other/repo", 7)
	e.s.SeedIssue(Issue{Repo: "other/repo", Number: 1, Title: "x"})
	if _, _, err := e.gh.Issues.Get(ctx(t), "other", "repo", 1); statusOf(err) != http.StatusNotFound {
		t.Errorf("cross-installation read: %v, want 404", err)
	}
	if _, _, err := e.installationClient(t, e.pem, 7).Issues.Get(ctx(t), "other", "repo", 1); err != nil {
		t.Errorf("own installation read: %v", err)
	}
	inst, _, err := e.app.Apps.FindRepositoryInstallation(ctx(t), "other", "repo")
	if err != nil || inst.GetID() != 7 {
		t.Errorf("repo installation = %v, %v; want 7", inst.GetID(), err)
	}
}

func TestTokenMode(t *testing.T) {
	s := New(Options{Token: "ghp_plain", TokenLogin: "alice"})
	t.Cleanup(s.Close)
	c, err := github.NewClient(nil).WithAuthToken("ghp_plain").WithEnterpriseURLs(s.URL(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := c.Users.Get(ctx(t), "")
	if err != nil || u.GetLogin() != "alice" {
		t.Fatalf("GET /user = %v, %v", u.GetLogin(), err)
	}
	s.AddRepo("alice/goals", 1)
	cm, _, err := c.Issues.Create(ctx(t), "alice", "goals", &github.IssueRequest{Title: github.String("hi")})
	if err != nil || cm.GetUser().GetLogin() != "alice" || cm.GetAuthorAssociation() != "OWNER" {
		t.Fatalf("create as token user = %v %v, %v", cm.GetUser().GetLogin(), cm.GetAuthorAssociation(), err)
	}
	bad, err := github.NewClient(nil).WithAuthToken("wrong").WithEnterpriseURLs(s.URL(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := bad.Users.Get(ctx(t), ""); statusOf(err) != http.StatusUnauthorized {
		t.Errorf("wrong token: %v, want 401", err)
	}
}

func TestIssueCRUDAndLabels(t *testing.T) {
	e := newEnv(t)
	c := e.gh
	is, resp, err := c.Issues.Create(ctx(t), "rust-lang", "rfcs", &github.IssueRequest{
		Title: github.String("Goal status digest: 2024-W36"), Body: github.String("b"),
		Labels: &[]string{"digest"},
	})
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %v", err)
	}
	if is.GetNumber() != 1 || is.GetUser().GetLogin() != "goalbot[bot]" || is.GetUser().GetType() != "Bot" {
		t.Errorf("created %d by %s (%s)", is.GetNumber(), is.GetUser().GetLogin(), is.GetUser().GetType())
	}
	n := is.GetNumber()
	_, _, err = c.Issues.Edit(ctx(t), "rust-lang", "rfcs", n, &github.IssueRequest{
		Title: github.String("renamed"), State: github.String("closed"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := c.Issues.Get(ctx(t), "rust-lang", "rfcs", n)
	if err != nil || got.GetTitle() != "renamed" || got.GetState() != "closed" || got.ClosedAt == nil {
		t.Fatalf("after edit: %+v %v", got, err)
	}
	if _, _, err := c.Issues.AddLabelsToIssue(ctx(t), "rust-lang", "rfcs", n, []string{"a", "b", "digest"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Issues.RemoveLabelForIssue(ctx(t), "rust-lang", "rfcs", n, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Issues.RemoveLabelForIssue(ctx(t), "rust-lang", "rfcs", n, "nope"); statusOf(err) != http.StatusNotFound {
		t.Errorf("remove missing label: %v, want 404", err)
	}
	labels, _, err := c.Issues.ReplaceLabelsForIssue(ctx(t), "rust-lang", "rfcs", n, []string{"b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range labels {
		names = append(names, l.GetName())
	}
	if want := []string{"b", "c"}; !reflect.DeepEqual(names, want) {
		t.Errorf("labels = %v, want %v", names, want)
	}
	if st, _ := e.s.Issue(testRepo, n); !reflect.DeepEqual(st.Labels, []string{"b", "c"}) {
		t.Errorf("stored labels = %v", st.Labels)
	}

	// Every write sent its webhook, in order, as the bot.
	e.waitIdle(t)
	var seq []string
	for _, r := range e.hooks.all() {
		ev := parse(t, r).(*github.IssuesEvent)
		if ev.GetSender().GetLogin() != "goalbot[bot]" || ev.GetInstallation().GetID() != 1 {
			t.Errorf("sender %s installation %d", ev.GetSender().GetLogin(), ev.GetInstallation().GetID())
		}
		a := ev.GetAction()
		if ev.Label != nil {
			a += ":" + ev.GetLabel().GetName()
		}
		seq = append(seq, a)
	}
	want := []string{"opened", "labeled:digest", "edited", "closed", "labeled:a", "labeled:b",
		"unlabeled:a", "unlabeled:digest", "labeled:c"}
	if !reflect.DeepEqual(seq, want) {
		t.Errorf("webhooks = %v\nwant       %v", seq, want)
	}
}

func TestListIssuesPagingAndFilters(t *testing.T) {
	e := newEnv(t)
	base := time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 7; i++ {
		is := Issue{Repo: testRepo, Title: "t", CreatedAt: base.Add(time.Duration(i) * time.Hour)}
		if i%2 == 0 {
			is.Labels = []string{"major-change"}
		}
		if i == 7 {
			is.State = "closed"
		}
		e.s.SeedIssue(is)
	}
	var all []int
	opt := &github.IssueListByRepoOptions{State: "all", ListOptions: github.ListOptions{PerPage: 3}}
	pages := 0
	for {
		list, resp, err := e.gh.Issues.ListByRepo(ctx(t), "rust-lang", "rfcs", opt)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if pages == 1 && resp.LastPage != 3 {
			t.Errorf("LastPage = %d, want 3", resp.LastPage)
		}
		for _, is := range list {
			all = append(all, is.GetNumber())
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	if want := []int{7, 6, 5, 4, 3, 2, 1}; !reflect.DeepEqual(all, want) {
		t.Errorf("numbers = %v, want %v (newest first)", all, want)
	}
	open, _, err := e.gh.Issues.ListByRepo(ctx(t), "rust-lang", "rfcs", &github.IssueListByRepoOptions{
		Labels: []string{"major-change"}, Since: base.Add(3 * time.Hour), Direction: "asc",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, is := range open {
		got = append(got, is.GetNumber())
	}
	if want := []int{4, 6}; !reflect.DeepEqual(got, want) {
		t.Errorf("filtered = %v, want %v", got, want)
	}
}

func TestCommentsAndReactions(t *testing.T) {
	e := newEnv(t)
	e.s.SeedIssue(Issue{Repo: testRepo, Number: 3657, Title: "async vision", IsPull: true})
	c := e.gh
	cm, _, err := c.Issues.CreateComment(ctx(t), "rust-lang", "rfcs", 3657, &github.IssueComment{Body: github.String("status")})
	if err != nil {
		t.Fatal(err)
	}
	if cm.GetID() <= 1<<31 {
		t.Errorf("comment id %d is not above 2^31", cm.GetID())
	}
	if _, _, err := c.Issues.EditComment(ctx(t), "rust-lang", "rfcs", cm.GetID(), &github.IssueComment{Body: github.String("status v2")}); err != nil {
		t.Fatal(err)
	}
	got, _, err := c.Issues.GetComment(ctx(t), "rust-lang", "rfcs", cm.GetID())
	if err != nil || got.GetBody() != "status v2" {
		t.Fatalf("get comment: %q %v", got.GetBody(), err)
	}
	for i, wantStatus := range []int{http.StatusCreated, http.StatusOK} {
		_, resp, err := c.Reactions.CreateIssueCommentReaction(ctx(t), "rust-lang", "rfcs", cm.GetID(), "+1")
		if err != nil || resp.StatusCode != wantStatus {
			t.Errorf("reaction %d: %v status %d, want %d", i, err, resp.StatusCode, wantStatus)
		}
	}
	if _, _, err := c.Reactions.CreateIssueCommentReaction(ctx(t), "rust-lang", "rfcs", cm.GetID(), "thumbsup"); statusOf(err) != http.StatusUnprocessableEntity {
		t.Errorf("bad reaction: %v, want 422", err)
	}
	if rs := e.s.Reactions(cm.GetID()); len(rs) != 1 || rs[0].Content != "+1" || rs[0].User != "goalbot[bot]" {
		t.Errorf("reactions = %+v", rs)
	}
	if _, _, err := c.Reactions.CreateIssueReaction(ctx(t), "rust-lang", "rfcs", 3657, "rocket"); err != nil {
		t.Fatal(err)
	}
	if rs := e.s.IssueReactions(testRepo, 3657); len(rs) != 1 || rs[0].Content != "rocket" {
		t.Errorf("issue reactions = %+v", rs)
	}

	// since filters on updated_at; paging walks the rest.
	cut := time.Now().Add(time.Hour)
	for i := range 4 {
		e.s.SeedComment(Comment{Repo: testRepo, Number: 3657, Author: "rfcbot", Body: itoa(i), CreatedAt: cut.Add(time.Duration(i) * time.Minute)})
	}
	list, resp, err := c.Issues.ListComments(ctx(t), "rust-lang", "rfcs", 3657, &github.IssueListCommentsOptions{
		Since: &cut, ListOptions: github.ListOptions{PerPage: 3},
	})
	if err != nil || len(list) != 3 || resp.NextPage != 2 || list[0].GetBody() != "0" {
		t.Fatalf("since page 1: %d comments, next %d, %v", len(list), resp.NextPage, err)
	}
	if _, err := c.Issues.DeleteComment(ctx(t), "rust-lang", "rfcs", cm.GetID()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Issues.GetComment(ctx(t), "rust-lang", "rfcs", cm.GetID()); statusOf(err) != http.StatusNotFound {
		t.Errorf("deleted comment: %v, want 404", err)
	}
	if n := len(e.s.Comments(testRepo, 3657)); n != 4 {
		t.Errorf("%d comments left, want 4", n)
	}
	repoWide, _, err := c.Issues.ListComments(ctx(t), "rust-lang", "rfcs", 0, &github.IssueListCommentsOptions{Since: &cut})
	if err != nil || len(repoWide) != 4 {
		t.Errorf("repository comments since: %d, %v", len(repoWide), err)
	}

	// The bot's own comment writes come back as issue_comment webhooks on a PR.
	e.waitIdle(t)
	var actions []string
	for _, r := range e.hooks.all() {
		ev := parse(t, r).(*github.IssueCommentEvent)
		if !ev.GetIssue().IsPullRequest() || ev.GetComment().GetUser().GetLogin() != "goalbot[bot]" {
			t.Errorf("payload issue.pull_request / author wrong: %s", r.body[:80])
		}
		actions = append(actions, ev.GetAction())
		if ev.GetAction() == "edited" && ev.GetChanges().GetBody().GetFrom() != "status" {
			t.Errorf("changes.body.from = %q", ev.GetChanges().GetBody().GetFrom())
		}
	}
	if want := []string{"created", "edited", "deleted"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("comment webhooks = %v, want %v", actions, want)
	}
}

func TestReposEndpoints(t *testing.T) {
	e := newEnv(t)
	e.s.SetPermission(testRepo, "nikomatsakis", "maintain")
	e.s.AddUser("stranger", "")
	for login, want := range map[string]string{"nikomatsakis": "write", "stranger": "read", "rust-lang": "admin"} {
		p, _, err := e.gh.Repositories.GetPermissionLevel(ctx(t), "rust-lang", "rfcs", login)
		if err != nil || p.GetPermission() != want {
			t.Errorf("%s: permission %q, %v; want %q", login, p.GetPermission(), err, want)
		}
	}
	if _, _, err := e.gh.Repositories.GetPermissionLevel(ctx(t), "rust-lang", "rfcs", "ghost"); statusOf(err) != http.StatusNotFound {
		t.Errorf("unknown user: %v, want 404", err)
	}
	doc := strings.Repeat("| Metadata | |\n", 20)
	sha1 := e.s.PutFile(testRepo, "", "src/2024h2/async.md", []byte(doc))
	e.s.PutFile(testRepo, "", "src/2024h2/async.md", []byte("changed"))
	f, dir, _, err := e.gh.Repositories.GetContents(ctx(t), "rust-lang", "rfcs", "src/2024h2/async.md", &github.RepositoryContentGetOptions{Ref: sha1})
	if err != nil || dir != nil {
		t.Fatal(err)
	}
	if text, _ := f.GetContent(); text != doc {
		t.Errorf("content at first commit = %q", text)
	}
	f, _, _, err = e.gh.Repositories.GetContents(ctx(t), "rust-lang", "rfcs", "src/2024h2/async.md", nil)
	if text, _ := f.GetContent(); err != nil || text != "changed" {
		t.Errorf("content at main = %q, %v", text, err)
	}
	_, dir, _, err = e.gh.Repositories.GetContents(ctx(t), "rust-lang", "rfcs", "src", nil)
	if err != nil || len(dir) != 1 || dir[0].GetType() != "dir" || dir[0].GetName() != "2024h2" {
		t.Errorf("directory listing = %v, %v", dir, err)
	}
	if _, _, _, err := e.gh.Repositories.GetContents(ctx(t), "rust-lang", "rfcs", "missing.md", nil); statusOf(err) != http.StatusNotFound {
		t.Errorf("missing file: %v", err)
	}
	rl, _, err := e.gh.RateLimit.Get(ctx(t))
	if err != nil || rl.GetCore().Limit != 5000 {
		t.Errorf("rate limit: %+v %v", rl, err)
	}
}

func TestUnknownRouteIs404JSON(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"nope", "repos/rust-lang/rfcs/git/refs", "repos/rust-lang/rfcs/issues/1/events"} {
		resp, err := http.Get(e.s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Message string }
		json.NewDecoder(resp.Body).Decode(&body) //nolint:errcheck // checked below
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || body.Message != "Not Found" {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body.Message)
		}
	}
}

func TestETagPerToken(t *testing.T) {
	e := newEnv(t)
	e.s.SeedIssue(Issue{Repo: testRepo, Number: 5, Title: "t"})
	get := func(c *github.Client, etag string) *github.Response {
		req, err := c.NewRequest("GET", "repos/rust-lang/rfcs/issues/5", nil)
		if err != nil {
			t.Fatal(err)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, _ := c.Do(ctx(t), req, io.Discard)
		return resp
	}
	first := get(e.gh, "")
	etag := first.Header.Get("ETag")
	if first.StatusCode != 200 || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("first: %d etag %q", first.StatusCode, etag)
	}
	e.s.ResetStats()
	if r := get(e.gh, etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("same token: %d, want 304", r.StatusCode)
	}
	if r := get(e.gh, "W/"+etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("weak form: %d, want 304", r.StatusCode)
	}
	st := e.s.Stats()
	if st.NotModified != 2 || st.Charged != 0 || st.Reads != 2 {
		t.Errorf("stats after 304s = %+v", st)
	}
	// A new installation token (rotation) gets a different ETag, so the old one misses.
	rotated := e.installationClient(t, e.pem, 1)
	r := get(rotated, etag)
	if r.StatusCode != 200 || r.Header.Get("ETag") == etag {
		t.Errorf("new token: %d etag %q", r.StatusCode, r.Header.Get("ETag"))
	}
	// A change to the issue changes the ETag for the same token.
	e.s.AddLabel("nikomatsakis", testRepo, 5, "T-lang")
	if r := get(e.gh, etag); r.StatusCode != 200 {
		t.Errorf("after change: %d, want 200", r.StatusCode)
	}
}

func TestStatsAndRateHeaders(t *testing.T) {
	e := newEnv(t)
	e.s.SeedIssue(Issue{Repo: testRepo, Number: 1, Title: "t"})
	e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1) //nolint:errcheck // warms the token
	e.s.ResetStats()
	_, resp, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rate.Limit != 5000 || resp.Rate.Remaining != 5000-2 || resp.Header.Get("X-RateLimit-Resource") != "core" {
		t.Errorf("rate = %+v (after 2 charged calls)", resp.Rate)
	}
	e.gh.Issues.CreateComment(ctx(t), "rust-lang", "rfcs", 1, &github.IssueComment{Body: github.String("x")}) //nolint:errcheck
	e.gh.RateLimit.Get(ctx(t))                                                                                //nolint:errcheck
	e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 404)                                                         //nolint:errcheck
	st := e.s.Stats()
	want := Stats{Reads: 3, Writes: 1, Charged: 3, ByRoute: map[string]int{
		"GET /repos/{owner}/{repo}/issues/{issue_number}":           2,
		"POST /repos/{owner}/{repo}/issues/{issue_number}/comments": 1,
		"GET /rate_limit": 1,
	}}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("stats = %+v\nwant    %+v", st, want)
	}
	e.s.ResetStats()
	if st := e.s.Stats(); st.Reads != 0 || len(st.ByRoute) != 0 {
		t.Errorf("after reset: %+v", st)
	}
}
