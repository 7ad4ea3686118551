package offboarding

import (
	"context"
	"errors"
	"fmt"
)

// changeFunc makes one item's change and returns StatusChanged or StatusAlreadyDone with a
// detail of what it found.
type changeFunc func(ctx context.Context, it PlanItem) (Status, string, error)

// applyEach runs change on every item, in order. A skipped item is reported without a call.
// A failed item is recorded and the rest still run, so one group that cannot be removed
// does not stop the others. Verification then reports the failed item. A Throttled error
// stops the step and is returned, so the state machine retries the whole (idempotent) step.
func (s *Steps) applyEach(ctx context.Context, step string, items []PlanItem, change changeFunc) (ChangeOutput, error) {
	out := ChangeOutput{Outcomes: []Outcome{}}
	for _, it := range items {
		if it.SkipReason != "" {
			out.Outcomes = append(out.Outcomes, Outcome{Item: it, Status: StatusSkipped, Detail: it.SkipReason})
			continue
		}
		status, detail, err := change(ctx, it)
		if err != nil {
			classify(&err)
			var throttled *Throttled
			if errors.As(err, &throttled) {
				return out, fmt.Errorf("%s stopped at %s %q: %w", step, it.Kind, it.ID, err)
			}
			s.logger().WarnContext(ctx, "change failed", "step", step, "tenant", s.tenantName(),
				"kind", it.Kind, "item", it.ID, "error", err)
			out.Outcomes = append(out.Outcomes, Outcome{Item: it, Status: StatusFailed, Detail: err.Error(), ErrorName: errorName(err)})
			continue
		}
		out.Outcomes = append(out.Outcomes, Outcome{Item: it, Status: status, Detail: detail})
	}
	s.logger().InfoContext(ctx, "step finished", "step", step, "tenant", s.tenantName(), "items", len(out.Outcomes))
	return out, nil
}
