package tracker

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/discover"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
)

// DiscoveryStore is what discovery needs of the store: what it found per
// goal and source, where placement put it, what people untracked, and the
// goal's links placed by discovery (origin bot.OriginDiscovery).
type DiscoveryStore interface {
	AddDiscovered(ctx context.Context, d bot.Discovered) (bool, error)
	ReplaceDiscovered(ctx context.Context, goal, source string, items []bot.Discovered) error
	Discovered(ctx context.Context, goal string) ([]bot.Discovered, error)
	DiscoveredGoals(ctx context.Context, item ref.Ref) ([]string, error)
	// FollowersOf is LinksToItem and DiscoveredGoals for several items in
	// one query, by item.
	FollowersOf(ctx context.Context, items []ref.Ref) (map[ref.Ref][]bot.Link, map[ref.Ref][]string, error)
	SetPlacements(ctx context.Context, goal string, ps []bot.DiscoveredPlacement) (bool, error)
	ReplaceDiscoveryLinks(ctx context.Context, goal string, links []bot.Link) (bool, error)
	Untrack(ctx context.Context, goal string, item ref.Ref, by string) ([]string, error)
	Retrack(ctx context.Context, goal string, item ref.Ref) (bool, error)
	TimelineCursor(ctx context.Context, goal string) (string, error)
	SetTimelineCursor(ctx context.Context, goal, cursor string) error
}

// finder returns the reference finder; goalbot's own login is ignored
// besides the bots discover ignores by default.
func (t *Tracker) finder(ctx context.Context) *discover.Finder {
	var ignore []string
	if login, err := t.gh.BotLogin(ctx); err == nil && login != "" {
		ignore = append(ignore, login)
	}
	return discover.NewFinder(nil, ignore)
}

// discoverDocument records the goal-level references of a loaded goal
// document (outside its rows) as the goal's document-found items.
func (t *Tracker) discoverDocument(ctx context.Context, goalID string, doc *goaldoc.Document) error {
	found := make([]bot.Discovered, 0, len(doc.References))
	for _, r := range doc.References {
		found = append(found, bot.Discovered{Goal: goalID, Item: r.Item, Source: bot.SourceDocument})
	}
	if err := t.store.ReplaceDiscovered(ctx, goalID, bot.SourceDocument, found); err != nil {
		return fmt.Errorf("discover items of %s: %w", goalID, err)
	}
	return nil
}

// placements runs placement for a goal over what discovery found: the
// goal's hand-made links (document, config, commands) hold their items,
// the rest go where discover.Place puts them. It returns the placements
// and the stored items they name (absent when not read yet).
func (t *Tracker) placements(ctx context.Context, g bot.Goal, doc *goaldoc.Document, links []bot.Link) ([]discover.Placement, map[ref.Ref]*bot.Item, error) {
	found, err := t.store.Discovered(ctx, g.ID)
	if err != nil {
		return nil, nil, err
	}
	items := map[ref.Ref]*bot.Item{}
	plain := map[ref.Ref]bot.Item{}
	for _, d := range found {
		if _, ok := items[d.Item]; ok {
			continue
		}
		it, err := t.store.Item(ctx, d.Item)
		switch {
		case bot.ErrorCode(err) == bot.ENOTFOUND:
			items[d.Item] = nil
			continue
		case err != nil:
			return nil, nil, fmt.Errorf("load item %s: %w", d.Item, err)
		}
		items[d.Item], plain[d.Item] = &it, it
	}
	dg := discover.GoalFromDocument(doc)
	dg.TrackingIssue = g.TrackingIssue // the configured one, when config names it
	dg.Subgoals = handItems(dg.Subgoals, links)
	return discover.Place(dg, discover.Candidates(found, plain), nil), items, nil
}

// handItems puts the goal's links not made by discovery on their subgoals
// (GoalFromDocument has the row links only).
func handItems(subs []discover.Subgoal, links []bot.Link) []discover.Subgoal {
	at := map[string]int{}
	for i, s := range subs {
		at[s.ID] = i
	}
	for _, l := range links {
		i, ok := at[l.Subgoal]
		if !ok || l.Origin == bot.OriginDiscovery || l.Origin == bot.OriginDocument {
			continue
		}
		subs[i].Items = append(subs[i].Items, l.Item)
	}
	return subs
}

// Place places a goal's discovered items again: placements are stored,
// the goal's discovery links replaced, reads asked for items not read yet,
// and the goal recomputed (its living comment rendered) when anything
// shown changed.
func (t *Tracker) Place(ctx context.Context, goalID string, c cause) error {
	// Under the goal's lock, like a recomputation: two placements of one
	// goal at once could otherwise store the older one's result last.
	unlock, err := t.store.LockGoal(ctx, goalID)
	if err != nil {
		return fmt.Errorf("lock goal %s: %w", goalID, err)
	}
	res, err := t.place(ctx, goalID)
	unlock()
	if err != nil {
		return err
	}
	changed := res.moved || res.relinked
	if changed {
		t.logger(ctx).Info().Str("goal", goalID).Int("placed", res.placed).Int("found", res.found).Msg("discovered items placed")
	}
	c.Shown = c.Shown || changed
	return t.Recompute(ctx, goalID, c)
}

// placeResult is what storing a goal's placements did.
type placeResult struct {
	moved, relinked bool // a placement, a discovery link changed
	placed, found   int  // items placed on a row, found in all
}

// place computes and stores a goal's placements; Place holds the lock.
func (t *Tracker) place(ctx context.Context, goalID string) (placeResult, error) {
	var res placeResult
	g, doc, err := t.goalDoc(ctx, goalID)
	if err != nil {
		return res, err
	}
	links, err := t.store.Links(ctx, goalID)
	if err != nil {
		return res, fmt.Errorf("links of %s: %w", goalID, err)
	}
	ps, items, err := t.placements(ctx, g, doc, links)
	if err != nil {
		return res, fmt.Errorf("place items of %s: %w", goalID, err)
	}
	var stored []bot.DiscoveredPlacement
	var auto []bot.Link
	for _, p := range ps {
		stored = append(stored, bot.DiscoveredPlacement{Item: p.Item, Subgoal: p.Subgoal, Rule: p.Rule, Auto: p.Auto})
		if p.Subgoal != "" {
			auto = append(auto, bot.Link{Goal: goalID, Subgoal: p.Subgoal, Item: p.Item, Origin: bot.OriginDiscovery})
		}
	}
	if res.moved, err = t.store.SetPlacements(ctx, goalID, stored); err != nil {
		return res, err
	}
	if res.relinked, err = t.store.ReplaceDiscoveryLinks(ctx, goalID, auto); err != nil {
		return res, err
	}
	for r, it := range items {
		if it == nil {
			if err := t.enqueue(ctx, RefreshItem{Item: r.String()}); err != nil {
				return res, err
			}
		}
	}
	res.placed, res.found = len(auto), len(ps)
	return res, nil
}

// handleDiscovery finds references to goals' tracking issues in issue and
// PR descriptions (opened, edited) and comments (created, edited), and
// links in goal owners' comments on a tracking issue. What it finds
// becomes a candidate item of the goal; it never writes to GitHub beyond
// the living comment that placement renders.
func (t *Tracker) handleDiscovery(ctx context.Context, d bot.Delivery) error {
	ev, err := parseEvent(ctx, d)
	if err != nil {
		return err
	}
	var sn bot.Issue
	var text discover.Text
	source, via := bot.SourceBody, ""
	switch e := ev.(type) {
	case *bot.ItemEvent:
		if e.Action != "opened" && e.Action != "edited" {
			return nil
		}
		sn = e.Item
		text = discover.Text{Body: sn.Body, Author: sn.Author, Bot: sn.AuthorType == "Bot", Base: sn.Repo}
		via = sn.Repo.String()
	case *bot.CommentEvent:
		if e.Action != "created" && e.Action != "edited" {
			return nil
		}
		sn = e.Item
		c := e.Comment
		text = discover.Text{Body: c.Body, Author: c.Author, Bot: c.AuthorType == "Bot", Base: sn.Repo}
		source, via = bot.SourceComment, c.URL
	default:
		return nil
	}
	text.Body = withoutCommands(text.Body, t.botSlug(ctx))
	if !strings.Contains(text.Body, "#") && !strings.Contains(text.Body, "/issues/") {
		return nil // names no issue at all: the common case, decided without the store
	}
	f := t.finder(ctx)
	if f.Ignored(text) {
		return nil
	}
	goals, err := t.store.Goals(ctx)
	if err != nil {
		return fmt.Errorf("list goals: %w", err)
	}
	touched := map[string]bool{}
	for _, g := range goals {
		if g.TrackingIssue.IsZero() {
			continue
		}
		if g.TrackingIssue == sn.Repo {
			if source == bot.SourceComment && g.Doc != nil && isOwner(g.Doc, text.Author) {
				for _, r := range f.Links(text) {
					if err := t.addDiscovered(ctx, bot.Discovered{Goal: g.ID, Item: r, Source: bot.SourceUpdate, Via: via}, touched); err != nil {
						return err
					}
				}
			}
			continue
		}
		ms := f.Mentions(text, g.TrackingIssue)
		if len(ms) == 0 {
			continue
		}
		named := ""
		for _, m := range ms {
			if m.Subgoal != "" {
				named = m.Subgoal
				break
			}
		}
		if err := t.addDiscovered(ctx, bot.Discovered{Goal: g.ID, Item: sn.Repo, Source: source, Via: via, Named: named}, touched); err != nil {
			return err
		}
	}
	if len(touched) == 0 {
		return nil
	}
	// Keep what the payload shows of the referencing item (its status is
	// shown), then place every goal that found something.
	c := cause{DeliveryID: d.ID, Item: sn.Repo, Shown: true} // the item is listed, placed or not
	if err := t.saveSnapshot(ctx, sn); err != nil {
		return err
	}
	for _, g := range sortedKeys(touched) {
		if err := t.Place(ctx, g, c); err != nil {
			return err
		}
	}
	return nil
}

// addDiscovered stores one finding and notes its goal in touched when it
// was stored (an untracked item is not).
func (t *Tracker) addDiscovered(ctx context.Context, d bot.Discovered, touched map[string]bool) error {
	ok, err := t.store.AddDiscovered(ctx, d)
	if err != nil {
		return err
	}
	if ok {
		touched[d.Goal] = true
		t.logger(ctx).Info().Str("goal", d.Goal).Str("item", d.Item.String()).Str("source", d.Source).Str("named", d.Named).Msg("item discovered")
	}
	return nil
}

// saveSnapshot stores what a payload shows of an item goalbot now follows
// through discovery, and asks for a full read (comments, FCP history).
func (t *Tracker) saveSnapshot(ctx context.Context, sn bot.Issue) error {
	if _, err := t.store.UpdateItem(ctx, sn.Repo, func(it *bot.Item, exists bool) (bool, error) {
		if exists {
			return false, nil // the item's own handlers keep it current
		}
		*it = core.NewItem(sn.Repo)
		core.Merge(it, sn)
		core.ApplyLabels(it, sn)
		return true, nil
	}); err != nil {
		return fmt.Errorf("update item %s: %w", sn.Repo, err)
	}
	return t.enqueue(ctx, RefreshItem{Item: sn.Repo.String()})
}

// isOwner reports whether login is an owner or point of contact of the
// goal document.
func isOwner(doc *goaldoc.Document, login string) bool {
	login = strings.TrimPrefix(login, "@")
	for _, o := range append(append([]string{}, doc.Owners...), doc.PointOfContact...) {
		if strings.EqualFold(strings.TrimPrefix(o, "@"), login) {
			return true
		}
	}
	return false
}

// sortedKeys returns a set's keys in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// placeFound places again each goal discovery found a changed item for:
// its kind or title may place it now, and its status shows in the goal's
// "Related, not placed" list.
func (t *Tracker) placeFound(ctx context.Context, goals []string, c cause) error {
	c.Shown = true
	for _, g := range goals {
		if err := t.Place(ctx, g, c); err != nil {
			return err
		}
	}
	return nil
}

// digestRelated lists every goal's related, not placed items for the
// weekly digest.
func (t *Tracker) digestRelated(ctx context.Context, goals []bot.Goal) ([]render.DigestRelated, error) {
	var out []render.DigestRelated
	for _, g := range goals {
		if g.Doc == nil {
			continue
		}
		links, err := t.store.Links(ctx, g.ID)
		if err != nil {
			return nil, fmt.Errorf("links of %s: %w", g.ID, err)
		}
		ps, items, err := t.placements(ctx, g, g.Doc, links)
		if err != nil {
			return nil, fmt.Errorf("related items of %s: %w", g.ID, err)
		}
		for _, r := range core.RelatedItems(ps, items, t.rules) {
			out = append(out, render.DigestRelated{Goal: g.ID, Item: r.Item, Status: r.Status, Detail: r.Detail})
		}
	}
	return out, nil
}

// untrackDiscovered remembers that by removed item from goalID (every goal
// discovery found it for when goalID is "") so no resync finds it again,
// and places those goals again. It reports whether discovery had found the
// item for any goal concerned.
func (t *Tracker) untrackDiscovered(ctx context.Context, goalID string, item ref.Ref, by string) (bool, error) {
	found, err := t.store.DiscoveredGoals(ctx, item)
	if err != nil {
		return false, err
	}
	var goals []string
	for _, g := range found {
		if goalID == "" || g == goalID {
			goals = append(goals, g)
		}
	}
	for _, g := range goals {
		if _, err := t.store.Untrack(ctx, g, item, by); err != nil {
			return false, err
		}
		if err := t.Place(ctx, g, cause{Item: item, Shown: true}); err != nil {
			return false, err
		}
	}
	return len(goals) > 0, nil
}

// retrack forgets an earlier /goal untrack of item from goalID (a person
// tracked it again) and places the goal's discovered items again: the
// item is now on a row by hand, so discovery no longer lists it.
func (t *Tracker) retrack(ctx context.Context, goalID string, item ref.Ref) error {
	if _, err := t.store.Retrack(ctx, goalID, item); err != nil {
		return err
	}
	found, err := t.store.DiscoveredGoals(ctx, item)
	if err != nil {
		return err
	}
	for _, g := range found {
		if g == goalID {
			return t.Place(ctx, goalID, cause{Item: item, Shown: true})
		}
	}
	return nil
}

// withoutCommands drops the command lines of a text (a line starting with
// /goal or @slug): a command is the commands handler's to run or refuse,
// so a refused /goal track must not place its item through discovery.
func withoutCommands(body, slug string) string {
	if !strings.Contains(body, "/goal") && (slug == "" || !strings.Contains(strings.ToLower(body), "@"+slug)) {
		return body
	}
	lines := strings.Split(body, "\n")
	out := lines[:0]
	for _, l := range lines {
		f := strings.ToLower(strings.TrimSpace(l))
		if strings.HasPrefix(f, "/goal") || (slug != "" && strings.HasPrefix(f, "@"+slug)) {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// botSlug is goalbot's login without "[bot]", lower-case, as commands
// address it ("" when unknown).
func (t *Tracker) botSlug(ctx context.Context) string {
	login, err := t.gh.BotLogin(ctx)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(login, "[bot]"))
}
