// Package jira emulates the Jira Service Management Cloud calls the orchestrator makes:
// raising customer requests and commenting on them (/rest/servicedeskapi/request), reading
// issues, JQL search by label or text custom field, transitions, ADF comments and attachments
// (/rest/api/3). It accepts basic authentication with an e-mail address and API token or a
// bearer token, and writes Jira's {"errorMessages", "errors"} bodies.
package jira

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

// Options configures the emulator.
type Options struct {
	// Email and APIToken are accepted with basic auth; OAuthToken as a bearer token. Either
	// may be empty to turn that scheme off.
	Email, APIToken, OAuthToken string
	// ProjectKey prefixes issue keys (ITS-1); ServiceDeskID and RequestTypeID are the ids
	// requests must name. They default to ITS, 1 and 10.
	ProjectKey, ServiceDeskID, RequestTypeID string
}

// Transitions are the workflow's transitions, available from every other status: transition
// id, name and target status, after the default Service Management IT support workflow.
var Transitions = []struct{ ID, Name, To string }{
	{"11", "Respond to customer", "Waiting for customer"},
	{"21", "Start progress", "In Progress"},
	{"31", "Resolve this issue", "Resolved"},
	{"41", "Cancel request", "Canceled"},
	{"51", "Back to waiting for support", "Waiting for support"},
}

// Server is the emulator; it implements http.Handler.
type Server struct {
	Store     *ticketing.Store
	Faults    *ticketing.Faults
	SlowDelay time.Duration
	opts      Options
	mux       *http.ServeMux
}

var _ http.Handler = (*Server)(nil)

// New returns an emulator.
func New(opts Options) *Server {
	if opts.ProjectKey == "" {
		opts.ProjectKey = "ITS"
	}
	if opts.ServiceDeskID == "" {
		opts.ServiceDeskID = "1"
	}
	if opts.RequestTypeID == "" {
		opts.RequestTypeID = "10"
	}
	s := &Server{
		Store: ticketing.NewStore(func(n int) (string, string) {
			return fmt.Sprint(10000 + n), fmt.Sprintf("%s-%d", opts.ProjectKey, n)
		}, nil),
		Faults: &ticketing.Faults{},
		opts:   opts,
		mux:    http.NewServeMux(),
	}
	s.mux.HandleFunc("POST /rest/servicedeskapi/request", s.createRequest)
	s.mux.HandleFunc("POST /rest/servicedeskapi/request/{id}/comment", s.addRequestComment)
	s.mux.HandleFunc("GET /rest/api/3/issue/{id}", s.getIssue)
	s.mux.HandleFunc("POST /rest/api/3/issue/{id}/comment", s.addIssueComment)
	s.mux.HandleFunc("GET /rest/api/3/issue/{id}/transitions", s.listTransitions)
	s.mux.HandleFunc("POST /rest/api/3/issue/{id}/transitions", s.doTransition)
	s.mux.HandleFunc("POST /rest/api/3/issue/{id}/attachments", s.attach)
	s.mux.HandleFunc("GET /rest/api/3/search/jql", s.search)
	return s
}

// Start serves the emulator on a loopback listener.
func (s *Server) Start() *httptest.Server { return ticketing.Start(s) }

// ServeHTTP applies faults and authentication, then routes the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ticketing.Middleware(s, s.Faults, s.SlowDelay, s.mux).ServeHTTP(w, r)
}

// Authenticate implements ticketing.Vendor.
func (s *Server) Authenticate(r *http.Request) bool {
	if email, token, ok := r.BasicAuth(); ok {
		return s.opts.Email != "" && email == s.opts.Email && token == s.opts.APIToken
	}
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && s.opts.OAuthToken != "" && bearer == s.opts.OAuthToken
}

// WriteError implements ticketing.Vendor with Jira's error body.
func (s *Server) WriteError(w http.ResponseWriter, status int, kind ticketing.FaultKind, message string) {
	switch status {
	case http.StatusUnauthorized:
		writeError(w, status, []string{"Client must be authenticated to access this resource."}, nil)
	case http.StatusNotFound:
		writeError(w, status, []string{"Issue does not exist or you do not have permission to see it."}, nil)
	case http.StatusTooManyRequests:
		writeError(w, status, []string{"Rate limit exceeded."}, nil)
	default:
		writeError(w, status, nil, map[string]string{"body": message})
	}
}

func writeError(w http.ResponseWriter, status int, messages []string, fields map[string]string) {
	if messages == nil {
		messages = []string{}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	ticketing.WriteJSON(w, status, map[string]any{"errorMessages": messages, "errors": fields})
}

func (s *Server) issue(w http.ResponseWriter, r *http.Request) (ticketing.Record, bool) {
	rec, ok := s.Store.Get(r.PathValue("id"))
	if !ok {
		s.WriteError(w, http.StatusNotFound, ticketing.MissingTicket, "")
	}
	return rec, ok
}

func (s *Server) statusCategory(status string) string {
	switch status {
	case "Resolved", "Canceled":
		return "done"
	case "Waiting for support":
		return "new"
	}
	return "indeterminate"
}

// SeedDemo stores the demo tickets (see ticketing.DemoRecords) with status Waiting for support.
func (s *Server) SeedDemo(fields map[string]string) []ticketing.Record {
	return s.Store.Seed(ticketing.DemoRecords("Waiting for support", fields)...)
}
