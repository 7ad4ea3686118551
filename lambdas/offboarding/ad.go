package offboarding

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
)

// DisableADAccount resets the AD account's password to a random value that is never logged or returned, disables
// the account with a description that names the date and the ticket, and moves it to the
// tenant's OU for disabled accounts. The order makes a rerun safe: an account that is
// already disabled had its password reset by the earlier run, so only the missing parts
// (description, move) are done again.
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
	t := textsFor(s.locale())
	ticket := in.Ticket.Key
	if ticket == "" {
		ticket = in.Ticket.ID
	}
	description := fmt.Sprintf(t.adDescription, s.now().Format("2006-01-02"), ticket)

	return s.applyEach(ctx, "DisableADAccount", items, func(ctx context.Context, it PlanItem) (Status, string, error) {
		if it.Target == "" {
			return "", "", invalidInput("AD account item %q has no target OU: set identity.activeDirectory.disabledOU and rebuild the plan", it.ID)
		}
		u, err := s.ADUsers.FindUser(ctx, in.User.UserPrincipalName)
		if err != nil {
			return "", "", fmt.Errorf("looking up %q in Active Directory: %w", in.User.UserPrincipalName, err)
		}
		dn := u.DistinguishedName
		var done []string
		if u.AccountEnabled {
			if err := s.ADAccounts.ResetPassword(ctx, dn, randomPassword()); err != nil {
				return "", "", fmt.Errorf("resetting the password of %q: %w", dn, err)
			}
			if err := s.ADAccounts.DisableAccount(ctx, dn, description); err != nil {
				return "", "", fmt.Errorf("disabling %q: %w", dn, err)
			}
			done = append(done, "password reset", "account disabled")
		}
		if !inOU(dn, it.Target) {
			newDN, err := s.ADAccounts.MoveToOU(ctx, dn, it.Target)
			if err != nil {
				return "", "", fmt.Errorf("moving %q to %q: %w", dn, it.Target, err)
			}
			done = append(done, "moved to "+newDN)
		}
		if len(done) == 0 {
			return StatusAlreadyDone, "account already disabled and in " + it.Target, nil
		}
		return StatusChanged, strings.Join(done, ", "), nil
	})
}

// inOU reports whether dn is directly inside the OU, comparing case-insensitively.
func inOU(dn, ou string) bool {
	_, parent, ok := strings.Cut(dn, ",")
	return ok && strings.EqualFold(strings.ReplaceAll(parent, ", ", ","), strings.ReplaceAll(ou, ", ", ","))
}

// randomPassword returns a password of about 260 random bits with upper- and lowercase
// letters, digits and a symbol, which meets AD's default complexity rules. It is never
// logged or returned.
func randomPassword() string {
	return rand.Text() + strings.ToLower(rand.Text()) + "!"
}
