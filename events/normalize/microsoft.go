package normalize

import (
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/events"
)

// Sentinel normalises a Microsoft Sentinel incident: the bare ARM resource
// (Microsoft.SecurityInsights/incidents) or the Sentinel incident trigger's body, which wraps
// it in "object".
func Sentinel(raw []byte) ([]Result, error) {
	const source = "sentinel"
	body, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	inc := body
	if o := obj(body, "object"); o != nil {
		inc = o
	}
	props := obj(inc, "properties")
	if props == nil {
		return nil, &InputError{Source: source, Field: "properties", Message: "missing incident properties: send the incident resource or the incident trigger body"}
	}
	name := firstStr(inc, "name")
	if name == "" {
		return nil, &InputError{Source: source, Field: "name", Message: "missing incident name (its GUID)"}
	}

	severity, _ := events.SeverityOfLabel(str(props, "severity"))
	a := events.Alert{
		ID:            fmt.Sprintf("sentinel-%s-%s", safeID(name), version(firstStr(props, "lastModifiedTimeUtc", "createdTimeUtc"))),
		CaseKey:       "sentinel-" + safeID(name),
		Origin:        source,
		SourceID:      firstStr(inc, "id", "name"),
		Type:          "incident",
		Title:         strings.TrimSpace(str(props, "title")),
		Severity:      severity,
		SeverityLabel: events.SeverityLabelOf(severity),
		Status:        sentinelStatus(str(props, "status")),
		Account:       subscriptionOf(str(inc, "id")),
		Link:          str(props, "incidentUrl"),
		FirstSeen:     firstTime(timestamp(props, "firstActivityTimeUtc"), timestamp(props, "createdTimeUtc")),
		LastSeen:      firstTime(timestamp(props, "lastActivityTimeUtc"), timestamp(props, "lastModifiedTimeUtc")),
	}

	if tactics := list(props, "additionalData.tactics"); len(tactics) > 0 {
		a.Type = "incident:" + scalarString(tactics[0])
	}
	a.Resource, a.Indicators = sentinelEntities(props)
	r, err := alertResult(source, a, nil)
	if err != nil {
		return nil, err
	}
	return []Result{r}, nil
}

func sentinelStatus(s string) string {
	switch strings.ToLower(s) {
	case "closed":
		return "closed"
	case "active":
		return "active"
	}
	return "new"
}

// sentinelEntities reads relatedEntities, which the incident trigger adds to the incident.
func sentinelEntities(props map[string]any) (events.Resource, events.Indicators) {
	var r events.Resource
	var ips, domains, hashes set
	for _, e := range list(props, "relatedEntities") {
		p := obj(e, "properties")
		switch strings.ToLower(str(e, "kind")) {
		case "account":
			if r.User == "" {
				r.User = accountName(p)
			}
		case "host":
			if r.Host == "" {
				r.Host = firstStr(p, "hostName", "netBiosName")
			}
		case "ip":
			ips.add(str(p, "address"))
		case "filehash":
			hashes.add(str(p, "hashValue"))
		case "dnsresolution":
			domains.add(str(p, "domainName"))
		case "url":
			domains.add(hostOf(str(p, "url")))
		}
	}
	if r.User != "" {
		r.Type = "Account"
	} else if r.Host != "" {
		r.Type = "Host"
	}
	return r, events.Indicators{IPs: ips.list, Domains: domains.list, Hashes: hashes.list}
}

func accountName(p map[string]any) string {
	name, suffix := str(p, "accountName"), str(p, "upnSuffix")
	if name != "" && suffix != "" {
		return name + "@" + suffix
	}
	return firstStr(p, "userPrincipalName", "accountName", "aadUserId")
}

// subscriptionOf returns the subscription id of an ARM resource id.
func subscriptionOf(armID string) string {
	parts := strings.Split(armID, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "subscriptions") {
			return parts[i+1]
		}
	}
	return ""
}

// Defender normalises Microsoft Defender XDR incidents: the Microsoft Graph security incident
// (displayName, lastUpdateDateTime, alerts[].evidence) or the Microsoft 365 Defender API
// incident (incidentId, lastUpdateTime, alerts[].entities), alone or as a list in "value".
func Defender(raw []byte) ([]Result, error) {
	const source = "defender"
	body, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	incidents := []any{body}
	if v, ok := body["value"].([]any); ok {
		incidents = v
	}
	if len(incidents) == 0 {
		return nil, &InputError{Source: source, Field: "value", Message: "empty list of incidents"}
	}
	out := make([]Result, 0, len(incidents))
	for i, item := range incidents {
		inc, ok := item.(map[string]any)
		if !ok {
			return nil, &InputError{Source: source, Field: fmt.Sprintf("value[%d]", i), Message: "not an object"}
		}
		a, err := defenderAlert(inc)
		if err != nil {
			return nil, err
		}
		r, err := alertResult(source, a, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func defenderAlert(inc map[string]any) (events.Alert, error) {
	id := firstStr(inc, "id", "incidentId")
	if id == "" {
		return events.Alert{}, &InputError{Source: "defender", Field: "id", Message: "missing incident id (id in Microsoft Graph, incidentId in the Defender API)"}
	}
	severity, ok := events.SeverityOfLabel(str(inc, "severity"))
	if !ok {
		// NOTE: "unknown"/"UnSpecified" severities are triaged as medium rather than dropped.
		severity = 4
	}
	a := events.Alert{
		ID:            fmt.Sprintf("defender-%s-%s", safeID(id), version(firstStr(inc, "lastUpdateDateTime", "lastUpdateTime", "createdDateTime", "createdTime"))),
		CaseKey:       "defender-" + safeID(id),
		Origin:        "defender",
		SourceID:      id,
		Type:          "incident",
		Title:         strings.TrimSpace(firstStr(inc, "displayName", "incidentName")),
		Severity:      severity,
		SeverityLabel: events.SeverityLabelOf(severity),
		Status:        defenderStatus(str(inc, "status")),
		Account:       str(inc, "tenantId"),
		Link:          firstStr(inc, "incidentWebUrl", "incidentUri"),
		FirstSeen:     firstTime(timestamp(inc, "createdDateTime"), timestamp(inc, "createdTime")),
		LastSeen:      firstTime(timestamp(inc, "lastUpdateDateTime"), timestamp(inc, "lastUpdateTime")),
	}
	alerts := list(inc, "alerts")
	if len(alerts) > 0 {
		if c := str(alerts[0], "category"); c != "" {
			a.Type = "incident:" + c
		}
	}
	a.Resource, a.Indicators = defenderEntities(alerts)
	return a, nil
}

func defenderStatus(s string) string {
	switch strings.ToLower(s) {
	case "resolved", "redirected":
		return "closed"
	case "inprogress", "awaitingaction":
		return "active"
	}
	return "new"
}

func defenderEntities(alerts []any) (events.Resource, events.Indicators) {
	var r events.Resource
	var ips, domains, hashes set
	for _, alert := range alerts {
		for _, dev := range list(alert, "devices") {
			if r.Host == "" {
				r.Host = str(dev, "deviceDnsName")
			}
		}
		for _, e := range list(alert, "entities") {
			switch strings.ToLower(str(e, "entityType")) {
			case "user":
				if r.User == "" {
					r.User = firstStr(e, "userPrincipalName", "accountName")
				}
			case "ip":
				ips.add(str(e, "ipAddress"))
			case "file", "process":
				hashes.add(firstStr(e, "sha256", "sha1"))
			case "url":
				domains.add(hostOf(str(e, "url")))
			}
			domains.add(str(e, "domainName"))
		}
		for _, e := range list(alert, "evidence") {
			kind := odataType(e)
			switch {
			case strings.HasSuffix(kind, "deviceEvidence"):
				if r.Host == "" {
					r.Host = firstStr(e, "deviceDnsName", "hostName")
				}
			case strings.HasSuffix(kind, "userEvidence"):
				if r.User == "" {
					r.User = firstStr(e, "userAccount.userPrincipalName", "userAccount.accountName")
				}
			case strings.HasSuffix(kind, "ipEvidence"):
				ips.add(str(e, "ipAddress"))
			case strings.HasSuffix(kind, "fileEvidence"):
				hashes.add(firstStr(e, "fileDetails.sha256", "fileDetails.sha1"))
			case strings.HasSuffix(kind, "processEvidence"):
				hashes.add(firstStr(e, "imageFile.sha256", "imageFile.sha1"))
			case strings.HasSuffix(kind, "urlEvidence"):
				domains.add(hostOf(str(e, "url")))
			}
		}
	}
	if r.User != "" {
		r.Type = "User"
	} else if r.Host != "" {
		r.Type = "Device"
	}
	return r, events.Indicators{IPs: ips.list, Domains: domains.list, Hashes: hashes.list}
}

// odataType returns an object's "@odata.type", a key that contains a dot and so cannot be
// read with a path.
func odataType(v any) string {
	m, _ := v.(map[string]any)
	return scalarString(m["@odata.type"])
}
