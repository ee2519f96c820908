package config

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// RequireServe is the validation serve runs before it listens, beyond
// what Load checks: a webhook secret to verify deliveries, GitHub
// credentials that can be used (a token, or an App id with a PEM RSA
// private key that parses), goal folders that can be read, and a
// well-formed database URL. goalbot config check runs exactly this too,
// so the two accept and refuse the same configurations. It returns every
// problem, one line each, naming the variable, file line or key.
func (c *Config) RequireServe() error {
	var problems []error
	bad := func(key, format string, args ...any) {
		problems = append(problems, c.src.errorf(key, format, args...))
	}
	if len(c.WebhookSecrets) == 0 {
		problems = append(problems, errors.New("no webhook secret: set GOALBOT_WEBHOOK_SECRET or webhook_secrets in goalbot.toml"))
	}
	g := c.GitHub
	switch {
	case g.AppAuth():
		if err := checkPrivateKey(g.PrivateKey.Value()); err != nil {
			where := "GOALBOT_GITHUB_PRIVATE_KEY"
			if g.PrivateKeyFile != "" {
				where = fmt.Sprintf("github.private_key_file %q", g.PrivateKeyFile)
			} else if c.src == nil || c.src.env["github.private_key"] == "" {
				where = "github.private_key"
			}
			problems = append(problems, fmt.Errorf("%s: %w", where, err))
		}
	case g.Token.IsSet():
	default:
		problems = append(problems, errors.New("no GitHub credentials: set GOALBOT_GITHUB_APP_ID with GOALBOT_GITHUB_PRIVATE_KEY_FILE (App), or GOALBOT_GITHUB_TOKEN"))
	}
	for i, src := range c.Goals {
		if src.Dir == "" {
			continue
		}
		if _, err := os.ReadDir(src.Dir); err != nil {
			bad(fmt.Sprintf("goals[%d]", i), "dir %q cannot be read (%s); fix the path (relative paths start from the working directory)", src.Dir, readProblem(err))
		}
	}
	checkDSN(c.DatabaseURL, bad)
	return errors.Join(problems...)
}

// checkPrivateKey reports why pemText is not an RSA private key GitHub
// Apps can sign with, without quoting it. Keys pasted into an environment
// variable with literal "\n" are accepted, as bot/gh accepts them.
func checkPrivateKey(pemText string) error {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil && strings.Contains(pemText, `\n`) {
		block, _ = pem.Decode([]byte(strings.ReplaceAll(pemText, `\n`, "\n")))
	}
	if block == nil {
		return errors.New("the private key is not PEM; use the .pem file GitHub generated for the App")
	}
	if strings.Contains(block.Type, "PUBLIC KEY") || strings.Contains(block.Type, "CERTIFICATE") {
		return fmt.Errorf("the PEM block is a %s, not the private key; use the .pem file GitHub generated for the App", strings.ToLower(block.Type))
	}
	if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return fmt.Errorf("the PEM block %q is neither a PKCS#1 nor a PKCS#8 private key; use the .pem file GitHub generated for the App", block.Type)
	}
	if _, ok := k.(*rsa.PrivateKey); !ok {
		return fmt.Errorf("the private key is %s, not RSA; GitHub Apps sign with RS256", strings.TrimPrefix(fmt.Sprintf("%T", k), "*"))
	}
	return nil
}

// readProblem names why a folder cannot be read, without the path again.
func readProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "it does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
