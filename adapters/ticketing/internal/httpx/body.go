package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// JSONBody encodes v for Request.Body with ContentType application/json.
func JSONBody(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding request body: %w", err)
	}
	return data, nil
}

// DoJSON sends req with in encoded as JSON (unless in is nil) and decodes a success body into
// out (unless out is nil). A body that does not decode is InvalidTicketData.
func (c *Client) DoJSON(ctx context.Context, req Request, in, out any) error {
	if in != nil {
		body, err := JSONBody(in)
		if err != nil {
			return err
		}
		req.Body = body
		req.ContentType = "application/json"
	}
	if req.Header == nil {
		req.Header = make(map[string][]string)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(ctx, req)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return Unreadable(req.Operation, err)
	}
	return nil
}

// MultipartFile builds a multipart/form-data body holding one file in the named field, and
// returns the body and its content type.
func MultipartFile(field, filename string, content []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	header := make(textproto.MIMEHeader)
	header.Set("Content-Disposition", `form-data; name="`+escapeQuotes(field)+`"; filename="`+escapeQuotes(filename)+`"`)
	header.Set("Content-Type", "application/octet-stream")
	part, err := w.CreatePart(header)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(content); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }
