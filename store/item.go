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

// ItemsOf returns the stored items among refs, by reference, in one query.
func (db *DB) ItemsOf(ctx context.Context, refs []ref.Ref) (map[ref.Ref]bot.Item, error) {
	out := make(map[ref.Ref]bot.Item, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	rows, err := db.query(ctx, `SELECT `+itemColumns+` FROM items WHERE ref IN (`+placeholders(len(refs))+`)`, refArgs(refs)...)
	if err != nil {
		return nil, fmt.Errorf("load %d items: %w", len(refs), err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("load %d items: %w", len(refs), err)
		}
		out[it.Ref] = it
	}
	return out, rows.Err()
}

// refArgs is refs as query arguments.
func refArgs(refs []ref.Ref) []any {
	args := make([]any, len(refs))
	for i, r := range refs {
		args[i] = r.String()
	}
	return args
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
	row, err := itemRow(it)
	if err != nil {
		return err
	}
	if err := db.insertRows(ctx, tx, `INSERT INTO items (`+itemColumns+`)`, itemUpsert, [][]any{row}); err != nil {
		return fmt.Errorf("save item %s: %w", it.Ref, err)
	}
	return nil
}

// itemUpsert ends an insert of items that replaces those stored.
const itemUpsert = `ON CONFLICT (ref) DO UPDATE SET kind = excluded.kind, title = excluded.title, state = excluded.state,
	is_pull = excluded.is_pull, labels = excluded.labels, author = excluded.author,
	updated_at = excluded.updated_at, etag = excluded.etag, fcp = excluded.fcp, mcp = excluded.mcp,
	gone = excluded.gone, fetched_at = excluded.fetched_at, state_schema = excluded.state_schema,
	comments_since = excluded.comments_since, comments_etag = excluded.comments_etag`

// itemRow is an item's values in the order of itemColumns.
func itemRow(it bot.Item) ([]any, error) {
	labels, err := json.Marshal(append([]string{}, it.Labels...))
	if err != nil {
		return nil, err
	}
	fcpJSON, mcpJSON, err := encodeState(it.FCP, it.MCP)
	if err != nil {
		return nil, fmt.Errorf("save item %s: %w", it.Ref, err)
	}
	return []any{it.Ref.String(), it.Kind, it.Title, it.State, it.IsPull, string(labels), it.Author, nullTime(it.UpdatedAt),
		it.ETag, fcpJSON, mcpJSON, it.Gone, nullTime(it.FetchedAt), stateSchema, nullTime(it.CommentsSince), it.CommentsETag}, nil
}

// UpdateItem reads, changes and writes one item under a row lock, so that
// concurrent deliveries about the same item (several workers, several
// replicas) never lose each other's changes. fn gets the stored item (or
// a zero one with exists=false) and says whether to save it.
func (db *DB) UpdateItem(ctx context.Context, r ref.Ref, fn func(it *bot.Item, exists bool) (save bool, err error)) (saved bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		it, created, err := db.lockItem(ctx, tx, r)
		if err != nil {
			return err
		}
		save, err := fn(&it, !created)
		if err != nil {
			return err
		}
		if !save {
			if created {
				_, err = tx.ExecContext(ctx, db.rebind(`DELETE FROM items WHERE ref = ?`), r.String())
			}
			return err
		}
		saved = true
		return db.saveItem(ctx, tx, it)
	})
	if err != nil {
		return false, fmt.Errorf("update item %s: %w", r, err)
	}
	return saved, nil
}

// UpdateItems is UpdateItem for several distinct items in one transaction
// (a batch of reads commits once, not once per item), in a few statements
// whatever their number: placeholders for the items not stored yet are
// inserted, then every row is read and locked, in the order of the
// references (two such transactions never wait for each other in a
// circle), and the saved items are written in one upsert. fn is called
// with each item's index in refs; saved tells which were saved. An error
// from fn stores none.
func (db *DB) UpdateItems(ctx context.Context, refs []ref.Ref, fn func(i int, it *bot.Item, exists bool) (save bool, err error)) (saved []bool, err error) {
	if len(refs) == 1 {
		// One item: reading it first costs a stored one a statement less.
		ok, err := db.UpdateItem(ctx, refs[0], func(it *bot.Item, exists bool) (bool, error) { return fn(0, it, exists) })
		return []bool{ok}, err
	}
	sorted := slices.Clone(refs)
	slices.SortFunc(sorted, func(a, b ref.Ref) int { return strings.Compare(a.String(), b.String()) })
	index := make(map[ref.Ref]int, len(refs))
	for i, r := range refs {
		if _, ok := index[r]; ok {
			return nil, fmt.Errorf("update %d items: item %s comes twice", len(refs), r)
		}
		index[r] = i
	}
	saved = make([]bool, len(refs))
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		created, err := db.insertPlaceholders(ctx, tx, sorted)
		if err != nil {
			return err
		}
		lock := ""
		if db.dialect == Postgres {
			lock = " FOR UPDATE" // SQLite's transactions hold the write lock already
		}
		rows, err := tx.QueryContext(ctx, db.rebind(`SELECT `+itemColumns+` FROM items WHERE ref IN (`+placeholders(len(sorted))+`) ORDER BY ref`+lock), refArgs(sorted)...)
		if err != nil {
			return err
		}
		stored := make(map[ref.Ref]bot.Item, len(sorted))
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				rows.Close()
				return err
			}
			stored[it.Ref] = it
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var save [][]any
		var drop []ref.Ref
		for _, r := range sorted {
			it, ok := stored[r]
			if !ok {
				return fmt.Errorf("item %s: no row after its insert", r)
			}
			if created[r] {
				it = bot.Item{Ref: r}
			}
			i := index[r]
			if saved[i], err = fn(i, &it, !created[r]); err != nil {
				return fmt.Errorf("item %s: %w", r, err)
			}
			switch {
			case saved[i]:
				row, err := itemRow(it)
				if err != nil {
					return err
				}
				save = append(save, row)
			case created[r]:
				drop = append(drop, r)
			}
		}
		if len(drop) > 0 {
			if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM items WHERE ref IN (`+placeholders(len(drop))+`)`), refArgs(drop)...); err != nil {
				return err
			}
		}
		return db.insertRows(ctx, tx, `INSERT INTO items (`+itemColumns+`)`, itemUpsert, save)
	})
	if err != nil {
		return nil, fmt.Errorf("update %d items: %w", len(refs), err)
	}
	return saved, nil
}

// insertPlaceholders inserts an empty row for each of refs (sorted) not
// stored yet, to lock, and returns those it inserted: a row another
// transaction inserts meanwhile is waited for and then left alone.
func (db *DB) insertPlaceholders(ctx context.Context, tx *sql.Tx, refs []ref.Ref) (map[ref.Ref]bool, error) {
	rows, err := tx.QueryContext(ctx, db.rebind(`INSERT INTO items (ref, kind) VALUES `+strings.TrimSuffix(strings.Repeat("(?, ''), ", len(refs)), ", ")+`
		ON CONFLICT (ref) DO NOTHING RETURNING ref`), refArgs(refs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	created := map[ref.Ref]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		r, err := ref.Parse(s, ref.Ref{})
		if err != nil {
			return nil, err
		}
		created[r] = true
	}
	return created, rows.Err()
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
