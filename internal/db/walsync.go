package db

import (
	"os"
	"sync"
	"sync/atomic"
)

// walSyncer is group commit for SQLite. With synchronous=FULL every commit waits for its
// own fsync of the write-ahead log while holding the single writer, so commits queue
// behind the disk one by one. Instead the writer runs with synchronous=NORMAL (a commit
// appends to the log and lets the writer go) and a committed transaction waits here
// until the log is on disk: one fsync covers every commit appended before it began, so
// concurrent transactions share it, and the next transaction already runs while it
// happens. The log is append-only and replayed in order after a power failure, so a
// commit whose caller was told "done" is as durable as with FULL. A process crash never
// loses a commit either way (the data is in the operating system's cache).
type walSyncer struct {
	path    string        // the -wal file
	commits atomic.Uint64 // commits appended so far
	mu      sync.Mutex    // one fsync at a time
	synced  uint64        // commits covered by the last fsync (under mu)
	syncs   atomic.Uint64 // fsyncs done, for tests and metrics
}

// committed counts a commit that has been appended to the log and returns its number.
func (w *walSyncer) committed() uint64 { return w.commits.Add(1) }

// wait returns once commit n is on disk.
func (w *walSyncer) wait(n uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.synced >= n {
		return nil // an fsync that began after commit n covered it
	}
	upTo := w.commits.Load() // every commit counted so far has been written to the log
	// fsync flushes the file, whichever descriptor wrote it. The log exists as long as
	// the writer's connection is open; a missing one is an error, never a success.
	f, err := os.OpenFile(w.path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	w.syncs.Add(1)
	w.synced = upTo
	return nil
}

// Syncs reports how many group fsyncs of SQLite's log this DB has done (0 when it does
// not group commits: PostgreSQL, or another synchronous setting).
func (d *DB) Syncs() uint64 {
	if d.wal == nil {
		return 0
	}
	return d.wal.syncs.Load()
}
