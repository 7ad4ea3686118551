package ingest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// discardQuarantine drops records, so the fuzz target writes no files.
type discardQuarantine struct{}

func (discardQuarantine) Keep(ctx context.Context, r Record) error { return nil }

// FuzzHandler posts arbitrary authenticated bodies to every system and checks that the handler
// responds with a JSON body and a known status instead of panicking.
func FuzzHandler(f *testing.F) {
	cfg, err := tenants.Load("../testdata/tenant.yaml")
	if err != nil {
		f.Fatal(err)
	}
	h := &Handler{
		Tenants:    map[string]*tenants.Config{"acme": cfg},
		Secrets:    secrets.Static{"env:ACME_WEBHOOK_SECRET": testSecret},
		Rules:      rules.All(),
		Starter:    &fakeStarter{inputs: map[string]string{}},
		Quarantine: discardQuarantine{},
		Clock:      fixedClock{time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	files, err := filepath.Glob("../testdata/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for i, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	known := map[int]bool{200: true, 400: true, 401: true, 404: true, 413: true, 500: true, 502: true}
	f.Fuzz(func(t *testing.T, system uint8, body []byte) {
		name := Systems[int(system)%len(Systems)]
		req := httptest.NewRequest(http.MethodPost, "/webhooks/acme/"+name, strings.NewReader(string(body)))
		req.Header.Set(TokenHeader, testSecret)
		req.Header.Set(SignatureHeader, sign(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !known[rec.Code] {
			t.Fatalf("status %d for %s", rec.Code, name)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("status %d with a body that is not JSON: %v", rec.Code, err)
		}
	})
}
