package ticketing

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// FaultKind selects what an injected fault does.
type FaultKind string

// Fault kinds.
const (
	// ExpiredCredentials returns 401 as the vendor does for an expired token or key.
	ExpiredCredentials FaultKind = "expired-credentials"
	// Throttle returns 429 with the fault's Retry-After.
	Throttle FaultKind = "throttle"
	// MissingTicket returns 404 with the vendor's not-found body.
	MissingTicket FaultKind = "missing-ticket"
	// Rejected returns 400 with the vendor's validation-error body.
	Rejected FaultKind = "rejected"
	// FailureWithOK returns HTTP 200 with a body that reports failure; ServiceDesk Plus does
	// this, and the other emulators write their error body with status 200.
	FailureWithOK FaultKind = "failure-with-ok"
	// SlowResponse handles the request, then holds the response until the client gives up
	// or the emulator's slow delay passes: the change is made but the client never hears.
	SlowResponse FaultKind = "slow-response"
)

// Fault is one injected failure.
type Fault struct {
	Kind FaultKind
	// Method limits the fault to requests with this HTTP method; empty matches any.
	Method string
	// PathContains limits the fault to request paths containing it; empty matches any.
	PathContains string
	// Times is how many matching requests the fault hits; zero means one.
	Times int
	// RetryAfter is the Retry-After header of Throttle, such as "2" or "2.128".
	RetryAfter string
}

// Faults is a queue of injected faults, safe for concurrent use.
type Faults struct {
	mu    sync.Mutex
	queue []*Fault
}

// Inject adds a fault; faults apply in the order injected.
func (f *Faults) Inject(fault Fault) {
	if fault.Times <= 0 {
		fault.Times = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, &fault)
}

// Clear removes every pending fault.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = nil
}

// take consumes one hit of the first fault matching r.
func (f *Faults) take(r *http.Request) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, fault := range f.queue {
		if fault.Method != "" && fault.Method != r.Method {
			continue
		}
		if fault.PathContains != "" && !strings.Contains(r.URL.Path, fault.PathContains) {
			continue
		}
		fault.Times--
		if fault.Times == 0 {
			f.queue = append(f.queue[:i], f.queue[i+1:]...)
		}
		return *fault, true
	}
	return Fault{}, false
}

// Vendor is the part of an emulator the middleware calls.
type Vendor interface {
	// Authenticate reports whether the request carries the configured credentials.
	Authenticate(r *http.Request) bool
	// WriteError writes the vendor's error body for the fault kind with the given status.
	WriteError(w http.ResponseWriter, status int, kind FaultKind, message string)
}

// DefaultSlowDelay is how long a SlowResponse holds the response when the client waits.
const DefaultSlowDelay = 10 * time.Second

// Middleware applies injected faults and the credential check before next.
func Middleware(v Vendor, faults *Faults, slowDelay time.Duration, next http.Handler) http.Handler {
	if slowDelay <= 0 {
		slowDelay = DefaultSlowDelay
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fault, ok := faults.take(r)
		if !ok {
			if !v.Authenticate(r) {
				v.WriteError(w, http.StatusUnauthorized, ExpiredCredentials, "missing or invalid credentials")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		switch fault.Kind {
		case ExpiredCredentials:
			v.WriteError(w, http.StatusUnauthorized, fault.Kind, "the access token has expired")
		case Throttle:
			w.Header().Set("Retry-After", fault.RetryAfter)
			w.Header().Set("X-RateLimit-Remaining", "0")
			v.WriteError(w, http.StatusTooManyRequests, fault.Kind, "too many requests")
		case MissingTicket:
			v.WriteError(w, http.StatusNotFound, fault.Kind, "the ticket does not exist")
		case Rejected:
			v.WriteError(w, http.StatusBadRequest, fault.Kind, "the request data is invalid")
		case FailureWithOK:
			v.WriteError(w, http.StatusOK, fault.Kind, "the operation failed")
		case SlowResponse:
			serveSlow(w, r, slowDelay, next)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// serveSlow lets next make its change, then holds the response.
func serveSlow(w http.ResponseWriter, r *http.Request, delay time.Duration, next http.Handler) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-r.Context().Done():
		return
	case <-timer.C:
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}
