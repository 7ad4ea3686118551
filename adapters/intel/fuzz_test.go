package intel_test

import (
	"net/netip"
	"testing"

	"github.com/secamo/orchestrator/adapters/intel"
)

// FuzzClassify checks that classification never panics and that the canonical form is a
// fixed point: classifying it again gives the same kind and form.
func FuzzClassify(f *testing.F) {
	for _, seed := range []string{"8.8.8.8", "::ffff:10.0.0.1", "fe80::1%eth0", "Evil.Example.COM.", "44D88612FEA8A8F36DE82E1278ABB02F", "", "a..b", "1.2.3"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, canon := intel.Classify(s)
		if kind == intel.KindUnknown {
			return
		}
		again, canonAgain := intel.Classify(canon)
		if again != kind || canonAgain != canon {
			t.Errorf("Classify(%q) = %s %q, but Classify(%q) = %s %q", s, kind, canon, canon, again, canonAgain)
		}
		if kind == intel.KindIP {
			addr, err := netip.ParseAddr(canon)
			if err != nil {
				t.Fatalf("canonical IP %q does not parse: %v", canon, err)
			}
			_ = intel.SkipReason(addr)
		}
	})
}
