package entra_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/sandbox/graph"
)

func TestThrottledRequests(t *testing.T) {
	tests := []struct {
		name       string
		throttles  int
		status     int
		retryAfter string
		wantErr    bool
		wantWaits  []time.Duration
		wantDelay  time.Duration
	}{
		{"decimal retry-after", 2, 429, "2.128", false, []time.Duration{2128 * time.Millisecond, 2128 * time.Millisecond}, 0},
		{"503 without header", 1, 503, "", false, []time.Duration{time.Second}, 0},
		{"beyond the retries", 10, 429, "3", true, []time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second}, 3 * time.Second},
		{"longer than max wait", 1, 429, "600", true, nil, 10 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := newEmulator(t, graph.Options{})
			c, clock := newClient(t, url, entra.Options{})
			srv.ThrottleRequests(tt.throttles, tt.status, tt.retryAfter)

			_, err := c.User(context.Background(), graph.DemoUserID)
			var throttled *identity.Throttled
			if tt.wantErr {
				if !errors.As(err, &throttled) {
					t.Fatalf("User error = %v, want Throttled", err)
				}
				if throttled.RetryAfter != tt.wantDelay {
					t.Errorf("Throttled.RetryAfter = %s, want %s", throttled.RetryAfter, tt.wantDelay)
				}
			} else if err != nil {
				t.Fatalf("User error = %v, want success after the retries", err)
			}
			if got := clock.Sleeps(); len(got) != len(tt.wantWaits) {
				t.Fatalf("waits = %v, want %v", got, tt.wantWaits)
			} else {
				for i := range got {
					if got[i] != tt.wantWaits[i] {
						t.Errorf("wait %d = %s, want %s", i, got[i], tt.wantWaits[i])
					}
				}
			}
		})
	}
}

func TestThrottledBatchItemsBeyondMaxWait(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	c, clock := newClient(t, url, entra.Options{MaxWait: 10 * time.Second})
	srv.ThrottleBatchItems(1, "30")
	_, err := c.DisableUser(context.Background(), graph.DemoUserID)
	var throttled *identity.Throttled
	if !errors.As(err, &throttled) || throttled.RetryAfter != 30*time.Second {
		t.Fatalf("DisableUser error = %v, want Throttled after 30s", err)
	}
	if got := clock.Sleeps(); len(got) != 0 {
		t.Errorf("waits = %v, want none above MaxWait", got)
	}
}

func TestThrottledBatchRetriesWholeRequest(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	c, clock := newClient(t, url, entra.Options{})
	srv.ThrottleRequests(1, 429, "0.5")
	if _, err := c.DisableUser(context.Background(), graph.DemoUserID); err != nil {
		t.Fatal(err)
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] != 500*time.Millisecond {
		t.Errorf("waits = %v, want one of 0.5s", got)
	}
	if c.Requests() != 2 {
		t.Errorf("sent %d requests, want the $batch twice", c.Requests())
	}
}

func TestThrottledDependentBatchItems(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	c, clock := newClient(t, url, entra.Options{})
	// The first item (the read before the update) is throttled, so the update and the read
	// back fail with 424 and must be sent again with it.
	srv.ThrottleBatchItems(1, "1")
	already, err := c.DisableUser(context.Background(), graph.DemoUserID)
	if err != nil || already {
		t.Fatalf("DisableUser = %v, %v; want false, nil", already, err)
	}
	if u, _ := srv.User(graph.DemoUserID); u.AccountEnabled {
		t.Error("account still enabled")
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] != time.Second {
		t.Errorf("waits = %v, want one of 1s", got)
	}
}
