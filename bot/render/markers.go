package render

import "fmt"

// Hidden first lines naming what a bot-authored comment is, so that a
// write whose answer was lost can be found and adopted instead of made
// twice. Each names one thing: the living comment of a goal (Marker), the
// digest of a week (DigestMarker), the reply to one revision of one
// command comment (ReplyMarker), the notice of one transition
// (NoticeMarker).
const (
	replyPrefix = "<!-- goalbot:reply "
)

// ReplyMarker returns the hidden first line of goalbot's reply to the
// commands of one comment (key: the comment, review or issue body) at one
// revision of its text.
func ReplyMarker(key int64, revision string) string {
	return fmt.Sprintf("%skey=%d rev=%s%s", replyPrefix, key, SafeID(revision), markerSuffix)
}

// NoticeMarker returns the hidden first line of the notice of one
// transition: the goal, and a key naming the subgoal, the new status and
// when it changed.
func NoticeMarker(goalID, key string) string {
	if key == "" {
		return noticePrefix + SafeID(goalID) + markerSuffix
	}
	return noticePrefix + SafeID(goalID) + " transition=" + SafeID(key) + markerSuffix
}
