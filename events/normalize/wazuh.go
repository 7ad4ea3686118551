package normalize

import (
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/secamo/orchestrator/events"
)

// Wazuh normalises a Wazuh alert: bare as in alerts.json, or wrapped by an integration in
// "alert" or, as active response passes it, in "parameters.alert".
func Wazuh(raw []byte) ([]Result, error) {
	const source = "wazuh"
	body, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	alert := body
	for _, wrapper := range []string{"alert", "parameters.alert"} {
		if w := obj(body, wrapper); w != nil && obj(body, "rule") == nil {
			alert = w
		}
	}
	if obj(alert, "rule") == nil {
		return nil, &InputError{Source: source, Field: "rule", Message: "missing rule object: send the alert as Wazuh writes it to alerts.json"}
	}
	level, ok := number(alert, "rule.level")
	if !ok {
		return nil, &InputError{Source: source, Field: "rule.level", Message: "missing or not a number"}
	}

	ruleID := str(alert, "rule.id")
	agentID := firstStr(alert, "agent.id")
	alertID := str(alert, "id")
	if alertID == "" {
		alertID = events.ShortHash(str(alert, "timestamp") + "|" + ruleID + "|" + agentID + "|" + str(alert, "full_log"))
	}

	// Wazuh rule levels run from 0 to 15; the canonical scale runs from 0 to 10.
	severity := clamp(math.Round(level*10/15*10) / 10)
	a := events.Alert{
		ID:            fmt.Sprintf("wazuh-%s", safeID(strings.ReplaceAll(alertID, ".", "-"))),
		CaseKey:       fmt.Sprintf("wazuh-%s-%s", safeID(agentID), safeID(ruleID)),
		Origin:        source,
		SourceID:      alertID,
		Type:          "rule:" + ruleID,
		Title:         strings.TrimSpace(str(alert, "rule.description")),
		Severity:      severity,
		SeverityLabel: events.SeverityLabelOf(severity),
		Status:        "new",
		Resource: events.Resource{
			Type: "Host",
			Host: str(alert, "agent.name"),
			User: firstStr(alert, "data.dstuser", "data.win.eventdata.targetUserName", "data.srcuser"),
		},
		Indicators: wazuhIndicators(alert),
		FirstSeen:  timestamp(alert, "timestamp"),
	}
	r, err := alertResult(source, a, nil)
	if err != nil {
		return nil, err
	}
	return []Result{r}, nil
}

func wazuhIndicators(alert map[string]any) events.Indicators {
	var ips, domains, hashes set
	ips.add(str(alert, "data.srcip"), str(alert, "data.src_ip"), str(alert, "data.win.eventdata.ipAddress"))
	domains.add(hostOf(str(alert, "data.url")))
	hashes.add(str(alert, "syscheck.sha256_after"), str(alert, "syscheck.sha1_after"), str(alert, "syscheck.md5_after"))
	hashes.add(str(alert, "data.virustotal.source.sha1"))
	return events.Indicators{IPs: ips.list, Domains: domains.list, Hashes: hashes.list}
}

// hostOf returns the host name of a URL, or "" when it has none.
func hostOf(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
