package activedirectory

import (
	"fmt"

	"github.com/go-ldap/ldap/v3"
)

// rdnValue returns the value of the first RDN of dn (a group's cn, say), or dn itself when it
// cannot be parsed.
func rdnValue(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) == 0 || len(parsed.RDNs[0].Attributes) == 0 {
		return dn
	}
	return parsed.RDNs[0].Attributes[0].Value
}

// parentDN returns dn without its first RDN, or nil when dn cannot be parsed.
func parentDN(dn string) *ldap.DN {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) == 0 {
		return nil
	}
	return &ldap.DN{RDNs: parsed.RDNs[1:]}
}

// firstRDN returns the first RDN of dn in string form, escaped for a ModifyDN request.
func firstRDN(dn string) (string, error) {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) == 0 {
		return "", fmt.Errorf("invalid distinguished name %q", dn)
	}
	return parsed.RDNs[0].String(), nil
}
