package abuseipdb

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/intel/inteltest"
	sandbox "github.com/secamo/orchestrator/sandbox/intel"
	"github.com/secamo/orchestrator/secrets"
)

// benchClient returns a client of a fresh emulator without a rate limit, so the benchmark
// measures the client and the loopback round trip.
func benchClient(b *testing.B, ttl time.Duration) *Client {
	clock := inteltest.NewClock(start)
	emu := sandbox.NewAbuseIPDB(sandbox.AbuseIPDBOptions{Key: testKey, DailyLimit: 1 << 30, Now: clock.Now})
	srv := httptest.NewServer(emu)
	b.Cleanup(srv.Close)
	return New(Options{
		BaseURL: srv.URL + "/api/v2", HTTPClient: srv.Client(),
		Secrets: secrets.Static{"env:K": testKey}, KeyRef: "env:K", CacheTTL: ttl,
		Gate:   intel.GateOptions{Rate: 1e9, Burst: 1 << 20, Clock: clock},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

func BenchmarkLookupEmulator(b *testing.B) {
	c := benchClient(b, -1)
	ctx := context.Background()
	for b.Loop() {
		if r := c.Lookup(ctx, "8.8.8.8"); r.Unavailable {
			b.Fatal(r.Reason)
		}
	}
}

func BenchmarkLookupCached(b *testing.B) {
	c := benchClient(b, time.Hour)
	ctx := context.Background()
	c.Lookup(ctx, "8.8.8.8")
	for b.Loop() {
		if r := c.Lookup(ctx, "8.8.8.8"); !r.Cached {
			b.Fatal("not cached")
		}
	}
}

func BenchmarkLookupPrivateSkipped(b *testing.B) {
	c := benchClient(b, time.Hour)
	ctx := context.Background()
	for b.Loop() {
		if r := c.Lookup(ctx, "192.168.1.20"); !r.Skipped {
			b.Fatal("not skipped")
		}
	}
}
