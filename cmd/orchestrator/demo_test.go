package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDemoAutoApproveSucceeds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := runDemo(ctx, []string{"--auto-approve", "--locale", "en", "--tenant", "../../tenants/demo.yaml", "--data", data}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"approval link: http://127.0.0.1:", "approved through the confirmation page's form: 200",
		"state DisableADAccount", "child: state RevokeSessions", "execution SUCCEEDED", "verification complete: true", "status Resolved"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	emails, _ := filepath.Glob(filepath.Join(data, "outbox", "*.eml"))
	if len(emails) != 1 {
		t.Errorf("%d e-mails in the outbox, want 1", len(emails))
	}
	if _, err := os.Stat(filepath.Join(data, "history", "servicedeskplus-123640000000300001-offboarding.json")); err != nil {
		t.Errorf("history not written: %v", err)
	}
}

func TestDemoRejectsBadArguments(t *testing.T) {
	cases := [][]string{{"--locale", "de"}, {"extra"}, {"--tenant", "no-such-file.yaml"}, {"--tenant", "../../events/testdata/tenant.yaml"}}
	for _, args := range cases {
		// A tenant that the demo accepts would wait for a decision, so bound each run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		var stdout, stderr bytes.Buffer
		err := runDemo(ctx, args, &stdout, &stderr)
		cancel()
		if err == nil {
			t.Errorf("demo %q: no error", args)
		}
	}
}

func TestServeListenAddress(t *testing.T) {
	cases := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8080", true},
		{"[::1]:8080", true},
		{"localhost:0", true},
		{"0.0.0.0:8080", false},
		{"192.0.2.10:8080", false},
		{"8080", false},
	}
	for _, c := range cases {
		if err := checkLoopback(c.addr); (err == nil) != c.ok {
			t.Errorf("checkLoopback(%q) = %v, want ok %t", c.addr, err, c.ok)
		}
	}
}
