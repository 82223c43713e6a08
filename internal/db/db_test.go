package db_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		applied, err := d.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v", applied)
		}
		ms, _ := db.Migrations()
		v, err := d.Version(ctx)
		if err != nil || v != ms[len(ms)-1].Version {
			t.Fatalf("version %d, %v", v, err)
		}
	})
}

func TestWithTxRollsBackAndJoins(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.WithTx(ctx, func(ctx context.Context) error {
			if _, err := d.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, "a", "1", 1); err != nil {
				return err
			}
			// A nested WithTx joins the outer transaction, so the outer failure undoes it.
			if err := d.WithTx(ctx, func(ctx context.Context) error {
				_, err := d.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, "b", "2", 1)
				return err
			}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rows after rollback = %d, %v", n, err)
		}
		var committed []string
		err = d.WithTx(ctx, func(ctx context.Context) error {
			db.AfterCommit(ctx, func() { committed = append(committed, "x") })
			_, err := d.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, "c", "it's ? here", 1)
			return err
		})
		if err != nil || len(committed) != 1 {
			t.Fatalf("commit: %v, after-commit ran %d times", err, len(committed))
		}
		var v string
		if err := d.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, "c").Scan(&v); err != nil || v != "it's ? here" {
			t.Fatalf("value %q, %v", v, err)
		}
	})
}

func TestUniqueViolation(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`
		if _, err := d.Exec(ctx, ins, "k", "v", 1); err != nil {
			t.Fatal(err)
		}
		_, err := d.Exec(ctx, ins, "k", "v", 1)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
	})
}

func TestRebind(t *testing.T) {
	d := &db.DB{Engine: db.Postgres}
	got := d.Rebind(`SELECT ? , '?', x FROM t WHERE a = ? AND b = 'it''s ?' AND c = ?`)
	want := `SELECT $1 , '?', x FROM t WHERE a = $2 AND b = 'it''s ?' AND c = $3`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestStatementReuse runs the same statement inside the loop over its own rows (the
// cached statement is busy, so a one-off one answers), more distinct statements than
// the cache holds, a failing statement and then the same text again, in and out of a
// transaction, and checks every answer.
func TestStatementReuse(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`
		for i := range 5 {
			if _, err := d.Exec(ctx, ins, fmt.Sprint("k", i), fmt.Sprint(i), i); err != nil {
				t.Fatal(err)
			}
		}
		q := `SELECT key, updated_at FROM settings WHERE updated_at >= ? ORDER BY key`
		total := 5
		check := func(ctx context.Context) {
			t.Helper()
			rows, err := d.Query(ctx, q, 0)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for rows.Next() {
				var k string
				var at int
				if err := rows.Scan(&k, &at); err != nil {
					t.Fatal(err)
				}
				inner, err := d.Query(ctx, q, at)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for inner.Next() {
					n++
				}
				inner.Close()
				if want := total - min(at, total-1); n != want {
					t.Fatalf("inner query from %d: %d rows, want %d", at, n, want)
				}
				seen++
			}
			if err := rows.Close(); err != nil || seen != total {
				t.Fatalf("outer query: %d rows, %v", seen, err)
			}
		}
		check(ctx)
		if d.Engine == db.SQLite { // pgx runs one query at a time on a connection
			if err := d.WithTx(ctx, func(ctx context.Context) error { check(ctx); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 600 {
			var n int
			if err := d.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) + %d FROM settings`, i)).Scan(&n); err != nil || n != 5+i {
				t.Fatalf("distinct statement %d: %d, %v", i, n, err)
			}
		}
		if _, err := d.Exec(ctx, ins, "k1", "again", 1); !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
		if _, err := d.Exec(ctx, ins, "k9", "9", 9); err != nil {
			t.Fatalf("the statement after its failure: %v", err)
		}
		total = 6
		check(ctx)
	})
}

// TestGroupCommit: on SQLite with synchronous=FULL (the default) a transaction returns
// only after an fsync of the log that began after its commit; concurrent commits share
// fsyncs; a Relaxed transaction or statement waits for none.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "group.db"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var level int
	if err := d.WithTx(ctx, func(ctx context.Context) error { return d.QueryRow(ctx, `PRAGMA synchronous`).Scan(&level) }); err != nil || level != 1 {
		t.Fatalf("the writer's synchronous = %d (%v), want NORMAL (1) with group commit", level, err)
	}
	ins := `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`
	before := d.Syncs()
	if err := d.WithTx(ctx, func(ctx context.Context) error {
		_, err := d.Exec(ctx, ins, "a", "1", 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, ins, "b", "1", 1); err != nil {
		t.Fatal(err)
	}
	if got := d.Syncs() - before; got != 2 {
		t.Fatalf("two commits one after the other: %d fsyncs, want 2", got)
	}
	before = d.Syncs()
	if err := d.WithTx(db.Relaxed(ctx), func(ctx context.Context) error {
		_, err := d.Exec(ctx, ins, "c", "1", 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(db.Relaxed(ctx), ins, "d", "1", 1); err != nil {
		t.Fatal(err)
	}
	if got := d.Syncs() - before; got != 0 {
		t.Fatalf("relaxed commits: %d fsyncs, want 0", got)
	}
	before = d.Syncs()
	const n = 64
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errc <- d.WithTx(ctx, func(ctx context.Context) error {
				_, err := d.Exec(ctx, ins, fmt.Sprint("k", i), "1", 1)
				return err
			})
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := d.Syncs() - before; got < 1 || got > n {
		t.Fatalf("%d concurrent commits: %d fsyncs", n, got)
	}
	var rows int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM settings`).Scan(&rows); err != nil || rows != n+4 {
		t.Fatalf("rows = %d, %v", rows, err)
	}
	t.Logf("%d concurrent commits shared %d fsyncs", n, d.Syncs()-before)
}
