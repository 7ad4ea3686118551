package jira

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

// DefaultResolveTransitions are the transition or target-status names Resolve looks for,
// in order, when Options.ResolveTransition is empty.
var DefaultResolveTransitions = []string{"Resolve this issue", "Resolve", "Resolved", "Done", "Close"}

// Options configures a Client.
type Options struct {
	// BaseURL is the site, such as https://acme.atlassian.net, or for OAuth 2.0 (3LO)
	// https://api.atlassian.com/ex/jira/CLOUD_ID.
	BaseURL string
	// Email and APIToken select basic authentication; OAuthToken a bearer token instead.
	Email, APIToken string
	OAuthToken      string
	// ServiceDeskID and RequestTypeID select where CreateTicket raises requests.
	ServiceDeskID string
	RequestTypeID string
	// ResolveTransition names the transition (or its target status) Resolve performs;
	// empty tries DefaultResolveTransitions.
	ResolveTransition string
	// Resolution is the resolution Resolve sets, such as Done; empty sets none, for
	// workflows whose resolve screen has no resolution field.
	Resolution string
	// Fields maps workflow field names to request fields (customfield_10050, priority).
	// The name correlationKey selects a text custom field for the correlation key. Without
	// it the key is a label, so the request type must show the Labels field.
	Fields map[string]string

	HTTPClient  *http.Client
	Clock       httpx.Clock
	MaxAttempts int
	MaxWait     time.Duration
	Logger      *slog.Logger
}

// Client talks to one Jira Service Management site.
type Client struct {
	http             *httpx.Client
	opts             Options
	baseURL          string
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
	case opts.OAuthToken != "":
		auth = httpx.Bearer(opts.OAuthToken)
	case opts.Email != "" && opts.APIToken != "":
		auth = httpx.Basic(opts.Email, opts.APIToken)
	default:
		return nil, errors.New("missing Jira credentials: set an OAuth token, or an account e-mail address and API token")
	}
	if opts.ServiceDeskID == "" || opts.RequestTypeID == "" {
		return nil, errors.New("missing Jira service desk id or request type id: both are needed to raise requests")
	}
	return &Client{
		http: &httpx.Client{
			BaseURL: base, HTTP: opts.HTTPClient, Auth: auth, Clock: opts.Clock,
			MaxAttempts: opts.MaxAttempts, MaxWait: opts.MaxWait, Logger: opts.Logger,
			System: "jira", ErrorMessage: errorMessage,
		},
		opts:             opts,
		baseURL:          base.String(),
		correlationField: opts.Fields["correlationKey"],
	}, nil
}

var idPattern = regexp.MustCompile(`^([0-9]+|[A-Z][A-Z0-9_]*-[0-9]+)$`)

func checkID(id string) error {
	if !idPattern.MatchString(id) {
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("invalid Jira issue id or key %q: use the numeric id or a key such as ITS-42", id)}
	}
	return nil
}

// readFields lists the fields GetTicket requests.
func (c *Client) readFields() string {
	fields := []string{"summary", "description", "status", "reporter", "created", "labels"}
	for _, f := range c.opts.Fields {
		if strings.HasPrefix(f, "customfield_") {
			fields = append(fields, f)
		}
	}
	return strings.Join(fields, ",")
}

// GetTicket reads one issue.
func (c *Client) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	var is issue
	req := httpx.Request{Method: http.MethodGet, Path: "/rest/api/3/issue/" + id,
		Query: url.Values{"fields": {c.readFields()}}, Operation: "getting Jira issue " + id, TicketID: id}
	if err := c.http.DoJSON(ctx, req, nil, &is); err != nil {
		return nil, err
	}
	t, err := is.normalise(c.baseURL)
	if err != nil {
		return nil, httpx.Unreadable(req.Operation, err)
	}
	return t, nil
}

// CreateTicket returns the issue that carries t.CorrelationKey when one exists, and raises
// a customer request otherwise.
func (c *Client) CreateTicket(ctx context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error) {
	if t.Subject == "" {
		return nil, &ticketing.InvalidTicketData{Detail: "missing subject (summary) for the new Jira request"}
	}
	priority, err := priorityName(t.Priority)
	if err != nil {
		return nil, &ticketing.InvalidTicketData{Detail: err.Error()}
	}
	if c.correlationField == "" && strings.ContainsAny(t.CorrelationKey, " \t\n") {
		return nil, &ticketing.InvalidTicketData{Detail: fmt.Sprintf("correlation key %q contains white space, which a Jira label cannot hold", t.CorrelationKey)}
	}
	if t.CorrelationKey != "" {
		found, err := c.findByCorrelation(ctx, t.CorrelationKey)
		if err != nil || found != nil {
			return found, err
		}
	}

	values := map[string]any{"summary": t.Subject, "description": t.Description}
	if field, ok := c.opts.Fields["priority"]; ok && t.Priority != "" {
		values[field] = map[string]string{"name": priority}
	}
	for name, value := range t.Fields {
		values[fieldName(c.opts.Fields, name)] = value
	}
	if t.CorrelationKey != "" {
		if c.correlationField != "" {
			values[c.correlationField] = t.CorrelationKey
		} else {
			values["labels"] = []string{t.CorrelationKey}
		}
	}

	body := map[string]any{"serviceDeskId": c.opts.ServiceDeskID, "requestTypeId": c.opts.RequestTypeID,
		"requestFieldValues": values}
	if t.Requester != "" {
		body["raiseOnBehalfOf"] = t.Requester
	}

	var created struct {
		IssueID       string `json:"issueId"`
		IssueKey      string `json:"issueKey"`
		CurrentStatus struct {
			Status string `json:"status"`
		} `json:"currentStatus"`
		CreatedDate struct {
			EpochMillis int64 `json:"epochMillis"`
		} `json:"createdDate"`
		Reporter struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"reporter"`
	}
	req := httpx.Request{Method: http.MethodPost, Path: "/rest/servicedeskapi/request", Operation: "raising Jira request"}
	if err := c.http.DoJSON(ctx, req, body, &created); err != nil {
		return nil, err
	}
	if created.IssueID == "" || created.IssueKey == "" {
		return nil, httpx.Unreadable(req.Operation, errors.New("missing issueId or issueKey"))
	}

	return &ticketing.Ticket{
		ID: created.IssueID, Key: created.IssueKey, URL: c.baseURL + "/browse/" + created.IssueKey,
		Subject: t.Subject, Description: t.Description, Status: created.CurrentStatus.Status,
		Requester: created.Reporter.EmailAddress, CreatedAt: time.UnixMilli(created.CreatedDate.EpochMillis).UTC(),
	}, nil
}

// findByCorrelation searches with JQL for the oldest issue carrying the key, or nil.
//
// NOTE: Jira Cloud's search index trails writes by up to a few seconds, so a retry that
// follows the first attempt very closely can still miss the issue.
func (c *Client) findByCorrelation(ctx context.Context, key string) (*ticketing.Ticket, error) {
	quoted, err := json.Marshal(key) // a JQL string literal has JSON's escaping
	if err != nil {
		return nil, err
	}
	jql := fmt.Sprintf("labels = %s ORDER BY created ASC", quoted)
	if c.correlationField != "" {
		jql = fmt.Sprintf("cf[%s] ~ %s ORDER BY created ASC", strings.TrimPrefix(c.correlationField, "customfield_"), quoted)
	}
	var page struct {
		Issues []issue `json:"issues"`
	}
	query := url.Values{"jql": {jql}, "fields": {c.readFields()}, "maxResults": {"50"}}
	req := httpx.Request{Method: http.MethodGet, Path: "/rest/api/3/search/jql", Query: query,
		Operation: "searching Jira issues by correlation key"}
	if err := c.http.DoJSON(ctx, req, nil, &page); err != nil {
		return nil, err
	}
	for _, is := range page.Issues {
		// "~" matches words, so the exact value is checked here.
		if c.correlationField != "" && customValue(is.Fields[c.correlationField]) != key {
			continue
		}
		t, err := is.normalise(c.baseURL)
		if err != nil {
			return nil, httpx.Unreadable(req.Operation, err)
		}
		return t, nil
	}
	return nil, nil
}

// Comment adds a public reply or an internal comment through the Service Management API.
func (c *Client) Comment(ctx context.Context, id, body string, v ticketing.Visibility) error {
	if v != ticketing.Public && v != ticketing.Internal {
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("unknown comment visibility %q: use public or internal", v)}
	}
	if err := checkID(id); err != nil {
		return err
	}
	req := httpx.Request{Method: http.MethodPost, Path: "/rest/servicedeskapi/request/" + id + "/comment",
		Operation: "commenting on Jira request " + id, TicketID: id}
	return c.http.DoJSON(ctx, req, map[string]any{"body": body, "public": v == ticketing.Public}, nil)
}

// SetStatus performs the transition whose name or target status matches status.
func (c *Client) SetStatus(ctx context.Context, id, status string) error {
	return c.transition(ctx, id, []string{status}, nil)
}

// Resolve performs the resolve transition, setting the resolution and adding the note as a
// comment in ADF.
func (c *Client) Resolve(ctx context.Context, id, note string) error {
	names := DefaultResolveTransitions
	if c.opts.ResolveTransition != "" {
		names = []string{c.opts.ResolveTransition}
	}
	extra := map[string]any{}
	if c.opts.Resolution != "" {
		extra["fields"] = map[string]any{"resolution": map[string]string{"name": c.opts.Resolution}}
	}
	if note != "" {
		extra["update"] = map[string]any{"comment": []any{map[string]any{"add": map[string]any{"body": adfDocument(note)}}}}
	}
	return c.transition(ctx, id, names, extra)
}

type transition struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	To   struct {
		Name string `json:"name"`
	} `json:"to"`
}

// transition performs the first available transition whose name or target status matches
// one of names, ignoring case. The keys of extra (fields, update) are added to the body.
func (c *Client) transition(ctx context.Context, id string, names []string, extra map[string]any) error {
	if err := checkID(id); err != nil {
		return err
	}
	var list struct {
		Transitions []transition `json:"transitions"`
	}
	req := httpx.Request{Method: http.MethodGet, Path: "/rest/api/3/issue/" + id + "/transitions",
		Operation: "listing the transitions of Jira issue " + id, TicketID: id}
	if err := c.http.DoJSON(ctx, req, nil, &list); err != nil {
		return err
	}
	chosen, ok := pickTransition(list.Transitions, names)
	if !ok {
		var available []string
		for _, tr := range list.Transitions {
			available = append(available, fmt.Sprintf("%q (to %s)", tr.Name, tr.To.Name))
		}
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("Jira issue %s has no transition to %q; available: %s",
			id, strings.Join(names, " or "), strings.Join(available, ", "))}
	}
	body := map[string]any{"transition": map[string]string{"id": chosen.ID}}
	for k, v := range extra {
		body[k] = v
	}
	req = httpx.Request{Method: http.MethodPost, Path: "/rest/api/3/issue/" + id + "/transitions",
		Operation: fmt.Sprintf("transitioning Jira issue %s with %q", id, chosen.Name), TicketID: id}
	return c.http.DoJSON(ctx, req, body, nil)
}

func pickTransition(available []transition, names []string) (transition, bool) {
	for _, name := range names {
		for _, tr := range available {
			if strings.EqualFold(tr.Name, name) || strings.EqualFold(tr.To.Name, name) {
				return tr, true
			}
		}
	}
	return transition{}, false
}

// Attach uploads a file to the issue.
func (c *Client) Attach(ctx context.Context, id, filename string, content []byte) error {
	if err := checkID(id); err != nil {
		return err
	}
	op := fmt.Sprintf("attaching %q to Jira issue %s", filename, id)
	body, contentType, err := httpx.MultipartFile("file", filename, content)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	// Multipart uploads need this header to pass Jira's XSRF check.
	header := http.Header{"X-Atlassian-Token": {"no-check"}, "Accept": {"application/json"}}
	_, err = c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/rest/api/3/issue/" + id + "/attachments",
		Body: body, ContentType: contentType, Header: header, Operation: op, TicketID: id})
	return err
}

// errorMessage reads {"errorMessages": [...], "errors": {field: message}}.
func errorMessage(body []byte) string {
	var e struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	parts := append([]string(nil), e.ErrorMessages...)
	for field, msg := range e.Errors {
		parts = append(parts, field+": "+msg)
	}
	return strings.Join(parts, "; ")
}

func priorityName(p string) (string, error) {
	switch strings.ToLower(p) {
	case "", "medium":
		return "Medium", nil
	case "low":
		return "Low", nil
	case "high":
		return "High", nil
	case "urgent":
		return "Highest", nil
	}
	return "", fmt.Errorf("unknown priority %q: use low, medium, high or urgent", p)
}

func fieldName(mapping map[string]string, name string) string {
	if mapped, ok := mapping[name]; ok {
		return mapped
	}
	return name
}
