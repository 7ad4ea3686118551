package main

import (
	"context"
	"sync"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// lazy builds a value on its first use and keeps it for the life of the process. Unlike
// sync.Once it keeps no error, so a cold start that hit a passing Secrets Manager failure
// builds the value again on the next invocation.
type lazy[T any] struct {
	build func(ctx context.Context) (T, error)

	mu    sync.Mutex
	built bool
	value T
}

func (l *lazy[T]) get(ctx context.Context) (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.built {
		return l.value, nil
	}
	v, err := l.build(ctx)
	if err != nil {
		return v, err
	}
	l.value, l.built = v, true
	return v, nil
}

// entraAPI is the Entra client's method set that the offboarding steps call.
type entraAPI interface {
	offboarding.EntraUsers
	offboarding.EntraGroups
	offboarding.EntraLicenses
	offboarding.EntraSessions
}

// lazyEntra builds the Entra client on the first Graph call. Building it resolves the client
// secret, which only the Entra steps' roles may read, so another step must not build it.
type lazyEntra struct{ client lazy[entraAPI] }

var _ entraAPI = (*lazyEntra)(nil)

// User implements offboarding.EntraUsers.
func (l *lazyEntra) User(ctx context.Context, user string) (identity.User, error) {
	c, err := l.client.get(ctx)
	if err != nil {
		return identity.User{}, err
	}
	return c.User(ctx, user)
}

// DisableUser implements offboarding.EntraUsers.
func (l *lazyEntra) DisableUser(ctx context.Context, user string) (bool, error) {
	c, err := l.client.get(ctx)
	if err != nil {
		return false, err
	}
	return c.DisableUser(ctx, user)
}

// Memberships implements offboarding.EntraGroups.
func (l *lazyEntra) Memberships(ctx context.Context, user string) ([]identity.Membership, error) {
	c, err := l.client.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.Memberships(ctx, user)
}

// RemoveMemberships implements offboarding.EntraGroups.
func (l *lazyEntra) RemoveMemberships(ctx context.Context, user string, ms []identity.Membership) ([]identity.ItemResult, error) {
	c, err := l.client.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.RemoveMemberships(ctx, user, ms)
}

// Licenses implements offboarding.EntraLicenses.
func (l *lazyEntra) Licenses(ctx context.Context, user string) ([]identity.License, error) {
	c, err := l.client.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.Licenses(ctx, user)
}

// RemoveLicenses implements offboarding.EntraLicenses.
func (l *lazyEntra) RemoveLicenses(ctx context.Context, user string, skuIDs []string) ([]identity.ItemResult, error) {
	c, err := l.client.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.RemoveLicenses(ctx, user, skuIDs)
}

// RevokeSessions implements offboarding.EntraSessions.
func (l *lazyEntra) RevokeSessions(ctx context.Context, u identity.User) (string, error) {
	c, err := l.client.get(ctx)
	if err != nil {
		return "", err
	}
	return c.RevokeSessions(ctx, u)
}

// SessionsValidFrom implements offboarding.EntraSessions.
func (l *lazyEntra) SessionsValidFrom(ctx context.Context, user string) (time.Time, error) {
	c, err := l.client.get(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return c.SessionsValidFrom(ctx, user)
}
