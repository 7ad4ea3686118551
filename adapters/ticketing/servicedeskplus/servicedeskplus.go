package servicedeskplus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
)

// mediaType is the Accept header every v3 call sends.
const mediaType = "application/vnd.manageengine.sdp.v3+json"

// Options configures a Client.
type Options struct {
	// BaseURL is the root under which /api/v3 lives: on Cloud the portal URL, such as
	// https://sdpondemand.manageengine.eu/app/itdesk; on-premises https://host:8080.
	BaseURL string
	// OAuthToken is a Zoho OAuth access token (Cloud); AuthToken a technician's API key
	// (on-premises). Set one.
	OAuthToken string
	AuthToken  string
	// Group is the name of the group new requests are assigned to; empty leaves it unset.
	Group string
	// Fields maps workflow field names to user-defined fields (udf_sline_301, with or
	// without the udf_fields. prefix). The name correlationKey selects the field that holds
	// the correlation key. Without it the key is appended to the subject as "[key]".
	Fields map[string]string

	HTTPClient  *http.Client
	Clock       httpx.Clock
	MaxAttempts int
	MaxWait     time.Duration
	Logger      *slog.Logger
}

// Client talks to one ServiceDesk Plus instance.
type Client struct {
	http             *httpx.Client
	baseURL          string
	group            string
	fields           map[string]string
	correlationField string
}

var _ ticketing.System = (*Client)(nil)

// New returns a client; it makes no request.
func New(opts Options) (*Client, error) {
	base, err := httpx.ParseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	var auth httpx.Auth
	switch {
	case opts.OAuthToken != "" && opts.AuthToken != "":
		return nil, errors.New("both a ServiceDesk Plus OAuth token and an authtoken are set: set only one")
	case opts.OAuthToken != "":
		auth = httpx.HeaderAuth("Authorization", "Zoho-oauthtoken "+opts.OAuthToken)
	case opts.AuthToken != "":
		auth = httpx.HeaderAuth("authtoken", opts.AuthToken)
	default:
		return nil, errors.New("missing ServiceDesk Plus credentials: set a Zoho OAuth token (Cloud) or an authtoken (on-premises)")
	}
	return &Client{
		http: &httpx.Client{
			BaseURL: base, HTTP: opts.HTTPClient, Auth: auth, Clock: opts.Clock,
			MaxAttempts: opts.MaxAttempts, MaxWait: opts.MaxWait, Logger: opts.Logger,
			System: "servicedeskplus", ErrorMessage: errorMessage,
		},
		baseURL:          base.String(),
		group:            opts.Group,
		fields:           opts.Fields,
		correlationField: udfName(opts.Fields["correlationKey"]),
	}, nil
}

var idPattern = regexp.MustCompile(`^[0-9]{1,19}$`)

func checkID(id string) error {
	if !idPattern.MatchString(id) {
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("invalid ServiceDesk Plus request id %q: use the numeric id (18 digits on Cloud), not the display id", id)}
	}
	return nil
}

// call sends one request with input_data (in the form for writes, in the query for GET)
// and decodes a successful body into out.
func (c *Client) call(ctx context.Context, method, path string, input any, out any, operation, ticketID string) error {
	req := httpx.Request{Method: method, Path: path, Header: http.Header{"Accept": {mediaType}},
		Operation: operation, TicketID: ticketID}
	if input != nil {
		data, err := httpx.JSONBody(input)
		if err != nil {
			return err
		}
		form := url.Values{"input_data": {string(data)}}
		if method == http.MethodGet {
			req.Query = form
		} else {
			req.Body, req.ContentType = []byte(form.Encode()), "application/x-www-form-urlencoded"
		}
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return err
	}
	return decode(resp.Body, out, operation, ticketID)
}

// decode checks response_status, which may report failure under HTTP 200, then decodes out.
func decode(body []byte, out any, operation, ticketID string) error {
	var envelope struct {
		ResponseStatus json.RawMessage `json:"response_status"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return httpx.Unreadable(operation, err)
	}
	status, ok, err := readStatus(envelope.ResponseStatus)
	if err != nil {
		return httpx.Unreadable(operation, err)
	}
	if !ok {
		return httpx.Unreadable(operation, errors.New("missing response_status"))
	}
	if status.StatusCode != codeSuccess {
		return fmt.Errorf("%s: %w", operation, status.typedError(operation, ticketID))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return httpx.Unreadable(operation, err)
	}
	return nil
}

// GetTicket reads one request.
func (c *Client) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	var body struct {
		Request *request `json:"request"`
	}
	op := "getting ServiceDesk Plus request " + id
	if err := c.call(ctx, http.MethodGet, "/api/v3/requests/"+id, nil, &body, op, id); err != nil {
		return nil, err
	}
	return c.normalise(body.Request, op)
}

func (c *Client) normalise(r *request, operation string) (*ticketing.Ticket, error) {
	if r == nil {
		return nil, httpx.Unreadable(operation, errors.New(`missing "request" object`))
	}
	t, err := r.normalise(c.baseURL)
	if err != nil {
		return nil, httpx.Unreadable(operation, err)
	}
	return t, nil
}

// CreateTicket returns the request that carries t.CorrelationKey when one exists, and
// creates it otherwise.
func (c *Client) CreateTicket(ctx context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error) {
	if t.Subject == "" {
		return nil, &ticketing.InvalidTicketData{Detail: "missing subject for the new ServiceDesk Plus request"}
	}
	priority, err := priorityName(t.Priority)
	if err != nil {
		return nil, &ticketing.InvalidTicketData{Detail: err.Error()}
	}
	if t.CorrelationKey != "" {
		found, err := c.findByCorrelation(ctx, t.CorrelationKey)
		if err != nil || found != nil {
			return found, err
		}
	}

	req := map[string]any{
		"subject":     t.Subject,
		"description": htmlText(t.Description),
		"priority":    map[string]string{"name": priority},
	}
	if t.Requester != "" {
		req["requester"] = map[string]string{"email_id": t.Requester}
	}
	if c.group != "" {
		req["group"] = map[string]string{"name": c.group}
	}

	udf := map[string]string{}
	for name, value := range t.Fields {
		udf[udfName(fieldName(c.fields, name))] = value
	}
	if t.CorrelationKey != "" {
		if c.correlationField != "" {
			udf[c.correlationField] = t.CorrelationKey
		} else {
			req["subject"] = t.Subject + " " + subjectMarker(t.CorrelationKey)
		}
	}
	if len(udf) > 0 {
		req["udf_fields"] = udf
	}

	var body struct {
		Request *request `json:"request"`
	}
	op := "creating ServiceDesk Plus request"
	if err := c.call(ctx, http.MethodPost, "/api/v3/requests", map[string]any{"request": req}, &body, op, ""); err != nil {
		return nil, err
	}
	return c.normalise(body.Request, op)
}

// subjectMarker is the suffix that carries the correlation key when no field is mapped.
func subjectMarker(key string) string { return "[" + key + "]" }

// findByCorrelation lists requests by the correlation field (or the subject marker) and
// returns the oldest, or nil.
func (c *Client) findByCorrelation(ctx context.Context, key string) (*ticketing.Ticket, error) {
	criteria := map[string]string{"field": "udf_fields." + c.correlationField, "condition": "is", "value": key}
	if c.correlationField == "" {
		// NOTE: without a mapped field the key travels in the subject, so an agent who edits
		// the subject breaks idempotent create for that request.
		criteria = map[string]string{"field": "subject", "condition": "contains", "value": subjectMarker(key)}
	}
	const rowCount = 100
	for start := 1; ; start += rowCount {
		listInfo := map[string]any{"row_count": rowCount, "start_index": start, "sort_field": "created_time",
			"sort_order": "asc", "search_criteria": []map[string]string{criteria}}
		var page struct {
			Requests []*request `json:"requests"`
			ListInfo struct {
				HasMoreRows bool `json:"has_more_rows"`
			} `json:"list_info"`
		}
		op := "listing ServiceDesk Plus requests by correlation key"
		if err := c.call(ctx, http.MethodGet, "/api/v3/requests", map[string]any{"list_info": listInfo}, &page, op, ""); err != nil {
			return nil, err
		}
		for _, r := range page.Requests {
			if c.correlationField != "" || strings.HasSuffix(r.Subject, subjectMarker(key)) {
				// The list view holds only some fields; read the whole request.
				return c.GetTicket(ctx, r.ID)
			}
		}
		if !page.ListInfo.HasMoreRows || len(page.Requests) == 0 {
			return nil, nil
		}
	}
}

// Comment adds a note shown to the requester (public) or hidden from them (internal).
func (c *Client) Comment(ctx context.Context, id, body string, v ticketing.Visibility) error {
	if v != ticketing.Public && v != ticketing.Internal {
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("unknown comment visibility %q: use public or internal", v)}
	}
	if err := checkID(id); err != nil {
		return err
	}
	// NOTE: Cloud documents the key request_note; older on-premises builds read note.
	note := map[string]any{"request_note": map[string]any{
		"description": htmlText(body), "show_to_requester": v == ticketing.Public,
		"notify_technician": false, "mark_first_response": false, "add_to_linked_requests": false,
	}}
	return c.call(ctx, http.MethodPost, "/api/v3/requests/"+id+"/notes", note, nil,
		"adding a note to ServiceDesk Plus request "+id, id)
}

// SetStatus sets the status by name (Open, In Progress, On Hold, Resolved, Closed, or a
// status the instance defines).
func (c *Client) SetStatus(ctx context.Context, id, status string) error {
	if err := checkID(id); err != nil {
		return err
	}
	if strings.TrimSpace(status) == "" {
		return &ticketing.InvalidTicketData{Detail: "missing status name"}
	}
	input := map[string]any{"request": map[string]any{"status": map[string]string{"name": status}}}
	return c.call(ctx, http.MethodPut, "/api/v3/requests/"+id, input, nil,
		fmt.Sprintf("setting the status of ServiceDesk Plus request %s to %q", id, status), id)
}

// Resolve adds the note as the request's resolution and sets the status to Resolved.
func (c *Client) Resolve(ctx context.Context, id, note string) error {
	if err := checkID(id); err != nil {
		return err
	}
	if note != "" {
		input := map[string]any{"resolution": map[string]string{"content": htmlText(note)}}
		if err := c.call(ctx, http.MethodPost, "/api/v3/requests/"+id+"/resolutions", input, nil,
			"adding the resolution of ServiceDesk Plus request "+id, id); err != nil {
			return err
		}
	}
	return c.SetStatus(ctx, id, "Resolved")
}

// Attach uploads a file to the request (one file per call, form field input_file).
func (c *Client) Attach(ctx context.Context, id, filename string, content []byte) error {
	if err := checkID(id); err != nil {
		return err
	}
	op := fmt.Sprintf("attaching %q to ServiceDesk Plus request %s", filename, id)
	body, contentType, err := httpx.MultipartFile("input_file", filename, content)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	resp, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPut, Path: "/api/v3/requests/" + id + "/upload",
		Body: body, ContentType: contentType, Header: http.Header{"Accept": {mediaType}}, Operation: op, TicketID: id})
	if err != nil {
		return err
	}
	return decode(resp.Body, nil, op, id)
}

func priorityName(p string) (string, error) {
	switch strings.ToLower(p) {
	case "", "low":
		return "Low", nil
	case "medium":
		return "Medium", nil
	case "high":
		return "High", nil
	case "urgent":
		return "Urgent", nil
	}
	return "", fmt.Errorf("unknown priority %q: use low, medium, high or urgent", p)
}

// udfName strips the udf_fields. prefix tenants may write.
func udfName(name string) string { return strings.TrimPrefix(name, "udf_fields.") }

func fieldName(mapping map[string]string, name string) string {
	if mapped, ok := mapping[name]; ok {
		return mapped
	}
	return name
}
