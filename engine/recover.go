package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/engine/store"
)

// Recover registers the state machines of Options.Store again and continues every running
// execution from its last committed transition. Waits and retries resume at their stored
// time, and pending task tokens are accepted again. Finished Map iterations and Parallel
// branches keep their results. Call it once, after New and before new work starts.
func (e *Engine) Recover(ctx context.Context) error {
	if e.store == nil {
		return errors.New("recovering executions: the engine has no store; set Options.Store")
	}
	machines, err := e.store.ListStateMachines(ctx)
	if err != nil {
		return fmt.Errorf("recovering state machines: %w", err)
	}
	for _, m := range machines {
		sm, err := asl.Parse([]byte(m.Definition))
		if err != nil {
			return fmt.Errorf("recovering state machine %q: stored definition does not parse: %w", m.ARN, err)
		}
		e.register(m.ARN, m.Name, m.Definition, sm, m.CreatedAt)
	}
	running, err := e.store.RunningExecutions(ctx)
	if err != nil {
		return fmt.Errorf("recovering executions: %w", err)
	}
	// Every execution and its tokens are registered before any of them runs, so a child that
	// ends at once finds the task token of its parent.
	starts := make([]func(), 0, len(running))
	for _, r := range running {
		start, err := e.resumeExecution(ctx, r)
		if err != nil {
			return err
		}
		starts = append(starts, start)
	}
	for _, start := range starts {
		start()
	}
	return nil
}

// resumeExecution rebuilds one running execution and registers it and its task tokens. The
// returned function starts it from its checkpoints.
func (e *Engine) resumeExecution(ctx context.Context, r store.Recovery) (func(), error) {
	s := r.Execution
	e.mu.Lock()
	sm, ok := e.machines[s.StateMachineARN]
	e.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("recovering execution %q: its state machine %q is not in the store", s.ARN, s.StateMachineARN)
	}
	var input any
	if err := json.Unmarshal([]byte(s.Input), &input); err != nil {
		return nil, fmt.Errorf("recovering execution %q: stored input is not JSON: %w", s.ARN, err)
	}

	runCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	x := &execution{
		Execution: Execution{
			ExecutionARN: s.ARN, StateMachineARN: s.StateMachineARN, Name: s.Name,
			Status: StatusRunning, Input: s.Input, StartDate: s.StartedAt,
		},
		machine: sm, inputValue: input, cancel: cancel, done: make(chan struct{}),
		parentToken: s.ParentToken, syncPattern: s.SyncPattern,
		history: historyLog{hint: 2*len(sm.machine.States) + 2},
		resumes: map[string]*resumePoint{},
		results: map[string]store.BranchResult{},
	}
	if err := e.loadHistory(ctx, x); err != nil {
		cancel(nil)
		return nil, err
	}
	if err := x.loadResumes(r); err != nil {
		cancel(nil)
		return nil, err
	}

	e.mu.Lock()
	e.executions[x.ExecutionARN] = x
	e.mu.Unlock()
	for _, t := range r.Tokens {
		// Registered before Recover returns, so SendTaskSuccess is accepted at once.
		e.registerToken(t.Token, x)
	}
	e.log.InfoContext(ctx, "execution recovered", "execution", x.ExecutionARN, "threads", len(r.Checkpoints))
	return func() {
		e.busy()
		go func() {
			defer e.idle()
			e.run(runCtx, x, input)
		}()
	}, nil
}

// loadHistory reads the stored history of x into memory.
func (e *Engine) loadHistory(ctx context.Context, x *execution) error {
	q := store.HistoryQuery{MaxResults: store.MaxPageSize}
	for {
		page, err := e.store.GetExecutionHistory(ctx, x.ExecutionARN, q)
		if err != nil {
			return fmt.Errorf("recovering execution %q: %w", x.ExecutionARN, err)
		}
		for _, ev := range page.Events {
			x.history.append(storedEvent(ev))
		}
		x.history.publish()
		if page.NextToken == "" {
			return nil
		}
		q.NextToken = page.NextToken
	}
}

func storedEvent(ev store.Event) event {
	out := event{id: ev.ID, prev: ev.PreviousEventID, at: ev.Timestamp.UnixNano(), typ: ev.Type}
	if len(ev.Details) > 0 {
		_ = json.Unmarshal(ev.Details, &out.details)
	}
	return out
}

// loadResumes sorts the recovered checkpoints, timers, tokens and results by thread.
func (x *execution) loadResumes(r store.Recovery) error {
	for _, c := range r.Checkpoints {
		p := &resumePoint{retries: c.Retries, enteredID: c.EnteredEventID, lastID: c.LastEventID}
		if err := json.Unmarshal(c.Position, &p.pos); err != nil {
			return fmt.Errorf("recovering execution %q: checkpoint of thread %q: %w", x.ExecutionARN, c.Thread, err)
		}
		x.resumes[c.Thread] = p
	}
	for _, t := range r.Timers {
		if p, ok := x.resumes[t.Thread]; ok {
			at := t.FireAt
			p.timer = &at
		}
	}
	for _, t := range r.Tokens {
		if p, ok := x.resumes[t.Thread]; ok {
			tok := t
			p.token = &tok
		}
	}
	for _, b := range r.Results {
		x.results[b.Thread] = b
	}
	return nil
}

// ExecutionPage is one page of ListExecutions; NextToken is "" on the last page.
type ExecutionPage struct {
	Executions []Execution
	NextToken  string
}

// ListExecutions returns the executions of a state machine from Options.Store, newest
// first, optionally only those with status. pageSize 0 means 100; the maximum is 1000.
func (e *Engine) ListExecutions(ctx context.Context, stateMachineARN, status string, pageSize int, nextToken string) (ExecutionPage, error) {
	if e.store == nil {
		// NOTE: without a store the engine lists nothing; DescribeExecution still works.
		return ExecutionPage{}, errors.New("listing executions: the engine has no store; set Options.Store")
	}
	page, err := e.store.ListExecutions(ctx, store.ListQuery{StateMachineARN: stateMachineARN, Status: status, MaxResults: pageSize, NextToken: nextToken})
	if err != nil {
		return ExecutionPage{}, err
	}
	out := ExecutionPage{NextToken: page.NextToken, Executions: make([]Execution, len(page.Executions))}
	for i, s := range page.Executions {
		out.Executions[i] = fromStored(s)
	}
	return out, nil
}

// HistoryPage is one page of GetExecutionHistoryPage; NextToken is "" on the last page.
type HistoryPage struct {
	Events    []HistoryEvent
	NextToken string
}

// GetExecutionHistoryPage returns a page of an execution's history from Options.Store,
// oldest first, or newest first with reverse. pageSize 0 means 100; the maximum is 1000.
func (e *Engine) GetExecutionHistoryPage(ctx context.Context, executionARN string, pageSize int, nextToken string, reverse bool) (HistoryPage, error) {
	if e.store == nil {
		return HistoryPage{}, errors.New("reading a history page: the engine has no store; set Options.Store or use GetExecutionHistory")
	}
	page, err := e.store.GetExecutionHistory(ctx, executionARN, store.HistoryQuery{MaxResults: pageSize, NextToken: nextToken, ReverseOrder: reverse})
	var missing *store.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		return HistoryPage{}, &ExecutionDoesNotExist{Message: fmt.Sprintf("execution %q does not exist", executionARN)}
	}
	if err != nil {
		return HistoryPage{}, err
	}
	out := HistoryPage{NextToken: page.NextToken, Events: make([]HistoryEvent, len(page.Events))}
	for i, ev := range page.Events {
		out.Events[i] = storedEvent(ev).render()
	}
	return out, nil
}

// describeStored describes an execution that is not in memory, such as one that finished
// before the last restart.
func (e *Engine) describeStored(ctx context.Context, arn string) (*Execution, error) {
	s, err := e.store.DescribeExecution(ctx, arn)
	var missing *store.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		return nil, &ExecutionDoesNotExist{Message: fmt.Sprintf("execution %q does not exist", arn)}
	}
	if err != nil {
		return nil, fmt.Errorf("describing execution %q: %w", arn, err)
	}
	x := fromStored(s)
	return &x, nil
}

// historyStored reads the whole history of an execution that is not in memory.
func (e *Engine) historyStored(ctx context.Context, arn string) ([]HistoryEvent, error) {
	var events []HistoryEvent
	next := ""
	for {
		page, err := e.GetExecutionHistoryPage(ctx, arn, store.MaxPageSize, next, false)
		if err != nil {
			return nil, err
		}
		events = append(events, page.Events...)
		if next = page.NextToken; next == "" {
			return events, nil
		}
	}
}

func fromStored(s store.Execution) Execution {
	return Execution{
		ExecutionARN: s.ARN, StateMachineARN: s.StateMachineARN, Name: s.Name, Status: s.Status,
		Input: s.Input, Output: s.Output, Error: s.Error, Cause: s.Cause,
		StartDate: s.StartedAt, StopDate: s.StoppedAt,
	}
}
