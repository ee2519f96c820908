package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TimelineCursor returns where goalbot last read goal's tracking-issue
// timeline ("" before the first read).
func (db *DB) TimelineCursor(ctx context.Context, goal string) (string, error) {
	var cur string
	err := db.queryRow(ctx, `SELECT cursor FROM timeline_cursors WHERE goal = ?`, goal).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("timeline cursor of %s: %w", goal, err)
	}
	return cur, nil
}

// SetTimelineCursor records where goal's timeline was read up to.
func (db *DB) SetTimelineCursor(ctx context.Context, goal, cursor string) error {
	_, err := db.exec(ctx, `INSERT INTO timeline_cursors (goal, cursor, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (goal) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`, goal, cursor, db.Now().UTC())
	if err != nil {
		return fmt.Errorf("set timeline cursor of %s: %w", goal, err)
	}
	return nil
}
