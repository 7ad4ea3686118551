package freshdesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/secamo/orchestrator/adapters/ticketing"
	"github.com/secamo/orchestrator/adapters/ticketing/internal/httpx"
)

// Options configures a Client.
type Options struct {
	// BaseURL is the helpdesk root, such as https://acme.freshdesk.com.
	BaseURL string
	// APIKey is the agent's API key.
	APIKey string
	// GroupID is the group new tickets are assigned to; zero leaves it unset.
	GroupID int64
	// Fields maps workflow field names to Freshdesk custom fields (cf_...).
	Fields map[string]string

	HTTPClient  *http.Client
	Clock       httpx.Clock
	MaxAttempts int
	MaxWait     time.Duration
	Logger      *slog.Logger
}

// Client talks to one Freshdesk helpdesk.
type Client struct {
	http    *httpx.Client
	baseURL string
	groupID int64
	fields  map[string]string
}

var _ ticketing.System = (*Client)(nil)

// New returns a client; it makes no request.
func New(opts Options) (*Client, error) {
	base, err := httpx.ParseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	if opts.APIKey == "" {
		return nil, errors.New("missing Freshdesk API key")
	}
	return &Client{
		http: &httpx.Client{
			BaseURL: base, HTTP: opts.HTTPClient, Auth: httpx.Basic(opts.APIKey, "X"),
			Clock: opts.Clock, MaxAttempts: opts.MaxAttempts, MaxWait: opts.MaxWait,
			Logger: opts.Logger, System: "freshdesk", ErrorMessage: errorMessage,
		},
		baseURL: base.String(),
		groupID: opts.GroupID,
		fields:  opts.Fields,
	}, nil
}

// GetTicket reads one ticket with its requester.
func (c *Client) GetTicket(ctx context.Context, id string) (*ticketing.Ticket, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	var rec ticketRecord
	req := httpx.Request{Method: http.MethodGet, Path: "/api/v2/tickets/" + id,
		Query: url.Values{"include": {"requester"}}, Operation: "getting Freshdesk ticket " + id, TicketID: id}
	if err := c.http.DoJSON(ctx, req, nil, &rec); err != nil {
		return nil, err
	}
	return rec.normalise(c.baseURL), nil
}

// CreateTicket returns the ticket tagged with t.CorrelationKey when one exists, and creates it
// otherwise.
func (c *Client) CreateTicket(ctx context.Context, t ticketing.NewTicket) (*ticketing.Ticket, error) {
	if t.Subject == "" {
		return nil, &ticketing.InvalidTicketData{Detail: "missing subject for the new Freshdesk ticket"}
	}
	priority, err := PriorityCode(t.Priority)
	if err != nil {
		return nil, &ticketing.InvalidTicketData{Detail: err.Error()}
	}
	if t.CorrelationKey != "" {
		found, err := c.findByTag(ctx, t.CorrelationKey)
		if err != nil || found != nil {
			return found, err
		}
	}

	body := map[string]any{
		"subject":     t.Subject,
		"description": htmlParagraphs(t.Description),
		"email":       t.Requester,
		"priority":    priority,
		"status":      2,
		"source":      2, // portal
	}
	if t.CorrelationKey != "" {
		body["tags"] = []string{t.CorrelationKey}
	}
	if c.groupID != 0 {
		body["group_id"] = c.groupID
	}
	if len(t.Fields) > 0 {
		custom := make(map[string]string, len(t.Fields))
		for name, value := range t.Fields {
			custom[fieldName(c.fields, name)] = value
		}
		body["custom_fields"] = custom
	}

	var rec ticketRecord
	req := httpx.Request{Method: http.MethodPost, Path: "/api/v2/tickets", Operation: "creating Freshdesk ticket"}
	if err := c.http.DoJSON(ctx, req, body, &rec); err != nil {
		return nil, err
	}
	created := rec.normalise(c.baseURL)
	created.Requester = t.Requester
	return created, nil
}

// findByTag returns the oldest ticket carrying the tag, or nil.
//
// NOTE: Freshdesk's search index trails writes by a few seconds, so a retry that follows the
// first attempt very closely can still miss the ticket.
func (c *Client) findByTag(ctx context.Context, tag string) (*ticketing.Ticket, error) {
	if strings.ContainsAny(tag, `'"\`) {
		return nil, &ticketing.InvalidTicketData{Detail: fmt.Sprintf("correlation key %q contains a quote or backslash, which Freshdesk search cannot match", tag)}
	}
	var page struct {
		Results []ticketRecord `json:"results"`
		Total   int            `json:"total"`
	}
	req := httpx.Request{Method: http.MethodGet, Path: "/api/v2/search/tickets",
		Query: url.Values{"query": {fmt.Sprintf(`"tag:'%s'"`, tag)}}, Operation: "searching Freshdesk tickets by tag"}
	if err := c.http.DoJSON(ctx, req, nil, &page); err != nil {
		return nil, err
	}
	if len(page.Results) == 0 {
		return nil, nil
	}
	oldest := page.Results[0]
	for _, rec := range page.Results[1:] {
		if rec.CreatedAt.Before(oldest.CreatedAt) {
			oldest = rec
		}
	}
	return c.GetTicket(ctx, strconv.FormatInt(oldest.ID, 10))
}

// Comment adds a public reply, which Freshdesk e-mails to the requester, or a private note.
func (c *Client) Comment(ctx context.Context, id, body string, v ticketing.Visibility) error {
	if err := checkID(id); err != nil {
		return err
	}
	switch v {
	case ticketing.Public:
		req := httpx.Request{Method: http.MethodPost, Path: "/api/v2/tickets/" + id + "/reply",
			Operation: "replying on Freshdesk ticket " + id, TicketID: id}
		return c.http.DoJSON(ctx, req, map[string]any{"body": htmlParagraphs(body)}, nil)
	case ticketing.Internal:
		return c.note(ctx, id, body, true)
	default:
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("unknown comment visibility %q: use public or internal", v)}
	}
}

func (c *Client) note(ctx context.Context, id, body string, private bool) error {
	req := httpx.Request{Method: http.MethodPost, Path: "/api/v2/tickets/" + id + "/notes",
		Operation: "adding a note to Freshdesk ticket " + id, TicketID: id}
	return c.http.DoJSON(ctx, req, map[string]any{"body": htmlParagraphs(body), "private": private}, nil)
}

// SetStatus sets the status by name (Open, Pending, Resolved, Closed) or numeric code.
func (c *Client) SetStatus(ctx context.Context, id, status string) error {
	if err := checkID(id); err != nil {
		return err
	}
	code, err := StatusCode(status)
	if err != nil {
		return &ticketing.InvalidTicketData{Detail: err.Error()}
	}
	req := httpx.Request{Method: http.MethodPut, Path: "/api/v2/tickets/" + id,
		Operation: "setting the status of Freshdesk ticket " + id, TicketID: id}
	return c.http.DoJSON(ctx, req, map[string]any{"status": code}, nil)
}

// Resolve adds the note as a public note and sets the status to Resolved.
func (c *Client) Resolve(ctx context.Context, id, note string) error {
	if err := checkID(id); err != nil {
		return err
	}
	if note != "" {
		if err := c.note(ctx, id, note, false); err != nil {
			return err
		}
	}
	return c.SetStatus(ctx, id, "Resolved")
}

// Attach uploads a file to the ticket with a multipart ticket update.
func (c *Client) Attach(ctx context.Context, id, filename string, content []byte) error {
	if err := checkID(id); err != nil {
		return err
	}
	body, contentType, err := httpx.MultipartFile("attachments[]", filename, content)
	if err != nil {
		return fmt.Errorf("attaching %q to Freshdesk ticket %s: %w", filename, id, err)
	}
	req := httpx.Request{Method: http.MethodPut, Path: "/api/v2/tickets/" + id, Body: body, ContentType: contentType,
		Operation: fmt.Sprintf("attaching %q to Freshdesk ticket %s", filename, id), TicketID: id}
	_, err = c.http.Do(ctx, req)
	return err
}

// checkID rejects ids that are not Freshdesk's positive integers before they reach a URL.
func checkID(id string) error {
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
		return &ticketing.InvalidTicketData{Detail: fmt.Sprintf("invalid Freshdesk ticket id %q: use the ticket number without #", id)}
	}
	return nil
}

// errorMessage reads Freshdesk's error bodies: validation errors
// {"description","errors":[{"field","message","code"}]} and {"code","message"}.
func errorMessage(body []byte) string {
	var e struct {
		Description string `json:"description"`
		Errors      []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
			Code    string `json:"code"`
		} `json:"errors"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	var parts []string
	for _, fe := range e.Errors {
		parts = append(parts, fmt.Sprintf("%s: %s (%s)", fe.Field, fe.Message, fe.Code))
	}
	switch {
	case len(parts) > 0:
		return e.Description + ": " + strings.Join(parts, "; ")
	case e.Message != "":
		return e.Message + " (" + e.Code + ")"
	default:
		return e.Description
	}
}

func fieldName(mapping map[string]string, name string) string {
	if mapped, ok := mapping[name]; ok {
		return mapped
	}
	return name
}

// htmlParagraphs turns plain text into the HTML Freshdesk expects, escaping markup.
func htmlParagraphs(text string) string {
	escaped := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(text)
	return "<div>" + strings.ReplaceAll(escaped, "\n", "<br>") + "</div>"
}
