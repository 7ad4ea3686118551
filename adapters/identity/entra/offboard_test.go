package entra_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/sandbox/graph"
)

// TestOffboardRequestCount runs the Graph part of an offboarding for a user with 250 group
// memberships and 5 direct licences, and counts the HTTP requests. One call per group would
// need more than 250; the target is at most 20.
func TestOffboardRequestCount(t *testing.T) {
	srv, url := newEmulator(t, graph.Options{})
	const userID = "0f0f0f0f-0000-4000-8000-000000000250"
	if err := srv.AddUser(graph.User{ID: userID, UserPrincipalName: "leaver@contoso.example", DisplayName: "Lea Verhoeven", Mail: "leaver@contoso.example", AccountEnabled: true}); err != nil {
		t.Fatal(err)
	}
	addGroups(t, srv, userID, 250)
	var skus []string
	for i := range 5 {
		sku := fmt.Sprintf("5a5a5a5a-0000-4000-8000-%012d", i)
		srv.AddSKU(graph.SKU{ID: sku, PartNumber: fmt.Sprintf("SKU_%d", i)})
		if err := srv.AssignLicense(userID, sku, ""); err != nil {
			t.Fatal(err)
		}
		skus = append(skus, sku)
	}
	c, _ := newClient(t, url, entra.Options{})
	ctx := context.Background()

	counts := map[string]int64{}
	step := func(name string, run func() error) {
		t.Helper()
		before := c.Requests()
		if err := run(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		counts[name] = c.Requests() - before
	}
	var user identity.User
	var memberships []identity.Membership
	step("User", func() (err error) { user, err = c.User(ctx, "leaver@contoso.example"); return err })
	step("Memberships", func() (err error) { memberships, err = c.Memberships(ctx, user.ID); return err })
	step("Licenses", func() error { _, err := c.Licenses(ctx, user.ID); return err })
	step("RemoveMemberships", func() error {
		results, err := c.RemoveMemberships(ctx, user.ID, memberships)
		for _, r := range results {
			if r.Status != identity.StatusRemoved {
				t.Errorf("membership %s: %s %s", r.ID, r.Status, r.Error)
			}
		}
		return err
	})
	step("RemoveLicenses", func() error {
		results, err := c.RemoveLicenses(ctx, user.ID, skus)
		for _, r := range results {
			if r.Status != identity.StatusRemoved {
				t.Errorf("licence %s: %s %s", r.ID, r.Status, r.Error)
			}
		}
		return err
	})
	step("DisableUser", func() error { _, err := c.DisableUser(ctx, user.ID); return err })
	step("RevokeSessions", func() error { _, err := c.RevokeSessions(ctx, user); return err })

	if len(memberships) != 250 {
		t.Errorf("listed %d memberships, want 250", len(memberships))
	}
	if left := srv.MemberOf(userID); len(left) != 0 {
		t.Errorf("%d memberships left after the removal", len(left))
	}
	if left := srv.Licenses(userID); len(left) != 0 {
		t.Errorf("%d licences left after the removal", len(left))
	}
	total := c.Requests()
	t.Logf("requests per operation: %v; total %d (emulator counted %d)", counts, total, srv.Requests())
	if total > 20 {
		t.Errorf("offboarding sent %d requests, want at most 20", total)
	}
	if int(total) != srv.Requests() {
		t.Errorf("client counted %d requests, emulator %d", total, srv.Requests())
	}
}
