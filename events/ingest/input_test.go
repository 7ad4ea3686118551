package ingest

import "testing"

func TestWorkflowInput(t *testing.T) {
	cases := []struct {
		name, envelope string
		dryRun         bool
		want           string
		wantErr        bool
	}{
		{"detail only", `{"id":"e1","time":"2026-12-04T09:00:00Z","detail":{"ticketId":"42","kind":"offboarding"}}`, false, `{"kind":"offboarding","ticketId":"42"}`, false},
		{"dry run", `{"detail":{"ticketId":"42"}}`, true, `{"dryRun":true,"ticketId":"42"}`, false},
		{"no detail", `{"id":"e1"}`, false, "", true},
		{"not JSON", `{`, false, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := WorkflowInput(c.envelope, c.dryRun)
			if (err != nil) != c.wantErr {
				t.Fatalf("error = %v, want error %t", err, c.wantErr)
			}
			if got != c.want {
				t.Errorf("input = %s, want %s", got, c.want)
			}
		})
	}
}
