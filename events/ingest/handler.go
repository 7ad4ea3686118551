package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/secamo/orchestrator/events/normalize"
	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// Starter starts a workflow execution. A name already used with the same input returns the
// existing execution. A name used with a different input returns an error whose type is named
// ExecutionAlreadyExists, as in the local engine and Step Functions.
type Starter interface {
	StartExecution(ctx context.Context, workflow, name, input string) (string, error)
}

// Clock returns the current time.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// DefaultMaxBodyBytes is the body size accepted when Handler.MaxBodyBytes is zero. It is four
// times EventBridge's 256 KB event limit, so a forwarded Security Hub batch always fits.
const DefaultMaxBodyBytes = 1 << 20

// Systems lists the {system} path values the handler accepts.
var Systems = []string{"jira", "servicenow", "freshdesk", "servicedeskplus", "sentinel", "defender", "wazuh", "aws"}

// Handler serves POST /webhooks/{tenant}/{system}.
type Handler struct {
	// Tenants holds the tenant files by tenant name.
	Tenants map[string]*tenants.Config
	Secrets secrets.Resolver
	Rules   []rules.Rule
	Starter Starter
	// Quarantine keeps rejected, unmatched and failed requests.
	Quarantine Quarantine
	// Clock defaults to the system clock; Logger to slog.Default().
	Clock        Clock
	Logger       *slog.Logger
	MaxBodyBytes int64
}

var _ http.Handler = (*Handler)(nil)

// Response is the JSON body of a processed request.
type Response struct {
	Tenant string          `json:"tenant"`
	System string          `json:"system"`
	Events []EventResponse `json:"events"`
}

// EventResponse reports one canonical event.
type EventResponse struct {
	ID            string      `json:"id"`
	ExecutionName string      `json:"executionName"`
	Executions    []Execution `json:"executions"`
	// Reason explains why no execution was started.
	Reason string `json:"reason,omitempty"`
}

// Execution is one started (or already running) workflow execution.
type Execution struct {
	Workflow string `json:"workflow"`
	ID       string `json:"id,omitempty"`
	// Duplicate is set when an execution of that name already ran with another input: the
	// event is a later version of one already handled.
	Duplicate bool `json:"duplicate,omitempty"`
}

// ErrorResponse is the JSON body of a rejected request.
type ErrorResponse struct {
	Error string `json:"error"`
	// Quarantined is the id of the record that keeps the request.
	Quarantined string `json:"quarantined,omitempty"`
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, ErrorResponse{Error: "method not allowed: send webhooks with POST"})
		return
	}
	req := &request{h: h, w: w, r: r, at: h.clock().Now()}
	req.serve()
}

func (h *Handler) clock() Clock {
	if h.Clock == nil {
		return systemClock{}
	}
	return h.Clock
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.Default()
	}
	return h.Logger
}

// request is the state of one webhook delivery.
type request struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	at     time.Time
	body   []byte
	tenant string
	system string
	// trusted is set for an event that EventBridge delivered (see HandleEvent): IAM
	// authenticated it, and it carries no webhook signature.
	trusted bool
}

func (q *request) serve() {
	ctx := q.r.Context()
	limit := q.h.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	body, err := io.ReadAll(http.MaxBytesReader(q.w, q.r.Body, limit))
	q.body = body
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			q.reject(ctx, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", limit))
			return
		}
		q.reject(ctx, http.StatusBadRequest, fmt.Sprintf("reading body: %v", err))
		return
	}

	tenant, system, ok := parsePath(q.r.URL.Path)
	q.tenant, q.system = tenant, system
	if !ok {
		q.reject(ctx, http.StatusNotFound, "unknown path: post to /webhooks/{tenant}/{system}")
		return
	}
	cfg := q.h.Tenants[tenant]
	if cfg == nil {
		q.reject(ctx, http.StatusNotFound, fmt.Sprintf("unknown tenant %q", tenant))
		return
	}
	if !contains(Systems, system) && !(q.trusted && system == systemBus) {
		q.reject(ctx, http.StatusNotFound, fmt.Sprintf("unknown system %q: use one of %s", system, strings.Join(Systems, ", ")))
		return
	}
	if !q.trusted {
		if status, msg := q.verify(ctx, cfg); status != 0 {
			q.reject(ctx, status, msg)
			return
		}
	}

	results, err := q.normalize(cfg)
	if err != nil {
		q.reject(ctx, http.StatusBadRequest, err.Error())
		return
	}
	router := rules.Router{Rules: q.h.Rules, Enabled: cfg.WorkflowEnabled}
	decisions, err := router.Route(results)
	if err != nil {
		q.reject(ctx, http.StatusInternalServerError, err.Error())
		return
	}
	q.start(ctx, decisions)
}

// parsePath splits /webhooks/{tenant}/{system}.
func parsePath(path string) (tenant, system string, ok bool) {
	rest, found := strings.CutPrefix(path, "/webhooks/")
	if !found {
		return "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// verify returns a non-zero status and a message when the request is not authenticated.
func (q *request) verify(ctx context.Context, cfg *tenants.Config) (int, string) {
	ref := cfg.Events.WebhookSecret
	if ref == "" {
		return http.StatusForbidden, fmt.Sprintf("webhooks are not enabled for tenant %q: set events.webhookSecret in its tenant file", q.tenant)
	}
	secret, err := q.h.Secrets.Resolve(ctx, ref)
	if err != nil {
		q.h.logger().ErrorContext(ctx, "resolving webhook secret", "tenant", q.tenant, "err", err)
		return http.StatusInternalServerError, "the tenant's webhook secret could not be resolved"
	}
	if authMethod(cfg.Events.WebhookAuth, q.system) == "hmac" {
		err = VerifySignature(q.body, q.r.Header.Get(SignatureHeader), secret)
	} else {
		err = VerifyToken(q.r, secret)
	}
	if err != nil {
		return http.StatusUnauthorized, err.Error()
	}
	return 0, ""
}

func (q *request) normalize(cfg *tenants.Config) ([]normalize.Result, error) {
	if q.system == systemBus {
		return canonicalResult(q.body)
	}
	source := q.system
	if source == "aws" {
		detected, err := normalize.Detect(q.body)
		if err != nil {
			return nil, err
		}
		if detected != "guardduty" && detected != "securityhub" {
			return nil, fmt.Errorf("the aws endpoint takes GuardDuty and Security Hub events, got a %s payload", detected)
		}
		source = detected
	}
	return normalize.Normalize(source, q.body, normalize.Options{Mapping: normalize.MappingFor(cfg), Received: q.at})
}

// start starts the executions of every decision and writes the response. An event that matches
// no rule is kept as unmatched. An event whose start failed is kept as failed and turns the
// response into a 502, so the sender retries.
func (q *request) start(ctx context.Context, decisions []rules.Decision) {
	log := q.h.logger().With("tenant", q.tenant, "system", q.system)
	resp := Response{Tenant: q.tenant, System: q.system, Events: []EventResponse{}}
	var failures []string
	for _, d := range decisions {
		ev := EventResponse{ID: d.Result.ID(), ExecutionName: d.ExecutionName, Executions: []Execution{}, Reason: d.Reason}
		if len(d.Workflows) == 0 {
			log.InfoContext(ctx, "event matched no rule", "event", ev.ID, "reason", d.Reason)
			q.keep(ctx, KindUnmatched, http.StatusOK, fmt.Sprintf("event %s: %s", ev.ID, d.Reason))
		}
		input, err := json.Marshal(d.Result.Envelope)
		if err != nil {
			failures = append(failures, fmt.Sprintf("encoding event %s: %v", ev.ID, err))
			continue
		}
		for _, workflow := range d.Workflows {
			// NOTE: names are unique per state machine, and each tenant has its own deployment.
			// An engine that serves several tenants with one state machine must keep them
			// apart, because two tenants' ticket ids can coincide.
			id, err := q.h.Starter.StartExecution(ctx, workflow, d.ExecutionName, string(input))
			switch {
			case err == nil:
				log.InfoContext(ctx, "execution started", "event", ev.ID, "workflow", workflow, "execution", d.ExecutionName)
				ev.Executions = append(ev.Executions, Execution{Workflow: workflow, ID: id})
			case isAlreadyExists(err):
				log.InfoContext(ctx, "execution already exists", "event", ev.ID, "workflow", workflow, "execution", d.ExecutionName)
				ev.Executions = append(ev.Executions, Execution{Workflow: workflow, Duplicate: true})
			default:
				log.ErrorContext(ctx, "starting execution", "event", ev.ID, "workflow", workflow, "execution", d.ExecutionName, "err", err)
				failures = append(failures, fmt.Sprintf("starting %s for event %s: %v", workflow, ev.ID, err))
			}
		}
		resp.Events = append(resp.Events, ev)
	}
	if len(failures) > 0 {
		reason := strings.Join(failures, "; ")
		id := q.keep(ctx, KindFailed, http.StatusBadGateway, reason)
		writeJSON(q.w, http.StatusBadGateway, ErrorResponse{Error: reason, Quarantined: id})
		return
	}
	writeJSON(q.w, http.StatusOK, resp)
}

func (q *request) reject(ctx context.Context, status int, reason string) {
	q.h.logger().WarnContext(ctx, "webhook rejected", "tenant", q.tenant, "system", q.system,
		"path", redactedURL(q.r.URL), "status", status, "reason", reason)
	id := q.keep(ctx, KindRejected, status, reason)
	writeJSON(q.w, status, ErrorResponse{Error: reason, Quarantined: id})
}

// keep stores a record and returns its id, or "" when the quarantine failed (logged).
func (q *request) keep(ctx context.Context, kind string, status int, reason string) string {
	if q.h.Quarantine == nil {
		return ""
	}
	rec := newRecord(kind, q.at, q.r, q.body)
	rec.Tenant, rec.System, rec.Reason, rec.Status = q.tenant, q.system, reason, status
	if err := q.h.Quarantine.Keep(ctx, rec); err != nil {
		q.h.logger().ErrorContext(ctx, "keeping request in quarantine", "tenant", q.tenant, "system", q.system, "kind", kind, "err", err)
		return ""
	}
	return rec.ID
}

// isAlreadyExists reports whether err or an error it wraps is of a type named
// ExecutionAlreadyExists. The type name is the contract, as for every error a state machine
// catches, so this package does not import the engine.
func isAlreadyExists(err error) bool {
	for err != nil {
		t := reflect.TypeOf(err)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Name() == "ExecutionAlreadyExists" {
			return true
		}
		if multi, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range multi.Unwrap() {
				if isAlreadyExists(e) {
					return true
				}
			}
			return false
		}
		err = errors.Unwrap(err)
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
