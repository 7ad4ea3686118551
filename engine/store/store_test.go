package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestStateMachineReplaceKeepsCreatedAt(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	putMachine(t, s)
	err := s.PutStateMachine(ctx, StateMachine{ARN: machineARN, Name: "offboard", Definition: `{"v":2}`, CreatedAt: t0.Add(time.Hour)})
	if err != nil {
		t.Fatalf("PutStateMachine again = %v", err)
	}
	sm, err := s.GetStateMachine(ctx, machineARN)
	if err != nil {
		t.Fatalf("GetStateMachine = %v", err)
	}
	if sm.Definition != `{"v":2}` {
		t.Errorf("Definition = %s, want the replacement", sm.Definition)
	}
	if !sm.CreatedAt.Equal(t0) {
		t.Errorf("CreatedAt = %v, want the first %v", sm.CreatedAt, t0)
	}
	if len(sm.Substitutions) != 0 {
		t.Errorf("Substitutions = %v, want the replacement's none", sm.Substitutions)
	}
	all, err := s.ListStateMachines(ctx)
	if err != nil || len(all) != 1 {
		t.Errorf("ListStateMachines = %d machines, %v; want 1", len(all), err)
	}
	var missing *StateMachineDoesNotExist
	if _, err := s.GetStateMachine(ctx, machineARN+"x"); !errors.As(err, &missing) {
		t.Errorf("GetStateMachine(unknown) = %v, want StateMachineDoesNotExist", err)
	}
}

func TestCreateExecutionIdempotency(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	putMachine(t, s)
	arn := startExecution(t, s, "run-1")
	stopped := startExecution(t, s, "run-2")
	commit(t, s, Step{ExecutionARN: stopped, End: &ExecutionEnd{Status: StatusSucceeded, Output: "{}", StoppedAt: t0}})

	tests := []struct {
		name        string
		x           Execution
		wantCreated bool
		wantErr     any
	}{
		{"same name and input", Execution{ARN: arn, Name: "run-1", StateMachineARN: machineARN, Input: `{"user":"ada"}`}, false, nil},
		{"different input", Execution{ARN: arn, Name: "run-1", StateMachineARN: machineARN, Input: `{"user":"bob"}`}, false, new(*ExecutionAlreadyExists)},
		{"stopped execution", Execution{ARN: stopped, Name: "run-2", StateMachineARN: machineARN, Input: `{"user":"ada"}`}, false, new(*ExecutionAlreadyExists)},
		{"unknown state machine", Execution{ARN: arn + "x", Name: "run-1x", StateMachineARN: machineARN + "x", Input: `{}`}, false, new(*StateMachineDoesNotExist)},
		{"new name", Execution{ARN: executionARN("run-3"), Name: "run-3", StateMachineARN: machineARN, Input: `{}`}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, created, err := s.CreateExecution(ctx, tt.x)
			if tt.wantErr != nil {
				if !errors.As(err, tt.wantErr) {
					t.Fatalf("CreateExecution = %v, want %T", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateExecution = %v", err)
			}
			if created != tt.wantCreated {
				t.Errorf("created = %v, want %v", created, tt.wantCreated)
			}
			if got.ARN != tt.x.ARN || got.Status != StatusRunning {
				t.Errorf("CreateExecution = %+v, want running %s", got, tt.x.ARN)
			}
		})
	}
}

func TestCreateExecutionConcurrentSameName(t *testing.T) {
	s, _ := openTest(t)
	putMachine(t, s)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, existing := 0, 0
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, c, err := s.CreateExecution(context.Background(), Execution{ARN: executionARN("once"), Name: "once", StateMachineARN: machineARN, Input: `{}`, StartedAt: t0})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("CreateExecution = %v", err)
			case c:
				created++
			default:
				existing++
			}
		}()
	}
	wg.Wait()
	if created != 1 || existing != 15 {
		t.Errorf("created %d and returned existing %d times, want 1 and 15", created, existing)
	}
}

func TestCommitStoresWholeStep(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	putMachine(t, s)
	arn := startExecution(t, s, "approval")

	step := transition(arn, "", 0, "AwaitApproval")
	step.AddTokens = []Token{{Token: "tok-1", Thread: "", Deadline: t0.Add(72 * time.Hour), HeartbeatDeadline: t0.Add(time.Hour)}}
	step.SetTimers = []Timer{{Thread: "", FireAt: t0.Add(30 * time.Minute)}}
	commit(t, s, step)

	r := recoveryOf(t, s, arn)
	if r.Execution.LastEventID != 2 {
		t.Errorf("LastEventID = %d, want 2", r.Execution.LastEventID)
	}
	if len(r.Checkpoints) != 1 || string(r.Checkpoints[0].Position) != string(step.Checkpoint.Position) || r.Checkpoints[0].EnteredEventID != 2 {
		t.Errorf("Checkpoints = %+v, want the step's", r.Checkpoints)
	}
	if len(r.Tokens) != 1 || !r.Tokens[0].Deadline.Equal(t0.Add(72*time.Hour)) {
		t.Errorf("Tokens = %+v, want tok-1 with its deadline", r.Tokens)
	}
	tok, err := s.LookupToken(ctx, "tok-1")
	if err != nil || tok.ExecutionARN != arn || !tok.HeartbeatDeadline.Equal(t0.Add(time.Hour)) {
		t.Errorf("LookupToken = %+v, %v", tok, err)
	}
	due, err := s.DueTimers(ctx, t0.Add(29*time.Minute))
	if err != nil || len(due) != 0 {
		t.Errorf("DueTimers before fire time = %v, %v; want none", due, err)
	}
	due, err = s.DueTimers(ctx, t0.Add(30*time.Minute))
	if err != nil || len(due) != 1 || due[0].ExecutionARN != arn {
		t.Errorf("DueTimers at fire time = %v, %v; want the timer", due, err)
	}

	events := fullHistory(t, s, arn)
	if len(events) != 2 || events[1].Type != "TaskStateEntered" || events[1].PreviousEventID != 1 || !events[1].Timestamp.Equal(t0) {
		t.Errorf("history = %+v, want the step's two events", events)
	}
	var details map[string]any
	if err := json.Unmarshal(events[1].Details, &details); err != nil || details["name"] != "AwaitApproval" {
		t.Errorf("details = %s, %v", events[1].Details, err)
	}

	next := transition(arn, "", 2, "Disable")
	next.RemoveTokens = []string{"tok-1"}
	next.RemoveTimers = []string{""}
	commit(t, s, next)
	if _, err := s.LookupToken(ctx, "tok-1"); !errors.As(err, new(*TaskDoesNotExist)) {
		t.Errorf("LookupToken after removal = %v, want TaskDoesNotExist", err)
	}
	if r := recoveryOf(t, s, arn); len(r.Timers) != 0 || len(r.Checkpoints) != 1 || r.Checkpoints[0].LastEventID != 4 {
		t.Errorf("recovery after second step = %+v", r)
	}
}

func TestCommitRejectsAndWritesNothing(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	putMachine(t, s)
	arn := startExecution(t, s, "strict")
	commit(t, s, transition(arn, "", 0, "A"))
	stopped := startExecution(t, s, "stopped")
	commit(t, s, Step{ExecutionARN: stopped, End: &ExecutionEnd{Status: StatusFailed, Error: "UserNotFound", StoppedAt: t0}})

	withToken := func(st Step) Step { st.AddTokens = []Token{{Token: "tok-x"}}; return st }
	tests := []struct {
		name    string
		step    Step
		wantErr any
	}{
		{"duplicate events", withToken(transition(arn, "", 0, "B")), new(*HistoryGap)},
		{"gap", withToken(transition(arn, "", 3, "B")), new(*HistoryGap)},
		{"unknown execution", transition(arn+"x", "", 0, "B"), new(*ExecutionDoesNotExist)},
		{"stopped execution", transition(stopped, "", 0, "B"), new(*ExecutionNotRunning)},
		{"non-consecutive ids", Step{ExecutionARN: arn, Events: []Event{{ID: 3, Type: "PassStateExited"}, {ID: 5, Type: "PassStateEntered"}}}, new(*InvalidStep)},
		{"bad thread path", func() Step { st := transition(arn, "Loop:1", 2, "B"); return st }(), new(*InvalidStep)},
		{"details not JSON", Step{ExecutionARN: arn, Events: []Event{{ID: 3, Type: "PassStateExited", Details: json.RawMessage(`{`)}}}, new(*InvalidStep)},
		{"bad end status", Step{ExecutionARN: arn, End: &ExecutionEnd{Status: "DONE"}}, new(*InvalidStep)},
		{"result of top level", Step{ExecutionARN: arn, Results: []BranchResult{{Thread: ""}}}, new(*InvalidStep)},
		{"heartbeat of unknown token", withToken(Step{ExecutionARN: arn, Heartbeats: []Token{{Token: "nope", HeartbeatDeadline: t0}}}), new(*TaskDoesNotExist)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Commit(ctx, tt.step)
			if !errors.As(err, tt.wantErr) {
				t.Fatalf("Commit = %v, want %T", err, tt.wantErr)
			}
			if _, err := s.LookupToken(ctx, "tok-x"); err == nil {
				t.Errorf("the rejected step's token was stored")
			}
			if got := fullHistory(t, s, arn); len(got) != 2 {
				t.Errorf("history has %d events after a rejected step, want 2", len(got))
			}
		})
	}
}

func TestCommitInterruptedRollsBack(t *testing.T) {
	s, _ := openTest(t)
	putMachine(t, s)
	arn := startExecution(t, s, "interrupted")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.beforeCommit = cancel
	step := transition(arn, "", 0, "A")
	step.AddTokens = []Token{{Token: "tok-1"}}
	if err := s.Commit(ctx, step); err == nil {
		t.Fatal("Commit with its context cancelled before COMMIT = nil, want an error")
	}
	s.beforeCommit = nil

	r := recoveryOf(t, s, arn)
	if r.Execution.LastEventID != 0 || len(r.Checkpoints) != 0 || len(r.Tokens) != 0 {
		t.Errorf("recovery after interrupted commit = %+v, want nothing of the step", r)
	}
	if got := fullHistory(t, s, arn); len(got) != 0 {
		t.Errorf("history = %d events, want 0", len(got))
	}
	commit(t, s, transition(arn, "", 0, "A")) // the same step commits once retried
}

// TestMapProgress walks a Map state with two iterations, each with a nested Parallel, through
// the steps the engine commits, and checks what a restart would see after each.
func TestMapProgress(t *testing.T) {
	s, _ := openTest(t)
	putMachine(t, s)
	arn := startExecution(t, s, "map")
	last := int64(0)
	next := func(thread, state string) Step {
		st := transition(arn, thread, last, state)
		last += 2
		return st
	}

	commit(t, s, next("", "ForEachUser"))
	for _, th := range []string{"Map:0", "Map:1", "Map:0/Parallel:0", "Map:0/Parallel:1"} {
		commit(t, s, next(th, "Inner"))
	}
	st := next("Map:0/Parallel:1", "Inner")
	st.Checkpoint = nil
	st.EndThreads = []string{"Map:0/Parallel:1"}
	st.Results = []BranchResult{{Thread: "Map:0/Parallel:1", Output: json.RawMessage(`{"ok":true}`)}}
	commit(t, s, st)
	st = next("Map:1", "Wait")
	st.SetTimers = []Timer{{Thread: "Map:1", FireAt: t0.Add(time.Hour)}}
	st.AddTokens = []Token{{Token: "tok-map-1", Thread: "Map:1"}}
	commit(t, s, st)

	r := recoveryOf(t, s, arn)
	if got := threadsOf(r.Checkpoints); fmt.Sprint(got) != "[ Map:0 Map:0/Parallel:0 Map:1]" {
		t.Errorf("checkpoints = %q, want parents before children", got)
	}
	if len(r.Results) != 1 || r.Results[0].Thread != "Map:0/Parallel:1" || string(r.Results[0].Output) != `{"ok":true}` {
		t.Errorf("results = %+v, want Parallel branch 1 of Map:0", r.Results)
	}

	// Iteration 1 fails: its thread, token and timer go, its result stays for the Map state.
	st = next("Map:1", "")
	st.Checkpoint = nil
	st.EndThreads = []string{"Map:1"}
	st.Results = []BranchResult{{Thread: "Map:1", Error: "UserNotFound", Cause: "no user ada"}}
	commit(t, s, st)
	r = recoveryOf(t, s, arn)
	if len(r.Tokens) != 0 || len(r.Timers) != 0 {
		t.Errorf("tokens %v and timers %v of an ended thread remain", r.Tokens, r.Timers)
	}
	if len(r.Results) != 2 || r.Results[0].Thread != "Map:0/Parallel:1" || r.Results[1].Error != "UserNotFound" {
		t.Errorf("results = %+v", r.Results)
	}

	// The Map state ends: everything under the top level goes.
	st = next("", "Notify")
	st.EndChildren = []string{""}
	commit(t, s, st)
	r = recoveryOf(t, s, arn)
	if got := threadsOf(r.Checkpoints); fmt.Sprint(got) != "[]" || len(r.Results) != 0 {
		t.Errorf("after the Map state: checkpoints %q, results %+v; want only the top level", got, r.Results)
	}
	if len(r.Checkpoints) != 1 {
		t.Errorf("after the Map state: %d checkpoints, want 1", len(r.Checkpoints))
	}

	commit(t, s, Step{ExecutionARN: arn, Events: []Event{{ID: last + 1, PreviousEventID: last, Type: "ExecutionSucceeded", Timestamp: t0}},
		End: &ExecutionEnd{Status: StatusSucceeded, Output: `{"done":true}`, StoppedAt: t0.Add(2 * time.Hour)}})
	x, err := s.DescribeExecution(context.Background(), arn)
	if err != nil || x.Status != StatusSucceeded || x.Output != `{"done":true}` || !x.StoppedAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("DescribeExecution = %+v, %v", x, err)
	}
	all, _ := s.RunningExecutions(context.Background())
	if len(all) != 0 {
		t.Errorf("RunningExecutions after the end = %d, want 0", len(all))
	}
}

func threadsOf(cs []Checkpoint) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Thread)
	}
	return out
}
