package connect

import (
	"context"
	"errors"
	"sync"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// credential supplies the secret the adapter is built with.
type credential interface {
	// current returns the secret to use now.
	current(ctx context.Context) (string, error)
	// renew returns a new secret after the system rejected the rejected one, and false when
	// there is none.
	renew(ctx context.Context, rejected string) (string, bool)
}

// storedSecret is a secret read from the tenant's secret reference at start-up and read again
// only after a rejection, so a value rotated in the secret store is picked up.
type storedSecret struct {
	resolver secrets.Resolver
	ref      secrets.Ref

	mu    sync.Mutex
	value string
}

var _ credential = (*storedSecret)(nil)

func (s *storedSecret) current(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value, nil
}

func (s *storedSecret) renew(ctx context.Context, rejected string) (string, bool) {
	value, err := s.resolver.Resolve(ctx, s.ref)
	if err != nil || value == rejected {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.value = value
	return value, true
}

// refreshing builds the adapter with the credential's current secret and, when the system
// rejects it, requests a new one from the credential and retries the call once. A stored secret is
// read again from the secret store, so a rotated value is picked up without a restart, and an
// OAuth access token is refreshed at the token endpoint. A rejected call changed nothing, and
// CreateTicket is idempotent.
type refreshing struct {
	cfg        tenants.Ticketing
	credential credential
	settings   settings

	mu     sync.Mutex
	secret string
	system ticketing.System
}

var _ ticketing.System = (*refreshing)(nil)

// current returns the adapter for the credential's current secret and that secret.
func (r *refreshing) current(ctx context.Context) (ticketing.System, string, error) {
	secret, err := r.credential.current(ctx)
	if err != nil {
		return nil, "", err
	}
	return r.use(secret)
}

// use rebuilds the adapter when secret differs from the one it was built with.
func (r *refreshing) use(secret string) (ticketing.System, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.system != nil && secret == r.secret {
		return r.system, r.secret, nil
	}
	system, err := build(r.cfg, secret, r.settings)
	if err != nil {
		return nil, "", err
	}
	r.secret, r.system = secret, system
	return system, secret, nil
}

// renew requests a new secret from the credential after used was rejected and returns the adapter
// built with it, or false when there is none.
func (r *refreshing) renew(ctx context.Context, used string) (ticketing.System, bool) {
	secret, ok := r.credential.renew(ctx, used)
	if !ok {
		return nil, false
	}
	system, _, err := r.use(secret)
	if err != nil {
		return nil, false
	}
	if r.settings.logger != nil {
		r.settings.logger.InfoContext(ctx, "ticketing credentials renewed after a rejection", "system", r.cfg.System)
	}
	return system, true
}

// call runs op, and once more with renewed credentials when the first run is rejected.
func call[T any](ctx context.Context, r *refreshing, op func(ticketing.System) (T, error)) (T, error) {
	system, used, err := r.current(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	result, err := op(system)
	var denied *ticketing.PermissionDenied
	if errors.As(err, &denied) {
		if renewed, ok := r.renew(ctx, used); ok {
			return op(renewed)
		}
	}
	return result, err
}

func (r *refreshing) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	return call(ctx, r, func(s ticketing.System) (*ticketing.Ticket, error) { return s.GetTicket(ctx, id) })
}

func (r *refreshing) CreateTicket(ctx context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error) {
	return call(ctx, r, func(s ticketing.System) (*ticketing.Ticket, error) { return s.CreateTicket(ctx, t) })
}

func (r *refreshing) Comment(ctx context.Context, id, body string, v ticketing.Visibility) error {
	_, err := call(ctx, r, func(s ticketing.System) (struct{}, error) { return struct{}{}, s.Comment(ctx, id, body, v) })
	return err
}

func (r *refreshing) SetStatus(ctx context.Context, id, status string) error {
	_, err := call(ctx, r, func(s ticketing.System) (struct{}, error) { return struct{}{}, s.SetStatus(ctx, id, status) })
	return err
}

func (r *refreshing) Resolve(ctx context.Context, id, note string) error {
	_, err := call(ctx, r, func(s ticketing.System) (struct{}, error) { return struct{}{}, s.Resolve(ctx, id, note) })
	return err
}

func (r *refreshing) Attach(ctx context.Context, id, filename string, content []byte) error {
	_, err := call(ctx, r, func(s ticketing.System) (struct{}, error) {
		return struct{}{}, s.Attach(ctx, id, filename, content)
	})
	return err
}
