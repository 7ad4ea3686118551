package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// UserNotFound is a step error whose type name is its ASL error name.
type UserNotFound struct{ User string }

func (e *UserNotFound) Error() string { return "user " + e.User + " not found" }

func newTestEngine(t *testing.T, handlers map[string]Handler) (*Engine, *VirtualClock) {
	t.Helper()
	clock := NewVirtualClock(epoch)
	e := New(Options{Clock: clock, Handlers: handlers, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return e, clock
}

// runDef creates def and runs one execution with input to its end.
func runDef(t *testing.T, e *Engine, def, input string) *Execution {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	arn, err := e.CreateStateMachine(ctx, "test", []byte(def), nil)
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	execARN, err := e.StartExecution(ctx, arn, "", input)
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	x, err := e.Wait(ctx, execARN)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	return x
}

func wantOutput(t *testing.T, x *Execution, want string) {
	t.Helper()
	if x.Status != StatusSucceeded {
		t.Fatalf("status = %s (%s: %s), want SUCCEEDED", x.Status, x.Error, x.Cause)
	}
	var got, w any
	if err := json.Unmarshal([]byte(x.Output), &got); err != nil {
		t.Fatalf("output %q is not JSON: %v", x.Output, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %q is not JSON: %v", want, err)
	}
	if jsonString(got) != jsonString(w) {
		t.Errorf("output = %s, want %s", x.Output, want)
	}
}

func TestWaitStateUsesVirtualClock(t *testing.T) {
	e, clock := newTestEngine(t, nil)
	x := runDef(t, e, `{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": true}}}`, `{"a": 1}`)
	wantOutput(t, x, `{"a": 1}`)
	if got := clock.Now().Sub(epoch); got != 24*time.Hour {
		t.Errorf("virtual time passed = %v, want 24h", got)
	}
}

func TestRetryBackoffAndCatch(t *testing.T) {
	var calls atomic.Int32
	handlers := map[string]Handler{
		"Flaky": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			if calls.Add(1) < 3 {
				return nil, &UserNotFound{User: "ann"}
			}
			return json.RawMessage(`{"ok": true}`), nil
		},
		"Broken": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return nil, fmt.Errorf("wrapped: %w", &UserNotFound{User: "bob"})
		},
	}
	e, clock := newTestEngine(t, handlers)
	x := runDef(t, e, `{"StartAt": "T", "States": {"T": {"Type": "Task",
	  "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:Flaky",
	  "Retry": [{"ErrorEquals": ["UserNotFound"], "IntervalSeconds": 2, "BackoffRate": 3}],
	  "ResultPath": "$.result", "End": true}}}`, `{"in": 1}`)
	wantOutput(t, x, `{"in": 1, "result": {"ok": true}}`)
	if got := calls.Load(); got != 3 {
		t.Errorf("handler calls = %d, want 3", got)
	}
	if got := clock.Now().Sub(epoch); got != 8*time.Second {
		t.Errorf("retry delays = %v, want 2s + 6s", got)
	}

	x = runDef(t, e, `{"StartAt": "T", "States": {
	  "T": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:Broken",
	    "Catch": [{"ErrorEquals": ["UserNotFound"], "Next": "Missed"}, {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}],
	    "End": true},
	  "Missed": {"Type": "Fail", "Error": "Wrong"},
	  "Caught": {"Type": "Pass", "End": true}}}`, `{}`)
	if x.Status != StatusSucceeded {
		t.Fatalf("status = %s (%s), want SUCCEEDED", x.Status, x.Error)
	}
	if !strings.Contains(x.Output, `"Error":"wrapError"`) {
		t.Errorf("output = %s, want the error named after the outermost Go type, wrapError", x.Output)
	}
}

func TestMaxAttemptsZeroNeverRetries(t *testing.T) {
	var calls atomic.Int32
	e, _ := newTestEngine(t, map[string]Handler{
		"F": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			calls.Add(1)
			return nil, &UserNotFound{User: "x"}
		},
	})
	x := runDef(t, e, `{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
	  "Parameters": {"FunctionName": "F"}, "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}], "End": true}}}`, `{}`)
	if x.Status != StatusFailed || x.Error != "UserNotFound" {
		t.Errorf("status %s error %q, want FAILED UserNotFound", x.Status, x.Error)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d, want 1", calls.Load())
	}
}

func TestRuntimeErrorIsNotCaught(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	x := runDef(t, e, `{"StartAt": "P", "States": {
	  "P": {"Type": "Pass", "OutputPath": "$.missing", "End": true}}}`, `{}`)
	if x.Status != StatusFailed || x.Error != "States.Runtime" {
		t.Errorf("status %s error %q, want FAILED States.Runtime", x.Status, x.Error)
	}
	if !strings.Contains(x.Cause, "state 'P' (entered at the event id #2)") {
		t.Errorf("cause %q does not name the state and event", x.Cause)
	}
}

func TestChoiceWithoutMatchFails(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	x := runDef(t, e, `{"StartAt": "C", "States": {
	  "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "D"}]},
	  "D": {"Type": "Succeed"}}}`, `{"n": 2}`)
	if x.Error != "States.NoChoiceMatched" {
		t.Errorf("error = %q, want States.NoChoiceMatched", x.Error)
	}
}

func TestParallelFailsWithBranchError(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	x := runDef(t, e, `{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
	  {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}},
	  {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "BranchBroke", "Cause": "second branch"}}}]}}}`, `{}`)
	if x.Status != StatusFailed || x.Error != "BranchBroke" || x.Cause != "second branch" {
		t.Errorf("got %s %q %q, want FAILED BranchBroke \"second branch\"", x.Status, x.Error, x.Cause)
	}
}

func TestMapKeepsOrderWithinConcurrencyLimit(t *testing.T) {
	var running, peak atomic.Int32
	e, _ := newTestEngine(t, map[string]Handler{
		"Double": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				old := peak.Load()
				if n <= old || peak.CompareAndSwap(old, n) {
					break
				}
			}
			var v float64
			if err := json.Unmarshal(p, &v); err != nil {
				return nil, err
			}
			return json.Marshal(v * 2)
		},
	})
	items := make([]string, 50)
	want := make([]string, 50)
	for i := range items {
		items[i] = fmt.Sprint(i)
		want[i] = fmt.Sprint(2 * i)
	}
	x := runDef(t, e, `{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 3, "End": true,
	  "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:Double", "End": true}}}}}}`,
		`{"items": [`+strings.Join(items, ",")+`]}`)
	wantOutput(t, x, "["+strings.Join(want, ",")+"]")
	if peak.Load() > 3 {
		t.Errorf("peak concurrency = %d, want at most 3", peak.Load())
	}
}

func TestTaskTokenSuccessAndTimeout(t *testing.T) {
	tokens := make(chan string, 1)
	e, clock := newTestEngine(t, map[string]Handler{
		"Ask": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			var in struct{ Token string }
			if err := json.Unmarshal(p, &in); err != nil {
				return nil, err
			}
			tokens <- in.Token
			return nil, nil
		},
	})
	def := `{"StartAt": "Approve", "States": {"Approve": {"Type": "Task",
	  "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "TimeoutSeconds": 3600,
	  "Parameters": {"FunctionName": "Ask", "Payload": {"Token.$": "$$.Task.Token"}}, "End": true}}}`
	ctx := context.Background()
	arn, err := e.CreateStateMachine(ctx, "approve", []byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}

	// Holding the clock busy keeps virtual time from jumping to the timeout while the test
	// plays the approver.
	clock.Busy()
	execARN, err := e.StartExecution(ctx, arn, "approved", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	token := <-tokens
	if err := e.SendTaskSuccess(ctx, token, `{"approved": true}`); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	clock.Idle()
	x, err := e.Wait(ctx, execARN)
	if err != nil {
		t.Fatal(err)
	}
	wantOutput(t, x, `{"approved": true}`)
	var gone *TaskDoesNotExist
	if err := e.SendTaskSuccess(ctx, token, `{}`); !errors.As(err, &gone) {
		t.Errorf("SendTaskSuccess after the end = %v, want TaskDoesNotExist", err)
	}

	execARN, err = e.StartExecution(ctx, arn, "ignored", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	<-tokens
	x, err = e.Wait(ctx, execARN)
	if err != nil {
		t.Fatal(err)
	}
	if x.Status != StatusFailed || x.Error != "States.Timeout" {
		t.Errorf("unanswered task: %s %q, want FAILED States.Timeout", x.Status, x.Error)
	}
}

func TestMissedHeartbeatIsTimeout(t *testing.T) {
	e, clock := newTestEngine(t, map[string]Handler{
		"Ask": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) { return nil, nil },
	})
	x := runDef(t, e, `{"StartAt": "A", "States": {"A": {"Type": "Task",
	  "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "TimeoutSeconds": 600, "HeartbeatSeconds": 60,
	  "Parameters": {"FunctionName": "Ask", "Payload.$": "$$.Task.Token"}, "End": true}}}`, `{}`)
	if x.Error != "States.Timeout" {
		t.Errorf("error = %q, want States.Timeout", x.Error)
	}
	if got := clock.Now().Sub(epoch); got != time.Minute {
		t.Errorf("failed after %v, want the 60s heartbeat", got)
	}
}

func TestStartExecutionSync2(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	ctx := context.Background()
	child, err := e.CreateStateMachine(ctx, "child", []byte(`{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"done": true}, "End": true}}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	x := runDef(t, e, `{"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
	  "Parameters": {"StateMachineArn": "`+child+`", "Input": {"n": 1}}, "OutputPath": "$.Output", "End": true}}}`, `{}`)
	wantOutput(t, x, `{"done": true}`)
}

func TestPlaceholdersAreSubstituted(t *testing.T) {
	e, _ := newTestEngine(t, map[string]Handler{
		"DisableUser": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`"disabled"`), nil
		},
	})
	def := []byte(`{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
	  "Parameters": {"FunctionName": "${DisableUser}"}, "OutputPath": "$.Payload", "End": true}}}`)
	ctx := context.Background()
	if _, err := e.CreateStateMachine(ctx, "off", def, nil); err == nil || !strings.Contains(err.Error(), "DisableUser") {
		t.Errorf("missing substitution error = %v, want one naming DisableUser", err)
	}
	arn, err := e.CreateStateMachine(ctx, "off", def, map[string]string{"DisableUser": "arn:aws:lambda:eu-west-1:111111111111:function:DisableUser"})
	if err != nil {
		t.Fatal(err)
	}
	execARN, err := e.StartExecution(ctx, arn, "", "")
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.Wait(ctx, execARN)
	if err != nil {
		t.Fatal(err)
	}
	wantOutput(t, x, `"disabled"`)
}

func TestInvalidDefinitionListsProblems(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	_, err := e.CreateStateMachine(context.Background(), "bad", []byte(`{"StartAt": "X", "States": {"A": {"Type": "Pass"}}}`), nil)
	var inv *InvalidDefinition
	if !errors.As(err, &inv) {
		t.Fatalf("error = %v, want InvalidDefinition", err)
	}
	if len(inv.Problems) < 2 {
		t.Errorf("problems = %q, want at least the missing StartAt state and the missing Next", inv.Problems)
	}
}

func TestStopExecutionAborts(t *testing.T) {
	e, clock := newTestEngine(t, map[string]Handler{})
	ctx := context.Background()
	arn, err := e.CreateStateMachine(ctx, "w", []byte(`{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": true}}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	clock.Busy() // keep the Wait from finishing before the stop
	execARN, err := e.StartExecution(ctx, arn, "stop-me", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- e.StopExecution(ctx, execARN, "Cancelled", "operator request") }()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	clock.Idle()
	x, err := e.DescribeExecution(ctx, execARN)
	if err != nil {
		t.Fatal(err)
	}
	if x.Status != StatusAborted || x.Error != "Cancelled" {
		t.Errorf("got %s %q, want ABORTED Cancelled", x.Status, x.Error)
	}
}

func TestLambdaTaskHistory(t *testing.T) {
	e, _ := newTestEngine(t, map[string]Handler{
		"Echo": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) { return p, nil },
	})
	ctx := context.Background()
	arn, err := e.CreateStateMachine(ctx, "h", []byte(`{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:Echo", "End": true}}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	execARN, _ := e.StartExecution(ctx, arn, "h1", `{"a": 1}`)
	if _, err := e.Wait(ctx, execARN); err != nil {
		t.Fatal(err)
	}
	hist, err := e.GetExecutionHistory(ctx, execARN)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for i, h := range hist {
		types = append(types, h.Type)
		if h.ID != int64(i+1) {
			t.Errorf("event %d has id %d", i+1, h.ID)
		}
	}
	want := "ExecutionStarted TaskStateEntered LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionSucceeded TaskStateExited ExecutionSucceeded"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("history = %s, want %s", got, want)
	}
	b, err := json.Marshal(hist[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"stateEnteredEventDetails":{`) {
		t.Errorf("event JSON %s lacks stateEnteredEventDetails", b)
	}
}

func TestSlowTaskDoesNotBlockOthers(t *testing.T) {
	release := make(chan struct{})
	e := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxWorkers: 2, Handlers: map[string]Handler{
		"Slow": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			<-release
			return p, nil
		},
		"Fast": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) { return p, nil },
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mk := func(name, fn string) string {
		arn, err := e.CreateStateMachine(ctx, name, []byte(`{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111111111111:function:`+fn+`", "End": true}}}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		return arn
	}
	slow, fast := mk("slow", "Slow"), mk("fast", "Fast")
	slowExec, _ := e.StartExecution(ctx, slow, "", `{}`)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x, _ := e.StartExecution(ctx, fast, "", `{}`)
			if d, err := e.Wait(ctx, x); err != nil || d.Status != StatusSucceeded {
				t.Errorf("fast execution: %v %v", d, err)
			}
		}()
	}
	wg.Wait()
	close(release)
	if x, err := e.Wait(ctx, slowExec); err != nil || x.Status != StatusSucceeded {
		t.Errorf("slow execution: %v %v", x, err)
	}
}

func TestDataLimitExceeded(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	big := strings.Repeat("a", 300*1024)
	x := runDef(t, e, `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "`+big+`", "End": true}}}`, `{}`)
	if x.Error != "States.DataLimitExceeded" {
		t.Errorf("error = %q, want States.DataLimitExceeded", x.Error)
	}
}
