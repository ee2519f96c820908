package store

import (
	"context"
	"fmt"
	"time"
)

// The checkpointer copies the inbox's log into its file when about
// checkpointBytes were written since the last checkpoint (SQLite's own
// threshold is 1,000 pages, about as much), or once ingest has been quiet
// for checkpointIdle. Checkpointing more often cost the acknowledgements:
// every 100 ms at 20 deliveries a second, the commits that met a
// checkpoint's writes took 3 to 6 ms instead of a fraction of one.
const (
	checkpointBytes = 4 << 20
	checkpointIdle  = time.Second
)

// pageSize is the size of a SQLite page (the default).
const pageSize = 4096

// wrote tells the checkpointer that about n bytes were added to the
// inbox's log.
func (in *ingester) wrote(n int) {
	in.unflushed.Add(int64(n))
	signal(in.committed)
}

// checkpoints runs SQLite's checkpoints of what ingest wrote to the inbox,
// on a connection of the inbox pool. A PASSIVE checkpoint does not take the
// write lock, so the acknowledgements do not wait for it as they did when
// each commit past 1,000 pages of log ran one itself (a commit that starts
// while it holds the log's first read lock may still wait for it).
func (in *ingester) checkpoints() {
	defer in.wg.Done()
	quiet := time.NewTimer(checkpointIdle)
	quiet.Stop()
	for {
		select {
		case <-in.stop:
			return
		case <-in.committed:
			if in.unflushed.Load() < checkpointBytes {
				quiet.Reset(checkpointIdle)
				continue
			}
		case <-quiet.C:
		}
		in.unflushed.Store(0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if _, err := in.db.inbox.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil && in.opt.Failed != nil {
			// The next commit tries again; the log only grows meanwhile.
			in.unflushed.Store(checkpointBytes)
			in.opt.Failed(fmt.Errorf("checkpoint %s: %w", sqlitePath(sqliteInboxDSN(in.db.dsn)), err))
		}
		cancel()
	}
}
