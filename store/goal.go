package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

const goalColumns = `id, title, source, revision, tracking_issue, doc, notices, updated_at, status_version, doc_schema`

// scanGoal reads a goal row of goalColumns; its document comes from the
// store's cache when the stored text is the one last decoded.
func (db *DB) scanGoal(s interface{ Scan(...any) error }) (bot.Goal, error) {
	var g bot.Goal
	var tracking, doc string
	var schema int
	if err := s.Scan(&g.ID, &g.Title, &g.Source, &g.Revision, &tracking, &doc, &g.Notices, &g.UpdatedAt, &g.StatusVersion, &schema); err != nil {
		return g, err
	}
	var err error
	if g.Doc, err = db.docs.decode(g.ID, schema, doc); err != nil {
		return g, fmt.Errorf("goal %s: %w", g.ID, err)
	}
	g.UpdatedAt = g.UpdatedAt.UTC()
	if tracking != "" {
		r, err := ref.Parse(tracking, ref.Ref{})
		if err != nil {
			return g, fmt.Errorf("goal %s: stored tracking issue: %w", g.ID, err)
		}
		g.TrackingIssue = r
	}
	return g, nil
}

// SaveGoal inserts or replaces a goal and, in the same transaction, its
// document and config links (links made by commands are kept).
func (db *DB) SaveGoal(ctx context.Context, g bot.Goal, links []bot.Link) error {
	if g.UpdatedAt.IsZero() {
		g.UpdatedAt = db.Now()
	}
	doc, err := encodeDoc(g.Doc)
	if err != nil {
		return fmt.Errorf("save goal %s: %w", g.ID, err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		// A saved document may read differently: its version moves too.
		_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO goals (`+goalColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
			ON CONFLICT (id) DO UPDATE SET title = excluded.title, source = excluded.source,
			revision = excluded.revision, tracking_issue = excluded.tracking_issue, doc = excluded.doc,
			notices = excluded.notices, updated_at = excluded.updated_at, status_version = goals.status_version + 1,
			doc_schema = excluded.doc_schema`),
			g.ID, g.Title, g.Source, g.Revision, g.TrackingIssue.String(), doc, g.Notices, g.UpdatedAt.UTC(), docSchema)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, db.rebind(`DELETE FROM links WHERE goal = ? AND origin IN (?, ?)`),
			g.ID, bot.OriginDocument, bot.OriginConfig)
		if err != nil {
			return err
		}
		rows := make([][]any, 0, len(links))
		for _, l := range links {
			if l.At.IsZero() {
				l.At = g.UpdatedAt
			}
			rows = append(rows, []any{g.ID, l.Subgoal, l.Item.String(), l.Origin, l.By, l.At.UTC()})
		}
		if err := db.insertRows(ctx, tx, `INSERT INTO links (goal, subgoal, item, origin, created_by, created_at)`,
			`ON CONFLICT DO NOTHING`, rows); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save goal %s: %w", g.ID, err)
	}
	return nil
}

// Goal returns one goal or an ENOTFOUND error.
func (db *DB) Goal(ctx context.Context, id string) (bot.Goal, error) {
	g, err := db.scanGoal(db.queryRow(ctx, `SELECT `+goalColumns+` FROM goals WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, bot.Errorf(bot.ENOTFOUND, "no goal %q", id)
	}
	if err != nil {
		return g, fmt.Errorf("load goal %s: %w", id, err)
	}
	return g, nil
}

// Goals returns every goal, ordered by id.
func (db *DB) Goals(ctx context.Context) ([]bot.Goal, error) {
	rows, err := db.query(ctx, `SELECT `+goalColumns+` FROM goals ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list goals: %w", err)
	}
	defer rows.Close()
	var out []bot.Goal
	for rows.Next() {
		g, err := db.scanGoal(rows)
		if err != nil {
			return nil, fmt.Errorf("list goals: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// GoalsByTrackingIssue returns the goals whose tracking issue is r.
func (db *DB) GoalsByTrackingIssue(ctx context.Context, r ref.Ref) ([]bot.Goal, error) {
	rows, err := db.query(ctx, `SELECT `+goalColumns+` FROM goals WHERE tracking_issue = ? ORDER BY id`, r.String())
	if err != nil {
		return nil, fmt.Errorf("goals tracked by %s: %w", r, err)
	}
	defer rows.Close()
	var out []bot.Goal
	for rows.Next() {
		g, err := db.scanGoal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func scanLinks(rows *sql.Rows) ([]bot.Link, error) {
	defer rows.Close()
	var out []bot.Link
	for rows.Next() {
		var l bot.Link
		var item string
		if err := rows.Scan(&l.Goal, &l.Subgoal, &item, &l.Origin, &l.By, &l.At); err != nil {
			return nil, err
		}
		r, err := ref.Parse(item, ref.Ref{})
		if err != nil {
			return nil, err
		}
		l.Item, l.At = r, l.At.UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}

const linkColumns = `goal, subgoal, item, origin, created_by, created_at`

// Links returns every link of a goal, ordered by subgoal and item.
func (db *DB) Links(ctx context.Context, goal string) ([]bot.Link, error) {
	rows, err := db.query(ctx, `SELECT `+linkColumns+` FROM links WHERE goal = ? ORDER BY subgoal, item, origin`, goal)
	if err != nil {
		return nil, fmt.Errorf("links of %s: %w", goal, err)
	}
	out, err := scanLinks(rows)
	if err != nil {
		return nil, fmt.Errorf("links of %s: %w", goal, err)
	}
	return out, nil
}

// LinksToItem returns every link to the item, across goals: the links
// half of Followers.
func (db *DB) LinksToItem(ctx context.Context, item ref.Ref) ([]bot.Link, error) {
	links, _, err := db.Followers(ctx, item)
	return links, err
}

// AddLink stores a link; it reports added=false when it existed already.
func (db *DB) AddLink(ctx context.Context, l bot.Link) (added bool, err error) {
	if l.At.IsZero() {
		l.At = db.Now()
	}
	res, err := db.exec(ctx, `INSERT INTO links (`+linkColumns+`) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		l.Goal, l.Subgoal, l.Item.String(), l.Origin, l.By, l.At.UTC())
	if err != nil {
		return false, fmt.Errorf("add link %s → %s: %w", l.Subgoal, l.Item, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RemoveLinks deletes the command-made links from item to goal (every goal
// when goal is ""), returning how many it removed. Document and config
// links cannot be removed by commands: they are edited at their source.
func (db *DB) RemoveLinks(ctx context.Context, goal string, item ref.Ref) (int, error) {
	q, args := `DELETE FROM links WHERE item = ? AND origin = ?`, []any{item.String(), bot.OriginCommand}
	if goal != "" {
		q, args = q+` AND goal = ?`, append(args, goal)
	}
	res, err := db.exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("remove links to %s: %w", item, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// LockGoal serialises work on one goal (recomputing its statuses) across
// workers and replicas until unlock is called: a PostgreSQL advisory lock
// on a connection of its own, or a mutex in this process for SQLite, whose
// single writer is one process anyway.
func (db *DB) LockGoal(ctx context.Context, goal string) (unlock func(), err error) {
	if db.dialect != Postgres {
		v, _ := db.goalLocks.LoadOrStore(goal, &sync.Mutex{})
		mu := v.(*sync.Mutex)
		mu.Lock()
		return mu.Unlock, nil
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock goal %s: %w", goal, err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1))`, "goal:"+goal); err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock goal %s: %w", goal, err)
	}
	return func() {
		conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext($1))`, "goal:"+goal)
		conn.Close()
	}, nil
}
