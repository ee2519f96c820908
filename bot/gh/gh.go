// Package gh is goalbot's GitHub client: go-github over ghinstallation for
// a GitHub App (an installation client per repository, looked up once and
// cached; tokens refreshed by ghinstallation) or over a plain token, with
// GitHub's errors turned into goalbot's (rate limits become "retry after").
package gh

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v62/github"
	"golang.org/x/sync/singleflight"
)

// DefaultAPIURL is github.com's REST API.
const DefaultAPIURL = "https://api.github.com/"

// requestTimeout bounds one HTTP request when the caller's context does not.
const requestTimeout = 60 * time.Second

// Config says how to reach GitHub and as whom. Exactly one of App auth
// (AppID and PrivateKey) or Token must be set.
type Config struct {
	// APIURL is the REST base URL, default https://api.github.com/. Any
	// other host is GitHub Enterprise Server style: go-github appends
	// api/v3/ unless the URL already ends in it (https://HOST/api/v3/).
	APIURL     string
	AppID      int64  // GitHub App id (App auth)
	PrivateKey []byte // the App's PEM private key, PKCS#1 or PKCS#8 (App auth)
	Token      string // token auth instead of an App
	BotLogin   string // the login goalbot posts as; discovered when ""
	// Transport is the base transport, default http.DefaultTransport.
	Transport http.RoundTripper
	UserAgent string // default "goalbot"
	// Observe, when set, is told about every HTTP request made, token
	// requests included, with a route whose names and numbers are
	// replaced by placeholders; status is 0 when no response came.
	Observe func(method, route string, status int, d time.Duration)
}

// Client hands out go-github clients for repositories. It is safe for
// concurrent use.
type Client struct {
	base, upload string    // normalised REST and upload base URLs
	enterprise   bool      // not api.github.com: WithEnterpriseURLs
	rt           *observed // the base transport, counting and observing
	agent        string
	appID        int64
	key          *rsa.PrivateKey // nil in token mode
	app          *github.Client  // JWT client; nil in token mode
	token        *github.Client  // token mode's one client

	lookups singleflight.Group // installation lookups in flight, by repo

	mu      sync.Mutex
	repos   map[string]int64         // owner/repo (lower case) → installation id
	clients map[int64]*github.Client // installation id → client
	login   string
}

// New validates cfg and returns a client. It makes no request: bad
// credentials show on the first call.
func New(cfg Config) (*Client, error) {
	c := &Client{repos: map[string]int64{}, clients: map[int64]*github.Client{},
		login: cfg.BotLogin, agent: cfg.UserAgent, appID: cfg.AppID}
	if c.agent == "" {
		c.agent = "goalbot"
	}
	if err := c.setURLs(cfg.APIURL); err != nil {
		return nil, err
	}
	rt := cfg.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.rt = &observed{next: rt, observe: cfg.Observe, agent: c.agent, prefix: c.basePath()}

	app := cfg.AppID != 0 || len(cfg.PrivateKey) > 0
	switch {
	case app && cfg.Token != "":
		return nil, errors.New("configure either a GitHub App (app id and private key) or a token, not both")
	case app && (cfg.AppID <= 0 || len(cfg.PrivateKey) == 0):
		return nil, errors.New("GitHub App auth needs both a positive app id and the private key")
	case app:
		key, err := parseKey(cfg.PrivateKey)
		if err != nil {
			return nil, err
		}
		c.key = key
		c.app = c.newClient(c.appsTransport())
	case cfg.Token != "":
		c.token = c.newClient(c.rt).WithAuthToken(cfg.Token)
	default:
		return nil, errors.New("no GitHub credentials: set an app id and private key, or a token")
	}
	return c, nil
}

// setURLs normalises the REST base URL the way go-github does, so that
// ghinstallation's token requests go to the same API as every other call.
func (c *Client) setURLs(apiURL string) error {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("GitHub API URL %q is not an absolute http(s) URL", apiURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if u.Host == "api.github.com" {
		c.base, c.upload = u.String(), "https://uploads.github.com/"
		return nil
	}
	upload := *u
	if p, ok := strings.CutSuffix(upload.Path, "/api/v3/"); ok {
		upload.Path = p + "/api/uploads/"
	}
	gc, err := github.NewClient(nil).WithEnterpriseURLs(u.String(), upload.String())
	if err != nil {
		return fmt.Errorf("GitHub API URL %q: %w", apiURL, err)
	}
	c.base, c.upload, c.enterprise = gc.BaseURL.String(), gc.UploadURL.String(), true
	return nil
}

// basePath is the path every API route starts with ("/" or "/api/v3/").
func (c *Client) basePath() string {
	u, _ := url.Parse(c.base) // parsed in setURLs already
	return u.Path
}

// parseKey reads the App's RSA key. Its errors never quote the key.
// Keys pasted into an environment variable with literal "\n" are accepted.
func parseKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil && strings.Contains(string(pemBytes), `\n`) {
		block, _ = pem.Decode([]byte(strings.ReplaceAll(string(pemBytes), `\n`, "\n")))
	}
	if block == nil {
		return nil, errors.New("GitHub App private key: no PEM block found (expected -----BEGIN RSA PRIVATE KEY-----)")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("GitHub App private key: PEM block %q is neither a PKCS#1 nor a PKCS#8 private key", block.Type)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("GitHub App private key: %T is not an RSA key (GitHub Apps sign with RS256)", k)
	}
	return rk, nil
}

// appsTransport returns a new JWT transport. Each installation gets its
// own, because ghinstallation's token refresh writes the shared
// AppsTransport's fields under a per-installation lock only.
func (c *Client) appsTransport() *ghinstallation.AppsTransport {
	atr := ghinstallation.NewAppsTransportFromPrivateKey(c.rt, c.appID, c.key)
	atr.BaseURL = strings.TrimSuffix(c.base, "/")
	return atr
}

func (c *Client) newClient(rt http.RoundTripper) *github.Client {
	gc := github.NewClient(&http.Client{Transport: rt, Timeout: requestTimeout})
	if c.enterprise {
		// Cannot fail: both URLs were parsed by the same call in setURLs.
		gc, _ = gc.WithEnterpriseURLs(c.base, c.upload)
	}
	gc.UserAgent = c.agent
	return gc
}

// Requests returns how many HTTP requests this client sent to GitHub
// (token requests included) and how many of them were answered 304 Not
// Modified, which GitHub does not charge to the rate limit.
func (c *Client) Requests() (total, notModified int64) {
	return c.rt.requests.Load(), c.rt.notModified.Load()
}

// App returns the JWT-authenticated client for /app endpoints, or nil in
// token mode.
func (c *Client) App() *github.Client { return c.app }

// Repo returns a client authorised for owner/repo: in App mode the client
// of the installation covering it (looked up once with the App JWT, then
// cached; repositories on one installation share a client and its token),
// in token mode the one client. An App not installed on the repository
// gives an error matching ErrNotFound.
func (c *Client) Repo(ctx context.Context, owner, repo string) (*github.Client, error) {
	if c.token != nil {
		return c.token, nil
	}
	key := strings.ToLower(owner + "/" + repo)
	if gc := c.cached(key); gc != nil {
		return gc, nil
	}
	// The lookup is shared by every caller asking for key meanwhile, so it
	// must not die with the first caller's context; the HTTP client's
	// timeout bounds it instead.
	ch := c.lookups.DoChan(key, func() (any, error) {
		if gc := c.cached(key); gc != nil { // a lookup finished since
			return gc, nil
		}
		inst, _, err := c.app.Apps.FindRepositoryInstallation(context.WithoutCancel(ctx), owner, repo)
		if err != nil {
			return nil, fmt.Errorf("find the App installation for %s: %w", key, Classify(err))
		}
		return c.installation(key, inst.GetID()), nil
	})
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("find the App installation for %s: %w", key, ctx.Err())
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*github.Client), nil
	}
}

// cached returns the client cached for repo key, nil when there is none.
func (c *Client) cached(key string) *github.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, ok := c.repos[key]; ok {
		return c.clients[id]
	}
	return nil
}

// installation records that repo key belongs to installation id and
// returns that installation's client, creating it on first use.
func (c *Client) installation(key string, id int64) *github.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.repos[key] = id
	gc, ok := c.clients[id]
	if !ok {
		itr := ghinstallation.NewFromAppsTransport(c.appsTransport(), id)
		gc = c.newClient(itr)
		c.clients[id] = gc
	}
	return gc
}

// ForgetRepo drops the cached installation of owner/repo, after a 404
// says the App was uninstalled or the repository moved; the next Repo
// call looks it up again.
func (c *Client) ForgetRepo(owner, repo string) {
	c.mu.Lock()
	delete(c.repos, strings.ToLower(owner+"/"+repo))
	c.mu.Unlock()
}

// BotLogin returns the login goalbot posts as: configured, or for an App
// its slug + "[bot]" (GET /app), for a token the token's user (GET /user).
// A discovered login is cached; a failed discovery is not.
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
		if a.GetSlug() == "" {
			return "", errors.New("discover the App's login: GET /app gave no slug")
		}
		login = a.GetSlug() + "[bot]"
	} else {
		u, _, err := c.token.Users.Get(ctx, "")
		if err != nil {
			return "", fmt.Errorf("discover the token's login: %w", Classify(err))
		}
		if u.GetLogin() == "" {
			return "", errors.New("discover the token's login: GET /user gave no login")
		}
		login = u.GetLogin()
	}
	c.mu.Lock()
	c.login = login
	c.mu.Unlock()
	return login, nil
}
