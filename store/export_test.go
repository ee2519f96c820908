package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TraceIngestForTest replaces ingest's pgx pool by one whose connections
// report each statement and pipeline to tracer (a pgx.QueryTracer, and a
// pgx.BatchTracer when it is one).
func (db *DB) TraceIngestForTest(ctx context.Context, tracer pgx.QueryTracer) error {
	cfg, err := pgxpool.ParseConfig(db.dsn)
	if err != nil {
		return err
	}
	cfg.MaxConns, cfg.ConnConfig.Tracer = maxCommitters, tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	old := db.pgxWriter
	db.pgxWriter = pool
	old.Close()
	return nil
}
