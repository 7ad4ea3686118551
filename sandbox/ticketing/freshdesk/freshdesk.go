// Package freshdesk emulates the Freshdesk API v2 endpoints the orchestrator uses: tickets
// (get, create, update with status or multipart attachments), notes, reply and tag search.
// It checks API-key basic authentication and writes Freshdesk's error bodies.
package freshdesk

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

// Server is the emulator; it implements http.Handler.
type Server struct {
	Store  *ticketing.Store
	Faults *ticketing.Faults
	apiKey string
	// SlowDelay bounds how long a SlowResponse fault holds the response.
	SlowDelay time.Duration
	mux       *http.ServeMux
}

var _ http.Handler = (*Server)(nil)

// New returns an emulator that accepts apiKey.
func New(apiKey string) *Server {
	s := &Server{
		Store:  ticketing.NewStore(func(n int) (string, string) { id := strconv.Itoa(n); return id, "#" + id }, nil),
		Faults: &ticketing.Faults{},
		apiKey: apiKey,
		mux:    http.NewServeMux(),
	}
	s.mux.HandleFunc("GET /api/v2/tickets/{id}", s.getTicket)
	s.mux.HandleFunc("POST /api/v2/tickets", s.createTicket)
	s.mux.HandleFunc("PUT /api/v2/tickets/{id}", s.updateTicket)
	s.mux.HandleFunc("POST /api/v2/tickets/{id}/notes", s.addConversation(false))
	s.mux.HandleFunc("POST /api/v2/tickets/{id}/reply", s.addConversation(true))
	s.mux.HandleFunc("GET /api/v2/search/tickets", s.search)
	return s
}

// Start serves the emulator on a loopback listener.
func (s *Server) Start() *httptest.Server { return ticketing.Start(s) }

// ServeHTTP applies faults and authentication, then routes the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ticketing.Middleware(s, s.Faults, s.SlowDelay, s.mux).ServeHTTP(w, r)
}

// Authenticate implements ticketing.Vendor: basic auth with the API key and any password.
func (s *Server) Authenticate(r *http.Request) bool {
	user, _, ok := r.BasicAuth()
	return ok && user == s.apiKey
}

// WriteError implements ticketing.Vendor with Freshdesk's error bodies.
func (s *Server) WriteError(w http.ResponseWriter, status int, kind ticketing.FaultKind, message string) {
	switch {
	case status == http.StatusUnauthorized:
		ticketing.WriteJSON(w, status, map[string]string{"code": "invalid_credentials", "message": "You have to be logged in to perform this action."})
	case status == http.StatusNotFound:
		w.WriteHeader(status) // Freshdesk returns an empty body for a missing ticket.
	case status == http.StatusTooManyRequests:
		ticketing.WriteJSON(w, status, map[string]string{"message": "You have exceeded the limit of requests per minute"})
	default:
		validation(w, status, "request", message, "invalid_value")
	}
}

func validation(w http.ResponseWriter, status int, field, message, code string) {
	ticketing.WriteJSON(w, status, map[string]any{
		"description": "Validation failed",
		"errors":      []map[string]string{{"field": field, "message": message, "code": code}},
	})
}

func (s *Server) getTicket(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.Store.Get(r.PathValue("id"))
	if !ok {
		s.WriteError(w, http.StatusNotFound, ticketing.MissingTicket, "")
		return
	}
	ticketing.WriteJSON(w, http.StatusOK, render(rec, r.URL.Query().Get("include") == "requester"))
}

func (s *Server) createTicket(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Subject      *string           `json:"subject"`
		Description  string            `json:"description"`
		Email        string            `json:"email"`
		Priority     int               `json:"priority"`
		Status       int               `json:"status"`
		Tags         []string          `json:"tags"`
		CustomFields map[string]string `json:"custom_fields"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		validation(w, http.StatusBadRequest, "body", "Invalid JSON: "+err.Error(), "invalid_json")
		return
	}
	switch {
	case in.Subject == nil || *in.Subject == "":
		validation(w, http.StatusBadRequest, "subject", "It should be a/an String", "missing_field")
		return
	case !strings.Contains(in.Email, "@"):
		validation(w, http.StatusBadRequest, "email", "It should be in the 'valid email address' format", "invalid_value")
		return
	case in.Priority < 1 || in.Priority > 4:
		validation(w, http.StatusBadRequest, "priority", "It should be one of these values: '1,2,3,4'", "invalid_value")
		return
	}
	status := statusName(in.Status)
	if in.Status == 0 {
		status = "Open"
	}
	rec := s.Store.Create(ticketing.Record{
		Subject: *in.Subject, Description: in.Description, Requester: in.Email,
		Priority: strconv.Itoa(in.Priority), Status: status, Labels: in.Tags, Fields: in.CustomFields,
	})
	ticketing.WriteJSON(w, http.StatusCreated, render(rec, false))
}

func (s *Server) updateTicket(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.Store.Get(id); !ok {
		s.WriteError(w, http.StatusNotFound, ticketing.MissingTicket, "")
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		s.attach(w, r, id)
		return
	}
	var in struct {
		Status *int `json:"status"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		validation(w, http.StatusBadRequest, "body", "Invalid JSON: "+err.Error(), "invalid_json")
		return
	}
	if in.Status != nil {
		if _, ok := statuses[*in.Status]; !ok {
			validation(w, http.StatusBadRequest, "status", "It should be one of these values: '2,3,4,5,6,7'", "invalid_value")
			return
		}
	}
	rec, _ := s.Store.Update(id, func(rec *ticketing.Record) {
		if in.Status != nil {
			rec.Status = statusName(*in.Status)
		}
	})
	ticketing.WriteJSON(w, http.StatusOK, render(rec, false))
}

func (s *Server) attach(w http.ResponseWriter, r *http.Request, id string) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		validation(w, http.StatusBadRequest, "attachments", "Invalid multipart body: "+err.Error(), "invalid_value")
		return
	}
	files := r.MultipartForm.File["attachments[]"]
	if len(files) == 0 {
		validation(w, http.StatusBadRequest, "attachments", "It should contain elements of type valid file format only", "datatype_mismatch")
		return
	}
	var added []ticketing.Attachment
	for _, fh := range files {
		f, err := fh.Open()
		if err != nil {
			validation(w, http.StatusBadRequest, "attachments", err.Error(), "invalid_value")
			return
		}
		content, _ := io.ReadAll(f)
		f.Close()
		added = append(added, ticketing.Attachment{Name: fh.Filename, Content: content})
	}
	rec, _ := s.Store.Update(id, func(rec *ticketing.Record) { rec.Attachments = append(rec.Attachments, added...) })
	ticketing.WriteJSON(w, http.StatusOK, render(rec, false))
}

func (s *Server) addConversation(reply bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Body    string `json:"body"`
			Private *bool  `json:"private"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			validation(w, http.StatusBadRequest, "body", "Invalid JSON: "+err.Error(), "invalid_json")
			return
		}
		if in.Body == "" {
			validation(w, http.StatusBadRequest, "body", "It should be a/an String", "missing_field")
			return
		}
		// A note is private unless the request sets private to false. A reply is always public.
		public := reply || (in.Private != nil && !*in.Private)
		comment := ticketing.Comment{Body: stripHTML(in.Body), Public: public}
		rec, ok := s.Store.Update(r.PathValue("id"), func(rec *ticketing.Record) {
			comment.At = time.Now().UTC()
			rec.Comments = append(rec.Comments, comment)
		})
		if !ok {
			s.WriteError(w, http.StatusNotFound, ticketing.MissingTicket, "")
			return
		}
		id, _ := strconv.Atoi(rec.ID)
		ticketing.WriteJSON(w, http.StatusCreated, map[string]any{
			"id": len(rec.Comments), "ticket_id": id, "body": in.Body, "body_text": comment.Body,
			"private": !public, "incoming": false, "created_at": comment.At.Format(time.RFC3339),
		})
	}
}

var tagQuery = regexp.MustCompile(`^"tag:'([^']*)'"$`)

// search supports the tag query the adapter sends: "tag:'value'".
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	m := tagQuery.FindStringSubmatch(r.URL.Query().Get("query"))
	if m == nil {
		validation(w, http.StatusBadRequest, "query", "the emulator supports only \"tag:'value'\" queries", "invalid_value")
		return
	}
	found := s.Store.Find(func(rec ticketing.Record) bool { return slices.Contains(rec.Labels, m[1]) })
	results := make([]map[string]any, 0, len(found))
	for _, rec := range found {
		results = append(results, render(rec, false))
	}
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"results": results, "total": len(results)})
}

var statuses = map[int]string{2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed", 6: "Waiting on Customer", 7: "Waiting on Third Party"}

func statusName(code int) string { return statuses[code] }

func statusCode(name string) int {
	for code, n := range statuses {
		if n == name {
			return code
		}
	}
	return 2
}

// render writes a record as the API returns a ticket.
func render(rec ticketing.Record, withRequester bool) map[string]any {
	id, _ := strconv.Atoi(rec.ID)
	priority, _ := strconv.Atoi(rec.Priority)
	if priority == 0 {
		priority = 1
	}
	custom := map[string]any{}
	for k, v := range rec.Fields {
		custom[k] = v
	}
	attachments := []map[string]any{}
	for i, a := range rec.Attachments {
		attachments = append(attachments, map[string]any{"id": i + 1, "name": a.Name, "size": len(a.Content)})
	}
	out := map[string]any{
		"id": id, "subject": rec.Subject, "description": rec.Description,
		"description_text": stripHTML(rec.Description), "status": statusCode(rec.Status),
		"priority": priority, "requester_id": requesterID(rec.Requester), "tags": nonNil(rec.Labels),
		"custom_fields": custom, "attachments": attachments, "source": 2,
		"created_at": rec.Created.UTC().Format(time.RFC3339), "updated_at": rec.Updated.UTC().Format(time.RFC3339),
	}
	if withRequester {
		out["requester"] = map[string]any{"id": requesterID(rec.Requester), "email": rec.Requester, "name": rec.Requester}
	}
	return out
}

func requesterID(email string) int64 {
	var h int64 = 1000
	for _, c := range email {
		h = (h*31 + int64(c)) % 1e9
	}
	return h
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var tags = regexp.MustCompile(`<br\s*/?>|</?[a-zA-Z][^>]*>`)

func stripHTML(s string) string {
	text := tags.ReplaceAllStringFunc(s, func(tag string) string {
		if strings.HasPrefix(tag, "<br") {
			return "\n"
		}
		return ""
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(text)
}

// SeedDemo stores the demo tickets (see ticketing.DemoRecords) with status Open.
func (s *Server) SeedDemo(fields map[string]string) []ticketing.Record {
	return s.Store.Seed(ticketing.DemoRecords("Open", fields)...)
}
