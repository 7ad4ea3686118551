package engine

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

const childMachine = `{"StartAt":"Ask","States":{
 "Ask":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","TimeoutSeconds":86400,
   "Parameters":{"FunctionName":"ask","Payload":{"token.$":"$$.Task.Token"}},"ResultPath":"$.answer","Next":"Done"},
 "Done":{"Type":"Pass","End":true}}}`

const parentMachine = `{"StartAt":"Child","States":{
 "Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","TimeoutSeconds":86400,
   "Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:child","Name":"child-1","Input":{"n.$":"$.n"}},
   "ResultSelector":{"status.$":"$.Status","output.$":"$.Output"},"ResultPath":"$.child","Next":"After"},
 "After":{"Type":"Pass","Result":"after","ResultPath":"$.after","End":true}}}`

const childARN = "arn:aws:states:us-east-1:123456789012:execution:child:child-1"

// startParent creates the parent and child state machines on e and starts the parent.
func startParent(t *testing.T, e *Engine) string {
	t.Helper()
	ctx := context.Background()
	if _, err := e.CreateStateMachine(ctx, "child", []byte(childMachine), nil); err != nil {
		t.Fatal(err)
	}
	smARN, err := e.CreateStateMachine(ctx, "parent", []byte(parentMachine), nil)
	if err != nil {
		t.Fatal(err)
	}
	arn, err := e.StartExecution(ctx, smARN, "run-1", `{"n":7}`)
	if err != nil {
		t.Fatal(err)
	}
	return arn
}

// finished waits for the execution arn and returns it with its history.
func finished(t *testing.T, e *Engine, arn string) (*Execution, []HistoryEvent) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	x, err := e.Wait(ctx, arn)
	if err != nil {
		t.Fatalf("waiting for %s: %v", arn, err)
	}
	events, err := e.GetExecutionHistory(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	return x, events
}

// sameHistory fails t unless events has ids 1..N and the event types of want in order.
func sameHistory(t *testing.T, name string, events, want []HistoryEvent) {
	t.Helper()
	if len(events) != len(want) {
		t.Fatalf("%s history has %d events; an uninterrupted run has %d", name, len(events), len(want))
	}
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Errorf("%s event %d has id %d; want ids 1..N without gaps", name, i, ev.ID)
		}
		if ev.Type != want[i].Type {
			t.Errorf("%s event %d is %s; an uninterrupted run has %s", name, ev.ID, ev.Type, want[i].Type)
		}
	}
}

// uncommitParentToken rewrites the database at path as if the engine had stopped after
// starting the child and before committing the parent task's token. The parent's token and
// the events after its checkpoint are removed, and the child keeps its link to that token.
func uncommitParentToken(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const parent = `(SELECT id FROM executions WHERE name = 'run-1')`
	for _, q := range []string{
		`DELETE FROM task_tokens WHERE execution_id = ` + parent,
		`DELETE FROM history_events WHERE execution_id = ` + parent + ` AND id > (SELECT last_event_id FROM checkpoints WHERE execution_id = ` + parent + `)`,
		`UPDATE executions SET last_event_id = (SELECT last_event_id FROM checkpoints WHERE execution_id = ` + parent + `) WHERE id = ` + parent,
	} {
		res, err := db.Exec(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			t.Fatalf("%s changed no row", q)
		}
	}
}

func TestDurableSyncChildAcrossRestart(t *testing.T) {
	tests := []struct {
		name string
		// beforeRestart changes the database file between the two engines.
		beforeRestart func(t *testing.T, path string)
	}{
		{name: "parent token committed"},
		{name: "parent token not yet committed", beforeRestart: uncommitParentToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			syncChildAcrossRestart(t, tt.beforeRestart)
		})
	}
}

// syncChildAcrossRestart stops a durable engine while a .sync:2 child waits on a task token
// and recovers on a new engine. It then calls SendTaskSuccess with the child's token and
// compares both executions with an uninterrupted run.
func syncChildAcrossRestart(t *testing.T, beforeRestart func(t *testing.T, path string)) {
	tokens := make(chan string, 4)
	var askCalls atomic.Int64
	handlers := map[string]Handler{"ask": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
		askCalls.Add(1)
		var in struct{ Token string }
		if err := json.Unmarshal(p, &in); err != nil {
			return nil, err
		}
		tokens <- in.Token
		return json.RawMessage(`{}`), nil
	}}
	ctx := context.Background()

	memory := New(Options{Clock: frozenClock{armed: make(chan time.Duration, 4)}, Handlers: handlers})
	wantARN := startParent(t, memory)
	if err := memory.SendTaskSuccess(ctx, <-tokens, `{"approved":true}`); err != nil {
		t.Fatal(err)
	}
	want, wantParent := finished(t, memory, wantARN)
	_, wantChild := finished(t, memory, childARN)

	// The first engine stops once both the parent task and the child's task wait: each
	// arms its timeout after committing its token.
	path := filepath.Join(t.TempDir(), "engine.db")
	clock := frozenClock{armed: make(chan time.Duration, 4)}
	first := New(Options{Clock: clock, Store: openTestStore(t, path), Handlers: handlers})
	arn := startParent(t, first)
	token := <-tokens
	<-clock.armed
	<-clock.armed
	first.Close()
	if beforeRestart != nil {
		beforeRestart(t, path)
	}

	secondClock := frozenClock{armed: make(chan time.Duration, 4)}
	second := New(Options{Clock: secondClock, Store: openTestStore(t, path), Handlers: handlers})
	if err := second.Recover(ctx); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	// Both tasks wait again before SendTaskSuccess; without a committed token the parent's
	// task first runs again and relinks the child.
	<-secondClock.armed
	<-secondClock.armed
	if err := second.SendTaskSuccess(ctx, token, `{"approved":true}`); err != nil {
		t.Fatalf("SendTaskSuccess after the restart: %v", err)
	}
	child, childEvents := finished(t, second, childARN)
	got, parentEvents := finished(t, second, arn)

	if child.Status != StatusSucceeded {
		t.Errorf("child status after the restart = %s (%s: %s), want SUCCEEDED", child.Status, child.Error, child.Cause)
	}
	if got.Status != StatusSucceeded || got.Output != want.Output {
		t.Fatalf("parent after the restart: status %s, output %s; want SUCCEEDED, %s (error %s: %s)", got.Status, got.Output, want.Output, got.Error, got.Cause)
	}
	var out struct {
		Child struct {
			Status string
			Output struct{ N, Answer any }
		}
	}
	if err := json.Unmarshal([]byte(got.Output), &out); err != nil {
		t.Fatal(err)
	}
	if out.Child.Status != StatusSucceeded || out.Child.Output.N != 7.0 || out.Child.Output.Answer == nil {
		t.Errorf("parent output %s does not carry the child's output", got.Output)
	}
	if n := askCalls.Load(); n != 2 {
		t.Errorf("the child's handler ran %d times in both runs; want 2, once per run", n)
	}
	sameHistory(t, "parent", parentEvents, wantParent)
	sameHistory(t, "child", childEvents, wantChild)
	page, err := second.ListExecutions(ctx, "arn:aws:states:us-east-1:123456789012:stateMachine:child", "", 100, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Executions) != 1 {
		t.Errorf("child executions in the store = %d, want 1", len(page.Executions))
	}
}
