package statemachines

import (
	"io"
	"log/slog"
	"testing"

	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/lambdas/offboarding/fake"
)

// world is the offboarding steps over the systems of fake.NewDirectory.
type world struct {
	steps     *offboarding.Steps
	entra     *fake.Entra
	ad        *fake.AD
	keys      *fake.Keys
	tickets   *fake.Tickets
	escalator *fake.Escalator[offboarding.Escalation]
	clock     *fake.Clock
}

func newWorld(t testing.TB) *world {
	t.Helper()
	d := fake.NewDirectory()
	esc := &fake.Escalator[offboarding.Escalation]{}
	steps := &offboarding.Steps{
		Tenant: d.Tenant, Tickets: d.Tickets,
		EntraUsers: d.Entra, EntraGroups: d.Entra, EntraLicenses: d.Entra, EntraSessions: d.Entra,
		ADUsers: d.AD, ADAccounts: d.AD, ADGroups: d.AD, AccessKeys: d.Keys,
		Evidence: offboarding.DirStore{Dir: t.TempDir()}, Escalator: esc, Clock: d.Clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return &world{steps: steps, entra: d.Entra, ad: d.AD, keys: d.Keys, tickets: d.Tickets, escalator: esc, clock: d.Clock}
}
