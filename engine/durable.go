package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secamo/orchestrator/asl"
	"github.com/secamo/orchestrator/engine/store"
)

// resumePoint is the stored position of a recovered thread: its checkpoint and its pending
// timer or task token.
type resumePoint struct {
	pos       Position
	retries   []int
	enteredID int64
	lastID    int64
	timer     *time.Time
	token     *store.Token
}

// storeFailure is the failure of a state whose transition could not be committed. The
// execution then stops in memory; the store keeps its last committed step.
func storeFailure() *Failure {
	return failf(asl.ErrorRuntime, "the engine could not write the transition to its store; see the engine log")
}

// Close stops every running execution without writing anything more to the store, as if the
// process ended. With a store, Recover on a new engine continues them.
func (e *Engine) Close() {
	e.commits.Lock()
	e.closed.Store(true)
	e.commits.Unlock()
	e.mu.Lock()
	running := make([]*execution, 0, len(e.executions))
	for _, x := range e.executions {
		running = append(running, x)
	}
	e.mu.Unlock()
	for _, x := range running {
		x.cancel(errEngineClosed)
	}
}

var errEngineClosed = errors.New("engine closed")

// commit writes the thread's buffered events and step in one transaction and appends the
// events to the in-memory history. It reports false when nothing was written.
func (th *thread) commit(step store.Step) bool {
	e, x := th.e, th.x
	if e.store == nil {
		return true
	}
	e.commits.RLock()
	defer e.commits.RUnlock()
	if e.closed.Load() {
		return false
	}
	if n := th.next; n != nil {
		step.RemoveTokens = append(step.RemoveTokens, n.tokens...)
		step.RemoveTimers = append(step.RemoveTimers, n.timers...)
		step.EndChildren = append(step.EndChildren, n.children...)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	events, last := th.numberEvents(int64(x.history.len()))
	if c := step.Checkpoint; c != nil {
		c.LastEventID = last
		if c.EnteredEventID < 0 {
			c.EnteredEventID = last
		}
	}

	step.ExecutionARN = x.ExecutionARN
	step.Events = events
	if err := e.store.Commit(context.Background(), step); err != nil {
		e.log.Error("transition not committed", "execution", x.ExecutionARN, "thread", th.path, "error", err)
		return false
	}
	for _, ev := range th.buf {
		x.history.append(ev)
	}
	x.history.publish()
	th.prev = last
	th.buf = th.buf[:0]
	th.next = nil
	return true
}

// numberEvents gives the buffered events the ids after lastID and returns them in the
// store's form with the id of the thread's last event. The caller holds x.mu.
func (th *thread) numberEvents(lastID int64) ([]store.Event, int64) {
	events := make([]store.Event, len(th.buf))
	prev := th.prev
	for i := range th.buf {
		ev := &th.buf[i]
		ev.id = lastID + int64(i) + 1
		ev.prev = prev
		prev = ev.id
		events[i] = store.Event{ID: ev.id, PreviousEventID: ev.prev, Timestamp: ev.timestamp(), Type: ev.typ}
		if details := ev.render().Details; details != nil {
			events[i].Details, _ = json.Marshal(details)
		}
	}
	return events, prev
}

// removals are the tokens, timers and children a thread drops with its next commit.
type removals struct{ tokens, timers, children []string }

// later returns the removals of th's next commit, or nil without a store.
func (th *thread) later() *removals {
	if th.e.store == nil {
		return nil
	}
	if th.next == nil {
		th.next = &removals{}
	}
	return th.next
}

// dropTimerLater removes the thread's timer with its next commit.
func (th *thread) dropTimerLater() {
	if r := th.later(); r != nil {
		r.timers = append(r.timers, th.path)
	}
}

// dropTokenLater removes a task token that has its outcome with the thread's next commit.
func (th *thread) dropTokenLater(token string) {
	if r := th.later(); r != nil {
		r.tokens = append(r.tokens, token)
	}
}

// checkpoint returns the checkpoint of a thread in run. An enteredID below 0 means the
// last event of the commit.
func (th *thread) checkpoint(run *stateRun, enteredID int64, started bool) *store.Checkpoint {
	pos, err := json.Marshal(Position{State: run.st.Name, Input: run.raw, Vars: th.vars, Started: started})
	if err != nil {
		pos = []byte("null")
	}
	return &store.Checkpoint{Thread: th.path, Position: pos, Retries: run.attempts, EnteredEventID: enteredID}
}

// commitEntered commits the events up to a state's Entered event with the thread's new
// position, and sets the run's entered event id.
func (th *thread) commitEntered(run *stateRun) bool {
	if !th.commit(store.Step{Checkpoint: th.checkpoint(run, -1, false)}) {
		return false
	}
	if !th.silent {
		run.enteredID = th.prev
	}
	return true
}

// commitStarted commits a Map or Parallel state's Started events before its children run.
func (th *thread) commitStarted(run *stateRun) bool {
	if th.e.store == nil {
		return true
	}
	return th.commit(store.Step{Checkpoint: th.checkpoint(run, run.enteredID, true)})
}

// commitTimer commits a Wait state's end or a retry's next attempt as a timer.
func (th *thread) commitTimer(run *stateRun, at time.Time) bool {
	if th.e.store == nil {
		return true
	}
	step := store.Step{
		Checkpoint: th.checkpoint(run, run.enteredID, false),
		SetTimers:  []store.Timer{{ExecutionARN: th.x.ExecutionARN, Thread: th.path, FireAt: at}},
	}
	if !th.commit(step) {
		return false
	}
	th.dropTimerLater()
	return true
}

// commitToken commits the pending task token of a waitForTaskToken task.
func (th *thread) commitToken(run *stateRun, timeout, heartbeat time.Duration) bool {
	if th.e.store == nil {
		return true
	}
	tok := store.Token{Token: run.token, ExecutionARN: th.x.ExecutionARN, Thread: th.path}
	if timeout > 0 {
		tok.Deadline = time.Unix(0, run.entered).UTC().Add(timeout)
	}
	if heartbeat > 0 {
		tok.HeartbeatDeadline = th.e.clock.Now().Add(heartbeat)
	}
	return th.commit(store.Step{AddTokens: []store.Token{tok}})
}

// commitHeartbeat stores the new heartbeat deadline of a stored task token.
func (th *thread) commitHeartbeat(t *taskToken, deadline time.Time) {
	if th.e.store == nil || !t.stored {
		return
	}
	th.commit(store.Step{Heartbeats: []store.Token{{Token: t.id, ExecutionARN: th.x.ExecutionARN, Thread: th.path, HeartbeatDeadline: deadline}}})
}

// commitResult commits the end of a Map iteration or Parallel branch with its result. An
// iteration cut short because the execution stopped keeps its checkpoint instead.
func (th *thread) commitResult(ctx context.Context, out any, f *Failure) {
	if th.e.store == nil || ctx.Err() != nil {
		return
	}
	r := store.BranchResult{Thread: th.path}
	if f != nil {
		r.Error, r.Cause = f.Name, f.Cause
	} else {
		r.Output = json.RawMessage(jsonString(out))
	}
	th.commit(store.Step{EndThreads: []string{th.path}, Results: []store.BranchResult{r}})
}

// endChildren drops the finished children of a Map or Parallel state with the next commit.
func (th *thread) endChildren() {
	if r := th.later(); r != nil {
		r.children = append(r.children, th.path)
		th.x.dropRecovered(th.path)
	}
}

// commitEnd commits the execution's last events and its end. It reports false when the
// engine is closed, so the end stays unrecorded in memory too.
func (th *thread) commitEnd(status string, out any, f *Failure) bool {
	if th.e.store == nil {
		return true
	}
	end := &store.ExecutionEnd{Status: status, StoppedAt: th.e.clock.Now()}
	if status == StatusSucceeded {
		end.Output = jsonString(out)
	}
	if f != nil {
		end.Error, end.Cause = f.Name, f.Cause
	}
	// A failed write still ends the execution in memory, unless the engine was closed.
	return th.commit(store.Step{End: end}) || !th.e.closed.Load()
}

// takeResume returns the recovered position of thread path and removes it, so only one
// thread resumes from it.
func (x *execution) takeResume(path string) *resumePoint {
	x.mu.Lock()
	defer x.mu.Unlock()
	r := x.resumes[path]
	delete(x.resumes, path)
	return r
}

// dropRecovered discards the recovered results and positions of the threads under path that
// no child took, so a retry of the Map or Parallel state starts them afresh.
func (x *execution) dropRecovered(path string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for thread := range x.results {
		if under(thread, path) {
			delete(x.results, thread)
		}
	}
	for thread := range x.resumes {
		if under(thread, path) {
			delete(x.resumes, thread)
		}
	}
}

// under reports whether thread lies strictly under parent.
func under(thread, parent string) bool {
	if parent == "" {
		return thread != ""
	}
	return strings.HasPrefix(thread, parent+"/")
}

// finishedChild returns the recovered result of a finished iteration or branch.
func (x *execution) finishedChild(path string) (any, *Failure, bool) {
	if path == "" {
		return nil, nil, false // not a recovered thread: the engine has no store
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	r, ok := x.results[path]
	if !ok {
		return nil, nil, false
	}
	delete(x.results, path)
	if r.Error != "" || r.Output == nil {
		return nil, &Failure{Name: r.Error, Cause: r.Cause}, true
	}
	return decodeJSON(string(r.Output)), nil, true
}

// resumeTop continues a recovered top-level thread.
func (th *thread) resumeTop(ctx context.Context, input any) {
	th.prev = th.resume.lastID
	th.runTop(ctx, input)
}

// resumeStep continues the state a recovered thread was in, without recording its Entered
// event again.
func (th *thread) resumeStep(ctx context.Context, st *asl.State) (string, any, *Failure) {
	r := th.resume
	defer func() { th.resume = nil }()
	th.prev = r.lastID
	run := &stateRun{st: st, plan: th.plan(st), raw: r.pos.Input, enteredID: r.enteredID, resumed: true, started: r.pos.Started, entered: th.e.unixNano()}
	if ev, ok := th.x.event(r.enteredID); ok {
		run.entered = ev.at
	}
	if len(st.Retry) > 0 {
		run.attempts = make([]int, len(st.Retry))
		copy(run.attempts, r.retries)
		for _, n := range r.retries {
			run.retryCount += n
		}
	}
	if r.timer != nil && st.Type != asl.TypeWait {
		// A retry interval: wait out what is left of it, then try again.
		if d := r.timer.Sub(th.e.clock.Now()); d > 0 {
			if err := th.e.sleep(ctx, d); err != nil {
				return "", nil, failf("States.Aborted", "the execution was stopped")
			}
		}
		th.dropTimerLater()
	}
	return th.attempt(ctx, run)
}

// awaitRecovered waits again for the task token a recovered Task state was waiting on,
// within what is left of its timeout and heartbeat.
func (th *thread) awaitRecovered(ctx context.Context, run *stateRun, res string, heartbeat time.Duration) (any, *Failure) {
	tok := th.resume.token
	t, timeout := th.recoveredToken()
	defer th.e.dropToken(tok.Token)
	result, fail := th.awaitToken(ctx, t, timeout, heartbeat)
	th.dropTokenLater(tok.Token)
	th.tokenOutcome(res, result, fail)
	return result, fail
}

// recoveredToken returns the registered task token of a recovered Task state and what is
// left of its timeout.
func (th *thread) recoveredToken() (*taskToken, time.Duration) {
	tok := th.resume.token
	th.e.mu.Lock()
	t, ok := th.e.tokens[tok.Token]
	th.e.mu.Unlock()
	if !ok {
		t = th.e.registerToken(tok.Token, th.x)
	}
	t.mu.Lock()
	t.stored, t.beatDeadline = true, tok.HeartbeatDeadline
	t.mu.Unlock()
	timeout := time.Duration(0)
	if !tok.Deadline.IsZero() {
		timeout = max(tok.Deadline.Sub(th.e.clock.Now()), time.Nanosecond)
	}
	return t, timeout
}

// event returns the recorded event with id.
func (x *execution) event(id int64) (event, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.released || id < 1 || id > int64(x.history.len()) {
		return event{}, false
	}
	i := int(id - 1)
	return x.history.at(i), true
}

// createStored writes a new execution to the store. created is false when a running
// execution with the same name and input exists there, which StartExecution then returns.
func (e *Engine) createStored(ctx context.Context, x *execution) (bool, error) {
	_, created, err := e.store.CreateExecution(ctx, store.Execution{
		ARN: x.ExecutionARN, Name: x.Name, StateMachineARN: x.StateMachineARN,
		Input: x.Input, Status: store.StatusRunning, StartedAt: x.StartDate,
		ParentToken: x.parentToken, SyncPattern: x.syncPattern, ParentExecution: x.parentARN,
	})
	var exists *store.ExecutionAlreadyExists
	if errors.As(err, &exists) {
		return false, &ExecutionAlreadyExists{Message: fmt.Sprintf("execution %q already exists", x.ExecutionARN)}
	}
	if err != nil {
		return false, fmt.Errorf("saving execution %q: %w", x.ExecutionARN, err)
	}
	return created, nil
}
