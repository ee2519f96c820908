package store

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
)

func TestDocCodec(t *testing.T) {
	doc := &goaldoc.Document{ID: "async", Title: "Async", Subgoals: []goaldoc.Subgoal{{ID: "a", Title: "A", Line: 3}}}
	s, err := encodeDoc(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeDoc(docSchema, s)
	if err != nil || got.ID != "async" || len(got.Subgoals) != 1 || got.Subgoals[0].Title != "A" {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	if _, err := decodeDoc(docSchema+1, s); err == nil || !strings.Contains(err.Error(), "schema version 2") {
		t.Errorf("a newer schema version read without error: %v", err)
	}
	if _, err := decodeDoc(docSchema, "{not json"); err == nil {
		t.Error("a broken document read without error")
	}
}

func TestStateCodec(t *testing.T) {
	f := fcp.State{Phase: fcp.PhaseActive, Disposition: fcp.Merge, End: time.Date(2024, 8, 20, 0, 0, 0, 0, time.UTC)}
	fs, ms, err := encodeState(f, fcp.MCP{})
	if err != nil || !fs.Valid || ms.Valid {
		t.Fatalf("encode = %v, %v, %v; want FCP JSON and MCP NULL", fs, ms, err)
	}
	gf, gm, err := decodeState(stateSchema, fs, ms)
	if err != nil || !reflect.DeepEqual(gf.Phase, f.Phase) || !gf.End.Equal(f.End) || gm.Phase != fcp.MCPNone {
		t.Fatalf("decode = %+v, %+v, %v", gf, gm, err)
	}
	if _, _, err := decodeState(stateSchema+1, fs, ms); err == nil {
		t.Error("a newer schema version read without error")
	}
	if _, _, err := decodeState(stateSchema, sql.NullString{String: "[", Valid: true}, ms); err == nil {
		t.Error("broken FCP JSON read without error")
	}
}
