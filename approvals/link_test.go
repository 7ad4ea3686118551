package approvals_test

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/approvals"
)

func testSigner(t testing.TB) *approvals.Signer {
	s, err := approvals.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSignerRejectsShortKey(t *testing.T) {
	if _, err := approvals.NewSigner([]byte("short")); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("NewSigner(short key) = %v, want an error naming the minimum length", err)
	}
}

func TestNewIDIsRandomAndValid(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := approvals.NewID()
		if !approvals.ValidID(id) {
			t.Fatalf("NewID = %q, which ValidID rejects", id)
		}
		if seen[id] {
			t.Fatalf("NewID repeated %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "abc", strings.Repeat("A", 32), strings.Repeat("1", 32), strings.Repeat("a", 33)} {
		if approvals.ValidID(bad) {
			t.Errorf("ValidID(%q) = true, want false", bad)
		}
	}
}

func TestLinkBoundToEveryField(t *testing.T) {
	s := testSigner(t)
	l := approvals.Link{Tenant: "acme", ID: approvals.NewID(), Approver: "a@acme.example", Expires: time.Unix(1796477400, 0).UTC()}
	q := s.Query(l)
	if got, err := s.ParseLink(l.Tenant, l.ID, q); err != nil || got != l {
		t.Fatalf("ParseLink = %+v, %v, want %+v", got, err, l)
	}
	if _, err := s.ParseLink("globex", l.ID, q); !errors.Is(err, approvals.ErrInvalidSignature) {
		t.Errorf("ParseLink for another tenant = %v, want ErrInvalidSignature", err)
	}
	if _, err := s.ParseLink(l.Tenant, approvals.NewID(), q); !errors.Is(err, approvals.ErrInvalidSignature) {
		t.Errorf("ParseLink for another id = %v, want ErrInvalidSignature", err)
	}

	token := s.FormToken(l)
	if _, err := s.VerifyFormToken(l, token); err != nil {
		t.Errorf("VerifyFormToken(own token) = %v", err)
	}
	other := l
	other.Expires = l.Expires.Add(time.Hour)
	if _, err := s.VerifyFormToken(other, token); !errors.Is(err, approvals.ErrInvalidFormToken) {
		t.Errorf("VerifyFormToken for another expiry = %v, want ErrInvalidFormToken", err)
	}
	if s.FormToken(l) == token {
		t.Errorf("FormToken returned the same token twice")
	}
}

// FuzzParseLink checks that no query makes ParseLink panic or accept a link the signer did
// not sign, and that signed links round-trip.
func FuzzParseLink(f *testing.F) {
	f.Add("a@acme.example", int64(1796477400), "")
	f.Add("", int64(0), "x")
	f.Add("ü@x", int64(-1), "AAAA")
	f.Fuzz(func(t *testing.T, approver string, expires int64, sig string) {
		s := testSigner(t)
		id := "abcdefghijklmnopqrstuvwxyz234567"
		q := url.Values{"approver": {approver}, "expires": {strconv.FormatInt(expires, 10)}, "sig": {sig}}
		if _, err := s.ParseLink("acme", id, q); err == nil {
			t.Fatalf("ParseLink accepted an unsigned query %v", q)
		}
		if approver == "" {
			return
		}
		l := approvals.Link{Tenant: "acme", ID: id, Approver: approver, Expires: time.Unix(expires, 0).UTC()}
		got, err := s.ParseLink("acme", id, s.Query(l))
		if err != nil || got != l {
			t.Fatalf("signed link %+v did not round-trip: %+v, %v", l, got, err)
		}
	})
}
