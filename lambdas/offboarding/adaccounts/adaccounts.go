// Package adaccounts connects the Active Directory adapter to the offboarding steps: it
// converts the adapter's Account and Change types to the steps' AD interfaces, so the Lambda
// entry point and the local runtime wire AD the same way. It adds no behaviour of its own.
package adaccounts

import (
	"context"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/identity/activedirectory"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// API is the part of the AD adapter that Accounts calls.
type API interface {
	FindUser(ctx context.Context, name string) (*activedirectory.Account, error)
	ResetPassword(ctx context.Context, guid string) error
	Disable(ctx context.Context, guid string) (activedirectory.Change, error)
	StampDescription(ctx context.Context, guid, ticket string) (activedirectory.Change, error)
	MoveToDisabledOU(ctx context.Context, guid string) (activedirectory.Change, error)
	RemoveGroupMemberships(ctx context.Context, guid string) ([]identity.ItemResult, error)
}

var _ API = (*activedirectory.Client)(nil)

// Accounts converts the AD adapter's Account and Change types to the offboarding steps' AD
// interfaces.
type Accounts struct{ api API }

// New returns the offboarding steps' view of the AD adapter api.
func New(api API) Accounts { return Accounts{api: api} }

var (
	_ offboarding.ADUsers    = Accounts{}
	_ offboarding.ADAccounts = Accounts{}
	_ offboarding.ADGroups   = Accounts{}
)

// FindUser returns the account as an identity.User with its objectGUID as ID.
func (a Accounts) FindUser(ctx context.Context, userPrincipalName string) (*identity.User, error) {
	acc, err := a.api.FindUser(ctx, userPrincipalName)
	if err != nil {
		return nil, err
	}
	u := acc.User()
	return &u, nil
}

// Groups returns the account's memberOf as removable group memberships named by their CN.
func (a Accounts) Groups(ctx context.Context, userPrincipalName string) ([]identity.Membership, error) {
	acc, err := a.api.FindUser(ctx, userPrincipalName)
	if err != nil {
		return nil, err
	}
	groups := make([]identity.Membership, 0, len(acc.MemberOf))
	for _, dn := range acc.MemberOf {
		groups = append(groups, identity.Membership{ID: dn, DisplayName: firstRDNValue(dn), Kind: identity.KindGroup, Removable: true})
	}
	return groups, nil
}

// ResetPassword sets a random password through the adapter.
func (a Accounts) ResetPassword(ctx context.Context, guid string) error {
	return a.api.ResetPassword(ctx, guid)
}

// Disable disables the account and reports whether it was enabled.
func (a Accounts) Disable(ctx context.Context, guid string) (bool, error) {
	c, err := a.api.Disable(ctx, guid)
	return c.Status == activedirectory.StatusDisabled, err
}

// StampDescription stamps the ticket key and reports whether the stamp was new.
func (a Accounts) StampDescription(ctx context.Context, guid, ticket string) (bool, error) {
	c, err := a.api.StampDescription(ctx, guid, ticket)
	return c.Status == activedirectory.StatusStamped, err
}

// MoveToDisabledOU moves the account and returns its DN and whether it moved.
func (a Accounts) MoveToDisabledOU(ctx context.Context, guid string) (string, bool, error) {
	c, err := a.api.MoveToDisabledOU(ctx, guid)
	return c.DN, c.Status == activedirectory.StatusMoved, err
}

// RemoveGroupMemberships removes every group of the account's memberOf.
func (a Accounts) RemoveGroupMemberships(ctx context.Context, guid string) ([]identity.ItemResult, error) {
	return a.api.RemoveGroupMemberships(ctx, guid)
}

// firstRDNValue returns the value of the DN's first RDN ("Sales" for CN=Sales,OU=Groups,...),
// or the DN itself when it does not parse.
func firstRDNValue(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) == 0 || len(parsed.RDNs[0].Attributes) == 0 {
		return dn
	}
	return parsed.RDNs[0].Attributes[0].Value
}
