package sandbox

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// Credentials (JWT validity, token expiry) and rate-limit windows follow the wall clock, not
// Options.Now, because ghinstallation and go-github compare them with time.Now; Options.Now
// drives the timestamps of GitHub data (created_at, delivered_at, …).

// identity is who an authenticated request acts as.
type identity struct {
	key          string // rate-limit bucket: "app", "installation:N" or "token:LOGIN"
	login        string // the acting account ("" for the App itself)
	installation int64  // 0 unless an installation token
	token        string // the credential, mixed into ETags like GitHub does
}

// describe names the identity the way GitHub's rate-limit messages do.
func (who identity) describe() string {
	if who.installation != 0 {
		return fmt.Sprintf("installation ID %d", who.installation)
	}
	return "user " + who.login
}

// token is a minted installation access token.
type token struct {
	installation int64
	expires      time.Time
}

// credential returns the token in an "Authorization: token X" or "Bearer X" header.
func credential(r *http.Request) string {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok {
		return ""
	}
	switch strings.ToLower(scheme) {
	case "token", "bearer":
		return strings.TrimSpace(cred)
	}
	return ""
}

// authenticate checks the request's credential for a route of kind k. It runs with s.mu held.
func (s *Server) authenticate(r *http.Request, k authKind) (identity, bool) {
	cred := credential(r)
	if cred == "" {
		return identity{}, false
	}
	if k == authApp {
		if err := s.verifyJWT(cred); err != nil {
			s.logf("reject App JWT: %v", err)
			return identity{}, false
		}
		return identity{key: "app", token: cred}, true
	}
	if s.opts.Token != "" && cred == s.opts.Token {
		return identity{key: "token:" + s.opts.TokenLogin, login: s.opts.TokenLogin, token: cred}, true
	}
	t, ok := s.st.tokens[cred]
	if !ok || !time.Now().Before(t.expires) {
		return identity{}, false
	}
	return identity{
		key:          fmt.Sprintf("installation:%d", t.installation),
		login:        s.botLogin(),
		installation: t.installation,
		token:        cred,
	}, true
}

// botLogin is the login the App posts as.
func (s *Server) botLogin() string { return s.opts.AppSlug + "[bot]" }

// verifyJWT checks an App JWT: RS256 signed by AppKey, issued by AppID, and short-lived.
func (s *Server) verifyJWT(raw string) error {
	if s.opts.AppKey == nil {
		return fmt.Errorf("no App key configured")
	}
	claims := jwt.RegisteredClaims{}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if _, err := parser.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return s.opts.AppKey, nil }); err != nil {
		return fmt.Errorf("parse JWT: %w", err)
	}
	if claims.Issuer != strconv.FormatInt(s.opts.AppID, 10) {
		return fmt.Errorf("issuer %q is not App %d", claims.Issuer, s.opts.AppID)
	}
	if claims.IssuedAt == nil || claims.ExpiresAt == nil {
		return fmt.Errorf("iat and exp are required")
	}
	now := time.Now()
	iat, exp := claims.IssuedAt.Time, claims.ExpiresAt.Time
	switch {
	case iat.After(now.Add(time.Minute)):
		return fmt.Errorf("iat %s is in the future", iat)
	case !exp.After(now):
		return fmt.Errorf("JWT expired at %s", exp)
	case exp.Sub(iat) > 11*time.Minute:
		return fmt.Errorf("exp is more than 10 minutes after iat")
	}
	return nil
}

// randomToken returns prefix followed by 36 random alphanumerics, like GitHub's tokens.
func randomToken(prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	b.WriteString(prefix)
	for range 36 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(fmt.Sprintf("sandbox: crypto/rand failed: %v", err)) // the OS entropy source is gone
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}

// knownInstallation reports whether an installation id exists (1 always does).
func (s *Server) knownInstallation(id int64) bool {
	if id == 1 {
		return true
	}
	for _, rs := range s.st.repos {
		if rs.InstallationID == id {
			return true
		}
	}
	return false
}

var appPermissions = map[string]any{
	"issues": "write", "pull_requests": "write", "contents": "read", "metadata": "read",
}

var appEvents = []any{"issues", "issue_comment", "pull_request", "pull_request_review", "push"}

// handleCreateToken mints an installation access token valid for one hour.
func handleCreateToken(c *call) reply {
	s := c.s
	id, err := strconv.ParseInt(c.params["installation_id"], 10, 64)
	if err != nil || !s.knownInstallation(id) {
		return notFound()
	}
	tok := randomToken("ghs_")
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	s.st.tokens[tok] = token{installation: id, expires: exp}
	return reply{status: http.StatusCreated, body: map[string]any{
		"token":                tok,
		"expires_at":           exp.UTC().Format(time.RFC3339),
		"permissions":          appPermissions,
		"repository_selection": "all",
	}}
}

// handleGetApp describes the App.
func handleGetApp(c *call) reply {
	s := c.s
	return ok(map[string]any{
		"id":                  s.opts.AppID,
		"slug":                s.opts.AppSlug,
		"node_id":             nodeID("A", s.opts.AppID),
		"owner":               s.userJSON("goalbot-org"),
		"name":                s.opts.AppSlug,
		"description":         "goalbot sandbox App",
		"external_url":        "https://example.invalid/goalbot",
		"html_url":            htmlBase + "/apps/" + s.opts.AppSlug,
		"created_at":          "2024-01-01T00:00:00Z",
		"updated_at":          "2024-01-01T00:00:00Z",
		"permissions":         appPermissions,
		"events":              appEvents,
		"installations_count": len(s.installations()),
	})
}

// installations lists the distinct installation ids, 1 included.
func (s *Server) installations() map[int64]bool {
	out := map[int64]bool{1: true}
	for _, rs := range s.st.repos {
		if rs.InstallationID != 0 {
			out[rs.InstallationID] = true
		}
	}
	return out
}

// handleRepoInstallation answers which installation covers a repository.
func handleRepoInstallation(c *call) reply {
	s := c.s
	rs := s.st.lookupRepo(c.params["owner"], c.params["repo"])
	if rs == nil || rs.InstallationID == 0 {
		return notFound()
	}
	id := rs.InstallationID
	return ok(map[string]any{
		"id":                   id,
		"app_id":               s.opts.AppID,
		"app_slug":             s.opts.AppSlug,
		"target_id":            s.st.user(rs.owner, "").ID,
		"target_type":          "Organization",
		"account":              s.userJSON(rs.owner),
		"single_file_name":     nil,
		"repository_selection": "all",
		"access_tokens_url":    s.api("/app/installations/%d/access_tokens", id),
		"repositories_url":     s.api("/installation/repositories"),
		"html_url":             fmt.Sprintf("%s/organizations/%s/settings/installations/%d", htmlBase, rs.owner, id),
		"events":               appEvents,
		"permissions":          appPermissions,
		"created_at":           "2024-01-01T00:00:00Z",
		"updated_at":           "2024-01-01T00:00:00Z",
		"suspended_by":         nil,
		"suspended_at":         nil,
	})
}

// handleGetUser answers GET /user, which only user tokens may call.
func handleGetUser(c *call) reply {
	if c.who.installation != 0 {
		return errReply(http.StatusForbidden, "Resource not accessible by integration")
	}
	u := c.s.userJSON(c.who.login)
	for k, v := range map[string]any{
		"name": nil, "company": nil, "blog": "", "location": nil, "email": nil, "hireable": nil,
		"bio": nil, "public_repos": 0, "public_gists": 0, "followers": 0, "following": 0,
		"created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z",
	} {
		u[k] = v
	}
	return ok(u)
}

// handleRateLimit reports the caller's primary-limit window; it is not charged.
func handleRateLimit(c *call) reply {
	b := c.s.bucket(c.who)
	core := map[string]any{
		"limit": b.limit, "remaining": b.limit - b.used, "used": b.used,
		"reset": b.reset.Unix(), "resource": "core",
	}
	search := map[string]any{"limit": 30, "remaining": 30, "used": 0, "reset": b.reset.Unix(), "resource": "search"}
	return ok(map[string]any{
		"resources": map[string]any{"core": core, "search": search},
		"rate":      core,
	})
}
