package statemachines

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pendingDir contains workflows that are complete and tested but not yet embedded. The
// local runtime (internal/local) and the Lambda entry point do not register their steps
// yet, and CreateAll fails on a placeholder without a substitution, so embedding such a
// file would stop the demo. Moving a file from here into this folder, and regenerating the
// CDK golden template, deploys it.
const pendingDir = "pending"

// pendingDefinitions returns the workflows of pendingDir, for the contract tests.
func pendingDefinitions(t *testing.T) []definition {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(pendingDir, "*.asl.json"))
	if err != nil {
		t.Fatal(err)
	}
	var defs []definition
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var root map[string]any
		if err := json.Unmarshal(data, &root); err != nil {
			t.Fatalf("%s is not valid JSON: %v", path, err)
		}
		defs = append(defs, definition{name: path, text: string(data), root: root})
	}
	return defs
}

// createAlertTriage returns the ARN of alert-triage: the embedded one when the file has been
// moved out of pendingDir, else one created from pendingDir with the child workflows'
// ARNs from arns.
func createAlertTriage(ctx context.Context, t testing.TB, c Creator, subs, arns map[string]string) string {
	t.Helper()
	if arn, ok := arns["alert-triage"]; ok {
		return arn
	}
	data, err := os.ReadFile(filepath.Join(pendingDir, "alert-triage.asl.json"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{}
	for k, v := range subs {
		all[k] = v
	}
	for name, arn := range arns {
		all[PlaceholderName(name)] = arn
	}
	if !strings.Contains(string(data), "${"+PlaceholderName("revoke-user-access")+"}") {
		t.Fatal("alert-triage no longer nests revoke-user-access; update createAlertTriage")
	}
	arn, err := c.CreateStateMachine(ctx, "alert-triage", data, all)
	if err != nil {
		t.Fatalf("creating alert-triage: %v", err)
	}
	return arn
}
