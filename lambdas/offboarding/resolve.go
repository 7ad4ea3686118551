package offboarding

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/secamo/orchestrator/adapters/identity"
)

// ResolveInput is the input of ResolveUser.
type ResolveInput struct {
	// TicketID is the request ticket's id in the ticketing system.
	TicketID string `json:"ticketId"`
	// UserPrincipalName overrides the user read from the ticket's mapped "user" field.
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// ResolveOutput is the output of ResolveUser.
type ResolveOutput struct {
	Ticket TicketRef `json:"ticket"`
	User   Subject   `json:"user"`
}

// ResolveUser reads the request ticket, takes the leaver's user principal name from the
// ticket field the tenant maps as "user", and looks the user up in Entra ID and AD.
//
// Errors: TicketNotFound, InvalidTicketData (no or malformed user on the ticket),
// UserNotFound, PermissionDenied, Throttled, InvalidInput, NotConfigured.
func (s *Steps) ResolveUser(ctx context.Context, in ResolveInput) (out ResolveOutput, err error) {
	defer classify(&err)
	if in.TicketID == "" {
		return out, invalidInput("missing ticketId: pass the id of the offboarding request ticket")
	}
	if s.Tickets == nil {
		return out, notConfigured("ticketing")
	}
	ticket, err := s.Tickets.GetTicket(ctx, in.TicketID)
	if err != nil {
		return out, fmt.Errorf("reading ticket %q: %w", in.TicketID, err)
	}
	out.Ticket = TicketRef{ID: ticket.ID, Key: ticket.Key, URL: ticket.URL, Subject: ticket.Subject, Requester: ticket.Requester}

	upn := in.UserPrincipalName
	if upn == "" {
		if upn, err = s.userFromTicket(ticket.Fields); err != nil {
			return out, err
		}
	}
	if _, perr := mail.ParseAddress(upn); perr != nil || strings.ContainsAny(upn, "<> ") {
		return out, &InvalidTicketData{Err: fmt.Errorf("invalid user principal name %q on ticket %s: write it like jan.peeters@example.com", upn, ticket.Key)}
	}

	user, err := s.lookUp(ctx, upn)
	if err != nil {
		return out, err
	}
	out.User = user
	s.logger().InfoContext(ctx, "user resolved", "step", "ResolveUser", "tenant", s.tenantName(),
		"ticket", ticket.Key, "user", upn, "entra", user.Entra != nil, "ad", user.AD != nil, "synced", user.Synced)
	return out, nil
}

// userFromTicket reads the user principal name from the ticket field mapped as "user".
func (s *Steps) userFromTicket(fields map[string]string) (string, error) {
	field := ""
	if s.Tenant != nil {
		field = s.Tenant.Ticketing.Fields["user"]
	}
	if field == "" {
		return "", notConfigured(`ticketing.fields.user (the ticket field that holds the leaver's user principal name)`)
	}
	upn := strings.TrimSpace(fields[field])
	if upn == "" {
		return "", &InvalidTicketData{Err: fmt.Errorf("ticket field %q is empty: the requester must fill in the leaver's user principal name", field)}
	}
	return upn, nil
}

// lookUp finds the user in each configured directory. A user missing from AD is cloud-only,
// unless Entra ID marks it as synchronised from AD.
func (s *Steps) lookUp(ctx context.Context, upn string) (Subject, error) {
	if s.EntraUsers == nil && s.ADUsers == nil {
		return Subject{}, notConfigured("identity (Entra ID or Active Directory)")
	}
	subject := Subject{UserPrincipalName: upn}
	if s.EntraUsers != nil {
		u, err := s.EntraUsers.User(ctx, upn)
		if err != nil && !isNotFound(err) {
			return subject, fmt.Errorf("looking up %q in Entra ID: %w", upn, err)
		}
		if err == nil {
			subject.Entra = &u
			subject.Synced = u.OnPremisesSyncEnabled
			subject.DisplayName = u.DisplayName
		}
	}
	if s.ADUsers != nil {
		u, err := s.ADUsers.FindUser(ctx, upn)
		if err != nil && !isNotFound(err) {
			return subject, fmt.Errorf("looking up %q in Active Directory: %w", upn, err)
		}
		if err == nil {
			subject.AD = u
			if subject.DisplayName == "" {
				subject.DisplayName = u.DisplayName
			}
		}
	}
	switch {
	case subject.Entra == nil && subject.AD == nil:
		return subject, &UserNotFound{Err: fmt.Errorf("user %q not found in Entra ID or Active Directory: check the user principal name on the ticket", upn)}
	case subject.Synced && subject.AD == nil && s.ADUsers != nil:
		return subject, &UserNotFound{Err: fmt.Errorf("user %q is synchronised from AD but not found there: check the UPN suffix in AD", upn)}
	case subject.Synced && s.ADUsers == nil:
		return subject, notConfigured(fmt.Sprintf("identity.activeDirectory (user %q is synchronised from AD and must be disabled there)", upn))
	}
	if subject.DisplayName == "" {
		subject.DisplayName = upn
	}
	return subject, nil
}

func isNotFound(err error) bool {
	var nf *identity.UserNotFound
	return errors.As(err, &nf)
}
