package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/secamo/orchestrator/asl"
)

// taskToken is a task waiting for SendTaskSuccess, SendTaskFailure or a child execution.
type taskToken struct {
	x        *execution
	mu       sync.Mutex
	waiter   *waiter // set while the task waits for its next message
	pending  []any   // messages (tokenResult, heartbeat) that arrived while no waiter was set
	timedOut bool

	// With a store: id is the token, stored is set once it is committed, and beatDeadline
	// is the heartbeat deadline a recovered token had before the restart.
	id           string
	stored       bool
	beatDeadline time.Time
}

type tokenResult struct {
	output any
	fail   *Failure
}

type heartbeat struct{}

func (e *Engine) newToken() string { return newID() + newID() }

func (e *Engine) registerToken(token string, x *execution) *taskToken {
	t := &taskToken{x: x, id: token}
	e.mu.Lock()
	e.tokens[token] = t
	e.mu.Unlock()
	return t
}

func (e *Engine) dropToken(token string) {
	e.mu.Lock()
	delete(e.tokens, token)
	e.mu.Unlock()
}

// maxTaskTokenLength is the longest task token SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat accept, as in the Step Functions API reference.
const maxTaskTokenLength = 2048

// deliver hands a message to the task waiting on token.
func (e *Engine) deliver(token string, msg any) error {
	if token == "" || len(token) > maxTaskTokenLength {
		return &InvalidToken{Message: fmt.Sprintf("task token is empty or longer than %d characters", maxTaskTokenLength)}
	}
	e.mu.Lock()
	t, ok := e.tokens[token]
	e.mu.Unlock()
	if !ok {
		return &TaskDoesNotExist{Message: "no task is waiting for this task token; it finished, timed out or never existed"}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timedOut {
		return &TaskTimedOut{Message: "the task of this task token timed out"}
	}
	if t.waiter != nil && e.wake(t.waiter, msg) {
		t.waiter = nil
		return nil
	}
	t.pending = append(t.pending, msg)
	return nil
}

// SendTaskSuccess completes the task waiting on token with output (JSON text).
func (e *Engine) SendTaskSuccess(ctx context.Context, token, output string) error {
	var v any
	if err := json.Unmarshal([]byte(output), &v); err != nil {
		return &InvalidOutput{Message: fmt.Sprintf("task output is not valid JSON: %v", err)}
	}
	return e.deliver(token, tokenResult{output: v})
}

// SendTaskFailure fails the task waiting on token with an error name and cause.
func (e *Engine) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	return e.deliver(token, tokenResult{fail: &Failure{Name: errorName, Cause: cause}})
}

// SendTaskHeartbeat reports that the worker of the task waiting on token is still alive,
// which restarts the task's HeartbeatSeconds timer.
func (e *Engine) SendTaskHeartbeat(ctx context.Context, token string) error {
	return e.deliver(token, heartbeat{})
}

// awaitToken waits for the result of a task token within the task's timeout and heartbeat.
// A timeout and a missed heartbeat both fail with States.Timeout, as on AWS.
func (th *thread) awaitToken(ctx context.Context, t *taskToken, timeout, beat time.Duration) (any, *Failure) {
	th.publish()
	e := th.e
	start := e.clock.Now()
	lastBeat := start
	if !t.beatDeadline.IsZero() && beat > 0 {
		lastBeat = t.beatDeadline.Add(-beat)
	}
	for {
		limit := time.Duration(0)
		if timeout > 0 {
			limit = timeout - e.clock.Now().Sub(start)
		}
		if beat > 0 {
			if left := beat - e.clock.Now().Sub(lastBeat); limit == 0 || left < limit {
				limit = left
			}
		}
		t.mu.Lock()
		var msg any
		if len(t.pending) > 0 {
			msg, t.pending = t.pending[0], t.pending[1:]
			t.mu.Unlock()
		} else {
			w := newWaiter()
			t.waiter = w
			t.mu.Unlock()
			if limit < 0 {
				limit = time.Nanosecond
			}
			msg = e.await(ctx, w, limit)
			t.mu.Lock()
			t.waiter = nil
			if _, ok := msg.(errTimedOut); ok {
				t.timedOut = true
			}
			t.mu.Unlock()
		}
		switch m := msg.(type) {
		case tokenResult:
			return m.output, m.fail
		case heartbeat:
			lastBeat = e.clock.Now()
			th.commitHeartbeat(t, lastBeat.Add(beat))
		case errTimedOut:
			// AWS reports a missed heartbeat as States.Timeout too, not States.HeartbeatTimeout.
			return nil, failf(asl.ErrorTimeout, "")
		case error:
			return nil, failf("States.Aborted", "the execution was stopped")
		}
	}
}
