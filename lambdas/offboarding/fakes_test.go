package offboarding

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/secamo/orchestrator/lambdas/offboarding/fake"
)

// world is the offboarding steps over the systems of fake.NewDirectory.
type world struct {
	steps     *Steps
	entra     *fake.Entra
	ad        *fake.AD
	keys      *fake.Keys
	tickets   *fake.Tickets
	escalator *fake.Escalator[Escalation]
	clock     *fake.Clock
}

func newWorld(t *testing.T) *world {
	t.Helper()
	d := fake.NewDirectory()
	esc := &fake.Escalator[Escalation]{}
	steps := &Steps{
		Tenant: d.Tenant, Tickets: d.Tickets,
		EntraUsers: d.Entra, EntraGroups: d.Entra, EntraLicenses: d.Entra, EntraSessions: d.Entra,
		ADUsers: d.AD, ADAccounts: d.AD, ADGroups: d.AD, AccessKeys: d.Keys,
		Evidence: DirStore{Dir: t.TempDir()}, Escalator: esc, Clock: d.Clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return &world{steps: steps, entra: d.Entra, ad: d.AD, keys: d.Keys, tickets: d.Tickets, escalator: esc, clock: d.Clock}
}

// resolve runs ResolveUser for ticket 101 and fails the test on error.
func (w *world) resolve(t *testing.T) ResolveOutput {
	t.Helper()
	out, err := w.steps.ResolveUser(context.Background(), ResolveInput{TicketID: "101"})
	if err != nil {
		t.Fatalf("ResolveUser: %v", err)
	}
	return out
}

// plan runs ResolveUser and BuildPlan and advances the clock past the plan's time.
func (w *world) plan(t *testing.T) (ResolveOutput, Plan) {
	t.Helper()
	r := w.resolve(t)
	p, err := w.steps.BuildPlan(context.Background(), PlanInput{Ticket: r.Ticket, User: r.User})
	if err != nil {
		t.Fatalf("BuildPlan: %v", err)
	}
	w.clock.T = w.clock.T.Add(time.Hour)
	return r, p
}

// applyAll runs every change step on the plan.
func (w *world) applyAll(t *testing.T, r ResolveOutput, p Plan) []ChangeOutput {
	t.Helper()
	in := ChangeInput{User: r.User, Items: p.Items, Ticket: r.Ticket}
	ctx := context.Background()
	var outs []ChangeOutput
	for name, step := range map[string]func(context.Context, ChangeInput) (ChangeOutput, error){
		"DisableEntraUser": w.steps.DisableEntraUser, "RevokeSessions": w.steps.RevokeSessions,
		"RemoveGroupMemberships": w.steps.RemoveGroupMemberships, "RemoveLicenses": w.steps.RemoveLicenses,
		"DisableADAccount": w.steps.DisableADAccount, "DeactivateAccessKeys": w.steps.DeactivateAccessKeys,
	} {
		out, err := step(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		outs = append(outs, out)
	}
	return outs
}
