package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/engine/store"
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
	item    *mapItem
	itemBuf mapItem  // the storage of item
	prev    int64    // id of the last event this thread recorded
	silent  bool     // inside a distributed Map: record no events
	run     stateRun // the state running now; see step
	// shared is set for a branch or iteration that runs at the same time as others, and
	// for every thread inside one: it takes the history's writers lock to record.
	shared bool

	// The fields below are used only with Options.Store.
	path   string       // the store's thread path: "" for the top level, "Map:3" for an iteration
	buf    []event      // events recorded since the last commit, without ids yet
	next   *removals    // removals that ride on the next commit
	resume *resumePoint // position a recovered thread continues from; nil for a fresh one
}

// Position is the serializable position of a thread between two transitions. With
// Options.Store it is checkpointed with the history events of each step; see durable.go.
type Position struct {
	State string         `json:"state"`
	Input any            `json:"input"`
	Vars  map[string]any `json:"vars"`
	// Started is set once a Map or Parallel state recorded its Started event, so a resumed
	// state does not record it again.
	Started bool `json:"started,omitempty"`
}

// run executes the top-level state machine of x and records its end.
func (e *Engine) run(ctx context.Context, x *execution, input any) {
	th := &thread{e: e, x: x, sm: x.machine.machine, vars: map[string]any{}, resume: x.takeResume("")}
	if th.resume != nil {
		th.resumeTop(ctx, input)
		return
	}
	th.record("ExecutionStarted", map[string]any{
		"input":        x.Input,
		"inputDetails": map[string]any{"truncated": false},
		"roleArn":      "arn:aws:iam::" + e.opts.Account + ":role/orchestrator-local",
	})
	if size := len(x.Input); size > maxPayloadBytes {
		th.fail(failf(asl.ErrorDataLimitExceeded, "The state/task 'execution input' returned a result with a size exceeding the maximum number of bytes service limit."))
		return
	}
	th.runTop(ctx, input)
}

// runTop runs the top-level thread under the execution's TimeoutSeconds and records the end.
func (th *thread) runTop(ctx context.Context, input any) {
	e, x := th.e, th.x
	if t := th.sm.TimeoutSeconds; t > 0 {
		// An execution-level TimeoutSeconds runs on the engine's clock like every other
		// timer and ends the execution with TIMED_OUT, as on AWS. A recovered execution
		// keeps its original deadline.
		var cancel context.CancelFunc
		ctx, cancel = e.withTimeout(ctx, x.StartDate.Add(seconds(t)).Sub(e.clock.Now()))
		defer cancel()
	}
	out, fail := th.runMachine(ctx, input)
	switch {
	case fail == nil:
		text := jsonString(out)
		if len(text) > maxPayloadBytes {
			th.fail(failf(asl.ErrorDataLimitExceeded, "The execution output exceeds the maximum number of bytes service limit."))
			return
		}
		th.record("ExecutionSucceeded", map[string]any{"output": text, "outputDetails": map[string]any{"truncated": false}})
		if th.commitEnd(StatusSucceeded, out, nil) {
			e.finish(x, StatusSucceeded, text, nil)
		}
	case ctx.Err() != nil:
		th.stopped(ctx)
	default:
		th.fail(fail)
	}
}

func (th *thread) fail(f *Failure) {
	th.record("ExecutionFailed", map[string]any{"error": f.Name, "cause": f.Cause})
	th.end(StatusFailed, f)
}

// stopped records the end of an execution whose context ended: StopExecution or a timeout.
func (th *thread) stopped(ctx context.Context) {
	var sc *stopCause
	if errors.As(context.Cause(ctx), &sc) {
		th.record("ExecutionAborted", map[string]any{"error": sc.errorName, "cause": sc.cause})
		th.end(StatusAborted, &Failure{Name: sc.errorName, Cause: sc.cause})
		return
	}
	th.record("ExecutionTimedOut", map[string]any{"error": asl.ErrorTimeout, "cause": "The execution timed out."})
	th.end(StatusTimedOut, failf(asl.ErrorTimeout, "The execution timed out."))
}

// end commits and records the end of a failed, aborted or timed-out execution.
func (th *thread) end(status string, f *Failure) {
	if th.commitEnd(status, nil, f) {
		th.e.finish(th.x, status, "", f)
	}
}

// runMachine runs th.sm from StartAt with input until a terminal state.
func (th *thread) runMachine(ctx context.Context, input any) (any, *Failure) {
	pos := Position{State: th.sm.StartAt, Input: input}
	resumed := th.resume != nil
	if resumed {
		pos = th.resume.pos
		th.vars = pos.Vars
	}
	// NOTE: AWS fails an execution past 25,000 history events; the engine sets no limit.
	for {
		if ctx.Err() != nil {
			return nil, failf("States.Aborted", "the execution was stopped")
		}
		st := th.sm.States[pos.State]
		if st == nil {
			return nil, failf(asl.ErrorRuntime, fmt.Sprintf("the stored position names state %q, which the state machine does not have", pos.State))
		}
		var (
			next string
			out  any
			fail *Failure
		)
		if resumed {
			next, out, fail = th.resumeStep(ctx, st)
			resumed = false
		} else {
			next, out, fail = th.step(ctx, st, pos.Input)
		}
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
	c := new(thread)
	th.initChild(c, sm)
	return c
}

// initChild makes c a fresh child thread of th for sm.
func (th *thread) initChild(c *thread, sm *asl.StateMachine) {
	var vars map[string]any
	if len(th.vars) > 0 {
		vars = maps.Clone(th.vars)
	}
	*c = thread{e: th.e, x: th.x, sm: sm, vars: vars, prev: th.prev, silent: th.silent, shared: th.shared}
}

// childAt returns the thread of iteration or branch i of kind (store.KindMap or
// store.KindParallel), with its recovered position when there is one. Set shared when the
// child runs at the same time as others. When reuse is not nil, the child is made in it.
func (th *thread) childAt(sm *asl.StateMachine, kind string, i int, shared bool, reuse *thread) *thread {
	c := reuse
	if c == nil {
		c = new(thread)
	}
	th.initChild(c, sm)
	c.shared = c.shared || shared
	if th.e.store != nil {
		c.path = store.ChildThread(th.path, kind, i)
		c.resume = th.x.takeResume(c.path)
	}
	return c
}
