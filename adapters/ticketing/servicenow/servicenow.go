package servicenow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
)

// DefaultCloseCode is the incident close code Resolve sets when Options.CloseCode is empty.
// Instances can define other close codes, so check the choices of incident.close_code.
const DefaultCloseCode = "Solved (Permanently)"

// Options configures a Client.
type Options struct {
	// BaseURL is the instance root, such as https://acme.service-now.com.
	BaseURL string
	// Table is incident (the default), sc_request or sc_req_item.
	Table string
	// User and Password select basic authentication; OAuthToken a bearer token instead.
	User, Password string
	OAuthToken     string
	// CloseCode is the incident close_code Resolve sets; empty means DefaultCloseCode.
	CloseCode string
	// Fields maps workflow field names to ServiceNow fields (u_leaver, ...). The name
	// correlationKey selects the field for the correlation key, correlation_id by default.
	Fields map[string]string

	HTTPClient  *http.Client
	Clock       httpx.Clock
	MaxAttempts int
	MaxWait     time.Duration
	Logger      *slog.Logger
}

// Client talks to one ServiceNow instance and table.
type Client struct {
	http             *httpx.Client
	baseURL          string
	table            string
	closeCode        string
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

	table := opts.Table
	if table == "" {
		table = "incident"
	}
	if !slices.Contains(Tables, table) {
		return nil, fmt.Errorf("unsupported ServiceNow table %q: use incident, sc_request or sc_req_item", table)
	}

	var auth httpx.Auth
	switch {
	case opts.OAuthToken != "":
		auth = httpx.Bearer(opts.OAuthToken)
	case opts.User != "" && opts.Password != "":
		auth = httpx.Basic(opts.User, opts.Password)
	default:
		return nil, errors.New("missing ServiceNow credentials: set an OAuth token, or a user and password")
	}

	c := &Client{
		http: &httpx.Client{
			BaseURL: base, HTTP: opts.HTTPClient, Auth: auth, Clock: opts.Clock,
			MaxAttempts: opts.MaxAttempts, MaxWait: opts.MaxWait, Logger: opts.Logger,
			System: "servicenow", ErrorMessage: errorMessage,
		},
		baseURL: base.String(), table: table, closeCode: opts.CloseCode, fields: opts.Fields,
		correlationField: "correlation_id",
	}
	if c.closeCode == "" {
		c.closeCode = DefaultCloseCode
	}
	if f := opts.Fields["correlationKey"]; f != "" {
		c.correlationField = f
	}
	return c, nil
}

var sysIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkID rejects anything but a sys_id before it reaches a URL.
func checkID(id string) error {
	if !sysIDPattern.MatchString(id) {
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("invalid ServiceNow sys_id %q: use the record's 32-character sys_id, not its number", id)}
	}
	return nil
}

func (c *Client) recordPath(id string) string { return "/api/now/table/" + c.table + "/" + id }

// GetTicket reads one record.
func (c *Client) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	resp, err := c.http.Do(ctx, httpx.Request{Method: http.MethodGet, Path: c.recordPath(id),
		Query: c.fieldsQuery(), Header: acceptJSON(), Operation: "getting ServiceNow " + c.table + " " + id, TicketID: id})
	if err != nil {
		return nil, err
	}
	t, err := ParseRecord(resp.Body, c.table, c.baseURL)
	if err != nil {
		return nil, httpx.Unreadable("getting ServiceNow "+c.table+" "+id, err)
	}
	return t, nil
}

// fieldsQuery names the fields to read, with the requester's e-mail address dot-walked
// through the reference, because without sysparm_fields no dot-walked field is returned.
func (c *Client) fieldsQuery() url.Values {
	return url.Values{"sysparm_exclude_reference_link": {"true"},
		"sysparm_fields": {strings.Join(c.readFields(), ",")}}
}

func (c *Client) readFields() []string {
	fields := []string{"sys_id", "number", "short_description", "description", "state", "sys_created_on",
		"sys_class_name", requesterField(c.table), requesterField(c.table) + ".email", c.correlationField}
	for _, f := range c.fields {
		if !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	return fields
}

// CreateTicket returns the record whose correlation field holds t.CorrelationKey when one
// exists, and creates it otherwise.
func (c *Client) CreateTicket(ctx context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error) {
	if t.Subject == "" {
		return nil, &ticketing.InvalidTicketData{Detail: "missing subject (short_description) for the new ServiceNow record"}
	}
	urgency, impact, err := urgencyImpact(t.Priority)
	if err != nil {
		return nil, &ticketing.InvalidTicketData{Detail: err.Error()}
	}
	if t.CorrelationKey != "" {
		found, err := c.findByCorrelation(ctx, t.CorrelationKey)
		if err != nil || found != nil {
			return found, err
		}
	}

	body := map[string]string{"short_description": t.Subject, "description": t.Description,
		"urgency": urgency, "impact": impact}
	if t.CorrelationKey != "" {
		body[c.correlationField] = t.CorrelationKey
		if c.correlationField == "correlation_id" {
			body["correlation_display"] = "secamo-orchestrator"
		}
	}

	if t.Requester != "" {
		userID, err := c.userByEmail(ctx, t.Requester)
		if err != nil {
			return nil, err
		}
		body[requesterField(c.table)] = userID
	}
	for name, value := range t.Fields {
		body[fieldName(c.fields, name)] = value
	}

	var created struct {
		Result map[string]json.RawMessage `json:"result"`
	}
	req := httpx.Request{Method: http.MethodPost, Path: "/api/now/table/" + c.table,
		Query: c.fieldsQuery(), Operation: "creating ServiceNow " + c.table}
	if err := c.http.DoJSON(ctx, req, body, &created); err != nil {
		return nil, err
	}
	ticket, err := normalise(created.Result, c.table, c.baseURL)
	if err != nil {
		return nil, httpx.Unreadable(req.Operation, err)
	}
	return ticket, nil
}

// findByCorrelation returns the oldest record with the key, or nil.
func (c *Client) findByCorrelation(ctx context.Context, key string) (*ticketing.Ticket, error) {
	if strings.Contains(key, "^") {
		return nil, &ticketing.InvalidTicketData{Detail: fmt.Sprintf("correlation key %q contains ^, which ends a ServiceNow encoded query", key)}
	}
	query := c.fieldsQuery()
	query.Set("sysparm_query", c.correlationField+"="+key+"^ORDERBYsys_created_on")
	query.Set("sysparm_limit", "1")
	var page struct {
		Result []map[string]json.RawMessage `json:"result"`
	}
	req := httpx.Request{Method: http.MethodGet, Path: "/api/now/table/" + c.table, Query: query,
		Operation: "searching ServiceNow " + c.table + " by " + c.correlationField}
	if err := c.http.DoJSON(ctx, req, nil, &page); err != nil {
		return nil, err
	}
	if len(page.Result) == 0 {
		return nil, nil
	}
	t, err := normalise(page.Result[0], c.table, c.baseURL)
	if err != nil {
		return nil, httpx.Unreadable(req.Operation, err)
	}
	return t, nil
}

// userByEmail returns the sys_id of the active user with the e-mail address.
func (c *Client) userByEmail(ctx context.Context, email string) (string, error) {
	if strings.Contains(email, "^") {
		return "", &ticketing.InvalidTicketData{Detail: fmt.Sprintf("invalid requester e-mail address %q", email)}
	}
	var page struct {
		Result []struct {
			SysID string `json:"sys_id"`
		} `json:"result"`
	}
	query := url.Values{"sysparm_query": {"email=" + email + "^active=true"}, "sysparm_fields": {"sys_id"}, "sysparm_limit": {"1"}}
	req := httpx.Request{Method: http.MethodGet, Path: "/api/now/table/sys_user", Query: query,
		Operation: "looking up the ServiceNow user " + email}
	if err := c.http.DoJSON(ctx, req, nil, &page); err != nil {
		return "", err
	}
	if len(page.Result) == 0 {
		return "", &ticketing.InvalidTicketData{Detail: fmt.Sprintf("no active ServiceNow user has the e-mail address %q: create the user or correct the requester", email)}
	}
	return page.Result[0].SysID, nil
}

// Comment adds a customer-visible comment or an internal work note.
func (c *Client) Comment(ctx context.Context, id, body string, v ticketing.Visibility) error {
	field := ""
	switch v {
	case ticketing.Public:
		field = "comments"
	case ticketing.Internal:
		field = "work_notes"
	default:
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("unknown comment visibility %q: use public or internal", v)}
	}
	return c.patch(ctx, id, "commenting on", map[string]string{field: body})
}

// SetStatus sets the state by label (In Progress, On Hold, ...) or value.
func (c *Client) SetStatus(ctx context.Context, id, status string) error {
	value, err := StateValue(c.table, status)
	if err != nil {
		return &ticketing.InvalidTicketData{Detail: err.Error()}
	}
	return c.patch(ctx, id, "setting the state of", map[string]string{"state": value})
}

// Resolve sets the resolved state with the close notes; incidents also get the close code.
func (c *Client) Resolve(ctx context.Context, id, note string) error {
	body := map[string]string{"state": resolvedState(c.table), "close_notes": note}
	if c.table == "incident" {
		body["close_code"] = c.closeCode
	}
	return c.patch(ctx, id, "resolving", body)
}

func (c *Client) patch(ctx context.Context, id, action string, body map[string]string) error {
	if err := checkID(id); err != nil {
		return err
	}
	req := httpx.Request{Method: http.MethodPatch, Path: c.recordPath(id),
		Query:     url.Values{"sysparm_fields": {"sys_id"}},
		Operation: fmt.Sprintf("%s ServiceNow %s %s", action, c.table, id), TicketID: id}
	return c.http.DoJSON(ctx, req, body, nil)
}

// Attach uploads a file with the Attachment API.
func (c *Client) Attach(ctx context.Context, id, filename string, content []byte) error {
	if err := checkID(id); err != nil {
		return err
	}
	query := url.Values{"table_name": {c.table}, "table_sys_id": {id}, "file_name": {filename}}
	req := httpx.Request{Method: http.MethodPost, Path: "/api/now/attachment/file", Query: query,
		Body: content, ContentType: "application/octet-stream", Header: acceptJSON(),
		Operation: fmt.Sprintf("attaching %q to ServiceNow %s %s", filename, c.table, id), TicketID: id}
	_, err := c.http.Do(ctx, req)
	return err
}

func acceptJSON() http.Header { return http.Header{"Accept": {"application/json"}} }

// errorMessage reads {"error":{"message","detail"},"status":"failure"}.
func errorMessage(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Detail  string `json:"detail"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error.Message == "" {
		return ""
	}
	if e.Error.Detail == "" {
		return e.Error.Message
	}
	return e.Error.Message + ": " + e.Error.Detail
}

func fieldName(mapping map[string]string, name string) string {
	if mapped, ok := mapping[name]; ok {
		return mapped
	}
	return name
}
