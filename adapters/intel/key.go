package intel

import (
	"context"
	"errors"

	"github.com/secamo/orchestrator/secrets"
)

// ResolveKey resolves the API key reference. It returns the key, or "" and a reason for the
// result's Reason when no key is configured or the reference cannot be resolved. The reason
// names the reference, never the key.
func ResolveKey(ctx context.Context, resolver secrets.Resolver, ref secrets.Ref) (key, reason string) {
	if ref == "" {
		return "", "no API key configured: set the service's key reference (env:NAME, file:PATH or secretsmanager:NAME)"
	}
	if resolver == nil {
		return "", "no secret resolver configured for API key reference " + string(ref)
	}
	key, err := resolver.Resolve(ctx, ref)
	if err != nil {
		if errors.Is(err, secrets.ErrNotFound) {
			return "", "API key not found: " + err.Error()
		}
		return "", "API key could not be resolved: " + err.Error()
	}
	if key == "" {
		return "", "API key reference " + string(ref) + " resolved to an empty value"
	}
	return key, ""
}
