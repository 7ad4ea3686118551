// Package demo holds the demo's seed data: the on-premises side of the leaver Jan Peeters
// (an AD account with groups), his mapped IAM user with access keys, the open HR ticket,
// and the webhook body ServiceDesk Plus sends for it. The Entra side comes from the Graph
// emulator's SeedDemo. The demo command and the end-to-end tests share it.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/lambdas/offboarding"
	"github.com/secamo/orchestrator/sandbox/ad"
	"github.com/secamo/orchestrator/sandbox/ticketing"
)

// The demo's people and places.
const (
	Leaver       = "jan.peeters@contoso.example"
	SyncedLeaver = "piet.claes@contoso.example"
	Requester    = "hr@contoso.example"
	DisabledOU   = "OU=Disabled Users,DC=contoso,DC=local"
	IAMUser      = "jan.peeters"
	// UserField and DateField are the ServiceDesk Plus user-defined fields the demo tenant
	// maps as user and effectiveDate.
	UserField = "udf_sline_301"
	DateField = "udf_date_302"
)

// Groups of the demo's AD accounts, by distinguished name.
const (
	GroupVPN        = "CN=VPN Users,OU=Groups,DC=contoso,DC=local"
	GroupFileShare  = "CN=FS Sales RW,OU=Groups,DC=contoso,DC=local"
	GroupRemoteDesk = "CN=Remote Desktop Users,OU=Groups,DC=contoso,DC=local"
)

// SeedAD adds the AD accounts of Jan Peeters (hybrid: in Entra ID and AD) and Piet Claes
// (synchronised from AD).
func SeedAD(d *ad.Directory) error {
	accounts := []ad.Account{
		{GUID: "3b1e8f0a-6c2d-4e55-9d1a-0a0b0c0d0e01", UserPrincipalName: Leaver, SAMAccountName: "jpeeters",
			DistinguishedName: "CN=Jan Peeters,OU=Users,OU=Brussels,DC=contoso,DC=local", DisplayName: "Jan Peeters",
			Enabled: true, MemberOf: []string{GroupVPN, GroupFileShare}},
		{GUID: "3b1e8f0a-6c2d-4e55-9d1a-0a0b0c0d0e02", UserPrincipalName: SyncedLeaver, SAMAccountName: "pclaes",
			DistinguishedName: "CN=Piet Claes,OU=Users,OU=Brussels,DC=contoso,DC=local", DisplayName: "Piet Claes",
			Enabled: true, MemberOf: []string{GroupVPN, GroupRemoteDesk}},
	}
	for _, a := range accounts {
		if err := d.Add(a); err != nil {
			return fmt.Errorf("seeding the demo directory: %w", err)
		}
	}
	return nil
}

// Ticket returns the open HR offboarding request for upn, in ServiceDesk Plus's vocabulary.
func Ticket(upn, lastDay string) ticketing.Record {
	return ticketing.Record{
		Subject:     "Offboarding: " + upn + " leaves on Friday",
		Description: "<p>Last working day " + lastDay + ". Please remove all access after that day.</p>",
		Status:      "Open",
		Requester:   Requester,
		Fields:      map[string]string{UserField: upn, DateField: lastDay},
	}
}

//go:embed sdp-request-created.json
var webhookTemplate []byte

// WebhookBody returns the body ServiceDesk Plus's "request created" custom trigger posts
// for the stored ticket: the API v3 request object with its 18-digit id.
func WebhookBody(r ticketing.Record) ([]byte, error) {
	var body map[string]any
	if err := json.Unmarshal(webhookTemplate, &body); err != nil {
		return nil, fmt.Errorf("decoding the embedded webhook template: %w", err)
	}
	req, _ := body["request"].(map[string]any)
	if req == nil {
		return nil, fmt.Errorf("the embedded webhook template has no request object")
	}
	req["id"], req["display_id"], req["subject"], req["description"] = r.ID, r.Key, r.Subject, r.Description
	udf, _ := req["udf_fields"].(map[string]any)
	if udf == nil {
		return nil, fmt.Errorf("the embedded webhook template has no udf_fields object")
	}
	udf[UserField] = r.Fields[UserField]
	return json.MarshalIndent(body, "", "  ")
}

// AccessKeys is an in-memory IAM with the demo's access keys. It implements the
// offboarding steps' AccessKeys.
type AccessKeys struct {
	mu   sync.Mutex
	keys map[string][]awsadapter.AccessKey
}

var _ offboarding.AccessKeys = (*AccessKeys)(nil)

// NewAccessKeys returns an IAM where the demo's IAM user has one active and one inactive key.
func NewAccessKeys() *AccessKeys {
	return &AccessKeys{keys: map[string][]awsadapter.AccessKey{IAMUser: {
		{ID: "AKIAEXAMPLEDEMO00001", UserName: IAMUser, Status: awsadapter.KeyActive},
		{ID: "AKIAEXAMPLEDEMO00002", UserName: IAMUser, Status: awsadapter.KeyInactive},
	}}}
}

// ListAccessKeys returns copies of the user's keys.
func (a *AccessKeys) ListAccessKeys(ctx context.Context, userName string) ([]awsadapter.AccessKey, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.keys[userName]), nil
}

// DeactivateAccessKey sets the key's status to Inactive.
func (a *AccessKeys) DeactivateAccessKey(ctx context.Context, userName, keyID string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, k := range a.keys[userName] {
		if k.ID == keyID {
			a.keys[userName][i].Status = awsadapter.KeyInactive
			return nil
		}
	}
	return fmt.Errorf("access key %s of IAM user %s not found", keyID, userName)
}

// Active returns how many of the user's keys are active.
func (a *AccessKeys) Active(userName string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, k := range a.keys[userName] {
		if k.Status == awsadapter.KeyActive {
			n++
		}
	}
	return n
}
