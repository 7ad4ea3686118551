package activedirectory

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/internal/sambatest"
	"github.com/secamo/orchestrator/internal/testenv"
	"github.com/secamo/orchestrator/secrets"
)

// The test domain's layout. The service account may change users in Staff and Disabled
// Users and edit the groups in Groups; Protected holds a group it may not edit, and users in
// CN=Users are out of its reach.
const (
	staffOU     = "OU=Staff," + sambatest.BaseDN
	disabledOU  = "OU=Disabled Users," + sambatest.BaseDN
	groupsOU    = "OU=Groups," + sambatest.BaseDN
	protectedOU = "OU=Protected," + sambatest.BaseDN
	serviceOU   = "OU=Service Accounts," + sambatest.BaseDN
	usersCN     = "CN=Users," + sambatest.BaseDN

	serviceDN       = "CN=svc-offboarding," + serviceOU
	servicePassword = "Svc-Offboarding-Pw-1!"
	userPassword    = "Old-User-Pw-2024!"
)

// schemaIDGUIDs and rightsGuid values from the AD schema (identical in Samba's), for the
// delegation ACEs.
const (
	classUser           = "bf967aba-0de6-11d0-a285-00aa003049e2"
	classGroup          = "bf967a9c-0de6-11d0-a285-00aa003049e2"
	attrMember          = "bf9679c0-0de6-11d0-a285-00aa003049e2"
	attrDescription     = "bf967950-0de6-11d0-a285-00aa003049e2"
	attrUserAccountCtrl = "bf967a68-0de6-11d0-a285-00aa003049e2"
	attrName            = "bf967a0e-0de6-11d0-a285-00aa003049e2"
	attrCN              = "bf96793f-0de6-11d0-a285-00aa003049e2"
	rightResetPassword  = "00299570-246d-11d0-a768-00aa006e0529"
)

var (
	dcOnce  sync.Once
	testDC  *sambatest.DC
	dcError error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if testDC != nil {
		testDC.Stop()
	}
	os.Exit(code)
}

// domain returns the shared test domain controller, starting and populating it on first use,
// or skips the test (fails it in CI) when Samba cannot run here.
func domain(t *testing.T) *sambatest.DC {
	t.Helper()
	if reason := sambatest.Available(); reason != "" {
		testenv.SkipOrFail(t, "Samba AD integration test: %s", reason)
	}
	dcOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		start := time.Now()
		testDC, dcError = sambatest.Start(ctx)
		if dcError == nil {
			dcError = populate(ctx, testDC)
		}
		t.Logf("test domain controller ready after %s", time.Since(start).Round(time.Millisecond))
	})
	if dcError != nil {
		t.Fatalf("starting the test domain controller: %v", dcError)
	}
	return testDC
}

// populate creates the OUs, groups and service account, and delegates to the service account
// only the rights the offboarding steps need.
func populate(ctx context.Context, dc *sambatest.DC) error {
	conn, err := dc.Admin()
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, ou := range []string{staffOU, disabledOU, groupsOU, protectedOU, serviceOU} {
		req := ldap.NewAddRequest(ou, nil)
		req.Attribute("objectClass", []string{"organizationalUnit"})
		if err := conn.Add(req); err != nil {
			return fmt.Errorf("adding %s: %w", ou, err)
		}
	}
	for _, g := range []string{"CN=VPN Users," + groupsOU, "CN=Sales," + groupsOU, "CN=Tier0 Admins," + protectedOU} {
		req := ldap.NewAddRequest(g, nil)
		req.Attribute("objectClass", []string{"group"})
		req.Attribute("sAMAccountName", []string{rdnValue(g)})
		if err := conn.Add(req); err != nil {
			return fmt.Errorf("adding %s: %w", g, err)
		}
	}
	if err := addUser(conn, serviceDN, "svc-offboarding", "svc-offboarding@secamo.test", servicePassword, 0x200); err != nil {
		return err
	}

	sid, err := readSID(conn, serviceDN)
	if err != nil {
		return err
	}
	// Write userAccountControl, description, name and cn, reset the password and delete
	// (which a move needs on the source) on user objects below the OU.
	userACEs := ""
	for _, attr := range []string{attrUserAccountCtrl, attrDescription, attrName, attrCN} {
		userACEs += fmt.Sprintf("(OA;CI;WP;%s;%s;%s)", attr, classUser, sid)
	}
	userACEs += fmt.Sprintf("(OA;CI;CR;%s;%s;%s)(OA;CI;SD;;%s;%s)", rightResetPassword, classUser, sid, classUser, sid)
	delegations := []struct{ dn, sddl string }{
		{staffOU, userACEs},
		{disabledOU, userACEs + fmt.Sprintf("(OA;CI;CC;%s;;%s)", classUser, sid)},
		{groupsOU, fmt.Sprintf("(OA;CI;WP;%s;%s;%s)", attrMember, classGroup, sid)},
	}
	for _, d := range delegations {
		if _, err := dc.Tool(ctx, "dsacl", "set", "--objectdn="+d.dn, "--sddl="+d.sddl); err != nil {
			return err
		}
	}
	return nil
}

// addUser creates an enabled user account with the given password over the admin connection.
func addUser(conn *ldap.Conn, dn, sam, upn, password string, uac uint32) error {
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"user"})
	req.Attribute("sAMAccountName", []string{sam})
	req.Attribute("userPrincipalName", []string{upn})
	req.Attribute("displayName", []string{rdnValue(dn)})
	req.Attribute("unicodePwd", []string{encodePassword(password)})
	req.Attribute("userAccountControl", []string{formatInt32(uac)})
	if err := conn.Add(req); err != nil {
		return fmt.Errorf("adding user %s: %w", dn, err)
	}
	return nil
}

// readSID returns the objectSid of dn in its string form, S-1-5-21-....
func readSID(conn *ldap.Conn, dn string) (string, error) {
	res, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"objectSid"}, nil))
	if err != nil {
		return "", fmt.Errorf("reading the SID of %s: %w", dn, err)
	}
	b := res.Entries[0].GetRawAttributeValue("objectSid")
	if len(b) < 8 {
		return "", fmt.Errorf("invalid objectSid of %s", dn)
	}
	authority := uint64(0)
	for _, c := range b[2:8] {
		authority = authority<<8 | uint64(c)
	}
	parts := []string{"S", fmt.Sprint(b[0]), fmt.Sprint(authority)}
	for i := 8; i+4 <= len(b); i += 4 {
		parts = append(parts, fmt.Sprint(binary.LittleEndian.Uint32(b[i:])))
	}
	return strings.Join(parts, "-"), nil
}

// testUser describes an account that a test creates for itself.
type testUser struct {
	sam    string
	parent string
	groups []string
	uac    uint32
}

// createUser adds a user in u.parent (staffOU by default) with description "Sales" and the
// given group memberships, and returns its DN. The account is enabled unless u.uac sets other
// flags.
func createUser(t *testing.T, dc *sambatest.DC, u testUser) string {
	t.Helper()
	conn, err := dc.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if u.parent == "" {
		u.parent = staffOU
	}
	if u.uac == 0 {
		u.uac = 0x200
	}
	dn := "CN=" + ldap.EscapeDN(u.sam) + "," + u.parent
	if err := addUser(conn, dn, u.sam, u.sam+"@secamo.test", userPassword, u.uac); err != nil {
		t.Fatal(err)
	}
	desc := ldap.NewModifyRequest(dn, nil)
	desc.Replace("description", []string{"Sales"})
	if err := conn.Modify(desc); err != nil {
		t.Fatal(err)
	}
	for _, g := range u.groups {
		req := ldap.NewModifyRequest(g, nil)
		req.Add("member", []string{dn})
		if err := conn.Modify(req); err != nil {
			t.Fatalf("adding %s to %s: %v", dn, g, err)
		}
	}
	return dn
}

// serviceConfig returns a Config that binds as the delegated service account over LDAPS.
func serviceConfig(dc *sambatest.DC) Config {
	return Config{
		URL:          dc.LDAPSURL,
		BaseDN:       sambatest.BaseDN,
		BindDN:       serviceDN,
		BindPassword: "env:AD_BIND_PASSWORD",
		DisabledOU:   disabledOU,
		CAFile:       dc.CAFile,
		ServerName:   sambatest.ServerName,
		Clock:        fixedClock{time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)},
	}
}

var testSecrets = secrets.Static{"env:AD_BIND_PASSWORD": servicePassword}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// newClient returns a Client for cfg and fails the test when cfg is invalid.
func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg, testSecrets)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readEntry reads attributes of dn as the Administrator.
func readEntry(t *testing.T, dc *sambatest.DC, dn string, attrs ...string) *ldap.Entry {
	t.Helper()
	conn, err := dc.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", attrs, nil))
	if err != nil {
		t.Fatalf("reading %s: %v", dn, err)
	}
	return res.Entries[0]
}
