package main

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/offboarding/adaccounts"
	"github.com/secamo/orchestrator/tenants"
)

// exampleTenant is the repository's example tenant file, which its owners keep valid. Its
// exclusions list ceo@example.com as a VIP and it maps one IAM user.
const exampleTenant = "../../tenants/example.yaml"

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// stubBuilder returns steps with only the tenant and counts its calls.
type stubBuilder struct{ calls int }

func (b *stubBuilder) build(_ context.Context, tenant *tenants.Config, rt *runtime) (*offboarding.Steps, error) {
	b.calls++
	return &offboarding.Steps{Tenant: tenant, Logger: rt.logger}, nil
}

func TestSetupSelectsStep(t *testing.T) {
	b := &stubBuilder{}
	rt := testRuntime(map[string]string{"STEP": "CheckExclusions", "TENANT_FILE": exampleTenant}, newFakeAWS(nil))
	rt.buildSteps = b.build
	h, err := setup(context.Background(), rt)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	if b.calls != 1 {
		t.Errorf("builder called %d times, want 1", b.calls)
	}
	_, err = h(context.Background(), json.RawMessage(`{"user":{"userPrincipalName":"CEO@example.com","displayName":"CEO","synced":false}}`))
	if got := reflect.TypeOf(err).Elem().Name(); got != "ExcludedAccount" {
		t.Errorf("error type = %s (%v), want ExcludedAccount", got, err)
	}
}

func TestSetupErrors(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"no step", map[string]string{"TENANT_FILE": exampleTenant}, "missing environment variable STEP"},
		{"no tenant", map[string]string{"STEP": "BuildPlan"}, "missing tenant configuration"},
		{"unknown step", map[string]string{"STEP": "DisableUser", "TENANT_FILE": exampleTenant}, `step "DisableUser" not registered`},
		{"invalid tenant", map[string]string{"STEP": "BuildPlan", "TENANT_CONFIG": "name: acme\nlocale: de\n"}, "locale: must be one of nl, fr, en"},
		{"missing tenant file", map[string]string{"STEP": "BuildPlan", "TENANT_FILE": "/nonexistent/acme.yaml"}, "reading tenant file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := testRuntime(tt.vars, newFakeAWS(nil))
			rt.buildSteps = (&stubBuilder{}).build
			_, err := setup(context.Background(), rt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestFailingHandlerKeepsError(t *testing.T) {
	cause := &lambdas.StepNotFound{Name: "X"}
	_, err := failing(cause)(context.Background(), nil)
	if !errors.Is(err, cause) {
		t.Errorf("error = %v, want the start-up error", err)
	}
}

func TestBuildSteps(t *testing.T) {
	tenant, err := tenants.Load(exampleTenant)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := buildSteps(context.Background(), tenant, testRuntime(map[string]string{"EVIDENCE_DIR": t.TempDir()}, newFakeAWS(nil)))
	if err != nil {
		t.Fatalf("buildSteps: %v", err)
	}
	if steps.AccessKeys == nil {
		t.Error("no access keys client for a tenant with aws.iamUsers")
	}
	if _, ok := steps.Evidence.(offboarding.DirStore); !ok {
		t.Errorf("evidence store = %T, want DirStore", steps.Evidence)
	}
	if _, ok := steps.ADAccounts.(adaccounts.Accounts); !ok {
		t.Errorf("AD accounts = %T, want the AD adapter", steps.ADAccounts)
	}
	if _, ok := steps.Escalator.(*offboarding.TicketEscalator); !ok {
		t.Errorf("escalator = %T, want the ticket escalator", steps.Escalator)
	}
	if _, ok := steps.EntraSessions.(*lazyEntra); !ok {
		t.Errorf("Entra sessions = %T, want the Entra adapter built on first use", steps.EntraSessions)
	}
	// The example's credentials are a secretsmanager: reference to a secret that the fake
	// Secrets Manager does not have, so the first ticket call fails to build the adapter.
	_, err = steps.Tickets.GetTicket(context.Background(), "101")
	if err == nil || !strings.Contains(err.Error(), "ticketing.credentials") {
		t.Errorf("GetTicket error = %v, want the unresolvable credentials named", err)
	}

	tenant.AWS.IAMUsers = nil
	tenant.Identity.ActiveDirectory = nil
	tenant.Identity.Entra = nil
	steps, err = buildSteps(context.Background(), tenant, testRuntime(nil, newFakeAWS(nil)))
	if err != nil {
		t.Fatalf("buildSteps without IAM users: %v", err)
	}
	if steps.AccessKeys != nil || steps.Evidence != nil || steps.ADUsers != nil || steps.EntraUsers != nil {
		t.Errorf("steps = %+v, want no access keys client, evidence store, AD or Entra client", steps)
	}
}

// nopTickets is a ticketing system that accepts everything.
type nopTickets struct{}

func (nopTickets) GetTicket(context.Context, string) (*ticketing.Ticket, error) {
	return &ticketing.Ticket{}, nil
}
func (nopTickets) Comment(context.Context, string, string, ticketing.Visibility) error { return nil }
func (nopTickets) Resolve(context.Context, string, string) error                       { return nil }

func TestTicketEscalatorDefault(t *testing.T) {
	tenant, err := tenants.Load(exampleTenant)
	if err != nil {
		t.Fatal(err)
	}
	steps := &offboarding.Steps{Tenant: tenant}
	addTicketEscalator(steps)
	if steps.Escalator != nil {
		t.Error("escalator set without a ticketing system")
	}
	steps.Tickets = nopTickets{}
	addTicketEscalator(steps)
	esc, ok := steps.Escalator.(*offboarding.TicketEscalator)
	if !ok {
		t.Fatalf("escalator = %T, want *offboarding.TicketEscalator", steps.Escalator)
	}
	last := tenant.Approvals.Levels[len(tenant.Approvals.Levels)-1].Approvers
	if !reflect.DeepEqual(esc.Contacts, last) {
		t.Errorf("contacts = %v, want the last level's approvers %v", esc.Contacts, last)
	}
}

func TestSetupRegistersTriageSteps(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, step := range []string{"AssessAlert", "OpenCase", "ContainInstance", "ReleaseInstance", "RecordOutcome"} {
		t.Run(step, func(t *testing.T) {
			rt := testRuntime(map[string]string{"STEP": step, "TENANT_FILE": exampleTenant}, newFakeAWS(nil))
			rt.buildSteps = (&stubBuilder{}).build
			h, err := setup(context.Background(), rt)
			if err != nil {
				t.Fatalf("setup: %v", err)
			}
			// Malformed input proves the step's own handler runs: a missing step would fail
			// at setup, and a registered one rejects the input by name.
			_, err = h(context.Background(), json.RawMessage(`{"unknownField":1}`))
			if got := reflect.TypeOf(err).Elem().Name(); got != "InvalidInput" {
				t.Errorf("error type = %s (%v), want InvalidInput", got, err)
			}
		})
	}
}
