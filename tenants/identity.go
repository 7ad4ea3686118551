package tenants

import (
	"fmt"
	"net/url"
	"regexp"

	"github.com/secamo/orchestrator/secrets"
)

// Identity lists the tenant's identity providers; either may be absent.
type Identity struct {
	Entra           *Entra           `yaml:"entra"`
	ActiveDirectory *ActiveDirectory `yaml:"activeDirectory"`
}

// Entra is a Microsoft Entra ID tenant reached through Microsoft Graph with an app
// registration (client credentials).
type Entra struct {
	TenantID     string      `yaml:"tenantID"`
	ClientID     string      `yaml:"clientID"`
	ClientSecret secrets.Ref `yaml:"clientSecret"`
	// GraphURL overrides https://graph.microsoft.com/v1.0, for the sandbox emulator.
	GraphURL string `yaml:"graphURL"`
}

// ActiveDirectory is an on-premises domain reached over LDAPS or LDAP with StartTLS.
type ActiveDirectory struct {
	// URL is ldaps://host:636 or ldap://host:389 (StartTLS is then required).
	URL          string      `yaml:"url"`
	BaseDN       string      `yaml:"baseDN"`
	BindDN       string      `yaml:"bindDN"`
	BindPassword secrets.Ref `yaml:"bindPassword"`
	// DisabledOU is the distinguished name of the OU that disabled accounts move to.
	DisabledOU string `yaml:"disabledOU"`
	// CAFile is a PEM file of the CA that signed the domain controller's certificate; empty
	// means the system roots.
	CAFile string `yaml:"caFile"`
	// Network places the AWS functions that reach the domain controller in the customer's
	// VPC; nil leaves them outside any VPC.
	Network *Network `yaml:"network,omitempty"`
}

// Network is the VPC placement of the AWS functions that reach the domain controller.
type Network struct {
	// SubnetIDs are private subnets with a route to the domain controller. The steps that
	// reach it also call Microsoft Graph and AWS APIs, so the subnets need a NAT gateway or
	// VPC endpoints for those.
	SubnetIDs []string `yaml:"subnetIDs"`
	// SecurityGroupIDs must allow LDAPS (636) or LDAP (389) out to the domain controller.
	SecurityGroupIDs []string `yaml:"securityGroupIDs"`
}

var (
	subnetPattern        = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	securityGroupPattern = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
)

func (n *Network) validate(field string, p *problems) {
	if len(n.SubnetIDs) == 0 {
		p.add(field+".subnetIDs", "missing subnet IDs: list the private subnets (subnet-...) that reach the domain controller")
	}
	for i, id := range n.SubnetIDs {
		if !subnetPattern.MatchString(id) {
			p.add(fmt.Sprintf("%s.subnetIDs[%d]", field, i), "invalid subnet ID %q: write subnet- and 8 to 17 hexadecimal digits", id)
		}
	}
	if len(n.SecurityGroupIDs) == 0 {
		p.add(field+".securityGroupIDs", "missing security group IDs: list the groups (sg-...) that allow LDAP out to the domain controller")
	}
	for i, id := range n.SecurityGroupIDs {
		if !securityGroupPattern.MatchString(id) {
			p.add(fmt.Sprintf("%s.securityGroupIDs[%d]", field, i), "invalid security group ID %q: write sg- and 8 to 17 hexadecimal digits", id)
		}
	}
}

func (i Identity) validate(field string, p *problems) {
	if e := i.Entra; e != nil {
		f := field + ".entra"
		if e.TenantID == "" {
			p.add(f+".tenantID", "missing Entra tenant ID")
		}
		if e.ClientID == "" {
			p.add(f+".clientID", "missing app registration client ID")
		}
		checkOptionalSecret(f+".clientSecret", e.ClientSecret, p)
		checkURL(f+".graphURL", e.GraphURL, false, p)
	}
	if a := i.ActiveDirectory; a != nil {
		f := field + ".activeDirectory"
		u, err := url.Parse(a.URL)
		if a.URL == "" || err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" {
			p.add(f+".url", "invalid LDAP URL %q: write ldaps://host:636 or ldap://host:389", a.URL)
		}
		if a.BaseDN == "" {
			p.add(f+".baseDN", "missing base DN")
		}
		if a.BindDN == "" {
			p.add(f+".bindDN", "missing bind DN")
		}
		checkSecret(f+".bindPassword", a.BindPassword, p)
		if a.DisabledOU == "" {
			p.add(f+".disabledOU", "missing OU for disabled accounts")
		}
		if a.Network != nil {
			a.Network.validate(f+".network", p)
		}
	}
}
