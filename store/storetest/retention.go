package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/job"
	"github.com/goalbot/goalbot/config"
	"github.com/goalbot/goalbot/store"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"
)

// runRetention runs the retention cases.
func runRetention(t *testing.T, open Opener) {
	t.Run("RetentionJob", func(t *testing.T) { testRetentionJob(t, open(t)) })
}

// testRetentionJob runs the periodic retention job over a store holding
// deliveries and jobs of every age and state: it deletes, in batches, the
// finished ones older than the retention, keeps what is queued or recent,
// and a redelivery within GitHub's 3-day window is still a duplicate.
func testRetentionJob(t *testing.T, db *store.DB) {
	ctx := context.Background()
	q := insertOnlyQueue(t, db)
	now := time.Now().UTC().Truncate(time.Second)
	const keep = 14 * 24 * time.Hour
	ingest := func(id string, age time.Duration, outcome string) {
		t.Helper()
		d := delivery(id)
		d.ReceivedAt = now.Add(-age)
		if _, err := db.Ingest(ctx, d); err != nil {
			t.Fatal(err)
		}
		if outcome != bot.OutcomeQueued {
			if err := db.FinishDelivery(ctx, id, outcome, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	day := 24 * time.Hour
	ingest("old-done", 20*day, bot.OutcomeDone)
	ingest("old-failed", 30*day, bot.OutcomeFailed)
	ingest("old-ignored", 15*day, bot.OutcomeIgnored)
	ingest("old-queued", 40*day, bot.OutcomeQueued) // never processed: kept
	ingest("recent", 2*day, bot.OutcomeDone)        // inside the redelivery window

	// Jobs: Ingest made one available job per delivery; finish some, and
	// age the finish of all but one.
	var ids []int64
	pump(t, db)
	rows, err := q.JobList(ctx, river.NewJobListParams().First(100))
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range rows.Jobs {
		ids = append(ids, j.ID)
	}
	if len(ids) != 5 {
		t.Fatalf("%d jobs, want 5", len(ids))
	}
	for _, id := range ids[:4] {
		if _, err := q.JobCancel(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	old := now.Add(-20 * day).Format("2006-01-02 15:04:05")
	for _, id := range ids[:3] {
		var got int64
		if err := db.QueryRowForTest(ctx, "UPDATE river_job SET finalized_at = ? WHERE id = ? RETURNING id", old, id).Scan(&got); err != nil {
			t.Fatalf("age job %d: %v", id, err)
		}
	}

	w := &job.RetentionWorker{Store: db, Keep: keep, Batch: 2, Now: func() time.Time { return now }, Log: zerolog.Nop()}
	if err := w.Work(ctx, &river.Job[job.Retention]{}); err != nil {
		t.Fatal(err)
	}

	for id, kept := range map[string]bool{"old-done": false, "old-failed": false, "old-ignored": false, "old-queued": true, "recent": true} {
		_, err := db.Delivery(ctx, id)
		if got := err == nil; got != kept {
			t.Errorf("delivery %s kept = %v, want %v (err %v)", id, got, kept, err)
		}
	}
	var n int
	if err := db.QueryRowForTest(ctx, "SELECT count(*) FROM river_job").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d jobs left, want 2 (one finished recently, one available)", n)
	}
	for _, id := range ids[3:] {
		if _, err := q.JobGet(ctx, id); err != nil {
			t.Errorf("job %d was deleted: %v", id, err)
		}
	}

	// The duplicate check still covers GitHub's redelivery window.
	if keep < config.RedeliveryWindow {
		t.Fatalf("retention %s is shorter than the redelivery window", keep)
	}
	if dup, err := db.Ingest(ctx, delivery("recent")); err != nil || !dup {
		t.Errorf("redelivery of a 2-day-old delivery: duplicate = %v, %v; want true", dup, err)
	}

	// A second run finds nothing more.
	if err := w.Work(ctx, &river.Job[job.Retention]{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Delivery(ctx, "old-queued"); err != nil {
		t.Errorf("second run deleted the queued delivery: %v", err)
	}
}
