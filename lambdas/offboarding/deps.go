package offboarding

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/tenants"
)

// The Entra interfaces follow the method set of the Entra adapter (package entra), so its
// client fills EntraUsers, EntraGroups and EntraLicenses as it is.

// EntraUsers reads and disables Entra ID users.
type EntraUsers interface {
	// User returns the user by object id or user principal name, or *identity.UserNotFound.
	User(ctx context.Context, user string) (identity.User, error)
	// DisableUser sets accountEnabled to false and reports whether it already was.
	DisableUser(ctx context.Context, user string) (alreadyDisabled bool, err error)
}

// EntraGroups lists and removes a user's direct memberships (groups, directory roles and
// administrative units).
type EntraGroups interface {
	Memberships(ctx context.Context, user string) ([]identity.Membership, error)
	// RemoveMemberships reports each membership as removed, alreadyAbsent, skipped or
	// failed; the error is set only when the whole request failed.
	RemoveMemberships(ctx context.Context, user string, memberships []identity.Membership) ([]identity.ItemResult, error)
}

// EntraLicenses lists and removes a user's licences.
type EntraLicenses interface {
	Licenses(ctx context.Context, user string) ([]identity.License, error)
	// RemoveLicenses removes the direct assignments and reports each SKU like
	// RemoveMemberships.
	RemoveLicenses(ctx context.Context, user string, skuIDs []string) ([]identity.ItemResult, error)
}

// Session revocation statuses that EntraSessions.RevokeSessions returns.
const (
	RevocationRequested     = "revocationRequested"
	RevocationNotApplicable = "notApplicableToGuest"
)

// EntraSessions revokes a user's sign-in sessions and reads back when they were revoked.
type EntraSessions interface {
	// RevokeSessions returns RevocationRequested, or RevocationNotApplicable for a guest.
	RevokeSessions(ctx context.Context, u identity.User) (string, error)
	// SessionsValidFrom returns the user's signInSessionsValidFromDateTime: tokens issued
	// before it are rejected.
	SessionsValidFrom(ctx context.Context, user string) (time.Time, error)
}

// The AD interfaces follow the AD adapter (package activedirectory), which changes an
// account by its objectGUID (identity.User.ID). A thin wrapper converts the adapter's
// Account and Change types to these.

// ADUsers finds AD accounts and their groups.
type ADUsers interface {
	// FindUser returns the account by user principal name, with its objectGUID as ID, or
	// *identity.UserNotFound.
	FindUser(ctx context.Context, userPrincipalName string) (*identity.User, error)
	// Groups returns the groups of the account's memberOf; a Membership's ID is the
	// group's DN.
	Groups(ctx context.Context, userPrincipalName string) ([]identity.Membership, error)
}

// ADAccounts disables an AD account. Each change leaves an account that is already in the
// wanted state alone and reports whether it changed anything.
type ADAccounts interface {
	// ResetPassword sets a random password that is neither returned nor logged.
	ResetPassword(ctx context.Context, guid string) error
	Disable(ctx context.Context, guid string) (changed bool, err error)
	// StampDescription puts the date and the ticket key in the account's description.
	StampDescription(ctx context.Context, guid, ticket string) (changed bool, err error)
	// MoveToDisabledOU moves the account into the tenant's OU for disabled accounts and
	// returns its DN there.
	MoveToDisabledOU(ctx context.Context, guid string) (dn string, changed bool, err error)
}

// ADGroups removes an AD account from its groups.
type ADGroups interface {
	// RemoveGroupMemberships removes the account from every group of its memberOf and
	// reports each group, with the group's DN as ID.
	RemoveGroupMemberships(ctx context.Context, guid string) ([]identity.ItemResult, error)
}

// AccessKeys lists and deactivates IAM access keys; *awsadapter.AccessKeys implements it.
type AccessKeys interface {
	ListAccessKeys(ctx context.Context, userName string) ([]awsadapter.AccessKey, error)
	DeactivateAccessKey(ctx context.Context, userName, keyID string) error
}

var _ AccessKeys = (*awsadapter.AccessKeys)(nil)

// Tickets is the part of ticketing.System the steps call.
type Tickets interface {
	GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error)
	Comment(ctx context.Context, id, body string, v ticketing.Visibility) error
	Resolve(ctx context.Context, id, note string) error
}

var _ Tickets = ticketing.System(nil)

// EvidenceStore keeps evidence documents: a folder locally (DirStore), S3 in AWS.
type EvidenceStore interface {
	// Put stores the document under key, replacing an earlier version, and returns where
	// it is (a path or a URL).
	Put(ctx context.Context, key string, document []byte) (string, error)
}

// Escalator notifies a person that an offboarding needs attention.
type Escalator interface {
	Escalate(ctx context.Context, e Escalation) error
}

// Escalation is the notice an Escalator sends.
type Escalation struct {
	Tenant  string
	Ticket  TicketRef
	User    string
	Summary string
}

// Clock returns the current time; tests pass a fixed clock.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// Steps holds the dependencies of the offboarding steps. A nil adapter means the tenant
// does not use that system; a step that needs it then fails with a clear error. Build it
// once per process.
type Steps struct {
	Tenant        *tenants.Config
	Tickets       Tickets
	EntraUsers    EntraUsers
	EntraGroups   EntraGroups
	EntraLicenses EntraLicenses
	EntraSessions EntraSessions
	ADUsers       ADUsers
	ADAccounts    ADAccounts
	ADGroups      ADGroups
	AccessKeys    AccessKeys
	Evidence      EvidenceStore
	Escalator     Escalator
	Clock         Clock
	Logger        *slog.Logger
}

// Register adds every offboarding step to reg under its ASL placeholder name.
func (s *Steps) Register(reg lambdas.Registry) {
	reg.Add("ResolveUser", lambdas.Typed(s.ResolveUser))
	reg.Add("CheckExclusions", lambdas.Typed(s.CheckExclusions))
	reg.Add("BuildPlan", lambdas.Typed(s.BuildPlan))
	reg.Add("DisableEntraUser", lambdas.Typed(s.DisableEntraUser))
	reg.Add("RevokeSessions", lambdas.Typed(s.RevokeSessions))
	reg.Add("RemoveGroupMemberships", lambdas.Typed(s.RemoveGroupMemberships))
	reg.Add("RemoveLicenses", lambdas.Typed(s.RemoveLicenses))
	reg.Add("DisableADAccount", lambdas.Typed(s.DisableADAccount))
	reg.Add("DeactivateAccessKeys", lambdas.Typed(s.DeactivateAccessKeys))
	reg.Add("VerifyOffboarding", lambdas.Typed(s.VerifyOffboarding))
	reg.Add("RecordEvidence", lambdas.Typed(s.RecordEvidence))
	reg.Add("CommentOnTicket", lambdas.Typed(s.CommentOnTicket))
	reg.Add("ResolveTicket", lambdas.Typed(s.ResolveTicket))
	reg.Add("ReportFailure", s.reportFailureHandler)
}

// reportFailureHandler decodes the state leniently, unlike lambdas.Typed: the state's top
// level includes the execution input, and the failure path must not fail on a field that
// an event source added to it.
func (s *Steps) reportFailureHandler(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
	var st State
	if err := json.Unmarshal(payload, &st); err != nil {
		return nil, invalidInput("invalid state passed to ReportFailure: %v", err)
	}
	out, err := s.ReportFailure(ctx, st)
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

func (s *Steps) now() time.Time {
	if s.Clock == nil {
		return time.Now().UTC()
	}
	return s.Clock.Now().UTC()
}

func (s *Steps) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func (s *Steps) locale() string {
	if s.Tenant == nil {
		return "en"
	}
	return s.Tenant.Locale
}

func (s *Steps) tenantName() string {
	if s.Tenant == nil {
		return ""
	}
	return s.Tenant.Name
}

// notConfigured returns the error of a step whose adapter is missing.
func notConfigured(what string) error { return &NotConfigured{What: what} }
