package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/secamo/orchestrator/asl"
)

// startChild runs arn:aws:states:::states:startExecution: a child execution on this engine.
// Without a suffix it returns at once; .sync and .sync:2 wait for the child and return its
// description (with Input and Output as text for .sync, as JSON for .sync:2);
// .waitForTaskToken waits for the token the child's input carries.
func (th *thread) startChild(ctx context.Context, run *stateRun, kind taskKind, params any, timeout, heartbeat time.Duration) (any, *Failure) {
	res := run.st.Resource
	m, _ := params.(map[string]any)
	th.taskEvent("TaskScheduled", res, map[string]any{"region": th.e.opts.Region, "parameters": jsonText{params}})
	arn, _ := m["StateMachineArn"].(string)
	name, _ := m["Name"].(string)
	input := "{}"
	switch v := m["Input"].(type) {
	case nil:
	case string:
		input = v
	default:
		input = jsonString(v)
	}

	// NOTE: with a store, the link from a child execution to this task is not stored, so
	// after a restart the child's end does not reach the task, which then times out.
	var tok *taskToken
	parentToken := ""
	if kind.pattern != "" {
		tok = th.e.registerToken(run.token, th.x)
		defer th.e.dropToken(run.token)
		if kind.pattern != "waitForTaskToken" {
			parentToken = run.token
		}
	}
	pattern := ""
	if parentToken != "" {
		pattern = kind.pattern
	}
	childARN, err := th.e.startExecution(ctx, arn, name, input, parentToken, pattern)
	if err != nil {
		fail := failf("StepFunctions."+errorTypeName(err), err.Error())
		th.taskEvent("TaskStartFailed", res, map[string]any{"error": fail.Name, "cause": fail.Cause})
		return nil, fail
	}
	th.taskEvent("TaskStarted", res, nil)
	if kind.pattern == "" {
		x, _ := th.e.lookup(childARN)
		out := map[string]any{"ExecutionArn": childARN, "StartDate": epochMillis(x.StartDate)}
		th.taskEvent("TaskSucceeded", res, map[string]any{"output": jsonText{out}, "outputDetails": map[string]any{"truncated": false}})
		return out, nil
	}
	x, _ := th.e.lookup(childARN)
	th.taskEvent("TaskSubmitted", res, map[string]any{"output": jsonString(map[string]any{"ExecutionArn": childARN, "StartDate": epochMillis(x.StartDate)})})
	result, fail := th.awaitToken(ctx, tok, timeout, heartbeat)
	if fail != nil && fail.Name == asl.ErrorTimeout {
		// NOTE: the engine stops a .sync child whose parent task timed out; whether AWS
		// stops it too is not verified against a recording.
		_ = th.e.StopExecution(context.WithoutCancel(ctx), childARN, asl.ErrorTimeout, "the parent task timed out")
	}
	th.tokenOutcome(res, result, fail)
	return result, fail
}

// completeChild reports the end of a .sync child execution to the task waiting for it.
func (e *Engine) completeChild(x *execution) {
	x.mu.Lock()
	pattern := x.syncPattern
	desc := map[string]any{
		"ExecutionArn":    x.ExecutionARN,
		"StateMachineArn": x.StateMachineARN,
		"Name":            x.Name,
		"Status":          x.Status,
		"StartDate":       epochMillis(x.StartDate),
		"StopDate":        epochMillis(x.StopDate),
		"Input":           x.Input,
		"InputDetails":    map[string]any{"Included": true},
	}
	if x.Status == StatusSucceeded {
		desc["Output"] = x.Output
		desc["OutputDetails"] = map[string]any{"Included": true}
	} else {
		if x.Error != "" {
			desc["Error"] = x.Error
		}
		if x.Cause != "" {
			desc["Cause"] = x.Cause
		}
	}
	token := x.parentToken
	x.mu.Unlock()
	if pattern == "sync:2" {
		desc["Input"] = x.inputValue
		if out, ok := desc["Output"].(string); ok {
			desc["Output"] = decodeJSON(out)
		}
	}
	msg := tokenResult{output: desc}
	if x.Status != StatusSucceeded {
		// A failed child fails the task with States.TaskFailed and its description as the
		// cause, as the AWS recordings show, even when the child's error is States.Timeout.
		// NOTE: children that timed out or were stopped are treated alike, unverified.
		msg = tokenResult{fail: &Failure{Name: asl.ErrorTaskFailed, Cause: jsonString(desc)}}
	}
	if err := e.deliver(token, msg); err != nil {
		e.log.Debug("parent task no longer waiting for child execution", "execution", x.ExecutionARN, "error", fmt.Sprint(err))
	}
}

// epochMillis writes a time as the startExecution integration does: milliseconds since the
// Unix epoch.
// NOTE: taken from AWS's documented examples; the recordings replace these values with
// placeholders, so the conformance cases cannot confirm the type.
func epochMillis(t time.Time) float64 {
	return float64(t.UnixMilli())
}
