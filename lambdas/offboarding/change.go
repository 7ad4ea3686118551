package offboarding

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/adapters/identity"
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

// fromItemResults turns an adapter's per-item results into outcomes, in the order of items.
// An item without a result, because the request failed before reaching it, fails with
// reqErr. A Throttled request or item is returned as an error, so the state machine retries
// the whole (idempotent) step.
func (s *Steps) fromItemResults(ctx context.Context, step string, items []PlanItem, results []identity.ItemResult, reqErr error) (ChangeOutput, error) {
	if reqErr != nil {
		classify(&reqErr)
		var throttled *Throttled
		if errors.As(reqErr, &throttled) {
			return ChangeOutput{Outcomes: []Outcome{}}, fmt.Errorf("%s stopped: %w", step, reqErr)
		}
	}
	byID := map[string]identity.ItemResult{}
	for _, r := range results {
		byID[strings.ToLower(r.ID)] = r
	}
	var throttledItems []string
	out, err := s.applyEach(ctx, step, items, func(_ context.Context, it PlanItem) (Status, string, error) {
		r, ok := byID[strings.ToLower(it.ID)]
		switch {
		case !ok && reqErr != nil:
			return "", "", reqErr
		case !ok:
			return "", "", fmt.Errorf("the adapter returned no result for %s %q", it.Kind, it.ID)
		case r.Status == identity.StatusRemoved:
			return StatusChanged, "removed", nil
		case r.Status == identity.StatusAlreadyAbsent:
			return StatusAlreadyDone, "already absent", nil
		case r.Status == identity.StatusSkipped:
			return StatusSkipped, r.Error, nil
		case r.ErrorName == "Throttled":
			throttledItems = append(throttledItems, it.ID)
		}
		return "", "", &itemError{name: r.ErrorName, message: r.Error}
	})
	if err == nil && len(throttledItems) > 0 {
		err = &Throttled{Err: fmt.Errorf("%s: still throttled on %s", step, strings.Join(throttledItems, ", "))}
	}
	return out, err
}

// itemError is one item's failure as an adapter reported it, by error name and message.
type itemError struct{ name, message string }

func (e *itemError) Error() string { return e.message }
