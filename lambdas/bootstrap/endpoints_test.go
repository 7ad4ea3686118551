package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/lambdas"
)

const (
	eventsTenant   = "../../events/testdata/tenant.yaml" // tenant acme, webhook secret env:ACME_WEBHOOK_SECRET
	webhookSecret  = "webhook-secret-for-tests"
	offboardingARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:secamo-acme-user-offboarding"
	signingKey     = "0123456789abcdef0123456789abcdef-signing"
)

func TestSetupEnvironmentErrors(t *testing.T) {
	machines := `{"user-offboarding":"` + offboardingARN + `"}`
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"webhooks without bucket", map[string]string{"STEP": "webhooks", "STATE_MACHINES": machines}, "missing environment variable EVIDENCE_BUCKET"},
		{"webhooks without state machines", map[string]string{"STEP": "webhooks", "EVIDENCE_BUCKET": "b"}, "missing environment variable STATE_MACHINES"},
		{"state machines not JSON", map[string]string{"STEP": "webhooks", "EVIDENCE_BUCKET": "b", "STATE_MACHINES": "user-offboarding=arn"}, "invalid environment variable STATE_MACHINES"},
		{"state machines empty", map[string]string{"STEP": "webhooks", "EVIDENCE_BUCKET": "b", "STATE_MACHINES": "{}"}, "STATE_MACHINES: the object is empty"},
		{"state machine ARN of a function", map[string]string{"STEP": "webhooks", "EVIDENCE_BUCKET": "b", "STATE_MACHINES": `{"user-offboarding":"arn:aws:lambda:eu-west-1:123456789012:function:x"}`}, "not a state machine ARN"},
		{"approvals without table", map[string]string{"STEP": "approvals"}, "missing environment variable APPROVALS_TABLE"},
		{"request approval without table", map[string]string{"STEP": "RequestApproval"}, "missing environment variable APPROVALS_TABLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.vars["TENANT_FILE"] = exampleTenant
			_, err := setup(context.Background(), testRuntime(tt.vars, newFakeAWS(nil)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestApprovalLevelsWithoutTable(t *testing.T) {
	h, err := setup(context.Background(), testRuntime(map[string]string{"STEP": "ApprovalLevels", "TENANT_FILE": exampleTenant}, newFakeAWS(nil)))
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	out, err := h(context.Background(), json.RawMessage(`{"tenant":"example"}`))
	if err != nil {
		t.Fatal(err)
	}
	var levels struct{ Count int }
	if err := json.Unmarshal(out, &levels); err != nil || levels.Count != 2 {
		t.Errorf("ApprovalLevels = %s, want the example's two levels", out)
	}
}

func TestRequestApprovalStoresAndMails(t *testing.T) {
	fake := newFakeAWS(map[string]string{"example/approval-signing-key": signingKey})
	h, err := setup(context.Background(), testRuntime(map[string]string{"STEP": "RequestApproval", "TENANT_FILE": exampleTenant, "APPROVALS_TABLE": "approvals"}, fake))
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	in := `{"taskToken":"tok","tenant":"example","execution":"arn:x","level":1,"action":"Disable jan","reason":"leaver","ticketUrl":"https://t/1","requester":"hr@example.com"}`
	out, err := h(context.Background(), json.RawMessage(in))
	if err != nil {
		t.Fatalf("RequestApproval: %v", err)
	}
	if !strings.Contains(string(out), `"email:it-manager@example.com"`) {
		t.Errorf("output = %s, want the e-mail to it-manager notified", out)
	}
	if fake.dynamoPuts["approvals"] != 1 {
		t.Errorf("%d PutItem calls on table approvals, want 1 record", fake.dynamoPuts["approvals"])
	}
}

func signJira(body []byte) string {
	mac := hmac.New(sha256.New, []byte(webhookSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func webhookEvent(body []byte, signature string) events.LambdaFunctionURLRequest {
	ev := urlEvent("POST", "/webhooks/acme/jira", "")
	ev.Headers = map[string]string{"content-type": "application/json"}
	if signature != "" {
		ev.Headers["x-hub-signature"] = signature
	}
	ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	return ev
}

func invokeHandler(t *testing.T, h lambdas.Handler, ev events.LambdaFunctionURLRequest) events.LambdaFunctionURLResponse {
	t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	out, err := h(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	var resp events.LambdaFunctionURLResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestWebhookEndpointStartsExecution(t *testing.T) {
	body, err := os.ReadFile("../../events/testdata/jira-offboarding-created.json")
	if err != nil {
		t.Fatal(err)
	}
	fake := newFakeAWS(nil)
	h, err := setup(context.Background(), testRuntime(map[string]string{
		"STEP": "webhooks", "TENANT_FILE": eventsTenant, "ACME_WEBHOOK_SECRET": webhookSecret,
		"EVIDENCE_BUCKET": "evidence-acme", "STATE_MACHINES": `{"user-offboarding":"` + offboardingARN + `"}`,
	}, fake))
	if err != nil {
		t.Fatalf("setup: %v", err)
	}

	resp := invokeHandler(t, h, webhookEvent(body, signJira(body)))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.StatusCode, resp.Body)
	}
	input, ok := fake.executions[offboardingARN+"/jira-20417-offboarding"]
	if !ok {
		t.Fatalf("executions = %v, want jira-20417-offboarding on the user-offboarding state machine", fake.executions)
	}
	// The workflow gets the canonical ticket event's detail, as the tenant bus's rules pass it.
	if strings.Contains(input, `"detail-type"`) || !strings.Contains(input, `"ticketId":"20417"`) {
		t.Errorf("execution input = %s, want the canonical event's detail", input)
	}

	// An update of the same ticket gets ExecutionAlreadyExists from Step Functions, which
	// the endpoint reports as a duplicate instead of a failure.
	updated := bytes.Replace(body, []byte("jira:issue_created"), []byte("jira:issue_updated"), 1)
	resp = invokeHandler(t, h, webhookEvent(updated, signJira(updated)))
	var got struct {
		Events []struct{ Executions []struct{ Duplicate bool } }
	}
	_ = json.Unmarshal([]byte(resp.Body), &got)
	if resp.StatusCode != http.StatusOK || len(got.Events) != 1 || len(got.Events[0].Executions) != 1 || !got.Events[0].Executions[0].Duplicate {
		t.Errorf("update: status %d, body %s; want 200 with a duplicate execution", resp.StatusCode, resp.Body)
	}

	resp = invokeHandler(t, h, webhookEvent(body, ""))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned: status = %d, want 401", resp.StatusCode)
	}
	var kept []string
	for key := range fake.objects {
		if strings.HasPrefix(key, "evidence-acme/quarantine/acme/") && strings.Contains(key, "-rejected-") {
			kept = append(kept, key)
		}
	}
	if len(kept) != 1 {
		t.Errorf("quarantined objects = %v, want one rejected request under quarantine/acme/", fake.objects)
	}
	if fake.loads != 1 {
		t.Errorf("AWS clients built %d times, want once per cold start", fake.loads)
	}
}

func TestWebhooksFunctionTakesEventBridgeFindings(t *testing.T) {
	finding, err := os.ReadFile("../../events/testdata/guardduty-iam-malicious-ip.json")
	if err != nil {
		t.Fatal(err)
	}
	const triageARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:secamo-acme-alert-triage"
	fake := newFakeAWS(nil)
	h, err := setup(context.Background(), testRuntime(map[string]string{
		"STEP": "webhooks", "TENANT_FILE": eventsTenant, "ACME_WEBHOOK_SECRET": webhookSecret,
		"EVIDENCE_BUCKET": "evidence-acme", "STATE_MACHINES": `{"alert-triage":"` + triageARN + `"}`,
	}, fake))
	if err != nil {
		t.Fatalf("setup: %v", err)
	}

	// EventBridge invokes the function with the event itself, not a function URL request.
	out, err := h(context.Background(), finding)
	if err != nil {
		t.Fatalf("EventBridge invocation: %v", err)
	}
	if !strings.Contains(string(out), `"workflow":"alert-triage"`) {
		t.Errorf("response = %s, want the alert-triage execution", out)
	}
	var started []string
	for key, input := range fake.executions {
		started = append(started, key)
		if !strings.HasPrefix(key, triageARN+"/") || !strings.Contains(input, `"origin":"guardduty"`) || strings.Contains(input, `"detail-type"`) {
			t.Errorf("execution %s with input %s, want alert-triage with the canonical alert", key, input)
		}
	}
	if len(started) != 1 {
		t.Errorf("executions = %v, want one", started)
	}

	// A ticket event on the default bus is not a finding: the invocation fails, so Lambda
	// retries it, and the event is kept.
	ticket, err := os.ReadFile("../../events/testdata/jira-offboarding-created.json")
	if err != nil {
		t.Fatal(err)
	}
	wrapped := `{"version":"0","id":"x","detail-type":"Jira Issue","source":"jira","detail":` + string(ticket) + `}`
	if _, err := h(context.Background(), json.RawMessage(wrapped)); err == nil || !strings.Contains(err.Error(), "rejected with status 400") {
		t.Errorf("error = %v, want the event rejected as not a finding", err)
	}
}

func TestApprovalsFunctionSweepsOnSchedule(t *testing.T) {
	fake := newFakeAWS(map[string]string{"example/approval-signing-key": signingKey})
	rt := testRuntime(map[string]string{
		"STEP": "approvals", "TENANT_FILE": exampleTenant, "APPROVALS_TABLE": "approvals-example",
	}, fake)
	var metrics bytes.Buffer
	rt.metrics = &metrics
	h, err := setup(context.Background(), rt)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	scheduled := `{"version":"0","id":"1","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-12-04T10:00:00Z","region":"eu-west-1","resources":["arn:aws:events:eu-west-1:123456789012:rule/sweep"],"detail":{}}`
	out, err := h(context.Background(), json.RawMessage(scheduled))
	if err != nil {
		t.Fatalf("scheduled invocation: %v", err)
	}
	if string(out) != `{"delivered":0,"expired":0}` {
		t.Errorf("sweep result = %s, want the counts of an empty table", out)
	}
	if fake.scans == 0 {
		t.Error("the scheduled invocation read no approval records, want a sweep")
	}

	// How long approvals stay overdue goes out in CloudWatch's embedded metric format.
	var line struct {
		AWS struct {
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Tenant string
		Age    *float64 `json:"OverduePendingApprovalSeconds"`
	}
	if err := json.Unmarshal(metrics.Bytes(), &line); err != nil {
		t.Fatalf("metric line %q: %v", metrics.String(), err)
	}
	m := line.AWS.CloudWatchMetrics
	if len(m) != 1 || m[0].Namespace != "Secamo/Orchestrator" || m[0].Metrics[0].Name != "OverduePendingApprovalSeconds" ||
		line.Tenant != "example" || line.Age == nil || *line.Age != 0 {
		t.Errorf("metric line = %s, want the age 0 of tenant example in namespace Secamo/Orchestrator", metrics.String())
	}
}

func TestApprovalEndpoint(t *testing.T) {
	fake := newFakeAWS(map[string]string{"example/approval-signing-key": signingKey})
	h, err := setup(context.Background(), testRuntime(map[string]string{
		"STEP": "approvals", "TENANT_FILE": exampleTenant, "APPROVALS_TABLE": "approvals-example",
	}, fake))
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	signer, err := approvals.NewSigner([]byte(signingKey))
	if err != nil {
		t.Fatal(err)
	}
	id := approvals.NewID()
	link := approvals.Link{Tenant: "example", ID: id, Approver: "it-manager@example.com", Expires: time.Now().Add(time.Hour)}
	tests := []struct {
		name   string
		query  string
		status int
	}{
		{"signed link of an unknown approval", signer.Query(link).Encode(), http.StatusNotFound},
		{"unsigned link", "approver=it-manager%40example.com", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := invokeHandler(t, h, urlEvent("GET", approvals.Path("example", id), tt.query))
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if resp.Headers["Content-Security-Policy"] == "" {
				t.Errorf("headers = %v, want the page's security headers", resp.Headers)
			}
		})
	}
	if fake.dynamoPuts["approvals-example"] != len(tests) {
		t.Errorf("%d audit events written to approvals-example, want %d", fake.dynamoPuts["approvals-example"], len(tests))
	}
}
