package jira

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/secamo/orchestrator/sandbox/ticketing"
)

const timeLayout = "2006-01-02T15:04:05.000-0700"

// render writes a record as /rest/api/3/issue returns it, description and comments in ADF.
func (s *Server) render(r *http.Request, rec ticketing.Record) map[string]any {
	self := "http://" + r.Host + "/rest/api/3/issue/" + rec.ID
	fields := map[string]any{
		"summary":     rec.Subject,
		"description": adfDocument(rec.Description),
		"status": map[string]any{"name": rec.Status, "statusCategory": map[string]any{
			"key": s.statusCategory(rec.Status)}},
		"reporter":   map[string]any{"emailAddress": rec.Requester, "displayName": rec.Requester, "accountId": "5b10a2844c20165700ede21g"},
		"labels":     nonNil(rec.Labels),
		"created":    rec.Created.Format(timeLayout),
		"updated":    rec.Updated.Format(timeLayout),
		"project":    map[string]any{"key": s.opts.ProjectKey},
		"resolution": nil,
		"attachment": attachments(rec),
	}
	if rec.Resolution != "" {
		fields["resolution"] = map[string]any{"name": rec.Resolution}
	}
	if rec.Priority != "" {
		fields["priority"] = map[string]any{"name": rec.Priority}
	}
	for name, value := range rec.Fields {
		fields[name] = value
	}
	return map[string]any{"id": rec.ID, "key": rec.Key, "self": self, "fields": fields}
}

func attachments(rec ticketing.Record) []map[string]any {
	list := []map[string]any{}
	for i, a := range rec.Attachments {
		list = append(list, map[string]any{"id": i + 1, "filename": a.Name, "size": len(a.Content)})
	}
	return list
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// dateValue is the Service Management date object.
func dateValue(t time.Time) map[string]any {
	return map[string]any{"iso8601": t.Format("2006-01-02T15:04:05-0700"), "jira": t.Format(timeLayout),
		"friendly": t.Format("02/Jan/06 3:04 PM"), "epochMillis": t.UnixMilli()}
}

type adfNode struct {
	Type    string    `json:"type"`
	Text    string    `json:"text,omitempty"`
	Content []adfNode `json:"content,omitempty"`
	Version int       `json:"version,omitempty"`
}

func adfDocument(text string) any {
	if text == "" {
		return nil
	}
	doc := adfNode{Type: "doc", Version: 1}
	for _, line := range strings.Split(text, "\n") {
		p := adfNode{Type: "paragraph"}
		if line != "" {
			p.Content = []adfNode{{Type: "text", Text: line}}
		}
		doc.Content = append(doc.Content, p)
	}
	return doc
}

// adfText returns the text of an ADF document, paragraphs on their own lines.
func adfText(raw json.RawMessage) string {
	var doc adfNode
	if json.Unmarshal(raw, &doc) != nil {
		return ""
	}
	var lines []string
	var walk func(n adfNode, line *strings.Builder)
	walk = func(n adfNode, line *strings.Builder) {
		line.WriteString(n.Text)
		for _, c := range n.Content {
			if c.Type == "paragraph" {
				var b strings.Builder
				walk(c, &b)
				lines = append(lines, b.String())
				continue
			}
			walk(c, line)
		}
	}
	var rest strings.Builder
	walk(doc, &rest)
	if rest.Len() > 0 {
		lines = append(lines, rest.String())
	}
	return strings.Join(lines, "\n")
}
