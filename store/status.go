package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

// Statuses returns the stored status of every subgoal of goal, by subgoal id.
func (db *DB) Statuses(ctx context.Context, goal string) (map[string]bot.SubgoalStatus, error) {
	rows, err := db.query(ctx, `SELECT goal, subgoal, status, detail, doc_status, disagree, provisional, since
		FROM statuses WHERE goal = ?`, goal)
	if err != nil {
		return nil, fmt.Errorf("statuses of %s: %w", goal, err)
	}
	defer rows.Close()
	out := map[string]bot.SubgoalStatus{}
	for rows.Next() {
		var s bot.SubgoalStatus
		if err := rows.Scan(&s.Goal, &s.Subgoal, &s.Status, &s.Detail, &s.DocStatus, &s.Disagree, &s.Provisional, &s.Since); err != nil {
			return nil, fmt.Errorf("statuses of %s: %w", goal, err)
		}
		s.Since = s.Since.UTC()
		out[s.Subgoal] = s
	}
	return out, rows.Err()
}

// SaveStatuses stores the changed statuses of a goal, deletes those of
// subgoals that left the document, appends the transitions, and bumps the
// goal's status version (which tells renderers there is news), in one
// transaction.
func (db *DB) SaveStatuses(ctx context.Context, goal string, changed []bot.SubgoalStatus, removed []string, transitions []bot.Transition) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range removed {
			if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM statuses WHERE goal = ? AND subgoal = ?`), goal, id); err != nil {
				return err
			}
		}
		// One row per subgoal (the last, if one came twice): an upsert may
		// not meet its key twice in one statement.
		rows := make([][]any, 0, len(changed))
		at := make(map[string]int, len(changed))
		for _, s := range changed {
			row := []any{goal, s.Subgoal, s.Status, s.Detail, s.DocStatus, s.Disagree, s.Provisional, s.Since.UTC()}
			if i, ok := at[s.Subgoal]; ok {
				rows[i] = row
				continue
			}
			at[s.Subgoal] = len(rows)
			rows = append(rows, row)
		}
		if err := db.insertRows(ctx, tx, `INSERT INTO statuses
				(goal, subgoal, status, detail, doc_status, disagree, provisional, since)`,
			`ON CONFLICT (goal, subgoal) DO UPDATE SET status = excluded.status, detail = excluded.detail,
				doc_status = excluded.doc_status, disagree = excluded.disagree, provisional = excluded.provisional,
				since = excluded.since`, rows); err != nil {
			return err
		}
		rows = rows[:0]
		for _, t := range transitions {
			rows = append(rows, []any{goal, t.Subgoal, t.Old, t.New, t.Detail, t.At.UTC(), t.DeliveryID, t.Item})
		}
		if err := db.insertRows(ctx, tx, `INSERT INTO transitions (goal, subgoal, old, new, detail, at, delivery, item)`, "", rows); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.rebind(`UPDATE goals SET status_version = status_version + 1 WHERE id = ?`), goal)
		return err
	})
	if err != nil {
		return fmt.Errorf("save statuses of %s: %w", goal, err)
	}
	return nil
}

// Transitions returns the transitions in [from, to), oldest first; goal ""
// means every goal.
func (db *DB) Transitions(ctx context.Context, goal string, from, to time.Time) ([]bot.Transition, error) {
	q := `SELECT id, goal, subgoal, old, new, detail, at, delivery, item FROM transitions WHERE at >= ? AND at < ?`
	args := []any{from.UTC(), to.UTC()}
	if goal != "" {
		q, args = q+` AND goal = ?`, append(args, goal)
	}
	rows, err := db.query(ctx, q+` ORDER BY at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list transitions: %w", err)
	}
	defer rows.Close()
	var out []bot.Transition
	for rows.Next() {
		var t bot.Transition
		if err := rows.Scan(&t.ID, &t.Goal, &t.Subgoal, &t.Old, &t.New, &t.Detail, &t.At, &t.DeliveryID, &t.Item); err != nil {
			return nil, fmt.Errorf("list transitions: %w", err)
		}
		t.At = t.At.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// LeaseStatusComment takes the per-goal lease that serialises writes of a
// goal's living comment across workers and replicas. It returns the
// comment record and ok=true when owner now holds the lease until
// now+ttl; ok=false when someone else holds an unexpired lease. The first
// lease of a goal creates its record with CommentID 0: the holder creates
// the comment, so exactly one comment is made.
func (db *DB) LeaseStatusComment(ctx context.Context, goal string, issue ref.Ref, owner string, ttl time.Duration) (sc bot.StatusComment, ok bool, err error) {
	now := db.Now().UTC()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO status_comments (goal, repo, number, updated_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (goal) DO NOTHING`), goal, issue.FullName(), issue.Number, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, db.rebind(`UPDATE status_comments SET lease_owner = ?, lease_until = ?
			WHERE goal = ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)`),
			owner, now.Add(ttl), goal, now, owner)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		ok = true
		sc, err = db.statusComment(ctx, tx, goal)
		return err
	})
	if err != nil {
		return sc, false, fmt.Errorf("lease status comment of %s: %w", goal, err)
	}
	return sc, ok, nil
}

func (db *DB) statusComment(ctx context.Context, tx *sql.Tx, goal string) (bot.StatusComment, error) {
	var sc bot.StatusComment
	var repo string
	var number int
	err := tx.QueryRowContext(ctx, db.rebind(`SELECT goal, repo, number, comment_id, body_hash, rendered_version, updated_at
		FROM status_comments WHERE goal = ?`), goal).Scan(&sc.Goal, &repo, &number, &sc.CommentID, &sc.BodyHash, &sc.RenderedVersion, &sc.UpdatedAt)
	if err != nil {
		return sc, err
	}
	owner, name, _ := strings.Cut(repo, "/")
	sc.Issue = ref.New(owner, name, number)
	sc.UpdatedAt = sc.UpdatedAt.UTC()
	return sc, nil
}

// StatusComment returns the living-comment record of a goal, or ENOTFOUND.
func (db *DB) StatusComment(ctx context.Context, goal string) (bot.StatusComment, error) {
	var sc bot.StatusComment
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		sc, err = db.statusComment(ctx, tx, goal)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return sc, bot.Errorf(bot.ENOTFOUND, "goal %s has no status comment", goal)
	}
	return sc, err
}

// SaveStatusComment records the comment written under owner's lease and
// releases the lease. It fails with ECONFLICT when the lease was lost.
func (db *DB) SaveStatusComment(ctx context.Context, sc bot.StatusComment, owner string) error {
	res, err := db.exec(ctx, `UPDATE status_comments SET repo = ?, number = ?, comment_id = ?, body_hash = ?,
		rendered_version = ?, updated_at = ?, lease_owner = '', lease_until = NULL WHERE goal = ? AND lease_owner = ?`,
		sc.Issue.FullName(), sc.Issue.Number, sc.CommentID, sc.BodyHash, sc.RenderedVersion, db.Now().UTC(), sc.Goal, owner)
	if err != nil {
		return fmt.Errorf("save status comment of %s: %w", sc.Goal, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return bot.Errorf(bot.ECONFLICT, "lease on the status comment of %s was lost", sc.Goal)
	}
	return nil
}

// ReleaseStatusComment gives the lease up without changes.
func (db *DB) ReleaseStatusComment(ctx context.Context, goal, owner string) error {
	_, err := db.exec(ctx, `UPDATE status_comments SET lease_owner = '', lease_until = NULL
		WHERE goal = ? AND lease_owner = ?`, goal, owner)
	return err
}

// ClaimReply records that the bot answers comment at the given revision; it
// reports claimed=false when that revision was answered (or is being
// answered) already, so a redelivered event never replies twice.
func (db *DB) ClaimReply(ctx context.Context, commentID int64, revision string) (claimed bool, replyID int64, err error) {
	res, err := db.exec(ctx, `INSERT INTO command_replies (comment_id, revision, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, commentID, revision, db.Now().UTC())
	if err != nil {
		return false, 0, fmt.Errorf("claim reply to comment %d: %w", commentID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return true, 0, nil
	}
	err = db.queryRow(ctx, `SELECT reply_id FROM command_replies WHERE comment_id = ? AND revision = ?`,
		commentID, revision).Scan(&replyID)
	return false, replyID, err
}

// SetReplyID records the id of the reply comment posted for a claim.
func (db *DB) SetReplyID(ctx context.Context, commentID int64, revision string, replyID int64) error {
	_, err := db.exec(ctx, `UPDATE command_replies SET reply_id = ? WHERE comment_id = ? AND revision = ?`,
		replyID, commentID, revision)
	return err
}
