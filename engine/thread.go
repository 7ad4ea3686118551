package engine

import (
	"context"
	"errors"
	"maps"

	"github.com/secamo/orchestrator/asl"
)

// thread runs one state machine of an execution: the top level, a Parallel branch or a Map
// iteration. Its position (current state, effective input, variables) is plain data, so a
// store can checkpoint it at every transition.
type thread struct {
	e  *Engine
	x  *execution
	sm *asl.StateMachine
	// vars is the variable scope of this thread. A branch or iteration starts with a copy of
	// the enclosing scope, and its assignments stay inside it.
	vars map[string]any
	// item is the Map item of an iteration, shown as Map.Item in the context object.
	item   *mapItem
	prev   int64 // id of the last event this thread recorded
	silent bool  // inside a distributed Map: record no events
}

// Position is the serializable position of a thread between two transitions.
// TODO: engine/store checkpoints this, with the thread's Map and Parallel children, in the
// same SQLite transaction as the history events of the step, and resumes from it.
type Position struct {
	State string         `json:"state"`
	Input any            `json:"input"`
	Vars  map[string]any `json:"vars"`
}

// run executes the top-level state machine of x and records its end.
func (e *Engine) run(ctx context.Context, x *execution, input any) {
	th := &thread{e: e, x: x, sm: x.machine.machine, vars: map[string]any{}}
	th.record("ExecutionStarted", map[string]any{
		"input":        x.Input,
		"inputDetails": map[string]any{"truncated": false},
		"roleArn":      "arn:aws:iam::" + e.opts.Account + ":role/orchestrator-local",
	})
	if size := len(x.Input); size > maxPayloadBytes {
		th.fail(failf(asl.ErrorDataLimitExceeded, "The state/task 'execution input' returned a result with a size exceeding the maximum number of bytes service limit."))
		return
	}
	if t := th.sm.TimeoutSeconds; t > 0 {
		// An execution-level TimeoutSeconds runs on the engine's clock like every other
		// timer and ends the execution with TIMED_OUT, as on AWS.
		var cancel context.CancelFunc
		ctx, cancel = e.withTimeout(ctx, seconds(t))
		defer cancel()
	}
	out, fail := th.runMachine(ctx, input)
	switch {
	case fail == nil:
		if exceedsPayloadLimit(out) {
			th.fail(failf(asl.ErrorDataLimitExceeded, "The execution output exceeds the maximum number of bytes service limit."))
			return
		}
		th.record("ExecutionSucceeded", map[string]any{"output": jsonString(out), "outputDetails": map[string]any{"truncated": false}})
		e.finish(x, StatusSucceeded, out, nil)
	case ctx.Err() != nil:
		th.stopped(ctx)
	default:
		th.fail(fail)
	}
}

func (th *thread) fail(f *Failure) {
	th.record("ExecutionFailed", map[string]any{"error": f.Name, "cause": f.Cause})
	th.e.finish(th.x, StatusFailed, nil, f)
}

// stopped records the end of an execution whose context ended: StopExecution or a timeout.
func (th *thread) stopped(ctx context.Context) {
	var sc *stopCause
	if errors.As(context.Cause(ctx), &sc) {
		th.record("ExecutionAborted", map[string]any{"error": sc.errorName, "cause": sc.cause})
		th.e.finish(th.x, StatusAborted, nil, &Failure{Name: sc.errorName, Cause: sc.cause})
		return
	}
	th.record("ExecutionTimedOut", map[string]any{"error": asl.ErrorTimeout, "cause": "The execution timed out."})
	th.e.finish(th.x, StatusTimedOut, nil, failf(asl.ErrorTimeout, "The execution timed out."))
}

// runMachine runs th.sm from StartAt with input until a terminal state.
func (th *thread) runMachine(ctx context.Context, input any) (any, *Failure) {
	pos := Position{State: th.sm.StartAt, Input: input}
	// NOTE: AWS fails an execution past 25,000 history events; the engine sets no limit.
	for {
		if ctx.Err() != nil {
			return nil, failf("States.Aborted", "the execution was stopped")
		}
		st := th.sm.States[pos.State]
		// The store hooks in here: pos and th.vars are the complete position of this thread.
		next, out, fail := th.step(ctx, st, pos.Input)
		if fail != nil {
			return nil, fail
		}
		if next == "" {
			return out, nil
		}
		pos = Position{State: next, Input: out}
	}
}

// mapItem is the item of a Map iteration and its index.
type mapItem struct {
	index int
	value any
}

// contextValue returns the item as the context object shows it: {"Index", "Value"}.
func (m *mapItem) contextValue() map[string]any {
	return map[string]any{"Index": float64(m.index), "Value": m.value}
}

// child returns a thread for a branch or iteration of sm, with a copy of th's variables.
// An empty scope is not copied; exit makes the map on the first assignment.
func (th *thread) child(sm *asl.StateMachine) *thread {
	var vars map[string]any
	if len(th.vars) > 0 {
		vars = maps.Clone(th.vars)
	}
	return &thread{e: th.e, x: th.x, sm: sm, vars: vars, prev: th.prev, silent: th.silent}
}
