package offboarding

import (
	"context"
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/adapters/identity"
)

// ExclusionsInput is the input of CheckExclusions.
type ExclusionsInput struct {
	User Subject `json:"user"`
}

// ExclusionsOutput is the output of CheckExclusions when the user is not excluded.
type ExclusionsOutput struct {
	// Checked lists the checks that ran, such as "breakGlass" and "protectedGroups (14 memberships)".
	Checked []string `json:"checked"`
}

// CheckExclusions rejects break-glass accounts, VIP users and members of protected groups,
// as listed in the tenant file's exclusions, by user principal name, group display name,
// group object id or AD distinguished name, compared case-insensitively.
//
// Errors: ExcludedAccount (with the reason), PermissionDenied, Throttled.
func (s *Steps) CheckExclusions(ctx context.Context, in ExclusionsInput) (out ExclusionsOutput, err error) {
	defer classify(&err)
	if in.User.UserPrincipalName == "" {
		return out, invalidInput("missing user.userPrincipalName: pass the output of ResolveUser")
	}
	if s.Tenant == nil {
		return out, notConfigured("tenant configuration")
	}
	ex := s.Tenant.Exclusions
	upn := in.User.UserPrincipalName
	if matchAny(ex.BreakGlass, upn) {
		return out, &ExcludedAccount{User: upn, Reason: "break-glass account (exclusions.breakGlass)"}
	}
	if matchAny(ex.VIPUsers, upn) {
		return out, &ExcludedAccount{User: upn, Reason: "VIP user (exclusions.vipUsers)"}
	}
	out.Checked = []string{"breakGlass", "vipUsers"}

	memberships, err := s.allMemberships(ctx, in.User)
	if err != nil {
		return out, err
	}
	for _, m := range memberships {
		if matchAny(ex.ProtectedGroups, m.ID, m.DisplayName) {
			return out, &ExcludedAccount{User: upn, Reason: fmt.Sprintf("member of protected group %q (exclusions.protectedGroups)", m.DisplayName)}
		}
	}
	out.Checked = append(out.Checked, fmt.Sprintf("protectedGroups (%d memberships)", len(memberships)))
	return out, nil
}

// allMemberships returns the user's Entra memberships followed by its AD groups.
func (s *Steps) allMemberships(ctx context.Context, u Subject) ([]identity.Membership, error) {
	var all []identity.Membership
	if u.Entra != nil {
		if s.EntraGroups == nil {
			return nil, notConfigured("Entra ID group access")
		}
		ms, err := s.EntraGroups.Memberships(ctx, u.Entra.ID)
		if err != nil {
			return nil, fmt.Errorf("listing Entra memberships of %q: %w", u.UserPrincipalName, err)
		}
		all = append(all, ms...)
	}
	if u.AD != nil {
		if s.ADUsers == nil {
			return nil, notConfigured("Active Directory")
		}
		ms, err := s.ADUsers.Groups(ctx, u.UserPrincipalName)
		if err != nil {
			return nil, fmt.Errorf("listing AD groups of %q: %w", u.UserPrincipalName, err)
		}
		all = append(all, ms...)
	}
	return all, nil
}

// matchAny reports whether any value equals any entry of list, ignoring case.
func matchAny(list []string, values ...string) bool {
	for _, entry := range list {
		for _, v := range values {
			if v != "" && strings.EqualFold(strings.TrimSpace(entry), v) {
				return true
			}
		}
	}
	return false
}
