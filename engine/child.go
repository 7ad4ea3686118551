package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/engine/store"
)

// startChild runs arn:aws:states:::states:startExecution: a child execution on this engine.
// Without a suffix it returns at once; .sync and .sync:2 wait for the child and return its
// description (with Input and Output as text for .sync, as JSON for .sync:2);
// .waitForTaskToken waits for the token the child's input carries.
func (th *thread) startChild(ctx context.Context, run *stateRun, kind taskKind, params any, timeout, heartbeat time.Duration) (any, *Failure) {
	res := run.st.Resource
	if run.resumed && th.resume.token != nil && kind.pattern != "" {
		return th.awaitRecoveredChild(ctx, run, res, heartbeat)
	}
	m, _ := params.(map[string]any)
	th.taskEvent("TaskScheduled", res, map[string]any{"region": th.e.opts.Region, "parameters": jsonText{params}})
	arn, _ := m["StateMachineArn"].(string)
	name, _ := m["Name"].(string)
	if name == "" && th.e.store != nil && kind.pattern != "waitForTaskToken" {
		// NOTE: a .waitForTaskToken child keeps a random name: the token in its input is
		// new on each run, so a rerun starts a second child that carries the new token.
		name = th.childName(run)
	}
	input := "{}"
	switch v := m["Input"].(type) {
	case nil:
	case string:
		input = v
	default:
		input = jsonString(v)
	}

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
	// NOTE: with a store, a crash before commitToken below makes this task run again after
	// a restart, with the same child name. A running child is found again and relinked, and
	// one this execution started that has ended gives its outcome to the task.
	childARN, err := th.e.startExecution(ctx, arn, name, input, th.x.ExecutionARN, parentToken, pattern)
	var exists *ExecutionAlreadyExists
	if errors.As(err, &exists) {
		if result, fail, ok := th.adoptEndedChild(ctx, res, kind, childARN); ok {
			return result, fail
		}
	}
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
	if !th.commitToken(run, timeout, heartbeat) {
		return nil, storeFailure()
	}
	tok.stored = th.e.store != nil
	result, fail := th.awaitToken(ctx, tok, timeout, heartbeat)
	th.endChildWait(ctx, childARN, run.token, res, result, fail)
	return result, fail
}

// awaitRecoveredChild waits again for the child execution of a recovered startExecution
// task, whose token was committed after TaskSubmitted. The child keeps its stored link to
// the token, so its end reaches this task.
func (th *thread) awaitRecoveredChild(ctx context.Context, run *stateRun, res string, heartbeat time.Duration) (any, *Failure) {
	token := th.resume.token.Token
	t, timeout := th.recoveredToken()
	defer th.e.dropToken(token)
	result, fail := th.awaitToken(ctx, t, timeout, heartbeat)
	th.endChildWait(ctx, th.e.childOf(token), token, res, result, fail)
	return result, fail
}

// endChildWait records the outcome of a startExecution task that waited on token, and stops
// a .sync child whose task timed out.
func (th *thread) endChildWait(ctx context.Context, childARN, token, res string, result any, fail *Failure) {
	if fail != nil && fail.Name == asl.ErrorTimeout && childARN != "" {
		// NOTE: the engine stops a .sync child whose parent task timed out; whether AWS
		// stops it too is not verified against a recording.
		_ = th.e.StopExecution(context.WithoutCancel(ctx), childARN, asl.ErrorTimeout, "the parent task timed out")
	}
	th.dropTokenLater(token)
	th.tokenOutcome(res, result, fail)
}

// childOf returns the ARN of the running .sync child execution linked to token, or "".
func (e *Engine) childOf(token string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for arn, x := range e.executions {
		x.mu.Lock()
		linked := x.parentToken == token && x.Status == StatusRunning
		x.mu.Unlock()
		if linked {
			return arn
		}
	}
	return ""
}

// relinkChild makes the running execution x the child of the .sync task waiting on
// parentToken, unless a task still waits on its current link. A task that runs again after a restart finds its child from before the
// restart this way, linked to the token of the earlier run.
func (e *Engine) relinkChild(ctx context.Context, x *execution, parentToken, syncPattern string) error {
	e.mu.Lock()
	x.mu.Lock()
	_, waiting := e.tokens[x.parentToken]
	e.mu.Unlock()

	if waiting {
		// Another task still waits for this child, which keeps its link.
		x.mu.Unlock()
		return nil
	}
	x.parentToken, x.syncPattern = parentToken, syncPattern
	reported := x.reported
	x.mu.Unlock()

	if reported {
		// The child ended after StartExecution found it running, and its end went to the
		// old token, which no task waits on.
		e.completeChild(x)
		return nil
	}
	if e.store == nil {
		return nil
	}

	err := e.store.LinkParent(ctx, x.ExecutionARN, parentToken, syncPattern)
	var ended *store.ExecutionDoesNotExist
	if errors.As(err, &ended) {
		// The child ended meanwhile; completeChild reports it to the new token.
		return nil
	}
	if err != nil {
		return fmt.Errorf("linking execution %q to its parent task: %w", x.ExecutionARN, err)
	}
	return nil
}

// completeChild reports the end of a .sync child execution to the task waiting for it.
func (e *Engine) completeChild(x *execution) {
	x.mu.Lock()
	snapshot, pattern, token := x.Execution, x.syncPattern, x.parentToken
	x.reported = true
	x.mu.Unlock()
	if token == "" {
		return
	}
	if err := e.deliver(token, childResult(snapshot, x.inputValue, pattern)); err != nil {
		e.log.Debug("parent task no longer waiting for child execution", "execution", x.ExecutionARN, "error", fmt.Sprint(err))
	}
}

// childResult builds what a .sync (pattern "sync") or .sync:2 task gets from its ended
// child x, whose input parses to inputValue.
func childResult(x Execution, inputValue any, pattern string) tokenResult {
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
	if pattern == "sync:2" {
		desc["Input"] = inputValue
		if out, ok := desc["Output"].(string); ok {
			desc["Output"] = decodeJSON(out)
		}
	}
	if x.Status != StatusSucceeded {
		// A failed child fails the task with States.TaskFailed and its description as the
		// cause, as the AWS recordings show, even when the child's error is States.Timeout.
		// NOTE: children that timed out or were stopped are treated alike, unverified.
		return tokenResult{fail: &Failure{Name: asl.ErrorTaskFailed, Cause: jsonString(desc)}}
	}
	return tokenResult{output: desc}
}

// epochMillis writes a time as the startExecution integration does: milliseconds since the
// Unix epoch.
// NOTE: taken from AWS's documented examples; the recordings replace these values with
// placeholders, so the conformance cases cannot confirm the type.
func epochMillis(t time.Time) float64 {
	return float64(t.UnixMilli())
}
