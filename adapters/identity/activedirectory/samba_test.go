package activedirectory

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/secrets"
)

func TestFindUser(t *testing.T) {
	dc := domain(t)
	dn := createUser(t, dc, testUser{sam: "find.jan"})
	specialDN := createUser(t, dc, testUser{sam: "find(x)"})
	c := newClient(t, serviceConfig(dc))

	// The name find(x) contains the filter's special characters ( and ). sAMAccountName does
	// not allow * and \, so the not-found cases check that those match only themselves.
	tests := []struct {
		name   string
		user   string
		wantDN string
	}{
		{"by UPN", "find.jan@secamo.test", dn},
		{"by sAMAccountName", "find.jan", dn},
		{"UPN case-insensitive", "FIND.JAN@secamo.test", dn},
		{"parentheses", "find(x)", specialDN},
		{"parentheses in UPN", "find(x)@secamo.test", specialDN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := c.FindUser(context.Background(), tt.user)
			if err != nil {
				t.Fatalf("FindUser(%q): %v", tt.user, err)
			}
			if a.DN != tt.wantDN {
				t.Errorf("FindUser(%q).DN = %q, want %q", tt.user, a.DN, tt.wantDN)
			}
		})
	}

	t.Run("attributes", func(t *testing.T) {
		a, err := c.FindUser(context.Background(), "find.jan")
		if err != nil {
			t.Fatal(err)
		}
		entry := readEntry(t, dc, dn, "objectGUID")
		wantGUID, err := formatGUID(entry.GetRawAttributeValue("objectGUID"))
		if err != nil {
			t.Fatal(err)
		}
		if a.GUID != wantGUID {
			t.Errorf("GUID = %q, want %q", a.GUID, wantGUID)
		}
		if a.UserPrincipalName != "find.jan@secamo.test" {
			t.Errorf("UserPrincipalName = %q", a.UserPrincipalName)
		}
		if a.SAMAccountName != "find.jan" {
			t.Errorf("SAMAccountName = %q", a.SAMAccountName)
		}
		if a.DisplayName != "find.jan" {
			t.Errorf("DisplayName = %q", a.DisplayName)
		}
		if a.Description != "Sales" {
			t.Errorf("Description = %q", a.Description)
		}
		if a.UserAccountControl != 0x200 {
			t.Errorf("UserAccountControl = %#x, want 0x200", a.UserAccountControl)
		}
		if a.PrimaryGroupID != 513 {
			t.Errorf("PrimaryGroupID = %d, want 513 (Domain Users)", a.PrimaryGroupID)
		}
		if u := a.User(); u.ID != wantGUID || !u.AccountEnabled || u.DistinguishedName != dn {
			t.Errorf("User() = %+v", u)
		}
	})

	notFound := []string{"nobody", "find.*", "*", "find.jan)(sAMAccountName=*", `find\2ajan`, "find.ja?", "find(*)"}
	for _, name := range notFound {
		t.Run("not found "+name, func(t *testing.T) {
			_, err := c.FindUser(context.Background(), name)
			var nf *identity.UserNotFound
			if !errors.As(err, &nf) {
				t.Fatalf("FindUser(%q) error = %v, want UserNotFound", name, err)
			}
		})
	}
}

func TestFindUserAmbiguous(t *testing.T) {
	dc := domain(t)
	// One account's UPN is another account's sAMAccountName. Samba rejects a UPN in the
	// domain's own realm that collides with a sAMAccountName, but not one in another UPN
	// suffix.
	conn, err := dc.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := addUser(conn, "CN=amb.first,"+staffOU, "amb.first", "amb@other.test", userPassword, 0x200); err != nil {
		t.Fatal(err)
	}
	if err := addUser(conn, "CN=amb.second,"+staffOU, "amb@other.test", "amb.second@secamo.test", userPassword, 0x200); err != nil {
		t.Fatal(err)
	}

	_, err = newClient(t, serviceConfig(dc)).FindUser(context.Background(), "amb@other.test")
	var ambiguous *AmbiguousUser
	if !errors.As(err, &ambiguous) {
		t.Fatalf("FindUser error = %v, want AmbiguousUser", err)
	}
	if len(ambiguous.DNs) != 2 {
		t.Errorf("AmbiguousUser.DNs = %q, want 2 DNs", ambiguous.DNs)
	}
}

func TestDisableTwice(t *testing.T) {
	dc := domain(t)
	// 0x10200 is NORMAL_ACCOUNT with DONT_EXPIRE_PASSWORD, which Disable must keep.
	dn := createUser(t, dc, testUser{sam: "disable.twice", uac: 0x10200})
	c := newClient(t, serviceConfig(dc))
	guid := findGUID(t, c, "disable.twice")

	for i, want := range []Status{StatusDisabled, StatusAlreadyDisabled} {
		got, err := c.Disable(context.Background(), guid)
		if err != nil {
			t.Fatalf("Disable call %d: %v", i+1, err)
		}
		if got.Status != want {
			t.Errorf("Disable call %d = %q, want %q", i+1, got.Status, want)
		}
	}
	uac := readEntry(t, dc, dn, "userAccountControl").GetAttributeValue("userAccountControl")
	if uac != strconv.Itoa(0x10202) {
		t.Errorf("userAccountControl = %s, want %d (old bits kept, ACCOUNTDISABLE set)", uac, 0x10202)
	}
}

func TestMoveToDisabledOU(t *testing.T) {
	dc := domain(t)
	createUser(t, dc, testUser{sam: "move.twice"})
	c := newClient(t, serviceConfig(dc))
	guid := findGUID(t, c, "move.twice")
	wantDN := "CN=move.twice," + disabledOU

	for i, want := range []Status{StatusMoved, StatusAlreadyInOU} {
		got, err := c.MoveToDisabledOU(context.Background(), guid)
		if err != nil {
			t.Fatalf("MoveToDisabledOU call %d: %v", i+1, err)
		}
		if got.Status != want {
			t.Errorf("MoveToDisabledOU call %d status = %q, want %q", i+1, got.Status, want)
		}
		if got.DN != wantDN {
			t.Errorf("MoveToDisabledOU call %d DN = %q, want %q", i+1, got.DN, wantDN)
		}
	}
	a, err := c.FindUser(context.Background(), "move.twice")
	if err != nil {
		t.Fatal(err)
	}
	if a.DN != wantDN {
		t.Errorf("DN after the move = %q, want %q", a.DN, wantDN)
	}
}

func TestRemoveGroupMemberships(t *testing.T) {
	dc := domain(t)
	vpn, sales, tier0 := "CN=VPN Users,"+groupsOU, "CN=Sales,"+groupsOU, "CN=Tier0 Admins,"+protectedOU
	dn := createUser(t, dc, testUser{sam: "groups.jan", groups: []string{vpn, sales, tier0}})
	c := newClient(t, serviceConfig(dc))
	guid := findGUID(t, c, "groups.jan")
	domainUsers := "CN=Domain Users," + usersCN

	want := map[string]struct{ status, errorName string }{
		vpn:         {identity.StatusRemoved, ""},
		sales:       {identity.StatusRemoved, ""},
		tier0:       {identity.StatusFailed, "PermissionDenied"},
		domainUsers: {identity.StatusSkipped, ""},
	}
	results, err := c.RemoveGroupMemberships(context.Background(), guid)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(want) {
		t.Errorf("got %d results, want %d: %+v", len(results), len(want), results)
	}
	for _, r := range results {
		w, ok := want[r.ID]
		if !ok {
			t.Errorf("unexpected result %+v", r)
			continue
		}
		if r.Status != w.status || r.ErrorName != w.errorName {
			t.Errorf("%s: status %q, errorName %q, want %q, %q (error %q)", r.Name, r.Status, r.ErrorName, w.status, w.errorName, r.Error)
		}
	}

	for _, g := range []string{vpn, sales} {
		if members := readEntry(t, dc, g, "member").GetAttributeValues("member"); slices.Contains(members, dn) {
			t.Errorf("%s still lists %s", g, dn)
		}
	}
	if members := readEntry(t, dc, tier0, "member").GetAttributeValues("member"); !slices.Contains(members, dn) {
		t.Errorf("%s lost %s although the service account may not edit it", tier0, dn)
	}

	// A second run finds only the group it could not edit and the primary group.
	again, err := c.RemoveGroupMemberships(context.Background(), guid)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range again {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{tier0, domainUsers}) {
		t.Errorf("second run items = %q, want %q", ids, []string{tier0, domainUsers})
	}
}

func TestStampDescription(t *testing.T) {
	dc := domain(t)
	dn := createUser(t, dc, testUser{sam: "stamp.jan"})
	c := newClient(t, serviceConfig(dc))
	guid := findGUID(t, c, "stamp.jan")

	for i, want := range []Status{StatusStamped, StatusAlreadyStamped} {
		got, err := c.StampDescription(context.Background(), guid, "ACME-123")
		if err != nil {
			t.Fatalf("StampDescription call %d: %v", i+1, err)
		}
		if got.Status != want {
			t.Errorf("StampDescription call %d = %q, want %q", i+1, got.Status, want)
		}
	}
	wantText := "Disabled by offboarding ACME-123 on 2026-12-04 | Sales"
	if got := readEntry(t, dc, dn, "description").GetAttributeValue("description"); got != wantText {
		t.Errorf("description = %q, want %q", got, wantText)
	}
}

func TestResetPassword(t *testing.T) {
	dc := domain(t)
	tests := []struct {
		name string
		url  string
	}{
		{"LDAPS", dc.LDAPSURL},
		{"StartTLS", dc.LDAPURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sam := "reset." + tt.name
			dn := createUser(t, dc, testUser{sam: sam})
			if conn, err := dc.Bind(dn, userPassword); err != nil {
				t.Fatalf("binding with the old password before the reset: %v", err)
			} else {
				conn.Close()
			}

			cfg := serviceConfig(dc)
			cfg.URL = tt.url
			c := newClient(t, cfg)
			if err := c.ResetPassword(context.Background(), findGUID(t, c, sam)); err != nil {
				t.Fatalf("ResetPassword: %v", err)
			}

			_, err := dc.Bind(dn, userPassword)
			if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
				t.Errorf("binding with the old password after the reset: error %v, want invalidCredentials", err)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	dc := domain(t)
	createUser(t, dc, testUser{sam: "verify.jan", groups: []string{"CN=VPN Users," + groupsOU}})
	c := newClient(t, serviceConfig(dc))
	ctx := context.Background()
	guid := findGUID(t, c, "verify.jan")

	before, err := c.Verify(ctx, guid, "ACME-200")
	if err != nil {
		t.Fatal(err)
	}
	if before.Complete() {
		t.Errorf("Verify before offboarding = %+v, want incomplete", before)
	}
	if got := len(before.Problems()); got != 4 {
		t.Errorf("Verify before offboarding lists %d problems, want 4: %q", got, before.Problems())
	}

	if _, err := c.Disable(ctx, guid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.MoveToDisabledOU(ctx, guid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveGroupMemberships(ctx, guid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StampDescription(ctx, guid, "ACME-200"); err != nil {
		t.Fatal(err)
	}
	if err := c.ResetPassword(ctx, guid); err != nil {
		t.Fatal(err)
	}

	after, err := c.Verify(ctx, guid, "ACME-200")
	if err != nil {
		t.Fatal(err)
	}
	if !after.Complete() {
		t.Errorf("Verify after offboarding: %q", after.Problems())
	}
	if after.DN != "CN=verify.jan,"+disabledOU {
		t.Errorf("Verify DN = %q", after.DN)
	}
	other, err := c.Verify(ctx, guid, "ACME-999")
	if err != nil {
		t.Fatal(err)
	}
	if other.DescriptionStamped {
		t.Error("Verify with another ticket reports the description stamped")
	}
}

func TestPermissionDeniedOutsideDelegation(t *testing.T) {
	dc := domain(t)
	// The service account has no rights on users in CN=Users.
	createUser(t, dc, testUser{sam: "outside.jan", parent: usersCN})
	c := newClient(t, serviceConfig(dc))
	guid := findGUID(t, c, "outside.jan")

	calls := map[string]func() error{
		"Disable":          func() error { _, err := c.Disable(context.Background(), guid); return err },
		"MoveToDisabledOU": func() error { _, err := c.MoveToDisabledOU(context.Background(), guid); return err },
		"StampDescription": func() error { _, err := c.StampDescription(context.Background(), guid, "ACME-1"); return err },
		"ResetPassword":    func() error { return c.ResetPassword(context.Background(), guid) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var denied *identity.PermissionDenied
			if err := call(); !errors.As(err, &denied) {
				t.Errorf("%s error = %v, want PermissionDenied", name, err)
			}
		})
	}
}

func TestUserGoneByGUID(t *testing.T) {
	dc := domain(t)
	dn := createUser(t, dc, testUser{sam: "gone.jan"})
	c := newClient(t, serviceConfig(dc))
	guid := findGUID(t, c, "gone.jan")
	conn, err := dc.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Del(ldap.NewDelRequest(dn, nil)); err != nil {
		t.Fatal(err)
	}

	_, err = c.Disable(context.Background(), guid)
	var nf *identity.UserNotFound
	if !errors.As(err, &nf) {
		t.Errorf("Disable of a deleted account: error %v, want UserNotFound", err)
	}
}

func TestConnectionSettings(t *testing.T) {
	dc := domain(t)
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string
	}{
		{"server name not in certificate", func(c *Config) { c.ServerName = "other.secamo.test" }, "not other.secamo.test"},
		{"system roots instead of CA", func(c *Config) { c.CAFile = "" }, "certificate signed by unknown authority"},
		{"StartTLS with wrong name", func(c *Config) { c.URL = dc.LDAPURL; c.ServerName = "localhost" }, "starting TLS"},
		{"wrong bind password", func(c *Config) { c.BindPassword = "env:WRONG" }, "invalid credentials"},
	}
	resolver := secrets.Static{"env:AD_BIND_PASSWORD": servicePassword, "env:WRONG": "not-the-password"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := serviceConfig(dc)
			tt.change(&cfg)
			c, err := New(cfg, resolver)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.FindUser(context.Background(), "Administrator")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("FindUser error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}

	t.Run("default server name from URL", func(t *testing.T) {
		// The certificate names 127.0.0.1, so the URL's host passes the name check.
		cfg := serviceConfig(dc)
		cfg.ServerName = ""
		if _, err := newClient(t, cfg).FindUser(context.Background(), "Administrator"); err != nil {
			t.Errorf("FindUser: %v", err)
		}
	})
}

// findGUID returns the objectGUID of the account named name.
func findGUID(t *testing.T, c *Client, name string) string {
	t.Helper()
	a, err := c.FindUser(context.Background(), name)
	if err != nil {
		t.Fatalf("FindUser(%q): %v", name, err)
	}
	return a.GUID
}
