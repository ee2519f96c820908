package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

const itemColumns = `ref, kind, title, state, is_pull, labels, author, updated_at, etag, fcp, mcp, gone, fetched_at, state_schema, comments_since, comments_etag`

func scanItem(s interface{ Scan(...any) error }) (bot.Item, error) {
	var it bot.Item
	var r, labels string
	var fcpJSON, mcpJSON sql.NullString
	var updated, fetched, commentsSince sql.NullTime
	var schema int
	if err := s.Scan(&r, &it.Kind, &it.Title, &it.State, &it.IsPull, &labels, &it.Author, &updated,
		&it.ETag, &fcpJSON, &mcpJSON, &it.Gone, &fetched, &schema, &commentsSince, &it.CommentsETag); err != nil {
		return it, err
	}
	var err error
	if it.Ref, err = ref.Parse(r, ref.Ref{}); err != nil {
		return it, err
	}
	if err := json.Unmarshal([]byte(labels), &it.Labels); err != nil {
		return it, fmt.Errorf("item %s labels: %w", r, err)
	}
	if it.FCP, it.MCP, err = decodeState(schema, fcpJSON, mcpJSON); err != nil {
		return it, fmt.Errorf("item %s: %w", r, err)
	}
	it.UpdatedAt, it.FetchedAt = updated.Time.UTC(), fetched.Time.UTC()
	if !updated.Valid {
		it.UpdatedAt = updated.Time
	}
	if !fetched.Valid {
		it.FetchedAt = fetched.Time
	}
	if commentsSince.Valid {
		it.CommentsSince = commentsSince.Time.UTC()
	}
	return it, nil
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
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.saveItem(ctx, tx, it) })
}

func (db *DB) saveItem(ctx context.Context, tx *sql.Tx, it bot.Item) error {
	labels, err := json.Marshal(append([]string{}, it.Labels...))
	if err != nil {
		return err
	}
	fcpJSON, mcpJSON, err := encodeState(it.FCP, it.MCP)
	if err != nil {
		return fmt.Errorf("save item %s: %w", it.Ref, err)
	}
	_, err = tx.ExecContext(ctx, db.rebind(`INSERT INTO items (`+itemColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (ref) DO UPDATE SET kind = excluded.kind, title = excluded.title, state = excluded.state,
		is_pull = excluded.is_pull, labels = excluded.labels, author = excluded.author,
		updated_at = excluded.updated_at, etag = excluded.etag, fcp = excluded.fcp, mcp = excluded.mcp,
		gone = excluded.gone, fetched_at = excluded.fetched_at, state_schema = excluded.state_schema,
		comments_since = excluded.comments_since, comments_etag = excluded.comments_etag`),
		it.Ref.String(), it.Kind, it.Title, it.State, it.IsPull, string(labels), it.Author, nullTime(it.UpdatedAt),
		it.ETag, fcpJSON, mcpJSON, it.Gone, nullTime(it.FetchedAt), stateSchema, nullTime(it.CommentsSince), it.CommentsETag)
	if err != nil {
		return fmt.Errorf("save item %s: %w", it.Ref, err)
	}
	return nil
}

// UpdateItem reads, changes and writes one item under a row lock, so that
// concurrent deliveries about the same item (several workers, several
// replicas) never lose each other's changes. fn gets the stored item (or
// a zero one with exists=false) and says whether to save it.
func (db *DB) UpdateItem(ctx context.Context, r ref.Ref, fn func(it *bot.Item, exists bool) (save bool, err error)) (saved bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		saved, err = db.updateItem(ctx, tx, r, fn)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("update item %s: %w", r, err)
	}
	return saved, nil
}

// UpdateItems is UpdateItem for several distinct items in one transaction
// (a batch of reads commits once, not once per item): their rows are
// locked in the order of their references, so two such transactions never
// wait for each other in a circle. fn is called with each item's index in
// refs; saved tells which were saved. An error from fn stores none.
func (db *DB) UpdateItems(ctx context.Context, refs []ref.Ref, fn func(i int, it *bot.Item, exists bool) (save bool, err error)) (saved []bool, err error) {
	order := make([]int, len(refs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(refs[a].String(), refs[b].String()) })
	saved = make([]bool, len(refs))
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		for _, i := range order {
			var err error
			saved[i], err = db.updateItem(ctx, tx, refs[i], func(it *bot.Item, exists bool) (bool, error) { return fn(i, it, exists) })
			if err != nil {
				return fmt.Errorf("item %s: %w", refs[i], err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update %d items: %w", len(refs), err)
	}
	return saved, nil
}

// updateItem is UpdateItem in tx.
func (db *DB) updateItem(ctx context.Context, tx *sql.Tx, r ref.Ref, fn func(it *bot.Item, exists bool) (save bool, err error)) (bool, error) {
	it, created, err := db.lockItem(ctx, tx, r)
	if err != nil {
		return false, err
	}
	save, err := fn(&it, !created)
	if err != nil {
		return false, err
	}
	if !save {
		if created {
			_, err = tx.ExecContext(ctx, db.rebind(`DELETE FROM items WHERE ref = ?`), r.String())
		}
		return false, err
	}
	return true, db.saveItem(ctx, tx, it)
}

// lockItem reads the item behind r in tx, locked for update, and when there
// is none creates a placeholder row to lock (created), which disappears
// with the transaction unless the caller saves the item: concurrent first
// writers then take turns on it. Reading first costs a stored item one
// statement instead of an insert that does nothing and a read.
func (db *DB) lockItem(ctx context.Context, tx *sql.Tx, r ref.Ref) (it bot.Item, created bool, err error) {
	lock := ""
	if db.dialect == Postgres {
		lock = " FOR UPDATE" // SQLite's transactions hold the write lock already
	}
	read := db.rebind(`SELECT ` + itemColumns + ` FROM items WHERE ref = ?` + lock)
	it, err = scanItem(tx.QueryRowContext(ctx, read, r.String()))
	if !errors.Is(err, sql.ErrNoRows) {
		return it, false, err
	}
	res, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO items (ref, kind) VALUES (?, '') ON CONFLICT (ref) DO NOTHING`), r.String())
	if err != nil {
		return it, false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return bot.Item{Ref: r}, true, nil
	}
	// Another transaction created the row meanwhile (the insert waited for
	// it to commit): lock that one.
	it, err = scanItem(tx.QueryRowContext(ctx, read, r.String()))
	return it, false, err
}

// GoalItems returns every stored item linked to a goal, in one query.
func (db *DB) GoalItems(ctx context.Context, goal string) ([]bot.Item, error) {
	rows, err := db.query(ctx, `SELECT `+prefixed("i.", itemColumns)+` FROM items i
		WHERE i.ref IN (SELECT item FROM links WHERE goal = ?) AND i.kind <> '' ORDER BY i.ref`, goal)
	if err != nil {
		return nil, fmt.Errorf("items of %s: %w", goal, err)
	}
	defer rows.Close()
	var out []bot.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("items of %s: %w", goal, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
