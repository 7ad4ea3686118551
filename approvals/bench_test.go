package approvals_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/sqlitestore"
	"github.com/secamo/orchestrator/approvals/storetest"
	"github.com/secamo/orchestrator/secrets"
)

func benchStore(b *testing.B) *sqlitestore.Store {
	s, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "approvals.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkDecideSQLite measures one conditional decision on a SQLite file.
func BenchmarkDecideSQLite(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	ids := make([]string, b.N)
	for i := range ids {
		r := storetest.NewRecord()
		if err := s.Create(ctx, r); err != nil {
			b.Fatal(err)
		}
		ids[i] = r.ID
	}
	at := storetest.Base.Add(time.Minute)
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.Decide(ctx, ids[i], approvals.DecisionInput{Decision: approvals.Approve, Approver: "a@acme.example", At: at}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConfirmationPage measures a GET of the confirmation page: link check, record
// read, audit write and rendering.
func BenchmarkConfirmationPage(b *testing.B) {
	s := benchStore(b)
	r := storetest.NewRecord()
	if err := s.Create(context.Background(), r); err != nil {
		b.Fatal(err)
	}
	keys := secrets.Static{"env:ACME_SIGNING_KEY": "acme-signing-key-0123456789abcdef0123456789"}
	cfg := tenantConfig("acme", "nl")
	h := &approvals.Handler{
		Service: &approvals.Service{Store: s, Clock: &fakeClock{now: storetest.Base.Add(time.Minute)}},
		Tenants: approvals.TenantMap{"acme": cfg},
		Secrets: keys,
	}
	signer, err := approvals.SignerFor(context.Background(), keys, cfg)
	if err != nil {
		b.Fatal(err)
	}
	link := signer.URL("http://approvals.test", approvals.Link{Tenant: "acme", ID: r.ID, Approver: r.Approvers[0], Expires: r.ExpiresAt})
	b.ResetTimer()
	for range b.N {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, link, nil))
		if w.Code != http.StatusOK {
			b.Fatalf("GET = %d", w.Code)
		}
	}
}
