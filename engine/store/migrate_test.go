package store

import (
	"context"
	"database/sql"
	"errors"
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

func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "engine.db")
	old, err := open(ctx, path, Options{}, 1)
	if err != nil {
		t.Fatalf("open at version 1 = %v", err)
	}
	putMachine(t, old)
	arn := startExecution(t, old, "from-v1")
	// Version 1 has no checkpoints yet, so the step carries events only.
	step := transition(arn, "", 0, "A")
	step.Checkpoint = nil
	commit(t, old, step)
	old.Close()
	if v := schemaVersionOf(t, path); v != 1 {
		t.Fatalf("schema version after open at 1 = %d", v)
	}

	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("Open of a version 1 database = %v", err)
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
	if r := recoveryOf(t, s, arn); len(r.Checkpoints) != 1 || len(r.Tokens) != 1 {
		t.Errorf("recovery after migration = %+v, want a checkpoint and a token", r)
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
