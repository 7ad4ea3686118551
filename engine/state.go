package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/secamo/orchestrator/asl"
)

// maxPayloadBytes is the Step Functions limit on a state's input or output: 256 KiB.
const maxPayloadBytes = 256 * 1024

// stateRun is one run of a state: its raw input, the facts the context object shows and the
// attempts counted per retrier. Together with the thread's Position it is what a store must
// save to resume a state between retries.
type stateRun struct {
	st         *asl.State
	plan       *statePlan
	raw        any
	entered    int64 // Unix nanoseconds
	enteredID  int64
	retryCount int
	attempts   []int // per Retry entry, the retries made so far
	token      string
	// resumed is set for the first attempt of a state run recovered from the store.
	resumed bool
	started bool // a recovered Map or Parallel state already recorded its Started event
}

// outcome is the result of a state run: its output, the next state ("" at the end) and the
// variables it assigns, which take effect after the state.
type outcome struct {
	out    any
	next   string
	assign map[string]any
	// measured is set when out is known to be within the payload limit.
	measured bool
}

// step runs one state with its retries and catchers: one transition of the thread.
func (th *thread) step(ctx context.Context, st *asl.State, raw any) (string, any, *Failure) {
	// The thread's one stateRun is reused: a thread runs one state at a time, and nothing
	// keeps a stateRun after its state ends.
	run := &th.run
	*run = stateRun{st: st, plan: th.plan(st), raw: raw, entered: th.e.unixNano()}
	run.enteredID = th.recordState(run.plan.entered, st.Name, raw, nil)
	if len(st.Retry) > 0 {
		run.attempts = make([]int, len(st.Retry))
	}
	if th.e.store != nil && !th.commitEntered(run) {
		return "", nil, storeFailure()
	}
	next, out, fail := th.attempt(ctx, run)
	th.publish()
	return next, out, fail
}

// attempt runs a state that was entered, with its retries and catchers.
func (th *thread) attempt(ctx context.Context, run *stateRun) (string, any, *Failure) {
	st := run.st
	for {
		res, fail := th.execute(ctx, run)
		run.resumed, run.started = false, false
		if fail == nil && !res.measured {
			fail = checkSize(st, res.out)
		}
		if fail == nil {
			return th.exit(run, res), res.out, nil
		}
		if ctx.Err() != nil {
			return "", nil, fail
		}
		if fail.Name == asl.ErrorRuntime && !strings.HasPrefix(fail.Cause, "An error occurred") {
			fail.Cause = fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). %s", st.Name, run.enteredID, fail.Cause)
		}
		if delay, ok := th.retryDelay(st, run.attempts, fail); ok {
			if !th.commitTimer(run, th.e.clock.Now().Add(delay)) {
				return "", nil, storeFailure()
			}
			th.publish()
			if err := th.e.sleep(ctx, delay); err != nil {
				return "", nil, fail
			}
			run.retryCount++
			continue
		}
		if fail.Name == asl.ErrorQueryEvaluationError {
			th.record("EvaluationFailed", map[string]any{"error": fail.Name, "cause": fail.Cause, "state": st.Name})
		}
		if (st.Type == asl.TypeMap || st.Type == asl.TypeParallel) && fail.Name != asl.ErrorRuntime {
			th.record(st.Type+"StateFailed", nil)
		}
		for _, c := range st.Catch {
			if !matches(c.ErrorEquals, fail.Name) {
				continue
			}
			res, cfail := th.caught(run, c, fail)
			if cfail != nil {
				return "", nil, cfail
			}
			return th.exit(run, res), res.out, nil
		}
		return "", nil, fail
	}
}

// exit applies the state's assignments, records its exit and returns the next state.
func (th *thread) exit(run *stateRun, res outcome) string {
	if len(res.assign) > 0 && th.vars == nil {
		th.vars = make(map[string]any, len(res.assign))
	}
	for k, v := range res.assign {
		th.vars[k] = v
	}
	if run.st.Type != asl.TypeFail {
		th.recordState(run.plan.exited, run.st.Name, res.out, res.assign)
	}
	return res.next
}

// checkSize fails a Pass or Task state whose output is over the payload limit. A Pass state
// that only passes on its input or a part of it (no Result, Parameters, Output, or ResultPath
// other than null) is not measured, because its output is no larger than its input.
func checkSize(st *asl.State, out any) *Failure {
	switch {
	case st.Type == asl.TypePass && !st.HasResult && !st.HasParameters && !st.HasOutput &&
		(!st.ResultPath.Set || st.ResultPath.Null):
		return nil
	case st.Type != asl.TypePass && st.Type != asl.TypeTask:
		return nil
	}
	if exceedsPayloadLimit(out) {
		return failf(asl.ErrorDataLimitExceeded, fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", st.Name))
	}
	return nil
}

// matches reports whether an ErrorEquals list matches the error name. States.ALL matches every
// error except States.Runtime, which AWS never retries or catches; States.TaskFailed matches
// every error except States.Timeout.
func matches(list []string, name string) bool {
	if name == asl.ErrorRuntime {
		return false
	}
	for _, want := range list {
		switch {
		case want == name, want == asl.ErrorAll:
			return true
		case want == asl.ErrorTaskFailed && name != asl.ErrorTimeout && !strings.HasPrefix(name, "States."):
			return true
		}
	}
	return false
}

// retryDelay returns the wait before the next attempt when a retrier matches fail and has
// attempts left, and counts the attempt.
func (th *thread) retryDelay(st *asl.State, attempts []int, fail *Failure) (time.Duration, bool) {
	for i, r := range st.Retry {
		if !matches(r.ErrorEquals, fail.Name) {
			continue
		}
		if attempts[i] >= r.MaxAttempts {
			return 0, false
		}
		delay := r.IntervalSeconds * math.Pow(r.BackoffRate, float64(attempts[i]))
		if r.MaxDelaySeconds > 0 && delay > r.MaxDelaySeconds {
			delay = r.MaxDelaySeconds
		}
		if r.JitterStrategy == "FULL" {
			delay = rand.Float64() * delay
		}
		attempts[i]++
		return seconds(delay), true
	}
	return 0, false
}

func seconds(s float64) time.Duration {
	if s > float64(math.MaxInt64/int64(time.Second)) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(s * float64(time.Second))
}

// caught builds the output of a state whose error a catcher matched.
func (th *thread) caught(run *stateRun, c asl.Catcher, fail *Failure) (outcome, *Failure) {
	errorOutput := map[string]any{"Error": fail.Name, "Cause": fail.Cause}
	res := outcome{next: c.Next}
	if run.st.QueryLanguage == asl.JSONata {
		states := th.states(run, run.raw)
		states["errorOutput"] = errorOutput
		res.out = errorOutput
		if c.HasOutput {
			out, err := th.jsonata(c.Output, states)
			if err != nil {
				return res, err
			}
			res.out = out
		}
		assign, err := th.jsonataAssign(c.Assign, states)
		res.assign = assign
		return res, err
	}
	assign, err := th.pathAssign(c.Assign, errorOutput, th.contextObject(run))
	if err != nil {
		return res, err
	}
	res.assign = assign
	out, err := resultPath(run.raw, c.ResultPath, errorOutput)
	res.out = out
	return res, err
}

// execute runs the body of a state once and returns its outcome. A panic in the engine or in
// an expression evaluator fails the state with States.Runtime instead of ending the process.
func (th *thread) execute(ctx context.Context, run *stateRun) (res outcome, fail *Failure) {
	defer func() {
		if v := recover(); v != nil {
			th.e.log.Error("panic while running a state", "execution", th.x.ExecutionARN, "state", run.st.Name, "panic", fmt.Sprint(v))
			res, fail = outcome{}, failf(asl.ErrorRuntime, fmt.Sprintf("internal error in the local engine: %v", v))
		}
	}()
	st := run.st
	switch st.Type {
	case asl.TypePass:
		return th.pass(run)
	case asl.TypeChoice:
		return th.choice(run)
	case asl.TypeWait:
		return th.wait(ctx, run)
	case asl.TypeSucceed:
		return th.succeed(run)
	case asl.TypeFail:
		return outcome{}, th.failState(run)
	case asl.TypeTask:
		return th.task(ctx, run)
	case asl.TypeParallel:
		return th.parallel(ctx, run)
	case asl.TypeMap:
		return th.mapState(ctx, run)
	}
	return outcome{}, failf(asl.ErrorRuntime, "unknown state type "+st.Type)
}

// contextObject builds the context object ($$, $states.context) of a state run. It returns
// nil for a state whose fields never read it.
func (th *thread) contextObject(run *stateRun) map[string]any {
	if !run.plan.readsContext {
		return nil
	}
	return th.buildContextObject(run)
}

func (th *thread) buildContextObject(run *stateRun) map[string]any {
	x := th.x
	c := map[string]any{
		"Execution": map[string]any{
			"Id":           x.ExecutionARN,
			"Input":        x.input(),
			"Name":         x.Name,
			"RoleArn":      "arn:aws:iam::" + th.e.opts.Account + ":role/orchestrator-local",
			"StartTime":    formatTime(x.StartDate),
			"RedriveCount": 0.0,
		},
		"State": map[string]any{
			"EnteredTime": formatTime(time.Unix(0, run.entered)),
			"Name":        run.st.Name,
		},
		"StateMachine": map[string]any{
			"Id":   x.machine.arn,
			"Name": x.machine.name,
		},
	}
	if st := run.st.Type; st == asl.TypeTask || st == asl.TypeParallel || st == asl.TypeMap {
		// Only the states that can retry have State.RetryCount, as the AWS recordings show.
		c["State"].(map[string]any)["RetryCount"] = float64(run.retryCount)
	}
	if run.token != "" {
		c["Task"] = map[string]any{"Token": run.token}
	}
	if th.item != nil {
		c["Map"] = map[string]any{"Item": th.item.contextValue()}
	}
	return c
}

// formatTime writes a time as AWS writes it in the context object: RFC 3339, UTC, milliseconds.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
