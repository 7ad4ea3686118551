package engine

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/secamo/orchestrator/engine/store"
)

// Execution statuses, as the Step Functions API reports them.
const (
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// Execution describes one execution, like DescribeExecution.
type Execution struct {
	ExecutionARN    string
	StateMachineARN string
	Name            string
	Status          string
	Input           string
	Output          string // JSON text; set when Status is SUCCEEDED
	Error           string // set when Status is FAILED, TIMED_OUT or ABORTED
	Cause           string
	StartDate       time.Time
	StopDate        time.Time
}

// execution is the engine's record of one execution.
type execution struct {
	Execution
	machine    *stateMachine
	inputValue any // Input, decoded
	cancel     context.CancelCauseFunc
	done       chan struct{}

	mu       sync.Mutex
	history  historyLog
	released bool // its history's chunks went back to the engine's pool; see release
	// parentToken is the task token of a startExecution.sync task waiting for this execution.
	parentToken string
	syncPattern string // "sync" or "sync:2" for a child of a .sync task
	// parentARN is the execution whose startExecution task started this one, "" for one
	// started through the API. The store keeps it so a rerun of that task can adopt it.
	parentARN string
	// reported is set once completeChild has read parentToken to report the end.
	reported bool
	// resumes and results hold what Recover read from the store, by thread path, until
	// the threads take them.
	resumes map[string]*resumePoint
	results map[string]store.BranchResult
}

// StartExecution starts an execution of the state machine with input (JSON text; "" means
// "{}"). A name of "" gets a random one. Starting a name again with the same input returns
// the existing execution, as AWS does for a running Standard workflow.
func (e *Engine) StartExecution(ctx context.Context, stateMachineARN, name, input string) (string, error) {
	return e.startExecution(ctx, stateMachineARN, name, input, "", "", "")
}

// StartSyncExecution runs an execution of the state machine on the calling goroutine and
// returns its final description, like the StartSyncExecution API of Express workflows. The
// execution keeps its history and can be described and stopped like any other; cancelling
// ctx does not stop it. The name of an execution that is still running with the same input
// text makes the call wait for that execution instead, until it ends or ctx is done.
func (e *Engine) StartSyncExecution(ctx context.Context, stateMachineARN, name, input string) (*Execution, error) {
	l, err := e.prepare(ctx, stateMachineARN, name, input, "", "", "")
	if err != nil {
		return nil, err
	}
	if l.x == nil {
		return e.Wait(ctx, l.arn)
	}
	e.launch(ctx, l, false)
	return l.x.describe(), nil
}

// startExecution starts an execution. parentARN is set for the child of a startExecution
// task. parentToken and syncPattern are set for the child of a .sync or .sync:2 task.
func (e *Engine) startExecution(ctx context.Context, stateMachineARN, name, input, parentARN, parentToken, syncPattern string) (string, error) {
	l, err := e.prepare(ctx, stateMachineARN, name, input, parentARN, parentToken, syncPattern)
	if err != nil || l.x == nil {
		return l.arn, err
	}
	e.launch(ctx, l, true)
	return l.arn, nil
}

// launchable is an execution that prepare registered and that has yet to run. x is nil when
// the name belongs to an execution that is already running with the same input.
type launchable struct {
	arn    string
	x      *execution
	runCtx context.Context
	input  any
}

// prepare validates a start request and registers the new execution.
func (e *Engine) prepare(ctx context.Context, stateMachineARN, name, input, parentARN, parentToken, syncPattern string) (launchable, error) {
	e.mu.Lock()
	sm, ok := e.machines[stateMachineARN]
	e.mu.Unlock()
	if !ok {
		return launchable{}, &StateMachineDoesNotExist{Message: fmt.Sprintf("state machine %q does not exist; create it first", stateMachineARN)}
	}
	if name == "" {
		name = newUUID()
	}
	if !validName(name) {
		return launchable{}, &InvalidName{Message: fmt.Sprintf("execution name %q is invalid: use 1 to 80 letters, digits, '.', '-' or '_'", name)}
	}
	if strings.TrimSpace(input) == "" {
		input = "{}"
	}
	parsed, err := decodeInput(input)
	if err != nil {
		return launchable{}, &InvalidExecutionInput{Message: fmt.Sprintf("execution input is not valid JSON: %v", err)}
	}
	arn := "arn:aws:states:" + e.opts.Region + ":" + e.opts.Account + ":execution:" + sm.name + ":" + name

	e.mu.Lock()
	if old, ok := e.executions[arn]; ok {
		e.mu.Unlock()
		if old.Input == input && old.Status == StatusRunning {
			if parentToken != "" {
				return launchable{arn: arn}, e.relinkChild(ctx, old, parentToken, syncPattern)
			}
			return launchable{arn: arn}, nil
		}
		return launchable{arn: arn}, &ExecutionAlreadyExists{Message: fmt.Sprintf("execution %q already exists", arn)}
	}
	runCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	x := &execution{
		Execution: Execution{
			ExecutionARN: arn, StateMachineARN: sm.arn, Name: name, Status: StatusRunning,
			Input: input, StartDate: e.clock.Now(),
		},
		machine:     sm,
		inputValue:  parsed,
		history:     historyLog{hint: sm.historyHint(), pool: &e.chunks},
		cancel:      cancel,
		done:        make(chan struct{}),
		parentToken: parentToken,
		syncPattern: syncPattern,
		parentARN:   parentARN,
	}
	e.executions[arn] = x
	e.mu.Unlock()
	if e.store != nil {
		created, err := e.createStored(ctx, x)
		if err != nil || !created {
			e.mu.Lock()
			delete(e.executions, arn)
			e.mu.Unlock()
			cancel(nil)
			return launchable{arn: arn}, err
		}
	}
	return launchable{arn: arn, x: x, runCtx: runCtx, input: parsed}, nil
}

// launch runs a prepared execution, on a goroutine of its own when async is set.
func (e *Engine) launch(ctx context.Context, l launchable, async bool) {
	e.log.InfoContext(ctx, "execution started", "execution", l.arn)
	e.busy()
	if !async {
		defer e.idle()
		e.run(l.runCtx, l.x, l.input)
		return
	}
	go func() {
		defer e.idle()
		e.run(l.runCtx, l.x, l.input)
	}()
}

func (e *Engine) lookup(arn string) (*execution, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.executions[arn]
	if !ok {
		return nil, &ExecutionDoesNotExist{Message: fmt.Sprintf("execution %q does not exist", arn)}
	}
	return x, nil
}

// DescribeExecution returns a snapshot of the execution.
func (e *Engine) DescribeExecution(ctx context.Context, executionARN string) (*Execution, error) {
	x, err := e.lookup(executionARN)
	if err != nil && e.store != nil {
		return e.describeStored(ctx, executionARN)
	}
	if err != nil {
		return nil, err
	}
	return x.describe(), nil
}

func (x *execution) describe() *Execution {
	x.mu.Lock()
	defer x.mu.Unlock()
	snapshot := x.Execution
	return &snapshot
}

// GetExecutionHistory returns the events of the execution so far, oldest first.
func (e *Engine) GetExecutionHistory(ctx context.Context, executionARN string) ([]HistoryEvent, error) {
	x, err := e.lookup(executionARN)
	if err != nil && e.store != nil {
		return e.historyStored(ctx, executionARN)
	}
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	released := x.released
	stored := x.history.all()
	x.mu.Unlock()
	if released {
		return e.GetExecutionHistory(ctx, executionARN) // now gone from memory: the store, or not found
	}
	events := make([]HistoryEvent, len(stored))
	for i, ev := range stored {
		events[i] = ev.render()
	}
	return events, nil
}

// Wait blocks until the execution finishes or ctx ends and returns its final description.
func (e *Engine) Wait(ctx context.Context, executionARN string) (*Execution, error) {
	x, err := e.lookup(executionARN)
	if err != nil {
		return nil, err
	}
	select {
	case <-x.done:
		return x.describe(), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for execution %q: %w", executionARN, ctx.Err())
	}
}

// stopCause is the context cause of a stopped execution.
type stopCause struct{ errorName, cause string }

func (s *stopCause) Error() string { return "execution stopped: " + s.errorName }

// StopExecution aborts a running execution with an optional error name and cause. Stopping a
// finished execution changes nothing.
func (e *Engine) StopExecution(ctx context.Context, executionARN, errorName, cause string) error {
	x, err := e.lookup(executionARN)
	if err != nil {
		return err
	}
	x.cancel(&stopCause{errorName: errorName, cause: cause})
	select {
	case <-x.done:
	case <-ctx.Done():
		return fmt.Errorf("stopping execution %q: %w", executionARN, ctx.Err())
	}
	return nil
}

// finish records the end of an execution and wakes its waiters.
func (e *Engine) finish(x *execution, status, output string, fail *Failure) {
	now := e.clock.Now()
	x.history.publish() // the top-level thread, the last writer, calls finish
	x.mu.Lock()
	x.Status = status
	x.StopDate = now
	if status == StatusSucceeded {
		x.Output = output
	}
	if fail != nil {
		x.Error, x.Cause = fail.Name, fail.Cause
	}
	child := x.parentToken != ""
	x.machine.lastEvents.Store(int64(x.history.len()))
	x.mu.Unlock()
	level := slogLevel(status)
	e.log.Log(context.Background(), level, "execution finished", "execution", x.ExecutionARN, "status", status, "error", x.Error)
	close(x.done)
	if child {
		e.completeChild(x)
	}
	e.retire(x.ExecutionARN)
}

// retire records a finished execution and removes the oldest finished ones beyond
// Options.MaxFinishedExecutions from memory.
func (e *Engine) retire(arn string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.finished = append(e.finished, arn)
	for len(e.finished) > e.opts.MaxFinishedExecutions {
		if x := e.executions[e.finished[0]]; x != nil {
			x.release(&e.chunks)
		}
		delete(e.executions, e.finished[0])
		e.finished = e.finished[1:]
	}
}

// release hands the history's chunks of a finished execution that leaves memory to pool,
// so the next executions record into them instead of allocating. A reader that looked the
// execution up before then finds it released and reports it as gone.
func (x *execution) release(pool *sync.Pool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.released = true
	x.history.release(pool)
}

// input returns the decoded execution input. It is never modified.
func (x *execution) input() any { return x.inputValue }

func slogLevel(status string) slog.Level {
	if status == StatusSucceeded {
		return slog.LevelInfo
	}
	return slog.LevelWarn
}
