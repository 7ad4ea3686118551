package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secamo/orchestrator/engine"
	"github.com/secamo/orchestrator/engine/store"
)

func TestExecutionsCommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "engine.db")
	s, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.Options{Store: s})
	smARN, err := e.CreateStateMachine(ctx, "hello", []byte(`{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Result":"hi","End":true}}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	arn, err := e.StartExecution(ctx, smARN, "first", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Wait(ctx, arn); err != nil {
		t.Fatal(err)
	}
	s.Close()

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "list", args: []string{"list", "--db", path}, want: []string{"SUCCEEDED", arn}},
		{name: "describe", args: []string{"describe", "--db", path, arn}, want: []string{`"Output": "\"hi\""`}},
		{name: "history", args: []string{"history", "--db", path, "--max", "2", arn}, want: []string{`"type": "ExecutionStarted"`, `"nextToken"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(ctx, append([]string{"executions"}, tt.args...), &out, &errOut); code != 0 {
				t.Fatalf("exit status %d: %s", code, errOut.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
	t.Run("missing database", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if code := run(ctx, []string{"executions", "list", "--db", filepath.Join(t.TempDir(), "none.db")}, &out, &errOut); code != 1 {
			t.Fatalf("exit status %d; want 1", code)
		}
		if !strings.Contains(errOut.String(), "none.db") {
			t.Errorf("error does not name the file: %s", errOut.String())
		}
	})
}
