package offboarding

import (
	"context"
	"fmt"
	"strings"
)

// DisableADAccount resets the AD account's password to a random value that is never logged
// or returned, disables the account, stamps its description with the date and the ticket,
// and moves it to the tenant's OU for disabled accounts. The order makes a rerun safe: an
// account that is already disabled had its password reset by the earlier run, so only the
// missing parts are done again.
//
// Input ChangeInput, output ChangeOutput. Errors: InvalidInput, NotConfigured, Throttled,
// UserNotFound, PermissionDenied (lookup failures; a failed change is an outcome).
func (s *Steps) DisableADAccount(ctx context.Context, in ChangeInput) (out ChangeOutput, err error) {
	defer classify(&err)
	items := itemsOf(in.Items, KindADAccount)
	if len(items) == 0 {
		return ChangeOutput{Outcomes: []Outcome{}}, nil
	}
	if s.ADUsers == nil || s.ADAccounts == nil {
		return out, notConfigured("Active Directory")
	}
	ticket := in.Ticket.Key
	if ticket == "" {
		ticket = in.Ticket.ID
	}
	return s.applyEach(ctx, "DisableADAccount", items, func(ctx context.Context, it PlanItem) (Status, string, error) {
		return s.disableADAccount(ctx, in.User.UserPrincipalName, ticket, it)
	})
}

func (s *Steps) disableADAccount(ctx context.Context, upn, ticket string, it PlanItem) (Status, string, error) {
	u, err := s.ADUsers.FindUser(ctx, upn)
	if err != nil {
		return "", "", fmt.Errorf("looking up %q in Active Directory: %w", upn, err)
	}

	var done []string
	if u.AccountEnabled {
		if err := s.ADAccounts.ResetPassword(ctx, u.ID); err != nil {
			return "", "", fmt.Errorf("resetting the password of %q: %w", u.DistinguishedName, err)
		}
		done = append(done, "password reset")
	}

	disabled, err := s.ADAccounts.Disable(ctx, u.ID)
	if err != nil {
		return "", "", fmt.Errorf("disabling %q: %w", u.DistinguishedName, err)
	}
	if disabled {
		done = append(done, "account disabled")
	}
	stamped, err := s.ADAccounts.StampDescription(ctx, u.ID, ticket)
	if err != nil {
		return "", "", fmt.Errorf("stamping the description of %q: %w", u.DistinguishedName, err)
	}
	if stamped {
		done = append(done, "description stamped")
	}

	dn, moved, err := s.ADAccounts.MoveToDisabledOU(ctx, u.ID)
	if err != nil {
		return "", "", fmt.Errorf("moving %q to the OU for disabled accounts: %w", u.DistinguishedName, err)
	}
	if it.Target != "" && !inOU(dn, it.Target) {
		return "", "", fmt.Errorf("account moved to %q, not into the planned OU %q: check identity.activeDirectory.disabledOU", dn, it.Target)
	}
	if moved {
		done = append(done, "moved to "+dn)
	}

	if len(done) == 0 {
		return StatusAlreadyDone, "account already disabled, stamped and in " + it.Target, nil
	}
	return StatusChanged, strings.Join(done, ", "), nil
}

// inOU reports whether dn is directly inside the OU, comparing case-insensitively.
func inOU(dn, ou string) bool {
	parent, ok := parentDN(dn)
	return ok && strings.EqualFold(strings.ReplaceAll(parent, ", ", ","), strings.ReplaceAll(ou, ", ", ","))
}

// parentDN returns dn without its first RDN. A comma escaped with a backslash, as in
// CN=Peeters\, Jan, belongs to the RDN.
func parentDN(dn string) (string, bool) {
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++
		case ',':
			return dn[i+1:], true
		}
	}
	return "", false
}
