package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/secamo/orchestrator/engine/store"
)

// The engine commits each transition, and after a restart reads what it needs to resume.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "engine-store")
	defer os.RemoveAll(dir)
	s, err := store.Open(ctx, filepath.Join(dir, "engine.db"), store.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	machine := "arn:aws:states:us-east-1:123456789012:stateMachine:offboard"
	execution := "arn:aws:states:us-east-1:123456789012:execution:offboard:ada"
	_ = s.PutStateMachine(ctx, store.StateMachine{ARN: machine, Name: "offboard", Definition: "{}", CreatedAt: at})
	_, _, _ = s.CreateExecution(ctx, store.Execution{ARN: execution, Name: "ada", StateMachineARN: machine, Input: `{"user":"ada"}`, StartedAt: at})

	// The first transition: ExecutionStarted, entering a Wait state of one hour, and its timer.
	position, _ := json.Marshal(map[string]any{"state": "WaitForHandover", "input": map[string]any{"user": "ada"}})
	err = s.Commit(ctx, store.Step{
		ExecutionARN: execution,
		Events: []store.Event{
			{ID: 1, Timestamp: at, Type: "ExecutionStarted", Details: json.RawMessage(`{"input":"{\"user\":\"ada\"}"}`)},
			{ID: 2, PreviousEventID: 1, Timestamp: at, Type: "WaitStateEntered", Details: json.RawMessage(`{"name":"WaitForHandover"}`)},
		},
		Checkpoint: &store.Checkpoint{Thread: "", Position: position, EnteredEventID: 2, LastEventID: 2, UpdatedAt: at},
		SetTimers:  []store.Timer{{Thread: "", FireAt: at.Add(time.Hour)}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s.Close()

	// After a restart.
	s, _ = store.Open(ctx, filepath.Join(dir, "engine.db"), store.Options{})
	defer s.Close()
	running, _ := s.RunningExecutions(ctx)
	for _, r := range running {
		fmt.Println(r.Execution.Name, r.Execution.LastEventID, string(r.Checkpoints[0].Position), r.Timers[0].FireAt)
	}
	// Output: ada 2 {"input":{"user":"ada"},"state":"WaitForHandover"} 2026-03-02 10:00:00 +0000 UTC
}
