package jira

import (
	"encoding/json"
	"strings"
)

// adfNode is a node of an Atlassian Document Format document.
type adfNode struct {
	Type    string    `json:"type"`
	Text    string    `json:"text,omitempty"`
	Content []adfNode `json:"content,omitempty"`
	Version int       `json:"version,omitempty"`
}

// adfDocument wraps plain text in an ADF document, one paragraph per line.
func adfDocument(text string) adfNode {
	doc := adfNode{Type: "doc", Version: 1, Content: []adfNode{}}
	for _, line := range strings.Split(text, "\n") {
		p := adfNode{Type: "paragraph", Content: []adfNode{}}
		if line != "" {
			p.Content = append(p.Content, adfNode{Type: "text", Text: line})
		}
		doc.Content = append(doc.Content, p)
	}
	return doc
}

// adfText returns the plain text of a rich-text value: an ADF document (API v3) or a plain
// string (API v2 and webhooks).
func adfText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var doc adfNode
	if json.Unmarshal(raw, &doc) != nil {
		return ""
	}
	var b strings.Builder
	writeADF(&b, doc)
	return strings.TrimRight(b.String(), "\n")
}

func writeADF(b *strings.Builder, n adfNode) {
	switch n.Type {
	case "text":
		b.WriteString(n.Text)
	case "hardBreak":
		b.WriteString("\n")
	}
	for _, child := range n.Content {
		writeADF(b, child)
	}
	switch n.Type {
	case "paragraph", "heading", "codeBlock":
		b.WriteString("\n")
	}
}
