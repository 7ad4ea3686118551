package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/secamo/orchestrator/events/ingest"
)

// sfnStarter starts Step Functions executions for the webhook endpoint. The SDK's
// *types.ExecutionAlreadyExists is returned wrapped, and ingest recognises it by its type
// name.
type sfnStarter struct {
	client sfnClient
	// machines maps a workflow name to its state machine ARN.
	machines map[string]string
}

var _ ingest.Starter = (*sfnStarter)(nil)

// StartExecution implements ingest.Starter and returns the execution ARN. The workflow gets
// the canonical event's detail, as from the local runtime and the tenant bus's rules.
func (s *sfnStarter) StartExecution(ctx context.Context, workflow, name, envelope string) (string, error) {
	arn, ok := s.machines[workflow]
	if !ok {
		return "", fmt.Errorf("starting workflow %s: no state machine for it in %s, which lists %s",
			workflow, envStateMachines, strings.Join(slices.Sorted(maps.Keys(s.machines)), ", "))
	}
	input, err := ingest.WorkflowInput(envelope, false)
	if err != nil {
		return "", fmt.Errorf("starting workflow %s: %w", workflow, err)
	}
	out, err := s.client.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(arn), Name: aws.String(name), Input: aws.String(input),
	})
	if err != nil {
		return "", fmt.Errorf("starting workflow %s as execution %s: %w", workflow, name, err)
	}
	return aws.ToString(out.ExecutionArn), nil
}

// parseStateMachines reads STATE_MACHINES: a JSON object from workflow name to state
// machine ARN.
func parseStateMachines(text string) (map[string]string, error) {
	const example = `{"user-offboarding":"arn:aws:states:eu-west-1:123456789012:stateMachine:secamo-example-user-offboarding"}`
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("missing environment variable %s: set it to a JSON object from workflow name to state machine ARN, such as %s", envStateMachines, example)
	}
	var machines map[string]string
	if err := json.Unmarshal([]byte(text), &machines); err != nil {
		return nil, fmt.Errorf("invalid environment variable %s: %v; write a JSON object such as %s", envStateMachines, err, example)
	}
	if len(machines) == 0 {
		return nil, fmt.Errorf("invalid environment variable %s: the object is empty, list each workflow's state machine ARN", envStateMachines)
	}
	for workflow, arn := range machines {
		parts := strings.Split(arn, ":")
		if workflow == "" || len(parts) != 7 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "stateMachine" || parts[6] == "" {
			return nil, fmt.Errorf("invalid environment variable %s: workflow %q maps to %q, which is not a state machine ARN (arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME)", envStateMachines, workflow, arn)
		}
	}
	return machines, nil
}
