package demo

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

var (
	linkPattern      = regexp.MustCompile(`https?://\S+/approvals/\S+`)
	formTokenPattern = regexp.MustCompile(`name="form_token" value="([^"]+)"`)
)

// NewestEmail returns the path of the most recent .eml file in the outbox folder.
func NewestEmail(outbox string) (string, error) {
	files, err := filepath.Glob(filepath.Join(outbox, "*.eml"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no .eml file in %s", outbox)
	}
	slices.SortFunc(files, func(a, b string) int {
		ia, _ := os.Stat(a)
		ib, _ := os.Stat(b)
		return ia.ModTime().Compare(ib.ModTime())
	})
	return files[len(files)-1], nil
}

// ApprovalLink returns the confirmation-page link in the plain-text part of an approval
// e-mail (RFC 5322, multipart/alternative, quoted-printable).
func ApprovalLink(raw []byte) (string, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", fmt.Errorf("reading the e-mail: %w", err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		return "", fmt.Errorf("the e-mail is not multipart (Content-Type %q)", msg.Header.Get("Content-Type"))
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := parts.NextRawPart()
		if err != nil {
			return "", fmt.Errorf("no text/plain part with an approval link: %w", err)
		}
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			continue
		}
		var body io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		text, err := io.ReadAll(body)
		if err != nil {
			return "", fmt.Errorf("decoding the text part: %w", err)
		}
		if link := linkPattern.FindString(string(text)); link != "" {
			return link, nil
		}
	}
}

// Decide decides as an approver does in the browser: GET the link, read the page's form
// token and POST the decision (approve or reject) with a comment to the same URL. It
// returns the status code and the page of the response.
func Decide(ctx context.Context, link, decision, comment string) (int, string, error) {
	page, status, err := fetch(ctx, http.MethodGet, link, nil)
	if err != nil {
		return 0, "", err
	}
	if status != http.StatusOK {
		return status, page, fmt.Errorf("opening the approval page: status %d", status)
	}
	m := formTokenPattern.FindStringSubmatch(page)
	if m == nil {
		return status, page, fmt.Errorf("the approval page has no form: nothing can be decided")
	}
	form := url.Values{"form_token": {html.UnescapeString(m[1])}, "decision": {decision}, "comment": {comment}}
	page, status, err = fetch(ctx, http.MethodPost, link, form)
	return status, page, err
}

func fetch(ctx context.Context, method, link string, form url.Values) (string, int, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, link, body)
	if err != nil {
		return "", 0, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("%s the approval page: %w", method, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode, err
}
