package activedirectory

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"

	"github.com/secamo/orchestrator/tenants"
)

func TestGUIDRoundTrip(t *testing.T) {
	// The bytes of {1ec5e8a4-6f0c-4b3e-9d1a-2c4f0e7b8a91} as AD stores them: the first three
	// fields little-endian.
	raw := []byte{0xa4, 0xe8, 0xc5, 0x1e, 0x0c, 0x6f, 0x3e, 0x4b, 0x9d, 0x1a, 0x2c, 0x4f, 0x0e, 0x7b, 0x8a, 0x91}
	const want = "1ec5e8a4-6f0c-4b3e-9d1a-2c4f0e7b8a91"
	got, err := formatGUID(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("formatGUID = %q, want %q", got, want)
	}
	back, err := parseGUID(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, raw) {
		t.Errorf("parseGUID(%q) = % x, want % x", got, back, raw)
	}
}

func TestParseGUIDInvalid(t *testing.T) {
	for _, s := range []string{"", "not-a-guid", "1ec5e8a4-6f0c-4b3e-9d1a-2c4f0e7b8a9", "1ec5e8a4x6f0c-4b3e-9d1a-2c4f0e7b8a91", "zzc5e8a4-6f0c-4b3e-9d1a-2c4f0e7b8a91", "*)(objectClass=*"} {
		if _, err := parseGUID(s); err == nil {
			t.Errorf("parseGUID(%q) succeeded, want an error", s)
		}
	}
}

func TestEscapeBytes(t *testing.T) {
	if got, want := escapeBytes([]byte{0x00, 0x2a, 0x5c, 0xff}), `\00\2a\5c\ff`; got != want {
		t.Errorf("escapeBytes = %q, want %q", got, want)
	}
}

func TestReplaceRID(t *testing.T) {
	// S-1-5-21-1-2-3-1105
	sid := []byte{1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0x51, 0x04, 0, 0}
	got, err := replaceRID(sid, 513)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte(nil), sid[:24]...), 0x01, 0x02, 0, 0)
	if !bytes.Equal(got, want) {
		t.Errorf("replaceRID = % x, want % x", got, want)
	}
	if sid[24] != 0x51 {
		t.Error("replaceRID changed its input")
	}
	for _, bad := range [][]byte{nil, sid[:7], sid[:26], {1, 0, 0, 0, 0, 0, 0, 5}} {
		if _, err := replaceRID(bad, 513); err == nil {
			t.Errorf("replaceRID(% x) succeeded, want an error", bad)
		}
	}
}

func TestEncodePassword(t *testing.T) {
	got := encodePassword("Pä1!")
	want := []byte{'"', 0, 'P', 0, 0xe4, 0, '1', 0, '!', 0, '"', 0}
	if !bytes.Equal([]byte(got), want) {
		t.Errorf("encodePassword = % x, want % x", got, want)
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p, err := randomPassword("jan")
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != passwordLength {
			t.Fatalf("password length %d, want %d", len(p), passwordLength)
		}
		for _, class := range []string{upper, lower, digits, symbols} {
			if !strings.ContainsAny(p, class) {
				t.Fatalf("password has no character of %q", class)
			}
		}
		if strings.Contains(strings.ToLower(p), "jan") {
			t.Fatal("password contains the sAMAccountName")
		}
		if len(utf16.Encode([]rune(p))) != len(p) {
			t.Fatal("password has characters outside ASCII")
		}
		if seen[p] {
			t.Fatal("randomPassword repeated a password")
		}
		seen[p] = true
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	valid := Config{
		URL:          "ldaps://dc1.example.com",
		BaseDN:       "DC=example,DC=com",
		BindDN:       "CN=svc,OU=Service,DC=example,DC=com",
		BindPassword: "env:AD_PASSWORD",
		DisabledOU:   "OU=Disabled,DC=example,DC=com",
	}
	badCA := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(badCA, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr string
	}{
		{"http URL", func(c *Config) { c.URL = "https://dc1.example.com" }, "invalid LDAP URL"},
		{"URL without host", func(c *Config) { c.URL = "ldaps://" }, "invalid LDAP URL"},
		{"missing base DN", func(c *Config) { c.BaseDN = "" }, "invalid base DN"},
		{"malformed bind DN", func(c *Config) { c.BindDN = "svc" }, "invalid bind DN"},
		{"password value instead of reference", func(c *Config) { c.BindPassword = "hunter2" }, "bind password"},
		{"OU outside base DN", func(c *Config) { c.DisabledOU = "OU=Disabled,DC=other,DC=com" }, "not under the base DN"},
		{"missing OU", func(c *Config) { c.DisabledOU = "" }, "invalid disabled-users OU"},
		{"missing CA file", func(c *Config) { c.CAFile = filepath.Join(t.TempDir(), "absent.pem") }, "reading the CA file"},
		{"CA file without certificate", func(c *Config) { c.CAFile = badCA }, "contains no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			_, err := New(cfg, testSecrets)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}

	if _, err := New(valid, testSecrets); err != nil {
		t.Errorf("New with a valid config: %v", err)
	}
	if _, err := New(valid, nil); err == nil {
		t.Error("New without a resolver succeeded, want an error")
	}
}

func TestConfigFromTenant(t *testing.T) {
	ad := &tenants.ActiveDirectory{
		URL: "ldaps://dc1.example.com", BaseDN: "DC=example,DC=com", BindDN: "CN=svc,DC=example,DC=com",
		BindPassword: "env:AD_PASSWORD", DisabledOU: "OU=Disabled,DC=example,DC=com", CAFile: "/etc/ca.pem",
	}
	if _, err := New(ConfigFromTenant(nil), testSecrets); err == nil {
		t.Error("New(ConfigFromTenant(nil)) succeeded, want an error")
	}
	cfg := ConfigFromTenant(ad)
	if cfg.URL != ad.URL || cfg.BaseDN != ad.BaseDN || cfg.BindDN != ad.BindDN ||
		cfg.BindPassword != ad.BindPassword || cfg.DisabledOU != ad.DisabledOU || cfg.CAFile != ad.CAFile {
		t.Errorf("ConfigFromTenant = %+v, want the tenant's fields", cfg)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		code uint16
		want string
	}{
		{ldap.LDAPResultInsufficientAccessRights, "PermissionDenied"},
		{ldap.LDAPResultBusy, "DirectoryUnavailable"},
		{ldap.LDAPResultUnavailable, "DirectoryUnavailable"},
		{ldap.ErrorNetwork, "DirectoryUnavailable"},
		{ldap.LDAPResultConstraintViolation, ""},
	}
	for _, tt := range tests {
		t.Run(ldap.LDAPResultCodeMap[tt.code], func(t *testing.T) {
			err := classify(context.Background(), "disabling x", ldap.NewError(tt.code, errors.New("detail")))
			if got := errorName(err); got != tt.want {
				t.Errorf("errorName(classify(code %d)) = %q, want %q", tt.code, got, tt.want)
			}
			if tt.want == "" && !ldap.IsErrorWithCode(err, tt.code) {
				t.Errorf("classify lost the LDAP error: %v", err)
			}
		})
	}

	t.Run("canceled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := classify(ctx, "disabling x", ldap.NewError(ldap.ErrorNetwork, errors.New("closed")))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("classify = %v, want context.Canceled", err)
		}
	})
}

func TestCheckNameAndTicket(t *testing.T) {
	for _, name := range []string{"", "  ", "jan\n", "a\x00b", strings.Repeat("a", maxNameLength+1)} {
		if err := checkName(name); err == nil {
			t.Errorf("checkName(%q) succeeded, want an error", name)
		}
	}
	for _, ticket := range []string{"", "ACME-1\nrm", strings.Repeat("x", 101)} {
		if err := checkTicket(ticket); err == nil {
			t.Errorf("checkTicket(%q) succeeded, want an error", ticket)
		}
	}
	if err := checkTicket("ACME-123"); err != nil {
		t.Errorf("checkTicket(ACME-123): %v", err)
	}
}

// silentServer accepts connections on loopback and never writes, like a hung domain
// controller.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
		}
	}()
	return ln.Addr().String()
}

func TestHungServerHonoursDeadlines(t *testing.T) {
	addr := silentServer(t)
	tests := []struct {
		name     string
		url      string
		timeout  time.Duration
		ctxLimit time.Duration
		check    func(error) bool
	}{
		{"LDAPS, context deadline", "ldaps://" + addr, time.Minute, 100 * time.Millisecond,
			func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{"StartTLS, context deadline", "ldap://" + addr, time.Minute, 100 * time.Millisecond,
			func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{"StartTLS, call timeout", "ldap://" + addr, 100 * time.Millisecond, time.Minute,
			func(err error) bool { var u *DirectoryUnavailable; return errors.As(err, &u) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Config{
				URL: tt.url, BaseDN: "DC=example,DC=com", BindDN: "CN=svc,DC=example,DC=com",
				BindPassword: "env:AD_BIND_PASSWORD", DisabledOU: "OU=Disabled,DC=example,DC=com",
				Timeout: tt.timeout,
			})
			ctx, cancel := context.WithTimeout(context.Background(), tt.ctxLimit)
			defer cancel()
			start := time.Now()
			_, err := c.FindUser(ctx, "jan")
			if !tt.check(err) {
				t.Errorf("FindUser error = %v (%T)", err, err)
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("FindUser returned after %s, want about the limit", elapsed)
			}
		})
	}
}

func TestVerificationProblems(t *testing.T) {
	done := Verification{Disabled: true, InDisabledOU: true, DescriptionStamped: true}
	if !done.Complete() || len(done.Problems()) != 0 {
		t.Errorf("complete verification: Complete %v, Problems %q", done.Complete(), done.Problems())
	}
	left := done
	left.RemainingGroups = []string{"CN=VPN,DC=example,DC=com"}
	if left.Complete() {
		t.Error("verification with a remaining group is complete")
	}
	if p := left.Problems(); len(p) != 1 || !strings.Contains(p[0], "CN=VPN") {
		t.Errorf("Problems = %q, want the remaining group", p)
	}
}

func TestParseAccountRangedMemberOf(t *testing.T) {
	guid := []byte{0xa4, 0xe8, 0xc5, 0x1e, 0x0c, 0x6f, 0x3e, 0x4b, 0x9d, 0x1a, 0x2c, 0x4f, 0x0e, 0x7b, 0x8a, 0x91}
	entry := &ldap.Entry{DN: "CN=jan,DC=example,DC=com", Attributes: []*ldap.EntryAttribute{
		{Name: "objectGUID", ByteValues: [][]byte{guid}, Values: []string{string(guid)}},
		{Name: "userAccountControl", Values: []string{"512"}},
		{Name: "memberOf;range=0-1499", Values: []string{"CN=G1,DC=example,DC=com"}},
	}}
	if _, err := parseAccount(entry); err == nil || !strings.Contains(err.Error(), "ranges") {
		t.Errorf("parseAccount with a ranged memberOf: error %v, want one about ranges", err)
	}

	entry.Attributes[2].Name = "memberOf"
	a, err := parseAccount(entry)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.MemberOf) != 1 || a.UserAccountControl != 512 {
		t.Errorf("parseAccount = %+v", a)
	}
}
