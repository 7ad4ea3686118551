package triage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	awsadapter "github.com/secamo/orchestrator/adapters/cloud/aws"
	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// criticalSeverity is the lowest severity of the critical band (see events.SeverityLabelOf).
const criticalSeverity = 9

// mediumSeverity is the lowest severity for which a high intel score proposes containment.
const mediumSeverity = 4

// AssessAlert enriches the alert's indicators, reads the affected instance or the IAM user's
// access keys, and decides the action by severity, intel score and protection tags, with
// the tenant's triage thresholds. It changes nothing.
//
// Input AlertInput, output Assessment. Errors: InvalidInput, Throttled, PermissionDenied.
// An instance that no longer exists is noted in AssetNote, not returned as an error.
func (s *Steps) AssessAlert(ctx context.Context, in AlertInput) (out Assessment, err error) {
	defer classify(&err)
	a := in.Alert
	if a.CaseKey == "" || a.ID == "" {
		return out, invalidInput("alert has no id or caseKey: pass the canonical alert from events/normalize as {\"alert\": ...}")
	}
	t := s.tenant()
	out.Credential = Credential{Items: []offboarding.PlanItem{}}
	out.Approval = s.approval()
	out.Priority = priorityOf(a.Severity)

	indicators := slices.Concat(a.Indicators.IPs, a.Indicators.Domains, a.Indicators.Hashes)
	if s.Enricher != nil && len(indicators) > 0 {
		out.Intel = s.Enricher.Enrich(ctx, indicators)
	}
	for _, r := range out.Intel {
		if !r.Skipped && !r.Unavailable {
			out.MaxScore = max(out.MaxScore, r.Score)
		}
	}

	severe := a.Severity >= t.Triage.Severity()
	confident := a.Severity >= mediumSeverity && out.MaxScore >= t.Triage.Score()
	switch {
	case !severe && !confident:
		out.Action = ActionTicket
		out.Reason = fmt.Sprintf("severity %g is below the containment threshold %g and the highest intel score %d below %d", a.Severity, t.Triage.Severity(), out.MaxScore, t.Triage.Score())
	case a.Resource.InstanceID != "":
		err = s.assessInstance(ctx, a, &out)
	case s.iamUser(a) != "":
		err = s.assessCredential(ctx, a, &out)
	default:
		out.Action = ActionTicket
		out.Reason = fmt.Sprintf("the alert names no EC2 instance or mapped IAM user (resource type %q), so there is nothing to contain automatically", a.Resource.Type)
	}
	if err != nil {
		return Assessment{}, err
	}
	s.logger().InfoContext(ctx, "alert assessed", "tenant", t.Name, "case", a.CaseKey, "action", out.Action, "severity", a.Severity, "score", out.MaxScore)
	return out, nil
}

func (s *Steps) assessInstance(ctx context.Context, a events.Alert, out *Assessment) error {
	if s.Containment == nil {
		return &NotConfigured{What: "AWS EC2 containment"}
	}
	inst, err := s.Containment.DescribeInstance(ctx, a.Resource.InstanceID)
	var missing *awsadapter.InstanceNotFound
	switch {
	case errors.As(err, &missing):
		out.Action = ActionTicket
		out.AssetNote = missing.Error()
		out.Reason = fmt.Sprintf("instance %s was not found in the tenant's account, so there is nothing to isolate", a.Resource.InstanceID)
		return nil
	case err != nil:
		return fmt.Errorf("describing instance %s: %w", a.Resource.InstanceID, err)
	}
	out.Instance = inst
	if tag := s.protectionTag(inst); tag != "" {
		out.Action = ActionProtected
		out.Reason = fmt.Sprintf("instance %s carries the protection tag %s, so an engineer must contain it", inst.ID, tag)
		return nil
	}
	out.Action = ActionIsolate
	out.ContainFirst = s.tenant().Triage.ContainFirst && a.Severity >= criticalSeverity
	out.Reason = fmt.Sprintf("severity %g (threshold %g), highest intel score %d", a.Severity, s.tenant().Triage.Severity(), out.MaxScore)
	out.Summary = s.text(msgIsolateAction, instanceLabel(inst), a.Title)
	return nil
}

func (s *Steps) assessCredential(ctx context.Context, a events.Alert, out *Assessment) error {
	if s.AccessKeys == nil {
		return &NotConfigured{What: "AWS IAM access"}
	}
	user := s.iamUser(a)
	keys, err := s.AccessKeys.ListAccessKeys(ctx, user)
	if err != nil {
		return fmt.Errorf("listing access keys of IAM user %q: %w", user, err)
	}
	out.Credential.User = offboarding.Subject{UserPrincipalName: a.Resource.User, DisplayName: user}
	for _, k := range keys {
		if k.Status == awsadapter.KeyActive {
			out.Credential.Items = append(out.Credential.Items, offboarding.PlanItem{Kind: offboarding.KindAccessKey, ID: k.ID, Target: user})
		}
	}
	if len(out.Credential.Items) == 0 {
		out.Action = ActionTicket
		out.Reason = fmt.Sprintf("IAM user %q has no active access key left to deactivate", user)
		return nil
	}
	out.Action = ActionRevokeCredential
	out.Reason = fmt.Sprintf("severity %g, highest intel score %d, %d active access keys", a.Severity, out.MaxScore, len(out.Credential.Items))
	out.Summary = s.text(msgRevokeAction, user, len(out.Credential.Items), a.Title)
	return nil
}

// iamUser returns the IAM user whose keys a credential finding concerns: the user of a
// GuardDuty AccessKey resource, or the IAM user the tenant maps to the alert's user
// (aws.iamUsers). It returns "" when there is none.
func (s *Steps) iamUser(a events.Alert) string {
	if a.Resource.User == "" {
		return ""
	}
	if mapped, ok := s.tenant().AWS.IAMUsers[a.Resource.User]; ok {
		return mapped
	}
	if a.Resource.Type == "AccessKey" {
		return a.Resource.User
	}
	return ""
}

// protectionTag returns the tag that forbids isolating inst (the adapter's secamo:protected
// or one of the tenant's exclusions.protectedTags, as key or key=value), or "".
func (s *Steps) protectionTag(inst *awsadapter.Instance) string {
	if inst.Protected {
		return awsadapter.TagProtected
	}
	for _, rule := range s.tenant().Exclusions.ProtectedTags {
		key, value, hasValue := strings.Cut(rule, "=")
		got, ok := inst.Tags[key]
		if ok && (!hasValue || got == value) {
			return rule
		}
	}
	return ""
}

// approval returns the tenant's first two approval levels. A tenant with one level gets a
// second level with the same approvers, as a reminder.
func (s *Steps) approval() Approval {
	t := s.tenant()
	empty := offboarding.ApprovalLevel{Approvers: []string{}}
	ap := Approval{Tenant: t.Name, Requester: "alert-triage", First: empty, Second: empty}
	levels := t.Approvals.Levels
	if len(levels) == 0 {
		return ap
	}
	level := func(i int) offboarding.ApprovalLevel {
		l := levels[min(i, len(levels)-1)]
		d := l.Timeout.Std()
		return offboarding.ApprovalLevel{Approvers: l.Approvers, TimeoutSeconds: int(d.Seconds()), Timeout: d.String()}
	}
	ap.First, ap.Second = level(0), level(1)
	return ap
}

func priorityOf(severity float64) string {
	switch events.SeverityLabelOf(severity) {
	case events.SeverityCritical:
		return "urgent"
	case events.SeverityHigh:
		return "high"
	case events.SeverityMedium:
		return "medium"
	}
	return "low"
}

func instanceLabel(inst *awsadapter.Instance) string {
	if inst.Name == "" {
		return inst.ID
	}
	return fmt.Sprintf("%s (%s)", inst.ID, inst.Name)
}
