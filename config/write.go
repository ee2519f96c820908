package config

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// WriteEffective writes the configuration as goalbot.toml, every key
// present, so that `goalbot config check` shows what is in force. Secrets
// are "****" when set and "" when not, database passwords are masked, and
// keys set from the environment say which variable set them. The output
// loads back with Load.
func (c *Config) WriteEffective(w io.Writer) error {
	t := &tomlWriter{src: c.src}
	t.comment("goalbot effective configuration: defaults, then the file, then GOALBOT_* variables; secrets masked")
	t.kv("", "listen", str(c.Listen))
	t.kv("", "database_url", str(c.DatabaseURL.String()))
	t.kv("", "webhook_secrets", secrets(c.WebhookSecrets))
	t.kv("", "log_level", str(c.LogLevel))

	t.table("http")
	t.kv("http", "dashboard_listen", str(c.HTTP.DashboardListen))
	t.kv("http", "metrics_listen", str(c.HTTP.MetricsListen))

	g := c.GitHub
	t.table("github")
	t.kv("github", "api_url", str(g.APIURL))
	t.kv("github", "app_id", strconv.FormatInt(g.AppID, 10))
	if g.PrivateKeyFile != "" {
		t.kv("github", "private_key", `""`+"  # read from private_key_file")
	} else {
		t.kv("github", "private_key", str(g.PrivateKey.String()))
	}
	t.kv("github", "private_key_file", str(g.PrivateKeyFile))
	t.kv("github", "token", str(g.Token.String()))
	t.kv("github", "bot_login", str(g.BotLogin))
	t.kv("github", "rfcbot_logins", strs(g.RFCBotLogins))
	t.kv("github", "fcp_days", strconv.Itoa(g.FCPDays))
	if len(g.FCPDaysBy) > 0 {
		t.table("github.fcp_days_by")
		for _, k := range sortedKeys(g.FCPDaysBy) {
			t.kv("github.fcp_days_by", tomlKey(k), strconv.Itoa(g.FCPDaysBy[k]))
		}
	}

	for _, src := range c.Goals {
		t.arrayTable("goals")
		if src.Dir != "" {
			t.kv("goals", "dir", str(src.Dir))
		} else {
			t.kv("goals", "repo", str(src.Repo))
			t.kv("goals", "path", str(src.Path))
			t.kv("goals", "ref", str(src.Ref))
		}
		t.kv("goals", "book_toml", str(src.BookTOML))
		t.kv("goals", "notices", strconv.FormatBool(src.Notices))
		if len(src.TrackingIssues) > 0 {
			t.table("goals.tracking_issues")
			for _, id := range sortedKeys(src.TrackingIssues) {
				t.kv("goals.tracking_issues", tomlKey(id), str(src.TrackingIssues[id].String()))
			}
		}
		for _, l := range src.Links {
			t.arrayTable("goals.links")
			t.kv("goals.links", "goal", str(l.Goal))
			t.kv("goals.links", "subgoal", str(l.Subgoal))
			t.kv("goals.links", "item", str(l.Item.String()))
		}
	}

	t.table("status")
	t.kv("status", "aggregate", str(c.Status.Aggregate))
	for _, r := range c.Status.Rules {
		t.arrayTable("status.rules")
		t.kv("status.rules", "kind", str(r.Kind))
		t.kv("status.rules", "state", str(r.State))
		t.kv("status.rules", "labels", strs(r.Labels))
		t.kv("status.rules", "fcp", str(r.FCP))
		t.kv("status.rules", "mcp", str(r.MCP))
		t.kv("status.rules", "disposition", str(r.Disposition))
		t.kv("status.rules", "concerns", strconv.FormatBool(r.Concerns))
		t.kv("status.rules", "status", str(string(r.Status)))
		t.kv("status.rules", "detail", str(r.Detail))
	}

	t.table("fcp")
	t.kv("fcp", "track_all", strconv.FormatBool(c.FCP.TrackAll))

	t.table("notices")
	t.kv("notices", "enabled", strconv.FormatBool(c.Notices.Enabled))

	d := c.Digest
	t.table("digest")
	t.kv("digest", "repo", str(d.Repo))
	t.kv("digest", "schedule", str(fmt.Sprintf("%s %02d:%02d", d.Weekday.String()[:3], d.Hour, d.Minute)))
	t.kv("digest", "labels", strs(d.Labels))
	t.kv("digest", "stale_days", strconv.Itoa(d.StaleDays))
	t.kv("digest", "close_previous", strconv.FormatBool(d.ClosePrevious))
	t.kv("digest", "mention", strconv.FormatBool(d.Mention))

	t.table("sync")
	t.kv("sync", "interval", str(formatDuration(c.Sync.Interval)))
	t.kv("sync", "redeliver", strconv.FormatBool(c.Sync.Redeliver))

	t.table("store")
	t.kv("store", "retention", str(formatDays(c.Store.Retention)))

	t.writeJobs(c.Jobs)

	t.table("commands.permissions")
	for _, verb := range sortedKeys(c.Commands.Permissions) {
		t.kv("commands.permissions", tomlKey(verb), strs(c.Commands.Permissions[verb]))
	}
	_, err := w.Write(t.buf.Bytes())
	return err
}

// tomlWriter writes the fixed shape of goalbot.toml; values arrive
// already encoded.
type tomlWriter struct {
	buf bytes.Buffer
	src *sources
}

func (t *tomlWriter) comment(s string) { fmt.Fprintf(&t.buf, "# %s\n", s) }

func (t *tomlWriter) table(name string) { fmt.Fprintf(&t.buf, "\n[%s]\n", name) }

func (t *tomlWriter) arrayTable(name string) { fmt.Fprintf(&t.buf, "\n[[%s]]\n", name) }

func (t *tomlWriter) kv(table, k, v string) {
	fmt.Fprintf(&t.buf, "%s = %s", k, v)
	if t.src != nil {
		if name, ok := t.src.env[join(table, k)]; ok {
			fmt.Fprintf(&t.buf, "  # from %s", name)
		}
	}
	t.buf.WriteByte('\n')
}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// tomlKey returns k as a TOML key, quoted unless it is bare.
func tomlKey(k string) string {
	if bareKey.MatchString(k) {
		return k
	}
	return str(k)
}

// str returns s as a TOML basic string.
func str(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func strs(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = str(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func secrets(ss []Secret) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = s.String()
	}
	return strs(q)
}

// formatDuration prints d the way people write it: "15m", "1h30m", "90s"
// stays "1m30s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
