package gh

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
)

func TestGetIssueETag(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.installs["rust-lang/rfcs"] = 1 })
	p := f.addIssue("rust-lang", "rfcs", 3654)
	var inm []string
	f.set(func(f *fake) {
		next := f.route
		f.override["GET "+p] = func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			inm = append(inm, r.Header.Get("If-None-Match"))
			f.mu.Unlock()
			next(w, r, p, "inst:1")
		}
	})
	c := f.app(t)
	r := ref.New("Rust-Lang", "RFCs", 3654)

	iss, notModified, err := c.GetIssue(ctx(t), r, "")
	if err != nil || notModified {
		t.Fatalf("first read: %v, notModified %v", err, notModified)
	}
	want := Issue{Repo: r, Title: "issue 3654", Body: "body of issue 3654", State: "open",
		Labels: []string{"T-lang", "proposed-final-comment-period"}, Author: "nikomatsakis", AuthorType: "User",
		AuthorAssociation: "MEMBER", CreatedAt: time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC),
		UpdatedAt: time.Date(2024, 7, 2, 11, 0, 0, 0, time.UTC), ETag: iss.ETag}
	if !reflect.DeepEqual(iss, want) {
		t.Errorf("issue\n%+v\nwant\n%+v", iss, want)
	}
	if iss.ETag == "" {
		t.Fatal("no ETag kept")
	}

	iss2, notModified, err := c.GetIssue(ctx(t), r, iss.ETag)
	if err != nil || !notModified {
		t.Fatalf("conditional read of an unchanged issue: %v, notModified %v", err, notModified)
	}
	if !reflect.DeepEqual(iss2, Issue{}) {
		t.Errorf("304 returned %+v, want the zero Issue", iss2)
	}

	f.set(func(f *fake) { f.issues[p]["title"] = "renamed" })
	iss3, notModified, err := c.GetIssue(ctx(t), r, iss.ETag)
	if err != nil || notModified {
		t.Fatalf("conditional read of a changed issue: %v, notModified %v", err, notModified)
	}
	if iss3.Title != "renamed" || iss3.ETag == iss.ETag || iss3.ETag == "" {
		t.Errorf("changed issue: title %q etag %q (old %q)", iss3.Title, iss3.ETag, iss.ETag)
	}
	if got := strings.Join(inm, ","); got != ","+iss.ETag+","+iss.ETag {
		t.Errorf("If-None-Match sent %q", got)
	}
}

func TestGetIssueStates(t *testing.T) {
	closedAt := "2024-08-01T00:00:00Z"
	tests := []struct {
		name       string
		edit       func(m map[string]any)
		pull       map[string]any // served at /pulls/N when not nil
		wantState  string
		wantPull   bool
		wantPulls  int // reads of the pulls API
		wantClosed bool
	}{
		{"open issue", func(m map[string]any) {}, nil, "open", false, 0, false},
		{"closed issue", func(m map[string]any) { m["state"], m["closed_at"] = "closed", closedAt }, nil, "closed", false, 0, true},
		{"open pull", func(m map[string]any) { m["pull_request"] = map[string]any{"url": "x"} }, nil, "open", true, 0, false},
		{"merged pull, merged_at in the issue view", func(m map[string]any) {
			m["state"], m["closed_at"] = "closed", closedAt
			m["pull_request"] = map[string]any{"url": "x", "merged_at": closedAt}
		}, nil, "merged", true, 0, true},
		{"merged pull, issue view silent", func(m map[string]any) {
			m["state"], m["closed_at"] = "closed", closedAt
			m["pull_request"] = map[string]any{"url": "x"}
		}, map[string]any{"number": 7, "state": "closed", "merged": true}, "merged", true, 1, true},
		{"closed unmerged pull", func(m map[string]any) {
			m["state"], m["closed_at"] = "closed", closedAt
			m["pull_request"] = map[string]any{"url": "x"}
		}, map[string]any{"number": 7, "state": "closed", "merged": false}, "closed", true, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			p := f.addIssue("o", "r", 7)
			f.set(func(f *fake) {
				tt.edit(f.issues[p])
				if tt.pull != nil {
					f.issues["/repos/o/r/pulls/7"] = tt.pull
				}
			})
			iss, _, err := f.pat(t).GetIssue(ctx(t), refOf("o", "r", 7), "")
			if err != nil {
				t.Fatal(err)
			}
			if iss.State != tt.wantState || iss.IsPull != tt.wantPull || iss.ClosedAt.IsZero() == tt.wantClosed {
				t.Errorf("state %q pull %v closed %v, want %q %v %v", iss.State, iss.IsPull, iss.ClosedAt, tt.wantState, tt.wantPull, tt.wantClosed)
			}
			if got := f.count("GET /repos/o/r/pulls/7"); got != tt.wantPulls {
				t.Errorf("pulls API read %d times, want %d", got, tt.wantPulls)
			}
		})
	}
}

func TestGetIssueErrors(t *testing.T) {
	f := newFake(t)
	c := f.pat(t)
	if _, _, err := c.GetIssue(ctx(t), refOf("o", "r", 404), ""); !IsNotFound(err) || !strings.Contains(err.Error(), "o/r#404") {
		t.Errorf("missing issue: %v, want ErrNotFound naming it", err)
	}
	if _, _, err := c.GetIssue(ctx(t), ref.Ref{}, ""); err == nil {
		t.Error("GetIssue of the zero Ref succeeded")
	}
	if _, err := c.ListComments(ctx(t), ref.Ref{Owner: "o", Repo: "r"}, time.Time{}); err == nil {
		t.Error("ListComments without a number succeeded (it would list the whole repository)")
	}
	if len(f.requests()) != 1 {
		t.Errorf("requests %q, want only the 404", f.requests())
	}
}

func TestListComments(t *testing.T) {
	base := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	f := newFake(t)
	f.set(func(f *fake) { f.installs["o/r"] = 1 })
	var all []map[string]any
	for i := range 250 {
		at := base.Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
		all = append(all, map[string]any{
			"id": 1000 + i, "body": fmt.Sprintf("comment %d", i), "html_url": fmt.Sprintf("https://github.com/o/r/issues/1#issuecomment-%d", 1000+i),
			"user":       map[string]any{"login": fmt.Sprintf("user%d", i%3), "type": []string{"User", "Bot"}[i%2]},
			"created_at": at, "updated_at": at, "author_association": "CONTRIBUTOR",
		})
	}
	f.set(func(f *fake) { f.comments["/repos/o/r/issues/1/comments"] = all })
	c := f.app(t)

	got, err := c.ListComments(ctx(t), refOf("o", "r", 1), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 {
		t.Fatalf("%d comments, want 250", len(got))
	}
	for i, cm := range got {
		if cm.ID != int64(1000+i) {
			t.Fatalf("comment %d has id %d: pages out of order or repeated", i, cm.ID)
		}
	}
	want := Comment{ID: 1001, Author: "user1", AuthorType: "Bot", AuthorAssociation: "CONTRIBUTOR",
		Body: "comment 1", URL: "https://github.com/o/r/issues/1#issuecomment-1001",
		CreatedAt: base.Add(time.Hour), UpdatedAt: base.Add(time.Hour)}
	if !reflect.DeepEqual(got[1], want) {
		t.Errorf("comment\n%+v\nwant\n%+v", got[1], want)
	}
	if n := f.count("GET /repos/o/r/issues/1/comments"); n != 3 {
		t.Errorf("%d page requests, want 3 of 100", n)
	}

	since, err := c.ListComments(ctx(t), refOf("o", "r", 1), base.Add(240*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(since) != 10 || since[0].ID != 1240 {
		t.Errorf("since: %d comments starting %v, want 10 from 1240", len(since), since)
	}

	none, err := c.ListComments(ctx(t), refOf("o", "r", 1), base.Add(1000*time.Hour))
	if err != nil || len(none) != 0 {
		t.Errorf("since after the last: %v, %v", none, err)
	}
}

func TestListCommentsErrorOnLaterPage(t *testing.T) {
	f := newFake(t)
	var all []map[string]any
	for i := range 150 {
		all = append(all, map[string]any{"id": i + 1, "updated_at": "2024-07-01T00:00:00Z"})
	}
	f.set(func(f *fake) { f.comments["/repos/o/r/issues/2/comments"] = all })
	calls := 0
	f.set(func(f *fake) {
		f.override["GET /repos/o/r/issues/2/comments"] = func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if calls++; calls == 2 {
				writeJSON(w, 502, map[string]string{"message": "Server Error"})
				return
			}
			f.listComments(w, r, all)
		}
	})
	got, err := f.pat(t).ListComments(ctx(t), refOf("o", "r", 2), time.Time{})
	if err == nil || got != nil {
		t.Fatalf("a failed second page returned %d comments, %v; want no partial list", len(got), err)
	}
	if !strings.Contains(err.Error(), "page 2") {
		t.Errorf("error %q does not name the page", err)
	}
}

func TestListUpdatedSince(t *testing.T) {
	base := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	f := newFake(t)
	f.set(func(f *fake) { f.installs["o/r"] = 1 })
	var issues []map[string]any // most recently updated first
	for i := 150; i >= 1; i-- {
		m := issueJSON("o", "r", i, fmt.Sprintf("issue %d", i))
		m["updated_at"] = base.Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
		if i%2 == 0 {
			m["pull_request"] = map[string]any{"url": "x"}
		}
		issues = append(issues, m)
	}
	var queries []string
	f.set(func(f *fake) {
		f.override["GET /repos/o/r/issues"] = func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			defer f.mu.Unlock()
			q := r.URL.Query()
			queries = append(queries, q.Get("state")+" "+q.Get("sort")+" "+q.Get("direction")+" "+q.Get("since")+" "+q.Get("page"))
			since, _ := time.Parse(time.RFC3339, q.Get("since"))
			var list []map[string]any
			for _, m := range issues {
				if u, _ := time.Parse(time.RFC3339, m["updated_at"].(string)); !u.Before(since) {
					list = append(list, m)
				}
			}
			etag := fmt.Sprintf(`"%d-%s"`, len(list), list[0]["title"])
			if q.Get("page") == "1" {
				w.Header().Set("ETag", etag)
				if r.Header.Get("If-None-Match") == etag {
					w.WriteHeader(http.StatusNotModified)
					return
				}
			}
			f.listComments(w, r, list) // pages any list the same way
		}
	})
	c := f.app(t)

	got, etag, notModified, err := c.ListUpdatedSince(ctx(t), "O", "R", time.Time{}, "")
	if err != nil || notModified {
		t.Fatalf("full listing: %v, notModified %v", err, notModified)
	}
	if len(got) != 150 || got[0].Repo != refOf("o", "r", 150) || got[149].Repo != refOf("o", "r", 1) {
		t.Fatalf("listing: %d items, first %v last %v", len(got), got[0].Repo, got[len(got)-1].Repo)
	}
	if !got[0].IsPull || got[1].IsPull || got[0].Title != "issue 150" {
		t.Errorf("conversion: %+v", got[0])
	}
	if etag == "" {
		t.Error("no ETag")
	}

	since := base.Add(101 * time.Hour)
	got, etag, _, err = c.ListUpdatedSince(ctx(t), "o", "r", since, "")
	if err != nil || len(got) != 50 {
		t.Fatalf("since: %d items, %v; want 50", len(got), err)
	}
	total0, _ := c.Requests()
	got, etag2, notModified, err := c.ListUpdatedSince(ctx(t), "o", "r", since, etag)
	if err != nil || !notModified || got != nil || etag2 != etag {
		t.Fatalf("unchanged listing: %d items, etag %q (sent %q), notModified %v, %v", len(got), etag2, etag, notModified, err)
	}
	if total1, cached := c.Requests(); total1 != total0+1 || cached != 1 {
		t.Errorf("Requests: %d requests for the 304 (want 1), %d answered 304 (want 1)", total1-total0, cached)
	}

	f.set(func(f *fake) { issues[0]["title"] = "moved" })
	got, etag3, notModified, err := c.ListUpdatedSince(ctx(t), "o", "r", since, etag)
	if err != nil || notModified || len(got) != 50 || etag3 == etag {
		t.Errorf("changed listing: %d items, etag %q, notModified %v, %v", len(got), etag3, notModified, err)
	}

	sinceQ := since.Format(time.RFC3339)
	want := []string{"all updated desc  1", "all updated desc  2", "all updated desc " + sinceQ + " 1",
		"all updated desc " + sinceQ + " 1", "all updated desc " + sinceQ + " 1"}
	if strings.Join(queries, "\n") != strings.Join(want, "\n") {
		t.Errorf("queries\n%s\nwant\n%s", strings.Join(queries, "\n"), strings.Join(want, "\n"))
	}
}
