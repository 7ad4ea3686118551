// Package servicenow emulates the parts of the ServiceNow Table API and Attachment API the
// orchestrator uses, for one task table (incident by default): get, query by encoded query
// (field=value terms joined by ^, with ORDERBY), create, PATCH, sys_user lookup by e-mail and
// file attachments. Values are strings and references {link, value} objects, as on a real
// instance; errors use {"error":{"message","detail"},"status":"failure"}.
package servicenow

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

// Options configures the emulator.
type Options struct {
	// Table is incident (the default), sc_request or sc_req_item.
	Table string
	// User and Password are accepted with basic auth; Token as a bearer token. Either may be
	// empty to turn that scheme off.
	User, Password, Token string
}

// Server is the emulator; it implements http.Handler.
type Server struct {
	Store     *ticketing.Store
	Faults    *ticketing.Faults
	SlowDelay time.Duration
	opts      Options
	prefix    string
	mux       *http.ServeMux

	mu    sync.Mutex
	users map[string]string // sys_id to e-mail address
}

var _ http.Handler = (*Server)(nil)

// New returns an emulator.
func New(opts Options) *Server {
	if opts.Table == "" {
		opts.Table = "incident"
	}
	prefix := map[string]string{"incident": "INC", "sc_request": "REQ", "sc_req_item": "RITM"}[opts.Table]
	s := &Server{
		Store: ticketing.NewStore(func(n int) (string, string) {
			return fmt.Sprintf("46d44a5b%024x", n), fmt.Sprintf("%s%07d", prefix, 10000+n)
		}, nil),
		Faults: &ticketing.Faults{},
		opts:   opts,
		prefix: prefix,
		mux:    http.NewServeMux(),
		users:  map[string]string{},
	}
	table := "/api/now/table/" + opts.Table
	s.mux.HandleFunc("GET "+table+"/{id}", s.get)
	s.mux.HandleFunc("GET "+table, s.query)
	s.mux.HandleFunc("POST "+table, s.create)
	s.mux.HandleFunc("PATCH "+table+"/{id}", s.update)
	s.mux.HandleFunc("PUT "+table+"/{id}", s.update)
	s.mux.HandleFunc("GET /api/now/table/sys_user", s.queryUsers)
	s.mux.HandleFunc("POST /api/now/attachment/file", s.attach)
	return s
}

// Start serves the emulator on a loopback listener.
func (s *Server) Start() *httptest.Server { return ticketing.Start(s) }

// AddUser adds an active sys_user with the e-mail address and returns its sys_id.
func (s *Server) AddUser(email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("a8f98bb0%024x", len(s.users)+1)
	s.users[id] = email
	return id
}

func (s *Server) userEmail(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	email, ok := s.users[id]
	return email, ok
}

func (s *Server) userID(email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, e := range s.users {
		if strings.EqualFold(e, email) {
			return id
		}
	}
	return ""
}

// ServeHTTP applies faults and authentication, then routes the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ticketing.Middleware(s, s.Faults, s.SlowDelay, s.mux).ServeHTTP(w, r)
}

// Authenticate implements ticketing.Vendor.
func (s *Server) Authenticate(r *http.Request) bool {
	if user, password, ok := r.BasicAuth(); ok {
		return s.opts.User != "" && user == s.opts.User && password == s.opts.Password
	}
	return s.opts.Token != "" && r.Header.Get("Authorization") == "Bearer "+s.opts.Token
}

// WriteError implements ticketing.Vendor with ServiceNow's error body.
func (s *Server) WriteError(w http.ResponseWriter, status int, kind ticketing.FaultKind, message string) {
	switch status {
	case http.StatusUnauthorized:
		writeError(w, status, "User Not Authenticated", "Required to provide Auth information")
	case http.StatusNotFound:
		writeError(w, status, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
	case http.StatusTooManyRequests:
		writeError(w, status, "Rate limit exceeded", "The rate limit rule for this user was exceeded")
	default:
		writeError(w, status, "Exception while reading request", message)
	}
}

func writeError(w http.ResponseWriter, status int, message, detail string) {
	ticketing.WriteJSON(w, status, map[string]any{
		"error": map[string]string{"message": message, "detail": detail}, "status": "failure",
	})
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.Store.Get(r.PathValue("id"))
	if !ok || rec.ID != r.PathValue("id") {
		s.WriteError(w, http.StatusNotFound, ticketing.MissingTicket, "")
		return
	}
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"result": s.render(r, rec)})
}

func (s *Server) query(w http.ResponseWriter, r *http.Request) {
	terms, err := parseQuery(r.URL.Query().Get("sysparm_query"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid query", err.Error())
		return
	}
	found := s.Store.Find(func(rec ticketing.Record) bool {
		values := s.values(rec)
		for field, want := range terms {
			if values[field] != want {
				return false
			}
		}
		return true
	})
	results := []map[string]any{}
	for _, rec := range found {
		results = append(results, s.render(r, rec))
	}
	if limit := r.URL.Query().Get("sysparm_limit"); limit == "1" && len(results) > 1 {
		results = results[:1]
	}
	w.Header().Set("X-Total-Count", fmt.Sprint(len(found)))
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"result": results})
}

func (s *Server) queryUsers(w http.ResponseWriter, r *http.Request) {
	terms, err := parseQuery(r.URL.Query().Get("sysparm_query"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid query", err.Error())
		return
	}
	results := []map[string]string{}
	if id := s.userID(terms["email"]); id != "" && terms["active"] != "false" {
		results = append(results, map[string]string{"sys_id": id})
	}
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"result": results})
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	in, ok := decode(w, r)
	if !ok {
		return
	}
	rec := ticketing.Record{Status: s.initialState(), Fields: map[string]string{}}
	s.apply(&rec, in)
	rec = s.Store.Create(rec)
	ticketing.WriteJSON(w, http.StatusCreated, map[string]any{"result": s.render(r, rec)})
}

func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	in, ok := decode(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if state, ok := in["state"]; ok && label(s.opts.Table, state) == "" {
		writeError(w, http.StatusBadRequest, "Invalid state", fmt.Sprintf("%q is not a choice of %s.state", state, s.opts.Table))
		return
	}
	rec, found := s.Store.Update(id, func(rec *ticketing.Record) { s.apply(rec, in) })
	if !found || rec.ID != id {
		s.WriteError(w, http.StatusNotFound, ticketing.MissingTicket, "")
		return
	}
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"result": s.render(r, rec)})
}

// apply writes fields into a record the way the Table API treats them: comments and work
// notes are journal fields that append an entry, close notes end up as the resolution.
func (s *Server) apply(rec *ticketing.Record, in map[string]string) {
	for field, value := range in {
		switch field {
		case "short_description":
			rec.Subject = value
		case "description":
			rec.Description = value
		case "state":
			rec.Status = label(s.opts.Table, value)
		case "urgency":
			rec.Priority = value
		case "comments", "work_notes":
			if value != "" {
				rec.Comments = append(rec.Comments, ticketing.Comment{Body: value, Public: field == "comments", At: time.Now().UTC()})
			}
		case "close_notes":
			rec.Resolution = value
		case requesterField(s.opts.Table):
			if email, ok := s.userEmail(value); ok {
				rec.Requester = email
			} else {
				rec.Requester = value
			}
		default:
			rec.Fields[field] = value
		}
	}
}

func (s *Server) attach(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("table_name") != s.opts.Table || q.Get("file_name") == "" {
		writeError(w, http.StatusBadRequest, "Invalid file_name or table_name", "table_name, table_sys_id and file_name are required")
		return
	}
	content, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Exception while reading request", err.Error())
		return
	}
	id := q.Get("table_sys_id")
	rec, ok := s.Store.Update(id, func(rec *ticketing.Record) {
		rec.Attachments = append(rec.Attachments, ticketing.Attachment{Name: q.Get("file_name"), Content: content})
	})
	if !ok || rec.ID != id {
		writeError(w, http.StatusBadRequest, "Invalid table_sys_id", "no record "+id+" in "+s.opts.Table)
		return
	}
	ticketing.WriteJSON(w, http.StatusCreated, map[string]any{"result": map[string]string{
		"sys_id": fmt.Sprintf("c0ffee00%024x", len(rec.Attachments)), "file_name": q.Get("file_name"),
		"table_name": s.opts.Table, "table_sys_id": id, "size_bytes": fmt.Sprint(len(content)),
		"content_type": r.Header.Get("Content-Type"),
	}})
}

func decode(w http.ResponseWriter, r *http.Request) (map[string]string, bool) {
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Exception while reading request", "The payload is not valid JSON.")
		return nil, false
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = fmt.Sprint(v)
	}
	return out, true
}

// parseQuery reads field=value terms joined by ^ and ignores ORDERBY terms.
func parseQuery(q string) (map[string]string, error) {
	terms := map[string]string{}
	for _, term := range strings.Split(q, "^") {
		if term == "" || strings.HasPrefix(term, "ORDERBY") {
			continue
		}
		field, value, ok := strings.Cut(term, "=")
		if !ok {
			return nil, fmt.Errorf("the emulator supports only field=value terms, got %q", term)
		}
		terms[field] = value
	}
	return terms, nil
}

// SeedDemo adds the demo requesters as users and stores the demo tickets (see
// ticketing.DemoRecords) in the table's initial state.
func (s *Server) SeedDemo(fields map[string]string) []ticketing.Record {
	records := ticketing.DemoRecords(s.initialState(), fields)
	for _, r := range records {
		if s.userID(r.Requester) == "" {
			s.AddUser(r.Requester)
		}
	}
	return s.Store.Seed(records...)
}
