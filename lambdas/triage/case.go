package triage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/events"
	"github.com/secamo/orchestrator/lambdas/offboarding"
)

// versionLine is the description line that records which version of the finding opened
// the ticket; OpenCase compares it to tell a new case from an update.
const versionLine = "Alert version: "

// OpenCase opens the case ticket with the enrichment and the decision, keyed by the alert's
// case key, so every version of a finding lands on one ticket. When the ticket was opened by
// an earlier version, OpenCase comments the update on it and reports Existing.
//
// Input CaseInput, output Case. Errors: InvalidInput, NotConfigured, Throttled,
// PermissionDenied, InvalidTicketData.
func (s *Steps) OpenCase(ctx context.Context, in CaseInput) (out Case, err error) {
	defer classify(&err)
	a := in.Alert
	if a.CaseKey == "" || a.ID == "" {
		return out, invalidInput("alert has no id or caseKey: pass the canonical alert from events/normalize")
	}
	if s.Tickets == nil {
		return out, &NotConfigured{What: "ticketing"}
	}

	t, err := s.Tickets.CreateTicket(ctx, ticketing.NewTicket{
		Subject:        s.text(msgTicketSubject, a.Title),
		Description:    describe(a, in.Assessment),
		Requester:      s.tenant().Approvals.From,
		Priority:       in.Assessment.Priority,
		CorrelationKey: a.CaseKey,
	})
	if err != nil {
		return out, fmt.Errorf("opening the ticket of case %q: %w", a.CaseKey, err)
	}

	out.Ticket = offboarding.TicketRef{ID: t.ID, Key: t.Key, URL: t.URL, Subject: t.Subject, Requester: t.Requester}
	// NOTE: the ticketing adapters do not report whether CreateTicket found an existing
	// ticket, so the version line in the description decides. A system that rewrites
	// descriptions would make every version look like an update.
	out.Existing = !strings.Contains(t.Description, versionLine+a.ID)
	if out.Existing {
		body := s.text(msgUpdate, a.Severity, a.LastSeen.Format(time.RFC3339)) + "\n\n" + describe(a, in.Assessment)
		if err := s.Tickets.Comment(ctx, t.ID, body, ticketing.Internal); err != nil {
			return out, fmt.Errorf("commenting the update on ticket %s: %w", t.ID, err)
		}
	}
	s.logger().InfoContext(ctx, "case opened", "tenant", s.tenant().Name, "case", a.CaseKey, "ticket", t.ID, "existing", out.Existing)
	return out, nil
}

// describe writes the alert, its enrichment and the decision as plain text. Field names
// stay in English because analysts search tickets for them.
func describe(a events.Alert, as Assessment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", a.Title)
	fmt.Fprintf(&b, "Origin: %s\nType: %s\nSeverity: %g (%s)\nStatus: %s\n", a.Origin, a.Type, a.Severity, a.SeverityLabel, a.Status)
	fmt.Fprintf(&b, "Resource: %s\n", resourceLabel(a.Resource))
	if a.Account != "" {
		fmt.Fprintf(&b, "Account: %s %s\n", a.Account, a.Region)
	}
	if a.Link != "" {
		fmt.Fprintf(&b, "Console: %s\n", a.Link)
	}
	if inst := as.Instance; inst != nil {
		fmt.Fprintf(&b, "Instance: %s, state %s, VPC %s, owner %q, environment %q\n", instanceLabel(inst), inst.State, inst.VPCID, inst.Owner, inst.Environment)
	}
	if as.AssetNote != "" {
		fmt.Fprintf(&b, "Asset: %s\n", as.AssetNote)
	}

	if len(as.Intel) > 0 {
		b.WriteString("\nThreat intelligence:\n")
	}
	for _, r := range as.Intel {
		switch {
		case r.Skipped:
			fmt.Fprintf(&b, "- %s %s: skipped (%s)\n", r.Source, r.Indicator, r.Reason)
		case r.Unavailable:
			fmt.Fprintf(&b, "- %s %s: unavailable (%s)\n", r.Source, r.Indicator, r.Reason)
		default:
			fmt.Fprintf(&b, "- %s %s: score %d, %s %s\n", r.Source, r.Indicator, r.Score, r.Verdict, r.Link)
		}
	}

	fmt.Fprintf(&b, "\nDecision: %s (%s)\n", as.Action, as.Reason)
	fmt.Fprintf(&b, "%s%s\n", versionLine, a.ID)
	return b.String()
}

// resourceLabel joins the resource's type and the identifiers the source gave.
func resourceLabel(r events.Resource) string {
	var parts []string
	for _, v := range []string{r.Type, r.InstanceID, r.User, r.Host, r.ID} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}
