package entra_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/sandbox/graph"
	"github.com/secamo/orchestrator/tenants"
)

const testToken = "test-token"

// fakeClock records the waits instead of sleeping.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// newEmulator starts the Graph emulator on loopback with the demo directory.
func newEmulator(t *testing.T, opts graph.Options) (*graph.Server, string) {
	t.Helper()
	opts.Token = testToken
	srv := graph.New(opts)
	if err := srv.SeedDemo(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL + graph.BasePath
}

// newClient returns a client of graphURL with a fake clock.
func newClient(t *testing.T, graphURL string, opts entra.Options) (*entra.Client, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	opts.Clock = clock
	opts.Logger = slog.New(slog.DiscardHandler)
	if opts.Token == nil {
		opts.Token = entra.StaticToken(testToken)
	}
	c, err := entra.New(context.Background(), tenants.Entra{TenantID: "contoso", ClientID: "app", GraphURL: graphURL}, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, clock
}

// addGroups adds n assigned security groups with the user as a member and returns their ids.
func addGroups(t *testing.T, srv *graph.Server, userID string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-4000-9000-%012d", i)
		if err := srv.AddGroup(graph.Group{ID: ids[i], DisplayName: fmt.Sprintf("Group %d", i), SecurityEnabled: true}); err != nil {
			t.Fatal(err)
		}
		if err := srv.AddMember(ids[i], userID); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}
