package webhook

import (
	"bytes"
	"strings"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/tidwall/gjson"
)

// head is what the receiver reads of a payload: routing fields and, for
// deliveries about one issue or pull request, that item.
type head struct {
	action       string
	repo         string // owner/name, lower-case
	installation int64
	number       int64 // the issue or pull request the delivery is about; 0 none
}

// headPaths are the payload fields head reads, in order.
var headPaths = []string{"action", "repository.full_name", "installation.id", "issue.number", "pull_request.number"}

// parseHead validates body as a JSON object and reads its head without
// decoding the rest: a comment payload is mostly text the receiver never
// looks at. ok is false for anything but a JSON object.
func parseHead(body []byte) (h head, ok bool) {
	if !gjson.ValidBytes(body) {
		return h, false
	}
	if !gjson.ParseBytes(body).IsObject() {
		return h, false
	}
	r := gjson.GetManyBytes(body, headPaths...)
	h.action = r[0].String()
	h.repo = strings.ToLower(r[1].String())
	h.installation = r[2].Int()
	h.number = r[3].Int()
	if h.number == 0 {
		h.number = r[4].Int()
	}
	return h, true
}

// item names the issue or pull request the delivery is about, as the store
// names items ("" when it is about none).
func (h head) item() string {
	owner, name, ok := strings.Cut(h.repo, "/")
	if !ok || owner == "" || name == "" || h.number <= 0 {
		return ""
	}
	return ref.New(owner, name, int(h.number)).String()
}

// itemEvents are the events whose handlers act only on tracked items, or
// on commands in their text.
var itemEvents = map[string]bool{"issues": true, "pull_request": true, "issue_comment": true, "pull_request_review": true}

// mayHoldCommand reports whether a payload might hold a command: "/goal"
// or a mention of login anywhere in it (in any field, escaped or not).
// lower is the payload lower-cased by lowerASCII. It errs on the side of
// yes; command.Find decides for real in the job.
func mayHoldCommand(body, lower []byte, login string) bool {
	if bytes.Contains(body, []byte("/goal")) || bytes.Contains(body, []byte(`\/goal`)) || bytes.Contains(body, []byte(`\u002fgoal`)) {
		return true
	}
	login = strings.TrimPrefix(login, "@")
	if len(login) > 5 && strings.EqualFold(login[len(login)-5:], "[bot]") {
		login = login[:len(login)-5]
	}
	if login == "" {
		return true // who would be mentioned is unknown
	}
	return containsFold(lower, "@"+login) || containsFold(lower, `\u0040`+login)
}

// lowerASCII returns a copy of b with ASCII letters lower-cased, so that
// several words can then be looked for with containsFold: one pass over a
// payload instead of one case-folding scan per word.
func lowerASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// containsFold reports whether lower, a text lowerASCII returned, holds
// word, ASCII case folded.
func containsFold(lower []byte, word string) bool {
	for i := 0; i < len(word); i++ {
		if c := word[i]; 'A' <= c && c <= 'Z' {
			return bytes.Contains(lower, lowerASCII([]byte(word)))
		}
	}
	return bytes.Contains(lower, []byte(word))
}
