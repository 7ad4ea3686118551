// Package secrets resolves secret references from tenant files (env:NAME, file:PATH,
// secretsmanager:NAME) to their values. Tenant files hold references only, never values, and
// no function here logs a value.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Ref is a reference to a secret: "env:NAME", "file:PATH" or "secretsmanager:NAME".
type Ref string

// Schemes lists the reference schemes a Ref may use.
var Schemes = []string{"env", "file", "secretsmanager"}

// Scheme returns the part of the reference before the first colon.
func (r Ref) Scheme() string {
	scheme, _, _ := strings.Cut(string(r), ":")
	return scheme
}

// Name returns the part of the reference after the first colon.
func (r Ref) Name() string {
	_, name, _ := strings.Cut(string(r), ":")
	return name
}

// Validate checks the reference's form without resolving it.
func (r Ref) Validate() error {
	scheme, name, ok := strings.Cut(string(r), ":")
	if !ok || name == "" {
		// The text is not echoed: a value written where a reference belongs may be the secret.
		return errors.New("invalid secret reference: write env:NAME, file:PATH or secretsmanager:NAME, never the secret itself")
	}
	for _, s := range Schemes {
		if s == scheme {
			return nil
		}
	}
	return fmt.Errorf("invalid secret reference %q: unknown scheme %q, use env, file or secretsmanager", string(r), scheme)
}

// ErrNotFound is returned (wrapped) when a referenced secret does not exist.
var ErrNotFound = errors.New("secret not found")

// Resolver returns the value behind a reference.
type Resolver interface {
	Resolve(ctx context.Context, ref Ref) (string, error)
}

// Local resolves env: and file: references. It rejects secretsmanager: references, which need
// an AWS resolver.
type Local struct {
	// Getenv reads an environment variable; nil means os.Getenv.
	Getenv func(string) string
}

// Resolve implements Resolver.
func (l Local) Resolve(ctx context.Context, ref Ref) (string, error) {
	if err := ref.Validate(); err != nil {
		return "", err
	}
	switch ref.Scheme() {
	case "env":
		getenv := l.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		v := getenv(ref.Name())
		if v == "" {
			return "", fmt.Errorf("resolving %s: environment variable %s is empty or unset: %w", ref, ref.Name(), ErrNotFound)
		}
		return v, nil
	case "file":
		b, err := os.ReadFile(ref.Name())
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("resolving %s: %w", ref, ErrNotFound)
		}
		if err != nil {
			return "", fmt.Errorf("resolving %s: %w", ref, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	default:
		return "", fmt.Errorf("resolving %s: the local resolver reads only env: and file: references", ref)
	}
}

// Refresher resolves a reference past any cache, for a value that another process may have
// replaced, such as a rotated refresh token. A resolver without a cache needs none.
type Refresher interface {
	ResolveFresh(ctx context.Context, ref Ref) (string, error)
}

// ResolveFresh resolves ref with r, past r's cache when r is a Refresher.
func ResolveFresh(ctx context.Context, r Resolver, ref Ref) (string, error) {
	if f, ok := r.(Refresher); ok {
		return f.ResolveFresh(ctx, ref)
	}
	return r.Resolve(ctx, ref)
}

// Writer stores a new value behind a reference, such as a rotated OAuth refresh token, so
// that the next Resolve, in this process or after a restart, returns it.
type Writer interface {
	Write(ctx context.Context, ref Ref, value string) error
}

// Write stores value behind a file: reference, replacing the file in one rename so that a
// reader never sees half a value. An env: reference cannot be written.
func (l Local) Write(ctx context.Context, ref Ref, value string) error {
	if err := ref.Validate(); err != nil {
		return err
	}
	if ref.Scheme() != "file" {
		return fmt.Errorf("writing %s: only file: and secretsmanager: references can be written; keep a value that rotates in one of those", ref)
	}
	path := ref.Name()
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", ref, err)
	}
	defer os.Remove(tmp.Name()) // fails once renamed
	if _, err := tmp.WriteString(value + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", ref, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", ref, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", ref, err)
	}
	return nil
}

// Static resolves references from a fixed map; tests and the demo use it.
type Static map[Ref]string

// Resolve implements Resolver.
func (s Static) Resolve(ctx context.Context, ref Ref) (string, error) {
	v, ok := s[ref]
	if !ok {
		return "", fmt.Errorf("resolving %s: %w", ref, ErrNotFound)
	}
	return v, nil
}

// Write implements Writer. Like the map itself, it is not safe for use at the same time as
// Resolve.
func (s Static) Write(ctx context.Context, ref Ref, value string) error {
	s[ref] = value
	return nil
}

var (
	_ Writer = Local{}
	_ Writer = Static{}
)
