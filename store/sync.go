package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/goalbot/goalbot/bot"
)

// SyncState returns the listing watermark of a repository: the since time
// of its last successful listing and that listing's ETag (zero values when
// it was never listed).
func (db *DB) SyncState(ctx context.Context, repo string) (since time.Time, etag string, err error) {
	var s sql.NullTime
	err = db.queryRow(ctx, `SELECT since, etag FROM sync_state WHERE repo = ?`, repo).Scan(&s, &etag)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, "", nil
	}
	if err != nil {
		return time.Time{}, "", fmt.Errorf("sync state of %s: %w", repo, err)
	}
	return s.Time.UTC(), etag, nil
}

// SetSyncState records a repository's listing watermark.
func (db *DB) SetSyncState(ctx context.Context, repo string, since time.Time, etag string) error {
	_, err := db.exec(ctx, `INSERT INTO sync_state (repo, since, etag, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (repo) DO UPDATE SET since = excluded.since, etag = excluded.etag, updated_at = excluded.updated_at`,
		repo, nullTime(since), etag, db.Now().UTC())
	if err != nil {
		return fmt.Errorf("set sync state of %s: %w", repo, err)
	}
	return nil
}

// HasDelivery reports whether a delivery with this id was stored.
func (db *DB) HasDelivery(ctx context.Context, id string) (bool, error) {
	var n int
	if err := db.inbox.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM deliveries WHERE id = ?`), id).Scan(&n); err != nil {
		return false, fmt.Errorf("look up delivery %s: %w", id, err)
	}
	return n > 0, nil
}

// ClaimDigest makes sure the week has a digest record and reports it. The
// week is the primary key, so on any number of replicas exactly one record
// exists; claimed is true for the caller that created it, or that took
// over a claim older than stale whose issue was never recorded.
func (db *DB) ClaimDigest(ctx context.Context, week, repo, owner string, stale time.Duration) (d bot.Digest, claimed bool, err error) {
	now := db.Now().UTC()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO digests (week, repo, claimed_by, claimed_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (week) DO NOTHING`), week, repo, owner, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			claimed = true
		} else {
			res, err = tx.ExecContext(ctx, db.rebind(`UPDATE digests SET claimed_by = ?, claimed_at = ?
				WHERE week = ? AND number = 0 AND claimed_at < ?`), owner, now, week, now.Add(-stale))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			claimed = n > 0
		}
		return tx.QueryRowContext(ctx, db.rebind(`SELECT week, repo, number, closed FROM digests WHERE week = ?`), week).
			Scan(&d.Week, &d.Repo, &d.Number, &d.Closed)
	})
	if err != nil {
		return d, false, fmt.Errorf("claim digest %s: %w", week, err)
	}
	return d, claimed, nil
}

// SetDigestIssue records the issue number of a week's digest.
func (db *DB) SetDigestIssue(ctx context.Context, week string, number int) error {
	_, err := db.exec(ctx, `UPDATE digests SET number = ? WHERE week = ?`, number, week)
	if err != nil {
		return fmt.Errorf("record digest %s: %w", week, err)
	}
	return nil
}

// Digests returns every digest record, newest week first.
func (db *DB) Digests(ctx context.Context) ([]bot.Digest, error) {
	rows, err := db.query(ctx, `SELECT week, repo, number, closed FROM digests ORDER BY week DESC`)
	if err != nil {
		return nil, fmt.Errorf("list digests: %w", err)
	}
	defer rows.Close()
	var out []bot.Digest
	for rows.Next() {
		var d bot.Digest
		if err := rows.Scan(&d.Week, &d.Repo, &d.Number, &d.Closed); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetDigestClosed records that a week's digest issue was closed.
func (db *DB) SetDigestClosed(ctx context.Context, week string) error {
	_, err := db.exec(ctx, `UPDATE digests SET closed = TRUE WHERE week = ?`, week)
	return err
}
