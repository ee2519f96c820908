package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoSchema reports a database goalbot has not migrated yet; the message
// says how to mend it.
var ErrNoSchema = errors.New(`run "goalbot migrate" first (goalbot serve migrates too)`)

// OpenExisting opens a database for a command that only reads it (status,
// digest --dry-run): a SQLite file that does not exist is an error naming
// it, never created empty, and a database without goalbot's schema is
// ErrNoSchema rather than an SQL error.
func OpenExisting(ctx context.Context, url string) (*DB, error) {
	dialect, dsn, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		path := sqlitePath(dsn)
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("no database at %s: %w", path, ErrNoSchema)
			}
			return nil, fmt.Errorf("SQLite database %s: %w", path, err)
		}
	}
	db, err := Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := db.Ready(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// sqlitePath returns the file a SQLite driver DSN ("file:PATH?pragmas")
// names.
func sqlitePath(dsn string) string {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return path
}

// InboxPath is the file next to a SQLite database that holds its
// deliveries: the receiver writes there, so that an acknowledgement never
// waits for SQLite's write lock while a worker holds the database's. Back
// up both files (and neither's -wal while goalbot runs).
func InboxPath(dbPath string) string { return dbPath + "-inbox" }

// sqliteInboxDSN is the DSN of the inbox of the database dsn names, with
// the same settings.
func sqliteInboxDSN(dsn string) string {
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return "file:" + InboxPath(path) + "?" + query
}

// sqliteHint says why a SQLite file could not be opened when the reason is
// plain from the file system: its folder is missing.
func sqliteHint(d Dialect, dsn string) string {
	if d != SQLite {
		return ""
	}
	dir := filepath.Dir(sqlitePath(dsn))
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return fmt.Sprintf(" (the folder %s does not exist; create it or pick another path)", dir)
	}
	return ""
}

// where names the database in messages: a SQLite file's path, or the
// dialect for PostgreSQL (whose URL may hold a password).
func (db *DB) where() string {
	if db.dialect == SQLite {
		return "SQLite database " + sqlitePath(db.dsn)
	}
	return "PostgreSQL database"
}

// missingSchema reports whether err says goalbot's migrations table does
// not exist (SQLite: "no such table", PostgreSQL: SQLSTATE 42P01).
func missingSchema(err error) bool {
	s := err.Error()
	return strings.Contains(s, "no such table") || strings.Contains(s, "42P01") || strings.Contains(s, "does not exist")
}
