package tenants

import (
	"fmt"
	"net/url"
	"time"

	"github.com/secamo/orchestrator/secrets"
)

var loadLocation = time.LoadLocation

// checkSecret validates a required secret reference.
func checkSecret(field string, ref secrets.Ref, p *problems) {
	if ref == "" {
		p.add(field, "missing secret reference: write env:NAME, file:PATH or secretsmanager:NAME")
		return
	}
	if err := ref.Validate(); err != nil {
		p.add(field, "%v", err)
	}
}

// checkOptionalSecret validates a secret reference that may be empty.
func checkOptionalSecret(field string, ref secrets.Ref, p *problems) {
	if ref != "" {
		checkSecret(field, ref, p)
	}
}

// checkURL validates an absolute http or https URL; empty is an error when required.
func checkURL(field, raw string, required bool, p *problems) {
	if raw == "" {
		if required {
			p.add(field, "missing URL")
		}
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add(field, "invalid URL %q: write an absolute http or https URL", raw)
	}
}

// Duration is a time.Duration written in YAML as a Go duration string ("36h", "15m").
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q: write it like 36h or 15m", string(b))
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler, so a marshalled tenant file parses again.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Std returns the duration as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }
