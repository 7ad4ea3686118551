package triage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/tenants"
)

type stubEnricher struct{ score int }

func (s stubEnricher) Enrich(_ context.Context, indicators []string) []intel.Result {
	out := make([]intel.Result, len(indicators))
	for i, ind := range indicators {
		out[i] = intel.Result{Indicator: ind, Source: "stub", Score: s.score}
	}
	return out
}

type stubEC2 struct {
	inst        *awsadapter.Instance
	describeErr error
	isolateErr  error
}

func (s *stubEC2) DescribeInstance(context.Context, string) (*awsadapter.Instance, error) {
	return s.inst, s.describeErr
}

func (s *stubEC2) Isolate(_ context.Context, id, caseID string) (*awsadapter.IsolationResult, error) {
	if s.isolateErr != nil {
		return nil, s.isolateErr
	}
	return &awsadapter.IsolationResult{InstanceID: id, CaseID: caseID, Status: awsadapter.StatusIsolated}, nil
}

func (s *stubEC2) SnapshotVolumes(context.Context, string, string) ([]awsadapter.Snapshot, error) {
	return nil, nil
}

func (s *stubEC2) Release(_ context.Context, id string) (*awsadapter.IsolationResult, error) {
	return &awsadapter.IsolationResult{InstanceID: id, Status: awsadapter.StatusNotIsolated}, nil
}

type stubKeys map[string][]awsadapter.AccessKey

func (s stubKeys) ListAccessKeys(_ context.Context, user string) ([]awsadapter.AccessKey, error) {
	keys, ok := s[user]
	if !ok {
		return nil, &awsadapter.NoSuchIAMUser{UserName: user}
	}
	return keys, nil
}

type stubTickets struct {
	existing *ticketing.Ticket
	created  []ticketing.NewTicket
	comments []string
	err      error
}

func (s *stubTickets) CreateTicket(_ context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.created = append(s.created, t)
	if s.existing != nil {
		return s.existing, nil
	}
	return &ticketing.Ticket{ID: "7", Key: "SOC-7", Description: t.Description}, nil
}

func (s *stubTickets) Comment(_ context.Context, _ string, body string, _ ticketing.Visibility) error {
	s.comments = append(s.comments, body)
	return nil
}

func testAlert(severity float64, res events.Resource) events.Alert {
	return events.Alert{
		ID: "gd-1-v1", CaseKey: "gd-1", Origin: "guardduty", Title: "Miner", Severity: severity,
		Resource: res, Indicators: events.Indicators{Domains: []string{"pool.example.net"}},
	}
}

func TestAssessAlertDecision(t *testing.T) {
	instance := events.Resource{Type: "Instance", InstanceID: "i-1"}
	accessKey := events.Resource{Type: "AccessKey", User: "jan"}
	tests := []struct {
		name         string
		severity     float64
		score        int
		resource     events.Resource
		tags         map[string]string
		protected    bool
		containFirst bool
		keys         []awsadapter.AccessKey
		want         Action
		wantFirst    bool
	}{
		{name: "low severity", severity: 2, resource: instance, want: ActionTicket},
		{name: "high severity instance", severity: 8, resource: instance, want: ActionIsolate},
		{name: "medium with high score", severity: 5, score: 90, resource: instance, want: ActionIsolate},
		{name: "medium with low score", severity: 5, score: 40, resource: instance, want: ActionTicket},
		{name: "protected tag", severity: 8, resource: instance, protected: true, want: ActionProtected},
		{name: "tenant protected tag", severity: 8, resource: instance, tags: map[string]string{"Tier": "0"}, want: ActionProtected},
		{name: "critical contain first", severity: 9.5, resource: instance, containFirst: true, want: ActionIsolate, wantFirst: true},
		{name: "high not critical", severity: 8, resource: instance, containFirst: true, want: ActionIsolate},
		{name: "credential", severity: 8, resource: accessKey, keys: []awsadapter.AccessKey{{ID: "AK1", Status: awsadapter.KeyActive}}, want: ActionRevokeCredential},
		{name: "credential no active key", severity: 8, resource: accessKey, keys: []awsadapter.AccessKey{{ID: "AK1", Status: awsadapter.KeyInactive}}, want: ActionTicket},
		{name: "host only", severity: 8, resource: events.Resource{Type: "Host", Host: "web-01"}, want: ActionTicket},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tags := map[string]string{"Name": "runner"}
			for k, v := range tc.tags {
				tags[k] = v
			}
			s := &Steps{
				Tenant: &tenants.Config{Name: "acme", Locale: "nl",
					Approvals: tenants.Approvals{Levels: []tenants.ApprovalLevel{
						{Approvers: []string{"soc@example.com"}, Timeout: tenants.Duration(time.Hour)},
					}},
					Triage:     tenants.Triage{ContainFirst: tc.containFirst},
					Exclusions: tenants.Exclusions{ProtectedTags: []string{"Tier=0"}}},
				Enricher:    stubEnricher{score: tc.score},
				Containment: &stubEC2{inst: &awsadapter.Instance{ID: "i-1", Name: "runner", Protected: tc.protected, Tags: tags}},
				AccessKeys:  stubKeys{"jan": tc.keys},
			}
			got, err := s.AssessAlert(context.Background(), AlertInput{Alert: testAlert(tc.severity, tc.resource)})
			if err != nil {
				t.Fatalf("AssessAlert: %v", err)
			}
			if got.Action != tc.want || got.ContainFirst != tc.wantFirst {
				t.Errorf("action = %s, containFirst = %v, want %s, %v (reason %q)", got.Action, got.ContainFirst, tc.want, tc.wantFirst, got.Reason)
			}
			if got.Approval.First.TimeoutSeconds != 3600 || got.Approval.Second.Approvers[0] != "soc@example.com" {
				t.Errorf("approval = %+v, want the tenant's one level as both levels", got.Approval)
			}
			if got.Action == ActionIsolate && !strings.Contains(got.Summary, "EC2-instantie i-1 (runner)") {
				t.Errorf("summary = %q, want the Dutch text naming the instance", got.Summary)
			}
		})
	}
}

func TestAssessAlertErrors(t *testing.T) {
	tests := []struct {
		name  string
		steps *Steps
		alert events.Alert
		want  string
	}{
		{"missing case key", &Steps{}, events.Alert{ID: "x"}, "InvalidInput"},
		{"no containment", &Steps{}, testAlert(8, events.Resource{InstanceID: "i-1"}), "NotConfigured"},
		{"throttled", &Steps{Containment: &stubEC2{describeErr: &awsadapter.Throttled{Operation: "DescribeInstances", Err: errors.New("slow down")}}}, testAlert(8, events.Resource{InstanceID: "i-1"}), "Throttled"},
		{"denied", &Steps{AccessKeys: stubKeys{}, Containment: &stubEC2{describeErr: &awsadapter.PermissionDenied{Operation: "DescribeInstances", Err: errors.New("no")}}}, testAlert(8, events.Resource{InstanceID: "i-1"}), "PermissionDenied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.steps.AssessAlert(context.Background(), AlertInput{Alert: tc.alert})
			if got := typeName(err); got != tc.want {
				t.Errorf("error %v has type %s, want %s", err, got, tc.want)
			}
		})
	}
}

func TestAssessAlertInstanceGone(t *testing.T) {
	s := &Steps{Containment: &stubEC2{describeErr: &awsadapter.InstanceNotFound{InstanceID: "i-1"}}}
	got, err := s.AssessAlert(context.Background(), AlertInput{Alert: testAlert(8, events.Resource{InstanceID: "i-1"})})
	if err != nil {
		t.Fatalf("AssessAlert: %v", err)
	}
	if got.Action != ActionTicket || got.AssetNote == "" {
		t.Errorf("action = %s, asset note %q, want ticket with a note", got.Action, got.AssetNote)
	}
}

func TestContainInstanceProtected(t *testing.T) {
	s := &Steps{Containment: &stubEC2{isolateErr: &awsadapter.ProtectedResource{InstanceID: "i-1", Tag: awsadapter.TagProtected}}}
	_, err := s.ContainInstance(context.Background(), InstanceInput{InstanceID: "i-1", CaseID: "gd-1"})
	if got := typeName(err); got != "ProtectedResource" {
		t.Errorf("error %v has type %s, want ProtectedResource", err, got)
	}
}

func TestOpenCaseNewAndExisting(t *testing.T) {
	alert := testAlert(8, events.Resource{InstanceID: "i-1"})
	tickets := &stubTickets{}
	s := &Steps{Tickets: tickets, Tenant: &tenants.Config{Locale: "fr"}}
	got, err := s.OpenCase(context.Background(), CaseInput{Alert: alert, Assessment: Assessment{Action: ActionIsolate, Priority: "high"}})
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	if got.Existing || len(tickets.comments) != 0 {
		t.Errorf("new case reported existing = %v with comments %q", got.Existing, tickets.comments)
	}
	if subject := tickets.created[0].Subject; subject != "Alerte de sécurité : Miner" || tickets.created[0].CorrelationKey != "gd-1" {
		t.Errorf("ticket subject %q, correlation key %q", subject, tickets.created[0].CorrelationKey)
	}

	tickets.existing = &ticketing.Ticket{ID: "7", Description: "Alert version: gd-1-v0"}
	got, err = s.OpenCase(context.Background(), CaseInput{Alert: alert})
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	if !got.Existing || len(tickets.comments) != 1 || !strings.Contains(tickets.comments[0], "mise à jour") {
		t.Errorf("update reported existing = %v with comments %q", got.Existing, tickets.comments)
	}
}

func TestOpenCaseTicketErrors(t *testing.T) {
	s := &Steps{Tickets: &stubTickets{err: fmt.Errorf("creating: %w", &ticketing.Throttled{RetryAfter: time.Second})}}
	_, err := s.OpenCase(context.Background(), CaseInput{Alert: testAlert(8, events.Resource{})})
	if got := typeName(err); got != "Throttled" {
		t.Errorf("error %v has type %s, want Throttled", err, got)
	}
}

func TestRecordOutcomeTexts(t *testing.T) {
	alert := testAlert(8, events.Resource{InstanceID: "i-1", User: "jan"})
	containment := &ContainmentResult{
		Isolation: &awsadapter.IsolationResult{InstanceID: "i-1", QuarantineGroupID: "sg-q", Status: awsadapter.StatusIsolated},
		Snapshots: []awsadapter.Snapshot{{ID: "snap-1", VolumeID: "vol-1"}},
	}
	approved := map[string]any{"approver": "lead@example.com"}
	rejected := map[string]any{"Error": "ApprovalRejected", "Cause": `{"approver":"lead@example.com","comment":"false positive"}`}
	tests := []struct {
		in   OutcomeInput
		want string
	}{
		{OutcomeInput{Kind: OutcomeIsolated, Containment: containment, Decision: approved}, "i-1 is isolated in security group sg-q after approval by lead@example.com. Volume snapshots: snap-1 (vol-1)."},
		{OutcomeInput{Kind: OutcomeRejected, Decision: rejected}, "rejected (lead@example.com false positive)"},
		{OutcomeInput{Kind: OutcomeReleased, Containment: containment, Decision: rejected}, "released to its original security groups"},
		{OutcomeInput{Kind: OutcomeProtected, Reason: "tag secamo:protected"}, "protected (tag secamo:protected)"},
		{OutcomeInput{Kind: OutcomeRevoked, Decision: approved}, "IAM user jan are deactivated after approval by lead@example.com"},
		{OutcomeInput{Kind: OutcomeFailed, Error: map[string]any{"Error": "PermissionDenied", "Cause": "ec2:CreateSnapshot"}}, "failed (PermissionDenied: ec2:CreateSnapshot)"},
	}
	for _, tc := range tests {
		t.Run(tc.in.Kind, func(t *testing.T) {
			tickets := &stubTickets{}
			s := &Steps{Tickets: tickets}
			tc.in.Ticket.ID, tc.in.Alert = "7", alert
			out, err := s.RecordOutcome(context.Background(), tc.in)
			if err != nil {
				t.Fatalf("RecordOutcome: %v", err)
			}
			if !strings.Contains(out.Comment, tc.want) || len(tickets.comments) != 1 {
				t.Errorf("comment = %q, want it to contain %q", out.Comment, tc.want)
			}
		})
	}
}

func TestRecordOutcomeInvalid(t *testing.T) {
	s := &Steps{Tickets: &stubTickets{}}
	for _, in := range []OutcomeInput{{Kind: OutcomeRejected}, {Kind: "done", Ticket: ticketRef("7")}, {Kind: OutcomeIsolated, Ticket: ticketRef("7")}} {
		if _, err := s.RecordOutcome(context.Background(), in); typeName(err) != "InvalidInput" {
			t.Errorf("RecordOutcome(%+v) error = %v, want InvalidInput", in, err)
		}
	}
}

func TestTextsComplete(t *testing.T) {
	for key, byLocale := range texts {
		for _, locale := range tenants.Locales {
			if byLocale[locale] == "" {
				t.Errorf("message %d has no %s text", key, locale)
			}
		}
	}
}

func typeName(err error) string {
	if err == nil {
		return "<nil>"
	}
	name := fmt.Sprintf("%T", err)
	return name[strings.LastIndex(name, ".")+1:]
}

func ticketRef(id string) offboarding.TicketRef { return offboarding.TicketRef{ID: id} }
