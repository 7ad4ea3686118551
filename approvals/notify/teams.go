package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
)

// Teams posts approval requests to a Microsoft Teams Workflows webhook ("Post to a channel
// when a webhook request is received"), which expects a message with Adaptive Card
// attachments and responds with 202 Accepted.
type Teams struct {
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
}

// TeamsMessage is the webhook's request body.
type TeamsMessage struct {
	Type        string            `json:"type"`
	Attachments []TeamsAttachment `json:"attachments"`
}

// TeamsAttachment is one card of a TeamsMessage.
type TeamsAttachment struct {
	ContentType string       `json:"contentType"`
	ContentURL  *string      `json:"contentUrl"`
	Content     AdaptiveCard `json:"content"`
}

// AdaptiveCard is the subset of the Adaptive Card schema (version 1.4) the request uses.
type AdaptiveCard struct {
	Schema  string        `json:"$schema"`
	Type    string        `json:"type"`
	Version string        `json:"version"`
	Body    []CardElement `json:"body"`
	Actions []CardAction  `json:"actions"`
}

// CardElement is a TextBlock or a FactSet.
type CardElement struct {
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	Weight   string `json:"weight,omitempty"`
	Size     string `json:"size,omitempty"`
	Wrap     bool   `json:"wrap,omitempty"`
	IsSubtle bool   `json:"isSubtle,omitempty"`
	Facts    []Fact `json:"facts,omitempty"`
}

// Fact is one title and value of a FactSet.
type Fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// CardAction is an Action.OpenUrl button: it only opens the confirmation page.
type CardAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// BuildTeamsMessage returns the Teams message of an approval request: the facts of the
// request and one Action.OpenUrl button per approver, each opening that approver's page.
// NOTE: every member of the channel can open every button, so the channel must contain
// only the approvers.
func BuildTeamsMessage(req *Request) TeamsMessage {
	t := req.Texts
	body := []CardElement{
		{Type: "TextBlock", Text: t.Title, Weight: "Bolder", Size: "Medium", Wrap: true},
		{Type: "TextBlock", Text: fmt.Sprintf(t.Asks, req.Record.Requester), Wrap: true},
	}
	if req.Record.Level > 1 {
		body = append(body, CardElement{Type: "TextBlock", Text: t.Escalated, Wrap: true})
	}
	facts := []Fact{{Title: t.What, Value: req.Record.Action}}
	if req.Record.Reason != "" {
		facts = append(facts, Fact{Title: t.Why, Value: req.Record.Reason})
	}
	facts = append(facts, Fact{Title: t.RequestedBy, Value: req.Record.Requester})
	if u := httpURL(req.Record.TicketURL); u != "" {
		facts = append(facts, Fact{Title: t.Ticket, Value: u})
	}
	facts = append(facts, Fact{Title: t.ValidUntil, Value: req.ValidUntil()})
	body = append(body,
		CardElement{Type: "FactSet", Facts: facts},
		CardElement{Type: "TextBlock", Text: t.OpenLink, Wrap: true, IsSubtle: true},
	)

	approvers := make([]string, 0, len(req.Links))
	for a := range req.Links {
		approvers = append(approvers, a)
	}
	sort.Strings(approvers)
	var actions []CardAction
	for _, a := range approvers {
		actions = append(actions, CardAction{Type: "Action.OpenUrl", Title: fmt.Sprintf(t.OpenFor, a), URL: req.Links[a]})
	}
	return TeamsMessage{
		Type: "message",
		Attachments: []TeamsAttachment{{
			ContentType: "application/vnd.microsoft.card.adaptive",
			Content: AdaptiveCard{
				Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
				Type:    "AdaptiveCard",
				Version: "1.4",
				Body:    body,
				Actions: actions,
			},
		}},
	}
}

// Post sends the message to the webhook URL. The URL is a secret (it carries a signature),
// so errors name only the HTTP status.
func (c *Teams) Post(ctx context.Context, webhookURL string, msg TeamsMessage) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encoding Teams message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("posting Teams message: invalid webhook URL")
	}
	req.Header.Set("Content-Type", "application/json")
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// The *url.Error would print the webhook URL.
		return fmt.Errorf("posting Teams message: %w", stripURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		detail, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("posting Teams message: webhook responded %s: %s", resp.Status, bytes.TrimSpace(detail))
	}
	return nil
}

// stripURL returns the error inside a *url.Error, whose message would contain the URL.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}
