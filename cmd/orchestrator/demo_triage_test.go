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

func TestTriageDemoAutoApproveIsolates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := runDemo(ctx, []string{"alert-triage", "--auto-approve", "--locale", "en", "--tenant", "../../tenants/demo.yaml", "--data", data}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("demo alert-triage: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	quarantined := "eni-0d3e0000000000001 in sg-quarantine-0d3e0000000000001; eni-0d3e0000000000002 in sg-quarantine-0d3e0000000000001"
	for _, want := range []string{
		"webhook POST /webhooks/demo/aws (GuardDuty Finding): 200",
		"approved through the confirmation page's form: 200",
		"state ContainInstance", "execution SUCCEEDED",
		"abuseipdb   185.220.101.4   score 100",
		"Decision: isolate",
		"recorded original groups of eni-0d3e0000000000001: sg-0d3e00000000000a1 sg-0d3e00000000000a2",
		"snapshot snap-00000000000000002 of vol-0d3e0000000000002",
		"now: " + quarantined,
		"is isolated in security group sg-quarantine-0d3e0000000000001 after approval by it-manager@contoso.example",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "history", "guardduty-d3e0c0ffee0a1b2c3d4e5f6071829304-20261204083011903.json")); err != nil {
		t.Errorf("history not written: %v", err)
	}
}

func TestTriageDemoRejectsBadArguments(t *testing.T) {
	raw, err := os.ReadFile("../../tenants/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	noTriage := filepath.Join(t.TempDir(), "demo.yaml")
	if err := os.WriteFile(noTriage, bytes.Replace(raw, []byte("workflows: [user-offboarding, alert-triage]"), []byte("workflows: [user-offboarding]"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--locale", "de"}, "use nl, fr or en"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"--tenant", "no-such-file.yaml"}, "no-such-file.yaml"},
		{[]string{"--tenant", noTriage}, "workflows is missing alert-triage"},
	}
	for _, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		var stdout, stderr bytes.Buffer
		err := runDemo(ctx, append([]string{"alert-triage"}, c.args...), &stdout, &stderr)
		cancel()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("demo alert-triage %q: error %v, want one that says %q", c.args, err, c.want)
		}
	}
}
