package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/riverqueue/river"
)

// TestPostgresBatchAndJobsCommitTogether makes River's insert of a job
// fail after the batch's deliveries were inserted (a trigger refuses the
// job of delivery "bad-1"): the deliveries' rows roll back with it, so no
// delivery is acknowledged without its job, and the next batch goes in.
func TestPostgresBatchAndJobsCommitTogether(t *testing.T) {
	if os.Getenv("GOALBOT_TEST_POSTGRES_URL") == "" {
		t.Skip("GOALBOT_TEST_POSTGRES_URL is not set (.ci/run sets it)")
	}
	ctx := context.Background()
	db := OpenPostgres(t)
	if _, err := db.NewQueue(&river.Config{}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE FUNCTION refuse_bad_job() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.args->>'delivery_id' LIKE 'bad-%' THEN RAISE EXCEPTION 'refused job of %', NEW.args->>'delivery_id'; END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER refuse_bad_job BEFORE INSERT ON river_job FOR EACH ROW EXECUTE FUNCTION refuse_bad_job()`,
	} {
		if err := db.ExecForTest(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.QueryRowForTest(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	bad := bot.Delivery{ID: "bad-1", Event: "issues", Action: "labeled", Repo: "rust-lang/rfcs", Payload: []byte(`{}`)}
	if _, err := db.Ingest(ctx, bad); err == nil {
		t.Fatal("ingest of a delivery whose job was refused: no error")
	}
	if n := count(`SELECT COUNT(*) FROM deliveries`); n != 0 {
		t.Errorf("%d deliveries stored though their job was refused", n)
	}
	ok := bad
	ok.ID = "ok-1"
	if dup, err := db.Ingest(ctx, ok); err != nil || dup {
		t.Fatalf("the next delivery: duplicate %v, %v", dup, err)
	}
	if d, j := count(`SELECT COUNT(*) FROM deliveries`), count(`SELECT COUNT(*) FROM river_job`); d != 1 || j != 1 {
		t.Errorf("after the next delivery: %d deliveries, %d jobs; want 1 and 1", d, j)
	}
}
