// Package store keeps goalbot's state in SQLite (the embedded default) or
// PostgreSQL (for several replicas) behind one implementation: the queries
// speak database/sql, are written once with ? placeholders and differ only
// where the dialects do. It also hosts the River job queue (see Queue),
// whose rows live in the same database so that a delivery and its job
// commit together; on PostgreSQL the queue and ingest speak pgx, River's
// native driver.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-migrate/migrate/v4"
	migratedb "github.com/golang-migrate/migrate/v4/database"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	migratesqlite "github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the SQL flavour of a database.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// sqlitePragmas are the connection settings DESIGN §3 asks for: WAL, a busy
// timeout, NORMAL sync (safe with WAL), foreign keys, and immediate write
// locks so that transactions never upgrade from read to write and deadlock.
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"

// postgresConns is the size of the PostgreSQL pool the workers share.
const postgresConns = 20

// DB is an open store.
type DB struct {
	db      *sql.DB
	dialect Dialect
	dsn     string // driver DSN; never logged (it may hold a password)
	queue   Queue

	sqlQueue  *river.Client[*sql.Tx] // the queue on SQLite
	river     *pgxpool.Pool          // River's pool on PostgreSQL (riverConns)
	pgxWriter *pgxpool.Pool          // ingest's pool on PostgreSQL

	deliveryJobs *deliveryJobs // how ingest writes its jobs on PostgreSQL

	// Deliveries are written over connections of their own, so that an
	// acknowledgement never waits behind the workers: writer commits the
	// ingest batches, inbox serves everything else about deliveries, reader
	// answers ingest's reads of the rest of the schema. On SQLite the
	// deliveries are in a file of their own (InboxPath), whose write lock
	// the workers do not take, and pump moves the new ones into the job
	// queue (see pump.go); on PostgreSQL one transaction stores a batch and
	// its jobs over pgxWriter, and inbox is db.
	writer *sql.DB
	inbox  *sql.DB
	reader *sql.DB
	pump   *sql.DB // SQLite only

	goalLocks sync.Map // goal id → *sync.Mutex (SQLite)

	ingestOpt  IngestOptions
	ingestOnce sync.Once
	ingest     *ingester

	docs docCache // goals' decoded documents

	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Open connects to the database named by url: "sqlite:PATH" or
// "postgres://…" / "postgresql://…". It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	dialect, dsn, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	db := &DB{dialect: dialect, dsn: dsn, Now: func() time.Time { return time.Now().UTC() }}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if dialect == SQLite {
		err = db.openSQLite(pingCtx)
	} else {
		err = db.openPostgres(pingCtx)
	}
	if err != nil {
		db.closePools()
		return nil, err
	}
	return db, nil
}

// openSQLite opens the pools of a SQLite store: one connection for the
// workers, one for the pump and one read-only for ingest on the database
// file; one writer and a small pool on the inbox file. Each file's writers
// in this process take turns through its gate.
func (db *DB) openSQLite(ctx context.Context) error {
	dbGate, inboxGate := &gate{}, &gate{}
	inboxDSN := sqliteInboxDSN(db.dsn)
	pools := []struct {
		to       **sql.DB
		dsn      string
		gate     *gate
		priority bool
		conns    int
	}{
		// riversqlite and SQLite itself want one writer; one connection
		// also serialises our own transactions without SQLITE_BUSY.
		{&db.db, db.dsn, dbGate, false, 1},
		// The pump goes before the workers: jobs wait for it.
		{&db.pump, db.dsn, dbGate, true, 1},
		{&db.reader, db.dsn + "&_pragma=query_only(1)", dbGate, false, 1},
		// The inbox leaves checkpoints to the checkpointer (see
		// ingester.checkpoints): copying the log into the file is then not
		// on the path of an acknowledgement, nor of a write the
		// acknowledgements wait for.
		{&db.writer, inboxDSN + "&_pragma=wal_autocheckpoint(0)", inboxGate, true, 1},
		{&db.inbox, inboxDSN + "&_pragma=wal_autocheckpoint(0)", inboxGate, false, 2},
	}
	for _, p := range pools {
		where := "SQLite database " + sqlitePath(p.dsn)
		pool, err := openGated(p.dsn, p.gate, p.priority)
		if err != nil {
			return fmt.Errorf("open %s: %w", where, err)
		}
		pool.SetMaxOpenConns(p.conns)
		pool.SetMaxIdleConns(p.conns)
		*p.to = pool
		if err := pool.PingContext(ctx); err != nil {
			return fmt.Errorf("connect to %s: %w%s", where, redact(err, p.dsn), sqliteHint(db.dialect, db.dsn))
		}
	}
	return nil
}

// openPostgres opens the workers' pool, River's (a pgx pool, see Queue)
// and ingest's (pgx too, one connection per committing batch). Workers
// waiting on a goal's advisory lock each hold one of the workers'.
func (db *DB) openPostgres(ctx context.Context) error {
	var err error
	if db.db, err = db.openPostgresPool(ctx, postgresConns); err != nil {
		return err
	}
	if db.river, err = db.openPgxPool(ctx, riverConns); err != nil {
		return err
	}
	if db.pgxWriter, err = db.openPgxPool(ctx, maxCommitters); err != nil {
		return err
	}
	db.inbox = db.db
	return nil
}

// openPostgresPool opens a pool of at most conns connections that keeps
// them idle (database/sql keeps two by default: with more workers than
// that, every query past the second opened a new connection, and
// PostgreSQL forked a backend for it).
func (db *DB) openPostgresPool(ctx context.Context, conns int) (*sql.DB, error) {
	pool, err := sql.Open("pgx", db.dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", db.where(), redact(err, db.dsn))
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", db.where(), redact(err, db.dsn))
	}
	return pool, nil
}

// closePools closes every pool opened, each once.
func (db *DB) closePools() error {
	var errs []error
	seen := map[*sql.DB]bool{}
	for _, p := range []*sql.DB{db.db, db.pump, db.reader, db.writer, db.inbox} {
		if p != nil && !seen[p] {
			seen[p] = true
			errs = append(errs, p.Close())
		}
	}
	for _, p := range []*pgxpool.Pool{db.river, db.pgxWriter} {
		if p != nil {
			p.Close()
		}
	}
	return errors.Join(errs...)
}

// parseURL splits a database URL into its dialect and the driver's DSN.
func parseURL(url string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if path == "" {
			return "", "", errors.New(`database URL "sqlite:" has no path; write sqlite:goalbot.db`)
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return SQLite, "file:" + path + sep + sqlitePragmas, nil
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return Postgres, url, nil
	default:
		return "", "", fmt.Errorf("database URL must start with sqlite: or postgres:// (got scheme %q)", scheme(url))
	}
}

func scheme(url string) string {
	if i := strings.Index(url, ":"); i >= 0 {
		return url[:i]
	}
	return ""
}

// redact removes the DSN (which may hold a password) from err's text.
func redact(err error, dsn string) error {
	if dsn == "" || !strings.Contains(err.Error(), dsn) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), dsn, "<database url>"))
}

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close stops the ingest batches and the connection pools; stop the queue
// first.
func (db *DB) Close() error {
	db.ingestOnce.Do(func() {}) // no ingester may start after this
	if db.ingest != nil {
		db.ingest.close()
	}
	return db.closePools()
}

// Migrate applies goalbot's migrations and River's. On PostgreSQL both run
// under one advisory lock, so replicas starting together migrate once.
func (db *DB) Migrate(ctx context.Context) error {
	if db.dialect == Postgres {
		conn, err := db.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		const lockKey = 0x60a1b07 // "goalbot"
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
			return fmt.Errorf("migrate: take advisory lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey)
	}
	if err := db.migrateOwn(string(db.dialect), db.dsn); err != nil {
		return err
	}
	if db.dialect == SQLite {
		if err := db.migrateOwn("inbox", sqliteInboxDSN(db.dsn)); err != nil {
			return fmt.Errorf("inbox: %w", err)
		}
		if err := db.moveDeliveries(ctx); err != nil {
			return err
		}
	}
	m, err := rivermigrate.New(db.riverDriver(), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("migrate queue: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate queue: %w", err)
	}
	return nil
}

// migrateOwn runs the migrations of one schema (the folder of migrations,
// dir, on the database dsn names) with golang-migrate, over a connection
// of its own because its drivers close the *sql.DB they are given.
func (db *DB) migrateOwn(dir, dsn string) error {
	sub, err := fs.Sub(migrations, "migrations/"+dir)
	if err != nil {
		return err
	}
	src, err := iofs.New(sub, ".")
	if err != nil {
		return fmt.Errorf("migrate: read embedded migrations: %w", err)
	}
	driver := "sqlite"
	if db.dialect == Postgres {
		driver = "pgx"
	}
	own, err := sql.Open(driver, dsn)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var target migratedb.Driver
	if db.dialect == Postgres {
		target, err = migratepgx.WithInstance(own, &migratepgx.Config{MigrationsTable: "goalbot_migrations"})
	} else {
		target, err = migratesqlite.WithInstance(own, &migratesqlite.Config{MigrationsTable: "goalbot_migrations"})
	}
	if err != nil {
		own.Close()
		return fmt.Errorf("migrate: %w", redact(err, dsn))
	}
	m, err := migrate.NewWithInstance("iofs", src, string(db.dialect), target)
	if err != nil {
		own.Close()
		return fmt.Errorf("migrate: %w", err)
	}
	defer m.Close() // closes src and own
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// latestVersion is the number of the newest embedded migration of dir.
func latestVersion(dir string) (uint, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+dir)
	if err != nil {
		return 0, err
	}
	var max uint
	for _, e := range entries {
		n, err := strconv.ParseUint(strings.SplitN(e.Name(), "_", 2)[0], 10, 32)
		if err == nil && uint(n) > max {
			max = uint(n)
		}
	}
	return max, nil
}

// Ready reports nil when the database answers and every migration has been
// applied cleanly; /readyz uses it.
func (db *DB) Ready(ctx context.Context) error {
	if err := schemaReady(ctx, db.db, string(db.dialect), db.where()); err != nil {
		return err
	}
	if db.dialect == SQLite {
		return schemaReady(ctx, db.inbox, "inbox", "SQLite inbox "+sqlitePath(sqliteInboxDSN(db.dsn)))
	}
	return nil
}

// schemaReady reports nil when pool's schema has every migration of dir
// applied cleanly; where names it in errors.
func schemaReady(ctx context.Context, pool *sql.DB, dir, where string) error {
	want, err := latestVersion(dir)
	if err != nil {
		return err
	}
	var version uint
	var dirty bool
	err = pool.QueryRowContext(ctx, "SELECT version, dirty FROM goalbot_migrations").Scan(&version, &dirty)
	switch {
	case err != nil && missingSchema(err):
		return fmt.Errorf("%s has no goalbot schema: %w", where, ErrNoSchema)
	case err != nil:
		return fmt.Errorf("read schema version of %s: %w", where, err)
	case dirty:
		return fmt.Errorf("schema version %d of %s is dirty: a migration failed halfway", version, where)
	case version < want:
		return fmt.Errorf("%s has schema version %d, want %d: run \"goalbot migrate\"", where, version, want)
	}
	return nil
}

// riverDriver is River's driver for its migrations: over database/sql on
// either database (the queue itself runs on pgx on PostgreSQL, see Queue).
func (db *DB) riverDriver() riverdriver.Driver[*sql.Tx] {
	if db.dialect == Postgres {
		return riverdatabasesql.New(db.db)
	}
	return riversqlite.New(db.db)
}

// rebind turns ? placeholders into $n for PostgreSQL. Queries must not hold
// a literal question mark.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.db.ExecContext(ctx, db.rebind(q), args...)
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.db.QueryContext(ctx, db.rebind(q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.db.QueryRowContext(ctx, db.rebind(q), args...)
}

// inTx runs fn in a transaction of the workers' pool, committing when it
// returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return inTx(ctx, db.db, fn)
}

// inTx runs fn in a transaction of pool, committing when it returns nil.
func inTx(ctx context.Context, pool *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) sql.NullTime {
	return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()}
}

// QueryRowForTest runs a query on the store's pool, or on the inbox's if
// it names the deliveries table; only tests use it, to check invariants
// across tables (River's included).
func (db *DB) QueryRowForTest(ctx context.Context, q string, args ...any) *sql.Row {
	return db.poolForTest(q).QueryRowContext(ctx, db.rebind(q), args...)
}

// ExecForTest runs a statement on the store's pool, or on the inbox's if it
// names the deliveries table; only tests use it, to break the schema on
// purpose or to hold locks.
func (db *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := db.poolForTest(q).ExecContext(ctx, db.rebind(q), args...)
	return err
}

func (db *DB) poolForTest(q string) *sql.DB {
	if strings.Contains(q, " deliveries") {
		return db.inbox
	}
	return db.db
}
