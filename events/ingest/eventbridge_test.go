package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/events"
)

func TestHandleEventStartsTriage(t *testing.T) {
	f := newFixture(t)
	resp, err := f.handler.HandleEvent(context.Background(), "acme", readFixture(t, "guardduty-iam-malicious-ip.json"))
	if err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	if len(resp.Events) != 1 || len(resp.Events[0].Executions) != 1 {
		t.Fatalf("response = %+v, want one event with one execution", resp)
	}
	ex := resp.Events[0].Executions[0]
	if ex.Workflow != "alert-triage" {
		t.Errorf("workflow = %q, want alert-triage", ex.Workflow)
	}
	input, ok := f.starter.inputs["alert-triage/"+resp.Events[0].ExecutionName]
	if !ok {
		t.Fatalf("executions started: %v, want %s", f.starter.inputs, resp.Events[0].ExecutionName)
	}
	// The starter gets the canonical alert's envelope, not the raw GuardDuty event.
	if !strings.Contains(input, `"source":"secamo.alerts"`) || !strings.Contains(input, `"origin":"guardduty"`) {
		t.Errorf("execution input = %s, want the canonical alert's envelope", input)
	}
	if recs := f.records(t); len(recs) != 0 {
		t.Errorf("quarantine = %+v, want nothing kept", recs)
	}
}

func TestHandleEventRejectsOtherEvents(t *testing.T) {
	f := newFixture(t)
	_, err := f.handler.HandleEvent(context.Background(), "acme", readFixture(t, "jira-offboarding-created.json"))
	if err == nil || !strings.Contains(err.Error(), "GuardDuty and Security Hub") {
		t.Fatalf("error = %v, want the payload rejected as not a finding", err)
	}
	recs := f.records(t)
	if len(recs) != 1 || recs[0].Kind != KindRejected {
		t.Fatalf("quarantine = %+v, want one rejected record", recs)
	}
	if !strings.Contains(err.Error(), recs[0].ID) {
		t.Errorf("error = %v, want it to name the quarantine record %s", err, recs[0].ID)
	}
}

func TestHandleEventStartFailure(t *testing.T) {
	f := newFixture(t)
	f.starter.fail = errors.New("throttled")
	_, err := f.handler.HandleEvent(context.Background(), "acme", readFixture(t, "guardduty-iam-malicious-ip.json"))
	if err == nil || !strings.Contains(err.Error(), "throttled") {
		t.Fatalf("error = %v, want the start failure, so that Lambda retries", err)
	}
	if recs := f.records(t); len(recs) != 1 || recs[0].Kind != KindFailed {
		t.Errorf("quarantine = %+v, want one failed record", recs)
	}
}

func TestHandleEventUnknownTenant(t *testing.T) {
	f := newFixture(t)
	_, err := f.handler.HandleEvent(context.Background(), "globex", readFixture(t, "guardduty-iam-malicious-ip.json"))
	if err == nil || !strings.Contains(err.Error(), `unknown tenant "globex"`) {
		t.Errorf("error = %v, want the unknown tenant named", err)
	}
}

// canonicalTicket returns a canonical offboarding ticket event as the tenant's bus delivers
// it: PutEvents gave the envelope an id of its own.
func canonicalTicket(t *testing.T, detailID string) []byte {
	t.Helper()
	ev := events.TicketEvent{ID: detailID, CaseKey: "jira-4711", System: "jira", TicketID: "4711", Action: "created", Kind: "offboarding", User: "jan@acme.example"}
	env, err := ev.Envelope(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	env.ID = "6f1c2d3e-0000-4000-8000-00000000b001"
	body, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestHandleEventCanonicalFromTenantBus(t *testing.T) {
	f := newFixture(t)
	body := canonicalTicket(t, "jira-4711-offboarding")
	resp, err := f.handler.HandleEvent(context.Background(), "acme", body)
	if err != nil {
		t.Fatalf("HandleEvent: %v", err)
	}
	if len(resp.Events) != 1 || resp.Events[0].ExecutionName != "jira-4711-offboarding" {
		t.Fatalf("response = %+v, want one event named after detail.id", resp)
	}
	if ex := resp.Events[0].Executions; len(ex) != 1 || ex[0].Workflow != "user-offboarding" {
		t.Errorf("executions = %+v, want user-offboarding", ex)
	}

	// A redelivery finds the execution it started.
	again, err := f.handler.HandleEvent(context.Background(), "acme", body)
	if err != nil {
		t.Fatalf("redelivery: %v", err)
	}
	if len(f.starter.inputs) != 1 || again.Events[0].Executions[0].ID != resp.Events[0].Executions[0].ID {
		t.Errorf("after a redelivery: executions %v, want the first one only", f.starter.inputs)
	}
}

func TestHandleEventCanonicalWithoutID(t *testing.T) {
	f := newFixture(t)
	_, err := f.handler.HandleEvent(context.Background(), "acme", canonicalTicket(t, ""))
	if err == nil || !strings.Contains(err.Error(), "detail.id is missing") {
		t.Fatalf("error = %v, want the missing detail.id named", err)
	}
	if recs := f.records(t); len(recs) != 1 || recs[0].Kind != KindRejected || recs[0].System != systemBus {
		t.Errorf("quarantine = %+v, want one rejected record of system %s", recs, systemBus)
	}
}

func TestCanonicalSystemNeedsEventBridge(t *testing.T) {
	f := newFixture(t)
	status, _ := f.post(t, "/webhooks/acme/bus", canonicalTicket(t, "jira-4711-offboarding"), map[string]string{TokenHeader: testSecret})
	if status != http.StatusNotFound {
		t.Errorf("POST to /webhooks/acme/bus: status %d, want 404: only EventBridge delivers canonical events", status)
	}
}
