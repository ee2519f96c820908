package goalsource

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/config"
)

// fakeContents is a repository folder in memory.
type fakeContents struct {
	files map[string]string // path → content
	reads []string
}

func (f *fakeContents) ListFiles(_ context.Context, repo, revision, dir string) ([]string, error) {
	var out []string
	for p := range f.files {
		if filepath.Dir(p) == dir {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakeContents) ReadFile(_ context.Context, repo, revision, p string) ([]byte, string, error) {
	f.reads = append(f.reads, p)
	s, ok := f.files[p]
	if !ok {
		return nil, "", bot.Errorf(bot.ENOTFOUND, "no %s", p)
	}
	return []byte(s), "sha-" + p, nil
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "2024h2"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"2024h2/a.md": "# A", "notes.txt": "x", "b.md": "# B"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, files, err := Read(context.Background(), nil, config.GoalSource{Dir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("files = %+v, want the two markdown files", files)
	}
	for _, f := range files {
		if !strings.HasPrefix(f.Revision, "sha256:") || len(f.Revision) != len("sha256:")+12 {
			t.Errorf("%s: revision %q, want a content hash", f.Name, f.Revision)
		}
	}
	if _, _, err := Read(context.Background(), nil, config.GoalSource{Dir: filepath.Join(dir, "missing")}, nil); err == nil {
		t.Error("a missing folder read without error")
	}
}

func TestReadRepo(t *testing.T) {
	gh := &fakeContents{files: map[string]string{"src/a.md": "# A", "src/b.md": "# B", "src/README.txt": "x", "other/c.md": "# C"}}
	src := config.GoalSource{Repo: "rust-lang/rust-project-goals", Ref: "main", Path: "src"}
	_, files, err := Read(context.Background(), gh, src, map[string]bool{"src/b.md": true})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Name != "src/b.md" || files[0].Revision != "sha-src/b.md" || string(files[0].Src) != "# B" {
		t.Fatalf("files = %+v, want only src/b.md", files)
	}
	if len(gh.reads) != 1 {
		t.Errorf("read %v, want only the file asked for", gh.reads)
	}
	src.BookTOML = "book.toml" // missing: the gateway's not-found passes through, wrapped
	_, _, err = Read(context.Background(), gh, src, nil)
	if bot.ErrorCode(err) != bot.ENOTFOUND || !strings.Contains(err.Error(), "book.toml") {
		t.Errorf("missing book.toml: %v, want a not_found error naming it", err)
	}
}

func TestDescribe(t *testing.T) {
	if got := Describe(config.GoalSource{Dir: "goals"}); got != "dir goals" {
		t.Errorf("dir source = %q", got)
	}
	if got := Describe(config.GoalSource{Repo: "o/r", Ref: "main", Path: "src"}); got != "o/r@main:src" {
		t.Errorf("repo source = %q", got)
	}
}
