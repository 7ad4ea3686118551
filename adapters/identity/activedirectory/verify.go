package activedirectory

import (
	"context"
	"strings"
)

// Verification is the account's state read back after offboarding.
type Verification struct {
	DN       string `json:"dn"`
	Disabled bool   `json:"disabled"`
	// InDisabledOU is true when the account's parent is the disabled-users OU.
	InDisabledOU bool `json:"inDisabledOU"`
	// RemainingGroups lists the DNs still in memberOf, which does not include the primary
	// group.
	RemainingGroups []string `json:"remainingGroups,omitempty"`
	// DescriptionStamped is true when the description starts with the ticket's stamp.
	DescriptionStamped bool `json:"descriptionStamped"`
}

// Complete reports whether every check passed.
func (v Verification) Complete() bool {
	return v.Disabled && v.InDisabledOU && len(v.RemainingGroups) == 0 && v.DescriptionStamped
}

// Problems lists, in words, each check that did not pass.
func (v Verification) Problems() []string {
	var out []string
	if !v.Disabled {
		out = append(out, "account is enabled")
	}
	if !v.InDisabledOU {
		out = append(out, "account is not in the disabled-users OU")
	}
	if len(v.RemainingGroups) > 0 {
		out = append(out, "account is still a member of "+strings.Join(v.RemainingGroups, "; "))
	}
	if !v.DescriptionStamped {
		out = append(out, "description does not carry the offboarding stamp")
	}
	return out
}

// Verify reads the account back and reports whether it is disabled, in the disabled-users
// OU, without removable group memberships and stamped with ticket.
func (c *Client) Verify(ctx context.Context, guid, ticket string) (Verification, error) {
	if err := checkTicket(ticket); err != nil {
		return Verification{}, err
	}
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	s, err := c.connect(ctx)
	if err != nil {
		return Verification{}, err
	}
	defer s.close()
	a, err := c.accountByGUID(ctx, s, guid)
	if err != nil {
		return Verification{}, err
	}
	parent := parentDN(a.DN)
	return Verification{
		DN:                 a.DN,
		Disabled:           a.Disabled(),
		InDisabledOU:       parent != nil && parent.EqualFold(c.disabledOU),
		RemainingGroups:    a.MemberOf,
		DescriptionStamped: hasStamp(a.Description, ticket),
	}, nil
}
