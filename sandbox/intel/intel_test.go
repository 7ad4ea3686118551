package intel

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url string, header http.Header) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body %q is not JSON: %v", body, err)
	}
	return resp, v
}

func TestAbuseIPDBWire(t *testing.T) {
	now := time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC)
	emu := NewAbuseIPDB(AbuseIPDBOptions{Key: "k", DailyLimit: 1, Now: func() time.Time { return now }})
	if err := emu.Seed("not-an-ip", AbuseReport{}); err == nil {
		t.Error("Seed accepted an invalid address")
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	key := http.Header{"Key": {"k"}}

	tests := []struct {
		name, query string
		header      http.Header
		status      int
		detail      string
	}{
		{"no key", "ipAddress=8.8.8.8", http.Header{}, 401, "Authentication failed"},
		{"bad address", "ipAddress=8.8.8", key, 422, "valid IPv4 or IPv6"},
		{"bad max age", "ipAddress=8.8.8.8&maxAgeInDays=400", key, 422, "between 1 and 365"},
		{"first check", "ipAddress=8.8.8.8", key, 200, ""},
		{"quota", "ipAddress=8.8.8.8", key, 429, "Daily rate limit of 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+"/api/v2/check?"+tt.query, tt.header)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 200 {
				if data, _ := body["data"].(map[string]any); data["ipAddress"] != "8.8.8.8" || data["abuseConfidenceScore"] != float64(0) {
					t.Errorf("data = %v", data)
				}
				return
			}
			errs, _ := body["errors"].([]any)
			if len(errs) != 1 {
				t.Fatalf("body = %v, want one error in errors", body)
			}
			e := errs[0].(map[string]any)
			if !strings.Contains(e["detail"].(string), tt.detail) || e["status"] != float64(tt.status) {
				t.Errorf("error = %v, want detail %q and status %d", e, tt.detail, tt.status)
			}
		})
	}
	resp, _ := get(t, srv.URL+"/api/v2/check?ipAddress=8.8.8.8", key)
	if resp.Header.Get("Retry-After") != "7200" || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("headers = %v, want Retry-After 7200 and X-RateLimit-Remaining 0", resp.Header)
	}
}

func TestVirusTotalWire(t *testing.T) {
	emu := NewVirusTotal(VirusTotalOptions{Key: "k", MinuteQuota: 100})
	emu.SeedDomain("Bad.Example", VTReport{Malicious: 5})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	key := http.Header{"X-Apikey": {"k"}}

	tests := []struct {
		name, path string
		header     http.Header
		status     int
		code       string
	}{
		{"no key", "/api/v3/domains/bad.example", http.Header{}, 401, "AuthenticationRequiredError"},
		{"wrong key", "/api/v3/domains/bad.example", http.Header{"X-Apikey": {"x"}}, 401, "WrongCredentialsError"},
		{"unknown domain", "/api/v3/domains/good.example", key, 404, "NotFoundError"},
		{"bad address", "/api/v3/ip_addresses/300.1.1.1", key, 400, "InvalidArgumentError"},
		{"seeded domain", "/api/v3/domains/bad.example", key, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+tt.path, tt.header)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.code == "" {
				data := body["data"].(map[string]any)
				stats := data["attributes"].(map[string]any)["last_analysis_stats"].(map[string]any)
				if data["type"] != "domain" || stats["malicious"] != float64(5) {
					t.Errorf("data = %v", data)
				}
				return
			}
			e, _ := body["error"].(map[string]any)
			if e["code"] != tt.code || e["message"] == "" {
				t.Errorf("error = %v, want code %s and a message", e, tt.code)
			}
		})
	}
}

func TestStartLoopbackOnly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := Start(ctx, "0.0.0.0:0", http.NotFoundHandler()); err == nil {
		t.Error("Start accepted 0.0.0.0")
	}
	base, err := Start(ctx, "127.0.0.1:0", NewVirusTotal(VirusTotalOptions{Key: "k"}))
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := get(t, base+"/api/v3/ip_addresses/1.1.1.1", http.Header{"X-Apikey": {"k"}})
	if resp.StatusCode != 200 {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
}
