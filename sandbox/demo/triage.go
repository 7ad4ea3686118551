package demo

import (
	"context"
	_ "embed"
	"fmt"
	"net/http/httptest"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/sandbox/ec2"
	"github.com/secamo/orchestrator/sandbox/intel"
)

// The alert-triage demo's EC2 instance and the remote address of the finding, which the
// intel emulators report as malicious.
const (
	InstanceID = "i-0d3e0a1b2c3d4e5f6"
	VPCID      = "vpc-0d3e0000000000001"
	RemoteIP   = "185.220.101.4"
)

// GuardDutyFinding is the EventBridge "GuardDuty Finding" event of a crypto-mining finding
// on the demo instance, as AWS forwards it to POST /webhooks/{tenant}/aws.
//
//go:embed guardduty-cryptomining.json
var GuardDutyFinding []byte

// SeedEC2 adds the demo instance: a web server with two network interfaces in different
// security groups, two volumes and owner tags.
func SeedEC2(e *ec2.EC2) error {
	return e.Add(awsadapter.Instance{
		ID: InstanceID, State: "running", Type: "t3.large", VPCID: VPCID,
		PrivateIP: "10.20.1.15", PublicIP: "203.0.113.40",
		Tags: map[string]string{"Name": "web-shop-01", "Owner": "webteam@contoso.example", "Environment": "production"},
		Interfaces: []awsadapter.Interface{
			{ID: "eni-0d3e0000000000001", PrivateIP: "10.20.1.15", GroupIDs: []string{"sg-0d3e00000000000a1", "sg-0d3e00000000000a2"}},
			{ID: "eni-0d3e0000000000002", DeviceIndex: 1, PrivateIP: "10.20.2.15", GroupIDs: []string{"sg-0d3e00000000000b1"}},
		},
		Volumes: []awsadapter.Volume{
			{ID: "vol-0d3e0000000000001", Device: "/dev/xvda"},
			{ID: "vol-0d3e0000000000002", Device: "/dev/xvdf"},
		},
	})
}

// startIntel starts the AbuseIPDB and VirusTotal emulators, which report RemoteIP as
// malicious, and returns their API roots.
func (e *Environment) startIntel(abuseKey, vtKey string) (abuseURL, vtURL string, err error) {
	e.AbuseIPDB = intel.NewAbuseIPDB(intel.AbuseIPDBOptions{Key: abuseKey})
	if err := e.AbuseIPDB.Seed(RemoteIP, intel.AbuseReport{Score: 100, TotalReports: 412, Users: 97,
		CountryCode: "ZZ", UsageType: "Data Center/Web Hosting/Transit", ISP: "Example Mining Pool Ltd"}); err != nil {
		return "", "", err
	}
	e.VirusTotal = intel.NewVirusTotal(intel.VirusTotalOptions{Key: vtKey})
	if err := e.VirusTotal.SeedIP(RemoteIP, intel.VTReport{Malicious: 14, Suspicious: 3, Harmless: 50, Undetected: 20,
		Reputation: -42, Country: "ZZ", ASOwner: "Example Mining Pool Ltd"}); err != nil {
		return "", "", err
	}
	abuse, vt := httptest.NewServer(e.AbuseIPDB), httptest.NewServer(e.VirusTotal)
	e.servers = append(e.servers, abuse, vt)
	return abuse.URL + "/api/v2", vt.URL + "/api/v3", nil
}

// PostFinding posts the GuardDuty finding to the runtime's aws webhook with the tenant's token.
func (e *Environment) PostFinding(ctx context.Context) (WebhookResponse, error) {
	resp, err := e.PostWebhookTo(ctx, "aws", GuardDutyFinding)
	if err != nil {
		return resp, fmt.Errorf("posting the GuardDuty finding: %w", err)
	}
	return resp, nil
}
