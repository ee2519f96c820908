package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// fileConfig is goalbot.toml as written. Pointers tell "absent" (keep the
// default) from "set to the zero value". Its toml tags are the list of
// known keys.
type fileConfig struct {
	Listen         *string      `toml:"listen"`
	DatabaseURL    *string      `toml:"database_url"`
	WebhookSecrets *[]string    `toml:"webhook_secrets"`
	LogLevel       *string      `toml:"log_level"`
	HTTP           fileHTTP     `toml:"http"`
	GitHub         fileGitHub   `toml:"github"`
	Goals          []fileGoal   `toml:"goals"`
	Status         fileStatus   `toml:"status"`
	FCP            fileFCP      `toml:"fcp"`
	Notices        fileNotices  `toml:"notices"`
	Digest         fileDigest   `toml:"digest"`
	Sync           fileSync     `toml:"sync"`
	Commands       fileCommands `toml:"commands"`
	Store          fileStore    `toml:"store"`
	Jobs           fileJobs     `toml:"jobs"`
}

type fileStore struct {
	Retention *string `toml:"retention"`
}

type fileHTTP struct {
	DashboardListen *string `toml:"dashboard_listen"`
	MetricsListen   *string `toml:"metrics_listen"`
}

type fileGitHub struct {
	APIURL         *string        `toml:"api_url"`
	AppID          *int64         `toml:"app_id"`
	PrivateKey     *string        `toml:"private_key"`
	PrivateKeyFile *string        `toml:"private_key_file"`
	Token          *string        `toml:"token"`
	BotLogin       *string        `toml:"bot_login"`
	RFCBotLogins   *[]string      `toml:"rfcbot_logins"`
	FCPDays        *int           `toml:"fcp_days"`
	FCPDaysBy      map[string]int `toml:"fcp_days_by"`
}

type fileGoal struct {
	Dir            string            `toml:"dir"`
	Repo           string            `toml:"repo"`
	Path           string            `toml:"path"`
	Ref            string            `toml:"ref"`
	BookTOML       string            `toml:"book_toml"`
	Notices        bool              `toml:"notices"`
	TrackingIssues map[string]string `toml:"tracking_issues"`
	Links          []fileLink        `toml:"links"`
}

type fileLink struct {
	Goal    string `toml:"goal"`
	Subgoal string `toml:"subgoal"`
	Item    string `toml:"item"`
}

type fileStatus struct {
	Aggregate *string       `toml:"aggregate"`
	Rules     []status.Rule `toml:"rules"` // decoded straight into the rules the status package evaluates
}

type fileFCP struct {
	TrackAll *bool `toml:"track_all"`
}

type fileNotices struct {
	Enabled *bool `toml:"enabled"`
}

type fileDigest struct {
	Repo          *string   `toml:"repo"`
	Schedule      *string   `toml:"schedule"`
	Labels        *[]string `toml:"labels"`
	StaleDays     *int      `toml:"stale_days"`
	ClosePrevious *bool     `toml:"close_previous"`
	Mention       *bool     `toml:"mention"`
}

type fileSync struct {
	Interval  *string `toml:"interval"`
	Redeliver *bool   `toml:"redeliver"`
}

type fileCommands struct {
	Permissions map[string][]string `toml:"permissions"`
}

// Load returns the effective configuration: defaults, then the TOML file at
// path (or at $GOALBOT_CONFIG when path is ""; no file when both are empty),
// then GOALBOT_* variables read through env (usually os.Getenv). It
// validates the result and reports every problem it finds, one line each,
// joined with errors.Join; on any problem the Config is nil.
func Load(path string, env func(string) string) (*Config, error) {
	if env == nil {
		env = func(string) string { return "" }
	}
	cfg := Default()
	cfg.src = &sources{lines: map[string]int{}, env: map[string]string{}}
	var problems []error

	if path == "" {
		path = env("GOALBOT_CONFIG")
	}
	if path != "" {
		doc, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		cfg.src.file = path
		fc, errs, err := decode(path, doc)
		if err != nil {
			return nil, err
		}
		cfg.src.lines = indexLines(doc)
		problems = append(problems, errs...)
		problems = append(problems, cfg.applyFile(fc)...)
	}
	problems = append(problems, cfg.applyEnv(env)...)
	problems = append(problems, cfg.readPrivateKey()...)
	cfg.GitHub.APIURL = normaliseAPIURL(cfg.GitHub.APIURL)
	problems = append(problems, cfg.validate()...)
	sortProblems(problems)
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return cfg, nil
}

// decode reads doc strictly. Unknown keys come back as problems (the rest
// of the document is still decoded); a syntax or type error, after which
// nothing else can be trusted, comes back as err.
func decode(path string, doc []byte) (fc fileConfig, problems []error, err error) {
	err = toml.NewDecoder(bytes.NewReader(doc)).DisallowUnknownFields().Decode(&fc)
	var strict *toml.StrictMissingError
	var de *toml.DecodeError
	switch {
	case err == nil:
		return fc, nil, nil
	case errors.As(err, &strict):
		var lines map[string]int
		for i := range strict.Errors {
			e := &strict.Errors[i]
			line, _ := e.Position()
			key := []string(e.Key())
			if lines == nil {
				lines = indexLines(doc)
			}
			key = fullKey(lines, line, key)
			msg := fmt.Sprintf("%s:%d: unknown key %q", path, line, strings.Join(key, "."))
			if s := suggest(key); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			problems = append(problems, &problem{line: line, text: msg})
		}
		return fc, problems, nil
	case errors.As(err, &de):
		line, col := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if key := strings.Join(de.Key(), "."); key != "" && !strings.Contains(msg, key) {
			return fc, nil, fmt.Errorf("%s:%d:%d: %s: %s", path, line, col, key, describeType(msg))
		}
		return fc, nil, fmt.Errorf("%s:%d:%d: syntax error: %s", path, line, col, msg)
	default:
		return fc, nil, fmt.Errorf("%s: %w", path, err)
	}
}

var (
	indexRE    = regexp.MustCompile(`\[\d+\]`)
	typeErrRE  = regexp.MustCompile(`^cannot decode TOML (\w+) into .* of type (\S+)$`)
	typeInTOML = map[string]string{
		"string": "a string", "*string": "a string",
		"int": "an integer", "*int": "an integer", "int64": "an integer", "*int64": "an integer",
		"bool": "true or false", "*bool": "true or false",
		"[]string": "an array of strings", "*[]string": "an array of strings",
		"map[string]string": "a table of strings", "map[string][]string": "a table of string arrays",
		"map[string]int": "a table of integers", "status.Status": "a string",
	}
)

// fullKey completes the key of an unknown field inside an inline table,
// which go-toml reports relative to that table, using the line index.
func fullKey(lines map[string]int, line int, key []string) []string {
	rel := strings.Join(key, ".")
	for path, l := range lines {
		if l != line {
			continue
		}
		if p := indexRE.ReplaceAllString(path, ""); p != rel && strings.HasSuffix(p, "."+rel) {
			return strings.Split(p, ".")
		}
	}
	return key
}

// describeType rewrites go-toml's type mismatch message in TOML terms.
func describeType(msg string) string {
	m := typeErrRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want, ok := typeInTOML[m[2]]
	if !ok {
		want = "a table"
		if strings.HasPrefix(m[2], "[]") {
			want = "an array of tables"
		}
	}
	got := "a " + m[1]
	if strings.IndexByte("aeiou", m[1][0]) >= 0 {
		got = "an " + m[1]
	}
	return fmt.Sprintf("must be %s, not %s", want, got)
}

// applyFile lays the file's values over the defaults.
func (c *Config) applyFile(f fileConfig) []error {
	var problems []error
	setStr(&c.Listen, f.Listen)
	if f.DatabaseURL != nil {
		c.DatabaseURL = NewDSN(*f.DatabaseURL)
	}
	if f.WebhookSecrets != nil {
		c.WebhookSecrets = nil
		for _, s := range *f.WebhookSecrets {
			c.WebhookSecrets = append(c.WebhookSecrets, NewSecret(s))
		}
	}
	setStr(&c.LogLevel, f.LogLevel)
	setStr(&c.HTTP.DashboardListen, f.HTTP.DashboardListen)
	setStr(&c.HTTP.MetricsListen, f.HTTP.MetricsListen)

	g := &c.GitHub
	setStr(&g.APIURL, f.GitHub.APIURL)
	if f.GitHub.AppID != nil {
		g.AppID = *f.GitHub.AppID
	}
	if f.GitHub.PrivateKey != nil {
		g.PrivateKey = NewSecret(*f.GitHub.PrivateKey)
	}
	setStr(&g.PrivateKeyFile, f.GitHub.PrivateKeyFile)
	if f.GitHub.Token != nil {
		g.Token = NewSecret(*f.GitHub.Token)
	}
	setStr(&g.BotLogin, f.GitHub.BotLogin)
	setStrs(&g.RFCBotLogins, f.GitHub.RFCBotLogins)
	if f.GitHub.FCPDays != nil {
		g.FCPDays = *f.GitHub.FCPDays
	}
	if len(f.GitHub.FCPDaysBy) > 0 {
		g.FCPDaysBy = map[string]int{}
		for k, v := range f.GitHub.FCPDaysBy {
			g.FCPDaysBy[strings.ToLower(strings.TrimSpace(k))] = v
		}
	}

	for i, fg := range f.Goals {
		src := GoalSource{Dir: fg.Dir, Repo: fg.Repo, Path: fg.Path, Ref: fg.Ref, BookTOML: fg.BookTOML, Notices: fg.Notices}
		if len(fg.TrackingIssues) > 0 {
			src.TrackingIssues = map[string]ref.Ref{}
		}
		for id, s := range fg.TrackingIssues {
			r, err := ref.Parse(s, ref.Ref{})
			if err != nil {
				problems = append(problems, c.src.errorf(fmt.Sprintf("goals[%d].tracking_issues.%s", i, id), "%v", err))
				continue
			}
			src.TrackingIssues[id] = r
		}
		for j, fl := range fg.Links {
			l := Link{Goal: fl.Goal, Subgoal: fl.Subgoal}
			key := fmt.Sprintf("goals[%d].links[%d]", i, j)
			if fl.Item == "" {
				problems = append(problems, c.src.errorf(key, "item is missing; write owner/repo#N or an issue URL"))
			} else if r, err := ref.Parse(fl.Item, ref.Ref{}); err != nil {
				problems = append(problems, c.src.errorf(key+".item", "%v", err))
			} else {
				l.Item = r
			}
			src.Links = append(src.Links, l)
		}
		c.Goals = append(c.Goals, src)
	}

	setStr(&c.Status.Aggregate, f.Status.Aggregate)
	c.Status.Rules = append(c.Status.Rules, f.Status.Rules...)
	if f.FCP.TrackAll != nil {
		c.FCP.TrackAll = *f.FCP.TrackAll
	}
	if f.Notices.Enabled != nil {
		c.Notices.Enabled = *f.Notices.Enabled
	}

	d := &c.Digest
	setStr(&d.Repo, f.Digest.Repo)
	if f.Digest.Schedule != nil {
		if err := d.setSchedule(*f.Digest.Schedule); err != nil {
			problems = append(problems, c.src.errorf("digest.schedule", "%v", err))
		}
	}
	setStrs(&d.Labels, f.Digest.Labels)
	if f.Digest.StaleDays != nil {
		d.StaleDays = *f.Digest.StaleDays
	}
	setBool(&d.ClosePrevious, f.Digest.ClosePrevious)
	setBool(&d.Mention, f.Digest.Mention)

	if f.Sync.Interval != nil {
		iv, err := time.ParseDuration(*f.Sync.Interval)
		if err != nil {
			problems = append(problems, c.src.errorf("sync.interval", "%q is not a duration; write e.g. \"15m\" or \"1h\"", *f.Sync.Interval))
		} else {
			c.Sync.Interval = iv
		}
	}
	setBool(&c.Sync.Redeliver, f.Sync.Redeliver)
	problems = append(problems, c.applyStore(f.Store)...)

	problems = append(problems, c.applyJobs(f.Jobs)...)

	for verb, who := range f.Commands.Permissions {
		up := make([]string, len(who))
		for i, w := range who {
			up[i] = strings.ToUpper(strings.TrimSpace(w))
		}
		c.Commands.Permissions[verb] = up
	}
	return problems
}

func setStr(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func setStrs(dst *[]string, v *[]string) {
	if v != nil {
		*dst = append([]string{}, (*v)...)
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// setSchedule parses "Mon 09:00" (weekday, full or abbreviated, and UTC
// time) into d.
func (d *Digest) setSchedule(s string) error {
	bad := fmt.Errorf("%q is not a weekday and UTC time; write e.g. \"Mon 09:00\"", s)
	fields := strings.Fields(s)
	if len(fields) != 2 {
		return bad
	}
	day, ok := parseWeekday(fields[0])
	if !ok {
		return bad
	}
	t, err := time.Parse("15:04", fields[1])
	if err != nil {
		return bad
	}
	d.Schedule, d.Weekday, d.Hour, d.Minute = s, day, t.Hour(), t.Minute()
	return nil
}

func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(s)
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || s == name[:3] {
			return d, true
		}
	}
	return 0, false
}

// applyEnv lays GOALBOT_* variables over the file. Messages name the
// variable and never repeat a secret's value.
func (c *Config) applyEnv(env func(string) string) []error {
	var problems []error
	set := func(name, key string) (string, bool) {
		v := env(name)
		if v == "" {
			return "", false
		}
		c.src.env[key] = name
		return v, true
	}
	if v, ok := set("GOALBOT_LISTEN", "listen"); ok {
		c.Listen = v
	}
	if v, ok := set("GOALBOT_DASHBOARD_LISTEN", "http.dashboard_listen"); ok {
		c.HTTP.DashboardListen = v
	}
	if v, ok := set("GOALBOT_METRICS_LISTEN", "http.metrics_listen"); ok {
		c.HTTP.MetricsListen = v
	}
	if v, ok := set("GOALBOT_DATABASE_URL", "database_url"); ok {
		c.DatabaseURL = NewDSN(v)
	}
	if v, ok := set("GOALBOT_WEBHOOK_SECRET", "webhook_secrets"); ok {
		c.WebhookSecrets = nil
		for i, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				problems = append(problems, fmt.Errorf("GOALBOT_WEBHOOK_SECRET: secret %d of the comma-separated list is empty", i+1))
				continue
			}
			c.WebhookSecrets = append(c.WebhookSecrets, NewSecret(s))
		}
	}
	if v, ok := set("GOALBOT_LOG_LEVEL", "log_level"); ok {
		c.LogLevel = v
	}
	if v, ok := set("GOALBOT_GITHUB_API_URL", "github.api_url"); ok {
		c.GitHub.APIURL = v
	}
	if v, ok := set("GOALBOT_GITHUB_APP_ID", "github.app_id"); ok {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			problems = append(problems, fmt.Errorf("GOALBOT_GITHUB_APP_ID: %q is not a positive whole number; use the App ID from the App's settings page", v))
		} else {
			c.GitHub.AppID = id
		}
	}
	key, keyOK := set("GOALBOT_GITHUB_PRIVATE_KEY", "github.private_key")
	file, fileOK := set("GOALBOT_GITHUB_PRIVATE_KEY_FILE", "github.private_key_file")
	switch {
	case keyOK && fileOK:
		problems = append(problems, errors.New("GOALBOT_GITHUB_PRIVATE_KEY and GOALBOT_GITHUB_PRIVATE_KEY_FILE are both set; set only one"))
		c.GitHub.PrivateKey, c.GitHub.PrivateKeyFile = NewSecret(key), "" // no follow-on "key missing"
	case keyOK:
		// A key in the environment replaces any key source in the file.
		if !strings.Contains(key, "\n") {
			key = strings.ReplaceAll(key, `\n`, "\n") // one-line env files
		}
		c.GitHub.PrivateKey, c.GitHub.PrivateKeyFile = NewSecret(key), ""
	case fileOK:
		c.GitHub.PrivateKey, c.GitHub.PrivateKeyFile = Secret{}, file
	}
	if v, ok := set("GOALBOT_GITHUB_TOKEN", "github.token"); ok {
		c.GitHub.Token = NewSecret(v)
	}
	if v, ok := set("GOALBOT_BOT_LOGIN", "github.bot_login"); ok {
		c.GitHub.BotLogin = v
	}
	return problems
}

// readPrivateKey loads github.private_key_file into GitHub.PrivateKey.
func (c *Config) readPrivateKey() []error {
	g := &c.GitHub
	if g.PrivateKeyFile == "" {
		return nil
	}
	if g.PrivateKey.IsSet() {
		return []error{c.src.errorf("github.private_key_file", "github.private_key is set too; set only one")}
	}
	b, err := os.ReadFile(g.PrivateKeyFile)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named below; the content never is
		}
		return []error{c.src.errorf("github.private_key_file", "cannot read %q: %v", g.PrivateKeyFile, err)}
	}
	g.PrivateKey = NewSecret(string(b))
	return nil
}

// normaliseAPIURL adds the trailing slash go-github needs to a valid base
// URL and leaves anything else for Validate to report.
func normaliseAPIURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.IsAbs() && !strings.HasSuffix(s, "/") {
		return s + "/"
	}
	return s
}
