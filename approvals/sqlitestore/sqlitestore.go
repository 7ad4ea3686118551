// Package sqlitestore keeps approval records, used form tokens and the audit log in SQLite
// (modernc.org/sqlite, no cgo) for the local runtime. Decisions are conditional updates, so
// the first decision wins even with several processes on one database file.
package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secamo/orchestrator/approvals"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schemaVersion is the version this code writes; Open migrates older databases.
const schemaVersion = 1

var migrations = []string{
	// Version 1.
	`CREATE TABLE approvals (
		id             TEXT PRIMARY KEY,
		tenant         TEXT NOT NULL,
		execution      TEXT NOT NULL,
		task_token     TEXT NOT NULL,
		level          INTEGER NOT NULL,
		approvers      TEXT NOT NULL,
		requester      TEXT NOT NULL,
		action         TEXT NOT NULL,
		reason         TEXT NOT NULL,
		ticket_url     TEXT NOT NULL,
		created_at     INTEGER NOT NULL,
		expires_at     INTEGER NOT NULL,
		status         TEXT NOT NULL,
		decided_by     TEXT NOT NULL DEFAULT '',
		decided_at     INTEGER NOT NULL DEFAULT 0,
		comment        TEXT NOT NULL DEFAULT '',
		decided_via    TEXT NOT NULL DEFAULT '',
		delivered      INTEGER NOT NULL DEFAULT 0,
		delivery_error TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX approvals_pending ON approvals (status, expires_at);
	CREATE TABLE approval_form_tokens (
		approval_id TEXT NOT NULL,
		nonce       TEXT NOT NULL,
		used_at     INTEGER NOT NULL,
		PRIMARY KEY (approval_id, nonce)
	);
	CREATE TABLE approval_audit (
		seq         INTEGER PRIMARY KEY AUTOINCREMENT,
		approval_id TEXT NOT NULL,
		tenant      TEXT NOT NULL,
		at          INTEGER NOT NULL,
		method      TEXT NOT NULL,
		approver    TEXT NOT NULL,
		outcome     TEXT NOT NULL,
		remote_ip   TEXT NOT NULL,
		user_agent  TEXT NOT NULL
	);
	CREATE INDEX approval_audit_by_id ON approval_audit (approval_id, seq);`,
}

// Store is an approvals.Store on a SQLite database.
type Store struct {
	db *sql.DB
}

var _ approvals.Store = (*Store)(nil)

// Open opens or creates the database file at path (":memory:" for a private in-memory
// database) and brings its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening approvals database %s: %w", path, err)
	}
	// One connection serialises writers inside this process and keeps ":memory:" to one
	// database; other processes wait on SQLite's lock for up to busy_timeout.
	db.SetMaxOpenConns(1)
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating approvals database %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS approvals_schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var version int
	err = tx.QueryRowContext(ctx, `SELECT version FROM approvals_schema_version`).Scan(&version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals_schema_version (version) VALUES (0)`); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if version > schemaVersion {
		return fmt.Errorf("schema version %d is newer than this program's %d: upgrade the orchestrator", version, schemaVersion)
	}
	for v := version; v < schemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("applying schema version %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE approvals_schema_version SET version = ?`, schemaVersion); err != nil {
		return err
	}
	return tx.Commit()
}

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

// Create implements approvals.Store.
func (s *Store) Create(ctx context.Context, r approvals.Record) error {
	approvers, err := json.Marshal(r.Approvers)
	if err != nil {
		return fmt.Errorf("encoding approvers: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO approvals
		(id, tenant, execution, task_token, level, approvers, requester, action, reason, ticket_url,
		 created_at, expires_at, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Tenant, r.Execution, r.TaskToken, r.Level, string(approvers), r.Requester, r.Action,
		r.Reason, r.TicketURL, nanos(r.CreatedAt), nanos(r.ExpiresAt), string(r.Status))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return fmt.Errorf("creating approval %s: %w", r.ID, approvals.ErrExists)
		}
		return fmt.Errorf("creating approval %s: %w", r.ID, err)
	}
	return nil
}

const selectRecord = `SELECT id, tenant, execution, task_token, level, approvers, requester, action,
	reason, ticket_url, created_at, expires_at, status, decided_by, decided_at, comment,
	decided_via, delivered, delivery_error FROM approvals`

type scanner interface{ Scan(dest ...any) error }

func scanRecord(row scanner) (approvals.Record, error) {
	var (
		r                         approvals.Record
		approvers, status         string
		created, expires, decided int64
		delivered                 int
	)
	err := row.Scan(&r.ID, &r.Tenant, &r.Execution, &r.TaskToken, &r.Level, &approvers, &r.Requester,
		&r.Action, &r.Reason, &r.TicketURL, &created, &expires, &status, &r.DecidedBy, &decided,
		&r.Comment, &r.DecidedVia, &delivered, &r.DeliveryError)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(approvers), &r.Approvers); err != nil {
		return r, fmt.Errorf("decoding approvers of approval %s: %w", r.ID, err)
	}
	r.Status = approvals.Status(status)
	r.CreatedAt, r.ExpiresAt, r.DecidedAt = fromNanos(created), fromNanos(expires), fromNanos(decided)
	r.Delivered = delivered != 0
	return r, nil
}

// Get implements approvals.Store.
func (s *Store) Get(ctx context.Context, id string) (approvals.Record, error) {
	r, err := scanRecord(s.db.QueryRowContext(ctx, selectRecord+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("reading approval %s: %w", id, approvals.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("reading approval %s: %w", id, err)
	}
	return r, nil
}
