package approvals

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// Handler serves GET, HEAD and POST /approvals/{tenant}/{id}: the Lambda behind a function
// URL and "orchestrator serve" share it. GET and HEAD show the confirmation page and change
// nothing; POST with the page's form token decides.
type Handler struct {
	Service *Service
	Tenants Tenants
	Secrets secrets.Resolver
	Logger  *slog.Logger
}

var _ http.Handler = (*Handler)(nil)

// maxCommentRunes is the longest comment kept with a decision.
const maxCommentRunes = 2000

// request is one call of the handler after the checks shared by all methods.
type request struct {
	tenant *tenants.Config
	t      *Texts
	loc    *time.Location
	signer *Signer
	link   Link
	rec    Record
	audit  AuditEvent
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.Default()
	}
	return h.Logger
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tenantName, id, ok := splitPath(r.URL.Path)
	if !ok {
		writePage(w, http.StatusNotFound, newPage(TextsFor("en"), nil, nil, TextsFor("en").NotFound))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	req, status, msg := h.check(r, tenantName, id)
	if status != 0 {
		h.record(r.Context(), req.audit)
		writePage(w, status, newPage(req.t, nil, req.loc, msg))
		return
	}
	if r.Method == http.MethodPost {
		h.decide(w, r, req)
		return
	}
	h.show(w, r, req)
}

// splitPath returns the tenant and id of /approvals/{tenant}/{id}.
func splitPath(p string) (tenant, id string, ok bool) {
	rest, found := strings.CutPrefix(p, "/approvals/")
	if !found {
		return "", "", false
	}
	tenant, id, found = strings.Cut(rest, "/")
	if !found || tenant == "" || len(tenant) > 64 || !ValidID(id) {
		return "", "", false
	}
	return tenant, id, true
}

// check runs the checks every method shares. A non-zero status means the request ends with
// that status and message; req.audit then holds the outcome.
func (h *Handler) check(r *http.Request, tenantName, id string) (req *request, status int, msg string) {
	req = &request{t: TextsFor("en"), loc: time.UTC}
	req.audit = AuditEvent{
		ApprovalID: id, Tenant: tenantName, At: h.Service.Clock.Now().UTC(), Method: r.Method,
		Approver: truncate(r.URL.Query().Get(paramApprover), 320), RemoteIP: remoteIP(r),
		UserAgent: truncate(r.UserAgent(), 300),
	}
	cfg, ok := h.Tenants.Tenant(tenantName)
	if !ok {
		req.audit.Outcome = "unknown-tenant"
		return req, http.StatusNotFound, req.t.NotFound
	}
	req.tenant, req.t, req.loc = cfg, TextsFor(cfg.Locale), Location(cfg)

	// NOTE: the key is resolved on every request. With Secrets Manager, give the handler a
	// caching secrets.Resolver.
	signer, err := SignerFor(r.Context(), h.Secrets, cfg)
	if err != nil {
		h.logger().ErrorContext(r.Context(), "loading signing key", "tenant", cfg.Name, "approval", id, "error", err)
		req.audit.Outcome = "signing-key-unavailable"
		return req, http.StatusServiceUnavailable, req.t.Unavailable
	}
	req.signer = signer
	req.link, err = signer.ParseLink(cfg.Name, id, r.URL.Query())
	if err != nil {
		req.audit.Outcome = "invalid-signature"
		return req, http.StatusForbidden, req.t.InvalidLink
	}

	req.rec, err = h.Service.Store.Get(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		req.audit.Outcome = "not-found"
		return req, http.StatusNotFound, req.t.NotFound
	case err != nil:
		h.logger().ErrorContext(r.Context(), "reading approval", "tenant", cfg.Name, "approval", id, "error", err)
		req.audit.Outcome = "store-unavailable"
		return req, http.StatusServiceUnavailable, req.t.Unavailable
	case req.rec.Tenant != cfg.Name:
		req.audit.Outcome = "wrong-tenant"
		return req, http.StatusForbidden, req.t.InvalidLink
	case req.rec.IsRequester(req.link.Approver):
		req.audit.Outcome = "self-approval"
		return req, http.StatusForbidden, req.t.SelfApproval
	case !req.rec.IsApprover(req.link.Approver):
		req.audit.Outcome = "not-approver"
		return req, http.StatusForbidden, sprintf(req.t.NotApprover, req.link.Approver)
	case req.rec.Status == StatusApproved || req.rec.Status == StatusRejected:
		req.audit.Outcome = "already-decided"
		return req, http.StatusConflict, decidedMessage(req.t, req.rec, req.loc)
	case req.rec.Status == StatusExpired || !req.audit.At.Before(req.rec.ExpiresAt) || !req.audit.At.Before(req.link.Expires):
		req.audit.Outcome = "expired"
		return req, http.StatusGone, sprintf(req.t.Expired, req.t.FormatTime(req.rec.ExpiresAt, req.loc))
	}
	return req, 0, ""
}

// show writes the confirmation page with a fresh form token; it changes nothing but the
// audit log.
func (h *Handler) show(w http.ResponseWriter, r *http.Request, req *request) {
	req.audit.Outcome = "viewed"
	h.record(r.Context(), req.audit)
	p := newPage(req.t, &req.rec, req.loc)
	p.Form = &form{
		Token:    req.signer.FormToken(req.link),
		Approver: req.link.Approver,
	}
	writePage(w, http.StatusOK, p)
}

func (h *Handler) record(ctx context.Context, e AuditEvent) {
	if err := h.Service.Store.AppendAudit(ctx, e); err != nil {
		h.logger().ErrorContext(ctx, "writing audit event", "tenant", e.Tenant, "approval", e.ApprovalID,
			"outcome", e.Outcome, "error", err)
	}
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
