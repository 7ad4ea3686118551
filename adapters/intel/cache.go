package intel

import (
	"sync"
	"time"
)

// Cache keeps scored results in memory for a fixed time, keyed by source and indicator.
// Skipped and unavailable results are never stored, so the next lookup tries again.
// The zero TTL disables the cache.
type Cache struct {
	ttl   time.Duration
	clock Clock

	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	result  Result
	expires time.Time
}

// NewCache returns a cache whose entries expire ttl after they were stored, by clock.
func NewCache(ttl time.Duration, clock Clock) *Cache {
	return &Cache{ttl: ttl, clock: clock, entries: map[string]cacheEntry{}}
}

// Get returns the stored result for the indicator, marked Cached, if it has not expired.
func (c *Cache) Get(source, indicator string) (Result, bool) {
	if c == nil || c.ttl <= 0 {
		return Result{}, false
	}
	key := source + "\x00" + indicator
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return Result{}, false
	}
	if !c.clock.Now().Before(e.expires) {
		delete(c.entries, key)
		return Result{}, false
	}
	r := e.result
	r.Cached = true
	return r, true
}

// Put stores a scored result. It ignores skipped and unavailable results.
func (c *Cache) Put(r Result) {
	if c == nil || c.ttl <= 0 || r.Skipped || r.Unavailable {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[r.Source+"\x00"+r.Indicator] = cacheEntry{result: r, expires: c.clock.Now().Add(c.ttl)}
}
