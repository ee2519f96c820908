package goaldoc

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Report is the result of checking a set of files: the goal documents
// parsed and the files skipped as not being goal documents.
type Report struct {
	Documents []*Document `json:"documents"`
	Skipped   []Skipped   `json:"skipped"`
}

// Skipped names a file that is not a goal document, and why.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// CheckPaths parses every markdown file under paths (files, or folders
// walked recursively in lexical order; hidden folders are skipped). Files
// that are not goal documents are listed in Skipped. The error is for
// unreadable paths only; document problems are in the report.
func CheckPaths(paths []string, shared *Shared) (*Report, error) {
	return CheckPathsWith(paths, CheckOptions{Shared: shared})
}

// CheckPathsWith is CheckPaths with the author-mistake checks of
// validate.go: unknown teams, statuses and badges are warnings, and a page
// whose Metadata table is malformed is an error instead of a skip.
func CheckPathsWith(paths []string, opts CheckOptions) (*Report, error) {
	shared := opts.Shared
	if shared == nil {
		shared = DefaultShared()
	}
	rep := &Report{Documents: []*Document{}, Skipped: []Skipped{}}
	for _, root := range paths {
		files, err := goalFiles(root)
		if err != nil {
			return nil, err
		}
		teams, err := opts.teamsFor(root, shared)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("check %s: %w", f, err)
			}
			doc := Parse(f, src, shared)
			if ok, why := doc.IsGoal(); !ok {
				line, msg, meant := metadataTrouble(doc, src)
				if !meant {
					rep.Skipped = append(rep.Skipped, Skipped{File: f, Reason: why})
					continue
				}
				doc.Errors = []Diagnostic{{Line: line, Message: msg}}
			}
			validate(doc, shared, teams)
			rep.Documents = append(rep.Documents, doc)
		}
	}
	return rep, nil
}

// goalFiles lists root itself when it is a file, else the .md files below it.
func goalFiles(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", root, err)
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.EqualFold(filepath.Ext(path), ".md") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", root, err)
	}
	return files, nil
}

// HasErrors reports whether any checked document has an error.
func (r *Report) HasErrors() bool {
	for _, d := range r.Documents {
		if d.HasErrors() {
			return true
		}
	}
	return false
}

// WriteText writes one summary line per document followed by its
// diagnostics as file:line: error|warning: message, then the skipped files
// and a total.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	errs, warns := 0, 0
	for _, d := range r.Documents {
		tracking := "none"
		if !d.TrackingIssue.IsZero() {
			tracking = d.TrackingIssue.String()
		}
		ew.printf("%s: %q, status %q, %d subgoals, %d team asks, tracking issue %s\n",
			d.ID, d.Title, d.Status, d.Count(), len(d.TeamAsks), tracking)
		for _, e := range d.Errors {
			ew.printf("%s:%d: error: %s\n", d.File, e.Line, e.Message)
		}
		for _, e := range d.Warnings {
			ew.printf("%s:%d: warning: %s\n", d.File, e.Line, e.Message)
		}
		errs += len(d.Errors)
		warns += len(d.Warnings)
	}
	for _, s := range r.Skipped {
		ew.printf("%s: skipped: %s\n", s.File, s.Reason)
	}
	ew.printf("%d goal documents, %d errors, %d warnings, %d files skipped\n",
		len(r.Documents), errs, warns, len(r.Skipped))
	return ew.err
}

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// errWriter keeps the first write error so a report is written in one go.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
