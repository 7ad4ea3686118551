package entra_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/adapters/identity"
	"github.com/secamo/orchestrator/adapters/identity/entra"
	"github.com/secamo/orchestrator/internal/testenv"
)

// readSample returns a recorded Graph payload from the shared samples folder.
func readSample(t *testing.T, name string) []byte {
	t.Helper()
	dir := testenv.SharedDir(t, filepath.Join("..", "..", ".."))
	b, err := os.ReadFile(filepath.Join(dir, "samples", "graph", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serveSamples starts a server that serves each "METHOD path" with the route's handler.
func serveSamples(t *testing.T, routes map[string]func(w http.ResponseWriter)) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			http.Error(w, "missing token", http.StatusUnauthorized)
			return
		}
		route, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.NotFound(w, r)
			return
		}
		route(w)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func writeBody(status int, body []byte) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func TestSampleUserGet(t *testing.T) {
	url := serveSamples(t, map[string]func(http.ResponseWriter){
		"GET /v1.0/users/test.user.alpha@contoso.example": writeBody(200, readSample(t, "graph-user-get.json")),
	})
	c, _ := newClient(t, url+"/v1.0", entra.Options{})
	got, err := c.User(context.Background(), "test.user.alpha@contoso.example")
	if err != nil {
		t.Fatal(err)
	}
	want := identity.User{
		ID: "00000000-0000-4000-8000-00000000a001", UserPrincipalName: "test.user.alpha@contoso.example",
		DisplayName: "Test User Alpha", Mail: "test.user.alpha@contoso.example",
	}
	if got != want {
		t.Errorf("User = %+v, want %+v", got, want)
	}
}

func TestSampleMemberOfNextLink(t *testing.T) {
	var url string
	page1 := func(w http.ResponseWriter) {
		body := strings.ReplaceAll(string(readSample(t, "graph-user-memberof-page1-nextlink.json")), "https://graph.microsoft.com/beta", url+"/v1.0")
		writeBody(200, []byte(body))(w)
	}
	page2 := writeBody(200, []byte(`{"value":[{"@odata.type":"#microsoft.graph.group","id":"g-2","displayName":"Finance","groupTypes":["DynamicMembership"]}]}`))
	url = serveSamples(t, map[string]func(http.ResponseWriter){
		"GET /v1.0/users/test.user.alpha@contoso.example/memberOf": page1,
		"GET /v1.0/me/memberOf": page2,
	})
	c, _ := newClient(t, url+"/v1.0", entra.Options{})
	got, err := c.Memberships(context.Background(), "test.user.alpha@contoso.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("Memberships = %+v, want the role from page 1 and the group from page 2", got)
	}
	if got[0].Kind != identity.KindDirectoryRole || got[0].DisplayName != "User Administrator" || !got[0].Removable {
		t.Errorf("page 1 entry = %+v, want the removable User Administrator role", got[0])
	}
	if got[1].Kind != identity.KindGroup || !got[1].Dynamic || got[1].Removable {
		t.Errorf("page 2 entry = %+v, want a dynamic group that is not removable", got[1])
	}
}

func TestSampleBatchPartialFailure(t *testing.T) {
	url := serveSamples(t, map[string]func(http.ResponseWriter){
		"POST /v1.0/$batch": writeBody(200, readSample(t, "graph-batch-response-partial-failure.json")),
	})
	c, _ := newClient(t, url+"/v1.0", entra.Options{})
	var list []identity.Membership
	for _, id := range []string{"g0", "g1", "g2", "g3", "g4", "g5"} {
		list = append(list, identity.Membership{ID: id, Kind: identity.KindGroup, Removable: true})
	}
	results, err := c.RemoveMemberships(context.Background(), "u1", list)
	if err != nil {
		t.Fatal(err)
	}
	// The sample has responses for ids 1 to 5 only, so request 0 gets none.
	want := []struct{ status, errorName string }{
		{identity.StatusFailed, ""},
		{identity.StatusRemoved, ""},
		{identity.StatusFailed, "PermissionDenied"},
		{identity.StatusFailed, "PermissionDenied"},
		{identity.StatusFailed, ""},
		{identity.StatusRemoved, ""},
	}
	for i, w := range want {
		if results[i].Status != w.status || results[i].ErrorName != w.errorName {
			t.Errorf("item %d = %+v, want status %s, error name %q", i, results[i], w.status, w.errorName)
		}
	}
	if !strings.Contains(results[3].Error, "Insufficient privileges") {
		t.Errorf("item 3 error = %q, want Graph's message", results[3].Error)
	}
}

func TestSampleThrottled(t *testing.T) {
	var meta struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(readSample(t, "graph-429-throttled.headers.json"), &meta); err != nil {
		t.Fatal(err)
	}
	body := readSample(t, "graph-429-throttled.json")
	url := serveSamples(t, map[string]func(http.ResponseWriter){
		"GET /v1.0/users/u1": func(w http.ResponseWriter) {
			for k, v := range meta.Headers {
				w.Header().Set(k, v)
			}
			w.WriteHeader(meta.Status)
			_, _ = w.Write(body)
		},
	})
	c, clock := newClient(t, url+"/v1.0", entra.Options{MaxRetries: 1})
	_, err := c.User(context.Background(), "u1")
	var throttled *identity.Throttled
	if !errors.As(err, &throttled) {
		t.Fatalf("User error = %v, want Throttled", err)
	}
	if throttled.RetryAfter != 2128*time.Millisecond {
		t.Errorf("RetryAfter = %s, want 2.128s", throttled.RetryAfter)
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] != 2128*time.Millisecond {
		t.Errorf("waits = %v, want one of 2.128s", got)
	}
}

func TestSampleLicenseDetails(t *testing.T) {
	details := readSample(t, "graph-user-licensedetails.json")
	batch := `{"responses":[
		{"id":"details","status":200,"headers":{"Content-Type":"application/json"},"body":` + string(details) + `},
		{"id":"states","status":200,"headers":{"Content-Type":"application/json"},"body":{"licenseAssignmentStates":[
			{"skuId":"c7df2760-2c81-4ef7-b578-5b5392b571df","assignedByGroup":null,"state":"Active"},
			{"skuId":"725422ed-e205-400e-ab0a-3899d8a398ca","assignedByGroup":"g-edu","state":"Active"}]}}]}`
	url := serveSamples(t, map[string]func(http.ResponseWriter){
		"POST /v1.0/$batch": writeBody(200, []byte(batch)),
	})
	c, _ := newClient(t, url+"/v1.0", entra.Options{})
	got, err := c.Licenses(context.Background(), "00000000-0000-4000-8000-00000000a001")
	if err != nil {
		t.Fatal(err)
	}
	want := []identity.License{
		{SkuID: "c7df2760-2c81-4ef7-b578-5b5392b571df", SkuPartNumber: "ENTERPRISEPREMIUM"},
		{SkuID: "725422ed-e205-400e-ab0a-3899d8a398ca", SkuPartNumber: "SCHOOL_DATA_SYNC_P2", AssignedByGroup: "g-edu"},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Licenses = %+v, want %+v", got, want)
	}
}

func TestPermissionDeniedRequest(t *testing.T) {
	body := []byte(`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-12-04T09:00:00","request-id":"r1","client-request-id":"c1"}}}`)
	url := serveSamples(t, map[string]func(http.ResponseWriter){
		"POST /v1.0/users/u1/revokeSignInSessions": writeBody(http.StatusForbidden, body),
	})
	c, clock := newClient(t, url+"/v1.0", entra.Options{})
	_, err := c.RevokeSessions(context.Background(), identity.User{ID: "u1"})
	var denied *identity.PermissionDenied
	if !errors.As(err, &denied) {
		t.Fatalf("RevokeSessions error = %v, want PermissionDenied", err)
	}
	if denied.Operation != "revoke sessions" || !strings.Contains(denied.Detail, "Authorization_RequestDenied") {
		t.Errorf("PermissionDenied = %+v, want the operation and Graph's error code", denied)
	}
	if len(clock.Sleeps()) != 0 {
		t.Error("a 403 was retried")
	}
}
