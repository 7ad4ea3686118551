package tenants

import "fmt"

// Exclusions lists what workflows must never act on.
type Exclusions struct {
	// BreakGlass lists emergency accounts by user principal name.
	BreakGlass []string `yaml:"breakGlass"`
	// VIPUsers lists user principal names that need a person, not a workflow.
	VIPUsers []string `yaml:"vipUsers"`
	// ProtectedGroups lists group names or object ids whose members are excluded.
	ProtectedGroups []string `yaml:"protectedGroups"`
	// ProtectedTags lists EC2 tag keys (or key=value) that forbid containment of an instance.
	ProtectedTags []string `yaml:"protectedTags"`
}

func (e Exclusions) validate(field string, p *problems) {
	check := func(name string, list []string) {
		for i, v := range list {
			if v == "" {
				p.add(fmt.Sprintf("%s.%s[%d]", field, name, i), "empty entry")
			}
		}
	}
	check("breakGlass", e.BreakGlass)
	check("vipUsers", e.VIPUsers)
	check("protectedGroups", e.ProtectedGroups)
	check("protectedTags", e.ProtectedTags)
}
