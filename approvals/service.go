package approvals

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Service decides approvals and passes the decisions to the waiting workflows.
type Service struct {
	Store    Store
	Resolver TaskResolver
	Clock    Clock
	Logger   *slog.Logger
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// Decide stores the decision (the first one wins) and then resumes the workflow. It returns
// the decided record and, when the decision was stored but the workflow was not resumed,
// *NotWaitingError or an error wrapping ErrDeliveryPending. Store errors are returned as is:
// *AlreadyDecidedError, *ExpiredError, ErrNotFound.
func (s *Service) Decide(ctx context.Context, id string, d DecisionInput) (Record, error) {
	if d.Decision != Approve && d.Decision != Reject {
		return Record{}, fmt.Errorf("invalid decision %q: use approve or reject", d.Decision)
	}
	rec, err := s.Store.Decide(ctx, id, d)
	if err != nil {
		return Record{}, err
	}
	s.logger().InfoContext(ctx, "approval decided", "tenant", rec.Tenant, "execution", rec.Execution,
		"approval", rec.ID, "decision", d.Decision, "approver", d.Approver, "via", d.Via)
	return rec, s.Deliver(ctx, rec)
}

// Deliver sends a decided record's decision to the workflow through the resolver and records
// the outcome in the store.
func (s *Service) Deliver(ctx context.Context, rec Record) error {
	res := Result{
		Decision:   Approve,
		Approver:   rec.DecidedBy,
		Comment:    rec.Comment,
		DecidedAt:  rec.DecidedAt.UTC(),
		ApprovalID: rec.ID,
		Level:      rec.Level,
		Via:        rec.DecidedVia,
	}
	if rec.Status == StatusRejected {
		res.Decision = Reject
	}
	body, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encoding decision of approval %s: %w", rec.ID, err)
	}

	if res.Decision == Approve {
		err = s.Resolver.SendTaskSuccess(ctx, rec.TaskToken, string(body))
	} else {
		err = s.Resolver.SendTaskFailure(ctx, rec.TaskToken, RejectedErrorName, string(body))
	}

	if err != nil {
		name := ResolverErrorName(err)
		if name == "" {
			s.logger().ErrorContext(ctx, "resuming workflow", "tenant", rec.Tenant, "execution", rec.Execution,
				"approval", rec.ID, "error", err)
			return fmt.Errorf("approval %s: %w: %w", rec.ID, ErrDeliveryPending, err)
		}
		s.logger().WarnContext(ctx, "workflow no longer waits for the decision", "tenant", rec.Tenant,
			"execution", rec.Execution, "approval", rec.ID, "reason", name)
		if mErr := s.Store.MarkDelivered(ctx, rec.ID, false, name); mErr != nil {
			return fmt.Errorf("recording delivery of approval %s: %w", rec.ID, mErr)
		}
		return &NotWaitingError{Name: name, Record: rec}
	}
	if err := s.Store.MarkDelivered(ctx, rec.ID, true, ""); err != nil {
		return fmt.Errorf("recording delivery of approval %s: %w", rec.ID, err)
	}
	return nil
}

// DeliverPending retries every stored decision that has not reached its workflow, such as
// an operator decision or one whose resolver call failed for a transient reason. It returns
// the number delivered and the errors of the others, joined.
func (s *Service) DeliverPending(ctx context.Context) (int, error) {
	recs, err := s.Store.Undelivered(ctx)
	if err != nil {
		return 0, fmt.Errorf("listing undelivered decisions: %w", err)
	}
	var errs []error
	n := 0
	for _, rec := range recs {
		err := s.Deliver(ctx, rec)
		var nw *NotWaitingError
		switch {
		case err == nil:
			n++
		case errors.As(err, &nw):
			// The workflow moved on; nothing more to deliver.
		default:
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

// Sweep marks pending records past their expiry as expired and retries undelivered
// decisions. Run it every few minutes; the wait task's own timeout resumes the workflow,
// so Sweep only keeps the store truthful and late deliveries moving.
func (s *Service) Sweep(ctx context.Context) (expired, delivered int, err error) {
	recs, err := s.Store.Expire(ctx, s.Clock.Now())
	if err != nil {
		return 0, 0, fmt.Errorf("sweeping approvals: %w", err)
	}
	for _, r := range recs {
		s.logger().InfoContext(ctx, "approval expired", "tenant", r.Tenant, "execution", r.Execution,
			"approval", r.ID, "level", r.Level)
	}
	delivered, err = s.DeliverPending(ctx)
	return len(recs), delivered, err
}

// The CloudWatch metric of how long approvals stay pending past their expiry, which the
// approvals function publishes before each sweep and the stack's alarm watches.
const (
	MetricNamespace       = "Secamo/Orchestrator"
	MetricOverduePending  = "OverduePendingApprovalSeconds"
	MetricDimensionTenant = "Tenant"
)

// OverdueAge returns how long the pending approval that expired first has been past its
// expiry, and 0 when none is. Sweep marks such records expired, so a value that keeps
// growing means that no sweep runs.
func (s *Service) OverdueAge(ctx context.Context) (time.Duration, error) {
	earliest, ok, err := s.Store.EarliestPendingExpiry(ctx)
	if err != nil || !ok {
		return 0, err
	}
	return max(s.Clock.Now().Sub(earliest), 0), nil
}
