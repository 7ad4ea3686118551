package approval_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/secamo/orchestrator/approvals"
	"github.com/secamo/orchestrator/internal/testenv"
)

// recordingResolver records SendTaskSuccess and SendTaskFailure calls.
type recordingResolver struct {
	mu    sync.Mutex
	calls []string
}

func (r *recordingResolver) SendTaskSuccess(ctx context.Context, token, output string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "success "+output)
	return nil
}

func (r *recordingResolver) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "failure "+errorName+" "+cause)
	return nil
}

func (r *recordingResolver) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

// startBrowser starts headless Chromium with a fresh profile, or skips (fails in CI) when it
// is not installed.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else {
			testenv.SkipOrFail(t, "Chromium not found at /usr/bin/chromium or in PATH; install the chromium package")
		}
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// linkFromEML returns the confirmation link in the plain-text part of an .eml file.
func linkFromEML(t *testing.T, path, baseURL string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			continue
		}
		s := bufio.NewScanner(p)
		for s.Scan() {
			if strings.HasPrefix(s.Text(), baseURL+"/approvals/") {
				return s.Text()
			}
		}
	}
	t.Fatalf("no link to %s in %s", baseURL, path)
	return ""
}

func TestBrowserApprovesFromEmail(t *testing.T) {
	browser := startBrowser(t)
	shots := os.Getenv("APPROVAL_SCREENSHOTS") // a folder to keep the screenshots in, for review

	wantText := map[string]string{
		"nl": "U hebt de aanvraag goedgekeurd",
		"fr": "Vous avez approuvé la demande",
		"en": "You approved the request",
	}
	for _, locale := range []string{"nl", "fr", "en"} {
		t.Run(locale, func(t *testing.T) {
			var endpoint http.Handler
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { endpoint.ServeHTTP(w, r) }))
			defer srv.Close()

			cfg := acme("")
			cfg.Locale = locale
			cfg.Approvals.BaseURL = srv.URL
			f := newFixture(t, cfg, "")
			f.clock.now = time.Now() // the browser sends real requests, the link must be valid now
			resolver := &recordingResolver{}
			endpoint = &approvals.Handler{
				Service: &approvals.Service{Store: f.store, Resolver: resolver, Clock: approvals.SystemClock{}, Logger: slog.New(slog.DiscardHandler)},
				Tenants: f.handler.Tenants,
				Secrets: f.handler.Secrets,
				Logger:  slog.New(slog.DiscardHandler),
			}

			out, err := f.handler.Handle(t.Context(), input())
			if err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(f.outbox, "*.eml"))
			if len(files) != 1 {
				t.Fatalf("outbox holds %v, want one e-mail", files)
			}
			link := linkFromEML(t, files[0], srv.URL)

			tab, cancel := chromedp.NewContext(browser)
			defer cancel()
			ctx, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
			defer cancelTimeout()
			err = chromedp.Do(ctx,
				chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
				chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.CSS("button.approve")),
			)
			if err != nil {
				t.Fatalf("opening the link: %v", err)
			}
			if shots != "" {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(shots, "approval-"+locale+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rec, err := f.store.Get(t.Context(), out.ApprovalID)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != approvals.StatusPending || len(resolver.Calls()) != 0 {
				t.Fatalf("opening the page decided something: status %s, resolver calls %v", rec.Status, resolver.Calls())
			}

			err = chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("#comment"), "OK"),
				chromedp.Click(chromedp.CSS("button.approve")),
				chromedp.WaitVisible(chromedp.CSS("p.message")),
			)
			if err != nil {
				t.Fatalf("pressing Approve: %v", err)
			}
			text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p.message")))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, wantText[locale]) {
				t.Errorf("page after Approve says %q, want %q", text, wantText[locale])
			}
			if shots != "" {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err == nil {
					err = os.WriteFile(filepath.Join(shots, "approved-"+locale+".png"), png, 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
			}

			calls := resolver.Calls()
			if len(calls) != 1 || !strings.HasPrefix(calls[0], "success ") {
				t.Fatalf("resolver calls = %v, want one SendTaskSuccess", calls)
			}
			var res approvals.Result
			if err := json.Unmarshal([]byte(strings.TrimPrefix(calls[0], "success ")), &res); err != nil {
				t.Fatal(err)
			}
			if res.Decision != approvals.Approve || res.Approver != "it-manager@acme.example" || res.Comment != "OK" || res.ApprovalID != out.ApprovalID {
				t.Errorf("decision = %+v, want approve by it-manager with comment OK", res)
			}
		})
	}
}

// partsOf decodes a raw e-mail into its header and its decoded parts by content type.
func partsOf(t *testing.T, raw []byte) (mail.Header, map[string]string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return msg.Header, out
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
}
