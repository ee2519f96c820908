package bot

// Webhook events as the handlers use them, decoded from GitHub's payloads
// by bot/gh (gh.ParseEvent): plain values, no go-github types.

// ItemEvent is an issues or pull_request delivery.
type ItemEvent struct {
	Action string // opened, edited, labeled, unlabeled, closed, reopened, …
	Item   Issue  // the issue or pull request as the payload shows it
	Label  string // the label added or removed (labeled, unlabeled)
	// HasLabel: the payload names a label (Label may still be "").
	HasLabel bool
}

// CommentEvent is an issue_comment delivery.
type CommentEvent struct {
	Action  string // created, edited, deleted
	Item    Issue  // the issue or pull request commented on
	Comment Comment
	// PrevBody is the body before an edit, "" when the payload has none.
	PrevBody string
}

// ReviewEvent is a pull_request_review delivery.
type ReviewEvent struct {
	Action string // submitted, edited, dismissed
	Item   Issue  // the pull request
	Review Comment
}

// PushEvent is a push delivery.
type PushEvent struct {
	Repo          string // owner/name, lower case
	DefaultBranch string
	Ref           string   // refs/heads/BRANCH
	After         string   // the pushed commit
	Changed       []string // paths added or modified by the pushed commits
}
