package offboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/secamo/orchestrator/adapters/ticketing"
)

// Comment kinds of CommentOnTicket.
const (
	CommentPlan     = "plan"     // the plan of a dry run
	CommentResult   = "result"   // the verified result
	CommentRejected = "rejected" // the approver rejected the plan
)

// CommentInput is the input of CommentOnTicket.
type CommentInput struct {
	// Kind is plan, result or rejected.
	Kind   string    `json:"kind"`
	Ticket TicketRef `json:"ticket"`
	User   Subject   `json:"user"`
	Plan   Plan      `json:"plan"`
	// Verification is required for a result comment.
	Verification *Verification `json:"verification,omitempty"`
	// Approval is the approver's decision, used by a rejected comment.
	Approval *ApprovalDecision `json:"approval,omitempty"`
}

// CommentOutput is the output of CommentOnTicket.
type CommentOutput struct {
	Posted bool `json:"posted"`
}

// CommentOnTicket posts a public comment in the tenant's language: the plan of a dry run,
// the verified result per item, or the rejection.
//
// Errors: InvalidInput, OffboardingIncomplete (a result comment for an unverified
// offboarding), TicketNotFound, PermissionDenied, Throttled, InvalidTicketData.
func (s *Steps) CommentOnTicket(ctx context.Context, in CommentInput) (out CommentOutput, err error) {
	defer classify(&err)
	if in.Ticket.ID == "" {
		return out, invalidInput("missing ticket.id: pass the ticket output of ResolveUser")
	}
	if s.Tickets == nil {
		return out, notConfigured("ticketing")
	}
	t := textsFor(s.locale())
	var body string
	switch in.Kind {
	case CommentPlan:
		body = planComment(t, in.User, in.Plan)
	case CommentResult:
		if in.Verification == nil || !in.Verification.Complete {
			return out, &OffboardingIncomplete{Items: []string{"no complete verification passed to the result comment"}}
		}
		body = resultComment(t, in.User, *in.Verification)
	case CommentRejected:
		body = rejectedComment(t, in.User, in.Approval)
	default:
		return out, invalidInput("invalid comment kind %q: use plan, result or rejected", in.Kind)
	}
	// NOTE: a retry after a lost response posts the comment twice, because ticketing.System
	// cannot list comments to check for an earlier one.
	if err := s.Tickets.Comment(ctx, in.Ticket.ID, body, ticketing.Public); err != nil {
		return out, fmt.Errorf("commenting on ticket %q: %w", in.Ticket.ID, err)
	}
	s.logger().InfoContext(ctx, "ticket commented", "step", "CommentOnTicket", "tenant", s.tenantName(), "ticket", in.Ticket.Key, "kind", in.Kind)
	return CommentOutput{Posted: true}, nil
}

// ResolveTicketInput is the input of ResolveTicket.
type ResolveTicketInput struct {
	Ticket       TicketRef     `json:"ticket"`
	User         Subject       `json:"user"`
	Verification *Verification `json:"verification"`
}

// ResolveTicketOutput is the output of ResolveTicket.
type ResolveTicketOutput struct {
	Resolved bool `json:"resolved"`
}

// ResolveTicket resolves the request ticket with a note in the tenant's language. It refuses
// to resolve without a complete verification, so a half-done offboarding never closes its
// ticket.
//
// Errors: OffboardingIncomplete, InvalidInput, TicketNotFound, PermissionDenied, Throttled.
func (s *Steps) ResolveTicket(ctx context.Context, in ResolveTicketInput) (out ResolveTicketOutput, err error) {
	defer classify(&err)
	if in.Ticket.ID == "" {
		return out, invalidInput("missing ticket.id: pass the ticket output of ResolveUser")
	}
	if in.Verification == nil || !in.Verification.Complete {
		return out, &OffboardingIncomplete{Items: []string{"no complete verification passed to ResolveTicket"}}
	}
	if s.Tickets == nil {
		return out, notConfigured("ticketing")
	}
	note := fmt.Sprintf(textsFor(s.locale()).resolveNote, displayName(in.User))
	if err := s.Tickets.Resolve(ctx, in.Ticket.ID, note); err != nil {
		return out, fmt.Errorf("resolving ticket %q: %w", in.Ticket.ID, err)
	}
	s.logger().InfoContext(ctx, "ticket resolved", "step", "ResolveTicket", "tenant", s.tenantName(), "ticket", in.Ticket.Key)
	return ResolveTicketOutput{Resolved: true}, nil
}

// ReportOutput is the output of ReportFailure.
type ReportOutput struct {
	Commented bool `json:"commented"`
	Escalated bool `json:"escalated"`
	// Verification is the read-back of the plan, present when changes may have been made.
	Verification *Verification `json:"verification,omitempty"`
}

// ReportFailure runs on the failure path with the whole state. When the plan was approved,
// it reads every planned change back, so the ticket comment lists exactly what was and was
// not done. Otherwise the comment states that nothing was changed. It then escalates to a person. It
// reports what it could not do in its output instead of failing, so the execution always
// reaches its Fail state.
//
// Errors: InvalidInput (no ticket id in the state).
func (s *Steps) ReportFailure(ctx context.Context, in State) (out ReportOutput, err error) {
	defer classify(&err)
	ticket := TicketRef{ID: in.TicketID}
	user := Subject{}
	if in.Subject != nil {
		ticket, user = in.Subject.Ticket, in.Subject.User
	}
	if ticket.ID == "" {
		return out, invalidInput("missing ticketId in the state: nothing to report on")
	}
	log := s.logger().With("step", "ReportFailure", "tenant", s.tenantName(), "ticket", ticket.Key)
	reason := failureReason(in.Error)
	log.WarnContext(ctx, "offboarding failed", "error", reason)
	t := textsFor(s.locale())
	commentReason := t.failureText(in.Error, reason)

	if in.Plan != nil && approved(in.Approval) {
		v, verr := s.verify(ctx, user, *in.Plan)
		if verr != nil {
			commentReason += fmt.Sprintf(" (reading the changes back also failed: %v)", verr)
			log.WarnContext(ctx, "read-back failed", "error", verr)
		} else {
			out.Verification = &v
		}
	}
	body := failureComment(t, user, commentReason, out.Verification)
	if s.Tickets == nil {
		log.ErrorContext(ctx, "cannot comment: ticketing not configured")
	} else if cerr := s.Tickets.Comment(ctx, ticket.ID, body, ticketing.Public); cerr != nil {
		log.ErrorContext(ctx, "commenting on the ticket failed", "error", cerr)
	} else {
		out.Commented = true
	}
	if s.Escalator == nil {
		log.ErrorContext(ctx, "cannot escalate: no escalator configured")
		return out, nil
	}
	e := Escalation{Tenant: s.tenantName(), Ticket: ticket, User: user.UserPrincipalName, Summary: body}
	if eerr := s.Escalator.Escalate(ctx, e); eerr != nil {
		log.ErrorContext(ctx, "escalation failed", "error", eerr)
		return out, nil
	}
	out.Escalated = true
	return out, nil
}

// approved reports whether the raw approval output approves the plan.
func approved(raw json.RawMessage) bool {
	var d ApprovalDecision
	return len(raw) > 0 && json.Unmarshal(raw, &d) == nil && d.Decision == "approve"
}

func failureReason(e *StateError) string {
	switch {
	case e == nil:
		return "unknown error"
	case e.Error == "States.Timeout":
		return "no approval within the time limit (States.Timeout)"
	case e.Cause == "":
		return e.Error
	}
	// A Lambda error's Cause is a JSON document with errorMessage and errorType.
	var lambdaErr struct {
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal([]byte(e.Cause), &lambdaErr) == nil && lambdaErr.ErrorMessage != "" {
		return e.Error + ": " + lambdaErr.ErrorMessage
	}
	return e.Error + ": " + e.Cause
}

// TicketEscalator escalates by posting an internal comment that names the contacts, for
// tenants without another notification channel.
type TicketEscalator struct {
	Tickets  Tickets
	Contacts []string
	Locale   string
}

var _ Escalator = (*TicketEscalator)(nil)

// Escalate posts the internal comment.
func (e *TicketEscalator) Escalate(ctx context.Context, esc Escalation) error {
	body := textsFor(e.Locale).escalated + "\n" + strings.Join(e.Contacts, ", ")
	if err := e.Tickets.Comment(ctx, esc.Ticket.ID, body, ticketing.Internal); err != nil {
		return fmt.Errorf("posting the escalation on ticket %q: %w", esc.Ticket.ID, err)
	}
	return nil
}

func displayName(u Subject) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.UserPrincipalName
}
