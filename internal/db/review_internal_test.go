package db

import (
	"context"
	"path/filepath"
	"testing"
)

// REVIEW: with group commit, a transaction is committed (and its AfterCommit hooks have
// run) before the log's fsync; if that fsync fails (EIO, ENOSPC on the log's file, the
// log missing), WithTx returns an error for a transaction that is in the database. The
// API's idempotency layer then abandons the key and the client's retry runs the money
// step a second time. SQLite only (PostgreSQL has no group commit).
func TestReviewSyncFailureReportsCommittedTxAsFailed(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "g.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if d.wal == nil {
		t.Skip("no group commit")
	}
	// Stand-in for an fsync that fails: the log cannot be opened.
	d.wal.path = filepath.Join(t.TempDir(), "gone", "g.db-wal")
	// The fix stops the process (fatal); here fatal records the error and returns.
	var fatalErr error
	defer func(f func(error)) { fatal = f }(fatal)
	fatal = func(err error) { fatalErr = err }
	hookRan := false
	err = d.WithTx(ctx, func(ctx context.Context) error {
		AfterCommit(ctx, func() { hookRan = true })
		_, err := d.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 1)`)
		return err
	})
	var n int
	if qerr := d.QueryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = 'k'`).Scan(&n); qerr != nil {
		t.Fatal(qerr)
	}
	if err != nil && (n == 1 || hookRan) {
		t.Fatalf("WithTx reported %q but the row is committed (%d) and the after-commit hook ran (%v)", err, n, hookRan)
	}
	if fatalErr == nil {
		t.Fatal("a failed sync of a committed transaction did not stop the process")
	}
	if hookRan {
		t.Fatal("the after-commit hook ran although the commit never reached the disk")
	}
}

// A statement run alone (no transaction) whose log cannot be synced stops the process
// too, rather than returning an error for a committed write.
func TestSyncFailureOfLoneStatementIsFatal(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "g.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if d.wal == nil {
		t.Skip("no group commit")
	}
	d.wal.path = filepath.Join(t.TempDir(), "gone", "g.db-wal")
	var fatalErr error
	defer func(f func(error)) { fatal = f }(fatal)
	fatal = func(err error) { fatalErr = err }
	if _, err := d.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 1)`); err != nil {
		t.Fatalf("Exec reported %v for a committed write", err)
	}
	if fatalErr == nil {
		t.Fatal("a failed sync of a committed statement did not stop the process")
	}
}
