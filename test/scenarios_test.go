package test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/sandbox/demo"
	"github.com/secamo/orchestrator/sandbox/graph"
)

// unchanged fails the test when any system of the demo leaver was changed.
func unchanged(t *testing.T, r *run) {
	t.Helper()
	if u, _ := r.env.Graph.User(graph.DemoUserID); !u.AccountEnabled {
		t.Error("the Entra account was disabled")
	}
	if n := len(r.env.Graph.MemberOf(graph.DemoUserID)); n != 7 {
		t.Errorf("the Entra user has %d memberships, want the 7 seeded", n)
	}
	if n := r.env.Graph.SessionRevocations(graph.DemoUserID); n != 0 {
		t.Errorf("sessions were revoked %d times", n)
	}
	if acc, _ := r.env.AD.Account(demo.Leaver); !acc.Enabled || len(acc.MemberOf) != 2 {
		t.Errorf("the AD account changed: %+v", acc)
	}
	if n := r.env.IAM.Active(demo.IAMUser); n != 1 {
		t.Errorf("%d active access keys, want the 1 seeded", n)
	}
}

func TestRejectedOffboardingChangesNothing(t *testing.T) {
	r := start(t, demo.Options{})
	arn := r.post(t)
	r.decide(t, "reject")
	x := r.wait(t, arn)
	if x.Status != engine.StatusFailed || x.Error != "ApprovalRejected" {
		t.Fatalf("execution %s %s, want FAILED with ApprovalRejected", x.Status, x.Error)
	}
	unchanged(t, r)
	if c := r.env.CommentsText(); !strings.Contains(c, "it-manager@contoso.example") || !strings.Contains(c, "checked with HR") {
		t.Errorf("the ticket does not say who rejected and why:\n%s", c)
	}
}

func TestApprovalTimeoutChangesNothing(t *testing.T) {
	clock := engine.NewVirtualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	r := start(t, demo.Options{Runtime: localOptions(clock)})
	arn := r.post(t)
	x := r.wait(t, arn)
	if x.Status != engine.StatusFailed {
		t.Fatalf("execution %s, want FAILED after both waits timed out", x.Status)
	}
	if waited := x.StopDate.Sub(x.StartDate); waited < 8*time.Hour {
		t.Errorf("the execution ended after %s of virtual time, want both 4h waits", waited)
	}
	unchanged(t, r)
	if c := r.env.CommentsText(); !strings.Contains(c, "States.Timeout") {
		t.Errorf("the ticket does not say that nobody approved in time:\n%s", c)
	}
	if n := len(r.env.Emails); n != 2 {
		t.Errorf("%d approval e-mails, want one per level", n)
	}
}

func TestDeniedGroupFailsWithDetails(t *testing.T) {
	r := start(t, demo.Options{Prepare: func(e *demo.Environment) error {
		e.Graph.DenyGroup(graph.DemoGroupSales)
		return nil
	}})
	arn := r.post(t)
	r.decide(t, "approve")
	x := r.wait(t, arn)
	if x.Status != engine.StatusFailed || x.Error != "OffboardingFailed" {
		t.Fatalf("execution %s %s, want FAILED with OffboardingFailed when a group cannot be removed", x.Status, x.Error)
	}
	if c := r.env.CommentsText(); !strings.Contains(c, "Sales (nog steeds lid)") {
		t.Errorf("the ticket does not name the group Sales:\n%s", c)
	}
	if got := r.env.SDP.Store.Status(r.env.Ticket.ID); got == "Resolved" {
		t.Error("the ticket was resolved although the offboarding is incomplete")
	}
}

// noSleep is the Entra client's retry clock: it records each Retry-After wait and returns.
type noSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (c *noSleep) Now() time.Time { return time.Now() }

func (c *noSleep) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	return ctx.Err()
}

func TestThrottledGraphIsRetried(t *testing.T) {
	retries := &noSleep{}
	opts := demo.Options{Prepare: func(e *demo.Environment) error {
		e.Graph.ThrottleRequests(2, 429, "2.128")
		return nil
	}}
	opts.Runtime.GraphRetries = retries
	r := start(t, opts)
	arn := r.post(t)
	r.decide(t, "approve")
	if x := r.wait(t, arn); x.Status != engine.StatusSucceeded {
		t.Fatalf("execution %s %s: %s\n%s", x.Status, x.Error, x.Cause, r.env.CommentsText())
	}
	retries.mu.Lock()
	defer retries.mu.Unlock()
	if len(retries.waits) != 2 || retries.waits[0] < 2*time.Second {
		t.Errorf("retry waits = %v, want two waits of Retry-After 2.128s", retries.waits)
	}
}

func TestSyncedUserHandledOnTheADSide(t *testing.T) {
	r := start(t, demo.Options{Leaver: demo.SyncedLeaver})
	arn := r.post(t)
	r.decide(t, "approve")
	x := r.wait(t, arn)
	if x.Status != engine.StatusSucceeded {
		t.Fatalf("execution %s %s: %s\n%s", x.Status, x.Error, x.Cause, r.env.CommentsText())
	}
	acc, _ := r.env.AD.Account(demo.SyncedLeaver)
	if acc.Enabled || len(acc.MemberOf) != 0 || !strings.HasSuffix(acc.DistinguishedName, demo.DisabledOU) {
		t.Errorf("AD account = %+v, want disabled, without groups, in the disabled OU", acc)
	}
	if u, _ := r.env.Graph.User(graph.DemoSyncedUserID); !u.AccountEnabled {
		t.Error("the synchronised user was changed in Entra ID; it must be changed in AD only")
	}
}

func TestExcludedAccountIsRefused(t *testing.T) {
	r := start(t, demo.Options{Prepare: func(e *demo.Environment) error {
		e.Tenant.Exclusions.VIPUsers = append(e.Tenant.Exclusions.VIPUsers, demo.Leaver)
		return nil
	}})
	arn := r.post(t)
	x := r.wait(t, arn)
	if x.Status != engine.StatusFailed {
		t.Fatalf("execution %s, want FAILED for an excluded account", x.Status)
	}
	unchanged(t, r)
	if n := len(r.env.Emails); n != 0 {
		t.Errorf("%d approval e-mails sent for an excluded account", n)
	}
	if c := r.env.CommentsText(); !strings.Contains(c, "exclusions.vipUsers") {
		t.Errorf("the ticket does not give the exclusion as the reason:\n%s", c)
	}
}

func TestRedeliveredWebhookStartsOneExecution(t *testing.T) {
	r := start(t, demo.Options{})
	first := r.post(t)
	second := r.post(t)
	if first != second {
		t.Errorf("redelivery started %s after %s, want the same execution", second, first)
	}
	r.decide(t, "approve")
	if x := r.wait(t, first); x.Status != engine.StatusSucceeded {
		t.Fatalf("execution %s %s", x.Status, x.Error)
	}
	if n := len(r.env.Emails); n != 0 {
		t.Errorf("%d more approval e-mails after the first, want none", n)
	}
	if n := r.env.Graph.SessionRevocations(graph.DemoUserID); n != 1 {
		t.Errorf("sessions revoked %d times, want once", n)
	}
}

func TestDryRunPostsThePlanOnly(t *testing.T) {
	opts := demo.Options{}
	opts.Runtime.DryRun = true
	r := start(t, opts)
	arn := r.post(t)
	x := r.wait(t, arn)
	if x.Status != engine.StatusSucceeded {
		t.Fatalf("execution %s %s", x.Status, x.Error)
	}
	unchanged(t, r)
	c := r.env.CommentsText()
	for _, want := range []string{"Sales", "ENTERPRISEPACK", "VPN Users", "AKIAEXAMPLEDEMO00001"} {
		if !strings.Contains(c, want) {
			t.Errorf("the plan on the ticket lacks %q:\n%s", want, c)
		}
	}
	if n := len(r.env.Emails); n != 0 {
		t.Errorf("%d approval e-mails in a dry run", n)
	}
}
