package normalize

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/secamo/orchestrator/events"
)

// GuardDuty normalises an EventBridge "GuardDuty Finding" event into one alert.
func GuardDuty(raw []byte) ([]Result, error) {
	const source = "guardduty"
	env, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	if err := checkEnvelope(source, env, "aws.guardduty", "GuardDuty Finding"); err != nil {
		return nil, err
	}
	d := obj(env, "detail")
	if d == nil {
		return nil, &InputError{Source: source, Field: "detail", Message: "missing finding object"}
	}
	id := str(d, "id")
	if id == "" {
		return nil, &InputError{Source: source, Field: "detail.id", Message: "missing finding id"}
	}
	severity, ok := number(d, "severity")
	if !ok {
		return nil, &InputError{Source: source, Field: "detail.severity", Message: "missing or not a number"}
	}
	severity = clamp(severity)
	region := firstStr(d, "region")
	if region == "" {
		region = str(env, "region")
	}

	a := events.Alert{
		ID:            fmt.Sprintf("guardduty-%s-%s", safeID(id), version(firstStr(d, "updatedAt", "createdAt"))),
		CaseKey:       "guardduty-" + safeID(id),
		Origin:        source,
		SourceID:      id,
		Type:          str(d, "type"),
		Title:         strings.TrimSpace(str(d, "title")),
		Severity:      severity,
		SeverityLabel: events.SeverityLabelOf(severity),
		Status:        "active",
		Resource:      guardDutyResource(d),
		Indicators:    guardDutyIndicators(d),
		Account:       firstStr(d, "accountId"),
		Region:        region,
		FirstSeen:     firstTime(timestamp(d, "service.eventFirstSeen"), timestamp(d, "createdAt")),
		LastSeen:      firstTime(timestamp(d, "service.eventLastSeen"), timestamp(d, "updatedAt"), timestamp(env, "time")),
	}
	if a.Account == "" {
		a.Account = str(env, "account")
	}
	if archived, _ := lookup(d, "service.archived"); archived == true {
		a.Status = "closed"
	}
	if region != "" {
		a.Link = fmt.Sprintf("https://%s.console.aws.amazon.com/guardduty/home?region=%s#/findings?fId=%s", region, region, url.QueryEscape(id))
	}
	r, err := alertResult(source, a, env)
	if err != nil {
		return nil, err
	}
	return []Result{r}, nil
}

func guardDutyResource(d map[string]any) events.Resource {
	r := events.Resource{Type: str(d, "resource.resourceType")}
	r.InstanceID = str(d, "resource.instanceDetails.instanceId")
	if nics := list(d, "resource.instanceDetails.networkInterfaces"); len(nics) > 0 {
		r.Host = str(nics[0], "privateDnsName")
	}
	r.User = firstStr(d, "resource.accessKeyDetails.userName", "resource.kubernetesDetails.kubernetesUserDetails.username")
	if r.InstanceID == "" && r.User == "" {
		r.ID = str(d, "resource.accessKeyDetails.accessKeyId")
		if buckets := list(d, "resource.s3BucketDetails"); r.ID == "" && len(buckets) > 0 {
			r.ID = str(buckets[0], "arn")
		}
	}
	return r
}

func guardDutyIndicators(d map[string]any) events.Indicators {
	var ips, domains, hashes set
	action := obj(d, "service.action")
	for _, path := range []string{
		"networkConnectionAction.remoteIpDetails.ipAddressV4",
		"networkConnectionAction.remoteIpDetails.ipAddressV6",
		"awsApiCallAction.remoteIpDetails.ipAddressV4",
		"awsApiCallAction.remoteIpDetails.ipAddressV6",
		"kubernetesApiCallAction.remoteIpDetails.ipAddressV4",
		"rdsLoginAttemptAction.remoteIpDetails.ipAddressV4",
	} {
		ips.add(str(action, path))
	}
	for _, probe := range list(action, "portProbeAction.portProbeDetails") {
		ips.add(str(probe, "remoteIpDetails.ipAddressV4"))
	}
	domains.add(str(action, "dnsRequestAction.domain"), str(action, "awsApiCallAction.domainDetails.domain"))
	for _, threat := range list(d, "service.ebsVolumeScanDetails.scanDetections.threatDetectedByName.threatNames") {
		for _, file := range list(threat, "filePaths") {
			hashes.add(str(file, "hash"))
		}
	}
	return events.Indicators{IPs: ips.list, Domains: domains.list, Hashes: hashes.list}
}

// SecurityHub normalises an EventBridge "Security Hub Findings - Imported" event: one alert per
// finding, none dropped. A finding without an Id rejects the whole event.
func SecurityHub(raw []byte) ([]Result, error) {
	const source = "securityhub"
	env, err := decodeObject(source, raw)
	if err != nil {
		return nil, err
	}
	if err := checkEnvelope(source, env, "aws.securityhub", "Security Hub Findings - Imported"); err != nil {
		return nil, err
	}
	findings := list(env, "detail.findings")
	if len(findings) == 0 {
		return nil, &InputError{Source: source, Field: "detail.findings", Message: "missing or empty list of findings"}
	}
	out := make([]Result, 0, len(findings))
	for i, f := range findings {
		field := fmt.Sprintf("detail.findings[%d]", i)
		finding, ok := f.(map[string]any)
		if !ok {
			return nil, &InputError{Source: source, Field: field, Message: "not an object"}
		}
		id := str(finding, "Id")
		if id == "" {
			return nil, &InputError{Source: source, Field: field + ".Id", Message: "missing finding id"}
		}
		r, err := alertResult(source, securityHubAlert(env, finding, id), narrow(env, finding))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func securityHubAlert(env, f map[string]any, id string) events.Alert {
	severity := securityHubSeverity(f)
	region := firstStr(f, "Region")
	if region == "" {
		region = str(env, "region")
	}
	a := events.Alert{
		ID:            fmt.Sprintf("securityhub-%s-%s", events.ShortHash(id), version(firstStr(f, "UpdatedAt", "CreatedAt"))),
		CaseKey:       "securityhub-" + events.ShortHash(id),
		Origin:        "securityhub",
		SourceID:      id,
		Type:          firstStr(f, "ProductFields.ControlId", "ProductFields.RuleId", "GeneratorId"),
		Title:         strings.TrimSpace(str(f, "Title")),
		Severity:      severity,
		SeverityLabel: events.SeverityLabelOf(severity),
		Status:        securityHubStatus(f),
		Indicators:    securityHubIndicators(f),
		Account:       firstStr(f, "AwsAccountId"),
		Region:        region,
		// NOTE: only products that set SourceUrl get a link; no console URL is built here.
		Link:      str(f, "SourceUrl"),
		FirstSeen: firstTime(timestamp(f, "FirstObservedAt"), timestamp(f, "CreatedAt")),
		LastSeen:  firstTime(timestamp(f, "LastObservedAt"), timestamp(f, "UpdatedAt"), timestamp(env, "time")),
	}
	if resources := list(f, "Resources"); len(resources) > 0 {
		a.Resource = securityHubResource(resources[0])
	}
	return a
}

// securityHubSeverity takes the band from Severity.Label and, within it, the value of
// Severity.Normalized (0–100) divided by ten.
func securityHubSeverity(f map[string]any) float64 {
	normalized, hasNormalized := number(f, "Severity.Normalized")
	lower, ok := events.SeverityOfLabel(str(f, "Severity.Label"))
	if !ok {
		return clamp(normalized / 10)
	}
	if hasNormalized {
		v := clamp(normalized / 10)
		if events.SeverityLabelOf(v) == events.SeverityLabelOf(lower) {
			return v
		}
	}
	return lower
}

func securityHubStatus(f map[string]any) string {
	if strings.EqualFold(str(f, "RecordState"), "ARCHIVED") {
		return "closed"
	}
	switch strings.ToUpper(firstStr(f, "Workflow.Status", "WorkflowState")) {
	case "RESOLVED", "SUPPRESSED":
		return "closed"
	case "NOTIFIED", "IN_PROGRESS", "ASSIGNED":
		return "active"
	}
	return "new"
}

func securityHubResource(res any) events.Resource {
	r := events.Resource{Type: str(res, "Type"), ID: str(res, "Id")}
	switch r.Type {
	case "AwsEc2Instance":
		if i := strings.LastIndex(r.ID, "instance/"); i >= 0 {
			r.InstanceID = r.ID[i+len("instance/"):]
		}
	case "AwsIamAccessKey":
		r.User = firstStr(res, "Details.AwsIamAccessKey.PrincipalName", "Details.AwsIamAccessKey.UserName")
	case "AwsIamUser":
		r.User = str(res, "Details.AwsIamUser.UserName")
	}
	return r
}

func securityHubIndicators(f map[string]any) events.Indicators {
	var ips, domains, hashes set
	ips.add(str(f, "Network.SourceIpV4"), str(f, "Network.SourceIpV6"))
	ips.add(str(f, "Action.NetworkConnectionAction.RemoteIpDetails.IpAddressV4"))
	ips.add(str(f, "Action.AwsApiCallAction.RemoteIpDetails.IpAddressV4"))
	domains.add(str(f, "Network.SourceDomain"), str(f, "Action.DnsRequestAction.Domain"))
	for _, ind := range list(f, "ThreatIntelIndicators") {
		value := str(ind, "Value")
		switch t := strings.ToUpper(str(ind, "Type")); {
		case t == "IPV4_ADDRESS" || t == "IPV6_ADDRESS":
			ips.add(value)
		case t == "DOMAIN":
			domains.add(value)
		case strings.HasPrefix(t, "HASH_"):
			hashes.add(value)
		}
	}
	return events.Indicators{IPs: ips.list, Domains: domains.list, Hashes: hashes.list}
}

// narrow copies the envelope with detail.findings reduced to one finding: the event that a
// default-bus rule matches for that finding.
func narrow(env, finding map[string]any) map[string]any {
	out := make(map[string]any, len(env))
	for k, v := range env {
		out[k] = v
	}
	detail := make(map[string]any)
	for k, v := range obj(env, "detail") {
		detail[k] = v
	}
	detail["findings"] = []any{finding}
	out["detail"] = detail
	return out
}

func checkEnvelope(source string, env map[string]any, wantSource, wantType string) error {
	if got := str(env, "detail-type"); got != wantType {
		return &InputError{Source: source, Field: "detail-type", Message: fmt.Sprintf("got %q, want %q", got, wantType)}
	}
	if got := str(env, "source"); got != wantSource {
		return &InputError{Source: source, Field: "source", Message: fmt.Sprintf("got %q, want %q", got, wantSource)}
	}
	return nil
}

func clamp(severity float64) float64 {
	switch {
	case severity < 0 || severity != severity:
		return 0
	case severity > 10:
		return 10
	}
	return severity
}
