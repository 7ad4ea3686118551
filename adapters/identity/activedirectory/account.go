package activedirectory

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/adapters/identity"
)

// uacAccountDisable is the ACCOUNTDISABLE flag of userAccountControl.
const uacAccountDisable = 0x2

// Account is an Active Directory user account as read from the directory.
type Account struct {
	DN string `json:"dn"`
	// GUID is the objectGUID in string form. It identifies the account across moves and
	// renames, and the other Client methods take it.
	GUID              string `json:"guid"`
	UserPrincipalName string `json:"userPrincipalName"`
	SAMAccountName    string `json:"samAccountName"`
	DisplayName       string `json:"displayName"`
	Mail              string `json:"mail,omitempty"`
	Description       string `json:"description,omitempty"`
	// UserAccountControl is the userAccountControl bit field, in which 0x2 is ACCOUNTDISABLE.
	UserAccountControl uint32 `json:"userAccountControl"`
	// MemberOf lists the DNs of the groups the account is a direct member of, without the
	// primary group.
	MemberOf []string `json:"memberOf,omitempty"`
	// PrimaryGroupID is the relative identifier of the primary group (513 is Domain Users).
	PrimaryGroupID uint32 `json:"primaryGroupID"`

	sid []byte
}

// Disabled reports whether the ACCOUNTDISABLE bit is set.
func (a *Account) Disabled() bool { return a.UserAccountControl&uacAccountDisable != 0 }

// User returns the account as the provider-neutral identity.User.
func (a *Account) User() identity.User {
	return identity.User{
		ID:                a.GUID,
		UserPrincipalName: a.UserPrincipalName,
		SAMAccountName:    a.SAMAccountName,
		DistinguishedName: a.DN,
		DisplayName:       a.DisplayName,
		Mail:              a.Mail,
		AccountEnabled:    !a.Disabled(),
	}
}

var accountAttributes = []string{
	"objectGUID", "objectSid", "userPrincipalName", "sAMAccountName", "displayName", "mail",
	"description", "userAccountControl", "memberOf", "primaryGroupID",
}

// maxNameLength bounds a user name far above real ones. A sAMAccountName has at most 20
// characters.
const maxNameLength = 1024

// FindUser returns the account whose userPrincipalName or sAMAccountName is name. It returns
// identity.UserNotFound when none matches and AmbiguousUser when more than one does.
func (c *Client) FindUser(ctx context.Context, name string) (*Account, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	s, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer s.close()

	v := ldap.EscapeFilter(name)
	filter := "(&(objectCategory=person)(objectClass=user)(|(userPrincipalName=" + v + ")(sAMAccountName=" + v + ")))"
	return c.searchAccount(ctx, s, filter, name, fmt.Sprintf("finding user %q", name))
}

// accountByGUID reads the account with the given objectGUID string over s.
func (c *Client) accountByGUID(ctx context.Context, s *session, guid string) (*Account, error) {
	raw, err := parseGUID(guid)
	if err != nil {
		return nil, err
	}
	filter := "(&(objectClass=user)(objectGUID=" + escapeBytes(raw) + "))"
	return c.searchAccount(ctx, s, filter, guid, fmt.Sprintf("reading user %s", guid))
}

// searchAccount runs a subtree search under the base DN that must match exactly one user.
func (c *Client) searchAccount(ctx context.Context, s *session, filter, name, operation string) (*Account, error) {
	req := ldap.NewSearchRequest(c.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		2, 0, false, filter, accountAttributes, nil)
	res, err := s.conn.Search(req)
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil, fmt.Errorf("%s: base DN %q not found: check baseDN: %w", operation, c.cfg.BaseDN, err)
		}
		return nil, classify(ctx, operation, err)
	}
	switch {
	case res == nil || len(res.Entries) == 0:
		return nil, &identity.UserNotFound{User: name}
	case len(res.Entries) > 1 || err != nil:
		dns := make([]string, len(res.Entries))
		for i, e := range res.Entries {
			dns[i] = e.DN
		}
		return nil, &AmbiguousUser{User: name, DNs: dns}
	}
	return parseAccount(res.Entries[0])
}

func parseAccount(e *ldap.Entry) (*Account, error) {
	guid, err := formatGUID(e.GetRawAttributeValue("objectGUID"))
	if err != nil {
		return nil, fmt.Errorf("reading %q: %w", e.DN, err)
	}
	a := &Account{
		DN:                e.DN,
		GUID:              guid,
		UserPrincipalName: e.GetAttributeValue("userPrincipalName"),
		SAMAccountName:    e.GetAttributeValue("sAMAccountName"),
		DisplayName:       e.GetAttributeValue("displayName"),
		Mail:              e.GetAttributeValue("mail"),
		Description:       e.GetAttributeValue("description"),
		MemberOf:          e.GetAttributeValues("memberOf"),
		sid:               e.GetRawAttributeValue("objectSid"),
	}
	// A domain controller returns a memberOf longer than its MaxValRange policy in ranges
	// (memberOf;range=0-1499, for example). Reading only the first range would make Verify
	// miss groups, so such an account is rejected.
	for _, attr := range e.Attributes {
		if strings.HasPrefix(strings.ToLower(attr.Name), "memberof;range=") {
			return nil, fmt.Errorf("reading %q: memberOf is returned in ranges because the account is in too many groups: remove its memberships by hand", e.DN)
		}
	}
	if a.UserAccountControl, err = parseUint32(e, "userAccountControl"); err != nil {
		return nil, err
	}
	if a.PrimaryGroupID, err = parseUint32(e, "primaryGroupID"); err != nil {
		return nil, err
	}
	return a, nil
}

// parseUint32 reads an integer attribute that AD stores as a signed 32-bit decimal.
func parseUint32(e *ldap.Entry, attr string) (uint32, error) {
	v := e.GetAttributeValue(attr)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < -1<<31 || n > 1<<32-1 {
		return 0, fmt.Errorf("reading %q: invalid %s %q", e.DN, attr, v)
	}
	return uint32(n), nil
}

// checkName rejects user names that cannot be a UPN or sAMAccountName.
func checkName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("missing user name: give a userPrincipalName or sAMAccountName")
	case len(name) > maxNameLength:
		return fmt.Errorf("invalid user name of %d bytes: a userPrincipalName or sAMAccountName has at most %d", len(name), maxNameLength)
	case strings.ContainsAny(name, "\x00\r\n"):
		return fmt.Errorf("invalid user name %q: it contains a control character", name)
	}
	return nil
}
