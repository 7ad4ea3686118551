package ticketing

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestStoreFindsByIDOrKey(t *testing.T) {
	s := NewStore(func(n int) (string, string) { return "id-1", "KEY-1" }, nil)
	rec := s.Create(Record{Subject: "x", Labels: []string{"a"}})
	for _, ref := range []string{"id-1", "KEY-1"} {
		if got, ok := s.Get(ref); !ok || got.ID != rec.ID {
			t.Errorf("Get(%q) = %+v, %v, want the record", ref, got, ok)
		}
	}
	got, _ := s.Get("id-1")
	got.Labels[0] = "changed"
	if again, _ := s.Get("id-1"); again.Labels[0] != "a" {
		t.Error("Get returned a record that shares memory with the store")
	}
	if _, ok := s.Get("missing"); ok {
		t.Error("Get(missing) found a record")
	}
}

// vendor is a minimal Vendor for middleware tests.
type vendor struct{}

func (vendor) Authenticate(r *http.Request) bool { return r.Header.Get("Authorization") == "ok" }

func (vendor) WriteError(w http.ResponseWriter, status int, kind FaultKind, message string) {
	w.WriteHeader(status)
	w.Write([]byte(string(kind)))
}

func TestMiddlewareAppliesMatchingFaults(t *testing.T) {
	var calls atomic.Int32
	faults := &Faults{}
	h := Middleware(vendor{}, faults, time.Minute, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
	}))
	faults.Inject(Fault{Kind: Throttle, Method: "POST", RetryAfter: "3", Times: 2})
	faults.Inject(Fault{Kind: MissingTicket, PathContains: "/tickets/7"})
	tests := []struct {
		method, path string
		auth         string
		want         int
	}{
		{"GET", "/tickets/1", "ok", 200},
		{"POST", "/tickets", "ok", 429},
		{"GET", "/tickets/7", "ok", 404},
		{"POST", "/tickets", "ok", 429},
		{"POST", "/tickets", "ok", 200},
		{"GET", "/tickets/7", "ok", 200},
		{"GET", "/tickets/7", "expired", 401},
	}
	for i, tt := range tests {
		req := httptest.NewRequest(tt.method, tt.path, nil)
		req.Header.Set("Authorization", tt.auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("request %d (%s %s) = %d, want %d", i, tt.method, tt.path, rec.Code, tt.want)
		}
		if tt.want == 429 && rec.Header().Get("Retry-After") != "3" {
			t.Errorf("request %d: Retry-After = %q, want 3", i, rec.Header().Get("Retry-After"))
		}
	}
	if calls.Load() != 3 {
		t.Errorf("handler calls = %d, want 3", calls.Load())
	}
}

func TestSlowResponseAppliesChangeAndHolds(t *testing.T) {
	var changed atomic.Bool
	faults := &Faults{}
	faults.Inject(Fault{Kind: SlowResponse})
	srv := Start(Middleware(vendor{}, faults, time.Minute, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		changed.Store(true)
	})))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/tickets", nil)
	req.Header.Set("Authorization", "ok")
	resp, err := srv.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("request returned before the client's deadline, want it held")
	}
	if !changed.Load() {
		t.Error("the handler did not run, want the change made before the response is held")
	}
}

func TestDemoRecordsUseMappedFields(t *testing.T) {
	recs := DemoRecords("Open", map[string]string{"user": "udf_fields.udf_sline_301", "effectiveDate": "cf_leave_date"})
	if len(recs) != 2 {
		t.Fatalf("records = %d, want 2", len(recs))
	}
	if recs[0].Fields["udf_sline_301"] != "jane.doe@contoso.example" || recs[0].Fields["cf_leave_date"] != "2026-12-31" {
		t.Errorf("fields = %v, want the mapped user and effective date", recs[0].Fields)
	}
	s := NewStore(func(n int) (string, string) { return string(rune('0' + n)), "" }, nil)
	if got := s.Seed(recs...); len(got) != 2 || s.Status(got[1].ID) != "Open" {
		t.Errorf("Seed = %+v, want two stored records in status Open", got)
	}
}
