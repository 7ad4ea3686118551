package engine

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/engine/store"
)

// runAll runs fn for indexes 0..n-1 with at most limit at once (0: all at once) and returns
// each index's failure. With stopOnFail, the first failure cancels the others and no new
// index starts. fn's shared argument is set when indexes run at the same time.
func (th *thread) runAll(ctx context.Context, n, limit int, stopOnFail bool, fn func(ctx context.Context, i int, shared bool) *Failure) []*Failure {
	fails := make([]*Failure, n)
	if n == 0 {
		return fails
	}
	th.publish()
	if limit <= 0 || limit > n {
		limit = n
	}
	if limit == 1 {
		// One at a time: on this goroutine, in index order.
		for i := range n {
			if fails[i] = fn(ctx, i, false); fails[i] != nil && stopOnFail {
				break
			}
		}
		return fails
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next    atomic.Int64
		stopped atomic.Bool
		mu      sync.Mutex
		left    = limit
		done    = newWaiter()
	)
	for range limit {
		th.e.busy()
		go func() {
			for !stopped.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					break
				}
				if f := fn(ctx, i, true); f != nil {
					fails[i] = f
					if stopOnFail {
						stopped.Store(true)
						cancel()
					}
				}
			}
			mu.Lock()
			left--
			last := left == 0
			mu.Unlock()
			if last {
				th.e.wake(done, nil)
			}
			th.e.idle()
		}()
	}
	th.e.await(context.Background(), done, 0)
	return fails
}

// firstFailure returns the failure of the lowest index, preferring real errors over the
// cancellations that the first failure caused.
func firstFailure(fails []*Failure) *Failure {
	var aborted *Failure
	for _, f := range fails {
		if f == nil {
			continue
		}
		if f.Name != "States.Aborted" {
			return f
		}
		if aborted == nil {
			aborted = f
		}
	}
	return aborted
}

func (th *thread) parallel(ctx context.Context, run *stateRun) (outcome, *Failure) {
	st := run.st
	input, states, ctxObj, fail := th.stateInput(run)
	if fail != nil {
		return outcome{}, fail
	}
	if !run.started {
		th.record("ParallelStateStarted", nil)
	}
	if !th.commitStarted(run) {
		return outcome{}, storeFailure()
	}
	results := make([]any, len(st.Branches))
	children := make([]*thread, len(st.Branches))
	fails := th.runAll(ctx, len(st.Branches), 0, true, func(ctx context.Context, i int, shared bool) *Failure {
		child := th.childAt(st.Branches[i], store.KindParallel, i, shared, nil)
		if out, f, ok := th.x.finishedChild(child.path); ok {
			results[i] = out
			return f
		}
		children[i] = child
		out, f := child.runMachine(ctx, input)
		results[i] = out
		child.commitResult(ctx, out, f)
		return f
	})
	th.endChildren()
	for _, c := range children {
		if c != nil && c.prev > th.prev {
			th.prev = c.prev
		}
	}
	if f := firstFailure(fails); f != nil {
		return outcome{}, f
	}
	th.record("ParallelStateSucceeded", nil)
	return th.finishResult(run, states, ctxObj, results)
}

// stateInput computes the effective input of a Parallel or Map state: InputPath then
// Parameters in JSONPath, Arguments in JSONata. states is nil in JSONPath.
func (th *thread) stateInput(run *stateRun) (input any, states, ctxObj map[string]any, fail *Failure) {
	st := run.st
	ctxObj = th.contextObject(run)
	if st.QueryLanguage == asl.JSONata {
		states = th.states(run, run.raw)
		input = run.raw
		if st.HasArguments {
			input, fail = th.jsonata(st.Arguments, states)
		}
		return input, states, ctxObj, fail
	}
	input, fail = th.inputPath(st.InputPath, run.raw, ctxObj)
	if fail == nil && st.HasParameters {
		input, fail = th.template(st.Parameters, input, ctxObj)
	}
	return input, nil, ctxObj, fail
}

// finishResult turns the result of a Task, Parallel or Map state into its outcome.
func (th *thread) finishResult(run *stateRun, states, ctxObj map[string]any, result any) (outcome, *Failure) {
	st := run.st
	if states != nil {
		states["result"] = result
		return th.finishJSONata(run, states, result, st.Next)
	}
	if st.ResultSelector != nil {
		var fail *Failure
		if result, fail = th.template(st.ResultSelector, result, ctxObj); fail != nil {
			return outcome{}, fail
		}
	}
	return th.finishPath(run, ctxObj, result)
}
