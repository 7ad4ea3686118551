package offboarding

import (
	"context"
	"fmt"
	"strings"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity"
)

// PlanInput is the input of BuildPlan.
type PlanInput struct {
	Ticket TicketRef `json:"ticket"`
	User   Subject   `json:"user"`
}

// BuildPlan lists every change offboarding will make, reading the user's memberships,
// licences, AD groups and mapped IAM access keys, and writes a one-sentence summary in the
// tenant's language. Items that cannot or need not be changed directly (a dynamic group, a
// group synchronised from AD, a licence assigned through a group) are listed with a
// SkipReason. The plan also carries the tenant's two approval levels.
//
// Errors: InvalidInput, NotConfigured, PermissionDenied, Throttled, UserNotFound (a mapped
// IAM user that does not exist).
func (s *Steps) BuildPlan(ctx context.Context, in PlanInput) (plan Plan, err error) {
	defer classify(&err)
	u := in.User
	if u.UserPrincipalName == "" || (u.Entra == nil && u.AD == nil) {
		return plan, invalidInput("missing user: pass the user output of ResolveUser")
	}
	if s.Tenant == nil {
		return plan, notConfigured("tenant configuration")
	}
	plan.CreatedAt = s.now()

	if u.Entra != nil {
		items, err := s.planEntra(ctx, u)
		if err != nil {
			return plan, err
		}
		plan.Items = append(plan.Items, items...)
	}
	if u.AD != nil {
		items, err := s.planAD(ctx, u)
		if err != nil {
			return plan, err
		}
		plan.Items = append(plan.Items, items...)
	}
	keys, err := s.planAccessKeys(ctx, u.UserPrincipalName)
	if err != nil {
		return plan, err
	}
	plan.Items = append(plan.Items, keys...)

	plan.Summary = summarize(textsFor(s.locale()), u, plan.Items)
	plan.Approval = s.approvalRequest(in.Ticket)
	return plan, nil
}

func (s *Steps) planEntra(ctx context.Context, u Subject) ([]PlanItem, error) {
	var items []PlanItem
	account := PlanItem{Kind: KindEntraAccount, ID: u.Entra.ID, Name: u.UserPrincipalName}
	if u.Synced {
		account.skip(skipSyncedAccount, "")
	}
	sessions := PlanItem{Kind: KindSessions, ID: u.Entra.ID, Name: u.UserPrincipalName}
	if u.Entra.UserType == "Guest" {
		sessions.skip(skipGuestSessions, "")
	}
	items = append(items, account, sessions)

	if s.EntraGroups == nil || s.EntraLicenses == nil {
		return nil, notConfigured("Entra ID group and licence access")
	}
	memberships, err := s.EntraGroups.Memberships(ctx, u.Entra.ID)
	if err != nil {
		return nil, fmt.Errorf("listing Entra memberships of %q: %w", u.UserPrincipalName, err)
	}
	for _, m := range memberships {
		item := PlanItem{Kind: KindGroup, ID: m.ID, Name: m.DisplayName, Membership: m.Kind}
		skipMembership(&item, m, u)
		items = append(items, item)
	}

	licenses, err := s.EntraLicenses.Licenses(ctx, u.Entra.ID)
	if err != nil {
		return nil, fmt.Errorf("listing licences of %q: %w", u.UserPrincipalName, err)
	}
	for _, l := range licenses {
		item := PlanItem{Kind: KindLicense, ID: l.SkuID, Name: l.SkuPartNumber}
		if l.AssignedByGroup != "" {
			item.skip(skipLicenceByGroup, groupName(memberships, l.AssignedByGroup))
		}
		items = append(items, item)
	}
	return items, nil
}

// skipMembership marks a membership that is not removed through Entra ID, with the reason.
func skipMembership(item *PlanItem, m identity.Membership, u Subject) {
	switch {
	case m.Dynamic:
		item.skip(skipDynamicGroup, "")
	case m.OnPremises && u.AD != nil:
		item.skip(skipSyncedMembership, "")
	case !m.Removable && m.NotRemovableReason != "":
		item.SkipReason, item.SkipCode = m.NotRemovableReason, m.NotRemovableCode
	case !m.Removable:
		item.skip(skipNotRemovable, "")
	}
}

func groupName(memberships []identity.Membership, id string) string {
	for _, m := range memberships {
		if m.ID == id {
			return fmt.Sprintf("%q", m.DisplayName)
		}
	}
	return id
}

func (s *Steps) planAD(ctx context.Context, u Subject) ([]PlanItem, error) {
	ad := s.Tenant.Identity.ActiveDirectory
	if ad == nil || s.ADUsers == nil {
		return nil, notConfigured("identity.activeDirectory")
	}
	items := []PlanItem{{Kind: KindADAccount, ID: u.AD.DistinguishedName, Name: u.AD.SAMAccountName, Target: ad.DisabledOU}}
	groups, err := s.ADUsers.Groups(ctx, u.UserPrincipalName)
	if err != nil {
		return nil, fmt.Errorf("listing AD groups of %q: %w", u.UserPrincipalName, err)
	}
	for _, g := range groups {
		item := PlanItem{Kind: KindADGroup, ID: g.ID, Name: g.DisplayName}
		if !g.Removable && g.NotRemovableReason != "" {
			item.SkipReason, item.SkipCode = g.NotRemovableReason, g.NotRemovableCode
		}
		items = append(items, item)
	}
	return items, nil
}

// planAccessKeys lists the access keys of the IAM user the tenant maps to upn, if any.
func (s *Steps) planAccessKeys(ctx context.Context, upn string) ([]PlanItem, error) {
	iamUser := s.iamUserOf(upn)
	if iamUser == "" {
		return nil, nil
	}
	if s.AccessKeys == nil {
		return nil, notConfigured("AWS IAM access (aws.iamUsers maps this user)")
	}
	keys, err := s.AccessKeys.ListAccessKeys(ctx, iamUser)
	if err != nil {
		return nil, fmt.Errorf("listing access keys of IAM user %q: %w", iamUser, err)
	}
	var items []PlanItem
	for _, k := range keys {
		item := PlanItem{Kind: KindAccessKey, ID: k.ID, Name: k.ID, Target: iamUser}
		if k.Status == awsadapter.KeyExpired {
			item.skip(skipExpiredKey, "")
		}
		items = append(items, item)
	}
	return items, nil
}

// iamUserOf returns the IAM user the tenant maps to upn (compared case-insensitively), or "".
func (s *Steps) iamUserOf(upn string) string {
	if s.Tenant == nil {
		return ""
	}
	for mapped, iamUser := range s.Tenant.AWS.IAMUsers {
		if strings.EqualFold(mapped, upn) {
			return iamUser
		}
	}
	return ""
}

// approvalRequest returns the approval step's input with the tenant's first two levels. A
// tenant with one level gets a second level with the same approvers, as a reminder. A ticket
// without a requester address gets a name that matches no approver.
func (s *Steps) approvalRequest(ticket TicketRef) ApprovalRequest {
	req := ApprovalRequest{
		Tenant: s.Tenant.Name, Requester: ticket.Requester, TicketURL: ticket.URL,
		Reason: strings.TrimSpace(ticket.Key + " " + ticket.Subject),
	}
	if req.Requester == "" {
		req.Requester = "requester of ticket " + ticket.ID
	}
	levels := s.Tenant.Approvals.Levels
	if len(levels) == 0 {
		return req
	}
	level := func(i int) ApprovalLevel {
		l := levels[min(i, len(levels)-1)]
		d := l.Timeout.Std()
		return ApprovalLevel{Approvers: l.Approvers, TimeoutSeconds: int(d.Seconds()), Timeout: d.String()}
	}
	req.First, req.Second = level(0), level(1)
	return req
}
