package job

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/metrics"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

func TestFailuresLogsPermanentFailuresOnce(t *testing.T) {
	forbidden := &bot.Error{Code: bot.EFORBIDDEN, Message: "GitHub rejected the bot's credentials."}
	tests := []struct {
		name         string
		attempt, max int
		err          error
		wantReason   string // "" when nothing is logged
	}{
		{"success", 1, 10, nil, ""},
		{"retried", 3, 10, errors.New("502 bad gateway"), ""},
		{"snoozed", 10, 10, river.JobSnooze(60e9), ""},
		{"cancelled", 1, 10, river.JobCancel(forbidden), "forbidden"},
		{"cancelled, wrapped", 2, 10, river.JobCancel(errors.Join(errors.New("x"), &bot.Error{Code: bot.ENOTFOUND})), "not_found"},
		{"last attempt", 10, 10, errors.New("502 bad gateway"), "attempts_exhausted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			m := metrics.New(nil)
			f := NewFailures(zerolog.New(&buf), m)
			row := &rivertype.JobRow{ID: 42, Kind: "sync", Attempt: tt.attempt, MaxAttempts: tt.max, EncodedArgs: []byte(`{"tick":"2026-12-05T08:00:00Z"}`)}
			if got := f.WorkEnd(context.Background(), row, tt.err); got != tt.err {
				t.Errorf("WorkEnd changed the error: %v", got)
			}
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if tt.wantReason == "" {
				if buf.Len() != 0 {
					t.Errorf("logged %q", buf.String())
				}
				return
			}
			if len(lines) != 1 {
				t.Fatalf("%d lines, want 1: %q", len(lines), buf.String())
			}
			var line map[string]any
			if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
				t.Fatal(err)
			}
			if line["level"] != "error" || line["kind"] != "sync" || line["reason"] != tt.wantReason ||
				line["attempt"] != float64(tt.attempt) || line["job"] != float64(42) || line["error"] == "" || line["error"] == nil {
				t.Errorf("line %v", line)
			}
			if args, _ := line["args"].(map[string]any); args["tick"] != "2026-12-05T08:00:00Z" {
				t.Errorf("args %v", line["args"])
			}
			if strings.Contains(line["error"].(string), "JobCancelError") {
				t.Errorf("cause %q still wrapped in River's cancel error", line["error"])
			}
			if n := testutil.ToFloat64(m.JobsFailed.WithLabelValues("sync", tt.wantReason)); n != 1 {
				t.Errorf("goalbot_jobs_failed_total{kind=sync,reason=%s} = %v", tt.wantReason, n)
			}
		})
	}
}

func TestFailuresPanicOnLastAttempt(t *testing.T) {
	var buf bytes.Buffer
	m := metrics.New(nil)
	f := NewFailures(zerolog.New(&buf), m)
	f.HandlePanic(context.Background(), &rivertype.JobRow{Kind: "render_status", Attempt: 1, MaxAttempts: 10}, "boom", "trace")
	if strings.Contains(buf.String(), `"level":"error"`) {
		t.Errorf("a first-attempt panic is not final: %s", buf.String())
	}
	buf.Reset()
	f.HandlePanic(context.Background(), &rivertype.JobRow{Kind: "render_status", Attempt: 10, MaxAttempts: 10}, "boom", "trace")
	if strings.Count(buf.String(), `"level":"error"`) != 1 || testutil.ToFloat64(m.JobsFailed.WithLabelValues("render_status", "panic")) != 1 {
		t.Errorf("last-attempt panic: %s", buf.String())
	}
}
