// Package fake holds in-memory stand-ins for the directories, access keys and ticketing
// system that the offboarding steps call, seeded with one hybrid leaver, for the tests of
// package offboarding and of the state machines that run its steps.
package fake

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/tenants"
)

// mu serialises the fakes, because the engine runs Parallel branches at the same time.
var mu sync.Mutex

// Clock returns a fixed time.
type Clock struct{ T time.Time }

func (c *Clock) Now() time.Time { return c.T }

// Entra is an in-memory Entra ID tenant.
type Entra struct {
	Users         map[string]*identity.User // by object id
	MembershipsOf map[string][]identity.Membership
	LicensesOf    map[string][]identity.License
	ValidFrom     map[string]time.Time
	Clock         *Clock
	// FailRemove maps a group id to the error its removal returns.
	FailRemove map[string]error
	Calls      []string
}

func (f *Entra) User(_ context.Context, key string) (identity.User, error) {
	mu.Lock()
	defer mu.Unlock()
	for _, u := range f.Users {
		if u.ID == key || strings.EqualFold(u.UserPrincipalName, key) {
			return *u, nil
		}
	}
	return identity.User{}, &identity.UserNotFound{User: key}
}

func (f *Entra) DisableUser(_ context.Context, id string) (bool, error) {
	mu.Lock()
	defer mu.Unlock()
	f.Calls = append(f.Calls, "DisableUser "+id)
	already := !f.Users[id].AccountEnabled
	f.Users[id].AccountEnabled = false
	return already, nil
}

func (f *Entra) Memberships(_ context.Context, id string) ([]identity.Membership, error) {
	mu.Lock()
	defer mu.Unlock()
	return append([]identity.Membership{}, f.MembershipsOf[id]...), nil
}

// RemoveMemberships reports each membership like the Entra adapter's $batch removal.
func (f *Entra) RemoveMemberships(_ context.Context, userID string, ms []identity.Membership) ([]identity.ItemResult, error) {
	mu.Lock()
	defer mu.Unlock()
	var results []identity.ItemResult
	for _, m := range ms {
		f.Calls = append(f.Calls, "RemoveMembership "+m.ID)
		if err := f.FailRemove[m.ID]; err != nil {
			name := reflect.TypeOf(err).Elem().Name()
			results = append(results, identity.ItemResult{ID: m.ID, Name: m.DisplayName, Status: identity.StatusFailed, Error: err.Error(), ErrorName: name})
			continue
		}
		var kept []identity.Membership
		for _, x := range f.MembershipsOf[userID] {
			if x.ID != m.ID {
				kept = append(kept, x)
			}
		}
		f.MembershipsOf[userID] = kept
		results = append(results, identity.ItemResult{ID: m.ID, Name: m.DisplayName, Status: identity.StatusRemoved})
	}
	return results, nil
}

func (f *Entra) Licenses(_ context.Context, id string) ([]identity.License, error) {
	mu.Lock()
	defer mu.Unlock()
	return append([]identity.License{}, f.LicensesOf[id]...), nil
}

// RemoveLicenses removes direct assignments and reports absent SKUs like the adapter.
func (f *Entra) RemoveLicenses(_ context.Context, id string, skus []string) ([]identity.ItemResult, error) {
	mu.Lock()
	defer mu.Unlock()
	f.Calls = append(f.Calls, "RemoveLicenses "+strings.Join(skus, ","))
	var results []identity.ItemResult
	for _, sku := range skus {
		status := identity.StatusAlreadyAbsent
		var kept []identity.License
		for _, l := range f.LicensesOf[id] {
			if l.SkuID == sku && l.AssignedByGroup == "" {
				status = identity.StatusRemoved
				continue
			}
			kept = append(kept, l)
		}
		f.LicensesOf[id] = kept
		results = append(results, identity.ItemResult{ID: sku, Status: status})
	}
	return results, nil
}

func (f *Entra) RevokeSessions(_ context.Context, u identity.User) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	f.Calls = append(f.Calls, "RevokeSessions "+u.ID)
	if u.UserType == "Guest" {
		return "notApplicableToGuest", nil
	}
	f.ValidFrom[u.ID] = f.Clock.Now()
	return "revocationRequested", nil
}

func (f *Entra) SessionsValidFrom(_ context.Context, id string) (time.Time, error) {
	mu.Lock()
	defer mu.Unlock()
	return f.ValidFrom[id], nil
}

// AD is an in-memory Active Directory whose accounts are found by user principal name
// and changed by objectGUID, like the AD adapter.
type AD struct {
	Users      map[string]*identity.User // by user principal name
	GroupsOf   map[string][]identity.Membership
	DisabledOU string
	Stamps     map[string]string // description stamp per GUID
	// Passwords counts password resets per GUID; the values are never compared.
	Passwords map[string]int
	Calls     []string
}

func (f *AD) FindUser(_ context.Context, upn string) (*identity.User, error) {
	mu.Lock()
	defer mu.Unlock()
	u, ok := f.Users[strings.ToLower(upn)]
	if !ok {
		return nil, &identity.UserNotFound{User: upn}
	}
	c := *u
	return &c, nil
}

func (f *AD) Groups(_ context.Context, upn string) ([]identity.Membership, error) {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := f.Users[strings.ToLower(upn)]; !ok {
		return nil, &identity.UserNotFound{User: upn}
	}
	return append([]identity.Membership{}, f.GroupsOf[strings.ToLower(upn)]...), nil
}

func (f *AD) byGUID(guid string) *identity.User {
	for _, u := range f.Users {
		if u.ID == guid {
			return u
		}
	}
	return nil
}

func (f *AD) ResetPassword(_ context.Context, guid string) error {
	mu.Lock()
	defer mu.Unlock()
	f.Calls = append(f.Calls, "ResetPassword")
	f.Passwords[guid]++
	return nil
}

func (f *AD) Disable(_ context.Context, guid string) (bool, error) {
	mu.Lock()
	defer mu.Unlock()
	u := f.byGUID(guid)
	if !u.AccountEnabled {
		return false, nil
	}
	f.Calls = append(f.Calls, "Disable")
	u.AccountEnabled = false
	return true, nil
}

func (f *AD) StampDescription(_ context.Context, guid, ticket string) (bool, error) {
	mu.Lock()
	defer mu.Unlock()
	if f.Stamps[guid] == ticket {
		return false, nil
	}
	f.Calls = append(f.Calls, "StampDescription "+ticket)
	f.Stamps[guid] = ticket
	return true, nil
}

func (f *AD) MoveToDisabledOU(_ context.Context, guid string) (string, bool, error) {
	mu.Lock()
	defer mu.Unlock()
	u := f.byGUID(guid)
	rdn, parent, _ := strings.Cut(u.DistinguishedName, ",")
	if strings.EqualFold(parent, f.DisabledOU) {
		return u.DistinguishedName, false, nil
	}
	f.Calls = append(f.Calls, "MoveToDisabledOU")
	u.DistinguishedName = rdn + "," + f.DisabledOU
	return u.DistinguishedName, true, nil
}

func (f *AD) RemoveGroupMemberships(_ context.Context, guid string) ([]identity.ItemResult, error) {
	mu.Lock()
	defer mu.Unlock()
	u := f.byGUID(guid)
	var results []identity.ItemResult
	for _, g := range f.GroupsOf[strings.ToLower(u.UserPrincipalName)] {
		f.Calls = append(f.Calls, "RemoveGroupMember "+g.ID)
		results = append(results, identity.ItemResult{ID: g.ID, Name: g.DisplayName, Status: identity.StatusRemoved})
	}
	f.GroupsOf[strings.ToLower(u.UserPrincipalName)] = nil
	return results, nil
}

// Keys is an in-memory set of IAM access keys.
type Keys struct {
	ByUser map[string][]awsadapter.AccessKey
	Calls  []string
}

func (f *Keys) ListAccessKeys(_ context.Context, user string) ([]awsadapter.AccessKey, error) {
	mu.Lock()
	defer mu.Unlock()
	keys, ok := f.ByUser[user]
	if !ok {
		return nil, &awsadapter.NoSuchIAMUser{UserName: user}
	}
	return append([]awsadapter.AccessKey{}, keys...), nil
}

func (f *Keys) DeactivateAccessKey(_ context.Context, user, id string) error {
	mu.Lock()
	defer mu.Unlock()
	f.Calls = append(f.Calls, "Deactivate "+id)
	for i := range f.ByUser[user] {
		if f.ByUser[user][i].ID == id {
			f.ByUser[user][i].Status = awsadapter.KeyInactive
		}
	}
	return nil
}

// Tickets is an in-memory ticketing system.
type Tickets struct {
	Tickets  map[string]*ticketing.Ticket
	Comments []Comment
	Resolved map[string]string
	Err      error // returned by Comment when set
}

type Comment struct {
	Ticket, Body string
	Visibility   ticketing.Visibility
}

func (f *Tickets) GetTicket(_ context.Context, id string) (*ticketing.Ticket, error) {
	mu.Lock()
	defer mu.Unlock()
	t, ok := f.Tickets[id]
	if !ok {
		return nil, &ticketing.TicketNotFound{ID: id}
	}
	c := *t
	return &c, nil
}

func (f *Tickets) Comment(_ context.Context, id, body string, v ticketing.Visibility) error {
	mu.Lock()
	defer mu.Unlock()
	if f.Err != nil {
		return f.Err
	}
	f.Comments = append(f.Comments, Comment{Ticket: id, Body: body, Visibility: v})
	return nil
}

func (f *Tickets) Resolve(_ context.Context, id, note string) error {
	mu.Lock()
	defer mu.Unlock()
	f.Resolved[id] = note
	return nil
}

// Posted returns a copy of the comments posted so far.
func (f *Tickets) Posted() []Comment {
	mu.Lock()
	defer mu.Unlock()
	return append([]Comment(nil), f.Comments...)
}

// The hybrid leaver of NewDirectory.
const (
	JanUPN = "jan.peeters@example.com"
	JanID  = "11111111-1111-1111-1111-111111111111"
	JanDN  = "CN=Jan Peeters,OU=Staff,DC=example,DC=local"
	OffOU  = "OU=Disabled Users,DC=example,DC=local"
)

// Directory is one tenant's systems with a hybrid leaver, Jan Peeters, synchronised from
// AD. He has two cloud groups, one dynamic group, one on-premises group and two licences
// (one through a group). His AD account has one group, his IAM user has one active access
// key, and ticket 101 requests his offboarding.
type Directory struct {
	Tenant  *tenants.Config
	Clock   *Clock
	Entra   *Entra
	AD      *AD
	Keys    *Keys
	Tickets *Tickets
}

// NewDirectory returns the seeded systems, with the clock at 2026-12-04 09:00 UTC.
func NewDirectory() *Directory {
	clock := &Clock{T: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	tenant := &tenants.Config{
		Name: "example", Locale: "en",
		Ticketing: tenants.Ticketing{Fields: map[string]string{"user": "udf_user"}},
		Identity: tenants.Identity{
			Entra:           &tenants.Entra{TenantID: "t", ClientID: "c"},
			ActiveDirectory: &tenants.ActiveDirectory{DisabledOU: OffOU},
		},
		Approvals: tenants.Approvals{Levels: []tenants.ApprovalLevel{
			{Approvers: []string{"it-manager@example.com"}, Timeout: tenants.Duration(4 * time.Hour)},
			{Approvers: []string{"cio@example.com"}, Timeout: tenants.Duration(20 * time.Hour)},
		}},
		Exclusions: tenants.Exclusions{
			BreakGlass:      []string{"breakglass01@example.onmicrosoft.com"},
			VIPUsers:        []string{"CEO@example.com"},
			ProtectedGroups: []string{"Domain Admins", "Tier0 Admins"},
		},
		AWS: tenants.AWS{IAMUsers: map[string]string{"Jan.Peeters@example.com": "jan.peeters"}},
	}
	entra := &Entra{
		Clock: clock,
		Users: map[string]*identity.User{JanID: {
			ID: JanID, UserPrincipalName: JanUPN, DisplayName: "Jan Peeters",
			AccountEnabled: true, OnPremisesSyncEnabled: true,
		}},
		MembershipsOf: map[string][]identity.Membership{JanID: {
			{ID: "g-sales", DisplayName: "Sales", Kind: identity.KindGroup, Removable: true},
			{ID: "g-m365", DisplayName: "M365 E3 users", Kind: identity.KindGroup, Removable: true},
			{ID: "g-all", DisplayName: "All staff", Kind: identity.KindGroup, Dynamic: true},
			{ID: "g-vpn", DisplayName: "VPN users", Kind: identity.KindGroup, OnPremises: true},
		}},
		LicensesOf: map[string][]identity.License{JanID: {
			{SkuID: "sku-visio", SkuPartNumber: "VISIOCLIENT"},
			{SkuID: "sku-e3", SkuPartNumber: "ENTERPRISEPACK", AssignedByGroup: "g-m365"},
		}},
		ValidFrom:  map[string]time.Time{JanID: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		FailRemove: map[string]error{},
	}
	ad := &AD{
		Users: map[string]*identity.User{JanUPN: {
			ID: "ad-guid", UserPrincipalName: JanUPN, SAMAccountName: "jpeeters",
			DistinguishedName: JanDN, DisplayName: "Jan Peeters", AccountEnabled: true,
		}},
		GroupsOf: map[string][]identity.Membership{JanUPN: {
			{ID: "CN=VPN users,OU=Groups,DC=example,DC=local", DisplayName: "VPN users", Kind: identity.KindGroup, Removable: true},
		}},
		DisabledOU: OffOU,
		Stamps:     map[string]string{},
		Passwords:  map[string]int{},
	}
	keys := &Keys{ByUser: map[string][]awsadapter.AccessKey{"jan.peeters": {
		{ID: "AKIAJAN1", UserName: "jan.peeters", Status: awsadapter.KeyActive},
	}}}
	tickets := &Tickets{
		Tickets: map[string]*ticketing.Ticket{"101": {
			ID: "101", Key: "HR-101", Subject: "Leaver: Jan Peeters", Requester: "hr@example.com",
			Fields: map[string]string{"udf_user": JanUPN},
		}},
		Resolved: map[string]string{},
	}
	return &Directory{Tenant: tenant, Clock: clock, Entra: entra, AD: ad, Keys: keys, Tickets: tickets}
}

// Escalator records escalations. T is offboarding.Escalation, which this package cannot name
// because package offboarding's own tests use it.
type Escalator[T any] struct {
	mu  sync.Mutex
	Got []T
}

// Escalate records e.
func (f *Escalator[T]) Escalate(_ context.Context, e T) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Got = append(f.Got, e)
	return nil
}
