package activedirectory

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/adapters/identity"
)

// RemoveGroupMemberships removes the account from every group in its memberOf by deleting
// the account's DN from each group's member attribute, and returns one result per group.
// A group the service account may not edit is reported as failed with ErrorName
// PermissionDenied and the other groups are still processed. The primary group is reported
// as skipped, because membership in it comes from the account's primaryGroupID and not from
// the group's member attribute. The error is non-nil only when the account cannot be read.
func (c *Client) RemoveGroupMemberships(ctx context.Context, guid string) ([]identity.ItemResult, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	s, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer s.close()
	a, err := c.accountByGUID(ctx, s, guid)
	if err != nil {
		return nil, err
	}

	results := make([]identity.ItemResult, 0, len(a.MemberOf)+1)
	for _, group := range a.MemberOf {
		if err := ctx.Err(); err != nil {
			return results, fmt.Errorf("removing group memberships of %q: %w", a.DN, err)
		}
		results = append(results, c.removeMember(ctx, s, group, a.DN))
	}
	results = append(results, c.primaryGroupResult(ctx, s, a))
	return results, nil
}

// removeMember deletes memberDN from the member attribute of group.
func (c *Client) removeMember(ctx context.Context, s *session, group, memberDN string) identity.ItemResult {
	item := identity.ItemResult{ID: group, Name: rdnValue(group)}
	req := ldap.NewModifyRequest(group, nil)
	req.Delete("member", []string{memberDN})
	err := s.conn.Modify(req)
	switch {
	case err == nil:
		item.Status = identity.StatusRemoved
		c.log.InfoContext(ctx, "removed AD group membership", "group", group, "dn", memberDN)
		return item
	// Depending on the server, removing a member that is not in the group fails with
	// noSuchAttribute or unwillingToPerform, and noSuchObject means the group is gone.
	// isMember distinguishes these cases from a real failure.
	case ldap.IsErrorAnyOf(err, ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultUnwillingToPerform, ldap.LDAPResultNoSuchObject) &&
		!c.isMember(ctx, s, group, memberDN):
		item.Status = identity.StatusAlreadyAbsent
		return item
	}

	typed := classify(ctx, fmt.Sprintf("removing %q from group %q", memberDN, group), err)
	item.Status = identity.StatusFailed
	item.Error = typed.Error()
	item.ErrorName = errorName(typed)
	c.log.WarnContext(ctx, "AD group membership not removed", "group", group, "dn", memberDN, "err", typed)
	return item
}

// isMember reports whether group still lists memberDN. It returns true when the group cannot
// be read, so that the original error is reported.
func (c *Client) isMember(ctx context.Context, s *session, group, memberDN string) bool {
	req := ldap.NewSearchRequest(group, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(member="+ldap.EscapeFilter(memberDN)+")", []string{"1.1"}, nil)
	res, err := s.conn.Search(req)
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return false
	}
	return err != nil || len(res.Entries) > 0
}

// primaryGroupResult returns the skipped item for the account's primary group, named when
// the group can be found by its SID.
func (c *Client) primaryGroupResult(ctx context.Context, s *session, a *Account) identity.ItemResult {
	item := identity.ItemResult{
		ID:     fmt.Sprintf("primaryGroupID=%d", a.PrimaryGroupID),
		Status: identity.StatusSkipped,
		Error:  "primary group: membership comes from the account's primaryGroupID, not from the group's member list, so it cannot be removed here and the disabled account stays a member",
	}
	sid, err := replaceRID(a.sid, a.PrimaryGroupID)
	if err != nil {
		return item
	}
	req := ldap.NewSearchRequest(c.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 1, 0, false,
		"(&(objectClass=group)(objectSid="+escapeBytes(sid)+"))", []string{"1.1"}, nil)
	res, err := s.conn.Search(req)
	if err == nil && len(res.Entries) == 1 {
		item.ID = res.Entries[0].DN
		item.Name = rdnValue(res.Entries[0].DN)
	}
	return item
}

// errorName returns the Go type name of a typed error, which is the name a state machine
// matches, or "" for an untyped error.
func errorName(err error) string {
	var (
		denied      *identity.PermissionDenied
		notFound    *identity.UserNotFound
		unavailable *DirectoryUnavailable
	)
	switch {
	case errors.As(err, &denied):
		return "PermissionDenied"
	case errors.As(err, &notFound):
		return "UserNotFound"
	case errors.As(err, &unavailable):
		return "DirectoryUnavailable"
	}
	return ""
}
