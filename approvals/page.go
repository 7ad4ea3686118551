package approvals

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// page is the data of the confirmation page and of every result or error page.
type page struct {
	T          *Texts
	Messages   []string
	Record     *Record
	TicketURL  string
	ValidUntil string
	Form       *form
}

// form is the decision form. It has no action attribute, so it posts to the page's own URL
// with the signed query, whatever path prefix a gateway adds.
type form struct {
	Token    string
	Approver string
}

func newPage(t *Texts, rec *Record, loc *time.Location, messages ...string) *page {
	p := &page{T: t, Messages: messages, Record: rec}
	if rec != nil {
		p.ValidUntil = t.FormatTime(rec.ExpiresAt, loc)
		if u, err := url.Parse(rec.TicketURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			p.TicketURL = rec.TicketURL
		}
	}
	return p
}

// securityHeaders forbid scripts, framing, caching and referrers: the URL carries a signature.
func securityHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
}

func writePage(w http.ResponseWriter, status int, p *page) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		// The template is fixed and its data are strings, so this is a programming error.
		http.Error(w, "rendering page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	securityHeaders(w.Header())
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func decidedMessage(t *Texts, rec Record, loc *time.Location) string {
	format := t.AlreadyApproved
	if rec.Status == StatusRejected {
		format = t.AlreadyRejected
	}
	return sprintf(format, rec.DecidedBy, t.FormatTime(rec.DecidedAt, loc))
}

func sprintf(format string, args ...string) string {
	r := format
	for _, a := range args {
		r = strings.Replace(r, "%s", a, 1)
	}
	return r
}
