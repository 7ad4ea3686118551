package entra_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/sandbox/graph"
)

func TestMembershipsKinds(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	got, err := c.Memberships(context.Background(), graph.DemoUserID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]identity.Membership{
		graph.DemoGroupSales:    {Kind: identity.KindGroup, Removable: true},
		graph.DemoGroupAllStaff: {Kind: identity.KindGroup, Dynamic: true},
		graph.DemoGroupVPN:      {Kind: identity.KindGroup, OnPremises: true},
		graph.DemoGroupProject:  {Kind: identity.KindGroup, Removable: true},
		graph.DemoGroupLicensed: {Kind: identity.KindGroup, Removable: true},
		graph.DemoRoleUserAdmin: {Kind: identity.KindDirectoryRole, Removable: true},
		graph.DemoUnitBrussels:  {Kind: identity.KindAdministrativeUnit, Removable: true},
	}
	if len(got) != len(want) {
		t.Fatalf("Memberships returned %d entries, want %d: %+v", len(got), len(want), got)
	}
	for _, m := range got {
		w, ok := want[m.ID]
		if !ok {
			t.Errorf("unexpected membership %+v", m)
			continue
		}
		if m.Kind != w.Kind || m.Dynamic != w.Dynamic || m.OnPremises != w.OnPremises || m.Removable != w.Removable {
			t.Errorf("membership %s = %+v, want kind %s dynamic %v onPremises %v removable %v", m.DisplayName, m, w.Kind, w.Dynamic, w.OnPremises, w.Removable)
		}
		if !m.Removable && m.NotRemovableReason == "" {
			t.Errorf("membership %s is not removable but has no reason", m.DisplayName)
		}
		if m.DisplayName == "" {
			t.Errorf("membership %s has no display name", m.ID)
		}
	}
}

func TestMembershipsPaging(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{PageSize: 7})
	addGroups(t, srv, graph.DemoUserID, 43)
	c, _ := newClient(t, url, entra.Options{})
	got, err := c.Memberships(context.Background(), graph.DemoUserID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 50 {
		t.Errorf("Memberships returned %d entries, want 50", len(got))
	}
	if c.Requests() != 8 {
		t.Errorf("Memberships sent %d requests, want 8 pages of 7", c.Requests())
	}
}

func TestMembershipsExpiredPageToken(t *testing.T) {
	tests := []struct {
		name     string
		expire   int
		wantErr  bool
		requests int64
	}{
		{"restarts once", 1, false, 2 + 3}, // first page, expired page, then 3 pages
		{"fails the second time", 2, true, 2 + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := newEmulator(t, graph.Options{PageSize: 3})
			c, _ := newClient(t, url, entra.Options{})
			srv.ExpirePageTokens(tt.expire)
			got, err := c.Memberships(context.Background(), graph.DemoUserID)
			if tt.wantErr {
				if err == nil || got != nil {
					t.Fatalf("Memberships = %d entries, %v; want no list and an error", len(got), err)
				}
			} else if err != nil || len(got) != 7 {
				t.Fatalf("Memberships = %d entries, %v; want 7 and no error", len(got), err)
			}
			if c.Requests() != tt.requests {
				t.Errorf("Memberships sent %d requests, want %d", c.Requests(), tt.requests)
			}
		})
	}
}

func TestRemoveMembershipsOutcomes(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	extra := addGroups(t, srv, graph.DemoUserID, 40)
	srv.DenyGroup(extra[3])
	c, _ := newClient(t, url, entra.Options{})
	ctx := context.Background()
	list, err := c.Memberships(ctx, graph.DemoUserID)
	if err != nil {
		t.Fatal(err)
	}
	// A membership removed elsewhere since the listing is already absent.
	list = append(list, identity.Membership{ID: "00000000-0000-4000-9999-000000000001", Kind: identity.KindGroup, Removable: true})
	before := c.Requests()

	results, err := c.RemoveMemberships(ctx, graph.DemoUserID, list)
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Requests() - before; n != 3 {
		t.Errorf("RemoveMemberships of %d removable entries sent %d requests, want 3 batches", len(list)-2, n)
	}
	want := map[string]string{
		extra[3]:                               identity.StatusFailed,
		graph.DemoGroupAllStaff:                identity.StatusSkipped,
		graph.DemoGroupVPN:                     identity.StatusSkipped,
		"00000000-0000-4000-9999-000000000001": identity.StatusAlreadyAbsent,
	}
	for i, r := range results {
		if r.ID != list[i].ID {
			t.Fatalf("result %d is for %s, want %s", i, r.ID, list[i].ID)
		}
		status, ok := want[r.ID]
		if !ok {
			status = identity.StatusRemoved
		}
		if r.Status != status {
			t.Errorf("%s (%s): status %q, want %q (error %q)", r.Name, r.ID, r.Status, status, r.Error)
		}
	}
	if r := results[indexOf(list, extra[3])]; r.ErrorName != "PermissionDenied" || r.Error == "" {
		t.Errorf("denied group result = %+v, want PermissionDenied with an error", r)
	}
	left := srv.MemberOf(graph.DemoUserID)
	if len(left) != 3 {
		t.Errorf("user is still a member of %v, want only the denied, dynamic and on-premises groups", left)
	}
}

func indexOf(list []identity.Membership, id string) int {
	for i, m := range list {
		if m.ID == id {
			return i
		}
	}
	return -1
}

func TestRemoveMembershipsThrottledItems(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	ids := addGroups(t, srv, graph.DemoUserID, 10)
	c, clock := newClient(t, url, entra.Options{})
	var list []identity.Membership
	for _, id := range ids {
		list = append(list, identity.Membership{ID: id, Kind: identity.KindGroup, Removable: true})
	}
	srv.ThrottleBatchItems(4, "2.128")

	results, err := c.RemoveMemberships(context.Background(), graph.DemoUserID, list)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Status != identity.StatusRemoved {
			t.Errorf("%s: status %q (%s), want removed after the retry", r.ID, r.Status, r.Error)
		}
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] != 2128*time.Millisecond {
		t.Errorf("waits = %v, want one of 2.128s", got)
	}
	if c.Requests() != 2 {
		t.Errorf("sent %d requests, want 2 batches", c.Requests())
	}
}

func TestRemoveMembershipsThrottledBeyondRetries(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	ids := addGroups(t, srv, graph.DemoUserID, 2)
	c, clock := newClient(t, url, entra.Options{MaxRetries: 2})
	list := []identity.Membership{
		{ID: ids[0], Kind: identity.KindGroup, Removable: true},
		{ID: ids[1], Kind: identity.KindGroup, Removable: true},
	}
	srv.ThrottleBatchItems(100, "1.5")

	results, err := c.RemoveMemberships(context.Background(), graph.DemoUserID, list)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Status != identity.StatusFailed || r.ErrorName != "Throttled" {
			t.Errorf("%s: %+v, want failed with Throttled", r.ID, r)
		}
	}
	if got := clock.Sleeps(); len(got) != 2 {
		t.Errorf("waits = %v, want 2 retries", got)
	}
}

func TestRemoveMembershipsRolesAndUnits(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	list := []identity.Membership{
		{ID: graph.DemoRoleUserAdmin, Kind: identity.KindDirectoryRole, Removable: true},
		{ID: graph.DemoUnitBrussels, Kind: identity.KindAdministrativeUnit, Removable: true},
	}
	results, err := c.RemoveMemberships(context.Background(), graph.DemoUserID, list)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Status != identity.StatusRemoved {
			t.Errorf("%s: %+v, want removed", r.ID, r)
		}
	}
	for _, id := range srv.MemberOf(graph.DemoUserID) {
		if id == graph.DemoRoleUserAdmin || id == graph.DemoUnitBrussels {
			t.Errorf("user is still a member of %s", id)
		}
	}
}

func TestMembershipsUserNotFound(t *testing.T) {
	_, url := newEmulator(t, graph.Options{})
	c, _ := newClient(t, url, entra.Options{})
	_, err := c.Memberships(context.Background(), "nobody@contoso.example")
	var notFound *identity.UserNotFound
	if !errors.As(err, &notFound) {
		t.Errorf("Memberships(unknown) error = %v, want UserNotFound", err)
	}
}
