// Package goalsource reads goal documents from where goalbot's
// configuration says they are — a folder on disk, or a folder of a
// repository read through the GitHub gateway — beside goaldoc, which
// parses them. It knows nothing of the store or of jobs.
package goalsource

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/config"
)

// File is one goal document read from a source.
type File struct {
	Name     string // path shown in messages and used for the period
	Src      []byte
	Revision string // blob sha (repositories) or content hash (folders)
}

// Contents is the part of the GitHub gateway (bot.GitHub) reading needs.
type Contents interface {
	ListFiles(ctx context.Context, repo, revision, dir string) ([]string, error)
	ReadFile(ctx context.Context, repo, revision, path string) ([]byte, string, error)
}

// Describe names a source in messages: "dir PATH" or "owner/repo@ref:path".
func Describe(s config.GoalSource) string {
	if s.Dir != "" {
		return "dir " + s.Dir
	}
	return s.Repo + "@" + s.Ref + ":" + s.Path
}

// Read returns the book.toml link definitions of a source and its
// markdown files (all, or only those in only when it is not nil; only
// applies to repository sources).
func Read(ctx context.Context, gh Contents, src config.GoalSource, only map[string]bool) (*goaldoc.Shared, []File, error) {
	shared, err := readShared(ctx, gh, src)
	if err != nil {
		return nil, nil, err
	}
	var files []File
	if src.Dir != "" {
		files, err = readDir(src.Dir)
	} else {
		files, err = readRepo(ctx, gh, src, only)
	}
	return shared, files, err
}

// readShared returns the book.toml link definitions for a source.
func readShared(ctx context.Context, gh Contents, src config.GoalSource) (*goaldoc.Shared, error) {
	if src.BookTOML == "" {
		return goaldoc.DefaultShared(), nil
	}
	var b []byte
	var err error
	if src.Dir != "" {
		b, err = os.ReadFile(src.BookTOML)
	} else {
		b, _, err = gh.ReadFile(ctx, src.Repo, src.Ref, src.BookTOML)
	}
	if err != nil {
		return nil, fmt.Errorf("read book.toml: %w", err)
	}
	shared, err := goaldoc.LoadShared(b)
	if err != nil {
		return nil, fmt.Errorf("book.toml: %w", err)
	}
	return shared, nil
}

// readDir reads the markdown files under dir, recursively.
func readDir(dir string) ([]File, error) {
	var out []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out = append(out, File{Name: p, Src: b, Revision: "sha256:" + hex.EncodeToString(sum[:6])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read goal folder: %w", err)
	}
	return out, nil
}

// readRepo reads the markdown files of a repository source through the
// contents API (one level: goal folders are flat).
func readRepo(ctx context.Context, gh Contents, src config.GoalSource, only map[string]bool) ([]File, error) {
	paths, err := gh.ListFiles(ctx, src.Repo, src.Ref, src.Path)
	if err != nil {
		return nil, fmt.Errorf("list goal documents: %w", err)
	}
	var out []File
	for _, p := range paths {
		if !strings.HasSuffix(p, ".md") || (only != nil && !only[p]) {
			continue
		}
		b, sha, err := gh.ReadFile(ctx, src.Repo, src.Ref, p)
		if err != nil {
			return nil, fmt.Errorf("read goal document: %w", err)
		}
		out = append(out, File{Name: p, Src: b, Revision: sha})
	}
	return out, nil
}
