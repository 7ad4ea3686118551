package infra

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/tenants"
)

// BuildOptions locates what Build reads.
type BuildOptions struct {
	// Root is the repository root, holding tenants/ and statemachines/.
	Root string
	// Tenant is the tenant name: tenants/NAME.yaml is deployed.
	Tenant string
	// AssetDir is the folder with the Lambda binaries, entra/bootstrap and core/bootstrap;
	// relative paths are under Root.
	AssetDir string
}

// Build validates the tenant file, the workflows and the routing rules, then adds the tenant's
// stack to app. Every problem is reported before anything is synthesised.
func Build(app awscdk.App, o BuildOptions) (*TenantStack, error) {
	if o.Tenant == "" {
		return nil, fmt.Errorf("missing tenant: pass -c tenant=NAME to deploy tenants/NAME.yaml")
	}
	t, err := tenants.Load(filepath.Join(o.Root, "tenants", o.Tenant+".yaml"))
	if err != nil {
		return nil, err
	}
	if t.Name != o.Tenant {
		return nil, fmt.Errorf("tenants/%s.yaml names tenant %q: the file name and the name field must match", o.Tenant, t.Name)
	}
	ws, err := LoadWorkflows(filepath.Join(o.Root, "statemachines"))
	if err != nil {
		return nil, err
	}
	if err := validateWorkflows(ws); err != nil {
		return nil, err
	}
	assets := o.AssetDir
	if !filepath.IsAbs(assets) {
		assets = filepath.Join(o.Root, assets)
	}
	for _, binary := range []string{binaryEntra, binaryCore} {
		path := filepath.Join(assets, binary, "bootstrap")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no Lambda binary at %s: run make bootstrap first", path)
		}
	}
	return NewTenantStack(app, "Secamo-"+t.Name, &TenantStackProps{
		Tenant:    t,
		Workflows: ws,
		Rules:     rules.All(),
		AssetDir:  assets,
		StackProps: awscdk.StackProps{
			StackName: jsii.String("secamo-" + t.Name),
		},
	})
}
