package ticketing_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/secamo/orchestrator/sandbox/ticketing"
	"github.com/secamo/orchestrator/sandbox/ticketing/freshdesk"
	"github.com/secamo/orchestrator/sandbox/ticketing/jira"
	"github.com/secamo/orchestrator/sandbox/ticketing/servicedeskplus"
	"github.com/secamo/orchestrator/sandbox/ticketing/servicenow"
)

// emulator is one vendor emulator with a request that reads a seeded ticket.
type emulator struct {
	name    string
	handler http.Handler
	faults  *ticketing.Faults
	store   *ticketing.Store
	// get returns a request that reads the ticket with the id, with valid credentials.
	get func(id string) *http.Request
	// errorBody checks the vendor's error body shape.
	errorBody func(t *testing.T, body map[string]any)
}

func emulators() []emulator {
	sdp := servicedeskplus.New(servicedeskplus.Options{AuthToken: "k"})
	jra := jira.New(jira.Options{OAuthToken: "k"})
	snow := servicenow.New(servicenow.Options{Token: "k"})
	fd := freshdesk.New("k")
	request := func(path string, header ...string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, "http://emulator.invalid"+path, nil)
		r.Header.Set(header[0], header[1])
		return r
	}
	return []emulator{
		{"servicedeskplus", sdp, sdp.Faults, sdp.Store,
			func(id string) *http.Request { return request("/api/v3/requests/"+id, "authtoken", "k") },
			func(t *testing.T, body map[string]any) {
				status, _ := body["response_status"].(map[string]any)
				if status["status_code"] != float64(4000) || status["status"] != "failed" {
					t.Errorf("response_status = %v, want status_code 4000 and status failed", status)
				}
				if messages, _ := status["messages"].([]any); len(messages) == 0 {
					t.Errorf("response_status has no messages: %v", status)
				}
			}},
		{"jira", jra, jra.Faults, jra.Store,
			func(id string) *http.Request { return request("/rest/api/3/issue/"+id, "Authorization", "Bearer k") },
			func(t *testing.T, body map[string]any) {
				if _, ok := body["errorMessages"].([]any); !ok {
					t.Errorf("body = %v, want an errorMessages list", body)
				}
				if _, ok := body["errors"].(map[string]any); !ok {
					t.Errorf("body = %v, want an errors object", body)
				}
			}},
		{"servicenow", snow, snow.Faults, snow.Store,
			func(id string) *http.Request {
				return request("/api/now/table/incident/"+id, "Authorization", "Bearer k")
			},
			func(t *testing.T, body map[string]any) {
				e, _ := body["error"].(map[string]any)
				if body["status"] != "failure" || e["message"] == nil || e["detail"] == nil {
					t.Errorf("body = %v, want error.message, error.detail and status failure", body)
				}
			}},
		{"freshdesk", fd, fd.Faults, fd.Store,
			func(id string) *http.Request {
				r := request("/api/v2/tickets/"+id, "Accept", "application/json")
				r.SetBasicAuth("k", "X")
				return r
			},
			func(t *testing.T, body map[string]any) {
				_, validation := body["errors"].([]any)
				_, coded := body["code"].(string)
				_, throttled := body["message"].(string)
				if !validation && !coded && !throttled {
					t.Errorf("body = %v, want description and errors, or code and message", body)
				}
			}},
	}
}

func TestEmulatorFaultsUseVendorWireFormat(t *testing.T) {
	faults := []struct {
		fault      ticketing.Fault
		wantStatus int
	}{
		{ticketing.Fault{Kind: ticketing.ExpiredCredentials}, 401},
		{ticketing.Fault{Kind: ticketing.Throttle, RetryAfter: "2.128"}, 429},
		{ticketing.Fault{Kind: ticketing.Rejected}, 400},
		{ticketing.Fault{Kind: ticketing.FailureWithOK}, 200},
	}
	for _, emu := range emulators() {
		rec := emu.store.Create(ticketing.Record{Subject: "x", Status: "Open", Priority: "1"})
		for _, f := range faults {
			t.Run(emu.name+"/"+string(f.fault.Kind), func(t *testing.T) {
				emu.faults.Inject(f.fault)
				status, header, body := serve(t, emu.handler, emu.get(rec.ID))
				if status != f.wantStatus {
					t.Fatalf("status = %d, want %d", status, f.wantStatus)
				}
				if f.fault.Kind == ticketing.Throttle && header.Get("Retry-After") != "2.128" {
					t.Errorf("Retry-After = %q, want 2.128", header.Get("Retry-After"))
				}
				emu.errorBody(t, decode(t, body))
			})
		}
	}
}

func TestEmulatorsRejectWrongCredentials(t *testing.T) {
	for _, emu := range emulators() {
		t.Run(emu.name, func(t *testing.T) {
			rec := emu.store.Create(ticketing.Record{Subject: "x", Status: "Open", Priority: "1"})
			req := emu.get(rec.ID)
			req.Header.Del("authtoken")
			req.Header.Set("Authorization", "Basic d3Jvbmc6d3Jvbmc=") // wrong:wrong
			status, _, body := serve(t, emu.handler, req)
			if status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401", status)
			}
			emu.errorBody(t, decode(t, body))
		})
	}
}

func TestEmulatorsReturnNotFound(t *testing.T) {
	for _, emu := range emulators() {
		t.Run(emu.name, func(t *testing.T) {
			status, _, body := serve(t, emu.handler, emu.get("999999999"))
			if status != http.StatusNotFound {
				t.Fatalf("status = %d, want 404", status)
			}
			if emu.name == "freshdesk" {
				if len(body) != 0 {
					t.Errorf("body = %q, want empty as Freshdesk sends it", body)
				}
				return
			}
			emu.errorBody(t, decode(t, body))
		})
	}
}

func serve(t *testing.T, h http.Handler, r *http.Request) (int, http.Header, []byte) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Header(), w.Body.Bytes()
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("error body %q is not a JSON object: %v", body, err)
	}
	return v
}
