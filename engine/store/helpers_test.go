package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const machineARN = "arn:aws:states:us-east-1:123456789012:stateMachine:offboard"

func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "engine.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func putMachine(t testing.TB, s *Store) {
	t.Helper()
	err := s.PutStateMachine(context.Background(), StateMachine{
		ARN: machineARN, Name: "offboard", Definition: `{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`,
		Substitutions: map[string]string{"Fn": "disable-user"}, CreatedAt: t0,
	})
	if err != nil {
		t.Fatalf("PutStateMachine = %v", err)
	}
}

func executionARN(name string) string {
	return "arn:aws:states:us-east-1:123456789012:execution:offboard:" + name
}

func startExecution(t testing.TB, s *Store, name string) string {
	t.Helper()
	arn := executionARN(name)
	_, created, err := s.CreateExecution(context.Background(), Execution{ARN: arn, Name: name, StateMachineARN: machineARN, Input: `{"user":"ada"}`, StartedAt: t0})
	if err != nil || !created {
		t.Fatalf("CreateExecution(%s) = created %v, %v", name, created, err)
	}
	return arn
}

// transition returns a typical step: the exit event of one state and the entered event of
// the next, and the thread's new checkpoint. after is the last event id before the step.
func transition(arn, thread string, after int64, state string) Step {
	at := t0.Add(time.Duration(after) * time.Second)
	pos, _ := json.Marshal(map[string]any{"state": state, "input": map[string]any{"user": "ada", "step": after}, "vars": map[string]any{"ticket": "INC0012345"}})
	return Step{
		ExecutionARN: arn,
		Events: []Event{
			{ID: after + 1, PreviousEventID: after, Timestamp: at, Type: "TaskStateExited", Details: json.RawMessage(`{"name":"Prev","output":"{\"user\":\"ada\",\"disabled\":true}","outputDetails":{"truncated":false}}`)},
			{ID: after + 2, PreviousEventID: after + 1, Timestamp: at, Type: "TaskStateEntered", Details: json.RawMessage(fmt.Sprintf(`{"name":%q,"input":"{\"user\":\"ada\"}","inputDetails":{"truncated":false}}`, state))},
		},
		Checkpoint: &Checkpoint{Thread: thread, Position: pos, Retries: []int{0, 0}, EnteredEventID: after + 2, LastEventID: after + 2, UpdatedAt: at},
	}
}

func commit(t testing.TB, s *Store, step Step) {
	t.Helper()
	if err := s.Commit(context.Background(), step); err != nil {
		t.Fatalf("Commit = %v", err)
	}
}

func fullHistory(t testing.TB, s *Store, arn string) []Event {
	t.Helper()
	var out []Event
	q := HistoryQuery{MaxResults: MaxPageSize}
	for {
		page, err := s.GetExecutionHistory(context.Background(), arn, q)
		if err != nil {
			t.Fatalf("GetExecutionHistory(%s) = %v", arn, err)
		}
		out = append(out, page.Events...)
		if page.NextToken == "" {
			return out
		}
		q.NextToken = page.NextToken
	}
}

func recoveryOf(t testing.TB, s *Store, arn string) Recovery {
	t.Helper()
	all, err := s.RunningExecutions(context.Background())
	if err != nil {
		t.Fatalf("RunningExecutions = %v", err)
	}
	for _, r := range all {
		if r.Execution.ARN == arn {
			return r
		}
	}
	t.Fatalf("RunningExecutions has no %s", arn)
	return Recovery{}
}
