package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"sync"
)

// stmtCacheSize bounds the prepared statements kept per SQLite connection. The whole
// application has a few hundred distinct statements; the hot paths use a few dozen.
const stmtCacheSize = 512

// stmtCacheConnector opens SQLite connections that keep their prepared statements.
//
// SQLite parses and plans a statement on every sqlite3_prepare; the modernc driver
// prepares afresh for every db.Query/Exec that does not go through a *sql.Stmt, and
// parsing was a quarter of the CPU of a checkout. A cache at the connection (a
// database/sql Stmt cache would need a free connection to prepare on, and the single
// writer connection is busy with the very transaction that wants the statement) keeps
// one prepared statement per query text; a statement already in use on that
// connection (a query inside the loop over another's rows, same text) gets a one-off
// statement instead. PostgreSQL needs none of this: pgx keeps its own statement cache
// per connection.
type stmtCacheConnector struct {
	dsn string
	drv driver.Driver
}

func (c *stmtCacheConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

func (c *stmtCacheConnector) Driver() driver.Driver { return c.drv }

// cachingConn wraps a driver connection; database/sql uses a connection from one
// goroutine at a time, but Rows outlive the call that made them, so a statement is
// marked busy until its rows are closed.
type cachingConn struct {
	driver.Conn
	mu    sync.Mutex
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	s    driver.Stmt
	busy bool
}

// The interfaces database/sql looks for on a connection, passed through.
var (
	_ driver.ConnBeginTx                    = (*cachingConn)(nil)
	_ driver.ConnPrepareContext             = (*cachingConn)(nil)
	_ driver.ExecerContext                  = (*cachingConn)(nil)
	_ driver.QueryerContext                 = (*cachingConn)(nil)
	_ driver.Pinger                         = (*cachingConn)(nil)
	_ driver.SessionResetter                = (*cachingConn)(nil)
	_ driver.Validator                      = (*cachingConn)(nil)
	_ driver.RowsColumnTypeScanType         = (*cachedRows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*cachedRows)(nil)
)

var errNoContext = errors.New("db: the SQLite driver lacks a context method")

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return nil, errNoContext
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Close finalizes the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	c.mu.Lock()
	for q, cs := range c.stmts {
		_ = cs.s.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

// stmt returns the prepared statement for query, marked busy, and the function that
// hands it back (or closes a one-off statement).
func (c *cachingConn) stmt(ctx context.Context, query string) (driver.Stmt, func(), error) {
	c.mu.Lock()
	if cs, ok := c.stmts[query]; ok {
		if !cs.busy {
			cs.busy = true
			c.mu.Unlock()
			return cs.s, func() { c.mu.Lock(); cs.busy = false; c.mu.Unlock() }, nil
		}
		c.mu.Unlock()
		s, err := c.PrepareContext(ctx, query)
		if err != nil {
			return nil, nil, err
		}
		return s, func() { _ = s.Close() }, nil
	}
	c.mu.Unlock()
	s, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.stmts) >= stmtCacheSize {
		for q, old := range c.stmts { // evict one idle statement, any
			if !old.busy {
				_ = old.s.Close()
				delete(c.stmts, q)
				break
			}
		}
	}
	if len(c.stmts) >= stmtCacheSize {
		return s, func() { _ = s.Close() }, nil
	}
	cs := &cachedStmt{s: s, busy: true}
	c.stmts[query] = cs
	return s, func() { c.mu.Lock(); cs.busy = false; c.mu.Unlock() }, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, release, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	defer release()
	e, ok := s.(driver.StmtExecContext)
	if !ok {
		return nil, errNoContext
	}
	return e.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, release, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	q, ok := s.(driver.StmtQueryContext)
	if !ok {
		release()
		return nil, errNoContext
	}
	rows, err := q.QueryContext(ctx, args)
	if err != nil {
		release()
		return nil, err
	}
	return &cachedRows{Rows: rows, release: release}, nil
}

// cachedRows hands its statement back when closed.
type cachedRows struct {
	driver.Rows
	release func()
	once    sync.Once
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.release)
	return err
}

// ColumnTypeScanType passes the driver's column types through (rows.ColumnTypes).
func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

// ColumnTypeDatabaseTypeName passes the driver's declared column types through.
func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

// openCachedSQLite is sql.Open("sqlite", dsn) with the statement cache.
func openCachedSQLite(dsn string) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", dsn) // connects to nothing: it only finds the driver
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	_ = probe.Close()
	return sql.OpenDB(&stmtCacheConnector{dsn: dsn, drv: drv}), nil
}
