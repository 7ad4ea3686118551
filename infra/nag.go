package infra

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// suppress records a cdk-nag finding that is accepted on purpose, with the reason a reviewer
// reads in the template metadata.
// Each appliesTo entry is a finding's exact text (a string) or a regex(...) over it.
func suppress(c constructs.IConstruct, rule, reason string, appliesTo ...any) {
	s := &cdknag.NagPackSuppression{Id: jsii.String(rule), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		list := append([]any(nil), appliesTo...)
		s.AppliesTo = &list
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}

// regex matches cdk-nag findings by a /.../ regular expression in a suppression's AppliesTo.
func regex(expr string) any {
	return &cdknag.RegexAppliesTo{Regex: jsii.String(expr)}
}
