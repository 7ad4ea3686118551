package connect

import (
	"context"
	"errors"
	"sync"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// refreshing re-reads the credentials when the system rejects them, so a token rotated in the
// secret store (an OAuth access token expires within an hour) is picked up by a long-lived
// process without a restart. It retries the call once with the new credentials; a rejected
// call changed nothing, and CreateTicket is idempotent.
type refreshing struct {
	cfg      tenants.Ticketing
	resolver secrets.Resolver
	settings settings

	mu     sync.Mutex
	secret string
	system ticketing.System
}

var _ ticketing.System = (*refreshing)(nil)

// current returns the adapter in use and the secret it was built with.
func (r *refreshing) current() (ticketing.System, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.system, r.secret
}

// renew resolves the secret again and rebuilds the adapter when it changed since used. It
// reports whether the caller should retry.
func (r *refreshing) renew(ctx context.Context, used string) bool {
	secret, err := r.resolver.Resolve(ctx, r.cfg.Credentials)
	if err != nil || secret == used {
		return false
	}
	system, err := build(r.cfg, secret, r.settings)
	if err != nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret, r.system = secret, system
	if r.settings.logger != nil {
		r.settings.logger.InfoContext(ctx, "ticketing credentials renewed after a rejection", "system", r.cfg.System)
	}
	return true
}

// call runs op, and once more with renewed credentials when the first run is rejected.
func call[T any](ctx context.Context, r *refreshing, op func(ticketing.System) (T, error)) (T, error) {
	system, used := r.current()
	result, err := op(system)
	var denied *ticketing.PermissionDenied
	if errors.As(err, &denied) && r.renew(ctx, used) {
		system, _ = r.current()
		return op(system)
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
