// Package ad is an in-memory Active Directory for the demo and the end-to-end tests. It
// implements the AD interfaces of the offboarding steps (offboarding.ADUsers, ADAccounts
// and ADGroups) directly, because a real Samba domain controller needs root. Accounts are
// found by user principal name and changed by objectGUID, as the LDAP adapter does, and
// every change leaves an account that is already in the wanted state alone.
//
// It is not an LDAP server: the LDAP adapter is tested against Samba in its own package.
package ad

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// Account is one user account as seeded and read back.
type Account struct {
	GUID              string
	UserPrincipalName string
	SAMAccountName    string
	DistinguishedName string
	DisplayName       string
	Enabled           bool
	Description       string
	// MemberOf holds the distinguished names of the account's groups.
	MemberOf []string
	// PasswordResets is the number of password resets. The password itself is not kept.
	PasswordResets int
}

// Directory is the in-memory directory. The zero value is not usable: call New.
type Directory struct {
	disabledOU string
	now        func() time.Time

	mu       sync.Mutex
	accounts map[string]*Account // by GUID
	denied   map[string]bool     // group DNs whose member removal is refused
}

var (
	_ offboarding.ADUsers    = (*Directory)(nil)
	_ offboarding.ADAccounts = (*Directory)(nil)
	_ offboarding.ADGroups   = (*Directory)(nil)
)

// New returns an empty directory that moves disabled accounts into disabledOU. now stamps
// descriptions, and nil means time.Now.
func New(disabledOU string, now func() time.Time) *Directory {
	if now == nil {
		now = time.Now
	}
	return &Directory{disabledOU: disabledOU, now: now, accounts: map[string]*Account{}, denied: map[string]bool{}}
}

// Add stores a copy of the account. It fails when the GUID or the UPN is taken.
func (d *Directory) Add(a Account) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a.GUID == "" || a.UserPrincipalName == "" || a.DistinguishedName == "" {
		return fmt.Errorf("account %q needs a GUID, a user principal name and a distinguished name", a.UserPrincipalName)
	}
	for _, other := range d.accounts {
		if other.GUID == a.GUID || strings.EqualFold(other.UserPrincipalName, a.UserPrincipalName) {
			return fmt.Errorf("account %q already exists", a.UserPrincipalName)
		}
	}
	a.MemberOf = slices.Clone(a.MemberOf)
	d.accounts[a.GUID] = &a
	return nil
}

// DenyGroup makes every later removal from the group fail with insufficient access rights.
func (d *Directory) DenyGroup(dn string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.denied[strings.ToLower(dn)] = true
}

// Account returns a copy of the account with the given user principal name.
func (d *Directory) Account(upn string) (Account, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := d.byUPN(upn)
	if a == nil {
		return Account{}, false
	}
	c := *a
	c.MemberOf = slices.Clone(a.MemberOf)
	return c, true
}

func (d *Directory) byUPN(upn string) *Account {
	for _, a := range d.accounts {
		if strings.EqualFold(a.UserPrincipalName, upn) {
			return a
		}
	}
	return nil
}

func (d *Directory) byGUID(guid string) (*Account, error) {
	a, ok := d.accounts[guid]
	if !ok {
		return nil, &identity.UserNotFound{User: guid}
	}
	return a, nil
}

// FindUser returns the account as an identity.User with its objectGUID as ID.
func (d *Directory) FindUser(ctx context.Context, userPrincipalName string) (*identity.User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := d.byUPN(userPrincipalName)
	if a == nil {
		return nil, &identity.UserNotFound{User: userPrincipalName}
	}
	return &identity.User{
		ID: a.GUID, UserPrincipalName: a.UserPrincipalName, SAMAccountName: a.SAMAccountName,
		DistinguishedName: a.DistinguishedName, DisplayName: a.DisplayName, AccountEnabled: a.Enabled,
	}, nil
}

// Groups returns the account's memberOf as removable group memberships named by their CN.
func (d *Directory) Groups(ctx context.Context, userPrincipalName string) ([]identity.Membership, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := d.byUPN(userPrincipalName)
	if a == nil {
		return nil, &identity.UserNotFound{User: userPrincipalName}
	}
	groups := make([]identity.Membership, 0, len(a.MemberOf))
	for _, dn := range a.MemberOf {
		groups = append(groups, identity.Membership{ID: dn, DisplayName: commonName(dn), Kind: identity.KindGroup, Removable: true})
	}
	return groups, nil
}

// ResetPassword counts a reset. No password is stored.
func (d *Directory) ResetPassword(ctx context.Context, guid string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, err := d.byGUID(guid)
	if err != nil {
		return err
	}
	a.PasswordResets++
	return nil
}

// Disable disables the account and reports whether it was enabled.
func (d *Directory) Disable(ctx context.Context, guid string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, err := d.byGUID(guid)
	if err != nil {
		return false, err
	}
	changed := a.Enabled
	a.Enabled = false
	return changed, nil
}

// StampDescription writes the date and the ticket key into the description, once.
func (d *Directory) StampDescription(ctx context.Context, guid, ticket string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, err := d.byGUID(guid)
	if err != nil {
		return false, err
	}
	if strings.Contains(a.Description, ticket) {
		return false, nil
	}
	a.Description = fmt.Sprintf("Disabled %s, ticket %s", d.now().UTC().Format("2006-01-02"), ticket)
	return true, nil
}

// MoveToDisabledOU moves the account under the disabled-accounts OU and returns its new DN.
func (d *Directory) MoveToDisabledOU(ctx context.Context, guid string) (string, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, err := d.byGUID(guid)
	if err != nil {
		return "", false, err
	}
	rdn, parent, _ := strings.Cut(a.DistinguishedName, ",")
	if strings.EqualFold(parent, d.disabledOU) {
		return a.DistinguishedName, false, nil
	}
	a.DistinguishedName = rdn + "," + d.disabledOU
	return a.DistinguishedName, true, nil
}

// RemoveGroupMemberships removes the account from each group of its memberOf and reports
// every group, with the group's DN as ID.
func (d *Directory) RemoveGroupMemberships(ctx context.Context, guid string) ([]identity.ItemResult, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, err := d.byGUID(guid)
	if err != nil {
		return nil, err
	}
	results := make([]identity.ItemResult, 0, len(a.MemberOf))
	var remaining []string
	for _, dn := range a.MemberOf {
		r := identity.ItemResult{ID: dn, Name: commonName(dn), Status: identity.StatusRemoved}
		if d.denied[strings.ToLower(dn)] {
			r.Status, r.ErrorName = identity.StatusFailed, "PermissionDenied"
			r.Error = "insufficient access rights to change the members of " + dn
			remaining = append(remaining, dn)
		}
		results = append(results, r)
	}
	a.MemberOf = remaining
	return results, nil
}

// commonName returns the value of the DN's first RDN ("Sales" for CN=Sales,OU=Groups,...).
func commonName(dn string) string {
	first, _, _ := strings.Cut(dn, ",")
	if _, value, ok := strings.Cut(first, "="); ok {
		return value
	}
	return dn
}
