// Package awssecrets resolves secretsmanager:NAME references through AWS Secrets Manager
// (GetSecretValue, SecretString). It caches each value for a few minutes on an injected
// clock, so that a warm Lambda does not call Secrets Manager on every invocation. Routing
// sends env: and file: references to secrets.Local and secretsmanager: ones to a Resolver.
//
// No function here logs a value or puts one in an error.
package awssecrets

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/secamo/orchestrator/secrets"
)

// DefaultTTL is how long a value is cached when Options.TTL is zero. A rotated secret is
// read again at the latest this long after the rotation.
const DefaultTTL = 5 * time.Minute

// Client is the part of the Secrets Manager client that Resolver calls.
type Client interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Putter is the part of the Secrets Manager client that Resolver.Write calls.
type Putter interface {
	PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
}

var (
	_ Client = (*secretsmanager.Client)(nil)
	_ Putter = (*secretsmanager.Client)(nil)
)

// Clock returns the current time; tests pass a fake one.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Options tunes a Resolver; the zero value caches for DefaultTTL on the system clock.
type Options struct {
	Clock Clock
	// TTL is how long a value is cached; zero means DefaultTTL and a negative value turns
	// the cache off.
	TTL time.Duration
}

// Resolver resolves secretsmanager: references. It is safe for concurrent use.
type Resolver struct {
	client Client
	clock  Clock
	ttl    time.Duration

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	value   string
	expires time.Time
}

var (
	_ secrets.Resolver  = (*Resolver)(nil)
	_ secrets.Writer    = (*Resolver)(nil)
	_ secrets.Refresher = (*Resolver)(nil)
)

// New returns a resolver that reads secrets through client.
func New(client Client, opts Options) *Resolver {
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.TTL == 0 {
		opts.TTL = DefaultTTL
	}
	return &Resolver{client: client, clock: opts.Clock, ttl: opts.TTL, cache: map[string]cached{}}
}

// Resolve returns the SecretString of the secret named by a secretsmanager:NAME reference.
// NAME is the secret's name or ARN. A secret that does not exist returns an error wrapping
// secrets.ErrNotFound, and a binary secret (SecretBinary only) is rejected. Errors are not
// cached.
func (r *Resolver) Resolve(ctx context.Context, ref secrets.Ref) (string, error) {
	if err := ref.Validate(); err != nil {
		return "", err
	}
	if ref.Scheme() != "secretsmanager" {
		return "", fmt.Errorf("resolving %s: the Secrets Manager resolver reads only secretsmanager: references", ref)
	}
	name := ref.Name()
	if v, ok := r.lookup(name); ok {
		return v, nil
	}

	out, err := r.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &name})
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		return "", fmt.Errorf("resolving %s: no such secret in Secrets Manager, create it in the tenant's account and region: %w", ref, secrets.ErrNotFound)
	case err != nil:
		return "", fmt.Errorf("resolving %s: %w", ref, err)
	case out.SecretString == nil:
		return "", fmt.Errorf("resolving %s: the secret has no SecretString, store the value as text", ref)
	}
	r.store(name, *out.SecretString)
	return *out.SecretString, nil
}

// Write stores value as a new version of the secret of a secretsmanager:NAME reference
// (PutSecretValue) and caches it. The client must also implement Putter, as the SDK's does.
func (r *Resolver) Write(ctx context.Context, ref secrets.Ref, value string) error {
	if err := ref.Validate(); err != nil {
		return err
	}
	if ref.Scheme() != "secretsmanager" {
		return fmt.Errorf("writing %s: the Secrets Manager resolver writes only secretsmanager: references", ref)
	}
	putter, ok := r.client.(Putter)
	if !ok {
		return fmt.Errorf("writing %s: the Secrets Manager client cannot put secret values", ref)
	}
	name := ref.Name()
	_, err := putter.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: &name, SecretString: &value})
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		return fmt.Errorf("writing %s: no such secret in Secrets Manager: %w", ref, secrets.ErrNotFound)
	case err != nil:
		return fmt.Errorf("writing %s: %w", ref, err)
	}
	r.store(name, value)
	return nil
}

// ResolveFresh implements secrets.Refresher: it reads the secret from Secrets Manager even
// when a cached value has not expired.
func (r *Resolver) ResolveFresh(ctx context.Context, ref secrets.Ref) (string, error) {
	r.mu.Lock()
	delete(r.cache, ref.Name())
	r.mu.Unlock()
	return r.Resolve(ctx, ref)
}

func (r *Resolver) lookup(name string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.cache[name]
	if !ok || !r.clock.Now().Before(c.expires) {
		return "", false
	}
	return c.value, true
}

func (r *Resolver) store(name, value string) {
	if r.ttl < 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cache[name] = cached{value: value, expires: r.clock.Now().Add(r.ttl)}
}

// Routing resolves secretsmanager: references through SecretsManager and every other
// reference through Local.
type Routing struct {
	SecretsManager secrets.Resolver
	// Local resolves env: and file: references; nil means secrets.Local{}.
	Local secrets.Resolver
}

var (
	_ secrets.Resolver  = Routing{}
	_ secrets.Writer    = Routing{}
	_ secrets.Refresher = Routing{}
)

// Resolve implements secrets.Resolver.
func (r Routing) Resolve(ctx context.Context, ref secrets.Ref) (string, error) {
	if err := ref.Validate(); err != nil {
		return "", err
	}
	if ref.Scheme() == "secretsmanager" {
		if r.SecretsManager == nil {
			return "", fmt.Errorf("resolving %s: no Secrets Manager resolver configured", ref)
		}
		return r.SecretsManager.Resolve(ctx, ref)
	}
	local := r.Local
	if local == nil {
		local = secrets.Local{}
	}
	return local.Resolve(ctx, ref)
}

// Write implements secrets.Writer: secretsmanager: references through SecretsManager, the
// others through Local, when they can write.
func (r Routing) Write(ctx context.Context, ref secrets.Ref, value string) error {
	if err := ref.Validate(); err != nil {
		return err
	}
	var target secrets.Resolver = r.Local
	if ref.Scheme() == "secretsmanager" {
		target = r.SecretsManager
	} else if target == nil {
		target = secrets.Local{}
	}
	w, ok := target.(secrets.Writer)
	if !ok {
		return fmt.Errorf("writing %s: its resolver cannot write secrets", ref)
	}
	return w.Write(ctx, ref, value)
}

// ResolveFresh implements secrets.Refresher: secretsmanager: references past the cache of
// SecretsManager, the others through Local.
func (r Routing) ResolveFresh(ctx context.Context, ref secrets.Ref) (string, error) {
	if ref.Scheme() == "secretsmanager" && r.SecretsManager != nil {
		return secrets.ResolveFresh(ctx, r.SecretsManager, ref)
	}
	return r.Resolve(ctx, ref)
}
