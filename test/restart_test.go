package test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/sandbox/demo"
	"github.com/secamo/orchestrator/tenants"
)

// TestRestartContinuesWaitingOffboarding stops a durable runtime while the offboarding waits
// for approval, builds a new one on the same data folder and approves through the new
// server: the stored execution continues and succeeds.
func TestRestartContinuesWaitingOffboarding(t *testing.T) {
	cfg, err := tenants.Load("../tenants/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts := demo.Options{}
	opts.Runtime.DataDir, opts.Runtime.Durable = t.TempDir(), true
	opts.Runtime.Logger = slog.New(slog.DiscardHandler)
	env, err := demo.Start(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()

	first, stopFirst := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- env.Runtime.Run(first) }()
	resp, err := env.PostTicketWebhook(ctx)
	if err != nil || resp.ExecutionARN() == "" {
		t.Fatalf("webhook: %v %s", err, resp.Raw)
	}
	arn := resp.ExecutionARN()
	mail := <-env.Emails
	waitForTokenWait(ctx, t, env.Runtime.Engine, arn)
	oldURL := env.Runtime.URL()
	stopFirst()
	if err := <-served; err != nil {
		t.Fatalf("first Run: %v", err)
	}

	if err := env.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	second, stopSecond := context.WithCancel(ctx)
	defer func() { stopSecond(); <-served }()
	go func() { served <- env.Runtime.Run(second) }()

	link, err := demo.ApprovalLink(mail.Raw)
	if err != nil {
		t.Fatal(err)
	}
	link = strings.Replace(link, oldURL, env.Runtime.URL(), 1)
	if status, page, err := demo.Decide(ctx, link, "approve", "after the restart"); err != nil || status != 200 {
		t.Fatalf("deciding after the restart: %d %v\n%s", status, err, page)
	}
	x, err := env.Runtime.Engine.Wait(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if x.Status != engine.StatusSucceeded {
		t.Fatalf("execution %s %s: %s", x.Status, x.Error, x.Cause)
	}
	if got := env.SDP.Store.Status(env.Ticket.ID); got != "Resolved" {
		t.Errorf("ticket status = %q, want Resolved", got)
	}
}

// waitForTokenWait returns once the execution's history records that the approval task
// waits for its token. The e-mail goes out before the engine commits the wait, and a stop
// in between makes the recovered execution ask again with a new link.
func waitForTokenWait(ctx context.Context, t *testing.T, e *engine.Engine, arn string) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		history, err := e.GetExecutionHistory(ctx, arn)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range history {
			if ev.Type == "TaskSubmitted" {
				return
			}
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatal("the approval task never started waiting")
		}
	}
}
