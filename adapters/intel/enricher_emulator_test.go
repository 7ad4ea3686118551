package intel_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/secamo/orchestrator/adapters/intel"
	"github.com/secamo/orchestrator/adapters/intel/abuseipdb"
	"github.com/secamo/orchestrator/adapters/intel/inteltest"
	"github.com/secamo/orchestrator/adapters/intel/virustotal"
	sandbox "github.com/secamo/orchestrator/sandbox/intel"
	"github.com/secamo/orchestrator/secrets"
)

func TestEnrichBothServices(t *testing.T) {
	clock := inteltest.NewClock(start)
	abuseEmu := sandbox.NewAbuseIPDB(sandbox.AbuseIPDBOptions{Key: "a-key", Now: clock.Now})
	if err := abuseEmu.Seed("185.220.101.4", sandbox.AbuseReport{Score: 90, TotalReports: 12}); err != nil {
		t.Fatal(err)
	}
	vtEmu := sandbox.NewVirusTotal(sandbox.VirusTotalOptions{Key: "v-key", Now: clock.Now})
	vtEmu.SeedDomain("evil.example.net", sandbox.VTReport{Malicious: 7, Undetected: 63})
	abuseSrv := httptest.NewServer(abuseEmu)
	defer abuseSrv.Close()
	vtSrv := httptest.NewServer(vtEmu)
	defer vtSrv.Close()

	resolver := secrets.Static{"env:ABUSE": "a-key", "env:VT": "v-key"}
	abuse := abuseipdb.New(abuseipdb.Options{BaseURL: abuseSrv.URL + "/api/v2", Secrets: resolver, KeyRef: "env:ABUSE",
		Gate: intel.GateOptions{Clock: clock}})
	vt := virustotal.New(virustotal.Options{BaseURL: vtSrv.URL + "/api/v3", Secrets: resolver, KeyRef: "env:VT",
		Gate: intel.GateOptions{Clock: clock}})

	results := intel.NewEnricher(4, abuse, vt).Enrich(context.Background(),
		[]string{"185.220.101.4", "10.0.0.5", "evil.example.net", "185.220.101.4"})

	type key struct{ source, indicator string }
	got := map[key]intel.Result{}
	for _, r := range results {
		got[key{r.Source, r.Indicator}] = r
	}
	if len(results) != 6 || len(got) != 6 {
		t.Fatalf("Enrich returned %d results (%d distinct), want 6: %+v", len(results), len(got), results)
	}
	checks := []struct {
		source, indicator string
		skipped           bool
		verdict           intel.Verdict
	}{
		{"abuseipdb", "185.220.101.4", false, intel.VerdictMalicious},
		{"virustotal", "185.220.101.4", false, intel.VerdictUnknown},
		{"abuseipdb", "10.0.0.5", true, ""},
		{"virustotal", "10.0.0.5", true, ""},
		{"abuseipdb", "evil.example.net", true, ""},
		{"virustotal", "evil.example.net", false, intel.VerdictMalicious},
	}
	for _, c := range checks {
		r := got[key{c.source, c.indicator}]
		if r.Unavailable || r.Skipped != c.skipped || r.Verdict != c.verdict {
			t.Errorf("%s %s = %+v, want skipped %v, verdict %q", c.source, c.indicator, r, c.skipped, c.verdict)
		}
	}
	if n := abuseEmu.Requests(); n != 1 {
		t.Errorf("AbuseIPDB requests = %d, want 1", n)
	}
	if n := vtEmu.Requests(); n != 2 {
		t.Errorf("VirusTotal requests = %d, want 2", n)
	}
}
