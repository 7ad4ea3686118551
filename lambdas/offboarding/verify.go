package offboarding

import (
	"context"
	"fmt"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity"
)

// VerifyInput is the input of VerifyOffboarding.
type VerifyInput struct {
	User Subject `json:"user"`
	Plan Plan    `json:"plan"`
}

// VerifyOffboarding reads back every planned change. It checks that the Entra account is
// disabled and that the sessions were revoked after the plan was built
// (signInSessionsValidFromDateTime). It checks that each membership, licence and AD group
// is gone, that the AD account is disabled and in the target OU, and that each access key
// is inactive. It returns the verification when everything is in place.
//
// Errors: OffboardingIncomplete (listing each change not in place), InvalidInput,
// NotConfigured, Throttled, PermissionDenied.
func (s *Steps) VerifyOffboarding(ctx context.Context, in VerifyInput) (out Verification, err error) {
	defer classify(&err)
	out, err = s.verify(ctx, in.User, in.Plan)
	if err != nil {
		return out, err
	}
	if !out.Complete {
		return out, incomplete(out)
	}
	s.logger().InfoContext(ctx, "offboarding verified", "step", "VerifyOffboarding", "tenant", s.tenantName(),
		"user", in.User.UserPrincipalName, "items", len(out.Outcomes))
	return out, nil
}

// incomplete returns the OffboardingIncomplete error of a verification.
func incomplete(v Verification) error {
	var missing []string
	for _, o := range v.Outcomes {
		if o.Status == StatusNotDone {
			missing = append(missing, fmt.Sprintf("%s %q: %s", o.Item.Kind, nameOf(o.Item), o.Detail))
		}
	}
	return &OffboardingIncomplete{Items: missing}
}

func nameOf(it PlanItem) string {
	if it.Name != "" {
		return it.Name
	}
	return it.ID
}

// verify reads back each item. It returns an error only when reading fails.
func (s *Steps) verify(ctx context.Context, u Subject, plan Plan) (Verification, error) {
	if u.UserPrincipalName == "" {
		return Verification{}, invalidInput("missing user: pass the user output of ResolveUser")
	}
	r := &readBack{s: s, u: u, plan: plan, keys: map[string][]awsadapter.AccessKey{}}
	v := Verification{Complete: true, Outcomes: []Outcome{}}
	for _, it := range plan.Items {
		o := Outcome{Item: it, Status: StatusSkipped, Detail: it.SkipReason}
		if it.SkipReason == "" {
			done, f, err := r.check(ctx, it)
			if err != nil {
				return v, err
			}
			o.Status, o.Detail, o.Found = StatusVerified, languages["en"].finding(f), &f
			if !done {
				o.Status = StatusNotDone
				v.Complete = false
			}
		}
		v.Outcomes = append(v.Outcomes, o)
	}
	v.VerifiedAt = s.now()
	return v, nil
}

// readBack reads each system once and checks items against what it read.
type readBack struct {
	s           *Steps
	u           Subject
	plan        Plan
	entraUser   *identity.User
	memberships []identity.Membership
	licenses    []identity.License
	adUser      *identity.User
	adGroups    []identity.Membership
	keys        map[string][]awsadapter.AccessKey
}

// check returns whether the item's change is in place and what was found.
func (r *readBack) check(ctx context.Context, it PlanItem) (bool, Finding, error) {
	switch it.Kind {
	case KindEntraAccount:
		if err := r.loadEntraUser(ctx); err != nil {
			return false, Finding{}, err
		}
		return !r.entraUser.AccountEnabled, found(enabledCode(r.entraUser.AccountEnabled)), nil
	case KindSessions:
		return r.checkSessions(ctx, it)
	case KindGroup:
		if err := r.loadMemberships(ctx); err != nil {
			return false, Finding{}, err
		}
		_, member := findMembership(r.memberships, it.ID)
		return !member, found(memberCode(member)), nil
	case KindLicense:
		if err := r.loadLicenses(ctx); err != nil {
			return false, Finding{}, err
		}
		assigned := hasLicense(r.licenses, it.ID)
		if assigned {
			return false, found(findLicenceAssigned), nil
		}
		return true, found(findLicenceNotAssigned), nil
	case KindADAccount:
		if err := r.loadAD(ctx); err != nil {
			return false, Finding{}, err
		}
		in := inOU(r.adUser.DistinguishedName, it.Target)
		code := findADDisabledAt
		if r.adUser.AccountEnabled {
			code = findADEnabledAt
		}
		// NOTE: the password reset is not read back: pwdLastSet is not in identity.User.
		return !r.adUser.AccountEnabled && in, found(code, r.adUser.DistinguishedName), nil
	case KindADGroup:
		if err := r.loadAD(ctx); err != nil {
			return false, Finding{}, err
		}
		_, member := findMembership(r.adGroups, it.ID)
		return !member, found(memberCode(member)), nil
	case KindAccessKey:
		return r.checkKey(ctx, it)
	}
	return false, Finding{}, invalidInput("unknown plan item kind %q: rebuild the plan with BuildPlan", it.Kind)
}

func (r *readBack) checkSessions(ctx context.Context, it PlanItem) (bool, Finding, error) {
	if r.s.EntraSessions == nil {
		return false, Finding{}, notConfigured("Entra ID session access")
	}
	from, err := r.s.EntraSessions.SessionsValidFrom(ctx, it.ID)
	if err != nil {
		return false, Finding{}, fmt.Errorf("reading the session validity of %q: %w", r.u.UserPrincipalName, err)
	}
	// Graph reports signInSessionsValidFromDateTime in whole seconds, so a revocation in the
	// same second as the plan reads back as that second, not as a time before the plan.
	if from.Before(r.plan.CreatedAt.Truncate(time.Second)) {
		return false, found(findSessionsValidSince, from.Format(time.RFC3339), r.plan.CreatedAt.Format(time.RFC3339)), nil
	}
	return true, found(findSessionsRevokedAt, from.Format(time.RFC3339)), nil
}

func (r *readBack) checkKey(ctx context.Context, it PlanItem) (bool, Finding, error) {
	if r.s.AccessKeys == nil {
		return false, Finding{}, notConfigured("AWS IAM access")
	}
	keys, ok := r.keys[it.Target]
	if !ok {
		var err error
		keys, err = r.s.AccessKeys.ListAccessKeys(ctx, it.Target)
		if err != nil {
			return false, Finding{}, fmt.Errorf("listing access keys of IAM user %q: %w", it.Target, err)
		}
		r.keys[it.Target] = keys
	}
	key, exists := findKey(keys, it.ID)
	if !exists {
		return true, found(findKeyGone), nil
	}
	return key.Status != awsadapter.KeyActive, found(findKeyStatus, key.Status), nil
}

func (r *readBack) loadEntraUser(ctx context.Context) error {
	if r.entraUser != nil {
		return nil
	}
	if r.u.Entra == nil || r.s.EntraUsers == nil {
		return notConfigured("Entra ID")
	}
	u, err := r.s.EntraUsers.User(ctx, r.u.Entra.ID)
	if err != nil {
		return fmt.Errorf("reading Entra user %q: %w", r.u.UserPrincipalName, err)
	}
	r.entraUser = &u
	return nil
}

func (r *readBack) loadMemberships(ctx context.Context) error {
	if r.memberships != nil {
		return nil
	}
	if r.u.Entra == nil || r.s.EntraGroups == nil {
		return notConfigured("Entra ID")
	}
	ms, err := r.s.EntraGroups.Memberships(ctx, r.u.Entra.ID)
	if err != nil {
		return fmt.Errorf("listing Entra memberships of %q: %w", r.u.UserPrincipalName, err)
	}
	r.memberships = append([]identity.Membership{}, ms...)
	return nil
}

func (r *readBack) loadLicenses(ctx context.Context) error {
	if r.licenses != nil {
		return nil
	}
	if r.u.Entra == nil || r.s.EntraLicenses == nil {
		return notConfigured("Entra ID")
	}
	ls, err := r.s.EntraLicenses.Licenses(ctx, r.u.Entra.ID)
	if err != nil {
		return fmt.Errorf("listing licences of %q: %w", r.u.UserPrincipalName, err)
	}
	r.licenses = append([]identity.License{}, ls...)
	return nil
}

// loadAD reads the AD account by user principal name, because the move changes its DN.
func (r *readBack) loadAD(ctx context.Context) error {
	if r.adUser != nil {
		return nil
	}
	if r.s.ADUsers == nil {
		return notConfigured("Active Directory")
	}
	u, err := r.s.ADUsers.FindUser(ctx, r.u.UserPrincipalName)
	if err != nil {
		return fmt.Errorf("looking up %q in Active Directory: %w", r.u.UserPrincipalName, err)
	}
	groups, err := r.s.ADUsers.Groups(ctx, r.u.UserPrincipalName)
	if err != nil {
		return fmt.Errorf("listing AD groups of %q: %w", r.u.UserPrincipalName, err)
	}
	r.adUser, r.adGroups = u, append([]identity.Membership{}, groups...)
	return nil
}

func enabledCode(enabled bool) string {
	if enabled {
		return findAccountEnabled
	}
	return findAccountDisabled
}

func memberCode(member bool) string {
	if member {
		return findMember
	}
	return findNotMember
}
