// Package config loads goalbot.toml and GOALBOT_* environment variables
// into one validated Config, so every subcommand sees the same settings and
// every mistake is reported with the file line or variable that caused it.
package config

import (
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// Config is goalbot's effective configuration: built-in defaults, then the
// file, then the environment. Secrets are Secret values that never print.
type Config struct {
	Listen         string   // listen address, ":8080"
	DatabaseURL    DSN      // sqlite:PATH or postgres://…
	WebhookSecrets []Secret // any may sign a delivery (rotation)
	LogLevel       string   // debug, info, warn or error

	HTTP     HTTP
	GitHub   GitHub
	Goals    []GoalSource
	Status   Status
	FCP      FCP
	Notices  Notices
	Digest   Digest
	Sync     Sync
	Commands Commands
	Store    Store
	Jobs     Jobs

	src *sources // where each key came from, for messages; nil when built in code
}

// HTTP holds the optional extra listeners: a deployment can expose
// /webhook and the dashboard publicly and keep /metrics internal. Empty
// means "on Listen".
type HTTP struct {
	DashboardListen string // dashboard pages, /api/v1 and feeds; "" serves them on Listen
	MetricsListen   string // /metrics; "" serves it on Listen
}

// GitHub holds how goalbot reaches GitHub and who it is there.
type GitHub struct {
	APIURL         string // REST base URL with a trailing slash
	AppID          int64  // GitHub App id; 0 for token auth
	PrivateKey     Secret // App private key (PEM), inline or read from PrivateKeyFile
	PrivateKeyFile string // where PrivateKey was read from (relative to the working directory), "" when inline
	Token          Secret // token auth instead of an App
	BotLogin       string // the login the bot posts as
	RFCBotLogins   []string

	// FCPDays is how long an rfcbot FCP runs, in days (rfcbot: 10).
	// FCPDaysBy overrides it per repository ("owner/repo") or per trusted
	// bot login: rfcbot-rs forks run other lengths (Matrix's mscbot: 5).
	FCPDays   int
	FCPDaysBy map[string]int
}

// AppAuth reports whether GitHub App authentication is configured.
func (g GitHub) AppAuth() bool { return g.AppID != 0 && g.PrivateKey.IsSet() }

// GoalSource is one [[goals]] entry: a local directory, or a path in a
// repository read through the contents API.
type GoalSource struct {
	Dir      string // local directory; exclusive with Repo
	Repo     string // owner/repo
	Path     string // folder in Repo
	Ref      string // branch, tag or commit; "" for the default branch
	BookTOML string // book.toml with shared link definitions, "" for none
	Notices  bool   // transition notices for goals of this source

	TrackingIssues map[string]ref.Ref // goal id → tracking issue override
	Links          []Link
}

// Link ties a goal's subgoal to an item explicitly.
type Link struct {
	Goal    string  // goal id (file name without .md) or period/id
	Subgoal string  // title (case-insensitive), stable id, or line number
	Item    ref.Ref // the issue or pull request
}

// Status configures how item states become subgoal statuses.
type Status struct {
	Aggregate string // "least" or "most": how a subgoal with several items takes its status
	Rules     []Rule // tried in order before the built-in rules
}

// Rule maps an item state to a status: it is status.Rule, decoded straight
// from [[status.rules]], so every condition the built-in rules use (kind,
// state, labels, fcp, mcp, disposition, concerns) can be written.
type Rule = status.Rule

// FCP configures which rfcbot FCPs and triagebot MCPs goalbot follows.
type FCP struct {
	// TrackAll follows every issue or pull request of an installed
	// repository on which rfcbot runs an FCP or that is labelled as an MCP,
	// whether or not a goal links it (state only: shown on the dashboard's
	// /fcps and /people pages, never commented on). Off: linked items only.
	TrackAll bool
}

// Notices switches transition notices on for every goal.
type Notices struct {
	Enabled bool
}

// Digest configures the weekly digest issue.
type Digest struct {
	Repo          string // owner/repo; "" turns the digest off
	Schedule      string // as written, e.g. "Mon 09:00"
	Weekday       time.Weekday
	Hour, Minute  int // UTC
	Labels        []string
	StaleDays     int // subgoals with no movement for this many days are listed
	ClosePrevious bool
	Mention       bool // @-mention reviewers; off by default
}

// Sync configures periodic reconciliation with GitHub.
type Sync struct {
	Interval  time.Duration // at least a minute
	Redeliver bool          // recover missed deliveries for App installs
}

// Store configures what the database keeps.
type Store struct {
	// Retention is how long stored deliveries and finished jobs are kept.
	// It is at least RedeliveryWindow, so that the duplicate check still
	// knows every delivery GitHub may redeliver.
	Retention time.Duration
}

// RedeliveryWindow is how far back GitHub lets a delivery be redelivered
// (by hand, or by goalbot's own recovery): 3 days. A delivery id older
// than that cannot come again, so it may be forgotten.
const RedeliveryWindow = 3 * 24 * time.Hour

// Commands configures slash commands.
type Commands struct {
	// Permissions maps a verb to the author associations that may use it:
	// OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, AUTHOR (the item's author)
	// or ANYONE.
	Permissions map[string][]string
}

// Allows reports whether someone with the given author association (as
// GitHub reports it, e.g. "MEMBER") may run verb; author says whether they
// wrote the item the command is on.
func (c Commands) Allows(verb, association string, author bool) bool {
	for _, who := range c.Permissions[verb] {
		switch {
		case who == "ANYONE",
			who == "AUTHOR" && author,
			who == association && association != "":
			return true
		}
	}
	return false
}

// Default returns the built-in configuration.
func Default() *Config {
	return &Config{
		Listen:      ":8080",
		DatabaseURL: NewDSN("sqlite:goalbot.db"),
		LogLevel:    "info",
		GitHub: GitHub{
			APIURL:       "https://api.github.com/",
			RFCBotLogins: []string{"rfcbot", "rust-rfcbot"},
			FCPDays:      10,
		},
		FCP:    FCP{TrackAll: true},
		Status: Status{Aggregate: "least"},
		Digest: Digest{
			Schedule:      "Mon 09:00",
			Weekday:       time.Monday,
			Hour:          9,
			Labels:        []string{"goal-digest"},
			StaleDays:     28,
			ClosePrevious: true,
		},
		Sync:     Sync{Interval: 15 * time.Minute, Redeliver: true},
		Store:    Store{Retention: 14 * 24 * time.Hour},
		Commands: Commands{Permissions: defaultPermissions()},
		Jobs:     Jobs{Workers: DefaultJobWorkers, Poll: DefaultJobPoll},
	}
}

func defaultPermissions() map[string][]string {
	return map[string][]string{
		"track":   {"OWNER", "MEMBER", "COLLABORATOR", "AUTHOR"},
		"untrack": {"OWNER", "MEMBER", "COLLABORATOR", "AUTHOR"},
		"refresh": {"OWNER", "MEMBER", "COLLABORATOR"},
		"status":  {"ANYONE"},
		"help":    {"ANYONE"},
	}
}

// Known values, checked by Validate.
var (
	logLevels    = []string{"debug", "info", "warn", "error"}
	aggregates   = []string{"least", "most"}
	verbs        = []string{"track", "untrack", "refresh", "status", "help"}
	associations = []string{"OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "AUTHOR", "ANYONE"}
)
