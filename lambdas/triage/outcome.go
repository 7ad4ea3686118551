package triage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// RecordOutcome comments on the case ticket what the workflow did, in the tenant's
// language: the isolation and its snapshots, the deactivated keys, the rejection, the
// release, the protection or the failure.
//
// Input OutcomeInput, output OutcomeOutput. Errors: InvalidInput, NotConfigured,
// TicketNotFound, Throttled, PermissionDenied, InvalidTicketData.
func (s *Steps) RecordOutcome(ctx context.Context, in OutcomeInput) (out OutcomeOutput, err error) {
	defer classify(&err)
	if in.Ticket.ID == "" {
		return out, invalidInput("ticket.id is required: pass the ticket that OpenCase returned")
	}
	if s.Tickets == nil {
		return out, &NotConfigured{What: "ticketing"}
	}
	body, err := s.outcomeText(in)
	if err != nil {
		return out, err
	}
	if err := s.Tickets.Comment(ctx, in.Ticket.ID, body, ticketing.Internal); err != nil {
		return out, fmt.Errorf("commenting the outcome on ticket %s: %w", in.Ticket.ID, err)
	}
	s.logger().InfoContext(ctx, "outcome recorded", "tenant", s.tenant().Name, "case", in.Alert.CaseKey, "ticket", in.Ticket.ID, "outcome", in.Kind)
	return OutcomeOutput{Kind: in.Kind, Comment: body}, nil
}

func (s *Steps) outcomeText(in OutcomeInput) (string, error) {
	instance := in.Alert.Resource.InstanceID
	switch in.Kind {
	case OutcomeIsolated, OutcomeConfirmed:
		if in.Containment == nil || in.Containment.Isolation == nil {
			return "", invalidInput("outcome %s needs containment, the output of ContainInstance", in.Kind)
		}
		key := msgIsolated
		if in.Kind == OutcomeConfirmed {
			key = msgConfirmed
		}
		return s.text(key, instance, in.Containment.Isolation.QuarantineGroupID, field(in.Decision, "approver"), snapshotList(in.Containment)), nil
	case OutcomeRejected:
		return s.text(msgRejected, decisionNote(in.Decision)), nil
	case OutcomeReleased:
		return s.text(msgReleased, instance, decisionNote(in.Decision)), nil
	case OutcomeProtected:
		reason := in.Reason
		if reason == "" {
			reason = field(in.Error, "Cause")
		}
		return s.text(msgProtected, instance, reason), nil
	case OutcomeRevoked:
		return s.text(msgRevoked, in.Alert.Resource.User, field(in.Decision, "approver")), nil
	case OutcomeFailed:
		text := s.text(msgFailed, field(in.Error, "Error"), field(in.Error, "Cause"))
		if in.Containment != nil && in.Containment.Isolation != nil {
			text = fmt.Sprintf("%s\n%s: %s", text, in.Containment.Isolation.InstanceID, in.Containment.Isolation.Status)
		}
		return text, nil
	}
	return "", invalidInput("unknown outcome kind %q: use isolated, confirmed, rejected, released, protected, revoked or failed", in.Kind)
}

// field returns m[key] as text, or "" when it is absent.
func field(m map[string]any, key string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// decisionNote names who rejected and why, from an approval result or from a failure the
// state machine caught: ApprovalRejected carries the approval result as JSON in Cause, and
// States.Timeout carries no decision.
func decisionNote(d map[string]any) string {
	name, cause := field(d, "Error"), field(d, "Cause")
	var result map[string]any
	switch {
	case cause != "" && json.Unmarshal([]byte(cause), &result) == nil:
		d = result
	case name != "":
		return strings.TrimSpace(name + " " + cause)
	}
	return strings.TrimSpace(field(d, "approver") + " " + field(d, "comment"))
}

func snapshotList(c *ContainmentResult) string {
	if len(c.Snapshots) == 0 {
		return "-"
	}
	ids := make([]string, len(c.Snapshots))
	for i, sn := range c.Snapshots {
		ids[i] = sn.ID + " (" + sn.VolumeID + ")"
	}
	return strings.Join(ids, ", ")
}
