package store

import (
	"context"
	"fmt"
	"time"
)

// ReleaseDigest gives up owner's claim on week's digest when no issue was
// recorded for it (the write failed, or its answer was lost), so that the
// next attempt need not wait for the claim to go stale; that attempt looks
// for the issue by its marker before creating one.
func (db *DB) ReleaseDigest(ctx context.Context, week, owner string) error {
	_, err := db.exec(ctx, `UPDATE digests SET claimed_at = ? WHERE week = ? AND claimed_by = ? AND number = 0`,
		time.Unix(0, 0).UTC(), week, owner)
	if err != nil {
		return fmt.Errorf("release digest %s: %w", week, err)
	}
	return nil
}
