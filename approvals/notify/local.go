package notify

import (
	"context"
	"fmt"
	"net"
	"net/smtp"

	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// DefaultOutbox is the outbox folder when the tenant file names none.
const DefaultOutbox = "outbox"

// LocalSender returns the e-mail sender of the local runtime for a tenant: its SMTP server
// when approvals.smtp is set, with PLAIN authentication when it has a username, and
// otherwise an Outbox in approvals.outbox.
func LocalSender(ctx context.Context, cfg *tenants.Config, res secrets.Resolver) (EmailSender, error) {
	a := cfg.Approvals
	if a.SMTP == nil {
		dir := a.Outbox
		if dir == "" {
			dir = DefaultOutbox
		}
		return &Outbox{Dir: dir}, nil
	}
	s := &SMTP{Addr: a.SMTP.Address}
	if a.SMTP.Username != "" {
		password, err := res.Resolve(ctx, a.SMTP.Password)
		if err != nil {
			return nil, fmt.Errorf("resolving SMTP password of tenant %q: %w", cfg.Name, err)
		}
		host, _, err := net.SplitHostPort(a.SMTP.Address)
		if err != nil {
			return nil, fmt.Errorf("invalid SMTP address %q of tenant %q: %w", a.SMTP.Address, cfg.Name, err)
		}
		// smtp.PlainAuth sends the password only over TLS or to localhost.
		s.Auth = smtp.PlainAuth("", a.SMTP.Username, password, host)
	}
	return s, nil
}
