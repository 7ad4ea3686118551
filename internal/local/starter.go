package local

import (
	"context"
	"encoding/json"
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

// StartExecution starts the workflow with the canonical event's detail as input, as an
// EventBridge target with InputPath $.detail passes it: the workflows read $.ticketId at
// the top level. The envelope's time changes on every delivery, so leaving it out also
// makes a redelivered event's input identical and the engine returns the first execution.
func (s *starter) StartExecution(ctx context.Context, workflow, name, input string) (string, error) {
	arn, ok := s.workflows[workflow]
	if !ok {
		return "", fmt.Errorf("workflow %q does not exist in this runtime: add statemachines/%s.asl.json", workflow, workflow)
	}
	detail, err := workflowInput(input, s.dryRun)
	if err != nil {
		return "", err
	}
	return s.engine.StartExecution(ctx, arn, name, detail)
}

// workflowInput returns the envelope's detail, with dryRun set when asked.
func workflowInput(envelope string, dryRun bool) (string, error) {
	var env struct {
		Detail map[string]any `json:"detail"`
	}
	if err := json.Unmarshal([]byte(envelope), &env); err != nil {
		return "", fmt.Errorf("decoding the event envelope: %w", err)
	}
	if env.Detail == nil {
		return "", fmt.Errorf("the event envelope has no detail object")
	}
	if dryRun {
		env.Detail["dryRun"] = true
	}
	out, err := json.Marshal(env.Detail)
	return string(out), err
}
