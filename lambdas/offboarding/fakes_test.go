package offboarding

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/tenants"
)

// fakeClock returns a fixed time.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

// fakeEntra is an in-memory Entra ID tenant.
type fakeEntra struct {
	users       map[string]*identity.User // by object id
	memberships map[string][]identity.Membership
	licenses    map[string][]identity.License
	validFrom   map[string]time.Time
	clock       *fakeClock
	// failRemove maps a group id to the error its removal returns.
	failRemove map[string]error
	calls      []string
}

func (f *fakeEntra) User(_ context.Context, key string) (identity.User, error) {
	for _, u := range f.users {
		if u.ID == key || strings.EqualFold(u.UserPrincipalName, key) {
			return *u, nil
		}
	}
	return identity.User{}, &identity.UserNotFound{User: key}
}

func (f *fakeEntra) DisableUser(_ context.Context, id string) (bool, error) {
	f.calls = append(f.calls, "DisableUser "+id)
	already := !f.users[id].AccountEnabled
	f.users[id].AccountEnabled = false
	return already, nil
}

func (f *fakeEntra) Memberships(_ context.Context, id string) ([]identity.Membership, error) {
	return append([]identity.Membership{}, f.memberships[id]...), nil
}

// RemoveMemberships reports each membership like the Entra adapter's $batch removal.
func (f *fakeEntra) RemoveMemberships(_ context.Context, userID string, ms []identity.Membership) ([]identity.ItemResult, error) {
	var results []identity.ItemResult
	for _, m := range ms {
		f.calls = append(f.calls, "RemoveMembership "+m.ID)
		if err := f.failRemove[m.ID]; err != nil {
			name := reflect.TypeOf(err).Elem().Name()
			results = append(results, identity.ItemResult{ID: m.ID, Name: m.DisplayName, Status: identity.StatusFailed, Error: err.Error(), ErrorName: name})
			continue
		}
		var kept []identity.Membership
		for _, x := range f.memberships[userID] {
			if x.ID != m.ID {
				kept = append(kept, x)
			}
		}
		f.memberships[userID] = kept
		results = append(results, identity.ItemResult{ID: m.ID, Name: m.DisplayName, Status: identity.StatusRemoved})
	}
	return results, nil
}

func (f *fakeEntra) Licenses(_ context.Context, id string) ([]identity.License, error) {
	return append([]identity.License{}, f.licenses[id]...), nil
}

// RemoveLicenses removes direct assignments and reports absent SKUs like the adapter.
func (f *fakeEntra) RemoveLicenses(_ context.Context, id string, skus []string) ([]identity.ItemResult, error) {
	f.calls = append(f.calls, "RemoveLicenses "+strings.Join(skus, ","))
	var results []identity.ItemResult
	for _, sku := range skus {
		status := identity.StatusAlreadyAbsent
		var kept []identity.License
		for _, l := range f.licenses[id] {
			if l.SkuID == sku && l.AssignedByGroup == "" {
				status = identity.StatusRemoved
				continue
			}
			kept = append(kept, l)
		}
		f.licenses[id] = kept
		results = append(results, identity.ItemResult{ID: sku, Status: status})
	}
	return results, nil
}

func (f *fakeEntra) RevokeSessions(_ context.Context, u identity.User) (string, error) {
	f.calls = append(f.calls, "RevokeSessions "+u.ID)
	if u.UserType == "Guest" {
		return "notApplicableToGuest", nil
	}
	f.validFrom[u.ID] = f.clock.Now()
	return "revocationRequested", nil
}

func (f *fakeEntra) SessionsValidFrom(_ context.Context, id string) (time.Time, error) {
	return f.validFrom[id], nil
}

// fakeAD is an in-memory Active Directory whose accounts are found by user principal name
// and changed by objectGUID, like the AD adapter.
type fakeAD struct {
	users      map[string]*identity.User // by user principal name
	groups     map[string][]identity.Membership
	disabledOU string
	stamps     map[string]string // description stamp per GUID
	// passwords counts password resets per GUID; the values are never compared.
	passwords map[string]int
	calls     []string
}

func (f *fakeAD) FindUser(_ context.Context, upn string) (*identity.User, error) {
	u, ok := f.users[strings.ToLower(upn)]
	if !ok {
		return nil, &identity.UserNotFound{User: upn}
	}
	c := *u
	return &c, nil
}

func (f *fakeAD) Groups(_ context.Context, upn string) ([]identity.Membership, error) {
	if _, ok := f.users[strings.ToLower(upn)]; !ok {
		return nil, &identity.UserNotFound{User: upn}
	}
	return append([]identity.Membership{}, f.groups[strings.ToLower(upn)]...), nil
}

func (f *fakeAD) byGUID(guid string) *identity.User {
	for _, u := range f.users {
		if u.ID == guid {
			return u
		}
	}
	return nil
}

func (f *fakeAD) ResetPassword(_ context.Context, guid string) error {
	f.calls = append(f.calls, "ResetPassword")
	f.passwords[guid]++
	return nil
}

func (f *fakeAD) Disable(_ context.Context, guid string) (bool, error) {
	u := f.byGUID(guid)
	if !u.AccountEnabled {
		return false, nil
	}
	f.calls = append(f.calls, "Disable")
	u.AccountEnabled = false
	return true, nil
}

func (f *fakeAD) StampDescription(_ context.Context, guid, ticket string) (bool, error) {
	if f.stamps[guid] == ticket {
		return false, nil
	}
	f.calls = append(f.calls, "StampDescription "+ticket)
	f.stamps[guid] = ticket
	return true, nil
}

func (f *fakeAD) MoveToDisabledOU(_ context.Context, guid string) (string, bool, error) {
	u := f.byGUID(guid)
	rdn, parent, _ := strings.Cut(u.DistinguishedName, ",")
	if strings.EqualFold(parent, f.disabledOU) {
		return u.DistinguishedName, false, nil
	}
	f.calls = append(f.calls, "MoveToDisabledOU")
	u.DistinguishedName = rdn + "," + f.disabledOU
	return u.DistinguishedName, true, nil
}

func (f *fakeAD) RemoveGroupMemberships(_ context.Context, guid string) ([]identity.ItemResult, error) {
	u := f.byGUID(guid)
	var results []identity.ItemResult
	for _, g := range f.groups[strings.ToLower(u.UserPrincipalName)] {
		f.calls = append(f.calls, "RemoveGroupMember "+g.ID)
		results = append(results, identity.ItemResult{ID: g.ID, Name: g.DisplayName, Status: identity.StatusRemoved})
	}
	f.groups[strings.ToLower(u.UserPrincipalName)] = nil
	return results, nil
}

// fakeKeys is an in-memory set of IAM access keys.
type fakeKeys struct {
	keys  map[string][]awsadapter.AccessKey
	calls []string
}

func (f *fakeKeys) ListAccessKeys(_ context.Context, user string) ([]awsadapter.AccessKey, error) {
	keys, ok := f.keys[user]
	if !ok {
		return nil, &awsadapter.NoSuchIAMUser{UserName: user}
	}
	return append([]awsadapter.AccessKey{}, keys...), nil
}

func (f *fakeKeys) DeactivateAccessKey(_ context.Context, user, id string) error {
	f.calls = append(f.calls, "Deactivate "+id)
	for i := range f.keys[user] {
		if f.keys[user][i].ID == id {
			f.keys[user][i].Status = awsadapter.KeyInactive
		}
	}
	return nil
}

// fakeTickets is an in-memory ticketing system.
type fakeTickets struct {
	tickets  map[string]*ticketing.Ticket
	comments []fakeComment
	resolved map[string]string
	err      error // returned by Comment when set
}

type fakeComment struct {
	ticket, body string
	visibility   ticketing.Visibility
}

func (f *fakeTickets) GetTicket(_ context.Context, id string) (*ticketing.Ticket, error) {
	t, ok := f.tickets[id]
	if !ok {
		return nil, &ticketing.TicketNotFound{ID: id}
	}
	c := *t
	return &c, nil
}

func (f *fakeTickets) Comment(_ context.Context, id, body string, v ticketing.Visibility) error {
	if f.err != nil {
		return f.err
	}
	f.comments = append(f.comments, fakeComment{ticket: id, body: body, visibility: v})
	return nil
}

func (f *fakeTickets) Resolve(_ context.Context, id, note string) error {
	f.resolved[id] = note
	return nil
}

// fakeEscalator records escalations.
type fakeEscalator struct{ got []Escalation }

func (f *fakeEscalator) Escalate(_ context.Context, e Escalation) error {
	f.got = append(f.got, e)
	return nil
}

// world is one tenant with a hybrid leaver, Jan Peeters, synchronised from AD. He has two
// cloud groups, one dynamic group, one on-premises group and two licences (one through a
// group). His AD account has one group, and his IAM user has one active access key.
type world struct {
	steps     *Steps
	entra     *fakeEntra
	ad        *fakeAD
	keys      *fakeKeys
	tickets   *fakeTickets
	escalator *fakeEscalator
	clock     *fakeClock
}

const (
	janUPN = "jan.peeters@example.com"
	janID  = "11111111-1111-1111-1111-111111111111"
	janDN  = "CN=Jan Peeters,OU=Staff,DC=example,DC=local"
	offOU  = "OU=Disabled Users,DC=example,DC=local"
)

func newWorld(t *testing.T) *world {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	tenant := &tenants.Config{
		Name: "example", Locale: "en",
		Ticketing: tenants.Ticketing{Fields: map[string]string{"user": "udf_user"}},
		Identity: tenants.Identity{
			Entra:           &tenants.Entra{TenantID: "t", ClientID: "c"},
			ActiveDirectory: &tenants.ActiveDirectory{DisabledOU: offOU},
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
	entra := &fakeEntra{
		clock: clock,
		users: map[string]*identity.User{janID: {
			ID: janID, UserPrincipalName: janUPN, DisplayName: "Jan Peeters",
			AccountEnabled: true, OnPremisesSyncEnabled: true,
		}},
		memberships: map[string][]identity.Membership{janID: {
			{ID: "g-sales", DisplayName: "Sales", Kind: identity.KindGroup, Removable: true},
			{ID: "g-m365", DisplayName: "M365 E3 users", Kind: identity.KindGroup, Removable: true},
			{ID: "g-all", DisplayName: "All staff", Kind: identity.KindGroup, Dynamic: true},
			{ID: "g-vpn", DisplayName: "VPN users", Kind: identity.KindGroup, OnPremises: true},
		}},
		licenses: map[string][]identity.License{janID: {
			{SkuID: "sku-visio", SkuPartNumber: "VISIOCLIENT"},
			{SkuID: "sku-e3", SkuPartNumber: "ENTERPRISEPACK", AssignedByGroup: "g-m365"},
		}},
		validFrom:  map[string]time.Time{janID: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		failRemove: map[string]error{},
	}
	ad := &fakeAD{
		users: map[string]*identity.User{janUPN: {
			ID: "ad-guid", UserPrincipalName: janUPN, SAMAccountName: "jpeeters",
			DistinguishedName: janDN, DisplayName: "Jan Peeters", AccountEnabled: true,
		}},
		groups: map[string][]identity.Membership{janUPN: {
			{ID: "CN=VPN users,OU=Groups,DC=example,DC=local", DisplayName: "VPN users", Kind: identity.KindGroup, Removable: true},
		}},
		disabledOU: offOU,
		stamps:     map[string]string{},
		passwords:  map[string]int{},
	}
	keys := &fakeKeys{keys: map[string][]awsadapter.AccessKey{"jan.peeters": {
		{ID: "AKIAJAN1", UserName: "jan.peeters", Status: awsadapter.KeyActive},
	}}}
	tickets := &fakeTickets{
		tickets: map[string]*ticketing.Ticket{"101": {
			ID: "101", Key: "HR-101", Subject: "Leaver: Jan Peeters", Requester: "hr@example.com",
			Fields: map[string]string{"udf_user": janUPN},
		}},
		resolved: map[string]string{},
	}
	esc := &fakeEscalator{}
	steps := &Steps{
		Tenant: tenant, Tickets: tickets,
		EntraUsers: entra, EntraGroups: entra, EntraLicenses: entra, EntraSessions: entra,
		ADUsers: ad, ADAccounts: ad, ADGroups: ad, AccessKeys: keys,
		Evidence: DirStore{Dir: t.TempDir()}, Escalator: esc, Clock: clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return &world{steps: steps, entra: entra, ad: ad, keys: keys, tickets: tickets, escalator: esc, clock: clock}
}

// resolve runs ResolveUser for ticket 101 and fails the test on error.
func (w *world) resolve(t *testing.T) ResolveOutput {
	t.Helper()
	out, err := w.steps.ResolveUser(context.Background(), ResolveInput{TicketID: "101"})
	if err != nil {
		t.Fatalf("ResolveUser: %v", err)
	}
	return out
}

// plan runs ResolveUser and BuildPlan and advances the clock past the plan's time.
func (w *world) plan(t *testing.T) (ResolveOutput, Plan) {
	t.Helper()
	r := w.resolve(t)
	p, err := w.steps.BuildPlan(context.Background(), PlanInput{Ticket: r.Ticket, User: r.User})
	if err != nil {
		t.Fatalf("BuildPlan: %v", err)
	}
	w.clock.t = w.clock.t.Add(time.Hour)
	return r, p
}

// applyAll runs every change step on the plan.
func (w *world) applyAll(t *testing.T, r ResolveOutput, p Plan) []ChangeOutput {
	t.Helper()
	in := ChangeInput{User: r.User, Items: p.Items, Ticket: r.Ticket}
	ctx := context.Background()
	var outs []ChangeOutput
	for name, step := range map[string]func(context.Context, ChangeInput) (ChangeOutput, error){
		"DisableEntraUser": w.steps.DisableEntraUser, "RevokeSessions": w.steps.RevokeSessions,
		"RemoveGroupMemberships": w.steps.RemoveGroupMemberships, "RemoveLicenses": w.steps.RemoveLicenses,
		"DisableADAccount": w.steps.DisableADAccount, "DeactivateAccessKeys": w.steps.DeactivateAccessKeys,
	} {
		out, err := step(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		outs = append(outs, out)
	}
	return outs
}
