package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/sqlitestore"
	"github.com/secamo/orchestrator/approvals/storetest"
)

func seedApproval(t *testing.T) (db string, rec approvals.Record) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "approvals.db")
	store, err := sqlitestore.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rec = storetest.NewRecord()
	rec.CreatedAt = time.Now().UTC()
	rec.ExpiresAt = rec.CreatedAt.Add(time.Hour)
	if err := store.Create(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	return db, rec
}

func runApproveArgs(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := runApprove(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestApproveRecordsOperatorDecision(t *testing.T) {
	db, rec := seedApproval(t)
	out, err := runApproveArgs(rec.ID, "--decision", "reject", "--comment", "user still needed", "--operator", "soc-lead@secamo.example", "--db", db)
	if err != nil {
		t.Fatalf("approve: %v\n%s", err, out)
	}
	if !strings.Contains(out, "rejected by soc-lead@secamo.example (operator)") || !strings.Contains(out, "resumes when the approvals server delivers") {
		t.Errorf("output does not say what happened:\n%s", out)
	}

	store, err := sqlitestore.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	got, err := store.Get(t.Context(), rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != approvals.StatusRejected || got.DecidedVia != approvals.ViaOperator || got.Comment != "user still needed" || got.Delivered {
		t.Errorf("record = %+v, want rejected by an operator, undelivered", got)
	}
	events, err := store.Audit(t.Context(), rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Method != "OPERATOR" || events[0].Outcome != "rejected" {
		t.Errorf("audit log = %+v, want one OPERATOR rejected event", events)
	}
	undelivered, err := store.Undelivered(t.Context())
	if err != nil || len(undelivered) != 1 {
		t.Errorf("Undelivered = %d records, %v, want the operator decision waiting for delivery", len(undelivered), err)
	}

	out, err = runApproveArgs("--decision", "approve", "--operator", "other", "--db", db, rec.ID)
	if err == nil || !strings.Contains(err.Error(), "already rejected by soc-lead@secamo.example") {
		t.Errorf("second decision = %v, want an error naming the first decision\n%s", err, out)
	}
}

func TestApproveRejectsBadArguments(t *testing.T) {
	db, rec := seedApproval(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no id", []string{"--decision", "approve", "--db", db}, "missing approval ID"},
		{"bad id", []string{"nope", "--decision", "approve", "--db", db}, "invalid approval ID"},
		{"bad decision", []string{rec.ID, "--decision", "maybe", "--db", db}, "invalid --decision"},
		{"no db", []string{rec.ID, "--decision", "approve"}, "missing --db"},
		{"missing db file", []string{rec.ID, "--decision", "approve", "--operator", "x", "--db", db + ".missing"}, "no such file"},
		{"unknown id", []string{approvals.NewID(), "--decision", "approve", "--operator", "x", "--db", db}, "not found"},
		{"requester", []string{rec.ID, "--decision", "approve", "--operator", rec.Requester, "--db", db}, "cannot decide it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runApproveArgs(tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("approve %v = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
}
