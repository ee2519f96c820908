package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepositoryNamesNoRegistryHost: the toolchain's defaults (or the
// user's own GOPROXY) pick where modules come from; the repository names no
// package-registry host, so a mirror or an offline setup is never overridden.
func TestRepositoryNamesNoRegistryHost(t *testing.T) {
	// Spelled in pieces so this file does not name them either.
	hosts := []string{
		"proxy." + "golang.org", "sum." + "golang.org", "goproxy." + "io", "goproxy." + "cn",
		"registry." + "npmjs.org", "registry." + "yarnpkg.com", "pypi." + "org/simple",
		"files." + "pythonhosted.org", "index." + "crates.io", "static." + "crates.io",
		"rubygems." + "org", "repo1." + "maven.org", "repo." + "maven.apache.org",
	}
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root: %v", err)
	}
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > 4<<20 {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		lower := bytes.ToLower(b)
		for _, h := range hosts {
			if i := bytes.Index(lower, []byte(h)); i >= 0 {
				line := 1 + bytes.Count(b[:i], []byte("\n"))
				t.Errorf("%s:%d names the registry host %s; let the toolchain's default apply", strings.TrimPrefix(path, root+string(filepath.Separator)), line, h)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("walked only %d files; is the root right?", checked)
	}
}
