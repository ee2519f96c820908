package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/status"
)

//go:embed templates/*.html static/dashboard.css
var assets embed.FS

const htmlType = "text/html; charset=utf-8"

// pages holds one parsed template set per page and the stylesheet.
type pages struct {
	set     map[string]*template.Template
	css     []byte
	cssETag string
}

// pageData is what every page template gets.
type pageData struct {
	Title   string
	Nav     string // "goals", "fcps", "people"
	Now     time.Time
	Refresh int    // seconds between automatic reloads; 0 for none
	API     string // the JSON form of this page
	Query   string // the refresh parameter to keep in links, "" or "?refresh=N"
	Body    any
}

func newPages() (*pages, error) {
	funcs := template.FuncMap{
		"date":        fmtDate,
		"datetime":    fmtDateTime,
		"isodate":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"until":       until,
		"person":      personPath,
		"profile":     profileURL,
		"goalPath":    goalPath,
		"subgoalPath": subgoalPath,
		"statusClass": statusClass,
		"teamName":    teamName,
		"upper":       strings.ToUpper,
		"label":       progressLabel,
		"pendingOf":   func(d Decision) []string { return d.Pending },
		"unresolved":  func(d Decision) []Concern { return d.Unresolved() },
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard templates: %w", err)
	}
	p := &pages{set: map[string]*template.Template{}}
	for _, name := range []string{"goals", "goal", "fcps", "person", "error"} {
		t, err := template.Must(base.Clone()).ParseFS(assets, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("dashboard template %s: %w", name, err)
		}
		p.set[name] = t
	}
	if p.css, err = assets.ReadFile("static/dashboard.css"); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(p.css)
	p.cssETag = `"` + hex.EncodeToString(sum[:12]) + `"`
	return p, nil
}

// render executes one page into bytes.
func (p *pages) render(name string, d pageData) ([]byte, error) {
	var b bytes.Buffer
	if err := p.set[name].ExecuteTemplate(&b, "layout.html", d); err != nil {
		return nil, fmt.Errorf("render %s page: %w", name, err)
	}
	return b.Bytes(), nil
}

// data starts a page's data from the request (the refresh parameter).
func data(r *http.Request, w *world, title, nav, api string, body any) pageData {
	d := pageData{Title: title, Nav: nav, Now: w.snap.Now, API: api, Body: body}
	if n, err := strconv.Atoi(r.URL.Query().Get("refresh")); err == nil && n >= 1 && n <= 3600 {
		d.Refresh, d.Query = n, "?refresh="+strconv.Itoa(n)
	}
	return d
}

func (h *Handler) goalsPage(r *http.Request, w *world) (int, string, []byte, error) {
	l := w.goalList(goalFilter(r))
	body, err := h.pages.render("goals", data(r, w, "Goals", "goals", "/api/v1/goals", l))
	return http.StatusOK, htmlType, body, err
}

func (h *Handler) goalPage(r *http.Request, w *world) (int, string, []byte, error) {
	id := r.PathValue("id")
	d, ok := w.goalDetail(id)
	if !ok {
		return h.errorPage(http.StatusNotFound, fmt.Sprintf("No goal %q is tracked.", id))
	}
	body, err := h.pages.render("goal", data(r, w, d.Title, "goals", "/api/v1/goals/"+id, d))
	return http.StatusOK, htmlType, body, err
}

func (h *Handler) fcpsPage(r *http.Request, w *world) (int, string, []byte, error) {
	l := w.fcpList(fcpFilter(r))
	body, err := h.pages.render("fcps", data(r, w, "Final comment periods", "fcps", "/api/v1/fcps", l))
	return http.StatusOK, htmlType, body, err
}

func (h *Handler) personPage(r *http.Request, w *world) (int, string, []byte, error) {
	login := normLogin(r.PathValue("login"))
	if !loginRE.MatchString(login) {
		return h.errorPage(http.StatusNotFound, fmt.Sprintf("%q is not a GitHub login.", login))
	}
	body, err := h.pages.render("person", data(r, w, login, "people", "/api/v1/people/"+login, w.person(login)))
	return http.StatusOK, htmlType, body, err
}

// errorPage renders a page that says what went wrong.
func (h *Handler) errorPage(status int, msg string) (int, string, []byte, error) {
	body, err := h.pages.render("error", pageData{Title: http.StatusText(status), Now: time.Now().UTC(), API: "/api/v1/goals",
		Body: struct {
			Status  int
			Message string
		}{status, msg}})
	return status, htmlType, body, err
}

func (h *Handler) css(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("ETag", h.pages.cssETag)
	if etagMatch(r.Header.Get("If-None-Match"), h.pages.cssETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(h.pages.css)
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(time.DateOnly)
}

func fmtDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// until says how far end is from now in days: "in 3 days", "today",
// "2 days ago".
func until(end, now time.Time) string {
	if end.IsZero() {
		return ""
	}
	days := int(end.UTC().Truncate(24*time.Hour).Sub(now.UTC().Truncate(24*time.Hour)) / (24 * time.Hour))
	switch {
	case days == 0:
		return "today"
	case days == 1:
		return "tomorrow"
	case days == -1:
		return "yesterday"
	case days > 1:
		return fmt.Sprintf("in %d days", days)
	default:
		return fmt.Sprintf("%d days ago", -days)
	}
}

func personPath(login string) string { return "/people/" + url.PathEscape(normLogin(login)) }

// profileURL is the GitHub profile of a login, "" when it is not a login.
func profileURL(login string) string {
	login = normLogin(login)
	if !loginRE.MatchString(login) || strings.HasSuffix(login, "[bot]") {
		return ""
	}
	return "https://github.com/" + login
}

// goalPath is the page of a goal; ids may hold "/" (period/name).
func goalPath(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/goals/" + strings.Join(parts, "/")
}

// subgoalPath is the place of a subgoal's row on its goal's page.
func subgoalPath(goal, sub string) string {
	return goalPath(goal) + "#" + (&url.URL{Fragment: "sg-" + sub}).EscapedFragment()
}

// statusClass is the CSS class of a status ("st-in-fcp"), "st-other" for
// anything that is not a status.
func statusClass(s string) string {
	if status.Status(s).Valid() {
		return "st-" + s
	}
	return "st-other"
}

func teamName(t string) string {
	if t == "" {
		return "No team label"
	}
	return "T-" + t
}

// progressLabel describes a progress bar in words.
func progressLabel(s GoalSummary) string {
	if s.Subgoals == 0 {
		return "no subgoals"
	}
	parts := make([]string, 0, len(s.Progress))
	for _, c := range s.Progress {
		parts = append(parts, fmt.Sprintf("%d %s", c.Count, c.Status))
	}
	return fmt.Sprintf("%d subgoals: %s", s.Subgoals, strings.Join(parts, ", "))
}
