package engine

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Clock is the time source of the engine. Wait states, retry intervals, task timeouts and
// heartbeats all read it, so tests can replace it with a VirtualClock.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// activityTracker is implemented by clocks that need to know when every execution is
// blocked, such as VirtualClock. The engine calls Busy when a goroutine starts running
// and Idle when it blocks or ends.
type activityTracker interface {
	Busy()
	Idle()
	sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the current time.
func (RealClock) Now() time.Time { return time.Now() }

// After waits for d on the wall clock.
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

var _ Clock = RealClock{}

// VirtualClock is a clock for tests. Its time does not move while any engine goroutine runs,
// and it jumps to the next pending timer as soon as all of them are blocked, so a Wait of a
// day finishes at once and no test sleeps.
type VirtualClock struct {
	mu     sync.Mutex
	now    time.Time
	active int
	timers []*virtualTimer
	// nowNanos mirrors now in Unix nanoseconds, so Now reads it without the lock.
	nowNanos atomic.Int64
}

type virtualTimer struct {
	when  time.Time
	ch    chan time.Time
	fired bool
	// tracked timers belong to an engine goroutine, which counts as running again when
	// the timer fires.
	tracked bool
}

// NewVirtualClock returns a virtual clock set to start.
func NewVirtualClock(start time.Time) *VirtualClock {
	c := &VirtualClock{now: start.UTC()}
	c.nowNanos.Store(c.now.UnixNano())
	return c
}

var (
	_ Clock           = (*VirtualClock)(nil)
	_ activityTracker = (*VirtualClock)(nil)
)

// Now returns the virtual time, in UTC.
// unixNano returns Now as Unix nanoseconds, without building a time.Time.
func (c *VirtualClock) unixNano() int64 { return c.nowNanos.Load() }

func (c *VirtualClock) Now() time.Time {
	return time.Unix(0, c.nowNanos.Load()).UTC()
}

// setLocked moves the virtual time to t.
func (c *VirtualClock) setLocked(t time.Time) {
	c.now = t
	c.nowNanos.Store(t.UnixNano())
}

// After returns a channel that receives the virtual time once it reaches now+d.
func (c *VirtualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.addTimer(d, false)
	c.advanceLocked()
	return t.ch
}

// Advance moves the clock forward by d and fires the timers that are due.
func (c *VirtualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(c.now.Add(d))
	c.fireDueLocked()
}

// Busy records that one more engine goroutine is running.
func (c *VirtualClock) Busy() {
	c.mu.Lock()
	c.active++
	c.mu.Unlock()
}

// Idle records that an engine goroutine blocked or ended; when none runs any more, the clock
// jumps to the next timer.
func (c *VirtualClock) Idle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active--
	c.advanceLocked()
}

// sleep blocks the calling engine goroutine for d of virtual time. The goroutine counts as
// idle meanwhile. The timer that wakes it marks it busy again before it runs, so the clock
// cannot jump past other work in between.
func (c *VirtualClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	t := c.addTimer(d, true)
	c.active--
	c.advanceLocked()
	c.mu.Unlock()
	select {
	case <-t.ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		if !t.fired {
			c.removeLocked(t)
			c.active++
		}
		c.mu.Unlock()
		return ctx.Err()
	}
}

func (c *VirtualClock) addTimer(d time.Duration, tracked bool) *virtualTimer {
	t := &virtualTimer{when: c.now.Add(d), ch: make(chan time.Time, 1), tracked: tracked}
	c.timers = append(c.timers, t)
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].when.Before(c.timers[j].when) })
	return t
}

func (c *VirtualClock) removeLocked(t *virtualTimer) {
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return
		}
	}
}

// advanceLocked jumps to the earliest timer while nothing runs.
func (c *VirtualClock) advanceLocked() {
	c.fireDueLocked()
	for c.active <= 0 && len(c.timers) > 0 {
		if c.timers[0].when.After(c.now) {
			c.setLocked(c.timers[0].when)
		}
		c.fireDueLocked()
	}
}

func (c *VirtualClock) fireDueLocked() {
	for len(c.timers) > 0 && !c.timers[0].when.After(c.now) {
		t := c.timers[0]
		c.timers = c.timers[1:]
		t.fired = true
		if t.tracked {
			c.active++
		}
		t.ch <- c.now
	}
}

// AfterFunc runs f in its own goroutine once the virtual time reaches now+d. The clock counts
// f as running until it returns, so it does not jump past the moment f acts on.
func (c *VirtualClock) AfterFunc(d time.Duration, f func()) {
	c.mu.Lock()
	t := c.addTimer(d, true)
	c.mu.Unlock()
	go func() {
		<-t.ch
		defer c.Idle()
		f()
	}()
}

// nanoClock is a clock that gives the time as Unix nanoseconds more cheaply than Now.
type nanoClock interface {
	unixNano() int64
}

// unixNano returns the engine's time in Unix nanoseconds, for history events.
func (e *Engine) unixNano() int64 {
	if e.nanos != nil {
		return e.nanos.unixNano()
	}
	return e.clock.Now().UnixNano()
}
