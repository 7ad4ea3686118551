package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options configures Open. Zero values select the defaults.
type Options struct {
	// BusyTimeout is how long a write waits for another process's write lock before it fails
	// with SQLITE_BUSY; default 10s.
	BusyTimeout time.Duration
	// Synchronous is SQLite's synchronous setting. "FULL" (default) makes every committed
	// transition survive a power loss. "NORMAL" commits faster and survives a killed
	// process, but a power loss may lose the last transitions.
	Synchronous string
	// Readers is the number of read connections; default 4. In WAL mode a read does not
	// wait for a write.
	Readers int
}

// Store is the engine's SQLite database. Its methods are safe for concurrent use.
type Store struct {
	// writer has one connection, so writes of this process queue in database/sql instead of
	// failing with SQLITE_BUSY; other processes wait for up to BusyTimeout.
	writer *sql.DB
	reader *sql.DB
	// beforeCommit, when set by a test, runs inside Commit after every write and before the
	// transaction commits.
	beforeCommit func()
}

// Open opens or creates the database file at path, turns on WAL mode and foreign keys, and
// migrates an older schema to SchemaVersion. A database written by a newer version returns
// *SchemaTooNew.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	return open(ctx, path, opts, SchemaVersion)
}

func open(ctx context.Context, path string, opts Options, version int) (*Store, error) {
	if path == "" || path == ":memory:" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("opening engine store %q: need a file path without '?' or '#'; an in-memory database cannot survive a restart", path)
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 10 * time.Second
	}
	switch strings.ToUpper(opts.Synchronous) {
	case "":
		opts.Synchronous = "FULL"
	case "FULL", "NORMAL":
		opts.Synchronous = strings.ToUpper(opts.Synchronous)
	default:
		return nil, fmt.Errorf("opening engine store %s: synchronous %q is invalid: use FULL or NORMAL", path, opts.Synchronous)
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}

	dsn := fmt.Sprintf("file:%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(%s)",
		path, opts.BusyTimeout.Milliseconds(), opts.Synchronous)
	// BEGIN IMMEDIATE takes the write lock at the start of a transaction, so two processes
	// never both read and then fail to upgrade to a write.
	writer, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("opening engine store %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	if err := migrate(ctx, writer, version); err != nil {
		writer.Close()
		return nil, fmt.Errorf("migrating engine store %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", dsn)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("opening engine store %s: %w", path, err)
	}
	reader.SetMaxOpenConns(opts.Readers)
	return &Store{writer: writer, reader: reader}, nil
}

// Close closes the database. Transactions that have not committed are rolled back.
func (s *Store) Close() error {
	rerr := s.reader.Close()
	if err := s.writer.Close(); err != nil {
		return err
	}
	return rerr
}

// nanos stores t as Unix nanoseconds, with 0 for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
