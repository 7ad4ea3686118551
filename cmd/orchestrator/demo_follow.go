package main

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/internal/local"
)

// follower prints the states of an execution and its child executions as they are entered.
type follower struct {
	engine *engine.Engine
	root   string
	printf func(format string, a ...any)

	seen map[string]int // events printed per execution
	once sync.Once
	done chan struct{}

	// waiting is closed once the follower has printed that the execution waits for a
	// decision, so an automatic approval is shown after the states that led to it.
	waiting     chan struct{}
	waitingOnce sync.Once
}

func newFollower(e *engine.Engine, arn string, printf func(string, ...any)) *follower {
	return &follower{engine: e, root: arn, printf: printf, seen: map[string]int{}, done: make(chan struct{}), waiting: make(chan struct{})}
}

// awaitWaiting blocks until the follower has printed the wait for a decision, at most limit.
func (f *follower) awaitWaiting(limit time.Duration) {
	select {
	case <-f.waiting:
	case <-time.After(limit):
	}
}

// stop makes run print what is left and return.
func (f *follower) stop() { f.once.Do(func() { close(f.done) }) }

// run reads the histories every 100 ms until stopped.
func (f *follower) run(ctx context.Context) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		f.poll(ctx)
		select {
		case <-tick.C:
		case <-f.done:
			f.poll(ctx)
			return
		case <-ctx.Done():
			return
		}
	}
}

func (f *follower) poll(ctx context.Context) {
	queue := []string{f.root}
	for len(queue) > 0 {
		arn := queue[0]
		queue = queue[1:]
		h, err := f.engine.GetExecutionHistory(ctx, arn)
		if err != nil {
			continue
		}
		prefix := ""
		if arn != f.root {
			prefix = "  child: "
		}
		for _, ev := range h[f.seen[arn]:] {
			f.print(prefix, ev)
		}
		f.seen[arn] = len(h)
		queue = append(queue, local.ChildExecutions(arn, h)...)
	}
}

func (f *follower) print(prefix string, ev engine.HistoryEvent) {
	switch {
	case strings.HasSuffix(ev.Type, "StateEntered"):
		f.printf("%sstate %s", prefix, ev.Details["name"])
	case ev.Type == "TaskFailed", ev.Type == "ExecutionFailed", ev.Type == "TaskTimedOut":
		f.printf("%s%s: %v %v", prefix, ev.Type, ev.Details["error"], ev.Details["cause"])
	case ev.Type == "TaskSubmitted" && isTokenWait(ev):
		f.printf("%swaiting for the approval decision", prefix)
		f.waitingOnce.Do(func() { close(f.waiting) })
	}
}

// isTokenWait reports whether a TaskSubmitted event is a task that waits for its token.
func isTokenWait(ev engine.HistoryEvent) bool {
	resource, _ := ev.Details["resource"].(string)
	return strings.HasSuffix(strings.ToLower(resource), ".waitfortasktoken")
}
