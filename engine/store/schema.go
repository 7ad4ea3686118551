package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations lists the schema changes in order: migrations[i] moves a database from version
// i to version i+1. Released entries never change; a new schema appends one.
var migrations = []string{
	// Version 1: state machines, executions and their histories.
	`CREATE TABLE state_machines (
		arn           TEXT PRIMARY KEY,
		name          TEXT NOT NULL UNIQUE,
		definition    TEXT NOT NULL,
		substitutions TEXT NOT NULL,
		created_at    INTEGER NOT NULL
	);
	CREATE TABLE executions (
		id                INTEGER PRIMARY KEY,
		arn               TEXT NOT NULL UNIQUE,
		name              TEXT NOT NULL,
		state_machine_arn TEXT NOT NULL REFERENCES state_machines (arn),
		input             TEXT NOT NULL,
		status            TEXT NOT NULL,
		output            TEXT NOT NULL DEFAULT '',
		error             TEXT NOT NULL DEFAULT '',
		cause             TEXT NOT NULL DEFAULT '',
		started_at        INTEGER NOT NULL,
		stopped_at        INTEGER NOT NULL DEFAULT 0,
		last_event_id     INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX executions_by_machine ON executions (state_machine_arn, status, started_at, id);
	CREATE INDEX executions_by_status ON executions (status);
	CREATE TABLE history_events (
		execution_id      INTEGER NOT NULL REFERENCES executions (id),
		id                INTEGER NOT NULL,
		previous_event_id INTEGER NOT NULL,
		timestamp         INTEGER NOT NULL,
		type              TEXT NOT NULL,
		details           TEXT,
		PRIMARY KEY (execution_id, id)
	) WITHOUT ROWID;`,

	// Version 2: what a restart needs to resume running executions.
	`CREATE TABLE checkpoints (
		execution_id     INTEGER NOT NULL REFERENCES executions (id),
		thread           TEXT NOT NULL,
		position         TEXT NOT NULL,
		retries          TEXT NOT NULL,
		entered_event_id INTEGER NOT NULL,
		last_event_id    INTEGER NOT NULL,
		updated_at       INTEGER NOT NULL,
		PRIMARY KEY (execution_id, thread)
	) WITHOUT ROWID;
	CREATE TABLE branch_results (
		execution_id INTEGER NOT NULL REFERENCES executions (id),
		thread       TEXT NOT NULL,
		output       TEXT NOT NULL,
		error        TEXT NOT NULL,
		cause        TEXT NOT NULL,
		PRIMARY KEY (execution_id, thread)
	) WITHOUT ROWID;
	CREATE TABLE task_tokens (
		token              TEXT PRIMARY KEY,
		execution_id       INTEGER NOT NULL REFERENCES executions (id),
		thread             TEXT NOT NULL,
		deadline           INTEGER NOT NULL,
		heartbeat_deadline INTEGER NOT NULL
	);
	CREATE INDEX task_tokens_by_execution ON task_tokens (execution_id);
	CREATE TABLE timers (
		execution_id INTEGER NOT NULL REFERENCES executions (id),
		thread       TEXT NOT NULL,
		fire_at      INTEGER NOT NULL,
		PRIMARY KEY (execution_id, thread)
	) WITHOUT ROWID;
	CREATE INDEX timers_due ON timers (fire_at);`,

	// Version 3: the link from a .sync child execution to the task waiting for it.
	`ALTER TABLE executions ADD COLUMN parent_token TEXT NOT NULL DEFAULT '';
	ALTER TABLE executions ADD COLUMN sync_pattern TEXT NOT NULL DEFAULT '';`,

	// Version 4: the parent execution of a child started by a startExecution task.
	`ALTER TABLE executions ADD COLUMN parent_execution TEXT NOT NULL DEFAULT '';`,
}

// SchemaVersion is the schema version this code reads and writes.
var SchemaVersion = len(migrations)

// migrate brings the database up to version target in one transaction. A database of a
// newer version than SchemaVersion is left untouched and returns *SchemaTooNew.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var version int
	err = tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if version > SchemaVersion {
		return &SchemaTooNew{Version: version, Supported: SchemaVersion}
	}
	if version >= target {
		return nil
	}
	for v := version; v < target; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("applying schema version %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, target); err != nil {
		return err
	}
	return tx.Commit()
}
