package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
	"github.com/rs/zerolog"
)

// bigSnapshot is the scale of issue 14's benchmark: 60 goals of 25
// subgoals (5 parents of 4 tasks each), 300 open FCPs (proposals with 8
// reviewers and a concern, and FCPs in progress) linked from them, and 20
// transitions per goal.
func bigSnapshot() *Snapshot {
	now := time.Date(2024, 9, 1, 12, 0, 0, 0, time.UTC)
	s := &Snapshot{Now: now}
	teams := []string{"lang", "libs-api", "compiler", "types", "cargo"}
	all := status.All()
	n := 0
	for g := range 60 {
		id := fmt.Sprintf("2024h2/goal-%02d", g)
		goal := Goal{ID: id, Title: fmt.Sprintf("Goal number %d with a title of ordinary length", g), TrackingIssue: ref.New("rust-lang", "goals", 100+g),
			Doc:      goaldoc.Document{ID: id, Period: "2024h2", PointOfContact: []string{"owner" + fmt.Sprint(g)}, Teams: []string{teams[g%5]}},
			Statuses: map[string]bot.SubgoalStatus{}}
		for p := range 5 {
			parent := goaldoc.Subgoal{ID: fmt.Sprintf("p%d", p), Title: fmt.Sprintf("Parent subgoal %d", p), Owners: []string{"lead"}}
			for c := range 4 {
				sub := goaldoc.Subgoal{ID: fmt.Sprintf("p%d/c%d", p, c), Title: fmt.Sprintf("Task %d of parent %d", c, p), Owners: []string{fmt.Sprintf("dev%d", c)}}
				parent.Children = append(parent.Children, sub)
				st := all[(g+p+c)%len(all)]
				goal.Statuses[sub.ID] = bot.SubgoalStatus{Status: st, Detail: "merge, 5/8 reviewed, 1 concern", Since: now.AddDate(0, 0, -c)}
				if n < 300 && c < 2 {
					r := ref.New("rust-lang", "rfcs", 3000+n)
					goal.Links = append(goal.Links, bot.Link{Goal: id, Subgoal: sub.ID, Item: r, Origin: bot.OriginDocument})
					it := Item{Ref: r, Kind: bot.KindRFC, Title: fmt.Sprintf("RFC %d: a proposal", n), State: bot.StateOpen, IsPull: true,
						Labels: []string{"T-" + teams[n%5]}, UpdatedAt: now}
					f := fcp.State{Phase: fcp.PhaseProposed, Disposition: fcp.Merge, Initiator: "lead",
						StatusURL: fmt.Sprintf("https://github.com/rust-lang/rfcs/pull/%d#issuecomment-%d", 3000+n, 900000+n),
						Concerns:  []fcp.Concern{{Name: "naming", URL: fmt.Sprintf("https://github.com/rust-lang/rfcs/pull/%d#issuecomment-%d", 3000+n, 800000+n), By: "rev1"}}}
					for k := range 8 {
						f.Reviewers = append(f.Reviewers, fcp.Reviewer{Login: fmt.Sprintf("rev%d", k), Ticked: k < 5})
					}
					if n%3 == 0 {
						f.Phase, f.Start, f.End, f.Concerns = fcp.PhaseActive, now.AddDate(0, 0, -(n%10)), now.AddDate(0, 0, 10-(n%10)), nil
					}
					it.FCP = f
					s.Items = append(s.Items, it)
					n++
				}
			}
			goal.Doc.Subgoals = append(goal.Doc.Subgoals, parent)
			goal.Statuses[parent.ID] = bot.SubgoalStatus{Status: "in-progress", Since: now}
		}
		for k := range 20 {
			s.Transitions = append(s.Transitions, bot.Transition{Goal: id, Subgoal: fmt.Sprintf("p%d/c%d", k%5, k%4), Old: "not-started", New: "proposed",
				At: now.Add(time.Duration(g*20+k) * time.Minute), DeliveryID: "d", Item: fmt.Sprintf("rust-lang/rfcs#%d", 3000+k)})
		}
		s.Goals = append(s.Goals, goal)
	}
	return s
}

// benchHandler reads the same big snapshot on every request, so each
// request indexes it and renders the page again (no answer cache).
func benchHandler(b *testing.B, refresh time.Duration) http.Handler {
	snap := bigSnapshot()
	h, err := New(Options{Source: SourceFunc(func(context.Context) (*Snapshot, error) { return snap, nil }), Log: zerolog.Nop(), Refresh: refresh})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

func benchPage(b *testing.B, path string) {
	h := benchHandler(b, -1)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 {
		b.Fatalf("%s: %d", path, w.Code)
	}
	b.SetBytes(int64(w.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	done := cpuPerOp(b)
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
	}
	done()
}

// cpuPerOp reports the process's CPU time (user + system, GC included)
// per operation as cpu-ms/op: on a machine shared with other work, wall
// time per op says more about the neighbours than about the code.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRenderGoals renders / for 60 goals × 25 subgoals, from a fresh
// snapshot each time (index and template). Goal: under 20 ms.
func BenchmarkRenderGoals(b *testing.B) { benchPage(b, "/") }

// BenchmarkRenderFCPs renders /fcps with 300 open FCPs. Goal: under 20 ms.
func BenchmarkRenderFCPs(b *testing.B) { benchPage(b, "/fcps") }

// BenchmarkRenderGoal renders one goal's page (25 subgoals, 5 FCPs).
func BenchmarkRenderGoal(b *testing.B) { benchPage(b, "/goals/2024h2/goal-07") }

// BenchmarkAPIFCPs304 serves /api/v1/fcps from the answer cache to a
// client that has it: a 304 without reading the store or rendering.
func BenchmarkAPIFCPs304(b *testing.B) {
	h := benchHandler(b, time.Hour)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/fcps", nil))
	etag := w.Header().Get("ETag")
	if w.Code != 200 || etag == "" {
		b.Fatalf("%d %q", w.Code, etag)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/fcps", nil)
	req.Header.Set("If-None-Match", etag)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusNotModified {
			b.Fatalf("%d", w.Code)
		}
	}
}

// BenchmarkAPIFCPsCold renders /api/v1/fcps from a fresh snapshot.
func BenchmarkAPIFCPsCold(b *testing.B) { benchPage(b, "/api/v1/fcps") }
