package config

import (
	"fmt"
	"net/url"
	"strings"
)

// mask is what a set secret prints as.
const mask = "****"

// Secret holds a credential that never prints: fmt (every verb), encoding
// (TOML, JSON) and logs see "****" when it is set and "" when it is not.
// Value returns the credential itself for the one place that needs it.
type Secret struct {
	value string
}

// NewSecret wraps s as a Secret.
func NewSecret(s string) Secret { return Secret{value: s} }

// Value returns the credential in clear. Pass it to the code that signs or
// authenticates; never log or format it.
func (s Secret) Value() string { return s.value }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s.value != "" }

// String returns "****" for a set secret and "" otherwise.
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return mask
}

// GoString masks the secret for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// Format masks the secret for every verb, so that %d or %x cannot reach
// the string through reflection.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, s.GoString())
	case verb == 'q':
		fmt.Fprintf(f, "%q", s.String())
	default:
		fmt.Fprint(f, s.String())
	}
}

// MarshalText masks the secret for encoders (JSON, TOML, loggers).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// DSN is a database address, sqlite:PATH or postgres://…, whose password
// never prints: formatting and encoding show it with the password masked.
type DSN struct {
	value string
}

// NewDSN wraps s as a DSN without checking it (Validate does).
func NewDSN(s string) DSN { return DSN{value: s} }

// Value returns the address in clear, for the database driver only.
func (d DSN) Value() string { return d.value }

// Scheme returns "sqlite" or "postgres" ("postgresql" is reported as
// "postgres"), or "" when the address is neither.
func (d DSN) Scheme() string {
	switch {
	case strings.HasPrefix(d.value, "sqlite:"):
		return "sqlite"
	case strings.HasPrefix(d.value, "postgres://"), strings.HasPrefix(d.value, "postgresql://"):
		return "postgres"
	}
	return ""
}

// SQLitePath returns PATH of a sqlite:PATH address, "" for other schemes.
func (d DSN) SQLitePath() string {
	if p, ok := strings.CutPrefix(d.value, "sqlite:"); ok {
		return p
	}
	return ""
}

// String returns the address with any password (user info or a
// "password" query parameter) replaced by "****".
func (d DSN) String() string {
	if d.Scheme() != "postgres" {
		return d.value
	}
	u, err := url.Parse(d.value)
	if err != nil {
		// Unparseable: it may still hold a password, so show only the scheme.
		scheme, _, _ := strings.Cut(d.value, "://")
		return scheme + "://" + mask
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), mask)
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", mask)
		u.RawQuery = q.Encode()
	}
	return strings.ReplaceAll(u.String(), url.QueryEscape(mask), mask)
}

// GoString masks the password for %#v.
func (d DSN) GoString() string { return fmt.Sprintf("config.DSN(%q)", d.String()) }

// Format masks the password for every verb.
func (d DSN) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, d.GoString())
	case verb == 'q':
		fmt.Fprintf(f, "%q", d.String())
	default:
		fmt.Fprint(f, d.String())
	}
}

// MarshalText masks the password for encoders.
func (d DSN) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
