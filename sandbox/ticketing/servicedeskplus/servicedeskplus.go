// Package servicedeskplus emulates the ServiceDesk Plus API v3 calls the orchestrator makes:
// get, list (list_info with search_criteria and paging), create and update requests, notes,
// resolutions and uploads. It reads input_data from the form or query and returns
// response_status, an object or, on list calls, an array. It accepts a Zoho OAuth token or an
// on-premises authtoken, and can issue short-lived access tokens from a Zoho token endpoint.
package servicedeskplus

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

// Options configures the emulator.
type Options struct {
	// OAuthToken is accepted as "Authorization: Zoho-oauthtoken TOKEN"; AuthToken as the
	// authtoken header. Either may be empty to turn that scheme off.
	OAuthToken, AuthToken string
	// UDFAsObjects renders user-defined fields as {"value": ...} objects, as newer builds
	// do, instead of plain values.
	UDFAsObjects bool
	// OAuthClient, when set, turns on the token endpoint at TokenPath, and the access tokens
	// it issues are accepted until they expire.
	OAuthClient *OAuthClient
	// Now is the clock that expires issued access tokens; nil means time.Now.
	Now func() time.Time
}

// Statuses lists the request statuses the emulator accepts.
var Statuses = []string{"Open", "In Progress", "On Hold", "Resolved", "Closed", "Canceled"}

// Server is the emulator; it implements http.Handler.
type Server struct {
	Store     *ticketing.Store
	Faults    *ticketing.Faults
	SlowDelay time.Duration
	opts      Options
	mux       *http.ServeMux
	tokens    tokens
}

var _ http.Handler = (*Server)(nil)

// New returns an emulator.
func New(opts Options) *Server {
	s := &Server{
		Store: ticketing.NewStore(func(n int) (string, string) {
			return fmt.Sprintf("1236400000%08d", 300000+n), fmt.Sprint(100 + n)
		}, nil),
		Faults: &ticketing.Faults{},
		opts:   opts,
		mux:    http.NewServeMux(),
	}
	s.mux.HandleFunc("GET /api/v3/requests/{id}", s.get)
	s.mux.HandleFunc("GET /api/v3/requests", s.list)
	s.mux.HandleFunc("POST /api/v3/requests", s.create)
	s.mux.HandleFunc("PUT /api/v3/requests/{id}", s.update)
	s.mux.HandleFunc("POST /api/v3/requests/{id}/notes", s.addNote)
	s.mux.HandleFunc("POST /api/v3/requests/{id}/resolutions", s.addResolution)
	s.mux.HandleFunc("PUT /api/v3/requests/{id}/upload", s.upload)
	return s
}

// Start serves the emulator on a loopback listener.
func (s *Server) Start() *httptest.Server { return ticketing.Start(s) }

// ServeHTTP serves the token endpoint, or applies faults and authentication and then routes
// the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == TokenPath {
		s.issueToken(w, r)
		return
	}
	ticketing.Middleware(s, s.Faults, s.SlowDelay, s.mux).ServeHTTP(w, r)
}

// Authenticate implements ticketing.Vendor.
func (s *Server) Authenticate(r *http.Request) bool {
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Zoho-oauthtoken "); ok {
		return (s.opts.OAuthToken != "" && token == s.opts.OAuthToken) || s.validAccessToken(token)
	}
	return s.opts.AuthToken != "" && r.Header.Get("authtoken") == s.opts.AuthToken
}

// WriteError implements ticketing.Vendor with a failed response_status.
func (s *Server) WriteError(w http.ResponseWriter, status int, kind ticketing.FaultKind, message string) {
	switch status {
	case http.StatusUnauthorized:
		fail(w, status, 4002, "", "UNAUTHORISED")
	case http.StatusNotFound:
		fail(w, status, 4007, "", "Invalid URL")
	case http.StatusTooManyRequests:
		fail(w, status, 4015, "", "API rate limit exceeded")
	default:
		fail(w, status, 4000, "", message)
	}
}

// fail writes response_status with status_code 4000 and one message.
func fail(w http.ResponseWriter, httpStatus, code int, field, message string) {
	msg := map[string]any{"status_code": code, "type": "failed", "message": message}
	if field != "" {
		msg["field"] = field
	}
	ticketing.WriteJSON(w, httpStatus, map[string]any{"response_status": map[string]any{
		"status_code": 4000, "status": "failed", "messages": []any{msg},
	}})
}

func success() map[string]any { return map[string]any{"status_code": 2000, "status": "success"} }

// inputData decodes input_data from the form (writes) or the query (GET) into v.
func inputData(w http.ResponseWriter, r *http.Request, v any) bool {
	raw := r.URL.Query().Get("input_data")
	if r.Method != http.MethodGet {
		raw = r.PostFormValue("input_data")
	}
	if raw == "" {
		fail(w, http.StatusBadRequest, 4012, "input_data", "Value for input_data is missing")
		return false
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		fail(w, http.StatusBadRequest, 4000, "input_data", "Invalid JSON in input_data: "+err.Error())
		return false
	}
	return true
}

func (s *Server) record(w http.ResponseWriter, r *http.Request) (ticketing.Record, bool) {
	rec, ok := s.Store.Get(r.PathValue("id"))
	if !ok || rec.ID != r.PathValue("id") {
		s.WriteError(w, http.StatusNotFound, ticketing.MissingTicket, "")
		return ticketing.Record{}, false
	}
	return rec, true
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	if rec, ok := s.record(w, r); ok {
		ticketing.WriteJSON(w, http.StatusOK, map[string]any{"request": s.render(rec), "response_status": success()})
	}
}

type requestInput struct {
	Subject     *string `json:"subject"`
	Description *string `json:"description"`
	Requester   *struct {
		EmailID string `json:"email_id"`
	} `json:"requester"`
	Priority  *struct{ Name string } `json:"priority"`
	Status    *struct{ Name string } `json:"status"`
	Group     *struct{ Name string } `json:"group"`
	UDFFields map[string]any         `json:"udf_fields"`
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in struct{ Request requestInput }
	if !inputData(w, r, &in) {
		return
	}
	if in.Request.Subject == nil || *in.Request.Subject == "" {
		fail(w, http.StatusBadRequest, 4012, "subject", "Value for subject is missing")
		return
	}
	rec := ticketing.Record{Status: "Open", Priority: "Low", Fields: map[string]string{}}
	if msg, field := apply(&rec, in.Request); msg != "" {
		fail(w, http.StatusBadRequest, 4001, field, msg)
		return
	}
	rec = s.Store.Create(rec)
	ticketing.WriteJSON(w, http.StatusCreated, map[string]any{"request": s.render(rec), "response_status": success()})
}

func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.record(w, r); !ok {
		return
	}
	var in struct{ Request requestInput }
	if !inputData(w, r, &in) {
		return
	}
	var msg, field string
	rec, _ := s.Store.Update(r.PathValue("id"), func(rec *ticketing.Record) { msg, field = apply(rec, in.Request) })
	if msg != "" {
		fail(w, http.StatusBadRequest, 4001, field, msg)
		return
	}
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"request": s.render(rec), "response_status": success()})
}

// apply copies the input into the record and returns a message and field for invalid values.
// A rejected update may have applied some fields; the emulator does not roll back.
func apply(rec *ticketing.Record, in requestInput) (string, string) {
	if in.Status != nil {
		if !slices.Contains(Statuses, in.Status.Name) {
			return fmt.Sprintf("Invalid value %q for status", in.Status.Name), "status"
		}
		rec.Status = in.Status.Name
	}
	if in.Priority != nil {
		rec.Priority = in.Priority.Name
	}
	if in.Subject != nil {
		rec.Subject = *in.Subject
	}
	if in.Description != nil {
		rec.Description = *in.Description
	}
	if in.Requester != nil {
		rec.Requester = in.Requester.EmailID
	}
	if in.Group != nil {
		rec.Fields["group"] = in.Group.Name
	}
	for name, value := range in.UDFFields {
		if !strings.HasPrefix(name, "udf_") {
			return fmt.Sprintf("Invalid user-defined field %q", name), "udf_fields"
		}
		rec.Fields[name] = fmt.Sprint(value)
	}
	return "", ""
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.record(w, r); !ok {
		return
	}
	type noteInput struct {
		Description     string `json:"description"`
		ShowToRequester bool   `json:"show_to_requester"`
	}
	var in struct {
		RequestNote *noteInput `json:"request_note"`
		Note        *noteInput `json:"note"`
	}
	if !inputData(w, r, &in) {
		return
	}
	note := in.RequestNote
	if note == nil {
		note = in.Note
	}
	if note == nil || note.Description == "" {
		fail(w, http.StatusBadRequest, 4012, "description", "Value for description is missing")
		return
	}
	comment := ticketing.Comment{Body: plainText(note.Description), Public: note.ShowToRequester, At: time.Now().UTC()}
	rec, _ := s.Store.Update(r.PathValue("id"), func(rec *ticketing.Record) { rec.Comments = append(rec.Comments, comment) })
	ticketing.WriteJSON(w, http.StatusCreated, map[string]any{"request_note": map[string]any{
		"id": fmt.Sprintf("%s%03d", rec.ID[:15], len(rec.Comments)), "description": note.Description,
		"show_to_requester": note.ShowToRequester, "created_time": timeValue(comment.At),
	}, "response_status": success()})
}

func (s *Server) addResolution(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.record(w, r); !ok {
		return
	}
	var in struct {
		Resolution *struct{ Content string } `json:"resolution"`
	}
	if !inputData(w, r, &in) {
		return
	}
	if in.Resolution == nil || in.Resolution.Content == "" {
		fail(w, http.StatusBadRequest, 4012, "content", "Value for content is missing")
		return
	}
	s.Store.Update(r.PathValue("id"), func(rec *ticketing.Record) { rec.Resolution = plainText(in.Resolution.Content) })
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"resolution": map[string]any{"content": in.Resolution.Content}, "response_status": success()})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.record(w, r); !ok {
		return
	}
	file, header, err := r.FormFile("input_file")
	if err != nil {
		fail(w, http.StatusBadRequest, 4012, "input_file", "Value for input_file is missing")
		return
	}
	defer file.Close()
	content, err := io.ReadAll(file)
	if err != nil {
		fail(w, http.StatusBadRequest, 4000, "input_file", err.Error())
		return
	}
	s.Store.Update(r.PathValue("id"), func(rec *ticketing.Record) {
		rec.Attachments = append(rec.Attachments, ticketing.Attachment{Name: header.Filename, Content: content})
	})
	ticketing.WriteJSON(w, http.StatusOK, map[string]any{"files": []any{map[string]any{
		"name": header.Filename, "size": fmt.Sprint(len(content)), "content_type": header.Header.Get("Content-Type"),
	}}, "response_status": []any{success()}})
}

// SeedDemo stores the demo requests (see ticketing.DemoRecords) with status Open.
func (s *Server) SeedDemo(fields map[string]string) []ticketing.Record {
	return s.Store.Seed(ticketing.DemoRecords("Open", fields)...)
}
