package tenants

import (
	"net/url"

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
	}
}
