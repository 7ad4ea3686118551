package ingest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

const testSecret = "s3cret-for-tests"

// ExecutionAlreadyExists mirrors the engine's error: only its type name matters.
type ExecutionAlreadyExists struct{ Name string }

func (e *ExecutionAlreadyExists) Error() string { return "execution " + e.Name + " already exists" }

// fakeStarter records executions by name, like the engine: the same name and input returns
// the existing execution, the same name with another input fails.
type fakeStarter struct {
	mu     sync.Mutex
	inputs map[string]string
	fail   error
}

func (s *fakeStarter) StartExecution(ctx context.Context, workflow, name, input string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return "", s.fail
	}
	key := workflow + "/" + name
	if prev, ok := s.inputs[key]; ok && prev != input {
		return "", fmt.Errorf("starting %s: %w", name, &ExecutionAlreadyExists{Name: name})
	}
	s.inputs[key] = input
	return "local:" + key, nil
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

type fixture struct {
	handler    *Handler
	server     *httptest.Server
	starter    *fakeStarter
	quarantine string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cfg, err := tenants.Load("../testdata/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	open := *cfg
	open.Name = "open"
	open.Events.WebhookSecret = ""
	f := &fixture{starter: &fakeStarter{inputs: map[string]string{}}, quarantine: t.TempDir()}
	h := &Handler{
		Tenants:      map[string]*tenants.Config{"acme": cfg, "open": &open},
		Secrets:      secrets.Static{"env:ACME_WEBHOOK_SECRET": testSecret},
		Rules:        rules.All(),
		Starter:      f.starter,
		Quarantine:   Dir{Path: f.quarantine},
		Clock:        fixedClock{time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)},
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxBodyBytes: 64 << 10,
	}
	f.handler = h
	f.server = httptest.NewServer(h)
	t.Cleanup(f.server.Close)
	return f
}

func sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func (f *fixture) post(t *testing.T, path string, body []byte, headers map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.server.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := f.server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("response body is not JSON: %v", err)
	}
	return resp.StatusCode, out
}

func (f *fixture) records(t *testing.T) []Record {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(f.quarantine, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []Record
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestJiraSignedStartsOffboarding(t *testing.T) {
	f := newFixture(t)
	body := readFixture(t, "jira-offboarding-created.json")

	status, resp := f.post(t, "/webhooks/acme/jira", body, map[string]string{SignatureHeader: sign(body)})
	if status != http.StatusOK {
		t.Fatalf("status = %d, body %v", status, resp)
	}
	ev := resp["events"].([]any)[0].(map[string]any)
	if ev["executionName"] != "jira-20417-offboarding" {
		t.Errorf("executionName = %v, want jira-20417-offboarding", ev["executionName"])
	}
	execs := ev["executions"].([]any)
	if len(execs) != 1 || execs[0].(map[string]any)["workflow"] != "user-offboarding" {
		t.Errorf("executions = %v, want one user-offboarding", execs)
	}

	// A redelivery starts nothing new.
	status, _ = f.post(t, "/webhooks/acme/jira", body, map[string]string{SignatureHeader: sign(body)})
	if status != http.StatusOK || len(f.starter.inputs) != 1 {
		t.Errorf("redelivery: status %d, %d executions; want 200 and 1", status, len(f.starter.inputs))
	}

	// An update of the same ticket maps to the same name and is reported as a duplicate.
	updated := bytes.Replace(body, []byte("jira:issue_created"), []byte("jira:issue_updated"), 1)
	status, resp = f.post(t, "/webhooks/acme/jira", updated, map[string]string{SignatureHeader: sign(updated)})
	ev = resp["events"].([]any)[0].(map[string]any)
	exec := ev["executions"].([]any)[0].(map[string]any)
	if status != http.StatusOK || exec["duplicate"] != true {
		t.Errorf("update: status %d, execution %v; want 200 and duplicate", status, exec)
	}
	if len(f.records(t)) != 0 {
		t.Errorf("quarantine holds %d records, want none", len(f.records(t)))
	}
}

func TestRejectedRequests(t *testing.T) {
	jira := readFixture(t, "jira-offboarding-created.json")
	freshdesk := readFixture(t, "freshdesk-offboarding.json")
	tests := []struct {
		name    string
		path    string
		body    []byte
		headers map[string]string
		status  int
		message string
	}{
		{"jira unsigned", "/webhooks/acme/jira", jira, nil, 401, "missing X-Hub-Signature"},
		{"jira wrong signature", "/webhooks/acme/jira", jira, map[string]string{SignatureHeader: sign([]byte("other"))}, 401, "does not match"},
		{"jira signature not hex", "/webhooks/acme/jira", jira, map[string]string{SignatureHeader: "sha256=zz"}, 401, "not hexadecimal"},
		{"jira sha1 signature", "/webhooks/acme/jira", jira, map[string]string{SignatureHeader: "sha1=00"}, 401, "sha256=HEX"},
		{"freshdesk no token", "/webhooks/acme/freshdesk", freshdesk, nil, 401, "missing X-Secamo-Webhook-Token"},
		{"freshdesk wrong token", "/webhooks/acme/freshdesk?token=guess", freshdesk, nil, 401, "does not match"},
		{"unknown tenant", "/webhooks/globex/jira", jira, nil, 404, `unknown tenant "globex"`},
		{"unknown system", "/webhooks/acme/zendesk", jira, nil, 404, `unknown system "zendesk"`},
		{"bad path", "/webhooks/acme", jira, nil, 404, "unknown path"},
		{"webhooks disabled", "/webhooks/open/freshdesk", freshdesk, map[string]string{TokenHeader: testSecret}, 403, "set events.webhookSecret"},
		{"malformed json", "/webhooks/acme/freshdesk", []byte(`{"freshdesk_webhook":`), map[string]string{TokenHeader: testSecret}, 400, "not valid JSON"},
		{"missing ticket id", "/webhooks/acme/freshdesk", []byte(`{"freshdesk_webhook":{}}`), map[string]string{TokenHeader: testSecret}, 400, "missing ticket id"},
		{"aws not aws", "/webhooks/acme/aws", freshdesk, map[string]string{TokenHeader: testSecret}, 400, "GuardDuty and Security Hub"},
		{"too large", "/webhooks/acme/freshdesk", bytes.Repeat([]byte("x"), 70<<10), map[string]string{TokenHeader: testSecret}, 413, "body larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			status, resp := f.post(t, tt.path, tt.body, tt.headers)
			if status != tt.status {
				t.Errorf("status = %d, want %d (%v)", status, tt.status, resp)
			}
			msg, _ := resp["error"].(string)
			if !strings.Contains(msg, tt.message) {
				t.Errorf("error = %q, want it to contain %q", msg, tt.message)
			}
			recs := f.records(t)
			if len(recs) != 1 || recs[0].Kind != KindRejected || recs[0].ID != resp["quarantined"] {
				t.Fatalf("quarantine = %+v, want one rejected record with id %v", recs, resp["quarantined"])
			}
			if recs[0].Headers.Get(SignatureHeader) != "" || recs[0].Headers.Get(TokenHeader) != "" || strings.Contains(recs[0].Query, "token") {
				t.Errorf("quarantine record kept a credential: headers %v query %q", recs[0].Headers, recs[0].Query)
			}
			if len(f.starter.inputs) != 0 {
				t.Errorf("a rejected request started %d executions", len(f.starter.inputs))
			}
		})
	}
}

func TestTokenInQuery(t *testing.T) {
	f := newFixture(t)
	status, resp := f.post(t, "/webhooks/acme/freshdesk?token="+testSecret, readFixture(t, "freshdesk-offboarding.json"), nil)
	if status != http.StatusOK || len(f.starter.inputs) != 1 {
		t.Errorf("status %d, %d executions, body %v; want 200 and 1", status, len(f.starter.inputs), resp)
	}
}

func TestUnmatchedEventIsKept(t *testing.T) {
	f := newFixture(t)
	body := bytes.Replace(readFixture(t, "freshdesk-offboarding.json"), []byte(`"Offboarding"`), []byte(`"Question"`), 1)
	status, resp := f.post(t, "/webhooks/acme/freshdesk", body, map[string]string{TokenHeader: testSecret})
	if status != http.StatusOK {
		t.Fatalf("status = %d (%v)", status, resp)
	}
	ev := resp["events"].([]any)[0].(map[string]any)
	if reason, _ := ev["reason"].(string); !strings.Contains(reason, "events.tickets") {
		t.Errorf("reason = %q, want it to name events.tickets", reason)
	}
	recs := f.records(t)
	if len(recs) != 1 || recs[0].Kind != KindUnmatched || recs[0].Body != string(body) {
		t.Errorf("quarantine = %+v, want one unmatched record with the body", recs)
	}
}

func TestSecurityHubBatch(t *testing.T) {
	f := newFixture(t)
	status, resp := f.post(t, "/webhooks/acme/aws", readFixture(t, "securityhub-two-findings.json"), map[string]string{TokenHeader: testSecret})
	if status != http.StatusOK {
		t.Fatalf("status = %d (%v)", status, resp)
	}
	evs := resp["events"].([]any)
	if len(evs) != 2 {
		t.Fatalf("got %d events, want 2", len(evs))
	}
	if n := len(evs[0].(map[string]any)["executions"].([]any)); n != 1 {
		t.Errorf("first finding started %d executions, want 1", n)
	}
	if n := len(evs[1].(map[string]any)["executions"].([]any)); n != 0 {
		t.Errorf("suppressed finding started %d executions, want 0", n)
	}
	if recs := f.records(t); len(recs) != 1 || recs[0].Kind != KindUnmatched {
		t.Errorf("quarantine = %+v, want one unmatched record", recs)
	}
}

func TestStartFailureIsKept(t *testing.T) {
	f := newFixture(t)
	f.starter.fail = errors.New("engine unavailable")
	body := readFixture(t, "wazuh-alert.json")
	status, resp := f.post(t, "/webhooks/acme/wazuh", body, map[string]string{TokenHeader: testSecret})
	if status != http.StatusBadGateway {
		t.Errorf("status = %d, want 502 (%v)", status, resp)
	}
	recs := f.records(t)
	if len(recs) != 1 || recs[0].Kind != KindFailed || !strings.Contains(recs[0].Reason, "engine unavailable") {
		t.Errorf("quarantine = %+v, want one failed record", recs)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t)
	resp, err := f.server.Client().Get(f.server.URL + "/webhooks/acme/jira")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
		t.Errorf("GET: status %d Allow %q, want 405 POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestIsAlreadyExists(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&ExecutionAlreadyExists{}, true},
		{fmt.Errorf("wrapped: %w", &ExecutionAlreadyExists{}), true},
		{errors.Join(errors.New("a"), &ExecutionAlreadyExists{}), true},
		{errors.New("ExecutionAlreadyExists"), false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := isAlreadyExists(tt.err); got != tt.want {
			t.Errorf("isAlreadyExists(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
