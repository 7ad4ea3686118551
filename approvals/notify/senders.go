package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// SESClient is the part of the SES v2 client that SES uses.
type SESClient interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ SESClient = (*sesv2.Client)(nil)

// SES sends e-mail through Amazon SES v2 as raw MIME messages.
type SES struct {
	Client SESClient
	// ConfigurationSet is the SES configuration set to use; empty means none.
	ConfigurationSet string
}

var _ EmailSender = (*SES)(nil)

// Send implements EmailSender.
func (s *SES) Send(ctx context.Context, e Email) error {
	in := &sesv2.SendEmailInput{
		FromEmailAddress: &e.From,
		Destination:      &types.Destination{ToAddresses: e.To},
		Content:          &types.EmailContent{Raw: &types.RawMessage{Data: e.Raw}},
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = &s.ConfigurationSet
	}
	if _, err := s.Client.SendEmail(ctx, in); err != nil {
		return fmt.Errorf("sending e-mail to %s through SES: %w", strings.Join(e.To, ", "), err)
	}
	return nil
}

// SMTP sends e-mail to an SMTP server. It uses STARTTLS when the server offers it, and
// authenticates when Auth is set.
type SMTP struct {
	// Addr is host:port.
	Addr string
	Auth smtp.Auth
	// TLSConfig is used for STARTTLS; nil means verify the server's certificate for the
	// host in Addr.
	TLSConfig *tls.Config
}

var _ EmailSender = (*SMTP)(nil)

// Send implements EmailSender.
func (s *SMTP) Send(ctx context.Context, e Email) error {
	if err := s.send(ctx, e); err != nil {
		return fmt.Errorf("sending e-mail to %s through SMTP server %s: %w", strings.Join(e.To, ", "), s.Addr, err)
	}
	return nil
}

func (s *SMTP) send(ctx context.Context, e Email) error {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("invalid address: %w", err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: host}
		}
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
	}
	if s.Auth != nil {
		if err := c.Auth(s.Auth); err != nil {
			return err
		}
	}
	if err := c.Mail(e.From); err != nil {
		return err
	}
	for _, to := range e.To {
		if err := c.Rcpt(to); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(e.Raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// Outbox writes each e-mail as an .eml file into Dir, for a local install without a mail
// server: open the files with a mail client or read the link from them.
type Outbox struct {
	Dir string
}

var _ EmailSender = (*Outbox)(nil)

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9@._-]+`)

// Send implements EmailSender. The file name is the Message-ID's local part and the
// recipient, so a resent message replaces its earlier file.
func (o *Outbox) Send(ctx context.Context, e Email) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("creating outbox %s: %w", o.Dir, err)
	}
	name := unsafeFileChars.ReplaceAllString(messageID(e.Raw)+"-"+strings.Join(e.To, "_"), "_") + ".eml"
	path := filepath.Join(o.Dir, name)
	if err := os.WriteFile(path, e.Raw, 0o600); err != nil {
		return fmt.Errorf("writing e-mail to outbox: %w", err)
	}
	return nil
}

// messageID returns the local part of the Message-ID header of a raw message, or "message".
func messageID(raw []byte) string {
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if v, ok := strings.CutPrefix(line, "Message-ID: <"); ok {
			local, _, _ := strings.Cut(v, "@")
			return local
		}
	}
	return "message"
}
