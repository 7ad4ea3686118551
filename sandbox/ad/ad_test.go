package ad

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
)

const disabledOU = "OU=Disabled Users,DC=contoso,DC=local"

func seeded(t *testing.T) (*Directory, string) {
	t.Helper()
	d := New(disabledOU, func() time.Time { return time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC) })
	err := d.Add(Account{GUID: "g1", UserPrincipalName: "jan@contoso.example", SAMAccountName: "jan",
		DistinguishedName: "CN=Jan,OU=Users,DC=contoso,DC=local", Enabled: true,
		MemberOf: []string{"CN=VPN Users,OU=Groups,DC=contoso,DC=local", "CN=Sales,OU=Groups,DC=contoso,DC=local"}})
	if err != nil {
		t.Fatal(err)
	}
	return d, "g1"
}

func TestChangesAreIdempotent(t *testing.T) {
	d, guid := seeded(t)
	ctx := context.Background()
	for round, wantChanged := range []bool{true, false} {
		disabled, err := d.Disable(ctx, guid)
		if err != nil || disabled != wantChanged {
			t.Errorf("round %d: Disable = %t, %v; want %t", round, disabled, err, wantChanged)
		}
		stamped, err := d.StampDescription(ctx, guid, "SDP-101")
		if err != nil || stamped != wantChanged {
			t.Errorf("round %d: StampDescription = %t, %v; want %t", round, stamped, err, wantChanged)
		}
		dn, moved, err := d.MoveToDisabledOU(ctx, guid)
		if err != nil || moved != wantChanged || dn != "CN=Jan,"+disabledOU {
			t.Errorf("round %d: MoveToDisabledOU = %q, %t, %v", round, dn, moved, err)
		}
	}
	acc, _ := d.Account("JAN@contoso.example")
	if acc.Enabled || acc.Description != "Disabled 2026-12-04, ticket SDP-101" {
		t.Errorf("account = %+v", acc)
	}
}

func TestDeniedGroupStaysAndFails(t *testing.T) {
	d, guid := seeded(t)
	d.DenyGroup("CN=Sales,OU=Groups,DC=contoso,DC=local")
	results, err := d.RemoveGroupMemberships(context.Background(), guid)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"VPN Users": identity.StatusRemoved, "Sales": identity.StatusFailed}
	for _, r := range results {
		if want[r.Name] != r.Status {
			t.Errorf("%s: status %s, want %s", r.Name, r.Status, want[r.Name])
		}
	}
	groups, err := d.Groups(context.Background(), "jan@contoso.example")
	if err != nil || len(groups) != 1 || groups[0].DisplayName != "Sales" {
		t.Errorf("groups after removal = %+v, %v; want only Sales", groups, err)
	}
}

func TestUnknownAccountNotFound(t *testing.T) {
	d, _ := seeded(t)
	var nf *identity.UserNotFound
	if _, err := d.FindUser(context.Background(), "nobody@contoso.example"); !errors.As(err, &nf) {
		t.Errorf("FindUser error = %v, want *identity.UserNotFound", err)
	}
	if _, err := d.Disable(context.Background(), "no-such-guid"); !errors.As(err, &nf) {
		t.Errorf("Disable error = %v, want *identity.UserNotFound", err)
	}
	if err := d.Add(Account{GUID: "g2", UserPrincipalName: "jan@contoso.example", DistinguishedName: "CN=X"}); err == nil {
		t.Error("Add accepted a second account with the same UPN")
	}
}
