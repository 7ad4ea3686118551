package intel

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault is an injected failure of the next request.
type Fault struct {
	// Status is the HTTP status of the response, such as 429 or 500; 0 with Delay set responds
	// normally after the delay.
	Status int
	// Code is VirusTotal's error code, such as QuotaExceededError; AbuseIPDB ignores it.
	Code string
	// RetryAfter sets the Retry-After header, in whole seconds, when positive.
	RetryAfter time.Duration
	// Delay holds the response back this long, or until the client cancels the request.
	Delay time.Duration
}

// TooManyRequests is a 429 with Retry-After.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, Code: "TooManyRequestsError", RetryAfter: retryAfter}
}

// QuotaExceeded is a 429 without Retry-After, as VirusTotal sends when a quota is used up.
func QuotaExceeded() Fault {
	return Fault{Status: http.StatusTooManyRequests, Code: "QuotaExceededError"}
}

// ServerError is a 500.
func ServerError() Fault {
	return Fault{Status: http.StatusInternalServerError, Code: "TransientError"}
}

// Slow holds the response back for d, so a client with a shorter timeout gives up first.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// faultQueue is the list of faults that the next requests take, one each.
type faultQueue struct {
	mu     sync.Mutex
	queued []Fault
}

func (q *faultQueue) push(f Fault, times int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for range times {
		q.queued = append(q.queued, f)
	}
}

func (q *faultQueue) pop() (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queued) == 0 {
		return Fault{}, false
	}
	f := q.queued[0]
	q.queued = q.queued[1:]
	return f, true
}

// delay waits for d or until the client cancels the request, and reports whether the
// request is still wanted.
func delay(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	if d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}
