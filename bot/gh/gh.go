// Package gh is goalbot's GitHub client: go-github over ghinstallation for
// a GitHub App (an installation client per repository, looked up once and
// cached; tokens refreshed by ghinstallation) or over a plain token, with
// GitHub's errors turned into goalbot's (rate limits become "retry after").
package gh

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v62/github"
)

// DefaultAPIURL is github.com's REST API.
const DefaultAPIURL = "https://api.github.com/"

// Config says how to reach GitHub and as whom.
type Config struct {
	APIURL     string // REST base URL; GHES: https://HOST/api/v3/
	AppID      int64  // GitHub App id (App auth)
	PrivateKey []byte // the App's PEM private key (App auth)
	Token      string // token auth instead of an App
	BotLogin   string // the login goalbot posts as; discovered when ""
	Transport  http.RoundTripper
	UserAgent  string
	// Observe, when set, is told about every HTTP request made.
	Observe func(method, route string, status int, d time.Duration)
}

// Client hands out go-github clients for repositories.
type Client struct {
	cfg   Config
	base  *url.URL
	rt    http.RoundTripper
	apps  *ghinstallation.AppsTransport // nil in token mode
	app   *github.Client                // JWT client; nil in token mode
	token *github.Client                // token mode's one client

	mu      sync.Mutex
	repos   map[string]int64         // owner/repo → installation id
	clients map[int64]*github.Client // installation id → client
	login   string
}

// New validates cfg and returns a client. Exactly one of App auth (AppID
// and PrivateKey) or Token must be given.
func New(cfg Config) (*Client, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	base, err := url.Parse(cfg.APIURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("GitHub API URL %q is not an absolute http(s) URL", cfg.APIURL)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "goalbot"
	}
	rt := cfg.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c := &Client{cfg: cfg, base: base, rt: &observed{next: rt, observe: cfg.Observe, agent: cfg.UserAgent},
		repos: map[string]int64{}, clients: map[int64]*github.Client{}, login: cfg.BotLogin}
	app := cfg.AppID != 0 || len(cfg.PrivateKey) > 0
	switch {
	case app && cfg.Token != "":
		return nil, errors.New("configure either a GitHub App (app id and private key) or a token, not both")
	case app:
		if cfg.AppID == 0 || len(cfg.PrivateKey) == 0 {
			return nil, errors.New("GitHub App auth needs both the app id and the private key")
		}
		atr, err := ghinstallation.NewAppsTransport(c.rt, cfg.AppID, cfg.PrivateKey)
		if err != nil {
			// The library's error may quote the key material; say only what is wrong.
			return nil, errors.New("the GitHub App private key is not a valid PEM-encoded RSA key")
		}
		atr.BaseURL = strings.TrimSuffix(cfg.APIURL, "/")
		c.apps = atr
		c.app = c.newClient(atr)
	case cfg.Token != "":
		c.token = c.newClient(&tokenTransport{token: cfg.Token, next: c.rt})
	default:
		return nil, errors.New("no GitHub credentials: set GOALBOT_GITHUB_APP_ID and the private key, or GOALBOT_GITHUB_TOKEN")
	}
	return c, nil
}

func (c *Client) newClient(rt http.RoundTripper) *github.Client {
	gc := github.NewClient(&http.Client{Transport: rt, Timeout: 30 * time.Second})
	gc.BaseURL = c.base
	gc.UserAgent = c.cfg.UserAgent
	return gc
}

// App returns the JWT-authenticated client for /app endpoints, or nil in
// token mode.
func (c *Client) App() *github.Client { return c.app }

// Repo returns a client authorised for owner/repo: the installation that
// covers it (looked up once, then cached), or the token client.
func (c *Client) Repo(ctx context.Context, owner, repo string) (*github.Client, error) {
	if c.token != nil {
		return c.token, nil
	}
	key := strings.ToLower(owner + "/" + repo)
	c.mu.Lock()
	id, ok := c.repos[key]
	if ok {
		gc := c.clients[id]
		c.mu.Unlock()
		return gc, nil
	}
	c.mu.Unlock()
	inst, _, err := c.app.Apps.FindRepositoryInstallation(ctx, owner, repo)
	if err != nil {
		return nil, fmt.Errorf("find the installation for %s: %w", key, Classify(err))
	}
	id = inst.GetID()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repos[key] = id
	gc, ok := c.clients[id]
	if !ok {
		itr := ghinstallation.NewFromAppsTransport(c.apps, id)
		itr.BaseURL = c.apps.BaseURL
		gc = c.newClient(itr)
		c.clients[id] = gc
	}
	return gc, nil
}

// ForgetRepo drops the cached installation of owner/repo (after the App
// was uninstalled or the repository moved).
func (c *Client) ForgetRepo(owner, repo string) {
	c.mu.Lock()
	delete(c.repos, strings.ToLower(owner+"/"+repo))
	c.mu.Unlock()
}

// BotLogin returns the login goalbot posts as: configured, or for an App
// its slug + "[bot]" (GET /app), for a token the token's user (GET /user).
func (c *Client) BotLogin(ctx context.Context) (string, error) {
	c.mu.Lock()
	login := c.login
	c.mu.Unlock()
	if login != "" {
		return login, nil
	}
	if c.app != nil {
		a, _, err := c.app.Apps.Get(ctx, "")
		if err != nil {
			return "", fmt.Errorf("discover the App's login: %w", Classify(err))
		}
		login = a.GetSlug() + "[bot]"
	} else {
		u, _, err := c.token.Users.Get(ctx, "")
		if err != nil {
			return "", fmt.Errorf("discover the token's login: %w", Classify(err))
		}
		login = u.GetLogin()
	}
	c.mu.Lock()
	c.login = login
	c.mu.Unlock()
	return login, nil
}

// tokenTransport adds a token to every request.
type tokenTransport struct {
	token string
	next  http.RoundTripper
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	return t.next.RoundTrip(r)
}

// observed reports every request to an observer and sets the User-Agent.
type observed struct {
	next    http.RoundTripper
	observe func(method, route string, status int, d time.Duration)
	agent   string
}

func (o *observed) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", o.agent)
	}
	start := time.Now()
	resp, err := o.next.RoundTrip(r)
	if o.observe != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		o.observe(r.Method, r.URL.Path, status, time.Since(start))
	}
	return resp, err
}
