// Package test holds the end-to-end tests: the demo tenant on the local engine with the
// emulators, driven from a real webhook body through the approval page to the ticket.
package test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/internal/local"
	"github.com/secamo/orchestrator/sandbox/demo"
	"github.com/secamo/orchestrator/tenants"
)

// run is one demo environment with its server running.
type run struct {
	env *demo.Environment
	ctx context.Context
}

// start builds the demo tenant on fresh emulators and serves it until the test ends.
func start(t *testing.T, opts demo.Options) *run {
	t.Helper()
	cfg, err := tenants.Load("../tenants/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	opts.Runtime.DataDir = t.TempDir()
	if opts.Runtime.Logger == nil {
		opts.Runtime.Logger = slog.New(slog.DiscardHandler)
	}
	env, err := demo.Start(ctx, cfg, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- env.Runtime.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		env.Close()
	})
	return &run{env: env, ctx: ctx}
}

// post posts the demo ticket's webhook and returns the execution it started.
func (r *run) post(t *testing.T) string {
	t.Helper()
	resp, err := r.env.PostTicketWebhook(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || resp.ExecutionARN() == "" {
		t.Fatalf("webhook answered %d without an execution: %s", resp.Status, resp.Raw)
	}
	return resp.ExecutionARN()
}

// decide waits for the approval e-mail and decides through the confirmation page.
func (r *run) decide(t *testing.T, decision string) {
	t.Helper()
	select {
	case mail := <-r.env.Emails:
		link, err := demo.ApprovalLink(mail.Raw)
		if err != nil {
			t.Fatal(err)
		}
		status, page, err := demo.Decide(r.ctx, link, decision, "checked with HR")
		if err != nil || status != 200 {
			t.Fatalf("deciding %s: status %d, %v\n%s", decision, status, err, page)
		}
	case <-r.ctx.Done():
		t.Fatal("no approval e-mail within the test's deadline")
	}
}

// wait waits for the execution to end.
func (r *run) wait(t *testing.T, arn string) *engine.Execution {
	t.Helper()
	x, err := r.env.Runtime.Engine.Wait(r.ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// transitions counts the StateEntered events of the execution and its child executions.
func (r *run) transitions(t *testing.T, arn string) int {
	t.Helper()
	n := 0
	for _, a := range append([]string{arn}, r.children(t, arn)...) {
		h, err := r.env.Runtime.Engine.GetExecutionHistory(r.ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range h {
			if strings.HasSuffix(ev.Type, "StateEntered") {
				n++
			}
		}
	}
	return n
}

// children returns the ARNs of the executions the execution started.
func (r *run) children(t *testing.T, arn string) []string {
	t.Helper()
	h, err := r.env.Runtime.Engine.GetExecutionHistory(r.ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	return local.ChildExecutions(arn, h)
}

// localOptions returns runtime options with the given engine clock.
func localOptions(clock *engine.VirtualClock) local.Options {
	return local.Options{Clock: clock}
}
