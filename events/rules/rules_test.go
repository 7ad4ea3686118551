package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/secamo/orchestrator/events/normalize"
	"github.com/secamo/orchestrator/internal/testenv"
	"github.com/secamo/orchestrator/tenants"
)

func TestAllRulesLoad(t *testing.T) {
	got := map[string]string{}
	for _, r := range All() {
		got[r.Name] = r.Bus + " " + r.Workflow
	}
	want := map[string]string{
		"guardduty-alert-triage":   "default alert-triage",
		"securityhub-alert-triage": "default alert-triage",
		"webhook-alert-triage":     "tenant alert-triage",
		"ticket-user-offboarding":  "tenant user-offboarding",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("All() = %v, want %v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, rule, want string
	}{
		{"unknown field", `{"name":"a-b","bus":"tenant","workflow":"w-x","eventPattern":{"source":["x"]},"target":"y"}`, "unknown field"},
		{"bad name", `{"name":"A B","bus":"tenant","workflow":"w-x","eventPattern":{"source":["x"]}}`, "invalid rule name"},
		{"bad bus", `{"name":"a-b","bus":"custom","workflow":"w-x","eventPattern":{"source":["x"]}}`, "invalid bus"},
		{"bad workflow", `{"name":"a-b","bus":"tenant","workflow":"","eventPattern":{"source":["x"]}}`, "invalid workflow name"},
		{"bad pattern", `{"name":"a-b","bus":"tenant","workflow":"w-x","eventPattern":{"source":"x"}}`, "invalid event pattern at source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.rule))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadDuplicateName(t *testing.T) {
	rule := `{"name":"same","bus":"tenant","workflow":"w-x","eventPattern":{"source":["x"]}}`
	fsys := fstest.MapFS{"a.json": {Data: []byte(rule)}, "b.json": {Data: []byte(rule)}}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("Load = %v, want a duplicate name error", err)
	}
}

type routeCase struct {
	file   string
	source string
	// want lists, per canonical event, the workflows it starts joined by ",", or "-" for none.
	want []string
}

func routeAll(t *testing.T, dir string, cases []routeCase, opts normalize.Options, enabled func(string) bool) {
	t.Helper()
	router := Router{Rules: All(), Enabled: enabled}
	for _, tt := range cases {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			source, err := normalize.Detect(raw)
			if err != nil || source != tt.source {
				t.Fatalf("Detect = %q, %v; want %q", source, err, tt.source)
			}
			results, err := normalize.Normalize(source, raw, opts)
			if err != nil {
				t.Fatal(err)
			}
			decisions, err := router.Route(results)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range decisions {
				if len(d.Workflows) == 0 {
					got = append(got, "-")
					if d.Reason == "" {
						t.Errorf("event %s starts nothing and gives no reason", d.Result.ID())
					}
					continue
				}
				got = append(got, strings.Join(d.Workflows, ","))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("workflows = %v, want %v", got, tt.want)
			}
		})
	}
}

func tenantOptions(t *testing.T) (normalize.Options, *tenants.Config) {
	t.Helper()
	cfg, err := tenants.Load("../testdata/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return normalize.Options{Mapping: normalize.MappingFor(cfg), Received: time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)}, cfg
}

func TestRouteFixtures(t *testing.T) {
	opts, cfg := tenantOptions(t)
	routeAll(t, "../testdata", []routeCase{
		{"guardduty-iam-malicious-ip.json", "guardduty", []string{"alert-triage"}},
		{"securityhub-two-findings.json", "securityhub", []string{"alert-triage", "-"}},
		{"sentinel-incident-trigger.json", "sentinel", []string{"alert-triage"}},
		{"defender-graph-incident.json", "defender", []string{"alert-triage"}},
		{"defender-api-incidents.json", "defender", []string{"-", "alert-triage"}},
		{"wazuh-alert.json", "wazuh", []string{"alert-triage"}},
		{"wazuh-active-response.json", "wazuh", []string{"alert-triage"}},
		{"jira-offboarding-created.json", "jira", []string{"user-offboarding"}},
		{"servicenow-small-body.json", "servicenow", []string{"user-offboarding"}},
		{"servicenow-ritm-record.json", "servicenow", []string{"user-offboarding"}},
		{"freshdesk-offboarding.json", "freshdesk", []string{"user-offboarding"}},
		{"sdp-offboarding.json", "servicedeskplus", []string{"user-offboarding"}},
	}, opts, cfg.WorkflowEnabled)
}

func TestRouteDisabledWorkflow(t *testing.T) {
	opts, _ := tenantOptions(t)
	raw, err := os.ReadFile("../testdata/jira-offboarding-created.json")
	if err != nil {
		t.Fatal(err)
	}
	results, err := normalize.Jira(raw, opts.Mapping, opts.Received)
	if err != nil {
		t.Fatal(err)
	}
	router := Router{Rules: All(), Enabled: func(string) bool { return false }}
	decisions, err := router.Route(results)
	if err != nil {
		t.Fatal(err)
	}
	d := decisions[0]
	if len(d.Workflows) != 0 || !reflect.DeepEqual(d.Matched, []string{"ticket-user-offboarding"}) {
		t.Errorf("workflows %v matched %v, want none started and ticket-user-offboarding matched", d.Workflows, d.Matched)
	}
	if !strings.Contains(d.Reason, "not enabled") {
		t.Errorf("reason = %q, want it to say the workflow is not enabled", d.Reason)
	}
}

// TestRouteSharedSamples parses and routes every recorded vendor payload.
func TestRouteSharedSamples(t *testing.T) {
	samples := filepath.Join(testenv.SharedDir(t, "../.."), "samples")
	opts, cfg := tenantOptions(t)
	routeAll(t, samples, []routeCase{
		// Severity 8, not archived.
		{"guardduty/guardduty-cryptocurrency-bitcointool-b-dns.eventbridge.json", "guardduty", []string{"alert-triage"}},
		// Severity 2 (low): below the triage threshold.
		{"guardduty/guardduty-ssh-bruteforce.eventbridge-assembled.json", "guardduty", []string{"-"}},
		// Compliance WARNING is not FAILED.
		{"securityhub/securityhub-imported-cis-1.4-warning.json", "securityhub", []string{"-"}},
		// FAILED but INFORMATIONAL.
		{"securityhub/securityhub-imported-afsbp-ec2.7-failed.json", "securityhub", []string{"-"}},
		// High but already closed as a false positive.
		{"sentinel-defender/sentinel-incident-arm.json", "sentinel", []string{"-"}},
		// Task issues are not offboarding requests for this tenant.
		{"jira/jira-issue-updated-status.json", "jira", []string{"-"}},
		{"freshdesk/freshdesk-ticket-created.json", "freshdesk", []string{"-"}},
		{"freshdesk/freshdesk-ticket-status-changed.json", "freshdesk", []string{"-"}},
		{"servicenow/servicenow-incident-updated.json", "servicenow", []string{"-"}},
		{"servicedeskplus/sdp-v3-request-created.json", "servicedeskplus", []string{"-"}},
	}, opts, cfg.WorkflowEnabled)

	// A tenant whose offboarding requests are these samples' ticket types routes them.
	offboardAll := normalize.Options{Received: opts.Received, Mapping: normalize.TicketMapping{
		Rules: []tenants.TicketRule{
			{Kind: "offboarding", System: "jira", Match: map[string][]string{"issuetype.name": {"task"}, "status.name": {"In Progress"}}, User: "reporter"},
			{Kind: "offboarding", System: "freshdesk", Match: map[string][]string{"ticket_type": {"Incident"}}, User: "requester_email"},
			{Kind: "offboarding", System: "servicenow", Match: map[string][]string{"category": {"network"}}, User: "caller_id"},
			{Kind: "offboarding", System: "servicedeskplus", Match: map[string][]string{"request_type.name": {"Incident"}}, User: "requester"},
		},
	}}
	routeAll(t, samples, []routeCase{
		{"jira/jira-issue-updated-status.json", "jira", []string{"user-offboarding"}},
		{"freshdesk/freshdesk-ticket-created.json", "freshdesk", []string{"user-offboarding"}},
		{"freshdesk/freshdesk-ticket-status-changed.json", "freshdesk", []string{"user-offboarding"}},
		{"servicenow/servicenow-incident-updated.json", "servicenow", []string{"user-offboarding"}},
		{"servicedeskplus/sdp-v3-request-created.json", "servicedeskplus", []string{"user-offboarding"}},
	}, offboardAll, nil)
}

func TestEvaluate(t *testing.T) {
	_, cfg := tenantOptions(t)
	raw, err := os.ReadFile("../testdata/sdp-offboarding.json")
	if err != nil {
		t.Fatal(err)
	}
	decisions, err := Evaluate(cfg, "", raw, time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(decisions) != 1 || !reflect.DeepEqual(decisions[0].Workflows, []string{"user-offboarding"}) {
		t.Errorf("Evaluate = %+v, want one decision starting user-offboarding", decisions)
	}
	if _, err := Evaluate(cfg, "", []byte(`{"hello":"world"}`), time.Time{}); err == nil {
		t.Error("Evaluate accepted an unrecognised payload")
	}
}
