package sambatest

import (
	"context"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/secamo/orchestrator/internal/testenv"
)

func TestStartServesLDAPS(t *testing.T) {
	if reason := Available(); reason != "" {
		testenv.SkipOrFail(t, "Samba AD test: %s", reason)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	dc, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Stop()
	t.Logf("domain controller ready after %s", time.Since(start).Round(time.Millisecond))

	conn, err := dc.Admin()
	if err != nil {
		t.Fatalf("binding as Administrator: %v", err)
	}
	defer conn.Close()
	res, err := conn.Search(ldap.NewSearchRequest(BaseDN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"objectClass"}, nil))
	if err != nil {
		t.Fatalf("reading the domain object: %v", err)
	}
	if len(res.Entries) != 1 || res.Entries[0].DN != BaseDN {
		t.Fatalf("search of %s returned %d entries, want the domain object", BaseDN, len(res.Entries))
	}
}
