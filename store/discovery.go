package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

const discoveredColumns = `goal, item, source, via, named, subgoal, rule, auto, found_at`

// notUntracked is the condition that keeps a discovered row whose item a
// person has not untracked from its goal (d is the discovered table).
const notUntracked = `NOT EXISTS (SELECT 1 FROM untracked u WHERE u.goal = d.goal AND u.item = d.item)`

// AddDiscovered records that d.Source found d.Item for d.Goal. It stores
// nothing and returns false when a person untracked the item from the goal
// (the check and the insert are one statement). A repeat of the same goal,
// item and source updates Via, and Named when the new one names a subgoal.
func (db *DB) AddDiscovered(ctx context.Context, d bot.Discovered) (stored bool, err error) {
	if d.FoundAt.IsZero() {
		d.FoundAt = db.Now()
	}
	res, err := db.exec(ctx, `INSERT INTO discovered (goal, item, source, via, named, found_at)
		SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM untracked WHERE goal = ? AND item = ?)
		ON CONFLICT (goal, item, source) DO UPDATE SET via = excluded.via,
		named = CASE WHEN excluded.named <> '' THEN excluded.named ELSE discovered.named END`,
		d.Goal, d.Item.String(), d.Source, d.Via, d.Named, d.FoundAt.UTC(), d.Goal, d.Item.String())
	if err != nil {
		return false, fmt.Errorf("add discovered %s to %s: %w", d.Item, d.Goal, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("add discovered %s to %s: %w", d.Item, d.Goal, err)
	}
	return n > 0, nil
}

// ReplaceDiscovered makes items the whole set that source found for goal:
// it adds the new ones (unless untracked, as AddDiscovered) and removes
// the ones source no longer finds, such as references deleted from the
// goal document. Other sources' rows are untouched.
func (db *DB) ReplaceDiscovered(ctx context.Context, goal, source string, items []bot.Discovered) error {
	now := db.Now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM discovered WHERE goal = ? AND source = ?`), goal, source); err != nil {
			return err
		}
		for _, d := range items {
			found := d.FoundAt
			if found.IsZero() {
				found = now
			}
			_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO discovered (goal, item, source, via, named, found_at)
				SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM untracked WHERE goal = ? AND item = ?)
				ON CONFLICT (goal, item, source) DO NOTHING`),
				goal, d.Item.String(), source, d.Via, d.Named, found.UTC(), goal, d.Item.String())
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace %s items of %s: %w", source, goal, err)
	}
	return nil
}

// Discovered returns what discovery found for goal, untracked items left
// out, ordered by item then source.
func (db *DB) Discovered(ctx context.Context, goal string) ([]bot.Discovered, error) {
	rows, err := db.query(ctx, `SELECT `+prefixed("d.", discoveredColumns)+` FROM discovered d
		WHERE d.goal = ? AND `+notUntracked+` ORDER BY d.item, d.source`, goal)
	if err != nil {
		return nil, fmt.Errorf("discovered items of %s: %w", goal, err)
	}
	defer rows.Close()
	var out []bot.Discovered
	for rows.Next() {
		var d bot.Discovered
		var item string
		var found time.Time
		if err := rows.Scan(&d.Goal, &item, &d.Source, &d.Via, &d.Named, &d.Subgoal, &d.Rule, &d.Auto, &found); err != nil {
			return nil, fmt.Errorf("discovered items of %s: %w", goal, err)
		}
		if d.Item, err = ref.Parse(item, ref.Ref{}); err != nil {
			return nil, fmt.Errorf("discovered items of %s: %w", goal, err)
		}
		d.FoundAt = found.UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("discovered items of %s: %w", goal, err)
	}
	return out, nil
}

// DiscoveredGoals returns the goals discovery found item for (untracked
// ones left out), so that a webhook about the item knows whose living
// comments to refresh: the discovery half of Followers.
func (db *DB) DiscoveredGoals(ctx context.Context, item ref.Ref) ([]string, error) {
	_, found, err := db.Followers(ctx, item)
	return found, err
}

// DiscoveredPlacement is where placement put one discovered item of a
// goal (bot.DiscoveredPlacement, named here for the store's callers).
type DiscoveredPlacement = bot.DiscoveredPlacement

// SetPlacements records the placement last computed for goal's discovered
// items, in one transaction: every source row of an item gets its
// placement; items not in ps become related, not placed. It reports
// whether anything changed, so the caller bumps the goal's status version
// only then.
func (db *DB) SetPlacements(ctx context.Context, goal string, ps []DiscoveredPlacement) (changed bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		want := map[string]DiscoveredPlacement{}
		for _, p := range ps {
			want[p.Item.String()] = p
		}
		rows, err := tx.QueryContext(ctx, db.rebind(`SELECT DISTINCT item, subgoal, rule, auto FROM discovered WHERE goal = ?`), goal)
		if err != nil {
			return err
		}
		type cur struct {
			item, subgoal, rule string
			auto                bool
		}
		var have []cur
		for rows.Next() {
			var c cur
			if err := rows.Scan(&c.item, &c.subgoal, &c.rule, &c.auto); err != nil {
				rows.Close()
				return err
			}
			have = append(have, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range have {
			p := want[c.item]
			if p.Subgoal == c.subgoal && p.Rule == c.rule && p.Auto == c.auto {
				continue
			}
			changed = true
			if _, err := tx.ExecContext(ctx, db.rebind(`UPDATE discovered SET subgoal = ?, rule = ?, auto = ? WHERE goal = ? AND item = ?`),
				p.Subgoal, p.Rule, p.Auto, goal, c.item); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("set placements of %s: %w", goal, err)
	}
	return changed, nil
}

// Untrack remembers that by removed item from goal with /goal untrack and
// drops what discovery found of it there, so that no later resync adds it
// back. With goal "" it does so for every goal discovery found the item
// for. It returns the goals it recorded, in order; recording one twice is
// no error.
func (db *DB) Untrack(ctx context.Context, goal string, item ref.Ref, by string) ([]string, error) {
	var goals []string
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		goals = goals[:0]
		if goal != "" {
			goals = append(goals, goal)
		} else {
			rows, err := tx.QueryContext(ctx, db.rebind(`SELECT DISTINCT goal FROM discovered WHERE item = ? ORDER BY goal`), item.String())
			if err != nil {
				return err
			}
			for rows.Next() {
				var g string
				if err := rows.Scan(&g); err != nil {
					rows.Close()
					return err
				}
				goals = append(goals, g)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for _, g := range goals {
			if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO untracked (goal, item, created_by, created_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (goal, item) DO NOTHING`), g, item.String(), by, db.Now().UTC()); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM discovered WHERE goal = ? AND item = ?`), g, item.String()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("untrack %s from %s: %w", item, orAll(goal), err)
	}
	return goals, nil
}

// Retrack forgets that item was untracked from goal: a person tracked it
// again with /goal track, which overrides the earlier untrack. It reports
// whether there was anything to forget.
func (db *DB) Retrack(ctx context.Context, goal string, item ref.Ref) (bool, error) {
	res, err := db.exec(ctx, `DELETE FROM untracked WHERE goal = ? AND item = ?`, goal, item.String())
	if err != nil {
		return false, fmt.Errorf("retrack %s on %s: %w", item, goal, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// UntrackedItems returns what people untracked from goal, oldest first.
func (db *DB) UntrackedItems(ctx context.Context, goal string) ([]bot.Untracked, error) {
	rows, err := db.query(ctx, `SELECT goal, item, created_by, created_at FROM untracked WHERE goal = ? ORDER BY created_at, item`, goal)
	if err != nil {
		return nil, fmt.Errorf("untracked items of %s: %w", goal, err)
	}
	defer rows.Close()
	var out []bot.Untracked
	for rows.Next() {
		var u bot.Untracked
		var item string
		var at time.Time
		if err := rows.Scan(&u.Goal, &item, &u.By, &at); err != nil {
			return nil, fmt.Errorf("untracked items of %s: %w", goal, err)
		}
		if u.Item, err = ref.Parse(item, ref.Ref{}); err != nil {
			return nil, fmt.Errorf("untracked items of %s: %w", goal, err)
		}
		u.At = at.UTC()
		out = append(out, u)
	}
	return out, rows.Err()
}

// orAll names a goal in messages, "every goal" for "".
func orAll(goal string) string {
	if goal == "" {
		return "every goal"
	}
	return goal
}

// ReplaceDiscoveryLinks makes links the whole set of goal's links placed
// by discovery (origin bot.OriginDiscovery), in one transaction; links of
// other origins are untouched. It reports whether the set changed.
func (db *DB) ReplaceDiscoveryLinks(ctx context.Context, goal string, links []bot.Link) (changed bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, db.rebind(`SELECT subgoal, item FROM links WHERE goal = ? AND origin = ?`), goal, bot.OriginDiscovery)
		if err != nil {
			return err
		}
		have := map[[2]string]bool{}
		for rows.Next() {
			var k [2]string
			if err := rows.Scan(&k[0], &k[1]); err != nil {
				rows.Close()
				return err
			}
			have[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		want := map[[2]string]bool{}
		for _, l := range links {
			want[[2]string{l.Subgoal, l.Item.String()}] = true
		}
		if len(want) == len(have) {
			same := true
			for k := range want {
				same = same && have[k]
			}
			if same {
				return nil
			}
		}
		changed = true
		if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM links WHERE goal = ? AND origin = ?`), goal, bot.OriginDiscovery); err != nil {
			return err
		}
		now := db.Now().UTC()
		for _, l := range links {
			if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO links (`+linkColumns+`) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
				goal, l.Subgoal, l.Item.String(), bot.OriginDiscovery, "", now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("replace discovery links of %s: %w", goal, err)
	}
	return changed, nil
}

// Followers returns what makes goalbot follow an item: every link to it,
// across goals (ordered by goal, subgoal and origin), and the goals
// discovery found it for (untracked ones left out, ordered). Every
// delivery about an item asks both, so they come in one query.
func (db *DB) Followers(ctx context.Context, item ref.Ref) (links []bot.Link, discovered []string, err error) {
	l, d, err := db.FollowersOf(ctx, []ref.Ref{item})
	return l[item], d[item], err
}

// FollowersOf is Followers for several items in one query, by item.
func (db *DB) FollowersOf(ctx context.Context, items []ref.Ref) (links map[ref.Ref][]bot.Link, discovered map[ref.Ref][]string, err error) {
	links, discovered = map[ref.Ref][]bot.Link{}, map[ref.Ref][]string{}
	if len(items) == 0 {
		return links, discovered, nil
	}
	in := placeholders(len(items))
	args := refArgs(items)
	rows, err := db.query(ctx, `SELECT 0, `+linkColumns+` FROM links WHERE item IN (`+in+`)
		UNION ALL
		SELECT 1, f.goal, '', f.item, '', '', NULL FROM (SELECT DISTINCT d.goal, d.item FROM discovered d WHERE d.item IN (`+in+`) AND `+notUntracked+`) f
		ORDER BY 4, 1, 2, 3, 5`, append(args, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("followers of %d items: %w", len(items), err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind int
		var l bot.Link
		var it string
		var at sql.NullTime
		if err := rows.Scan(&kind, &l.Goal, &l.Subgoal, &it, &l.Origin, &l.By, &at); err != nil {
			return nil, nil, fmt.Errorf("followers of %d items: %w", len(items), err)
		}
		if l.Item, err = ref.Parse(it, ref.Ref{}); err != nil {
			return nil, nil, fmt.Errorf("followers of %d items: %w", len(items), err)
		}
		if kind == 1 {
			discovered[l.Item] = append(discovered[l.Item], l.Goal)
			continue
		}
		l.At = at.Time.UTC()
		links[l.Item] = append(links[l.Item], l)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("followers of %d items: %w", len(items), err)
	}
	return links, discovered, nil
}
