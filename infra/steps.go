package infra

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/secamo/orchestrator/tenants"
)

// StepsProps configures NewSteps.
type StepsProps struct {
	Tenant    *tenants.Config
	Workflows []Workflow
	AssetDir  string
	Storage   *Storage
}

// Steps holds one Lambda function per step that the workflows name.
type Steps struct {
	constructs.Construct
	Functions map[string]awslambda.Function
	Roles     map[string]awsiam.Role
}

// NewSteps creates a function for every step placeholder in the workflows, each with a role
// that grants only what the step's handler calls (stepCatalog).
func NewSteps(scope constructs.Construct, id string, p *StepsProps) (*Steps, error) {
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &Steps{Construct: c, Functions: map[string]awslambda.Function{}, Roles: map[string]awsiam.Role{}}
	for _, w := range p.Workflows {
		for _, step := range w.Steps {
			if _, done := s.Functions[step]; done {
				continue
			}
			caps, ok := stepCatalog[step]
			if !ok {
				return nil, fmt.Errorf("workflow %s names step ${%s}, which the stack does not know: add it to stepCatalog in infra/permissions.go with what it calls", w.Name, step)
			}
			fn, role, err := newFunction(c, step, functionProps{
				Tenant: p.Tenant, AssetDir: p.AssetDir, Binary: binaryFor(caps), Handler: step, Timeout: 60,
				Env: stepEnv(caps, p.Storage), Network: adNetwork(caps, p.Tenant),
			})
			if err != nil {
				return nil, err
			}
			for _, cp := range caps {
				if err := grant(role, cp, p.Tenant, p.Storage); err != nil {
					return nil, fmt.Errorf("step %s: %w", step, err)
				}
			}
			s.Functions[step] = fn
			s.Roles[step] = role
		}
	}
	return s, nil
}

// adNetwork returns the VPC placement of a step that reaches the domain controller, or nil.
func adNetwork(caps []capability, t *tenants.Config) *tenants.Network {
	ad := t.Identity.ActiveDirectory
	if ad == nil || !slices.Contains(caps, capAD) {
		return nil
	}
	return ad.Network
}

// binaryFor picks the Lambda binary that contains what a step with these capabilities calls.
func binaryFor(caps []capability) string {
	for _, c := range caps {
		if c == capEntra {
			return binaryEntra
		}
	}
	return binaryCore
}

// stepEnv returns the environment variables, beyond STEP and TENANT_CONFIG, that the bootstrap
// reads for a step with these capabilities.
func stepEnv(caps []capability, st *Storage) map[string]string {
	env := map[string]string{}
	for _, c := range caps {
		switch c {
		case capApprovals:
			env["APPROVALS_TABLE"] = *st.ApprovalsTable.TableName()
		case capEvidence:
			env["EVIDENCE_BUCKET"] = *st.Bucket.BucketName()
		}
	}
	return env
}
