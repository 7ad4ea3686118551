package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

func schemaVersionOf(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil {
		t.Fatalf("reading schema_version: %v", err)
	}
	return v
}

// insertOldExecution stores a running execution with the columns that every schema version
// has, as the code of an older version wrote it.
func insertOldExecution(t *testing.T, s *Store, name string) string {
	t.Helper()
	arn := executionARN(name)
	_, err := s.writer.Exec(`INSERT INTO executions (arn, name, state_machine_arn, input, status, started_at) VALUES (?, ?, ?, ?, ?, ?)`,
		arn, name, machineARN, `{"user":"ada"}`, StatusRunning, nanos(t0))
	if err != nil {
		t.Fatalf("inserting execution %s: %v", name, err)
	}
	return arn
}

func TestMigrateFromOlderVersions(t *testing.T) {
	for _, from := range []int{1, 2} {
		t.Run(fmt.Sprintf("version %d", from), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "engine.db")
			old, err := open(ctx, path, Options{}, from)
			if err != nil {
				t.Fatalf("open at version %d = %v", from, err)
			}
			putMachine(t, old)
			arn := insertOldExecution(t, old, "old")
			step := transition(arn, "", 0, "A")
			if from == 1 {
				// Version 1 has no checkpoints yet, so the step carries events only.
				step.Checkpoint = nil
			}
			commit(t, old, step)
			old.Close()
			if v := schemaVersionOf(t, path); v != from {
				t.Fatalf("schema version after open at %d = %d", from, v)
			}

			s, err := Open(ctx, path, Options{})
			if err != nil {
				t.Fatalf("Open of a version %d database = %v", from, err)
			}
			defer s.Close()
			if v := schemaVersionOf(t, path); v != SchemaVersion {
				t.Errorf("schema version after Open = %d, want %d", v, SchemaVersion)
			}
			if got := fullHistory(t, s, arn); len(got) != 2 {
				t.Errorf("history after migration = %d events, want 2", len(got))
			}
			next := transition(arn, "", 2, "B")
			next.AddTokens = []Token{{Token: "tok"}}
			commit(t, s, next)
			r := recoveryOf(t, s, arn)
			if len(r.Checkpoints) != 1 || len(r.Tokens) != 1 {
				t.Errorf("recovery after migration = %+v, want a checkpoint and a token", r)
			}
			if r.Execution.ParentToken != "" || r.Execution.SyncPattern != "" {
				t.Errorf("parent link of a migrated execution = %q %q, want none", r.Execution.ParentToken, r.Execution.SyncPattern)
			}
			if err := s.LinkParent(ctx, arn, "parent-tok", "sync:2"); err != nil {
				t.Fatalf("LinkParent after migration = %v", err)
			}
			if r := recoveryOf(t, s, arn); r.Execution.ParentToken != "parent-tok" || r.Execution.SyncPattern != "sync:2" {
				t.Errorf("parent link after LinkParent = %q %q, want parent-tok sync:2", r.Execution.ParentToken, r.Execution.SyncPattern)
			}
		})
	}
}

func TestParentLink(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	putMachine(t, s)
	arn := executionARN("child")
	_, created, err := s.CreateExecution(ctx, Execution{ARN: arn, Name: "child", StateMachineARN: machineARN, Input: `{}`, StartedAt: t0, ParentToken: "first", SyncPattern: "sync"})
	if err != nil || !created {
		t.Fatalf("CreateExecution = created %v, %v", created, err)
	}
	if r := recoveryOf(t, s, arn); r.Execution.ParentToken != "first" || r.Execution.SyncPattern != "sync" {
		t.Errorf("parent link after CreateExecution = %q %q, want first sync", r.Execution.ParentToken, r.Execution.SyncPattern)
	}
	if err := s.LinkParent(ctx, arn, "second", "sync:2"); err != nil {
		t.Fatalf("LinkParent = %v", err)
	}
	if r := recoveryOf(t, s, arn); r.Execution.ParentToken != "second" || r.Execution.SyncPattern != "sync:2" {
		t.Errorf("parent link after LinkParent = %q %q, want second sync:2", r.Execution.ParentToken, r.Execution.SyncPattern)
	}

	commit(t, s, Step{ExecutionARN: arn, Events: []Event{{ID: 1, Timestamp: t0, Type: "ExecutionSucceeded"}}, End: &ExecutionEnd{Status: StatusSucceeded, Output: `{}`, StoppedAt: t0}})
	var notFound *ExecutionDoesNotExist
	if err := s.LinkParent(ctx, arn, "third", "sync"); !errors.As(err, &notFound) {
		t.Errorf("LinkParent of a finished execution = %v, want ExecutionDoesNotExist", err)
	}
	if err := s.LinkParent(ctx, executionARN("missing"), "third", "sync"); !errors.As(err, &notFound) {
		t.Errorf("LinkParent of an unknown execution = %v, want ExecutionDoesNotExist", err)
	}
}

func TestOpenNewerSchemaFails(t *testing.T) {
	_, path := openTest(t)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = Open(context.Background(), path, Options{})
	var tooNew *SchemaTooNew
	if !errors.As(err, &tooNew) || tooNew.Version != 99 {
		t.Fatalf("Open of a version 99 database = %v, want SchemaTooNew", err)
	}
	if v := schemaVersionOf(t, path); v != 99 {
		t.Errorf("schema version after the failed Open = %d, want it untouched at 99", v)
	}
}

func TestOpenRejectsOptions(t *testing.T) {
	tests := []struct {
		name string
		path string
		opts Options
	}{
		{"memory", ":memory:", Options{}},
		{"empty path", "", Options{}},
		{"query in path", filepath.Join(t.TempDir(), "x.db?mode=ro"), Options{}},
		{"synchronous", filepath.Join(t.TempDir(), "x.db"), Options{Synchronous: "OFF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := Open(context.Background(), tt.path, tt.opts); err == nil {
				s.Close()
				t.Errorf("Open(%q, %+v) = nil error, want one", tt.path, tt.opts)
			}
		})
	}
}
