package entra

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/secamo/orchestrator/adapters/identity"
)

// membershipProperties are selected on memberOf: the properties that decide whether Graph can
// remove the membership.
// NOTE: checked only against the emulator. Whether a live tenant accepts $select of the
// derived types' properties (groupTypes, membershipType) on memberOf is not yet tried.
var membershipProperties = []string{
	"id", "displayName", "groupTypes", "mailEnabled", "securityEnabled",
	"onPremisesSyncEnabled", "membershipType",
}

// expiredPageToken is Graph's error code for a nextLink whose page token has expired.
const expiredPageToken = "Directory_ExpiredPageToken"

// Memberships lists the groups, directory roles and administrative units the user is a direct
// member of, following @odata.nextLink across all pages. When a page token expires during
// the enumeration it starts over once. It returns the whole list or an error, never part of
// a list, so that no removal runs on a partial one.
func (c *Client) Memberships(ctx context.Context, user string) ([]identity.Membership, error) {
	if user == "" {
		return nil, errors.New("listing memberships: missing user id or user principal name")
	}
	list, err := c.listMemberships(ctx, user)
	if ge, ok := asGraphError(err); ok && ge.status == http.StatusBadRequest && ge.code == expiredPageToken {
		c.log.InfoContext(ctx, "graph page token expired; listing memberships again", slog.String("user", user))
		list, err = c.listMemberships(ctx, user)
	}
	if err != nil {
		return nil, fmt.Errorf("listing memberships of user %q: %w", user, c.classify(err, "list memberships", user))
	}
	return list, nil
}

func (c *Client) listMemberships(ctx context.Context, user string) ([]identity.Membership, error) {
	top := c.pageSize
	builder := c.graph.Users().ByUserId(user).MemberOf()
	page, err := builder.Get(ctx, &users.ItemMemberOfRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemMemberOfRequestBuilderGetQueryParameters{Select: membershipProperties, Top: &top},
	})
	var list []identity.Membership
	for err == nil {
		for _, obj := range page.GetValue() {
			list = append(list, toMembership(obj))
		}
		next := deref(page.GetOdataNextLink())
		if next == "" {
			return list, nil
		}
		page, err = builder.WithUrl(next).Get(ctx, nil)
	}
	return nil, err
}

func toMembership(obj models.DirectoryObjectable) identity.Membership {
	m := identity.Membership{ID: deref(obj.GetId()), Removable: true}
	switch o := obj.(type) {
	case models.Groupable:
		m.Kind = identity.KindGroup
		m.DisplayName = deref(o.GetDisplayName())
		m.Dynamic = slices.Contains(o.GetGroupTypes(), "DynamicMembership")
		m.OnPremises = deref(o.GetOnPremisesSyncEnabled())
		unified := slices.Contains(o.GetGroupTypes(), "Unified")
		switch {
		case m.OnPremises:
			m.Removable, m.NotRemovableCode = false, identity.NotRemovableSynced
			m.NotRemovableReason = "group is synchronised from on-premises AD: remove the membership in AD"
		case m.Dynamic:
			m.Removable, m.NotRemovableCode = false, identity.NotRemovableDynamic
			m.NotRemovableReason = "group has a dynamic membership rule: change the rule or the user's attributes"
		case deref(o.GetMailEnabled()) && !unified:
			m.Removable, m.NotRemovableCode = false, identity.NotRemovableMailEnabled
			m.NotRemovableReason = "mail-enabled security group or distribution list: remove the membership in Exchange Online"
		}
	case models.DirectoryRoleable:
		m.Kind = identity.KindDirectoryRole
		m.DisplayName = deref(o.GetDisplayName())
	case models.AdministrativeUnitable:
		m.Kind = identity.KindAdministrativeUnit
		m.DisplayName = deref(o.GetDisplayName())
		if strings.EqualFold(deref(o.GetMembershipType()), "Dynamic") {
			m.Dynamic = true
			m.Removable, m.NotRemovableCode = false, identity.NotRemovableDynamic
			m.NotRemovableReason = "administrative unit has a dynamic membership rule: change the rule or the user's attributes"
		}
	default:
		m.Kind = identity.MembershipKind(strings.TrimPrefix(deref(obj.GetOdataType()), "#microsoft.graph."))
		m.Removable, m.NotRemovableCode = false, identity.NotRemovableKind
		m.NotRemovableReason = "the adapter does not remove memberships of this object type"
	}
	return m
}

// RemoveMemberships removes the user from the given groups, directory roles and administrative
// units with $batch requests of at most 20 removals, and reports each membership by itself:
// removed, alreadyAbsent (Graph returned 404), skipped (not removable, with the reason) or
// failed (with the error and its typed name, such as PermissionDenied or Throttled). The
// error is set only when a whole $batch failed; the results then cover the memberships
// handled before it.
func (c *Client) RemoveMemberships(ctx context.Context, user string, memberships []identity.Membership) ([]identity.ItemResult, error) {
	if user == "" {
		return nil, errors.New("removing memberships: missing user id")
	}
	results := make([]identity.ItemResult, len(memberships))
	var steps []batchStep
	index := map[string]int{}
	for i, m := range memberships {
		results[i] = identity.ItemResult{ID: m.ID, Name: m.DisplayName}
		if !m.Removable {
			results[i].Status, results[i].Error = identity.StatusSkipped, m.NotRemovableReason
			continue
		}
		req, err := c.removalRequest(ctx, user, m)
		if err != nil {
			results[i].Status, results[i].Error = identity.StatusFailed, err.Error()
			continue
		}
		id := strconv.Itoa(i)
		index[id] = i
		steps = append(steps, batchStep{id: id, request: req})
	}

	answers, err := c.runBatch(ctx, steps)
	for _, s := range steps {
		r, ok := answers[s.id]
		if !ok {
			continue
		}
		i := index[s.id]
		results[i] = c.removalResult(ctx, user, results[i], r)
	}
	if err != nil {
		return results, fmt.Errorf("removing memberships of user %q: %w", user, err)
	}
	return results, nil
}

func (c *Client) removalRequest(ctx context.Context, user string, m identity.Membership) (*abs.RequestInformation, error) {
	switch m.Kind {
	case identity.KindGroup:
		return c.graph.Groups().ByGroupId(m.ID).Members().ByDirectoryObjectId(user).Ref().ToDeleteRequestInformation(ctx, nil)
	case identity.KindDirectoryRole:
		return c.graph.DirectoryRoles().ByDirectoryRoleId(m.ID).Members().ByDirectoryObjectId(user).Ref().ToDeleteRequestInformation(ctx, nil)
	case identity.KindAdministrativeUnit:
		return c.graph.Directory().AdministrativeUnits().ByAdministrativeUnitId(m.ID).Members().ByDirectoryObjectId(user).Ref().ToDeleteRequestInformation(ctx, nil)
	}
	return nil, fmt.Errorf("unknown membership kind %q: use group, directoryRole or administrativeUnit", m.Kind)
}

func (c *Client) removalResult(ctx context.Context, user string, res identity.ItemResult, r batchResult) identity.ItemResult {
	switch {
	case r.ok():
		res.Status = identity.StatusRemoved
	case r.status == http.StatusNotFound:
		res.Status = identity.StatusAlreadyAbsent
	default:
		err := c.classify(r.err(), "remove membership", user)
		res.Status, res.Error, res.ErrorName = identity.StatusFailed, err.Error(), errorName(err)
		c.log.WarnContext(ctx, "graph rejected a membership removal",
			slog.String("user", user), slog.String("object", res.ID), slog.String("error", res.Error))
	}
	return res
}
