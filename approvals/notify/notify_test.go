package notify_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/approvals/notify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	approver1 = "it-manager@acme.example"
	approver2 = "cio@acme.example"
)

func request(locale string, level int) *notify.Request {
	brussels, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		panic(err)
	}
	rec := approvals.Record{
		ID:        "abcdefghijklmnopqrstuvwxyz234567",
		Tenant:    "acme",
		Level:     level,
		Approvers: []string{approver1, approver2},
		Requester: "hr@acme.example",
		Action:    "Disable the account of jan.peeters@acme.example and remove 12 groups and 2 licences",
		Reason:    "Offboarding ticket 42: last working day 4 December 2026",
		TicketURL: "https://acme.example/tickets/42",
		ExpiresAt: time.Date(2026, 12, 4, 13, 30, 0, 0, time.UTC),
	}
	return &notify.Request{
		Record: rec,
		Links: map[string]string{
			approver1: "https://approvals.acme.example/approvals/acme/" + rec.ID + "?approver=it-manager%40acme.example&expires=1796477400&sig=SIG1",
			approver2: "https://approvals.acme.example/approvals/acme/" + rec.ID + "?approver=cio%40acme.example&expires=1796477400&sig=SIG2",
		},
		Texts:    approvals.TextsFor(locale),
		Location: brussels,
		From:     "orchestrator@acme.example",
		Date:     time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC),
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", name, got)
	}
}

// parts decodes a raw e-mail into its header and its decoded parts by content type.
func parts(t *testing.T, raw []byte) (mail.Header, map[string]string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("reading message: %v", err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, want multipart/alternative", msg.Header.Get("Content-Type"))
	}
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(b)
	}
	return msg.Header, out
}

func TestEmailGolden(t *testing.T) {
	for _, locale := range []string{"nl", "fr", "en"} {
		t.Run(locale, func(t *testing.T) {
			e, err := notify.BuildEmail(request(locale, 1), approver1)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "email-"+locale+".eml.golden", e.Raw)

			header, p := parts(t, e.Raw)
			golden(t, "email-"+locale+".txt.golden", []byte(p["text/plain"]))
			golden(t, "email-"+locale+".html.golden", []byte(p["text/html"]))
			subject, err := new(mime.WordDecoder).DecodeHeader(header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(subject, "jan.peeters@acme.example") {
				t.Errorf("Subject = %q, want the action", subject)
			}
			link := request(locale, 1).Links[approver1]
			if !strings.Contains(p["text/plain"], link) || !strings.Contains(p["text/html"], strings.ReplaceAll(link, "&", "&amp;")) {
				t.Errorf("a part lacks the approver's link %s", link)
			}
			if strings.Contains(string(e.Raw), request(locale, 1).Links[approver2]) {
				t.Errorf("e-mail to %s contains the link of %s", approver1, approver2)
			}
		})
	}
}

func TestEmailEscalationAndEscaping(t *testing.T) {
	req := request("nl", 2)
	req.Record.Action = `Remove <b>all</b> groups & "licences"`
	e, err := notify.BuildEmail(req, approver2)
	if err != nil {
		t.Fatal(err)
	}
	_, p := parts(t, e.Raw)
	if !strings.Contains(p["text/plain"], "Niemand van het vorige niveau") {
		t.Errorf("level 2 e-mail does not say it is an escalation:\n%s", p["text/plain"])
	}
	if strings.Contains(p["text/html"], "<b>all</b>") || !strings.Contains(p["text/html"], "&lt;b&gt;all&lt;/b&gt;") {
		t.Errorf("HTML part does not escape the action:\n%s", p["text/html"])
	}
	if !strings.Contains(p["text/plain"], `Remove <b>all</b> groups & "licences"`) {
		t.Errorf("text part changed the action:\n%s", p["text/plain"])
	}
	if _, err := notify.BuildEmail(req, "someone@else.example"); err == nil {
		t.Errorf("BuildEmail for an address without a link = nil, want an error")
	}
}

func TestTeamsGolden(t *testing.T) {
	for _, locale := range []string{"nl", "fr", "en"} {
		t.Run(locale, func(t *testing.T) {
			msg := notify.BuildTeamsMessage(request(locale, 1))
			b, err := json.MarshalIndent(msg, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "teams-"+locale+".json.golden", append(b, '\n'))
			for _, a := range msg.Attachments[0].Content.Actions {
				if a.Type != "Action.OpenUrl" {
					t.Errorf("action type %s, want only Action.OpenUrl", a.Type)
				}
			}
		})
	}
}

func TestTeamsPost(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	teams := &notify.Teams{Client: srv.Client()}
	if err := teams.Post(t.Context(), srv.URL+"/workflows/abc?sig=secret", notify.BuildTeamsMessage(request("fr", 1))); err != nil {
		t.Fatal(err)
	}
	att := got["attachments"].([]any)[0].(map[string]any)
	if att["contentType"] != "application/vnd.microsoft.card.adaptive" {
		t.Errorf("contentType = %v", att["contentType"])
	}
	if v := att["content"].(map[string]any)["type"]; v != "AdaptiveCard" {
		t.Errorf("content.type = %v, want AdaptiveCard", v)
	}
}

func TestTeamsPostErrorHidesURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "flow is disabled", http.StatusNotFound)
	}))
	defer srv.Close()
	err := (&notify.Teams{Client: srv.Client()}).Post(t.Context(), srv.URL+"/workflows?sig=secret", notify.BuildTeamsMessage(request("en", 1)))
	if err == nil || !strings.Contains(err.Error(), "404") || strings.Contains(err.Error(), "secret") {
		t.Errorf("Post = %v, want a 404 error without the webhook URL", err)
	}
	srv.Close()
	err = (&notify.Teams{}).Post(t.Context(), srv.URL+"/workflows?sig=secret", notify.BuildTeamsMessage(request("en", 1)))
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("Post to a closed server = %v, want an error without the webhook URL", err)
	}
}

type fakeSES struct{ inputs []*sesv2.SendEmailInput }

func (f *fakeSES) SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.inputs = append(f.inputs, in)
	return &sesv2.SendEmailOutput{}, nil
}

func TestSESSendsRawMessage(t *testing.T) {
	e, err := notify.BuildEmail(request("en", 1), approver1)
	if err != nil {
		t.Fatal(err)
	}
	fake := &fakeSES{}
	if err := (&notify.SES{Client: fake, ConfigurationSet: "approvals"}).Send(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	if len(fake.inputs) != 1 {
		t.Fatalf("SendEmail called %d times, want 1", len(fake.inputs))
	}
	in := fake.inputs[0]
	if *in.FromEmailAddress != e.From || in.Destination.ToAddresses[0] != approver1 || !bytes.Equal(in.Content.Raw.Data, e.Raw) ||
		*in.ConfigurationSetName != "approvals" {
		t.Errorf("SendEmail input = %+v, want the raw message from %s to %s", in, e.From, approver1)
	}
}

// smtpServer is a minimal SMTP server on loopback that stores the messages it receives.
type smtpServer struct {
	ln       net.Listener
	mu       sync.Mutex
	messages []receivedMail
}

type receivedMail struct {
	from string
	to   []string
	data string
}

func startSMTP(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	reply := func(line string) { io.WriteString(conn, line+"\r\n") }
	reply("220 localhost test SMTP")
	var m receivedMail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250 localhost")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m = receivedMail{from: strings.Trim(strings.TrimSpace(line)[10:], "<>")}
			reply("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = append(m.to, strings.Trim(strings.TrimSpace(line)[8:], "<>"))
			reply("250 ok")
		case cmd == "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			m.data = data.String()
			s.mu.Lock()
			s.messages = append(s.messages, m)
			s.mu.Unlock()
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

func TestSMTPSendsMessage(t *testing.T) {
	srv := startSMTP(t)
	e, err := notify.BuildEmail(request("nl", 1), approver1)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&notify.SMTP{Addr: srv.ln.Addr().String()}).Send(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.messages) != 1 {
		t.Fatalf("server received %d messages, want 1", len(srv.messages))
	}
	m := srv.messages[0]
	if m.from != e.From || len(m.to) != 1 || m.to[0] != approver1 {
		t.Errorf("envelope = %s -> %v, want %s -> %s", m.from, m.to, e.From, approver1)
	}
	if m.data != string(e.Raw)+"\r\n" && m.data != string(e.Raw) {
		t.Errorf("received data differs from the message sent")
	}
}

func TestSMTPUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	err = (&notify.SMTP{Addr: addr}).Send(ctx, notify.Email{From: "a@b.example", To: []string{"c@d.example"}, Raw: []byte("x")})
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("Send to a closed port = %v, want an error naming %s", err, addr)
	}
}

func TestOutboxWritesEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	e, err := notify.BuildEmail(request("fr", 1), approver2)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&notify.Outbox{Dir: dir}).Send(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(files) != 1 {
		t.Fatalf("outbox holds %v, want one .eml file", files)
	}
	got, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, e.Raw) {
		t.Errorf("outbox file differs from the message")
	}
	if !strings.Contains(filepath.Base(files[0]), "cio@acme.example") {
		t.Errorf("file name %s does not name the recipient", files[0])
	}
}
