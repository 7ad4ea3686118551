package offboarding

import (
	"context"
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/adapters/identity"
)

// DisableEntraUser disables the Entra ID account (accountEnabled false). A synchronised
// user's account item is skipped, because it is disabled on the AD side.
//
// Input ChangeInput, output ChangeOutput. Errors: InvalidInput, NotConfigured, Throttled.
// A rejected change (PermissionDenied, SyncedFromOnPrem) is a failed outcome.
func (s *Steps) DisableEntraUser(ctx context.Context, in ChangeInput) (out ChangeOutput, err error) {
	defer classify(&err)
	items := itemsOf(in.Items, KindEntraAccount)
	if err := s.needEntra(in.User, items); err != nil {
		return out, err
	}
	return s.applyEach(ctx, "DisableEntraUser", items, func(ctx context.Context, it PlanItem) (Status, string, error) {
		already, err := s.EntraUsers.DisableUser(ctx, it.ID)
		switch {
		case err != nil:
			return "", "", fmt.Errorf("disabling Entra user %q: %w", it.Name, err)
		case already:
			return StatusAlreadyDone, "account already disabled", nil
		}
		return StatusChanged, "account disabled", nil
	})
}

// RevokeSessions revokes the user's refresh tokens and session cookies, so signed-in apps
// must sign in again (and fail, once the account is disabled). A guest's sessions belong to
// its home tenant, so the item is skipped.
//
// Input ChangeInput, output ChangeOutput. Errors: InvalidInput, NotConfigured, Throttled.
func (s *Steps) RevokeSessions(ctx context.Context, in ChangeInput) (out ChangeOutput, err error) {
	defer classify(&err)
	items := itemsOf(in.Items, KindSessions)
	if err := s.needEntra(in.User, items); err != nil {
		return out, err
	}
	if len(items) > 0 && s.EntraSessions == nil {
		return out, notConfigured("Entra ID session access")
	}
	return s.applyEach(ctx, "RevokeSessions", items, func(ctx context.Context, it PlanItem) (Status, string, error) {
		status, err := s.EntraSessions.RevokeSessions(ctx, *in.User.Entra)
		switch {
		case err != nil:
			return "", "", fmt.Errorf("revoking sessions of %q: %w", it.Name, err)
		case status == RevocationNotApplicable:
			return StatusSkipped, "guest: the sessions belong to the home tenant", nil
		}
		return StatusChanged, "sessions revoked", nil
	})
}

// RemoveGroupMemberships removes the user from each planned Entra group (or directory role
// or administrative unit) and each planned AD group. A membership that is already gone is
// reported as alreadyDone.
//
// Input ChangeInput, output ChangeOutput. Errors: InvalidInput, NotConfigured, Throttled,
// PermissionDenied (listing failures; a failed removal is an outcome).
func (s *Steps) RemoveGroupMemberships(ctx context.Context, in ChangeInput) (out ChangeOutput, err error) {
	defer classify(&err)
	entraItems := itemsOf(in.Items, KindGroup)
	adItems := itemsOf(in.Items, KindADGroup)
	if err := s.needEntra(in.User, entraItems); err != nil {
		return out, err
	}
	out = ChangeOutput{Outcomes: []Outcome{}}
	if len(entraItems) > 0 {
		res, err := s.removeEntraGroups(ctx, in.User, entraItems)
		out.Outcomes = append(out.Outcomes, res.Outcomes...)
		if err != nil {
			return out, err
		}
	}
	if len(adItems) > 0 {
		res, err := s.removeADGroups(ctx, in.User, adItems)
		out.Outcomes = append(out.Outcomes, res.Outcomes...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *Steps) removeEntraGroups(ctx context.Context, u Subject, items []PlanItem) (ChangeOutput, error) {
	current, err := s.EntraGroups.Memberships(ctx, u.Entra.ID)
	if err != nil {
		return ChangeOutput{}, fmt.Errorf("listing Entra memberships of %q: %w", u.UserPrincipalName, err)
	}
	var results []identity.ItemResult
	var remove []identity.Membership
	for _, it := range items {
		if it.SkipReason != "" {
			continue
		}
		m, ok := findMembership(current, it.ID)
		if !ok {
			results = append(results, identity.ItemResult{ID: it.ID, Status: identity.StatusAlreadyAbsent})
			continue
		}
		remove = append(remove, m)
	}
	var reqErr error
	if len(remove) > 0 {
		res, err := s.EntraGroups.RemoveMemberships(ctx, u.Entra.ID, remove)
		results = append(results, res...)
		if err != nil {
			reqErr = fmt.Errorf("removing Entra memberships of %q: %w", u.UserPrincipalName, err)
		}
	}
	return s.fromItemResults(ctx, "RemoveGroupMemberships", items, results, reqErr)
}

func (s *Steps) removeADGroups(ctx context.Context, u Subject, items []PlanItem) (ChangeOutput, error) {
	if s.ADUsers == nil || s.ADGroups == nil {
		return ChangeOutput{}, notConfigured("Active Directory")
	}
	if u.AD == nil {
		return ChangeOutput{}, invalidInput("plan has AD group items but user.ad is missing: pass the user output of ResolveUser")
	}
	current, err := s.ADUsers.Groups(ctx, u.UserPrincipalName)
	if err != nil {
		return ChangeOutput{}, fmt.Errorf("listing AD groups of %q: %w", u.UserPrincipalName, err)
	}
	var results []identity.ItemResult
	removing := false
	for _, it := range items {
		if it.SkipReason != "" {
			continue
		}
		if _, ok := findMembership(current, it.ID); ok {
			removing = true
			continue
		}
		results = append(results, identity.ItemResult{ID: it.ID, Status: identity.StatusAlreadyAbsent})
	}
	var reqErr error
	if removing {
		// NOTE: the adapter removes every group of memberOf, including one added after the
		// plan was approved; only the planned groups are reported.
		res, err := s.ADGroups.RemoveGroupMemberships(ctx, u.AD.ID)
		results = append(results, res...)
		if err != nil {
			reqErr = fmt.Errorf("removing AD group memberships of %q: %w", u.UserPrincipalName, err)
		}
	}
	return s.fromItemResults(ctx, "RemoveGroupMemberships", items, results, reqErr)
}

// RemoveLicenses removes the planned directly assigned licences in one request. Licences
// assigned through a group are skipped in the plan.
//
// Input ChangeInput, output ChangeOutput. Errors: InvalidInput, NotConfigured, Throttled
// (a failed removal is an outcome).
func (s *Steps) RemoveLicenses(ctx context.Context, in ChangeInput) (out ChangeOutput, err error) {
	defer classify(&err)
	items := itemsOf(in.Items, KindLicense)
	if err := s.needEntra(in.User, items); err != nil {
		return out, err
	}
	var skuIDs []string
	for _, it := range items {
		if it.SkipReason == "" {
			skuIDs = append(skuIDs, it.ID)
		}
	}
	var results []identity.ItemResult
	var reqErr error
	if len(skuIDs) > 0 {
		results, reqErr = s.EntraLicenses.RemoveLicenses(ctx, in.User.Entra.ID, skuIDs)
		if reqErr != nil {
			reqErr = fmt.Errorf("removing licences of %q: %w", in.User.UserPrincipalName, reqErr)
		}
	}
	return s.fromItemResults(ctx, "RemoveLicenses", items, results, reqErr)
}

// needEntra checks that the user has an Entra ID account and the Entra adapters are there
// whenever there are items to change.
func (s *Steps) needEntra(u Subject, items []PlanItem) error {
	if len(items) == 0 {
		return nil
	}
	if u.Entra == nil {
		return invalidInput("plan has Entra ID items but user.entra is missing: pass the user output of ResolveUser")
	}
	if s.EntraUsers == nil || s.EntraGroups == nil || s.EntraLicenses == nil {
		return notConfigured("Entra ID")
	}
	return nil
}

func findMembership(list []identity.Membership, id string) (identity.Membership, bool) {
	for _, m := range list {
		if strings.EqualFold(m.ID, id) {
			return m, true
		}
	}
	return identity.Membership{}, false
}

func hasLicense(list []identity.License, skuID string) bool {
	for _, l := range list {
		if strings.EqualFold(l.SkuID, skuID) {
			return true
		}
	}
	return false
}
