package tenants

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadShippedTenants(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no tenant files found")
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			c, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			if c.Name+".yaml" != f {
				t.Errorf("name = %q, want it to match the file name %s", c.Name, f)
			}
		})
	}
}

func TestParseReportsEveryField(t *testing.T) {
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.NewReplacer(
		"locale: nl", "locale: de",
		"system: servicedeskplus", "system: zendesk",
		"timeout: 4h", "timeout: 0s",
		"signingKey: secretsmanager:example/approval-signing-key", "signingKey: hunter2",
	).Replace(string(data))
	_, err = Parse("bad.yaml", []byte(bad))
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("Parse = %v, want a *ValidationError", err)
	}
	want := []string{"locale", "ticketing.system", "approvals.levels[0].timeout", "approvals.signingKey"}
	for _, field := range want {
		found := false
		for _, f := range v.Fields {
			if f.Field == field {
				found = true
			}
		}
		if !found {
			t.Errorf("no error for field %s in:\n%v", field, err)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error echoes a value written where a secret reference belongs: %v", err)
	}
	if !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("error does not name the file: %v", err)
	}
}

func TestParseRejectsUnknownField(t *testing.T) {
	_, err := Parse("x.yaml", []byte("name: x1\nlocale: en\nlocal: fr\n"))
	if err == nil || !strings.Contains(err.Error(), `local: unknown field "local" (line 3)`) {
		t.Fatalf("Parse = %v, want an unknown-field error naming local", err)
	}
}

func TestParseNamesDecodeErrorFields(t *testing.T) {
	data := []byte("name: acme\nlocale: nl\napprovals:\n  levels:\n    - approvers: [a@example.com]\n      timeot: 4h\ntriage:\n  containSeverity: high\n")
	_, err := Parse("acme.yaml", data)
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("Parse = %v, want a *ValidationError", err)
	}
	want := map[string]string{
		"approvals.levels[0].timeot": `unknown field "timeot" (line 6)`,
		"triage.containSeverity":     `invalid value "high" (line 8): must be a number`,
	}
	for field, text := range want {
		found := false
		for _, f := range v.Fields {
			if f.Field == field && strings.Contains(f.Message, text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error %q for field %s in:\n%v", text, field, err)
		}
	}
	if strings.Contains(err.Error(), "tenants.") {
		t.Errorf("error names a Go type: %v", err)
	}
}

func TestParseNamesInvalidDurationField(t *testing.T) {
	data := []byte("name: acme\nlocale: nl\napprovals:\n  levels:\n    - approvers: [a@example.com]\n      timeout: 4 hours\n")
	_, err := Parse("acme.yaml", data)
	if err == nil || !strings.Contains(err.Error(), "approvals.levels[0].timeout: invalid duration \"4 hours\"") || !strings.Contains(err.Error(), "(line 6)") {
		t.Errorf("Parse = %v, want the duration error named by field and line", err)
	}
}
