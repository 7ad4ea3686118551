package rules

import (
	"fmt"
	"time"

	"github.com/secamo/orchestrator/events/normalize"
	"github.com/secamo/orchestrator/tenants"
)

// Evaluate normalises a payload for a tenant and routes it with the embedded rules, the local
// counterpart of EventBridge's TestEventPattern. An empty source is detected from the payload.
func Evaluate(cfg *tenants.Config, source string, raw []byte, received time.Time) ([]Decision, error) {
	if source == "" {
		detected, err := normalize.Detect(raw)
		if err != nil {
			return nil, err
		}
		source = detected
	}
	results, err := normalize.Normalize(source, raw, normalize.Options{Mapping: normalize.MappingFor(cfg), Received: received})
	if err != nil {
		return nil, err
	}
	decisions, err := Router{Rules: All(), Enabled: cfg.WorkflowEnabled}.Route(results)
	if err != nil {
		return nil, fmt.Errorf("routing %s event: %w", source, err)
	}
	return decisions, nil
}
