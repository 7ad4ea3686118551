package activedirectory

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/adapters/identity"
)

// Status is the outcome of one idempotent change.
type Status string

// Statuses of Disable, MoveToDisabledOU and StampDescription.
const (
	StatusDisabled        Status = "disabled"
	StatusAlreadyDisabled Status = "alreadyDisabled"
	StatusMoved           Status = "moved"
	StatusAlreadyInOU     Status = "alreadyInOU"
	StatusStamped         Status = "stamped"
	StatusAlreadyStamped  Status = "alreadyStamped"
)

// Change is the result of one idempotent change to an account.
type Change struct {
	Status Status `json:"status"`
	// DN is the account's distinguished name after the change.
	DN string `json:"dn"`
}

// Disable sets the ACCOUNTDISABLE bit of the account's userAccountControl and keeps the
// other bits. An account that is already disabled is left alone.
func (c *Client) Disable(ctx context.Context, guid string) (Change, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	s, err := c.connect(ctx)
	if err != nil {
		return Change{}, err
	}
	defer s.close()
	a, err := c.accountByGUID(ctx, s, guid)
	if err != nil {
		return Change{}, err
	}
	if a.Disabled() {
		return Change{Status: StatusAlreadyDisabled, DN: a.DN}, nil
	}

	// Deleting the value read and adding the new one in one request fails, instead of
	// overwriting, when someone changed userAccountControl in between.
	req := ldap.NewModifyRequest(a.DN, nil)
	req.Delete("userAccountControl", []string{formatInt32(a.UserAccountControl)})
	req.Add("userAccountControl", []string{formatInt32(a.UserAccountControl | uacAccountDisable)})
	if err := s.conn.Modify(req); err != nil {
		operation := fmt.Sprintf("disabling %q", a.DN)
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchAttribute) {
			return Change{}, fmt.Errorf("%s: userAccountControl changed while the account was being disabled: run the step again: %w", operation, err)
		}
		return Change{}, c.classifyUser(ctx, operation, a, err)
	}
	c.log.InfoContext(ctx, "disabled AD account", "dn", a.DN)
	return Change{Status: StatusDisabled, DN: a.DN}, nil
}

// MoveToDisabledOU moves the account into the configured OU for disabled accounts, keeping
// its RDN. An account already in that OU is left alone.
func (c *Client) MoveToDisabledOU(ctx context.Context, guid string) (Change, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	s, err := c.connect(ctx)
	if err != nil {
		return Change{}, err
	}
	defer s.close()
	a, err := c.accountByGUID(ctx, s, guid)
	if err != nil {
		return Change{}, err
	}
	if parent := parentDN(a.DN); parent != nil && parent.EqualFold(c.disabledOU) {
		return Change{Status: StatusAlreadyInOU, DN: a.DN}, nil
	}

	rdn, err := firstRDN(a.DN)
	if err != nil {
		return Change{}, err
	}
	operation := fmt.Sprintf("moving %q to %q", a.DN, c.cfg.DisabledOU)
	if err := s.conn.ModifyDN(ldap.NewModifyDNRequest(a.DN, rdn, true, c.cfg.DisabledOU)); err != nil {
		switch {
		case ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists):
			return Change{}, fmt.Errorf("%s: an object named %s already exists there: rename one of them: %w", operation, rdn, err)
		case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) && c.exists(ctx, s, a.DN):
			return Change{}, fmt.Errorf("%s: disabled-users OU not found: check disabledOU: %w", operation, err)
		}
		return Change{}, c.classifyUser(ctx, operation, a, err)
	}
	moved, err := c.accountByGUID(ctx, s, guid)
	if err != nil {
		return Change{}, fmt.Errorf("reading the account after %s: %w", operation, err)
	}
	c.log.InfoContext(ctx, "moved AD account", "dn", a.DN, "newDN", moved.DN)
	return Change{Status: StatusMoved, DN: moved.DN}, nil
}

// StampDescription puts "Disabled by offboarding TICKET on YYYY-MM-DD" (the date in UTC)
// before the account's description, keeping the old text after a " | ". An account whose
// description already starts with the stamp for this ticket is left alone.
func (c *Client) StampDescription(ctx context.Context, guid, ticket string) (Change, error) {
	if err := checkTicket(ticket); err != nil {
		return Change{}, err
	}
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	s, err := c.connect(ctx)
	if err != nil {
		return Change{}, err
	}
	defer s.close()
	a, err := c.accountByGUID(ctx, s, guid)
	if err != nil {
		return Change{}, err
	}
	if hasStamp(a.Description, ticket) {
		return Change{Status: StatusAlreadyStamped, DN: a.DN}, nil
	}

	text := stampPrefix(ticket) + c.clock.Now().UTC().Format("2006-01-02")
	if a.Description != "" {
		text += " | " + a.Description
	}
	if runes := []rune(text); len(runes) > maxDescriptionLength {
		text = string(runes[:maxDescriptionLength])
	}
	req := ldap.NewModifyRequest(a.DN, nil)
	req.Replace("description", []string{text})
	if err := s.conn.Modify(req); err != nil {
		return Change{}, c.classifyUser(ctx, fmt.Sprintf("stamping the description of %q", a.DN), a, err)
	}
	c.log.InfoContext(ctx, "stamped AD account description", "dn", a.DN, "ticket", ticket)
	return Change{Status: StatusStamped, DN: a.DN}, nil
}

// maxDescriptionLength is the rangeUpper, in characters, of the description attribute in the
// AD schema.
const maxDescriptionLength = 1024

func stampPrefix(ticket string) string { return "Disabled by offboarding " + ticket + " on " }

func hasStamp(description, ticket string) bool {
	return strings.HasPrefix(description, stampPrefix(ticket))
}

// checkTicket rejects ticket references that would garble the description.
func checkTicket(ticket string) error {
	switch {
	case strings.TrimSpace(ticket) == "":
		return fmt.Errorf("missing ticket reference for the description stamp")
	case len(ticket) > 100:
		return fmt.Errorf("invalid ticket reference of %d bytes: at most 100", len(ticket))
	case strings.ContainsFunc(ticket, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("invalid ticket reference %q: it contains a control character", ticket)
	}
	return nil
}

// formatInt32 writes a userAccountControl value the way AD stores it, as a signed 32-bit
// decimal.
func formatInt32(v uint32) string { return strconv.FormatInt(int64(int32(v)), 10) }

// exists reports whether the entry dn can be read.
func (c *Client) exists(ctx context.Context, s *session, dn string) bool {
	req := ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"1.1"}, nil)
	_, err := s.conn.Search(req)
	return err == nil
}

// classifyUser classifies an error of a request on account a: noSuchObject means the account
// is gone, for example deleted since it was read.
func (c *Client) classifyUser(ctx context.Context, operation string, a *Account, err error) error {
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return &identity.UserNotFound{User: a.DN}
	}
	return classify(ctx, operation, err)
}
