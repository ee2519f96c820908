package store

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
)

// The JSON the store keeps for typed domain values, versioned so that a
// later change of goaldoc.Document or fcp.State can be read back or
// migrated: the version is stored beside the JSON (goals.doc_schema,
// items.state_schema) and a row of an unknown version is an error, never
// misread. Only the store sees this JSON.
const (
	docSchema   = 1 // goaldoc.Document as encoding/json writes it
	stateSchema = 1 // fcp.State and fcp.MCP as encoding/json writes them
)

// encodeDoc returns the stored form of a goal document.
func encodeDoc(doc *goaldoc.Document) (string, error) {
	if doc == nil {
		doc = &goaldoc.Document{}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("encode document: %w", err)
	}
	return string(b), nil
}

// decodeDoc reads a stored goal document of schema version v.
func decodeDoc(v int, s string) (*goaldoc.Document, error) {
	if v != docSchema {
		return nil, fmt.Errorf("stored document has schema version %d; this goalbot reads %d", v, docSchema)
	}
	doc := &goaldoc.Document{}
	if err := json.Unmarshal([]byte(s), doc); err != nil {
		return nil, fmt.Errorf("stored document: %w", err)
	}
	return doc, nil
}

// encodeState returns the stored forms of an item's FCP and MCP state;
// a state never built (zero phase) is NULL.
func encodeState(f fcp.State, m fcp.MCP) (fs sql.NullString, ms sql.NullString, err error) {
	if f.Phase != "" {
		b, err := json.Marshal(f)
		if err != nil {
			return fs, ms, fmt.Errorf("encode FCP state: %w", err)
		}
		fs = sql.NullString{String: string(b), Valid: true}
	}
	if m.Phase != "" {
		b, err := json.Marshal(m)
		if err != nil {
			return fs, ms, fmt.Errorf("encode MCP state: %w", err)
		}
		ms = sql.NullString{String: string(b), Valid: true}
	}
	return fs, ms, nil
}

// decodeState reads an item's stored FCP and MCP state of schema version
// v; NULL (never built) is the "none" phase.
func decodeState(v int, f, m sql.NullString) (fcp.State, fcp.MCP, error) {
	fs, ms := fcp.State{Phase: fcp.PhaseNone}, fcp.MCP{Phase: fcp.MCPNone}
	if v != stateSchema {
		return fs, ms, fmt.Errorf("stored FCP/MCP state has schema version %d; this goalbot reads %d", v, stateSchema)
	}
	if f.Valid {
		if err := json.Unmarshal([]byte(f.String), &fs); err != nil {
			return fs, ms, fmt.Errorf("stored FCP state: %w", err)
		}
	}
	if m.Valid {
		if err := json.Unmarshal([]byte(m.String), &ms); err != nil {
			return fs, ms, fmt.Errorf("stored MCP state: %w", err)
		}
	}
	return fs, ms, nil
}
