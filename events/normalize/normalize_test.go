package normalize

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/tenants"
)

var received = time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)

func testOptions(t *testing.T) Options {
	t.Helper()
	cfg, err := tenants.Load("../testdata/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Mapping: MappingFor(cfg), Received: received}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAlertFixtures(t *testing.T) {
	tests := []struct {
		file   string
		source string
		want   []events.Alert
	}{
		{"guardduty-iam-malicious-ip.json", "guardduty", []events.Alert{{
			ID: "guardduty-a1b2c3d4e5f60718293a4b5c6d7e8f90-20261102091451007", CaseKey: "guardduty-a1b2c3d4e5f60718293a4b5c6d7e8f90",
			Origin: "guardduty", SourceID: "a1b2c3d4e5f60718293a4b5c6d7e8f90", Type: "UnauthorizedAccess:IAMUser/MaliciousIPCaller",
			Title: "API ListBuckets was invoked from a known malicious IP address.", Severity: 5, SeverityLabel: "medium", Status: "active",
			Resource:   events.Resource{Type: "AccessKey", User: "jan.peeters"},
			Indicators: events.Indicators{IPs: []string{"192.0.2.77"}},
			Account:    "210987654321", Region: "eu-west-1",
			Link:      "https://eu-west-1.console.aws.amazon.com/guardduty/home?region=eu-west-1#/findings?fId=a1b2c3d4e5f60718293a4b5c6d7e8f90",
			FirstSeen: time.Date(2026, 11, 2, 8, 58, 12, 0, time.UTC), LastSeen: time.Date(2026, 11, 2, 9, 12, 40, 0, time.UTC),
		}}},
		{"securityhub-two-findings.json", "securityhub", []events.Alert{{
			ID:      "securityhub-" + events.ShortHash("arn:aws:guardduty:eu-west-1:210987654321:detector/0d0d/finding/0000aaaa") + "-20261103115900000",
			CaseKey: "securityhub-" + events.ShortHash("arn:aws:guardduty:eu-west-1:210987654321:detector/0d0d/finding/0000aaaa"),
			Origin:  "securityhub", SourceID: "arn:aws:guardduty:eu-west-1:210987654321:detector/0d0d/finding/0000aaaa",
			Type: "arn:aws:guardduty:eu-west-1:210987654321:detector/0d0d", Title: "EC2 instance i-0a1b2c3d4e5f60718 is querying a command and control domain.",
			Severity: 8, SeverityLabel: "high", Status: "new",
			Resource:   events.Resource{Type: "AwsEc2Instance", InstanceID: "i-0a1b2c3d4e5f60718", ID: "arn:aws:ec2:eu-west-1:210987654321:instance/i-0a1b2c3d4e5f60718"},
			Indicators: events.Indicators{IPs: []string{"198.51.100.20"}, Domains: []string{"c2.example.net"}, Hashes: []string{"5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}},
			Account:    "210987654321", Region: "eu-west-1",
			FirstSeen: time.Date(2026, 11, 3, 11, 40, 0, 0, time.UTC), LastSeen: time.Date(2026, 11, 3, 11, 58, 0, 0, time.UTC),
		}, {
			ID:      "securityhub-" + events.ShortHash("arn:aws:securityhub:eu-west-1:210987654321:subscription/aws-foundational-security-best-practices/v/1.0.0/IAM.3/finding/0000bbbb") + "-20261103115930000",
			CaseKey: "securityhub-" + events.ShortHash("arn:aws:securityhub:eu-west-1:210987654321:subscription/aws-foundational-security-best-practices/v/1.0.0/IAM.3/finding/0000bbbb"),
			Origin:  "securityhub", SourceID: "arn:aws:securityhub:eu-west-1:210987654321:subscription/aws-foundational-security-best-practices/v/1.0.0/IAM.3/finding/0000bbbb",
			Type: "IAM.3", Title: "IAM.3 IAM users' access keys should be rotated every 90 days or less",
			Severity: 4, SeverityLabel: "medium", Status: "closed",
			Resource: events.Resource{Type: "AwsIamUser", User: "jan.peeters", ID: "arn:aws:iam::210987654321:user/jan.peeters"},
			Account:  "210987654321", Region: "eu-west-1",
			FirstSeen: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 11, 3, 11, 59, 30, 0, time.UTC),
		}}},
		{"sentinel-incident-trigger.json", "sentinel", []events.Alert{{
			ID: "sentinel-5f0e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b-202611040730125000000", CaseKey: "sentinel-5f0e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
			Origin: "sentinel", SourceID: "/subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights/Incidents/5f0e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
			Type: "incident:InitialAccess", Title: "Sign-ins from an anonymous IP address", Severity: 7, SeverityLabel: "high", Status: "new",
			Resource:   events.Resource{Type: "Account", User: "an.devos@example.com", Host: "lt-0042"},
			Indicators: events.Indicators{IPs: []string{"203.0.113.9"}, Domains: []string{"login.example.org"}},
			Account:    "00000000-0000-4000-8000-0000000000a1",
			Link:       "https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/subscriptions/00000000-0000-4000-8000-0000000000a1/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights/Incidents/5f0e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
			FirstSeen:  time.Date(2026, 11, 4, 7, 1, 0, 0, time.UTC), LastSeen: time.Date(2026, 11, 4, 7, 25, 0, 0, time.UTC),
		}}},
		{"defender-graph-incident.json", "defender", []events.Alert{{
			ID: "defender-3081-20261105102000456", CaseKey: "defender-3081", Origin: "defender", SourceID: "3081",
			Type: "incident:Ransomware", Title: "Ransomware activity on one endpoint", Severity: 7, SeverityLabel: "high", Status: "new",
			Resource:   events.Resource{Type: "User", User: "piet.janssens@example.com", Host: "ws-0107.example.local"},
			Indicators: events.Indicators{IPs: []string{"198.51.100.44"}, Domains: []string{"payload.example.net"}, Hashes: []string{"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"}},
			Account:    "00000000-0000-4000-8000-0000000000c1",
			Link:       "https://security.microsoft.com/incidents/3081?tid=00000000-0000-4000-8000-0000000000c1",
			FirstSeen:  time.Date(2026, 11, 5, 10, 0, 0, 123000000, time.UTC), LastSeen: time.Date(2026, 11, 5, 10, 20, 0, 456000000, time.UTC),
		}}},
		{"defender-api-incidents.json", "defender", []events.Alert{{
			ID: "defender-924518-2026110608050012", CaseKey: "defender-924518", Origin: "defender", SourceID: "924518",
			Type: "incident:InitialAccess", Title: "Email reported by user as malware or phish", Severity: 0, SeverityLabel: "informational", Status: "closed",
			Resource:   events.Resource{Type: "User", User: "an.devos@example.com"},
			Indicators: events.Indicators{IPs: []string{"192.0.2.200"}},
			Link:       "https://security.microsoft.com/incidents/924518",
			FirstSeen:  time.Date(2026, 11, 6, 8, 0, 0, 550000000, time.UTC), LastSeen: time.Date(2026, 11, 6, 8, 5, 0, 120000000, time.UTC),
		}, {
			ID: "defender-924519-20261106090100", CaseKey: "defender-924519", Origin: "defender", SourceID: "924519",
			Type: "incident:Execution", Title: "Suspicious PowerShell", Severity: 4, SeverityLabel: "medium", Status: "new",
			Resource:   events.Resource{Type: "Device", Host: "srv-app01.example.local"},
			Indicators: events.Indicators{Hashes: []string{"1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e"}},
			Link:       "https://security.microsoft.com/incidents/924519",
			FirstSeen:  time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 11, 6, 9, 1, 0, 0, time.UTC),
		}}},
		{"wazuh-alert.json", "wazuh", []events.Alert{{
			ID: "wazuh-1794060123-884512", CaseKey: "wazuh-004-5763", Origin: "wazuh", SourceID: "1794060123.884512",
			Type: "rule:5763", Title: "sshd: brute force trying to get access to the system. Authentication failed.",
			Severity: 6.7, SeverityLabel: "medium", Status: "new",
			Resource:   events.Resource{Type: "Host", Host: "web-01", User: "admin"},
			Indicators: events.Indicators{IPs: []string{"192.0.2.51"}},
			FirstSeen:  time.Date(2026, 11, 7, 14, 2, 3, 512000000, time.UTC), LastSeen: time.Date(2026, 11, 7, 14, 2, 3, 512000000, time.UTC),
		}}},
		{"wazuh-active-response.json", "wazuh", []events.Alert{{
			ID: "wazuh-1794063600-1200", CaseKey: "wazuh-009-87105", Origin: "wazuh", SourceID: "1794063600.1200",
			Type: "rule:87105", Title: "File added to the system with a known malware hash.", Severity: 8, SeverityLabel: "high", Status: "new",
			Resource:   events.Resource{Type: "Host", Host: "fs-02"},
			Indicators: events.Indicators{Hashes: []string{"2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c"}},
			FirstSeen:  time.Date(2026, 11, 7, 15, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 11, 7, 15, 0, 0, 0, time.UTC),
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := readFixture(t, tt.file)
			if got, err := Detect(raw); err != nil || got != tt.source {
				t.Errorf("Detect = %q, %v; want %q", got, err, tt.source)
			}
			results, err := Normalize(tt.source, raw, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != len(tt.want) {
				t.Fatalf("got %d events, want %d", len(results), len(tt.want))
			}
			for i, r := range results {
				if !reflect.DeepEqual(*r.Alert, tt.want[i]) {
					t.Errorf("event %d:\n got %+v\nwant %+v", i, *r.Alert, tt.want[i])
				}
				checkCanonical(t, r, events.SourceAlerts, events.DetailTypeAlert)
			}
		})
	}
}

func checkCanonical(t *testing.T, r Result, source, detailType string) {
	t.Helper()
	if r.Envelope.Source != source || r.Envelope.DetailType != detailType {
		t.Errorf("envelope source %q detail-type %q, want %q %q", r.Envelope.Source, r.Envelope.DetailType, source, detailType)
	}
	var detail struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.Envelope.Detail, &detail); err != nil || detail.ID != r.Envelope.ID {
		t.Errorf("envelope detail id = %q (%v), want %q", detail.ID, err, r.Envelope.ID)
	}
	if name := events.ExecutionName(r.ID()); len(name) > events.MaxExecutionName {
		t.Errorf("execution name %q longer than %d", name, events.MaxExecutionName)
	}
}

func TestSecurityHubNarrowsOriginal(t *testing.T) {
	results, err := SecurityHub(readFixture(t, "securityhub-two-findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		var original struct {
			Source string `json:"source"`
			Detail struct {
				Findings []struct{ Id string } `json:"findings"`
			} `json:"detail"`
		}
		if err := json.Unmarshal(r.Original, &original); err != nil {
			t.Fatal(err)
		}
		if original.Source != "aws.securityhub" || len(original.Detail.Findings) != 1 || original.Detail.Findings[0].Id != r.Alert.SourceID {
			t.Errorf("event %d original = %+v, want one finding with id %q", i, original, r.Alert.SourceID)
		}
	}
}

func TestTicketFixtures(t *testing.T) {
	opts := testOptions(t)
	tests := []struct {
		file   string
		source string
		want   events.TicketEvent
	}{
		{"jira-offboarding-created.json", "jira", events.TicketEvent{
			ID: "jira-20417-offboarding", CaseKey: "jira-20417", System: "jira", TicketID: "20417", TicketKey: "HR-88",
			URL: "https://acme-it.atlassian.net/browse/HR-88", Action: "created", Kind: "offboarding",
			User: "jan.peeters@example.com", EffectiveDate: "2026-11-30", Requester: "hr@example.com",
			Subject: "Offboarding Jan Peeters", Text: "Last working day is the 30th. Laptop goes back to IT.", Status: "Open",
		}},
		{"servicenow-small-body.json", "servicenow", events.TicketEvent{
			ID: "servicenow-9d385017c611228701d22104cc95c371-offboarding", CaseKey: "servicenow-9d385017c611228701d22104cc95c371",
			System: "servicenow", TicketID: "9d385017c611228701d22104cc95c371", Action: "created", Kind: "offboarding",
			URL:        "https://helpdesk.acme.example/nav_to.do?uri=sc_req_item.do%3Fsys_id%3D9d385017c611228701d22104cc95c371",
			NeedsFetch: true,
		}},
		{"servicenow-ritm-record.json", "servicenow", events.TicketEvent{
			ID: "servicenow-1c741bd70b2322007518478d83673af3-offboarding", CaseKey: "servicenow-1c741bd70b2322007518478d83673af3",
			System: "servicenow", TicketID: "1c741bd70b2322007518478d83673af3", TicketKey: "RITM0010042", Action: "updated", Kind: "offboarding",
			URL:  "https://helpdesk.acme.example/nav_to.do?uri=sc_req_item.do%3Fsys_id%3D1c741bd70b2322007518478d83673af3",
			User: "marie.claes@example.com", EffectiveDate: "2026-12-15", Requester: "6816f79cc0a8016401c5a33be04be441",
			Subject: "Offboarding: Marie Claes", Text: "Please remove all access on her last day.", Status: "1",
		}},
		{"freshdesk-offboarding.json", "freshdesk", events.TicketEvent{
			ID: "freshdesk-318-offboarding", CaseKey: "freshdesk-318", System: "freshdesk", TicketID: "318", TicketKey: "#318",
			URL: "https://acme.freshdesk.com/helpdesk/tickets/318", Action: "created", Kind: "offboarding",
			User: "sofie.maes@example.com", Requester: "hr@example.com", Subject: "Leaver: Sofie Maes",
			Text: "Sofie leaves us on 31 December.", Status: "Open",
			Problems: []string{`effective date field ticket_cf_last_day: "next friday" is not a date: write YYYY-MM-DD`},
		}},
		{"sdp-offboarding.json", "servicedeskplus", events.TicketEvent{
			ID: "servicedeskplus-123640000000512001-offboarding", CaseKey: "servicedeskplus-123640000000512001",
			System: "servicedeskplus", TicketID: "123640000000512001", TicketKey: "2231", Action: "created", Kind: "offboarding",
			URL:  "https://helpdesk.acme.example/app/itdesk/ui/requests/123640000000512001/details",
			User: "tom.wouters@example.com", EffectiveDate: "2026-11-28", Requester: "hr@example.com",
			Subject: "Offboarding Tom Wouters", Text: "Tom leaves on Friday.", Status: "Open",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := readFixture(t, tt.file)
			if got, err := Detect(raw); err != nil || got != tt.source {
				t.Errorf("Detect = %q, %v; want %q", got, err, tt.source)
			}
			results, err := Normalize(tt.source, raw, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != 1 {
				t.Fatalf("got %d events, want 1", len(results))
			}
			if !reflect.DeepEqual(*results[0].Ticket, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", *results[0].Ticket, tt.want)
			}
			checkCanonical(t, results[0], events.SourceTickets, events.DetailTypeTicket)
			if !results[0].Envelope.Time.Equal(received) {
				t.Errorf("envelope time = %v, want %v", results[0].Envelope.Time, received)
			}
		})
	}
}

func TestInvalidPayloads(t *testing.T) {
	tests := []struct {
		name   string
		source string
		body   string
		field  string
	}{
		{"not json", "guardduty", `{`, ""},
		{"array", "wazuh", `[]`, ""},
		{"guardduty wrong type", "guardduty", `{"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2"}`, "detail-type"},
		{"guardduty no id", "guardduty", `{"detail-type":"GuardDuty Finding","source":"aws.guardduty","detail":{"severity":5}}`, "detail.id"},
		{"guardduty severity string", "guardduty", `{"detail-type":"GuardDuty Finding","source":"aws.guardduty","detail":{"id":"x","severity":"high"}}`, "detail.severity"},
		{"securityhub no findings", "securityhub", `{"detail-type":"Security Hub Findings - Imported","source":"aws.securityhub","detail":{"findings":[]}}`, "detail.findings"},
		{"securityhub finding without id", "securityhub", `{"detail-type":"Security Hub Findings - Imported","source":"aws.securityhub","detail":{"findings":[{"Id":"a"},{"Title":"b"}]}}`, "detail.findings[1].Id"},
		{"sentinel no properties", "sentinel", `{"object":{"name":"x"}}`, "properties"},
		{"defender no id", "defender", `{"displayName":"x"}`, "id"},
		{"wazuh no rule", "wazuh", `{"agent":{"id":"1"}}`, "rule"},
		{"wazuh level string", "wazuh", `{"rule":{"level":"high"}}`, "rule.level"},
		{"jira comment event", "jira", `{"webhookEvent":"comment_created"}`, "webhookEvent"},
		{"jira no issue id", "jira", `{"webhookEvent":"jira:issue_created","issue":{}}`, "issue.id"},
		{"servicenow no sys_id", "servicenow", `{"number":"INC1"}`, "sys_id"},
		{"freshdesk no id", "freshdesk", `{"freshdesk_webhook":{"ticket_subject":"x"}}`, "freshdesk_webhook.ticket_id"},
		{"freshdesk bad trigger", "freshdesk", `{"freshdesk_webhook":{"ticket_id":"1","triggered_event":"{status:"}}`, "freshdesk_webhook.triggered_event"},
		{"sdp failed response", "servicedeskplus", `{"request":{"id":"1"},"response_status":{"status_code":4000,"status":"failed"}}`, "response_status.status_code"},
		{"sdp no request", "servicedeskplus", `{"response_status":{"status_code":2000}}`, "request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Normalize(tt.source, []byte(tt.body), Options{})
			var ierr *InputError
			if !errors.As(err, &ierr) {
				t.Fatalf("Normalize = %v, want *InputError", err)
			}
			if ierr.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", ierr.Field, tt.field, err)
			}
		})
	}
}

func TestParseTriggeredEvent(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]any
		wantErr bool
	}{
		{"{ticket_action:created}", map[string]any{"ticket_action": "created"}, false},
		{"{status:{from:4,to:6}}", map[string]any{"status": map[string]any{"from": "4", "to": "6"}}, false},
		{" { priority : { from : 1 , to : 3 } , status:{from:2,to:3} } ", map[string]any{"priority": map[string]any{"from": "1", "to": "3"}, "status": map[string]any{"from": "2", "to": "3"}}, false},
		{"", map[string]any{}, false},
		{"{}", map[string]any{}, false},
		{"{status:", nil, true},
		{"status:open", nil, true},
		{"{a:b} trailing", nil, true},
		{"{:b}", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseTriggeredEvent(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseTriggeredEvent(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseTriggeredEvent(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestExecutionNameStable(t *testing.T) {
	a, _ := GuardDuty(readFixture(t, "guardduty-iam-malicious-ip.json"))
	b, _ := GuardDuty(readFixture(t, "guardduty-iam-malicious-ip.json"))
	if events.ExecutionName(a[0].ID()) != events.ExecutionName(b[0].ID()) {
		t.Error("the same finding gave two execution names")
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<div>Sofie leaves on <b>31 December</b>.</div>", "Sofie leaves on 31 December."},
		{"<p>line one</p><p>line two</p>", "line one line two"},
		{"a<br>b<BR/>c", "a b c"},
		{"Tom &amp; Jerry &lt;3", "Tom & Jerry <3"},
		{"plain text", "plain text"},
		{"<unclosed", "<unclosed"},
	}
	for _, tt := range tests {
		if got := htmlText(tt.in); got != tt.want {
			t.Errorf("htmlText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
