package graph

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestSignInSessionsValidFrom checks that the property is returned only when selected, starts
// at the time the user was added and moves to the emulator's clock, to the second, when
// the sessions are revoked.
func TestSignInSessionsValidFrom(t *testing.T) {
	var now atomic.Int64 // Unix nanoseconds, read by the server's goroutines
	now.Store(time.Date(2026, 12, 4, 9, 0, 0, 250_000_000, time.UTC).UnixNano())
	_, ts := newDemoServer(t, Options{Now: func() time.Time { return time.Unix(0, now.Load()) }})
	user := ts.URL + BasePath + "/users/" + DemoUserID

	_, _, body := call(t, "GET", user, "")
	if _, ok := body["signInSessionsValidFromDateTime"]; ok {
		t.Error("signInSessionsValidFromDateTime returned without $select")
	}
	read := func() any {
		t.Helper()
		status, _, body := call(t, "GET", user+"?$select=id,signInSessionsValidFromDateTime", "")
		if status != 200 {
			t.Fatalf("GET user with $select: status %d", status)
		}
		return body["signInSessionsValidFromDateTime"]
	}
	if got := read(); got != "2026-12-04T09:00:00Z" {
		t.Errorf("before revocation: signInSessionsValidFromDateTime = %v, want the seeding time", got)
	}

	now.Add(int64(90 * time.Minute))
	if status, _, body := call(t, "POST", user+"/revokeSignInSessions", ""); status != 200 || body["value"] != true {
		t.Fatalf("revokeSignInSessions = %d %v", status, body)
	}
	if got := read(); got != "2026-12-04T10:30:00Z" {
		t.Errorf("after revocation: signInSessionsValidFromDateTime = %v, want 2026-12-04T10:30:00Z", got)
	}
}
