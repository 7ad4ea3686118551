package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/sqlitestore"
	"github.com/secamo/orchestrator/approvals/storetest"
)

func open(t *testing.T) approvals.Store {
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "approvals.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, open)
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "approvals.db")
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	r := storetest.NewRecord()
	if err := s.Create(ctx, r); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer s.Close()
	if _, err := s.Get(ctx, r.ID); err != nil {
		t.Fatalf("Get after reopening: %v", err)
	}
}
