package engine

import (
	"context"
	"sync"
	"time"
)

// busy and idle tell an activity-tracking clock when an engine goroutine starts and stops
// running; see VirtualClock.
func (e *Engine) busy() {
	if e.tracker != nil {
		e.tracker.Busy()
	}
}

func (e *Engine) idle() {
	if e.tracker != nil {
		e.tracker.Idle()
	}
}

// sleep blocks the calling engine goroutine for d on the engine's clock.
func (e *Engine) sleep(ctx context.Context, d time.Duration) error {
	if e.tracker != nil {
		return e.tracker.sleep(ctx, d)
	}
	if _, real := e.clock.(RealClock); real {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case <-e.clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// withTimeout returns a context that ends after d on the engine's clock.
func (e *Engine) withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	e.busy()
	go func() {
		defer e.idle()
		if e.sleep(ctx, d) == nil {
			cancel()
		}
	}()
	return ctx, cancel
}

// waiter is a one-shot wake-up for an engine goroutine blocked on something other than a
// timer: a task token, the end of child branches, a free worker. The goroutine that wakes it
// marks it busy first, so an activity-tracking clock never finds every goroutine idle in
// between.
type waiter struct {
	mu    sync.Mutex
	done  bool
	value any
	ch    chan struct{}
}

func newWaiter() *waiter { return &waiter{ch: make(chan struct{})} }

// wake delivers value; it returns false when the waiter already woke.
func (e *Engine) wake(w *waiter, value any) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return false
	}
	w.done = true
	w.value = value
	e.busy()
	close(w.ch)
	return true
}

// errTimedOut is the value of a waiter woken by its timeout.
type errTimedOut struct{}

// await blocks until w is woken, timeout passes (0 means none) or ctx ends, and returns the
// value it was woken with: errTimedOut{} for the timeout, ctx.Err() for the context.
func (e *Engine) await(ctx context.Context, w *waiter, timeout time.Duration) any {
	if timeout > 0 {
		tctx, cancel := context.WithCancel(ctx)
		defer cancel()
		e.busy()
		go func() {
			err := e.sleep(tctx, timeout)
			if err != nil || !e.wake(w, errTimedOut{}) {
				e.idle()
				return
			}
			e.idle()
		}()
	}
	e.idle()
	select {
	case <-w.ch:
		return w.value
	case <-ctx.Done():
		w.mu.Lock()
		woken := w.done
		w.done = true
		w.mu.Unlock()
		if woken {
			return w.value
		}
		e.busy()
		return ctx.Err()
	}
}

// semaphore bounds the number of handlers running at once.
type semaphore struct {
	e       *Engine
	mu      sync.Mutex
	free    int
	waiting []*waiter
}

func newSemaphore(e *Engine, n int) *semaphore { return &semaphore{e: e, free: n} }

func (s *semaphore) acquire(ctx context.Context) error {
	s.mu.Lock()
	if s.free > 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	w := newWaiter()
	s.waiting = append(s.waiting, w)
	s.mu.Unlock()
	if err, ok := s.e.await(ctx, w, 0).(error); ok {
		s.mu.Lock()
		for i, x := range s.waiting {
			if x == w {
				s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
		return err
	}
	return nil
}

func (s *semaphore) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.waiting) > 0 {
		w := s.waiting[0]
		s.waiting = s.waiting[1:]
		if s.e.wake(w, nil) {
			return
		}
	}
	s.free++
}
