package local

import (
	"context"
	"fmt"

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/events/ingest"
)

// starter starts workflows on the engine for the webhook handler.
type starter struct {
	engine    *engine.Engine
	workflows map[string]string
	dryRun    bool
}

var _ ingest.Starter = (*starter)(nil)

// StartExecution starts the workflow with the input ingest.WorkflowInput makes of the
// canonical event.
func (s *starter) StartExecution(ctx context.Context, workflow, name, input string) (string, error) {
	arn, ok := s.workflows[workflow]
	if !ok {
		return "", fmt.Errorf("workflow %q does not exist in this runtime: add statemachines/%s.asl.json", workflow, workflow)
	}
	detail, err := ingest.WorkflowInput(input, s.dryRun)
	if err != nil {
		return "", err
	}
	return s.engine.StartExecution(ctx, arn, name, detail)
}
