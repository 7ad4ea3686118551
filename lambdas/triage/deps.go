package triage

import (
	"context"
	"log/slog"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/tenants"
)

// Enricher looks up indicators in the threat-intelligence services; *intel.Enricher
// implements it. It never fails: a service that returns no score gives a result marked
// unavailable.
type Enricher interface {
	Enrich(ctx context.Context, indicators []string) []intel.Result
}

var _ Enricher = (*intel.Enricher)(nil)

// Containment reads, isolates, snapshots and releases EC2 instances;
// *awsadapter.Containment implements it.
type Containment interface {
	DescribeInstance(ctx context.Context, instanceID string) (*awsadapter.Instance, error)
	Isolate(ctx context.Context, instanceID, caseID string) (*awsadapter.IsolationResult, error)
	SnapshotVolumes(ctx context.Context, instanceID, caseID string) ([]awsadapter.Snapshot, error)
	Release(ctx context.Context, instanceID string) (*awsadapter.IsolationResult, error)
}

var _ Containment = (*awsadapter.Containment)(nil)

// AccessKeys lists an IAM user's access keys; *awsadapter.AccessKeys implements it.
type AccessKeys interface {
	ListAccessKeys(ctx context.Context, userName string) ([]awsadapter.AccessKey, error)
}

var _ AccessKeys = (*awsadapter.AccessKeys)(nil)

// Tickets is the part of ticketing.System the steps call. Status changes are left to the
// analyst, because status names differ per ticketing system and tenant.
type Tickets interface {
	CreateTicket(ctx context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error)
	Comment(ctx context.Context, id, body string, v ticketing.Visibility) error
}

var _ Tickets = ticketing.System(nil)

// Clock returns the current time; tests pass a fixed clock.
type Clock interface{ Now() time.Time }

// Steps holds the dependencies of the triage steps. A nil Enricher leaves the alert
// unenriched; a nil Containment or AccessKeys makes the steps that need it fail with
// NotConfigured. Build it once per process.
type Steps struct {
	Tenant      *tenants.Config
	Enricher    Enricher
	Containment Containment
	AccessKeys  AccessKeys
	Tickets     Tickets
	Clock       Clock
	Logger      *slog.Logger
}

// Register adds every triage step to reg under its ASL placeholder name.
func (s *Steps) Register(reg lambdas.Registry) {
	reg.Add("AssessAlert", lambdas.Typed(s.AssessAlert))
	reg.Add("OpenCase", lambdas.Typed(s.OpenCase))
	reg.Add("ContainInstance", lambdas.Typed(s.ContainInstance))
	reg.Add("ReleaseInstance", lambdas.Typed(s.ReleaseInstance))
	reg.Add("RecordOutcome", lambdas.Typed(s.RecordOutcome))
}

func (s *Steps) now() time.Time {
	if s.Clock == nil {
		return time.Now().UTC()
	}
	return s.Clock.Now().UTC()
}

func (s *Steps) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func (s *Steps) tenant() *tenants.Config {
	if s.Tenant == nil {
		return &tenants.Config{Locale: "en"}
	}
	return s.Tenant
}
