package approval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/notify"
	"github.com/secamo/orchestrator/lambdas"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// Input is the request-approval step's input.
type Input struct {
	// TaskToken is $$.Task.Token; it stays in the approval store.
	TaskToken string `json:"taskToken"`
	Tenant    string `json:"tenant"`
	// Execution is $$.Execution.Id, for the audit trail and logs.
	Execution string `json:"execution"`
	// Level is the escalation level, starting at 1; 0 means 1.
	Level int `json:"level,omitempty"`
	// Approvers overrides the level's approvers from the tenant file.
	Approvers []string `json:"approvers,omitempty"`
	// Action describes in one sentence the change an approval allows.
	Action    string `json:"action"`
	Reason    string `json:"reason"`
	TicketURL string `json:"ticketUrl"`
	// Requester is the person who asked for the action; they cannot approve it.
	Requester string `json:"requester"`
	// Timeout overrides the level's timeout from the tenant file, as a Go duration ("4h").
	// It must equal the task's TimeoutSeconds, so the links expire when the wait ends.
	Timeout string `json:"timeout,omitempty"`
}

// Output is the step's result. With .waitForTaskToken, Step Functions discards it and the
// task's result is the decision; the local engine and the tests read it.
type Output struct {
	ApprovalID string    `json:"approvalId"`
	Level      int       `json:"level"`
	LastLevel  bool      `json:"lastLevel"`
	Approvers  []string  `json:"approvers"`
	ExpiresAt  time.Time `json:"expiresAt"`
	// Notified lists the channels that accepted a message: "email:ADDRESS" and "teams".
	Notified []string `json:"notified"`
}

// RecordCreator stores new approval records.
type RecordCreator interface {
	Create(ctx context.Context, r approvals.Record) error
}

// TeamsPoster posts a message to a Teams Workflows webhook.
type TeamsPoster interface {
	Post(ctx context.Context, webhookURL string, msg notify.TeamsMessage) error
}

// Handler is the request-approval step with its dependencies.
type Handler struct {
	Store   RecordCreator
	Tenants approvals.Tenants
	Secrets secrets.Resolver
	// Email sends e-mails; nil sends none.
	Email notify.EmailSender
	// Teams posts to the tenant's Teams webhook when the tenant configures one; nil posts
	// nothing.
	Teams  TeamsPoster
	Clock  approvals.Clock
	Logger *slog.Logger
}

// StepName is the placeholder of the step in ASL files: ${RequestApproval}.
const StepName = "RequestApproval"

// LevelsStepName is the placeholder of the Levels step: ${ApprovalLevels}.
const LevelsStepName = "ApprovalLevels"

// Register adds the steps to the registry.
func Register(r lambdas.Registry, h *Handler) {
	r.Add(StepName, lambdas.Typed(h.Handle))
	r.Add(LevelsStepName, lambdas.Typed(h.Levels))
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.Default()
	}
	return h.Logger
}

// maxTaskTokenLength bounds the stored token. Step Functions documents no maximum for
// task tokens; NOTE: 8192 is a guess well above the 2,048 characters tests use.
const maxTaskTokenLength = 8192

// Handle stores the approval record and sends the messages.
func (h *Handler) Handle(ctx context.Context, in Input) (Output, error) {
	cfg, ok := h.Tenants.Tenant(in.Tenant)
	if !ok {
		return Output{}, invalid("tenant", "unknown tenant %q: check the workflow's tenant field and the deployed tenant files", in.Tenant)
	}
	if err := in.check(); err != nil {
		return Output{}, err
	}
	level := max(in.Level, 1)
	approvers, timeout, err := resolveLevel(cfg, in, level)
	if err != nil {
		return Output{}, err
	}

	now := h.Clock.Now().UTC()
	rec := approvals.Record{
		ID: approvals.NewID(), Tenant: cfg.Name, Execution: in.Execution, TaskToken: in.TaskToken,
		Level: level, Approvers: approvers, Requester: in.Requester, Action: in.Action,
		Reason: in.Reason, TicketURL: in.TicketURL, CreatedAt: now,
		ExpiresAt: now.Add(timeout).Truncate(time.Second), Status: approvals.StatusPending,
	}
	signer, err := approvals.SignerFor(ctx, h.Secrets, cfg)
	if err != nil {
		return Output{}, &NotConfigured{What: "approval signing key", Err: err}
	}
	if err := h.Store.Create(ctx, rec); err != nil {
		return Output{}, &ApprovalNotStored{Execution: in.Execution, Err: err}
	}
	h.logger().InfoContext(ctx, "approval requested", "tenant", cfg.Name, "execution", in.Execution,
		"approval", rec.ID, "level", level, "approvers", len(approvers), "expires", rec.ExpiresAt)

	req := &notify.Request{
		Record: rec, Links: map[string]string{}, Texts: approvals.TextsFor(cfg.Locale),
		Location: approvals.Location(cfg), From: cfg.Approvals.From, Date: now,
	}
	for _, a := range approvers {
		req.Links[a] = signer.URL(cfg.Approvals.BaseURL, approvals.Link{Tenant: cfg.Name, ID: rec.ID, Approver: a, Expires: rec.ExpiresAt})
	}
	notified, err := h.notify(ctx, cfg, req)
	if err != nil {
		return Output{}, err
	}
	return Output{
		ApprovalID: rec.ID, Level: level, LastLevel: level >= len(cfg.Approvals.Levels),
		Approvers: approvers, ExpiresAt: rec.ExpiresAt, Notified: notified,
	}, nil
}

func (in *Input) check() error {
	switch {
	case in.TaskToken == "":
		return invalid("taskToken", "missing: pass \"taskToken.$\": \"$$.Task.Token\" with the .waitForTaskToken resource")
	case len(in.TaskToken) > maxTaskTokenLength:
		return invalid("taskToken", "%d characters long, more than the %d this step stores", len(in.TaskToken), maxTaskTokenLength)
	case strings.TrimSpace(in.Action) == "":
		return invalid("action", "missing: say what will happen when approved")
	case strings.TrimSpace(in.Requester) == "":
		return invalid("requester", "missing: name who asked for the action, so they cannot approve it themselves")
	case in.Level < 0:
		return invalid("level", "%d is negative: levels start at 1", in.Level)
	}
	for i, a := range in.Approvers {
		if _, err := mail.ParseAddress(a); err != nil {
			return invalid(fmt.Sprintf("approvers[%d]", i), "invalid e-mail address %q", a)
		}
	}
	return nil
}

// resolveLevel returns the approvers and timeout of a level, without the requester.
func resolveLevel(cfg *tenants.Config, in Input, level int) ([]string, time.Duration, error) {
	var approvers []string
	var timeout time.Duration
	if level <= len(cfg.Approvals.Levels) {
		l := cfg.Approvals.Levels[level-1]
		approvers, timeout = l.Approvers, l.Timeout.Std()
	}
	if len(in.Approvers) > 0 {
		approvers = in.Approvers
	}
	if in.Timeout != "" {
		d, err := time.ParseDuration(in.Timeout)
		if err != nil || d <= 0 {
			return nil, 0, invalid("timeout", "invalid duration %q: write it like 4h, equal to the task's TimeoutSeconds", in.Timeout)
		}
		timeout = d
	}
	if len(approvers) == 0 || timeout <= 0 {
		return nil, 0, &NoApprovers{Tenant: cfg.Name, Level: level, Levels: len(cfg.Approvals.Levels)}
	}
	var kept []string
	for _, a := range approvers {
		if !strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(in.Requester)) {
			kept = append(kept, a)
		}
	}
	if len(kept) == 0 {
		return nil, 0, &NoApprovers{Tenant: cfg.Name, Level: level, Levels: len(cfg.Approvals.Levels), OnlyRequester: true}
	}
	return kept, timeout, nil
}

// notify sends the e-mails and the Teams card. It fails only when no message went out,
// because then nobody can decide and the workflow would wait for nothing.
func (h *Handler) notify(ctx context.Context, cfg *tenants.Config, req *notify.Request) ([]string, error) {
	var notified []string
	var errs []error
	if h.Email != nil {
		for _, a := range req.Record.Approvers {
			if err := h.sendEmail(ctx, req, a); err != nil {
				errs = append(errs, err)
				continue
			}
			notified = append(notified, "email:"+a)
		}
	}
	if h.Teams != nil && cfg.Approvals.TeamsWebhook != "" {
		if err := h.postTeams(ctx, cfg, req); err != nil {
			errs = append(errs, err)
		} else {
			notified = append(notified, "teams")
		}
	}
	for _, err := range errs {
		h.logger().ErrorContext(ctx, "sending approval request", "tenant", cfg.Name,
			"execution", req.Record.Execution, "approval", req.Record.ID, "error", err)
	}
	if len(notified) == 0 {
		return nil, &NotificationFailed{ApprovalID: req.Record.ID, Err: errors.Join(append(errs, errors.New("no e-mail sender or Teams webhook configured"))...)}
	}
	return notified, nil
}

func (h *Handler) sendEmail(ctx context.Context, req *notify.Request, approver string) error {
	e, err := notify.BuildEmail(req, approver)
	if err != nil {
		return err
	}
	return h.Email.Send(ctx, e)
}

func (h *Handler) postTeams(ctx context.Context, cfg *tenants.Config, req *notify.Request) error {
	url, err := h.Secrets.Resolve(ctx, cfg.Approvals.TeamsWebhook)
	if err != nil {
		return fmt.Errorf("resolving Teams webhook of tenant %q: %w", cfg.Name, err)
	}
	return h.Teams.Post(ctx, url, notify.BuildTeamsMessage(req))
}
