package tenants

import (
	"fmt"
	"net"
	"net/mail"
	"strconv"

	"github.com/secamo/orchestrator/secrets"
)

// Approvals configures who approves and how long they have.
type Approvals struct {
	// Levels are the escalation levels: the first level is asked first, the next one when
	// the previous level's timeout passes. After the last level the request is rejected.
	Levels []ApprovalLevel `yaml:"levels"`
	// SigningKey references the per-tenant HMAC key that signs approval links.
	SigningKey secrets.Ref `yaml:"signingKey"`
	// BaseURL is the public root of the approval pages, such as https://approvals.example.com.
	BaseURL string `yaml:"baseURL"`
	// TeamsWebhook references the Teams Workflows webhook URL; empty disables Teams.
	TeamsWebhook secrets.Ref `yaml:"teamsWebhook"`
	// From is the sender address of approval e-mails.
	From string `yaml:"from"`
	// SMTP configures the mail server of a local install. Without it, and outside AWS
	// (where e-mail goes through SES), e-mails are written as .eml files into Outbox.
	SMTP *SMTP `yaml:"smtp"`
	// Outbox is the folder that receives .eml files when no mail server is configured;
	// empty means "outbox" in the working directory.
	Outbox string `yaml:"outbox"`
}

// SMTP is a mail server for approval e-mails.
type SMTP struct {
	// Address is host:port, such as smtp.example.com:587. STARTTLS is used when the server
	// offers it.
	Address string `yaml:"address"`
	// Username enables PLAIN authentication, which net/smtp allows only over TLS or to
	// localhost; empty means no authentication.
	Username string `yaml:"username"`
	// Password references the password; required with Username.
	Password secrets.Ref `yaml:"password"`
}

// ApprovalLevel is one escalation level.
type ApprovalLevel struct {
	// Approvers are e-mail addresses.
	Approvers []string `yaml:"approvers"`
	// Timeout is how long this level has to decide.
	Timeout Duration `yaml:"timeout"`
}

func (a Approvals) validate(field string, p *problems) {
	if len(a.Levels) == 0 {
		p.add(field+".levels", "missing: list at least one level of approvers")
	}
	for i, l := range a.Levels {
		f := fmt.Sprintf("%s.levels[%d]", field, i)
		if len(l.Approvers) == 0 {
			p.add(f+".approvers", "missing approvers")
		}
		for j, addr := range l.Approvers {
			if _, err := mail.ParseAddress(addr); err != nil {
				p.add(fmt.Sprintf("%s.approvers[%d]", f, j), "invalid e-mail address %q", addr)
			}
		}
		if l.Timeout <= 0 {
			p.add(f+".timeout", "missing or non-positive timeout: write it like 4h")
		}
	}
	checkSecret(field+".signingKey", a.SigningKey, p)
	checkURL(field+".baseURL", a.BaseURL, true, p)
	checkOptionalSecret(field+".teamsWebhook", a.TeamsWebhook, p)
	if a.SMTP != nil {
		a.SMTP.validate(field+".smtp", p)
	}
	if a.From != "" {
		if _, err := mail.ParseAddress(a.From); err != nil {
			p.add(field+".from", "invalid e-mail address %q", a.From)
		}
	}
}

func (s *SMTP) validate(field string, p *problems) {
	host, port, err := net.SplitHostPort(s.Address)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		p.add(field+".address", "invalid address %q: write host:port, such as smtp.example.com:587", s.Address)
	}
	if s.Username != "" {
		checkSecret(field+".password", s.Password, p)
	} else if s.Password != "" {
		p.add(field+".username", "missing: a password is set without a username")
	}
}
