package dashboard

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/goalbot/goalbot/bot/ref"
)

// itemURL returns the github.com address of an item: /pull/N for pull
// requests, /issues/N otherwise. Owner and repository are path-escaped so
// that a hand-made reference cannot break out of the path.
func itemURL(r ref.Ref, isPull bool) string {
	kind := "issues"
	if isPull {
		kind = "pull"
	}
	return "https://github.com/" + url.PathEscape(r.Owner) + "/" + url.PathEscape(r.Repo) + "/" + kind + "/" + strconv.Itoa(r.Number)
}

// githubItemPath matches the path of an issue or pull request on github.com.
var githubItemPath = regexp.MustCompile(`^/[A-Za-z0-9-]+/[A-Za-z0-9._-]+/(issues|pull)/[1-9][0-9]*$`)

// githubFragment matches the comment anchors GitHub uses.
var githubFragment = regexp.MustCompile(`^(issuecomment-[1-9][0-9]*|pullrequestreview-[1-9][0-9]*|discussion_r[1-9][0-9]*)?$`)

// githubURL returns raw when it is a well-formed https address of an issue
// or pull request (optionally a comment anchor) on github.com, and fallback
// otherwise: URLs copied from comments (rfcbot's concern links, which in
// 2024 carried negative comment ids) are never trusted as they are.
func githubURL(raw, fallback string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "https" || !strings.EqualFold(u.Host, "github.com") || u.User != nil ||
		u.RawQuery != "" || !githubItemPath.MatchString(u.Path) || !githubFragment.MatchString(u.Fragment) {
		return fallback
	}
	out := "https://github.com" + u.Path
	if u.Fragment != "" {
		out += "#" + u.Fragment
	}
	return out
}
