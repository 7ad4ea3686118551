package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestHistoryReadWhileRecording reads the history over and over while Map iterations record
// into it at the same time, then checks that the ids run from 1 without a gap and that every
// iteration recorded its events. Run with -race, it checks the history's lock-free reads.
func TestHistoryReadWhileRecording(t *testing.T) {
	const items = 300
	e, _ := newTestEngine(t, map[string]Handler{
		"Echo": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) { return p, nil },
	})
	def := `{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 8, "End": true,
	  "ItemProcessor": {"StartAt": "T", "States": {
	    "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Echo", "Next": "P"},
	    "P": {"Type": "Pass", "End": true}}}}}}`

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	arn, err := e.CreateStateMachine(ctx, "history", []byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}
	list := make([]any, items)
	for i := range list {
		list[i] = float64(i)
	}
	input, _ := json.Marshal(map[string]any{"items": list})
	x, err := e.StartExecution(ctx, arn, "", string(input))
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				events, err := e.GetExecutionHistory(ctx, x)
				if err != nil {
					t.Error(err)
					return
				}
				if err := checkIDs(events); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}

	res, err := e.Wait(ctx, x)
	close(done)
	wg.Wait()
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("execution ended %v, %v", res, err)
	}
	events, _ := e.GetExecutionHistory(ctx, x)
	if err := checkIDs(events); err != nil {
		t.Fatal(err)
	}
	// Per iteration: MapIterationStarted, TaskStateEntered, LambdaFunctionScheduled, Started,
	// Succeeded, TaskStateExited, PassStateEntered, PassStateExited, MapIterationSucceeded.
	// Around them: ExecutionStarted, MapStateEntered, MapStateStarted, MapStateSucceeded,
	// MapStateExited, ExecutionSucceeded.
	if want := 9*items + 6; len(events) != want {
		t.Errorf("history has %d events, want %d", len(events), want)
	}
}

func checkIDs(events []HistoryEvent) error {
	for i, ev := range events {
		if ev.ID != int64(i+1) || ev.Type == "" {
			return fmt.Errorf("event %d has id %d and type %q", i, ev.ID, ev.Type)
		}
	}
	return nil
}

// TestHistoryShowsRunningTask checks that the events a thread recorded before a handler call
// are visible while the handler runs, though a thread that runs alone publishes its events in
// batches.
func TestHistoryShowsRunningTask(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	e, _ := newTestEngine(t, map[string]Handler{
		"Slow": func(ctx context.Context, p json.RawMessage) (json.RawMessage, error) {
			close(started)
			<-release
			return p, nil
		},
	})
	def := `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "T"},
	  "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Slow", "End": true}}}`

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	arn, err := e.CreateStateMachine(ctx, "running", []byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.StartExecution(ctx, arn, "", `{}`)
	if err != nil {
		t.Fatal(err)
	}

	<-started
	events, _ := e.GetExecutionHistory(ctx, x)
	var types []string
	for _, ev := range events {
		types = append(types, ev.Type)
	}
	want := "ExecutionStarted PassStateEntered PassStateExited TaskStateEntered LambdaFunctionScheduled LambdaFunctionStarted"
	if got := fmt.Sprint(types); got != "["+want+"]" {
		t.Errorf("history while the handler runs: %s, want [%s]", got, want)
	}

	close(release)
	if res, err := e.Wait(ctx, x); err != nil || res.Status != StatusSucceeded {
		t.Fatalf("execution ended %v, %v", res, err)
	}
}

// TestHistoryChunksReused runs executions with long histories on an engine that keeps one
// finished execution, so each one's chunks go back to the pool for the next, while a reader
// keeps reading the oldest. The reader must see a whole history or none, and each new
// history must hold only its own events.
func TestHistoryChunksReused(t *testing.T) {
	e := New(Options{Clock: NewVirtualClock(epoch), MaxFinishedExecutions: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	arn, err := e.CreateStateMachine(ctx, "chain", []byte(passChain(200)), nil)
	if err != nil {
		t.Fatal(err)
	}

	first, err := e.StartSyncExecution(ctx, arn, "first", `{}`)
	if err != nil || first.Status != StatusSucceeded {
		t.Fatalf("first execution: %v, %v", first, err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			events, err := e.GetExecutionHistory(ctx, first.ExecutionARN)
			if err != nil {
				continue // released: every later read must fail the same way
			}
			if len(events) != 402 || checkIDs(events) != nil || events[401].Type != "ExecutionSucceeded" {
				t.Errorf("history of the first execution read while released: %d events", len(events))
				return
			}
		}
	})

	for i := range 5 {
		x, err := e.StartSyncExecution(ctx, arn, fmt.Sprintf("next-%d", i), `{}`)
		if err != nil || x.Status != StatusSucceeded {
			t.Fatalf("execution %d: %v, %v", i, x, err)
		}
		events, err := e.GetExecutionHistory(ctx, x.ExecutionARN)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkIDs(events); err != nil || len(events) != 402 || events[1].Type != "PassStateEntered" || events[401].Type != "ExecutionSucceeded" {
			t.Fatalf("execution %d: %d events (%v), want its own 402", i, len(events), err)
		}
	}
	close(done)
	wg.Wait()

	var gone *ExecutionDoesNotExist
	if _, err := e.GetExecutionHistory(ctx, first.ExecutionARN); !errors.As(err, &gone) {
		t.Errorf("history of an execution that left memory: error = %v, want ExecutionDoesNotExist", err)
	}
}
