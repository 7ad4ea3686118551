package test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/secamo/orchestrator/sandbox/demo"
	"github.com/secamo/orchestrator/sandbox/graph"
)

func TestApprovedOffboarding(t *testing.T) {
	r := start(t, demo.Options{})
	arn := r.post(t)
	r.decide(t, "approve")
	x := r.wait(t, arn)
	if x.Status != "SUCCEEDED" {
		t.Fatalf("execution %s: %s %s\ncomments:\n%s", x.Status, x.Error, x.Cause, r.env.CommentsText())
	}

	u, _ := r.env.Graph.User(graph.DemoUserID)
	if u.AccountEnabled {
		t.Error("the Entra account is still enabled")
	}
	if got := r.env.Graph.SessionRevocations(graph.DemoUserID); got != 1 {
		t.Errorf("sessions revoked %d times, want 1", got)
	}
	if got := r.env.Graph.Licenses(graph.DemoUserID); len(got) != 1 {
		t.Errorf("licences left = %+v, want only the one the group assigns", got)
	}
	acc, _ := r.env.AD.Account(demo.Leaver)
	if acc.Enabled || len(acc.MemberOf) != 0 || !strings.HasSuffix(acc.DistinguishedName, demo.DisabledOU) {
		t.Errorf("AD account = %+v, want disabled, without groups, in %s", acc, demo.DisabledOU)
	}
	if n := r.env.IAM.Active(demo.IAMUser); n != 0 {
		t.Errorf("%d access keys still active", n)
	}

	if status := r.env.SDP.Store.Status(r.env.Ticket.ID); status != "Resolved" {
		t.Errorf("ticket status = %q, want Resolved", status)
	}
	if n := r.transitions(t, arn); n > 40 {
		t.Errorf("%d state transitions, want at most 40", n)
	}
	t.Logf("comments:\n%s", r.env.CommentsText())
	t.Logf("graph requests: %d, transitions: %d", r.env.Runtime.GraphRequests(), r.transitions(t, arn))
}

func TestExecutionViewShowsHistory(t *testing.T) {
	opts := demo.Options{}
	opts.Runtime.DryRun = true
	r := start(t, opts)
	arn := r.post(t)
	r.wait(t, arn)
	name := arn[strings.LastIndex(arn, ":")+1:]

	var view struct {
		Execution struct{ Status string }
		History   []struct{ Type string }
	}
	resp, err := http.Get(r.env.Runtime.URL() + "/executions/user-offboarding/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&view); err != nil {
		t.Fatal(err)
	}
	if view.Execution.Status != "SUCCEEDED" || len(view.History) == 0 || view.History[0].Type != "ExecutionStarted" {
		t.Errorf("view = %+v, want the succeeded execution with its history", view)
	}

	missing, err := http.Get(r.env.Runtime.URL() + "/executions/user-offboarding/no-such-run")
	if err != nil {
		t.Fatal(err)
	}
	missing.Body.Close()
	if missing.StatusCode != http.StatusNotFound {
		t.Errorf("unknown execution: status %d, want 404", missing.StatusCode)
	}
}
