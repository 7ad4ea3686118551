package tenants

import (
	"fmt"
	"regexp"
)

// AWS describes the tenant's AWS account.
type AWS struct {
	AccountID string `yaml:"accountID"`
	Region    string `yaml:"region"`
	// RoleARN is assumed for actions in the tenant's account; empty means the caller's own.
	RoleARN string `yaml:"roleARN"`
	// ExternalID is the external id the role's trust policy requires, if any.
	ExternalID string `yaml:"externalID"`
	// AlarmTopic is the name of the SNS topic that receives alarms.
	AlarmTopic string `yaml:"alarmTopic"`
	// IAMUsers maps user principal names to IAM user names whose access keys offboarding
	// deactivates.
	IAMUsers map[string]string `yaml:"iamUsers"`
}

var (
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
)

func (a AWS) validate(field string, p *problems) {
	if a.AccountID != "" && !accountPattern.MatchString(a.AccountID) {
		p.add(field+".accountID", "must be 12 digits (got %q)", a.AccountID)
	}
	if a.Region != "" && !regionPattern.MatchString(a.Region) {
		p.add(field+".region", "invalid region %q: write it like eu-west-1", a.Region)
	}
	for upn, user := range a.IAMUsers {
		if user == "" {
			p.add(fmt.Sprintf("%s.iamUsers.%s", field, upn), "empty IAM user name")
		}
	}
}
