package graph

import "net/http"

type requestThrottle struct {
	status     int
	retryAfter string
}

// faults holds the injected faults; Server guards it with its mutex.
type faults struct {
	requestThrottles   []requestThrottle
	batchItemThrottles int
	batchRetryAfter    string
	expirePageTokens   int
	deniedGroups       map[string]bool
}

func (f *faults) takeRequestThrottle() *requestThrottle {
	if len(f.requestThrottles) == 0 {
		return nil
	}
	t := f.requestThrottles[0]
	f.requestThrottles = f.requestThrottles[1:]
	return &t
}

// ThrottleRequests makes the next n requests fail with status (429 or 503) with the given
// Retry-After header value, in seconds such as "2.128"; an empty value sends no header.
func (s *Server) ThrottleRequests(n, status int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults.requestThrottles = append(s.faults.requestThrottles, requestThrottle{status: status, retryAfter: retryAfter})
	}
}

// ThrottleBatchItems makes the next n items of $batch requests fail with 429 with the given
// Retry-After header value, such as "2.128", while the batch itself succeeds.
func (s *Server) ThrottleBatchItems(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.batchItemThrottles = n
	s.faults.batchRetryAfter = retryAfter
}

// ExpirePageTokens makes the next n requests that carry a $skiptoken fail with 400
// Directory_ExpiredPageToken.
func (s *Server) ExpirePageTokens(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.expirePageTokens = n
}

// DenyGroup makes every member removal from the group fail with 403 Authorization_RequestDenied.
func (s *Server) DenyGroup(groupID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.deniedGroups[groupID] = true
}

func throttleCode(status int) string {
	if status == http.StatusServiceUnavailable {
		return "serviceNotAvailable"
	}
	return "TooManyRequests"
}
