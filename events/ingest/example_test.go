package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/secamo/orchestrator/events/ingest"
	"github.com/secamo/orchestrator/events/rules"
	"github.com/secamo/orchestrator/secrets"
	"github.com/secamo/orchestrator/tenants"
)

// printStarter prints each start instead of running a workflow.
type printStarter struct{}

func (printStarter) StartExecution(ctx context.Context, workflow, name, input string) (string, error) {
	fmt.Printf("start %s as %s\n", workflow, name)
	return "local:" + name, nil
}

// Example mounts the handler on a mux, the way orchestrator serve can, and delivers one
// Freshdesk webhook with the tenant's token.
func Example() {
	cfg, err := tenants.Load("../testdata/tenant.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	quarantine, err := os.MkdirTemp("", "quarantine")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(quarantine)

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/", &ingest.Handler{
		Tenants:    map[string]*tenants.Config{cfg.Name: cfg},
		Secrets:    secrets.Static{cfg.Events.WebhookSecret: "example-token"},
		Rules:      rules.All(),
		Starter:    printStarter{},
		Quarantine: ingest.Dir{Path: quarantine},
	})

	body, err := os.ReadFile("../testdata/freshdesk-offboarding.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	req := httptest.NewRequest(http.MethodPost, "/webhooks/acme/freshdesk", strings.NewReader(string(body)))
	req.Header.Set(ingest.TokenHeader, "example-token")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// start user-offboarding as freshdesk-318-offboarding
	// 200
}
