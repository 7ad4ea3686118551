package normalize

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/secamo/orchestrator/tenants"
)

// fuzzMapping exercises matching, user and date extraction on arbitrary records.
var fuzzMapping = TicketMapping{
	Rules: []tenants.TicketRule{
		{Kind: "offboarding", Match: map[string][]string{"ticket_type": {"offboarding"}}, User: "user", EffectiveDate: "date"},
		{Kind: "onboarding", Match: map[string][]string{"request_type.name": {"onboarding"}}, User: "udf_fields.user", EffectiveDate: "udf_fields.date"},
		{Kind: "access", User: "customfield_1", EffectiveDate: "customfield_2"},
	},
	Location: time.UTC,
}

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join("../testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`[1,2]`))
}

// fuzzNormalizer checks that a normaliser never panics and that every event it returns has an
// id and an encodable envelope.
func fuzzNormalizer(f *testing.F, source string, files ...string) {
	addSeeds(f, files...)
	f.Fuzz(func(t *testing.T, raw []byte) {
		results, err := Normalize(source, raw, Options{Mapping: fuzzMapping, Received: time.Unix(0, 0)})
		if err != nil {
			return
		}
		for _, r := range results {
			if r.ID() == "" || len(r.Envelope.Detail) == 0 {
				t.Fatalf("%s returned an event without id or detail: %+v", source, r)
			}
		}
	})
}

func FuzzGuardDuty(f *testing.F) { fuzzNormalizer(f, "guardduty", "guardduty-iam-malicious-ip.json") }
func FuzzSecurityHub(f *testing.F) {
	fuzzNormalizer(f, "securityhub", "securityhub-two-findings.json")
}
func FuzzSentinel(f *testing.F) { fuzzNormalizer(f, "sentinel", "sentinel-incident-trigger.json") }
func FuzzDefender(f *testing.F) {
	fuzzNormalizer(f, "defender", "defender-graph-incident.json", "defender-api-incidents.json")
}
func FuzzWazuh(f *testing.F) {
	fuzzNormalizer(f, "wazuh", "wazuh-alert.json", "wazuh-active-response.json")
}
func FuzzJira(f *testing.F) { fuzzNormalizer(f, "jira", "jira-offboarding-created.json") }
func FuzzServiceNow(f *testing.F) {
	fuzzNormalizer(f, "servicenow", "servicenow-small-body.json", "servicenow-ritm-record.json")
}
func FuzzFreshdesk(f *testing.F) { fuzzNormalizer(f, "freshdesk", "freshdesk-offboarding.json") }
func FuzzServiceDeskPlus(f *testing.F) {
	fuzzNormalizer(f, "servicedeskplus", "sdp-offboarding.json")
}

// FuzzDetect checks that detection never panics and names a source Normalize accepts.
func FuzzDetect(f *testing.F) {
	addSeeds(f, "guardduty-iam-malicious-ip.json", "jira-offboarding-created.json", "wazuh-alert.json")
	f.Fuzz(func(t *testing.T, raw []byte) {
		source, err := Detect(raw)
		if err != nil {
			return
		}
		if _, ok := alertSources[source]; !ok && !IsTicketSource(source) {
			t.Fatalf("Detect returned unknown source %q", source)
		}
	})
}

// FuzzTriggeredEvent checks the Freshdesk mini-syntax parser on arbitrary text.
func FuzzTriggeredEvent(f *testing.F) {
	for _, s := range []string{"{ticket_action:created}", "{status:{from:4,to:6}}", "{a:{b:{c:d}}}", "{", "}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseTriggeredEvent(s)
	})
}
