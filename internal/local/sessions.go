package local

import (
	"context"
	"sync"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// sessionRevoker is the part of the Entra client that sessions calls.
type sessionRevoker interface {
	RevokeSessions(ctx context.Context, u identity.User) (string, error)
}

// sessions fills offboarding.EntraSessions over the Entra client.
//
// NOTE: the Entra adapter has no SessionsValidFrom and the Graph emulator does not return
// signInSessionsValidFromDateTime, so this remembers when this process revoked each user's
// sessions instead of reading the time back. Once the adapter reads the property, use it
// directly and drop this type.
type sessions struct {
	client sessionRevoker
	clock  interface{ Now() time.Time }

	mu      sync.Mutex
	revoked map[string]time.Time
}

var _ offboarding.EntraSessions = (*sessions)(nil)

// RevokeSessions revokes through Graph and records the time of a successful request.
func (s *sessions) RevokeSessions(ctx context.Context, u identity.User) (string, error) {
	status, err := s.client.RevokeSessions(ctx, u)
	if err != nil {
		return status, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revoked == nil {
		s.revoked = map[string]time.Time{}
	}
	now := s.clock.Now().UTC()
	s.revoked[u.ID], s.revoked[u.UserPrincipalName] = now, now
	return status, nil
}

// SessionsValidFrom returns when this process revoked the user's sessions, or the zero
// time when it did not.
func (s *sessions) SessionsValidFrom(ctx context.Context, user string) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revoked[user], nil
}
