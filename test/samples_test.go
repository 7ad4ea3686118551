package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/internal/testenv"
	"github.com/secamo/orchestrator/sandbox/demo"
)

// TestSharedTicketSamplesThroughIngest posts the ticketing systems' recorded webhook bodies
// to the demo runtime. None of them is an offboarding request of the demo tenant, so each is
// processed (200) and starts nothing.
func TestSharedTicketSamplesThroughIngest(t *testing.T) {
	dir := filepath.Join(testenv.SharedDir(t, ".."), "samples")
	r := start(t, demo.Options{})
	cases := []struct{ system, file string }{
		{"servicedeskplus", "servicedeskplus/sdp-v3-request-created.json"},
		{"jira", "jira/jira-issue-updated-status.json"},
		{"freshdesk", "freshdesk/freshdesk-ticket-created.json"},
		{"freshdesk", "freshdesk/freshdesk-ticket-status-changed.json"},
		{"servicenow", "servicenow/servicenow-incident-updated.json"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := r.env.PostWebhookTo(r.ctx, c.system, body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != 200 {
				t.Fatalf("status %d: %s", resp.Status, resp.Raw)
			}
			if arn := resp.ExecutionARN(); arn != "" {
				t.Errorf("started %s for a request that is not an offboarding", arn)
			}
		})
	}
}

// TestSharedSDPSampleAsOffboarding edits the recorded ServiceDesk Plus request into the demo
// tenant's offboarding request: its request type, and the seeded ticket's id and leaver.
// It runs as a dry run, so the vendor's full body must flow through ingest to the plan.
func TestSharedSDPSampleAsOffboarding(t *testing.T) {
	dir := filepath.Join(testenv.SharedDir(t, ".."), "samples")
	raw, err := os.ReadFile(filepath.Join(dir, "servicedeskplus/sdp-v3-request-created.json"))
	if err != nil {
		t.Fatal(err)
	}

	opts := demo.Options{}
	opts.Runtime.DryRun = true
	r := start(t, opts)

	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	req := body["request"].(map[string]any)
	req["id"] = r.env.Ticket.ID
	req["request_type"] = map[string]any{"name": "Offboarding", "id": "123640000000008395"}
	req["udf_fields"] = map[string]any{demo.UserField: demo.Leaver}
	edited, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}

	resp, err := r.env.PostWebhookTo(r.ctx, "servicedeskplus", edited)
	if err != nil {
		t.Fatal(err)
	}
	arn := resp.ExecutionARN()
	if resp.Status != 200 || arn == "" {
		t.Fatalf("status %d without an execution: %s", resp.Status, resp.Raw)
	}
	if x := r.wait(t, arn); x.Status != engine.StatusSucceeded {
		t.Fatalf("execution %s %s: %s", x.Status, x.Error, x.Cause)
	}
	if len(r.env.Comments()) != 1 {
		t.Errorf("comments = %q, want the plan", r.env.Comments())
	}
}
