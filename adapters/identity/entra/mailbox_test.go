package entra_test

import (
	"context"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/sandbox/graph"
)

func TestSetAutomaticReply(t *testing.T) {
	start := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		reply      entra.AutomaticReply
		wantStatus string
	}{
		{"always", entra.AutomaticReply{InternalMessage: "Jan has left; write to An."}, "alwaysEnabled"},
		{"scheduled", entra.AutomaticReply{
			InternalMessage: "Jan has left.", ExternalMessage: "Please write to sales@contoso.example.",
			Start: start, End: start.AddDate(0, 3, 0),
		}, "scheduled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := newEmulator(t, graph.Options{})
			c, _ := newClient(t, url, entra.Options{})
			if err := c.SetAutomaticReply(context.Background(), graph.DemoUserID, tt.reply); err != nil {
				t.Fatal(err)
			}
			got, ok := srv.AutomaticReply(graph.DemoUserID)
			if !ok || got.Status != tt.wantStatus || got.InternalReplyMessage != tt.reply.InternalMessage {
				t.Errorf("emulator has %+v, want status %s and the internal message", got, tt.wantStatus)
			}
			if !tt.reply.End.IsZero() && (!got.ScheduledStart.Equal(tt.reply.Start) || !got.ScheduledEnd.Equal(tt.reply.End)) {
				t.Errorf("schedule = %s to %s, want %s to %s", got.ScheduledStart, got.ScheduledEnd, tt.reply.Start, tt.reply.End)
			}
			if c.Requests() != 1 {
				t.Errorf("SetAutomaticReply sent %d requests, want 1 $batch", c.Requests())
			}
		})
	}
}

func TestSetAutomaticReplyErrors(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	start := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		user  string
		reply entra.AutomaticReply
	}{
		{"guest without mailbox", graph.DemoGuestUserID, entra.AutomaticReply{InternalMessage: "gone"}},
		{"missing message", graph.DemoUserID, entra.AutomaticReply{}},
		{"end before start", graph.DemoUserID, entra.AutomaticReply{InternalMessage: "gone", Start: start, End: start.Add(-time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.SetAutomaticReply(context.Background(), tt.user, tt.reply); err == nil {
				t.Error("SetAutomaticReply succeeded, want an error")
			}
		})
	}
}
