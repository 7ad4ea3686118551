package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	texttemplate "text/template"
	"time"
)

// Email is one message ready to send: the envelope and the raw RFC 5322 message.
type Email struct {
	From string
	To   []string
	Raw  []byte
}

// EmailSender sends an e-mail. SES, SMTP and Outbox implement it.
type EmailSender interface {
	Send(ctx context.Context, e Email) error
}

const textBody = `{{printf .T.Asks .Record.Requester}}
{{- if gt .Record.Level 1}}
{{.T.Escalated}}
{{- end}}

{{.T.What}}{{.T.Colon}}
{{.Record.Action}}
{{if .Record.Reason}}
{{.T.Why}}{{.T.Colon}} {{.Record.Reason}}
{{- end}}
{{.T.RequestedBy}}{{.T.Colon}} {{.Record.Requester}}
{{- if .Record.TicketURL}}
{{.T.Ticket}}{{.T.Colon}} {{.Record.TicketURL}}
{{- end}}
{{.T.ValidUntil}}{{.T.Colon}} {{.ValidUntil}}

{{.T.OpenLink}}
{{.Link}}

-- 
{{.T.Footer}}
`

const htmlBody = `<!DOCTYPE html>
<html lang="{{.T.Lang}}">
<head><meta charset="utf-8"><title>{{.T.Title}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1b1b1b;">
<p>{{printf .T.Asks .Record.Requester}}</p>
{{- if gt .Record.Level 1}}
<p><em>{{.T.Escalated}}</em></p>
{{- end}}
<p><strong>{{.T.What}}{{.T.Colon}}</strong><br>{{.Record.Action}}</p>
<table cellpadding="4" style="border-collapse: collapse;">
{{- if .Record.Reason}}
<tr><td><strong>{{.T.Why}}</strong></td><td>{{.Record.Reason}}</td></tr>
{{- end}}
<tr><td><strong>{{.T.RequestedBy}}</strong></td><td>{{.Record.Requester}}</td></tr>
{{- if .TicketURL}}
<tr><td><strong>{{.T.Ticket}}</strong></td><td><a href="{{.TicketURL}}">{{.TicketURL}}</a></td></tr>
{{- end}}
<tr><td><strong>{{.T.ValidUntil}}</strong></td><td>{{.ValidUntil}}</td></tr>
</table>
<p>{{.T.OpenLink}}</p>
<p><a href="{{.Link}}" style="display: inline-block; padding: 12px 20px; background: #1f4e96; color: #ffffff; text-decoration: none; border-radius: 6px;">{{printf .T.OpenFor .Approver}}</a></p>
<p style="font-size: 13px; color: #555555;">{{.T.Footer}}</p>
</body>
</html>
`

var (
	textTemplate = texttemplate.Must(texttemplate.New("text").Parse(textBody))
	htmlTemplate = htmltemplate.Must(htmltemplate.New("html").Parse(htmlBody))
)

type emailData struct {
	*Request
	T         any
	Approver  string
	Link      string
	TicketURL string
}

// BuildEmail writes the e-mail to one approver: multipart/alternative with a plain-text and
// an HTML part, both quoted-printable UTF-8. The MIME boundary and Message-ID derive from
// the approval id and the approver, so the output is reproducible.
func BuildEmail(req *Request, approver string) (Email, error) {
	link, ok := req.Links[approver]
	if !ok {
		return Email{}, fmt.Errorf("building e-mail for approval %s: no link for approver %q", req.Record.ID, approver)
	}
	data := emailData{Request: req, T: req.Texts, Approver: approver, Link: link, TicketURL: httpURL(req.Record.TicketURL)}
	var text, html bytes.Buffer
	if err := textTemplate.Execute(&text, data); err != nil {
		return Email{}, fmt.Errorf("building e-mail text for approval %s: %w", req.Record.ID, err)
	}
	if err := htmlTemplate.Execute(&html, data); err != nil {
		return Email{}, fmt.Errorf("building e-mail HTML for approval %s: %w", req.Record.ID, err)
	}

	sum := sha256.Sum256([]byte(strings.ToLower(approver)))
	tag := req.Record.ID + "." + hex.EncodeToString(sum[:6])
	var msg bytes.Buffer
	mw := multipart.NewWriter(&msg)
	if err := mw.SetBoundary("approval-" + tag); err != nil {
		return Email{}, fmt.Errorf("building e-mail for approval %s: %w", req.Record.ID, err)
	}
	subject := fmt.Sprintf(req.Texts.Subject, shorten(req.Record.Action, 80))
	headers := []string{
		"From: " + req.From,
		"To: " + approver,
		"Subject: " + mime.QEncoding.Encode("utf-8", subject),
		"Date: " + req.Date.In(req.Location).Format(time.RFC1123Z),
		"Message-ID: <" + tag + "@approvals.secamo-orchestrator>",
		"MIME-Version: 1.0",
		"Auto-Submitted: auto-generated",
		"Content-Language: " + req.Texts.Lang,
		`Content-Type: multipart/alternative; boundary="` + mw.Boundary() + `"`,
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(headers, "\r\n") + "\r\n\r\n")

	for _, part := range []struct {
		contentType string
		body        []byte
	}{{"text/plain; charset=utf-8", text.Bytes()}, {"text/html; charset=utf-8", html.Bytes()}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.contentType},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return Email{}, fmt.Errorf("building e-mail for approval %s: %w", req.Record.ID, err)
		}
		qp := quotedprintable.NewWriter(w)
		qp.Write(part.body)
		qp.Close()
	}
	mw.Close()
	out.Write(msg.Bytes())
	return Email{From: req.From, To: []string{approver}, Raw: out.Bytes()}, nil
}

// shorten cuts s to at most n runes, ending with an ellipsis when cut.
func shorten(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// httpURL returns u when it is an http or https URL, and "" otherwise.
func httpURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}
