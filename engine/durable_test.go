package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/secamo/orchestrator/engine/store"
)

var durableStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// frozenClock never fires a timer and reports each one on armed. A test then kills the
// engine while it is blocked in a Wait, a retry interval or on a task token.
type frozenClock struct{ armed chan time.Duration }

func (c frozenClock) Now() time.Time { return durableStart }
func (c frozenClock) After(d time.Duration) <-chan time.Time {
	select {
	case c.armed <- d:
	default:
	}
	return make(chan time.Time)
}

func openTestStore(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatalf("opening store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// interrupted runs definition on a durable engine until its first timer, kills the engine,
// recovers on a new engine on the same file and returns the finished execution and history.
func interrupted(t *testing.T, definition string, later Clock, handlers map[string]Handler, afterKill func(e *Engine)) (*Execution, []HistoryEvent) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "engine.db")
	clock := frozenClock{armed: make(chan time.Duration, 16)}
	first := New(Options{Clock: clock, Store: openTestStore(t, path), Handlers: handlers})
	smARN, err := first.CreateStateMachine(ctx, "durable", []byte(definition), nil)
	if err != nil {
		t.Fatal(err)
	}
	arn, err := first.StartExecution(ctx, smARN, "run-1", `{"items":[1,2,3,4]}`)
	if err != nil {
		t.Fatal(err)
	}
	<-clock.armed
	first.Close()

	second := New(Options{Clock: later, Store: openTestStore(t, path), Handlers: handlers})
	if err := second.Recover(ctx); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if afterKill != nil {
		afterKill(second)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	x, err := second.Wait(wctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	var events []HistoryEvent
	next := ""
	for {
		page, err := second.GetExecutionHistoryPage(ctx, arn, 5, next, false)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, page.Events...)
		if next = page.NextToken; next == "" {
			return x, events
		}
	}
}

// uninterrupted runs definition in memory to the end.
func uninterrupted(t *testing.T, definition string, clock Clock, handlers map[string]Handler, answer func(e *Engine)) (*Execution, []HistoryEvent) {
	t.Helper()
	ctx := context.Background()
	e := New(Options{Clock: clock, Handlers: handlers})
	smARN, err := e.CreateStateMachine(ctx, "durable", []byte(definition), nil)
	if err != nil {
		t.Fatal(err)
	}
	arn, err := e.StartExecution(ctx, smARN, "run-1", `{"items":[1,2,3,4]}`)
	if err != nil {
		t.Fatal(err)
	}
	if answer != nil {
		answer(e)
	}
	x, err := e.Wait(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	events, err := e.GetExecutionHistory(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	return x, events
}

const waitMachine = `{"StartAt":"Before","States":{
 "Before":{"Type":"Pass","Result":"a","ResultPath":"$.before","Next":"Sleep"},
 "Sleep":{"Type":"Wait","Seconds":3600,"Next":"After"},
 "After":{"Type":"Pass","Result":"b","ResultPath":"$.after","End":true}}}`

const tokenMachine = `{"StartAt":"Ask","States":{
 "Ask":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","TimeoutSeconds":86400,
   "Parameters":{"FunctionName":"ask","Payload":{"token.$":"$$.Task.Token"}},"ResultPath":"$.answer","Next":"Done"},
 "Done":{"Type":"Pass","End":true}}}`

const mapMachine = `{"StartAt":"Each","States":{
 "Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"ItemProcessor":{"StartAt":"Slow","States":{
   "Slow":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":3,"Next":"Pause"}],"Default":"Double"},
   "Pause":{"Type":"Wait","Seconds":60,"Next":"Double"},
   "Double":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:double","End":true}}},"End":true}}}`

const parallelMachine = `{"StartAt":"Both","States":{
 "Both":{"Type":"Parallel","End":true,"Branches":[
   {"StartAt":"Quick","States":{"Quick":{"Type":"Pass","Result":"quick","End":true}}},
   {"StartAt":"Pause","States":{"Pause":{"Type":"Wait","Seconds":60,"Next":"Slow"},
     "Slow":{"Type":"Pass","Result":"slow","End":true}}}]}}}`

const retryMachine = `{"StartAt":"Flaky","States":{
 "Flaky":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:flaky","End":true,
   "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":3600,"MaxAttempts":2}]}}}`

// flakyError is the error of every second call of the flaky handler.
type flakyError struct{}

func (flakyError) Error() string { return "flaky handler failed on purpose" }

func TestDurableRestart(t *testing.T) {
	var flakyCalls atomic.Int64
	var tokens = make(chan string, 4)
	var doubled atomic.Int64
	handlers := map[string]Handler{
		"ask": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			var in struct{ Token string }
			_ = json.Unmarshal(p, &in)
			tokens <- in.Token
			return json.RawMessage(`{}`), nil
		},
		"flaky": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			if flakyCalls.Add(1)%2 == 1 {
				return nil, flakyError{}
			}
			return json.RawMessage(`"steady"`), nil
		},
		"double": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			doubled.Add(1)
			var n float64
			_ = json.Unmarshal(p, &n)
			return json.Marshal(n * 2)
		},
	}
	answer := func(e *Engine) {
		if err := e.SendTaskSuccess(context.Background(), <-tokens, `{"approved":true}`); err != nil {
			t.Errorf("SendTaskSuccess: %v", err)
		}
	}
	tests := []struct {
		name       string
		definition string
		answer     func(e *Engine)
		// frozen runs without timers, so SendTaskSuccess always arrives before the task's timeout.
		frozen bool
		calls  int64 // handler calls of "double" in both runs together
		// ordered compares the order of the events too, because Parallel branches interleave.
		ordered bool
	}{
		{name: "during a Wait", definition: waitMachine, ordered: true},
		{name: "with a pending task token", definition: tokenMachine, answer: answer, frozen: true, ordered: true},
		{name: "inside a Map with iterations finished", definition: mapMachine, calls: 8, ordered: true},
		{name: "inside a Parallel branch", definition: parallelMachine},
		{name: "between retries", definition: retryMachine, ordered: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doubled.Store(0)
			flakyCalls.Store(0)
			var before, after Clock = NewVirtualClock(durableStart), NewVirtualClock(durableStart.Add(10 * time.Minute))
			if tt.frozen {
				before, after = frozenClock{armed: make(chan time.Duration, 1)}, frozenClock{armed: make(chan time.Duration, 1)}
			}
			want, wantEvents := uninterrupted(t, tt.definition, before, handlers, tt.answer)
			got, events := interrupted(t, tt.definition, after, handlers, tt.answer)
			if got.Status != StatusSucceeded || got.Output != want.Output {
				t.Fatalf("after restart: status %s, output %s; want SUCCEEDED, %s (error %s: %s)", got.Status, got.Output, want.Output, got.Error, got.Cause)
			}
			if doubled.Load() != tt.calls {
				t.Errorf("handler ran %d times in both runs; want %d", doubled.Load(), tt.calls)
			}
			if len(events) != len(wantEvents) {
				t.Fatalf("history has %d events; an uninterrupted run has %d", len(events), len(wantEvents))
			}
			counts := map[string]int{}
			for i, ev := range events {
				if ev.ID != int64(i+1) {
					t.Fatalf("event %d has id %d; want ids 1..N without gaps", i, ev.ID)
				}
				if tt.ordered && ev.Type != wantEvents[i].Type {
					t.Errorf("event %d is %s; an uninterrupted run has %s", ev.ID, ev.Type, wantEvents[i].Type)
				}
				counts[ev.Type]++
				counts[wantEvents[i].Type]--
			}
			for eventType, n := range counts {
				if n != 0 {
					t.Errorf("history has %d more %s events than an uninterrupted run", n, eventType)
				}
			}
		})
	}
}

// helperDB selects the helper mode of the test binary: it runs mapMachine on a durable
// engine with this database file until the Map waits, prints "waiting" and blocks.
const helperDB = "ENGINE_DURABLE_HELPER_DB"

func TestDurableHelperProcess(t *testing.T) {
	path := os.Getenv(helperDB)
	if path == "" {
		t.Skip("runs only as the helper of TestDurableKilledProcess")
	}
	clock := frozenClock{armed: make(chan time.Duration, 1)}
	e := New(Options{Clock: clock, Store: openTestStore(t, path), Handlers: doubleHandlers()})
	ctx := context.Background()
	smARN, err := e.CreateStateMachine(ctx, "durable", []byte(mapMachine), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.StartExecution(ctx, smARN, "run-1", `{"items":[1,2,3,4]}`); err != nil {
		t.Fatal(err)
	}
	<-clock.armed
	fmt.Println("waiting")
	select {}
}

func doubleHandlers() map[string]Handler {
	return map[string]Handler{"double": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
		var n float64
		_ = json.Unmarshal(p, &n)
		return json.Marshal(n * 2)
	}}
}

func TestDurableKilledProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "engine.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDurableHelperProcess$")
	cmd.Env = append(os.Environ(), helperDB+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "waiting\n" {
		_ = cmd.Process.Kill()
		t.Fatalf("helper printed %q (%v); want \"waiting\"", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	ctx := context.Background()
	e := New(Options{Clock: NewVirtualClock(durableStart.Add(time.Hour)), Store: openTestStore(t, path), Handlers: doubleHandlers()})
	if err := e.Recover(ctx); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	arn := "arn:aws:states:us-east-1:123456789012:execution:durable:run-1"
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	x, err := e.Wait(wctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if x.Status != StatusSucceeded || x.Output != "[2,4,6,8]" {
		t.Fatalf("after SIGKILL and restart: status %s, output %s; want SUCCEEDED, [2,4,6,8]", x.Status, x.Output)
	}
	want, wantEvents := uninterrupted(t, mapMachine, NewVirtualClock(durableStart), doubleHandlers(), nil)
	page, err := e.GetExecutionHistoryPage(ctx, arn, 1000, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if x.Output != want.Output || len(page.Events) != len(wantEvents) {
		t.Fatalf("output %s with %d events; an uninterrupted run gives %s with %d", x.Output, len(page.Events), want.Output, len(wantEvents))
	}
	for i, ev := range page.Events {
		if ev.ID != int64(i+1) || ev.Type != wantEvents[i].Type {
			t.Errorf("event %d is #%d %s; want #%d %s", i, ev.ID, ev.Type, i+1, wantEvents[i].Type)
		}
	}
}

func TestDurableStartIsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "engine.db")
	clock := frozenClock{armed: make(chan time.Duration, 4)}
	first := New(Options{Clock: clock, Store: openTestStore(t, path)})
	smARN, err := first.CreateStateMachine(ctx, "durable", []byte(waitMachine), nil)
	if err != nil {
		t.Fatal(err)
	}
	arn, err := first.StartExecution(ctx, smARN, "run-1", `{"a":1}`)
	if err != nil {
		t.Fatal(err)
	}
	<-clock.armed
	first.Close()

	second := New(Options{Clock: frozenClock{armed: make(chan time.Duration, 4)}, Store: openTestStore(t, path)})
	if err := second.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, input string
		wantErr     bool
	}{
		{name: "same name and input", input: `{"a":1}`},
		{name: "same name, other input", input: `{"a":2}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := second.StartExecution(ctx, smARN, "run-1", tt.input)
			var exists *ExecutionAlreadyExists
			if tt.wantErr {
				if !errors.As(err, &exists) {
					t.Fatalf("StartExecution: %v; want *ExecutionAlreadyExists", err)
				}
				return
			}
			if err != nil || got != arn {
				t.Fatalf("StartExecution = %q, %v; want the running %q", got, err, arn)
			}
		})
	}
	page, err := second.ListExecutions(ctx, smARN, StatusRunning, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Executions) != 1 || page.Executions[0].ExecutionARN != arn {
		t.Fatalf("ListExecutions = %+v; want only %s", page.Executions, arn)
	}
}

const heartbeatMachine = `{"StartAt":"Ask","States":{
 "Ask":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","HeartbeatSeconds":600,
   "Parameters":{"FunctionName":"ask","Payload":{}},"End":true}}}`

func TestDurableHeartbeatKeepsDeadline(t *testing.T) {
	handlers := map[string]Handler{"ask": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{}`), nil
	}}
	restart := durableStart.Add(20 * time.Minute)
	x, _ := interrupted(t, heartbeatMachine, NewVirtualClock(restart), handlers, nil)
	if x.Status != StatusFailed || x.Error != "States.Timeout" {
		t.Fatalf("status %s, error %s; want FAILED, States.Timeout", x.Status, x.Error)
	}
	if !x.StopDate.Before(restart.Add(time.Minute)) {
		t.Errorf("stopped at %s; the heartbeat deadline passed during the restart, so want at once after %s", x.StopDate, restart)
	}
}
