package tenants

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseADNetwork(t *testing.T) {
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	withNetwork := func(block string) []byte {
		return []byte(strings.Replace(string(data), "    disabledOU: OU=Disabled Users,DC=example,DC=local\n",
			"    disabledOU: OU=Disabled Users,DC=example,DC=local\n"+block, 1))
	}

	good := withNetwork("    network:\n      subnetIDs: [subnet-0a1b2c3d4e5f60718]\n      securityGroupIDs: [sg-0123abcd]\n")
	c, err := Parse("good.yaml", good)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if n := c.Identity.ActiveDirectory.Network; n == nil || n.SubnetIDs[0] != "subnet-0a1b2c3d4e5f60718" || n.SecurityGroupIDs[0] != "sg-0123abcd" {
		t.Errorf("network = %+v, want the subnet and the security group", n)
	}

	bad := withNetwork("    network:\n      subnetIDs: [subnet-xyz]\n")
	_, err = Parse("bad.yaml", bad)
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("Parse = %v, want a *ValidationError", err)
	}
	for _, field := range []string{"identity.activeDirectory.network.subnetIDs[0]", "identity.activeDirectory.network.securityGroupIDs"} {
		found := false
		for _, f := range v.Fields {
			found = found || f.Field == field
		}
		if !found {
			t.Errorf("no error for field %s in:\n%v", field, err)
		}
	}
}
