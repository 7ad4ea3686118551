package engine

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/asl/expr"
)

func (th *thread) pass(run *stateRun) (outcome, *Failure) {
	st := run.st
	if st.QueryLanguage == asl.JSONata {
		return th.finishJSONata(run, th.states(run, run.raw), run.raw, st.Next)
	}
	ctxObj := th.contextObject(run)
	in, fail := th.inputPath(st.InputPath, run.raw, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	result := in
	switch {
	case st.HasResult:
		result = st.Result
	case st.HasParameters:
		if result, fail = th.template(st.Parameters, in, ctxObj); fail != nil {
			return outcome{}, fail
		}
	}
	return th.finishPath(run, ctxObj, result)
}

// finishPath applies Assign, ResultPath and OutputPath to the result of a JSONPath state.
func (th *thread) finishPath(run *stateRun, ctxObj map[string]any, result any) (outcome, *Failure) {
	st := run.st
	assign, fail := th.pathAssign(st.Assign, result, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	out, fail := resultPath(run.raw, st.ResultPath, result)
	if fail != nil {
		return outcome{}, fail
	}
	out, fail = th.outputPath(st.OutputPath, out, ctxObj)
	return outcome{out: out, next: st.Next, assign: assign}, fail
}

func (th *thread) succeed(run *stateRun) (outcome, *Failure) {
	st := run.st
	if st.QueryLanguage == asl.JSONata {
		return th.finishJSONata(run, th.states(run, run.raw), run.raw, "")
	}
	ctxObj := th.contextObject(run)
	in, fail := th.inputPath(st.InputPath, run.raw, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	out, fail := th.outputPath(st.OutputPath, in, ctxObj)
	return outcome{out: out}, fail
}

func (th *thread) choice(run *stateRun) (outcome, *Failure) {
	st := run.st
	if st.QueryLanguage == asl.JSONata {
		states := th.states(run, run.raw)
		for _, rule := range st.Choices {
			cond := rule.Condition
			if _, isBool := cond.(bool); !isBool {
				v, fail := th.jsonata(cond, states)
				if fail != nil {
					return outcome{}, fail
				}
				b, ok := v.(bool)
				if !ok {
					return outcome{}, failf(asl.ErrorQueryEvaluationError, fmt.Sprintf("The Condition of a Choice rule in state '%s' returned %s, not a boolean.", st.Name, jsonString(v)))
				}
				cond = b
			}
			if cond == true {
				res := outcome{out: run.raw, next: rule.Next}
				assign, fail := th.jsonataAssign(rule.Assign, states)
				if fail != nil {
					return res, fail
				}
				res.assign = assign
				if rule.HasOutput {
					res.out, fail = th.jsonata(rule.Output, states)
				}
				return res, fail
			}
		}
		if st.Default == "" {
			return outcome{}, noChoice(st)
		}
		return th.finishJSONata(run, states, run.raw, st.Default)
	}

	ctxObj := th.contextObject(run)
	in, fail := th.inputPath(st.InputPath, run.raw, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	scope := th.scope(in, ctxObj)
	rules := run.plan.choices
	for i, rule := range st.Choices {
		ok, err := rules[i].Eval(scope)
		if err != nil {
			return outcome{}, asFailure(err)
		}
		if !ok {
			continue
		}
		assign, fail := th.pathAssign(rule.Assign, in, ctxObj)
		if fail != nil {
			return outcome{}, fail
		}
		out, fail := th.outputPath(st.OutputPath, in, ctxObj)
		return outcome{out: out, next: rule.Next, assign: assign}, fail
	}
	if st.Default == "" {
		return outcome{}, noChoice(st)
	}
	assign, fail := th.pathAssign(st.Assign, in, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	out, fail := th.outputPath(st.OutputPath, in, ctxObj)
	return outcome{out: out, next: st.Default, assign: assign}, fail
}

func noChoice(st *asl.State) *Failure {
	return failf(asl.ErrorNoChoiceMatched, fmt.Sprintf("No Matches! in state '%s'", st.Name))
}

// maxWaitSeconds is the longest Wait AWS accepts: 2^31-1 seconds, about 24,855 days.
const maxWaitSeconds = math.MaxInt32

func (th *thread) wait(ctx context.Context, run *stateRun) (outcome, *Failure) {
	st := run.st
	var (
		in     = run.raw
		ctxObj = th.contextObject(run)
		states map[string]any
		fail   *Failure
	)
	if st.QueryLanguage == asl.JSONata {
		states = th.states(run, run.raw)
	} else if in, fail = th.inputPath(st.InputPath, run.raw, ctxObj); fail != nil {
		return outcome{}, fail
	}
	until, fail := th.waitUntil(st, in, ctxObj, states)
	if fail != nil {
		return outcome{}, fail
	}
	if run.resumed && th.resume.timer != nil {
		// A recovered Wait keeps the end it had before the restart.
		until = *th.resume.timer
	} else if !th.commitTimer(run, until) {
		return outcome{}, storeFailure()
	}
	if d := until.Sub(th.e.clock.Now()); d > 0 {
		th.publish()
		if err := th.e.sleep(ctx, d); err != nil {
			return outcome{}, failf("States.Aborted", "the execution was stopped")
		}
	}
	if states != nil {
		return th.finishJSONata(run, states, run.raw, st.Next)
	}
	assign, fail := th.pathAssign(st.Assign, in, ctxObj)
	if fail != nil {
		return outcome{}, fail
	}
	out, fail := th.outputPath(st.OutputPath, in, ctxObj)
	return outcome{out: out, next: st.Next, assign: assign}, fail
}

// waitUntil computes the end of a Wait state from whichever of its four forms it uses.
func (th *thread) waitUntil(st *asl.State, in any, ctxObj map[string]any, states map[string]any) (time.Time, *Failure) {
	now := th.e.clock.Now()
	var (
		secs  any
		stamp any
		fail  *Failure
	)
	switch {
	case st.Seconds != nil:
		secs = st.Seconds
		if states != nil {
			if secs, fail = th.jsonata(st.Seconds, states); fail != nil {
				return now, fail
			}
		}
	case st.SecondsPath != "":
		v, err := expr.Query(st.SecondsPath, th.scope(in, ctxObj))
		if err != nil {
			return now, asFailure(err)
		}
		secs = v
	case st.Timestamp != nil:
		stamp = st.Timestamp
		if states != nil {
			if stamp, fail = th.jsonata(st.Timestamp, states); fail != nil {
				return now, fail
			}
		}
	case st.TimestampPath != "":
		v, err := expr.Query(st.TimestampPath, th.scope(in, ctxObj))
		if err != nil {
			return now, asFailure(err)
		}
		stamp = v
	}
	errName := asl.ErrorRuntime
	if states != nil {
		errName = asl.ErrorQueryEvaluationError
	}
	if stamp != nil {
		s, ok := stamp.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if !ok || err != nil {
			return now, failf(errName, fmt.Sprintf("The Timestamp of state '%s' is %s, not an RFC 3339 time such as 2026-01-02T15:04:05Z.", st.Name, jsonString(stamp)))
		}
		if t.Sub(now) > seconds(maxWaitSeconds) {
			return now, failf(asl.ErrorRuntime, fmt.Sprintf("The Timestamp of state '%s' is more than %d seconds in the future.", st.Name, maxWaitSeconds))
		}
		return t, nil
	}
	f, ok := secs.(float64)
	if !ok || f < 0 || f != math.Trunc(f) {
		return now, failf(errName, fmt.Sprintf("The Seconds of state '%s' is %s, not a non-negative integer.", st.Name, jsonString(secs)))
	}
	if f > maxWaitSeconds {
		return now, failf(errName, fmt.Sprintf("The Seconds of state '%s' is %v, more than the maximum %d.", st.Name, f, maxWaitSeconds))
	}
	return now.Add(seconds(f)), nil
}

func (th *thread) failState(run *stateRun) *Failure {
	st := run.st
	f := &Failure{Name: st.Error, Cause: st.Cause}
	if st.QueryLanguage == asl.JSONata {
		states := th.states(run, run.raw)
		for _, field := range []struct {
			src string
			dst *string
		}{{st.Error, &f.Name}, {st.Cause, &f.Cause}} {
			v, fail := th.jsonata(field.src, states)
			if fail != nil {
				return fail
			}
			s, ok := v.(string)
			if !ok {
				return failf(asl.ErrorQueryEvaluationError, fmt.Sprintf("The Error and Cause of state '%s' must be strings, not %s.", st.Name, jsonString(v)))
			}
			*field.dst = s
		}
		return f
	}
	ctxObj := th.contextObject(run)
	for _, field := range []struct {
		path string
		dst  *string
	}{{st.ErrorPath, &f.Name}, {st.CausePath, &f.Cause}} {
		if field.path == "" {
			continue
		}
		var (
			v   any
			err error
		)
		if len(field.path) > 7 && field.path[:7] == "States." {
			v, err = expr.EvalIntrinsic(field.path, th.scope(run.raw, ctxObj))
		} else {
			v, err = expr.Query(field.path, th.scope(run.raw, ctxObj))
		}
		if err != nil {
			return asFailure(err)
		}
		s, ok := v.(string)
		if !ok {
			return failf(asl.ErrorRuntime, fmt.Sprintf("The path '%s' of state '%s' returned %s, not a string.", field.path, st.Name, jsonString(v)))
		}
		*field.dst = s
	}
	return f
}
