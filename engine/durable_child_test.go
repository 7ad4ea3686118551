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

// parentMachine starts its child with the name child-1, or with no Name when named is false.
func parentMachine(named bool) string {
	name := `"Name":"child-1",`
	if !named {
		name = ""
	}
	return `{"StartAt":"Child","States":{
 "Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","TimeoutSeconds":86400,
   "Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:child",` + name + `"Input":{"n.$":"$.n"}},
   "ResultSelector":{"status.$":"$.Status","output.$":"$.Output"},"ResultPath":"$.child","Next":"After"},
 "After":{"Type":"Pass","Result":"after","ResultPath":"$.after","End":true}}}`
}

const childMachineARN = "arn:aws:states:us-east-1:123456789012:stateMachine:child"

// startParent creates the parent and child state machines on e and starts the parent.
func startParent(t *testing.T, e *Engine, named bool) string {
	t.Helper()
	ctx := context.Background()
	if _, err := e.CreateStateMachine(ctx, "child", []byte(childMachine), nil); err != nil {
		t.Fatal(err)
	}
	smARN, err := e.CreateStateMachine(ctx, "parent", []byte(parentMachine(named)), nil)
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

// setParentStatus sets the stored status of the parent execution run-1. Holding it at a
// status other than RUNNING keeps Recover from resuming it.
func setParentStatus(t *testing.T, path, status string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE executions SET status = ? WHERE name = 'run-1'`, status)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("setting the parent's status changed %d rows, want 1", n)
	}
}

// submittedChild returns the ARN of the child execution that the TaskSubmitted event of
// events names.
func submittedChild(t *testing.T, events []HistoryEvent) string {
	t.Helper()
	for _, ev := range events {
		if ev.Type != "TaskSubmitted" {
			continue
		}
		var out struct{ ExecutionArn string }
		text, _ := ev.Details["output"].(string)
		if err := json.Unmarshal([]byte(text), &out); err != nil || out.ExecutionArn == "" {
			t.Fatalf("TaskSubmitted output %q names no child execution: %v", text, err)
		}
		return out.ExecutionArn
	}
	t.Fatal("the parent's history has no TaskSubmitted event")
	return ""
}

type restartCase struct {
	name string
	// named gives the child the Name child-1; without it the engine derives one.
	named bool
	// uncommitted removes the parent task's token and the events after its checkpoint
	// before the restart, so the task runs again.
	uncommitted bool
	// childEndsFirst lets the child end on an engine that holds the parent back, so the
	// parent's task runs again only after its child ended.
	childEndsFirst bool
}

func TestDurableSyncChildAcrossRestart(t *testing.T) {
	tests := []restartCase{
		{name: "parent token committed", named: true},
		{name: "parent token not yet committed", named: true, uncommitted: true},
		{name: "named child ended before the task ran again", named: true, uncommitted: true, childEndsFirst: true},
		{name: "unnamed child, parent token not yet committed", uncommitted: true},
		{name: "unnamed child ended before the task ran again", uncommitted: true, childEndsFirst: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			syncChildAcrossRestart(t, tt)
		})
	}
}

// syncChildAcrossRestart stops a durable engine while a .sync:2 child waits on a task token
// and recovers on a new engine. It then calls SendTaskSuccess with the child's token and
// compares both executions with an uninterrupted run.
func syncChildAcrossRestart(t *testing.T, tc restartCase) {
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
	wantARN := startParent(t, memory, tc.named)
	if err := memory.SendTaskSuccess(ctx, <-tokens, `{"approved":true}`); err != nil {
		t.Fatal(err)
	}
	want, wantParent := finished(t, memory, wantARN)
	_, wantChild := finished(t, memory, submittedChild(t, wantParent))

	// The first engine stops once both the parent task and the child's task wait: each
	// arms its timeout after committing its token.
	path := filepath.Join(t.TempDir(), "engine.db")
	clock := frozenClock{armed: make(chan time.Duration, 4)}
	first := New(Options{Clock: clock, Store: openTestStore(t, path), Handlers: handlers})
	arn := startParent(t, first, tc.named)
	token := <-tokens
	<-clock.armed
	<-clock.armed
	first.Close()
	if tc.uncommitted {
		uncommitParentToken(t, path)
	}

	secondClock := frozenClock{armed: make(chan time.Duration, 4)}
	if tc.childEndsFirst {
		endChildWithoutParent(t, path, handlers, token)
	}
	second := New(Options{Clock: secondClock, Store: openTestStore(t, path), Handlers: handlers})
	if err := second.Recover(ctx); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if !tc.childEndsFirst {
		// Both tasks wait again before SendTaskSuccess; without a committed token the
		// parent's task first runs again and relinks the child.
		<-secondClock.armed
		<-secondClock.armed
		if err := second.SendTaskSuccess(ctx, token, `{"approved":true}`); err != nil {
			t.Fatalf("SendTaskSuccess after the restart: %v", err)
		}
	}
	got, parentEvents := finished(t, second, arn)
	page, err := second.ListExecutions(ctx, childMachineARN, "", 100, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Executions) != 1 {
		t.Fatalf("child executions in the store = %d, want 1", len(page.Executions))
	}
	childARN := page.Executions[0].ExecutionARN
	if named := childARN == "arn:aws:states:us-east-1:123456789012:execution:child:child-1"; named != tc.named {
		t.Errorf("child execution %s; want the name child-1 only when the task gives it", childARN)
	}
	if linked := submittedChild(t, parentEvents); linked != childARN {
		t.Errorf("the parent's TaskSubmitted names %s; the stored child is %s", linked, childARN)
	}
	var child *Execution
	var childEvents []HistoryEvent
	if tc.childEndsFirst {
		// The child ended on the engine before; this one reads it from the store.
		child, childEvents = stored(t, second, childARN)
	} else {
		child, childEvents = finished(t, second, childARN)
	}

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
}

// stored returns the execution arn and its history, which need not be running on e.
func stored(t *testing.T, e *Engine, arn string) (*Execution, []HistoryEvent) {
	t.Helper()
	ctx := context.Background()
	x, err := e.DescribeExecution(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	events, err := e.GetExecutionHistory(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	return x, events
}

// endChildWithoutParent recovers the database at path on an engine that holds the parent
// back, and ends the child there with SendTaskSuccess on token. The child's end reaches no
// task, as when the engine stops before the parent's task waits on its token.
func endChildWithoutParent(t *testing.T, path string, handlers map[string]Handler, token string) {
	t.Helper()
	ctx := context.Background()
	setParentStatus(t, path, "HELD")
	clock := frozenClock{armed: make(chan time.Duration, 4)}
	e := New(Options{Clock: clock, Store: openTestStore(t, path), Handlers: handlers})
	if err := e.Recover(ctx); err != nil {
		t.Fatalf("Recover without the parent: %v", err)
	}
	<-clock.armed
	if err := e.SendTaskSuccess(ctx, token, `{"approved":true}`); err != nil {
		t.Fatalf("SendTaskSuccess without the parent: %v", err)
	}
	page, err := e.ListExecutions(ctx, childMachineARN, "", 100, "")
	if err != nil || len(page.Executions) != 1 {
		t.Fatalf("child executions before the parent runs again = %v, %v; want 1", page.Executions, err)
	}
	if x, _ := finished(t, e, page.Executions[0].ExecutionARN); x.Status != StatusSucceeded {
		t.Fatalf("child status before the parent runs again = %s, want SUCCEEDED", x.Status)
	}
	e.Close()
	setParentStatus(t, path, StatusRunning)
}

// An ended execution that another caller started keeps its name: a startExecution task
// that names it fails and does not take its outcome.
func TestDurableEndedChildOfAnotherCaller(t *testing.T) {
	tokens := make(chan string, 2)
	handlers := map[string]Handler{"ask": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
		var in struct{ Token string }
		if err := json.Unmarshal(p, &in); err != nil {
			return nil, err
		}
		tokens <- in.Token
		return json.RawMessage(`{}`), nil
	}}
	ctx := context.Background()
	e := New(Options{Clock: frozenClock{armed: make(chan time.Duration, 4)}, Store: openTestStore(t, filepath.Join(t.TempDir(), "engine.db")), Handlers: handlers})
	if _, err := e.CreateStateMachine(ctx, "child", []byte(childMachine), nil); err != nil {
		t.Fatal(err)
	}
	own, err := e.StartExecution(ctx, childMachineARN, "child-1", `{"n":7}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SendTaskSuccess(ctx, <-tokens, `{"approved":true}`); err != nil {
		t.Fatal(err)
	}
	finished(t, e, own)

	smARN, err := e.CreateStateMachine(ctx, "parent", []byte(parentMachine(true)), nil)
	if err != nil {
		t.Fatal(err)
	}
	arn, err := e.StartExecution(ctx, smARN, "run-1", `{"n":7}`)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := finished(t, e, arn)
	if got.Status != StatusFailed || got.Error != "StepFunctions.ExecutionAlreadyExists" {
		t.Errorf("parent naming another caller's ended child: status %s, error %s; want FAILED, StepFunctions.ExecutionAlreadyExists", got.Status, got.Error)
	}
}
