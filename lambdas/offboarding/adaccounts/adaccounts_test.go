package adaccounts

import (
	"context"
	"testing"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/identity/activedirectory"
)

// fakeADAPI is one AD account that the adapter's methods change in memory.
type fakeADAPI struct {
	account activedirectory.Account
	stamp   string
	ou      string
}

func (f *fakeADAPI) FindUser(_ context.Context, name string) (*activedirectory.Account, error) {
	if name != f.account.UserPrincipalName {
		return nil, &identity.UserNotFound{User: name}
	}
	a := f.account
	return &a, nil
}

func (f *fakeADAPI) ResetPassword(context.Context, string) error { return nil }

func (f *fakeADAPI) Disable(context.Context, string) (activedirectory.Change, error) {
	if f.account.UserAccountControl&0x2 != 0 {
		return activedirectory.Change{Status: activedirectory.StatusAlreadyDisabled, DN: f.account.DN}, nil
	}
	f.account.UserAccountControl |= 0x2
	return activedirectory.Change{Status: activedirectory.StatusDisabled, DN: f.account.DN}, nil
}

func (f *fakeADAPI) StampDescription(_ context.Context, _, ticket string) (activedirectory.Change, error) {
	if f.stamp == ticket {
		return activedirectory.Change{Status: activedirectory.StatusAlreadyStamped, DN: f.account.DN}, nil
	}
	f.stamp = ticket
	return activedirectory.Change{Status: activedirectory.StatusStamped, DN: f.account.DN}, nil
}

func (f *fakeADAPI) MoveToDisabledOU(context.Context, string) (activedirectory.Change, error) {
	moved := "CN=Jan Peeters," + f.ou
	if f.account.DN == moved {
		return activedirectory.Change{Status: activedirectory.StatusAlreadyInOU, DN: moved}, nil
	}
	f.account.DN = moved
	return activedirectory.Change{Status: activedirectory.StatusMoved, DN: moved}, nil
}

func (f *fakeADAPI) RemoveGroupMemberships(context.Context, string) ([]identity.ItemResult, error) {
	var results []identity.ItemResult
	for _, g := range f.account.MemberOf {
		results = append(results, identity.ItemResult{ID: g, Status: identity.StatusRemoved})
	}
	f.account.MemberOf = nil
	return results, nil
}

func newFakeADAPI() *fakeADAPI {
	return &fakeADAPI{
		ou: "OU=Disabled Users,DC=example,DC=local",
		account: activedirectory.Account{
			DN: "CN=Jan Peeters,OU=Staff,DC=example,DC=local", GUID: "guid-1",
			UserPrincipalName: "jan.peeters@example.com", SAMAccountName: "jpeeters",
			UserAccountControl: 0x200,
			MemberOf:           []string{"CN=VPN users,OU=Groups,DC=example,DC=local", `CN=Sales\, Benelux,OU=Groups,DC=example,DC=local`},
		},
	}
}

func TestADAccountsFindUserAndGroups(t *testing.T) {
	ad := New(newFakeADAPI())
	ctx := context.Background()
	u, err := ad.FindUser(ctx, "jan.peeters@example.com")
	if err != nil {
		t.Fatalf("FindUser: %v", err)
	}
	if u.ID != "guid-1" || !u.AccountEnabled {
		t.Errorf("user = %+v, want ID guid-1 and enabled", u)
	}
	groups, err := ad.Groups(ctx, "jan.peeters@example.com")
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	if len(groups) != 2 || groups[0].DisplayName != "VPN users" || groups[1].DisplayName != "Sales, Benelux" {
		t.Errorf("groups = %+v, want VPN users and Sales, Benelux", groups)
	}
	if !groups[0].Removable || groups[0].Kind != identity.KindGroup {
		t.Errorf("group = %+v, want a removable group", groups[0])
	}
}

func TestADAccountsReportChanges(t *testing.T) {
	ad := New(newFakeADAPI())
	ctx := context.Background()
	for run, want := range []bool{true, false} {
		disabled, err := ad.Disable(ctx, "guid-1")
		if err != nil || disabled != want {
			t.Errorf("run %d: Disable = %v, %v; want %v", run, disabled, err, want)
		}
		stamped, err := ad.StampDescription(ctx, "guid-1", "HR-101")
		if err != nil || stamped != want {
			t.Errorf("run %d: StampDescription = %v, %v; want %v", run, stamped, err, want)
		}
		dn, moved, err := ad.MoveToDisabledOU(ctx, "guid-1")
		if err != nil || moved != want || dn != "CN=Jan Peeters,OU=Disabled Users,DC=example,DC=local" {
			t.Errorf("run %d: MoveToDisabledOU = %q, %v, %v; want moved %v", run, dn, moved, err, want)
		}
	}
}

func TestFirstRDNValueUnparsable(t *testing.T) {
	if got := firstRDNValue("not a DN"); got != "not a DN" {
		t.Errorf("firstRDNValue = %q, want the input", got)
	}
}
