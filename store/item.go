package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

const itemColumns = `ref, kind, title, state, is_pull, labels, author, updated_at, etag, fcp, mcp, gone, fetched_at`

func scanItem(s interface{ Scan(...any) error }) (bot.Item, error) {
	var it bot.Item
	var r, labels string
	var fcp, mcp sql.NullString
	var updated, fetched sql.NullTime
	if err := s.Scan(&r, &it.Kind, &it.Title, &it.State, &it.IsPull, &labels, &it.Author, &updated,
		&it.ETag, &fcp, &mcp, &it.Gone, &fetched); err != nil {
		return it, err
	}
	var err error
	if it.Ref, err = ref.Parse(r, ref.Ref{}); err != nil {
		return it, err
	}
	if err := json.Unmarshal([]byte(labels), &it.Labels); err != nil {
		return it, fmt.Errorf("item %s labels: %w", r, err)
	}
	if fcp.Valid {
		it.FCP = json.RawMessage(fcp.String)
	}
	if mcp.Valid {
		it.MCP = json.RawMessage(mcp.String)
	}
	it.UpdatedAt, it.FetchedAt = updated.Time.UTC(), fetched.Time.UTC()
	if !updated.Valid {
		it.UpdatedAt = updated.Time
	}
	if !fetched.Valid {
		it.FetchedAt = fetched.Time
	}
	return it, nil
}

func nullJSON(b json.RawMessage) sql.NullString {
	return sql.NullString{String: string(b), Valid: len(b) > 0}
}

// Item returns the stored item, or an ENOTFOUND error.
func (db *DB) Item(ctx context.Context, r ref.Ref) (bot.Item, error) {
	it, err := scanItem(db.queryRow(ctx, `SELECT `+itemColumns+` FROM items WHERE ref = ?`, r.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return it, bot.Errorf(bot.ENOTFOUND, "item %s is not known", r)
	}
	if err != nil {
		return it, fmt.Errorf("load item %s: %w", r, err)
	}
	return it, nil
}

// Items returns every stored item, ordered by reference.
func (db *DB) Items(ctx context.Context) ([]bot.Item, error) {
	rows, err := db.query(ctx, `SELECT `+itemColumns+` FROM items ORDER BY ref`)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	defer rows.Close()
	var out []bot.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("list items: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// SaveItem inserts or replaces an item.
func (db *DB) SaveItem(ctx context.Context, it bot.Item) error {
	labels, err := json.Marshal(append([]string{}, it.Labels...))
	if err != nil {
		return err
	}
	_, err = db.exec(ctx, `INSERT INTO items (`+itemColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (ref) DO UPDATE SET kind = excluded.kind, title = excluded.title, state = excluded.state,
		is_pull = excluded.is_pull, labels = excluded.labels, author = excluded.author,
		updated_at = excluded.updated_at, etag = excluded.etag, fcp = excluded.fcp, mcp = excluded.mcp,
		gone = excluded.gone, fetched_at = excluded.fetched_at`,
		it.Ref.String(), it.Kind, it.Title, it.State, it.IsPull, string(labels), it.Author, nullTime(it.UpdatedAt),
		it.ETag, nullJSON(it.FCP), nullJSON(it.MCP), it.Gone, nullTime(it.FetchedAt))
	if err != nil {
		return fmt.Errorf("save item %s: %w", it.Ref, err)
	}
	return nil
}
