package ingest

import (
	"context"
	"errors"
	"strings"
	"testing"
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
