package store

import (
	"context"
	"errors"
	"testing"
)

func TestParentExecution(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	putMachine(t, s)
	parent := executionARN("parent")
	child := executionARN("child")
	if _, _, err := s.CreateExecution(ctx, Execution{ARN: parent, Name: "parent", StateMachineARN: machineARN, Input: `{}`, StartedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateExecution(ctx, Execution{ARN: child, Name: "child", StateMachineARN: machineARN, Input: `{}`, StartedAt: t0, ParentExecution: parent}); err != nil {
		t.Fatal(err)
	}
	// The link outlives the child's end, unlike the parent token.
	commit(t, s, Step{ExecutionARN: child, Events: []Event{{ID: 1, Timestamp: t0, Type: "ExecutionSucceeded"}}, End: &ExecutionEnd{Status: StatusSucceeded, Output: `{}`, StoppedAt: t0}})

	tests := []struct {
		name string
		arn  string
		want string
	}{
		{"started by a task", child, parent},
		{"started through the API", parent, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ParentExecution(ctx, tt.arn)
			if err != nil || got != tt.want {
				t.Errorf("ParentExecution = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	var notFound *ExecutionDoesNotExist
	if _, err := s.ParentExecution(ctx, executionARN("missing")); !errors.As(err, &notFound) {
		t.Errorf("ParentExecution of a missing execution = %v, want ExecutionDoesNotExist", err)
	}
}
