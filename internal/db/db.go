// Package db opens Zhuchao's database on SQLite or PostgreSQL, applies the embedded
// migrations, and runs transactions. Stores write SQL with ? placeholders once; the small
// dialect seam here rebinds them for PostgreSQL and names the few things the engines
// spell differently. A transaction travels in the context, so a service method either
// owns its transaction or joins the caller's.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Engine names a database engine.
type Engine string

// The engines Zhuchao runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open database. Reads may go to a pool of connections; on SQLite every write
// goes through a single writer connection in BEGIN IMMEDIATE transactions.
type DB struct {
	Engine Engine
	write  *sql.DB
	read   *sql.DB
	binds  sync.Map // query text -> rebound text (PostgreSQL)
	// wal groups commits on SQLite with synchronous=FULL (see walSyncer); nil otherwise.
	wal  *walSyncer
	gens sync.Map // kind -> *atomic.Uint64, see Changed
	// Hook, when set, is called at named points inside transactions; tests use it to
	// inject faults between write steps.
	Hook func(ctx context.Context, point string) error
}

// Options tune Open.
type Options struct {
	// ReadConns bounds the read pool (default 4 on SQLite, 16 on PostgreSQL).
	ReadConns int
	// Synchronous sets SQLite's synchronous pragma (default FULL, since money moves).
	Synchronous string
}

// Open connects to dsn: "postgres://…" or "postgresql://…" for PostgreSQL; a file path or
// "sqlite:PATH" for SQLite. The database is not migrated; call Migrate.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn, opt)
	}
	return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"), opt)
}

func openSQLite(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("db: empty SQLite path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: create data directory: %w", err)
		}
	}
	syncMode := strings.ToUpper(opt.Synchronous)
	if syncMode == "" {
		syncMode = "FULL"
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(" + syncMode + ")", "temp_store(MEMORY)", "cache_size(-65536)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	write, err := openCachedSQLite(dsn)
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	// FULL's durability with group commit (see walSyncer): the writer commits with
	// NORMAL, and each committed transaction waits for a shared fsync of the log, once
	// the log is where it should be. A writer connection opened again later starts on
	// FULL from the DSN: slower, never less durable.
	var wal *walSyncer
	if syncMode == "FULL" {
		var n int // a read opens (creates) the log
		if err := write.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master").Scan(&n); err != nil {
			write.Close()
			return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			if _, err := write.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
				write.Close()
				return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
			}
			wal = &walSyncer{path: path + "-wal"}
		}
	}
	rq := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(10000)", "query_only(1)", "temp_store(MEMORY)", "cache_size(-65536)"} {
		rq.Add("_pragma", p)
	}
	read, err := openCachedSQLite("file:" + path + "?" + rq.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("db: open sqlite reader: %w", err)
	}
	n := opt.ReadConns
	if n <= 0 {
		n = 4
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{Engine: SQLite, write: write, read: read, wal: wal}, nil
}

func openPostgres(ctx context.Context, dsn string, opt Options) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	n := opt.ReadConns
	if n <= 0 {
		n = 16
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: connect postgres: %w", err)
	}
	return &DB{Engine: Postgres, write: pool, read: pool}, nil
}

// Close closes every pool.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		if e := d.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

type txKey struct{}

type txState struct {
	tx     *sql.Tx
	after  []func()
	engine Engine
}

// InTx reports whether ctx carries a transaction.
func InTx(ctx context.Context) bool { _, ok := ctx.Value(txKey{}).(*txState); return ok }

// AfterCommit registers fn to run once the transaction in ctx commits (or at once when
// there is none). Use it for in-memory effects that must not happen on rollback.
func AfterCommit(ctx context.Context, fn func()) {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		st.after = append(st.after, fn)
		return
	}
	fn()
}

// WithTx runs fn in a transaction: it joins the transaction already in ctx, or begins
// one on the writer, commits when fn returns nil and rolls back otherwise. On PostgreSQL a
// serialization failure or deadlock retries fn from the start.
func (d *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if InTx(ctx) {
		return fn(ctx)
	}
	const attempts = 8
	var err error
	for i := 0; i < attempts; i++ {
		err = d.runTx(ctx, fn)
		if err == nil || !retryable(err) {
			return err
		}
		// Back off with jitter, so transactions that deadlocked together do not meet
		// again at the same moment: 5 ms, 10 ms, … up to 320 ms, each plus up to as much.
		base := time.Duration(1<<min(i, 6)) * 5 * time.Millisecond
		time.Sleep(base + rand.N(base))
	}
	return err
}

type relaxedKey struct{}

// Relaxed marks the transaction that WithTx begins with ctx (or a statement Exec runs
// alone) as one that moves no money and whose loss on a power failure is harmless (a
// cart edit, an idempotency key's claim): on SQLite it returns at commit without waiting
// for the log to reach the disk. The log keeps commits in order, so the next ordinary
// commit makes it durable too; a process crash loses nothing either way. PostgreSQL
// ignores the mark.
func Relaxed(ctx context.Context) context.Context { return context.WithValue(ctx, relaxedKey{}, true) }

func (d *DB) runTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	return d.finishTx(ctx, tx, fn)
}

// fatal stops the process when the log of a committed transaction cannot be synced.
// The commit cannot be undone, so it must not be reported as failed (a client's retry
// would run the step again), and it cannot be reported as done either: its caller was
// promised the data is on disk. Like PostgreSQL on an fsync failure, the process stops,
// and on restart SQLite replays whatever of the log did reach the disk. (A failed fsync
// may have dropped the dirty pages, so the next one succeeding proves nothing.) Tests
// replace it.
var fatal = func(err error) {
	slog.Error("database log sync failed after commit: stopping so that no committed transaction is reported as failed or as durable; restart to recover from the log", "err", err)
	fmt.Fprintln(os.Stderr, "zhuchao: fatal:", err)
	os.Exit(70)
}

// durable waits, after a commit on SQLite, until the log holding it is on disk, unless
// ctx is Relaxed. It reports whether the commit may be treated as done; when the sync
// fails it calls fatal, which does not return outside tests.
func (d *DB) durable(ctx context.Context) bool {
	if d.wal == nil {
		return true
	}
	n := d.wal.committed()
	if ctx.Value(relaxedKey{}) != nil {
		return true
	}
	if err := d.wal.wait(n); err != nil {
		fatal(fmt.Errorf("db: commit: sync the log %s: %w", d.wal.path, err))
		return false
	}
	return true
}

// finishTx runs fn in tx and commits, or rolls back on an error or a panic.
func (d *DB) finishTx(ctx context.Context, tx *sql.Tx, fn func(ctx context.Context) error) (err error) {
	st := &txState{tx: tx, engine: d.Engine}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(context.WithValue(ctx, txKey{}, st)); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	// The commit is in the database: from here on it is never reported as failed. The
	// hooks (caches, notifications of in-memory state) run once it is on disk.
	if !d.durable(ctx) {
		return nil // only when a test's fatal returned
	}
	for _, f := range st.after {
		f()
	}
	return nil
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// Changed records, once the transaction in ctx commits (at once outside one), that
// data of a kind ("identity": users, organisations, memberships, API tokens) changed in
// this process, so in-process caches of it drop what they hold: see Generation.
func (d *DB) Changed(ctx context.Context, kind string) {
	AfterCommit(ctx, func() { d.gen(kind).Add(1) })
}

// Generation counts the committed changes of a kind made in this process. A cache
// reads it before loading from the database and keeps an entry only while it is
// unchanged; changes committed by other processes are not seen here.
func (d *DB) Generation(kind string) uint64 { return d.gen(kind).Load() }

func (d *DB) gen(kind string) *atomic.Uint64 {
	if g, ok := d.gens.Load(kind); ok {
		return g.(*atomic.Uint64)
	}
	g, _ := d.gens.LoadOrStore(kind, new(atomic.Uint64))
	return g.(*atomic.Uint64)
}

// Fault calls the test hook at a named point; production code marks its write steps with
// it so tests can prove that a failure between steps leaves nothing half-written.
func (d *DB) Fault(ctx context.Context, point string) error {
	if d.Hook == nil {
		return nil
	}
	return d.Hook(ctx, point)
}

// Exec runs a statement in the transaction in ctx, or alone on the writer.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = d.Rebind(query)
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx.ExecContext(ctx, query, args...)
	}
	res, err := d.write.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	d.durable(ctx)
	return res, nil
}

// Query runs a query in the transaction in ctx, or on the read pool.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = d.Rebind(query)
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx.QueryContext(ctx, query, args...)
	}
	return d.read.QueryContext(ctx, query, args...)
}

// QueryRow runs a one-row query in the transaction in ctx, or on the read pool.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = d.Rebind(query)
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx.QueryRowContext(ctx, query, args...)
	}
	return d.read.QueryRowContext(ctx, query, args...)
}

// Prepare prepares a statement on the transaction in ctx (bulk loaders use it).
func (d *DB) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		return nil, errors.New("db: Prepare needs a transaction")
	}
	return st.tx.PrepareContext(ctx, d.Rebind(query))
}

// Rebind turns ? placeholders into $1, $2… for PostgreSQL, leaving quoted text alone.
func (d *DB) Rebind(query string) string {
	if d.Engine != Postgres || !strings.Contains(query, "?") {
		return query
	}
	if q, ok := d.binds.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	n := 0
	inQuote := false
	for _, r := range query {
		switch {
		case r == '\'':
			inQuote = !inQuote
			b.WriteRune(r)
		case r == '?' && !inQuote:
			n++
			b.WriteString("$")
			b.WriteString(fmt.Sprint(n))
		default:
			b.WriteRune(r)
		}
	}
	q := b.String()
	d.binds.Store(query, q)
	return q
}

// IsUniqueViolation reports whether err is a unique-constraint violation on either engine.
func IsUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// NewID returns a new UUIDv7: time-ordered, so inserts stay at the end of indexes.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID reports whether s has the form of an ID; malformed IDs are simply not found,
// and PostgreSQL would otherwise refuse them with a type error.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// Millis is how times are stored: milliseconds since the Unix epoch, in a BIGINT, the
// same on both engines.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Time turns stored milliseconds back into a time in loc (zero stays zero).
func Time(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// Placeholders returns "?, ?, …" with n marks, for IN lists.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// Like escapes s for a LIKE pattern with ESCAPE '\'.
func Like(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
